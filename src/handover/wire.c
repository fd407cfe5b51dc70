/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The hand-over protocol: encoders, validating decoders (one private copy,
 * then checks on the copy only) and the per-buffer table both sides keep of
 * what was shared. Freestanding: no allocation, only memcpy/memset.
 */
#include <ampshm/handover.h>

#include "virtio/compat.h"

/* ---- little-endian access, independent of the CPU's byte order ---- */

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static bool all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* ---- field rules shared by the encoder and the decoder ---- */

static int payload_len(uint8_t type, const struct amp_hov_msg *m)
{
	switch (type) {
	case AMP_HOV_SHARE:
		return (int)(AMP_HOV_SHARE_FIXED +
			     AMP_HOV_SEG_SIZE * m->u.share.nseg);
	case AMP_HOV_SHARE_ACK:
	case AMP_HOV_UNSHARE:
	case AMP_HOV_UNSHARE_ACK:
		return 8;
	case AMP_HOV_HANDOVER:
		return 32;
	case AMP_HOV_GIVEBACK:
		return (int)(AMP_HOV_GIVEBACK_FIXED + m->u.giveback.result_len);
	case AMP_HOV_ERROR:
		return 12;
	default:
		return -AMP_HOV_E_TYPE;
	}
}

static bool range_ok(uint64_t offset, uint64_t length)
{
	return length && offset <= UINT64_MAX - length;
}

static bool dir_ok(uint8_t dir)
{
	return dir >= AMP_DIR_TO_DEVICE && dir <= AMP_DIR_BIDIR;
}

/* Everything a message must satisfy on its own, without the table. */
static int validate(const struct amp_hov_msg *m)
{
	const struct amp_hov_share *s = &m->u.share;
	uint32_t i;

	if (m->type != AMP_HOV_SHARE && m->flags)
		return -AMP_HOV_E_RESERVED;
	switch (m->type) {
	case AMP_HOV_SHARE: {
		uint16_t want = 0;

		if (m->flags & ~(AMP_HOV_F_FIRST | AMP_HOV_F_LAST))
			return -AMP_HOV_E_RESERVED;
		if (s->buf_flags & ~AMP_HOV_BUF_MASK)
			return -AMP_HOV_E_RESERVED;
		if (!s->id)
			return -AMP_HOV_E_UNKNOWN_ID;
		if (!s->dirs || (s->dirs & ~AMP_HOV_DIRS_MASK))
			return -AMP_HOV_E_DIR;
		if (!s->nseg || s->nseg > AMP_HOV_SHARE_MAX_SEGS ||
		    s->first >= s->nseg_total ||
		    s->nseg > s->nseg_total - s->first)
			return -AMP_HOV_E_NSEG;
		/* Every part but the last is full: the split is canonical. */
		if (s->first % AMP_HOV_SHARE_MAX_SEGS ||
		    (s->first + s->nseg != s->nseg_total &&
		     s->nseg != AMP_HOV_SHARE_MAX_SEGS))
			return -AMP_HOV_E_NSEG;
		if (s->first == 0)
			want |= AMP_HOV_F_FIRST;
		if (s->first + s->nseg == s->nseg_total)
			want |= AMP_HOV_F_LAST;
		if (m->flags != want)
			return -AMP_HOV_E_NSEG;
		if (!s->size)
			return -AMP_HOV_E_SEG;
		for (i = 0; i < s->nseg; i++)
			if (!range_ok(s->seg[i].addr, s->seg[i].len) ||
			    s->seg[i].len > s->size)
				return -AMP_HOV_E_SEG;
		return 0;
	}
	case AMP_HOV_SHARE_ACK:
		if (!m->u.idm.id)
			return -AMP_HOV_E_UNKNOWN_ID;
		return 0;
	case AMP_HOV_UNSHARE:
	case AMP_HOV_UNSHARE_ACK:
		if (!m->u.idm.id)
			return -AMP_HOV_E_UNKNOWN_ID;
		if (m->u.idm.arg)
			return -AMP_HOV_E_RESERVED;
		return 0;
	case AMP_HOV_HANDOVER:
		if (!m->u.handover.id)
			return -AMP_HOV_E_UNKNOWN_ID;
		if (!dir_ok(m->u.handover.dir))
			return -AMP_HOV_E_DIR;
		if (!range_ok(m->u.handover.offset, m->u.handover.length))
			return -AMP_HOV_E_OVERFLOW;
		return 0;
	case AMP_HOV_GIVEBACK:
		if (!m->u.giveback.id)
			return -AMP_HOV_E_UNKNOWN_ID;
		if (m->u.giveback.status > 0 || m->u.giveback.status < -4095)
			return -AMP_HOV_E_STATUS;
		if (m->u.giveback.result_len > AMP_HOV_RESULT_MAX)
			return -AMP_HOV_E_LENGTH;
		if (!range_ok(m->u.giveback.offset, m->u.giveback.length))
			return -AMP_HOV_E_OVERFLOW;
		return 0;
	case AMP_HOV_ERROR:
		if (!m->u.error.code)
			return -AMP_HOV_E_STATUS;
		return 0;
	default:
		return -AMP_HOV_E_TYPE;
	}
}

