// SPDX-License-Identifier: BSD-3-Clause
/*
 * The coprocessor side of the hand-over protocol: see <ampfw/hov.h>.
 */
#include <ampfw/ampfw.h>
#include <ampfw/hov.h>
#include <ampshm/cache.h>

#include "virtio/compat.h" /* errno values, freestanding */

static void *map(struct ampfw_hov *h, uint64_t da, uint64_t len)
{
	if (h->map)
		return h->map(h->priv, da, len);
	if (da > (uintptr_t)-1 || len - 1 > (uintptr_t)-1 - da)
		return NULL;
	return (void *)(uintptr_t)da;
}

void *ampfw_hov_ptr(struct ampfw_hov *h, uint32_t id, uint64_t off,
		    uint64_t *len)
{
	const struct amp_hov_buf *b = amp_hov_find(&h->tab, id);
	uint64_t base = 0;

	if (!b || b->state != AMP_HOV_SHARED || !b->segs || off >= b->size)
		return NULL;
	for (uint32_t i = 0; i < b->nseg_total; i++) {
		const struct amp_sg *sg = &b->segs[i];

		if (off - base < sg->len) {
			uint64_t in = off - base, left = sg->len - in;

			if (*len > left)
				*len = left;
			return map(h, sg->addr + in, *len);
		}
		base += sg->len;
	}
	return NULL;
}

/* Cache maintenance over a range of a shared buffer, piece by piece. */
static void range_cache(struct ampfw_hov *h, uint32_t id, uint64_t off,
			uint64_t len, void (*op)(void *, size_t))
{
	while (len) {
		uint64_t n = len;
		void *p = ampfw_hov_ptr(h, id, off, &n);

		if (!p || !n)
			return;
		op(p, (size_t)n);
		off += n;
		len -= n;
	}
}

static int send_msg(struct ampfw_hov *h, struct amp_hov_msg *m)
{
	uint8_t buf[AMP_HOV_MAX_MSG];
	int n;

	m->seq = ++h->seq;
	n = amp_hov_encode(m, buf, sizeof(buf));
	if (n > 0)
		n = amp_rpmsg_send(&h->ept, buf, (size_t)n);
	if (n < 0)
		h->send_errors++;
	return n < 0 ? n : 0;
}

static void refuse(struct ampfw_hov *h, const void *data, size_t len, int err)
{
	struct amp_hov_msg m;

	h->refused++;
	h->last_refusal = err < 0 ? err : -err;
	if (amp_hov_error_fill(&m, 0, data, len, err))
		return;
	if (m.u.error.bad_type != AMP_HOV_ERROR) /* never answer an ERROR */
		send_msg(h, &m);
}

int ampfw_hov_giveback(struct ampfw_hov *h, const struct ampfw_hov_req *r,
		       int status, const void *result, uint8_t result_len)
{
	struct amp_hov_msg m = { .type = AMP_HOV_GIVEBACK };
	const struct amp_hov_buf *b = amp_hov_find(&h->tab, r->id);
	int ret;

	if (result_len > AMP_HOV_RESULT_MAX || (result_len && !result))
		return -EINVAL;
	m.u.giveback = (struct amp_hov_giveback){ .id = r->id,
						  .status = status,
						  .offset = r->offset,
						  .length = r->length,
						  .tag = r->tag,
						  .result_len = result_len };
	if (result_len)
		memcpy(m.u.giveback.result, result, result_len);
	ret = amp_hov_check_giveback(&h->tab, &m.u.giveback, NULL);
	if (ret)
		return ret;
	/* What the core wrote must be in memory before the host looks. */
	if (b && (b->buf_flags & AMP_HOV_BUF_CACHED) &&
	    (r->dir & AMP_DIR_FROM_DEVICE))
		range_cache(h, r->id, r->offset, r->length, amp_cache_clean);
	return send_msg(h, &m);
}

/* Every segment of a SHARE part must be reachable through the map. */
static int check_segments(struct ampfw_hov *h, const struct amp_hov_share *s)
{
	for (uint16_t i = 0; i < s->nseg; i++)
		if (!map(h, s->seg[i].addr, s->seg[i].len))
			return -EFAULT;
	return 0;
}

