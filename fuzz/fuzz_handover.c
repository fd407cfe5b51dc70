/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The hand-over protocol under a hostile peer: the input is a sequence of
 * messages, each decoded by the host or by the remote and, when accepted,
 * applied to both sides' tables of what was shared. Checked on every step:
 * nothing read outside the message, an accepted message re-encodes to the
 * very same bytes, both tables take the same decisions, and each table's
 * invariants hold (ranges inside their buffer, never overlapping, segments
 * adding up to the size).
 *
 * Input: records of [side (bit 0: 0 remote decodes, 1 host decodes)]
 * [length, 2 bytes little-endian][that many bytes].
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ampshm/handover.h>

#define NBUF 3
#define SEGCAP 64

struct side {
	struct amp_hov_table t;
	struct amp_hov_buf bufs[NBUF];
	struct amp_sg segs[NBUF * SEGCAP];
};

static struct side host, remote;

static void check_table(const struct amp_hov_table *t)
{
	size_t i;
	uint32_t j, k;

	for (i = 0; i < t->nbufs; i++) {
		const struct amp_hov_buf *b = &t->bufs[i];

		if (b->state == AMP_HOV_FREE)
			continue;
		if (!b->id || b->id > t->max_id || !b->size ||
		    b->nseg_rx > b->nseg_total || b->seg_sum > b->size ||
		    b->nranges > AMP_HOV_MAX_RANGES || b->nseg_total > SEGCAP)
			abort();
		if (b->state == AMP_HOV_SHARED &&
		    (b->seg_sum != b->size || b->nseg_rx != b->nseg_total))
			abort();
		if (b->state != AMP_HOV_SHARED && b->nranges)
			abort();
		for (j = 0; j < b->nranges; j++) {
			const struct amp_hov_range *r = &b->ranges[j];

			if (!r->length || r->offset >= b->size ||
			    r->length > b->size - r->offset ||
			    (r->dir & ~b->dirs))
				abort();
			for (k = 0; k < j; k++)
				if (r->offset < b->ranges[k].offset +
							b->ranges[k].length &&
				    b->ranges[k].offset < r->offset + r->length)
					abort();
		}
		for (j = 0; j < t->nbufs; j++)
			if (j != i && t->bufs[j].state != AMP_HOV_FREE &&
			    t->bufs[j].id == b->id)
				abort();
	}
}

/* Apply an accepted message to both tables: same decision on each. */
static void apply(const struct amp_hov_msg *m)
{
	int a, b;

	switch (m->type) {
	case AMP_HOV_SHARE:
		a = amp_hov_check_share(&host.t, &m->u.share);
		b = amp_hov_check_share(&remote.t, &m->u.share);
		break;
	case AMP_HOV_HANDOVER:
		a = amp_hov_check_handover(&host.t, &m->u.handover);
		b = amp_hov_check_handover(&remote.t, &m->u.handover);
		break;
	case AMP_HOV_GIVEBACK:
		a = amp_hov_check_giveback(&host.t, &m->u.giveback, NULL);
		b = amp_hov_check_giveback(&remote.t, &m->u.giveback, NULL);
		break;
	case AMP_HOV_UNSHARE:
		a = amp_hov_check_unshare(&host.t, m->u.idm.id);
		b = amp_hov_check_unshare(&remote.t, m->u.idm.id);
		break;
	case AMP_HOV_SHARE_ACK:
	case AMP_HOV_UNSHARE_ACK:
		a = amp_hov_check_ack(&host.t, m);
		b = amp_hov_check_ack(&remote.t, m);
		break;
	default:
		a = b = 0;
		break;
	}
	if (a != b || a > 1 || (a < 0 && amp_hov_strerror(a)[0] == '?'))
		abort();
	check_table(&host.t);
	check_table(&remote.t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[AMP_HOV_MAX_MSG];
	struct amp_hov_msg m;
	size_t len;
	int ret;

	amp_hov_table_init(&host.t, host.bufs, NBUF, host.segs, SEGCAP);
	amp_hov_table_init(&remote.t, remote.bufs, NBUF, remote.segs, SEGCAP);
	while (size >= 3) {
		enum amp_hov_role role = (data[0] & 1) ? AMP_HOV_ROLE_HOST :
							 AMP_HOV_ROLE_REMOTE;
		uint8_t *msg;

		len = (size_t)data[1] | (size_t)data[2] << 8;
		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		/* An exact-size heap copy: ASan sees any read past the end. */
		msg = malloc(len ? len : 1);
		if (!msg)
			abort();
		memcpy(msg, data, len);
		ret = amp_hov_decode(msg, len, role, &m);
		free(msg);
		if (ret == 0) {
			/* Canonical: what was accepted re-encodes identically. */
			if (amp_hov_encode(&m, out, sizeof(out)) != (int)len ||
			    memcmp(out, data, len))
				abort();
			apply(&m);
		} else {
			struct amp_hov_msg e;
			int n;

			if (ret == -22 || amp_hov_strerror(ret)[0] == '?')
				abort();
			/* The ERROR reply always encodes and decodes. */
			if (amp_hov_error_fill(&m, 1, data, len, ret))
				abort();
			n = amp_hov_encode(&m, out, sizeof(out));
			if (n != 28 ||
			    amp_hov_decode(out, (size_t)n, AMP_HOV_ROLE_HOST,
					   &e) ||
			    e.u.error.code != (uint32_t)-ret)
				abort();
		}
		data += len;
		size -= len;
	}
	return 0;
}