/* ---- encoder ---- */

int amp_hov_encode(const struct amp_hov_msg *m, void *out, size_t cap)
{
	uint8_t *b = out, *p;
	int plen, ret;
	uint32_t i;

	if (!m || !out)
		return -EINVAL;
	if (m->type == AMP_HOV_GIVEBACK &&
	    m->u.giveback.result_len > AMP_HOV_RESULT_MAX)
		return -AMP_HOV_E_LENGTH;
	if (m->type == AMP_HOV_SHARE &&
	    (!m->u.share.nseg || m->u.share.nseg > AMP_HOV_SHARE_MAX_SEGS))
		return -AMP_HOV_E_NSEG;
	ret = validate(m);
	if (ret)
		return ret;
	plen = payload_len(m->type, m);
	if (plen < 0)
		return plen;
	if (cap < AMP_HOV_HDR_SIZE + (size_t)plen)
		return -EMSGSIZE;
	memset(b, 0, AMP_HOV_HDR_SIZE + (size_t)plen);
	put32(b, AMP_HOV_MAGIC);
	b[4] = AMP_HOV_VERSION;
	b[5] = m->type;
	put16(b + 6, m->flags);
	put32(b + 8, m->seq);
	put32(b + 12, (uint32_t)plen);
	p = b + AMP_HOV_HDR_SIZE;
	switch (m->type) {
	case AMP_HOV_SHARE:
		put32(p, m->u.share.id);
		put32(p + 4, m->u.share.buf_flags);
		put64(p + 8, m->u.share.size);
		put32(p + 16, m->u.share.nseg_total);
		put32(p + 20, m->u.share.first);
		put16(p + 24, m->u.share.nseg);
		p[26] = m->u.share.dirs;
		for (i = 0; i < m->u.share.nseg; i++) {
			uint8_t *q =
				p + AMP_HOV_SHARE_FIXED + AMP_HOV_SEG_SIZE * i;

			put64(q, m->u.share.seg[i].addr);
			put64(q + 8, m->u.share.seg[i].len);
		}
		break;
	case AMP_HOV_SHARE_ACK:
	case AMP_HOV_UNSHARE:
	case AMP_HOV_UNSHARE_ACK:
		put32(p, m->u.idm.id);
		put32(p + 4, m->u.idm.arg);
		break;
	case AMP_HOV_HANDOVER:
		put32(p, m->u.handover.id);
		p[4] = m->u.handover.dir;
		put64(p + 8, m->u.handover.offset);
		put64(p + 16, m->u.handover.length);
		put64(p + 24, m->u.handover.tag);
		break;
	case AMP_HOV_GIVEBACK:
		put32(p, m->u.giveback.id);
		put32(p + 4, (uint32_t)m->u.giveback.status);
		put64(p + 8, m->u.giveback.offset);
		put64(p + 16, m->u.giveback.length);
		put64(p + 24, m->u.giveback.tag);
		p[32] = m->u.giveback.result_len;
		memcpy(p + AMP_HOV_GIVEBACK_FIXED, m->u.giveback.result,
		       m->u.giveback.result_len);
		break;
	case AMP_HOV_ERROR:
		put32(p, m->u.error.bad_seq);
		put32(p + 4, m->u.error.code);
		p[8] = m->u.error.bad_type;
		break;
	}
	return AMP_HOV_HDR_SIZE + plen;
}