static int on_share(struct ampfw_hov *h, const struct amp_hov_share *s)
{
	struct amp_hov_msg ack = { .type = AMP_HOV_SHARE_ACK };
	int ret = amp_hov_check_share(&h->tab, s);

	/* the table first: only a part it took belongs to buffer s->id */
	if (ret < 0)
		return ret;
	if (check_segments(h, s)) {
		/* drop what was received of it: the host hears EFAULT */
		amp_hov_check_unshare(&h->tab, s->id);
		return -EFAULT;
	}
	if (!ret)
		return 0; /* more parts to come */
	ack.u.idm.id = s->id;
	ack.u.idm.arg = s->nseg_total;
	send_msg(h, &ack); /* a failed send is counted, not refused */
	return 0;
}

static int on_handover(struct ampfw_hov *h, const struct amp_hov_handover *ho)
{
	const struct amp_hov_buf *b;
	struct ampfw_hov_req r;
	uint8_t result[AMP_HOV_RESULT_MAX];
	uint8_t rlen = 0;
	int ret = amp_hov_check_handover(&h->tab, ho);

	if (ret)
		return ret;
	b = amp_hov_find(&h->tab, ho->id);
	r = (struct ampfw_hov_req){ .id = ho->id,
				    .dir = ho->dir,
				    .offset = ho->offset,
				    .length = ho->length,
				    .tag = ho->tag,
				    .size = b->size };
	/* Lines the core holds may be older than what the host wrote. */
	if ((b->buf_flags & AMP_HOV_BUF_CACHED) &&
	    (ho->dir & AMP_DIR_TO_DEVICE))
		range_cache(h, r.id, r.offset, r.length, amp_cache_invalidate);
	ret = h->work ? h->work(h, &r, result, &rlen, h->priv) : 0;
	if (ret == AMPFW_HOV_LATER)
		return 0;
	if (ret > 0 || ret < -4095)
		ret = -EIO;
	if (rlen > AMP_HOV_RESULT_MAX)
		rlen = 0;
	ampfw_hov_giveback(h, &r, ret, result, rlen);
	return 0;
}

static int on_unshare(struct ampfw_hov *h, uint32_t id)
{
	struct amp_hov_msg ack = { .type = AMP_HOV_UNSHARE_ACK };
	int ret = amp_hov_check_unshare(&h->tab, id);

	if (ret)
		return ret;
	ack.u.idm.id = id;
	send_msg(h, &ack);
	return 0;
}

static int hov_cb(struct amp_rpmsg_endpoint *e, void *data, size_t len,
		  uint32_t src, void *priv)
{
	struct ampfw_hov *h = priv;
	struct amp_hov_msg m;
	int ret;

	(void)e;
	(void)src;
	/* decode copies the bytes once; only the copy is used */
	ret = amp_hov_decode(data, len, AMP_HOV_ROLE_REMOTE, &m);
	if (!ret) {
		switch (m.type) {
		case AMP_HOV_SHARE:
			ret = on_share(h, &m.u.share);
			break;
		case AMP_HOV_HANDOVER:
			ret = on_handover(h, &m.u.handover);
			break;
		case AMP_HOV_UNSHARE:
			ret = on_unshare(h, m.u.idm.id);
			break;
		default: /* an ERROR about one of ours: nothing to undo */
			break;
		}
	}
	if (ret < 0)
		refuse(h, data, len, ret);
	return 0;
}

int ampfw_hov_init(struct ampfw_hov *h, struct amp_rpmsg_dev *rdev,
		   const char *name, struct amp_hov_buf *bufs, size_t nbufs,
		   struct amp_sg *segs, uint32_t seg_cap,
		   ampfw_hov_work_fn work, ampfw_hov_map_fn map_fn, void *priv)
{
	int ret;

	if (!h || !rdev || !name || !segs || !seg_cap)
		return -EINVAL;
	memset(h, 0, sizeof(*h));
	ret = amp_hov_table_init(&h->tab, bufs, nbufs, segs, seg_cap);
	if (ret)
		return ret;
	h->work = work;
	h->map = map_fn;
	h->priv = priv;
	return amp_rpmsg_create_ept(&h->ept, rdev, name, AMP_RPMSG_ADDR_ANY,
				    AMP_RPMSG_ADDR_ANY, hov_cb, NULL, h);
}