/* ---- decoder ---- */

static bool role_receives(enum amp_hov_role role, uint8_t type)
{
	if (type == AMP_HOV_ERROR)
		return true;
	if (role == AMP_HOV_ROLE_REMOTE)
		return type == AMP_HOV_SHARE || type == AMP_HOV_HANDOVER ||
		       type == AMP_HOV_UNSHARE;
	return type == AMP_HOV_SHARE_ACK || type == AMP_HOV_GIVEBACK ||
	       type == AMP_HOV_UNSHARE_ACK;
}

int amp_hov_decode(const void *data, size_t len, enum amp_hov_role role,
		   struct amp_hov_msg *m)
{
	uint8_t b[AMP_HOV_MAX_MSG];
	const uint8_t *p = b + AMP_HOV_HDR_SIZE;
	struct amp_hov_msg d;
	uint32_t plen, i;
	int ret;

	if (!data || !m ||
	    (role != AMP_HOV_ROLE_HOST && role != AMP_HOV_ROLE_REMOTE))
		return -EINVAL;
	if (len < AMP_HOV_HDR_SIZE)
		return -AMP_HOV_E_TRUNCATED;
	if (len > AMP_HOV_MAX_MSG)
		return -AMP_HOV_E_TRAILING;
	/* The one read of the sender's bytes: all checks use the copy. */
	memcpy(b, data, len);
	if (get32(b) != AMP_HOV_MAGIC)
		return -AMP_HOV_E_MAGIC;
	if (b[4] != AMP_HOV_VERSION)
		return -AMP_HOV_E_VERSION;
	memset(&d, 0, sizeof(d));
	d.type = b[5];
	d.flags = get16(b + 6);
	d.seq = get32(b + 8);
	plen = get32(b + 12);
	if (d.type < AMP_HOV_SHARE || d.type > AMP_HOV_ERROR ||
	    !role_receives(role, d.type))
		return -AMP_HOV_E_TYPE;
	if (plen > len - AMP_HOV_HDR_SIZE)
		return -AMP_HOV_E_TRUNCATED;
	if (plen < len - AMP_HOV_HDR_SIZE)
		return -AMP_HOV_E_TRAILING;

	switch (d.type) {
	case AMP_HOV_SHARE: {
		struct amp_hov_share *s = &d.u.share;
		uint16_t nseg;

		if (plen < AMP_HOV_SHARE_FIXED)
			return -AMP_HOV_E_LENGTH;
		nseg = get16(p + 24);
		if (!nseg || nseg > AMP_HOV_SHARE_MAX_SEGS)
			return -AMP_HOV_E_NSEG;
		if (plen != AMP_HOV_SHARE_FIXED + AMP_HOV_SEG_SIZE * nseg)
			return -AMP_HOV_E_LENGTH;
		if (p[27] || get32(p + 28))
			return -AMP_HOV_E_RESERVED;
		s->id = get32(p);
		s->buf_flags = get32(p + 4);
		s->size = get64(p + 8);
		s->nseg_total = get32(p + 16);
		s->first = get32(p + 20);
		s->nseg = nseg;
		s->dirs = p[26];
		for (i = 0; i < nseg; i++) {
			const uint8_t *q =
				p + AMP_HOV_SHARE_FIXED + AMP_HOV_SEG_SIZE * i;

			s->seg[i].addr = get64(q);
			s->seg[i].len = get64(q + 8);
		}
		break;
	}
	case AMP_HOV_SHARE_ACK:
	case AMP_HOV_UNSHARE:
	case AMP_HOV_UNSHARE_ACK:
		if (plen != 8)
			return -AMP_HOV_E_LENGTH;
		d.u.idm.id = get32(p);
		d.u.idm.arg = get32(p + 4);
		break;
	case AMP_HOV_HANDOVER:
		if (plen != 32)
			return -AMP_HOV_E_LENGTH;
		if (!all_zero(p + 5, 3))
			return -AMP_HOV_E_RESERVED;
		d.u.handover.id = get32(p);
		d.u.handover.dir = p[4];
		d.u.handover.offset = get64(p + 8);
		d.u.handover.length = get64(p + 16);
		d.u.handover.tag = get64(p + 24);
		break;
	case AMP_HOV_GIVEBACK:
		if (plen < AMP_HOV_GIVEBACK_FIXED ||
		    p[32] > AMP_HOV_RESULT_MAX ||
		    plen != AMP_HOV_GIVEBACK_FIXED + p[32])
			return -AMP_HOV_E_LENGTH;
		if (!all_zero(p + 33, 7))
			return -AMP_HOV_E_RESERVED;
		d.u.giveback.id = get32(p);
		d.u.giveback.status = (int32_t)get32(p + 4);
		d.u.giveback.offset = get64(p + 8);
		d.u.giveback.length = get64(p + 16);
		d.u.giveback.tag = get64(p + 24);
		d.u.giveback.result_len = p[32];
		memcpy(d.u.giveback.result, p + AMP_HOV_GIVEBACK_FIXED, p[32]);
		break;
	case AMP_HOV_ERROR:
		if (plen != 12)
			return -AMP_HOV_E_LENGTH;
		if (!all_zero(p + 9, 3))
			return -AMP_HOV_E_RESERVED;
		d.u.error.bad_seq = get32(p);
		d.u.error.code = get32(p + 4);
		d.u.error.bad_type = p[8];
		break;
	}
	ret = validate(&d);
	if (ret)
		return ret;
	memcpy(m, &d, sizeof(d));
	return 0;
}

int amp_hov_error_fill(struct amp_hov_msg *m, uint32_t seq, const void *bad,
		       size_t len, int err)
{
	uint8_t h[AMP_HOV_HDR_SIZE];

	if (!m || (!bad && len) || !err)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	m->type = AMP_HOV_ERROR;
	m->seq = seq;
	m->u.error.code = (uint32_t)(err < 0 ? -err : err);
	if (len < AMP_HOV_HDR_SIZE)
		return 0;
	/* One copy of the header, as for decoding; nothing else is read. */
	memcpy(h, bad, sizeof(h));
	if (get32(h) != AMP_HOV_MAGIC)
		return 0;
	m->u.error.bad_seq = get32(h + 8);
	if (h[5] >= AMP_HOV_SHARE && h[5] <= AMP_HOV_ERROR)
		m->u.error.bad_type = h[5];
	return 0;
}

/* ---- building a SHARE ---- */

uint32_t amp_hov_share_parts(uint32_t nseg)
{
	return nseg / AMP_HOV_SHARE_MAX_SEGS +
	       (nseg % AMP_HOV_SHARE_MAX_SEGS != 0);
}

int amp_hov_share_fill(struct amp_hov_msg *m, uint32_t seq, uint32_t id,
		       uint32_t buf_flags, uint64_t size, uint8_t dirs,
		       const struct amp_sg *segs, uint32_t nseg, uint32_t part)
{
	struct amp_hov_share *s;
	uint32_t first, n;

	if (!m || !segs || part >= amp_hov_share_parts(nseg))
		return -EINVAL;
	first = part * AMP_HOV_SHARE_MAX_SEGS;
	n = nseg - first;
	if (n > AMP_HOV_SHARE_MAX_SEGS)
		n = AMP_HOV_SHARE_MAX_SEGS;
	memset(m, 0, sizeof(*m));
	m->type = AMP_HOV_SHARE;
	m->seq = seq;
	m->flags = (uint16_t)((first == 0 ? AMP_HOV_F_FIRST : 0) |
			      (first + n == nseg ? AMP_HOV_F_LAST : 0));
	s = &m->u.share;
	s->id = id;
	s->buf_flags = buf_flags;
	s->size = size;
	s->nseg_total = nseg;
	s->first = first;
	s->nseg = (uint16_t)n;
	s->dirs = dirs;
	memcpy(s->seg, segs + first, n * sizeof(*segs));
	return 0;
}

/* ---- the table of what was shared ---- */

int amp_hov_table_init(struct amp_hov_table *t, struct amp_hov_buf *bufs,
		       size_t nbufs, struct amp_sg *segs, uint32_t seg_cap)
{
	if (!t || !bufs || !nbufs || (seg_cap && !segs))
		return -EINVAL;
	memset(bufs, 0, nbufs * sizeof(*bufs));
	t->bufs = bufs;
	t->nbufs = nbufs;
	t->segs = seg_cap ? segs : NULL;
	t->seg_cap = seg_cap;
	t->max_id = 0;
	return 0;
}

/*
 * A buffer lives in its home slot (id modulo the table) when that was free
 * at its SHARE: ids come in order, so nearly every lookup of the hot path
 * (each HANDOVER and GIVEBACK) is one probe; the scan is the fallback.
 */
static size_t home(const struct amp_hov_table *t, uint32_t id)
{
	return id % t->nbufs;
}

static struct amp_hov_buf *lookup(const struct amp_hov_table *t, uint32_t id)
{
	size_t i;

	if (!t || !id || !t->nbufs)
		return NULL;
	i = home(t, id);
	if (t->bufs[i].state != AMP_HOV_FREE && t->bufs[i].id == id)
		return &t->bufs[i];
	for (i = 0; i < t->nbufs; i++)
		if (t->bufs[i].state != AMP_HOV_FREE && t->bufs[i].id == id)
			return &t->bufs[i];
	return NULL;
}

const struct amp_hov_buf *amp_hov_find(const struct amp_hov_table *t,
				       uint32_t id)
{
	return lookup(t, id);
}

/* Not live: an id at or below the newest shared is one already unshared. */
static int dead_id(const struct amp_hov_table *t, uint32_t id)
{
	return id && id <= t->max_id ? -AMP_HOV_E_STALE_ID :
				       -AMP_HOV_E_UNKNOWN_ID;
}

static int live_buf(const struct amp_hov_table *t, uint32_t id,
		    struct amp_hov_buf **out)
{
	struct amp_hov_buf *b = lookup(t, id);

	if (!b)
		return dead_id(t, id);
	if (b->state != AMP_HOV_SHARED)
		return -AMP_HOV_E_INCOMPLETE;
	*out = b;
	return 0;
}

int amp_hov_check_id(const struct amp_hov_table *t, uint32_t id)
{
	struct amp_hov_buf *b;

	if (!t)
		return -EINVAL;
	return live_buf(t, id, &b);
}

int amp_hov_check_ack(const struct amp_hov_table *t,
		      const struct amp_hov_msg *m)
{
	struct amp_hov_buf *b;
	int ret;

	if (!t || !m)
		return -EINVAL;
	if (m->type == AMP_HOV_SHARE_ACK) {
		ret = live_buf(t, m->u.idm.id, &b);
		if (ret)
			return ret;
		return m->u.idm.arg == b->nseg_total ? 0 : -AMP_HOV_E_MISMATCH;
	}
	if (m->type != AMP_HOV_UNSHARE_ACK)
		return -EINVAL;
	/* The acknowledged buffer must be one the host has unshared. */
	if (lookup(t, m->u.idm.id))
		return -AMP_HOV_E_MISMATCH;
	return dead_id(t, m->u.idm.id) == -AMP_HOV_E_STALE_ID ?
		       0 :
		       -AMP_HOV_E_UNKNOWN_ID;
}

int amp_hov_check_share(struct amp_hov_table *t, const struct amp_hov_share *s)
{
	struct amp_hov_msg m;
	struct amp_hov_buf *b;
	uint64_t sum;
	uint32_t i;
	int ret;

	if (!t || !s)
		return -EINVAL;
	/* The caller's copy is re-checked: the table trusts nothing. */
	memset(&m, 0, sizeof(m));
	m.type = AMP_HOV_SHARE;
	m.u.share = *s;
	m.flags = (uint16_t)((s->first == 0 ? AMP_HOV_F_FIRST : 0) |
			     (s->nseg <= s->nseg_total &&
					      s->first ==
						      s->nseg_total - s->nseg ?
				      AMP_HOV_F_LAST :
				      0));
	if (!s->nseg || s->nseg > AMP_HOV_SHARE_MAX_SEGS)
		return -AMP_HOV_E_NSEG;
	ret = validate(&m);
	if (ret)
		return ret;

	b = lookup(t, s->id);
	if (s->first == 0) {
		if (b)
			return b->state == AMP_HOV_SHARING ?
				       -AMP_HOV_E_DUP :
				       -AMP_HOV_E_ID_REUSED;
		if (s->id <= t->max_id)
			return -AMP_HOV_E_ID_REUSED;
		if (t->seg_cap && s->nseg_total > t->seg_cap)
			return -AMP_HOV_E_SEG_CAP;
		i = home(t, s->id);
		if (t->bufs[i].state != AMP_HOV_FREE)
			for (i = 0; i < t->nbufs; i++)
				if (t->bufs[i].state == AMP_HOV_FREE)
					break;
		if (i == t->nbufs)
			return -AMP_HOV_E_TABLE_FULL;
		b = &t->bufs[i];
		sum = 0;
	} else {
		if (!b)
			return s->id <= t->max_id ? -AMP_HOV_E_STALE_ID :
						    -AMP_HOV_E_ORDER;
		if (b->state == AMP_HOV_SHARED || s->first < b->nseg_rx)
			return -AMP_HOV_E_DUP;
		if (s->first > b->nseg_rx)
			return -AMP_HOV_E_ORDER;
		if (s->size != b->size || s->buf_flags != b->buf_flags ||
		    s->dirs != b->dirs || s->nseg_total != b->nseg_total)
			return -AMP_HOV_E_MISMATCH;
		sum = b->seg_sum;
	}
	/* Overflow-safe running sum, never above the announced size. */
	for (i = 0; i < s->nseg; i++) {
		if (s->seg[i].len > s->size - sum)
			return -AMP_HOV_E_SEG;
		sum += s->seg[i].len;
	}
	if (s->first + s->nseg == s->nseg_total && sum != s->size)
		return -AMP_HOV_E_SEG;

	/* Accepted: only now is the table written. */
	if (s->first == 0) {
		memset(b, 0, sizeof(*b));
		b->id = s->id;
		b->dirs = s->dirs;
		b->buf_flags = s->buf_flags;
		b->size = s->size;
		b->nseg_total = s->nseg_total;
		b->segs = t->segs ?
				  t->segs + (size_t)(b - t->bufs) * t->seg_cap :
				  NULL;
		b->state = AMP_HOV_SHARING;
		t->max_id = s->id;
	}
	if (b->segs)
		memcpy(b->segs + s->first, s->seg, s->nseg * sizeof(s->seg[0]));
	b->nseg_rx = s->first + s->nseg;
	b->seg_sum = sum;
	if (b->nseg_rx == b->nseg_total) {
		b->state = AMP_HOV_SHARED;
		return 1;
	}
	return 0;
}

int amp_hov_check_handover(struct amp_hov_table *t,
			   const struct amp_hov_handover *h)
{
	struct amp_hov_buf *b;
	uint32_t i;
	int ret;

	if (!t || !h)
		return -EINVAL;
	ret = live_buf(t, h->id, &b);
	if (ret)
		return ret;
	if (!dir_ok(h->dir))
		return -AMP_HOV_E_DIR;
	if (!range_ok(h->offset, h->length))
		return -AMP_HOV_E_OVERFLOW;
	if (h->offset >= b->size || h->length > b->size - h->offset)
		return -AMP_HOV_E_RANGE;
	if (h->dir & ~b->dirs)
		return -AMP_HOV_E_DIR_DENIED;
	for (i = 0; i < b->nranges; i++) {
		const struct amp_hov_range *r = &b->ranges[i];

		if (h->offset < r->offset + r->length &&
		    r->offset < h->offset + h->length)
			return -AMP_HOV_E_OVERLAP;
	}
	if (b->nranges == AMP_HOV_MAX_RANGES)
		return -AMP_HOV_E_RANGES_FULL;
	b->ranges[b->nranges].offset = h->offset;
	b->ranges[b->nranges].length = h->length;
	b->ranges[b->nranges].tag = h->tag;
	b->ranges[b->nranges].dir = h->dir;
	b->nranges++;
	return 0;
}

int amp_hov_check_giveback(struct amp_hov_table *t,
			   const struct amp_hov_giveback *g, uint8_t *dir)
{
	struct amp_hov_buf *b;
	uint32_t i;
	int ret;

	if (!t || !g)
		return -EINVAL;
	ret = live_buf(t, g->id, &b);
	if (ret)
		return ret;
	if (!range_ok(g->offset, g->length))
		return -AMP_HOV_E_OVERFLOW;
	if (g->offset >= b->size || g->length > b->size - g->offset)
		return -AMP_HOV_E_RANGE;
	for (i = 0; i < b->nranges; i++)
		if (b->ranges[i].offset == g->offset &&
		    b->ranges[i].length == g->length)
			break;
	if (i == b->nranges)
		return -AMP_HOV_E_NOT_HELD;
	if (b->ranges[i].tag != g->tag)
		return -AMP_HOV_E_TAG;
	if (dir)
		*dir = b->ranges[i].dir;
	b->ranges[i] = b->ranges[b->nranges - 1];
	memset(&b->ranges[b->nranges - 1], 0, sizeof(b->ranges[0]));
	b->nranges--;
	return 0;
}

int amp_hov_check_unshare(struct amp_hov_table *t, uint32_t id)
{
	struct amp_hov_buf *b;

	if (!t)
		return -EINVAL;
	b = lookup(t, id);
	if (!b)
		return dead_id(t, id);
	if (b->nranges)
		return -AMP_HOV_E_BUSY;
	memset(b, 0, sizeof(*b));
	return 0;
}

const char *amp_hov_strerror(int err)
{
	static const char *const names[] = {
		"truncated",
		"trailing bytes",
		"bad magic",
		"bad version",
		"bad type",
		"bad length",
		"reserved set",
		"bad segment count",
		"bad segment",
		"bad direction",
		"range overflow",
		"bad status",
		"part out of order",
		"duplicate part",
		"part mismatch",
		"id reused",
		"table full",
		"too many segments",
		"unknown id",
		"stale id",
		"share incomplete",
		"range outside buffer",
		"direction not allowed",
		"range overlaps",
		"too many hand-overs",
		"range not held",
		"tag mismatch",
		"buffer busy",
	};

	_Static_assert(sizeof(names) / sizeof(names[0]) ==
			       AMP_HOV_E_BUSY - AMP_HOV_E_TRUNCATED + 1,
		       "one name per code");
	if (err < 0)
		err = -err;
	if (err >= AMP_HOV_E_TRUNCATED && err <= AMP_HOV_E_BUSY)
		return names[err - AMP_HOV_E_TRUNCATED];
	return "?";
}
