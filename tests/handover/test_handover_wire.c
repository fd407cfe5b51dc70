/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The hand-over protocol: golden bytes of every message, decoding them
 * back, each malformed or forged message refused with its own code, and
 * multi-part SHARE reassembly.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <ampshm/handover.h>

#define TAG 0x1122334455667788ull
#define GIB (1ull << 30)

/* clang-format off */
/* SHARE, one segment: id 7, cached, 1 GiB at da 0x80000000, both dirs. */
static const uint8_t g_share[64] = {
	0x41, 0x48, 0x4f, 0x56, 0x01, 0x01, 0x03, 0x00, /* AHOV v1 SHARE F|L */
	0x01, 0x00, 0x00, 0x00, 0x30, 0x00, 0x00, 0x00, /* seq 1, len 48 */
	0x07, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, /* id 7, cached */
	0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, /* size 1 GiB */
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* total 1, first 0 */
	0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, /* nseg 1, dirs 3 */
	0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, /* addr */
	0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, /* len */
};
static const uint8_t g_share_ack[24] = {
	0x41, 0x48, 0x4f, 0x56, 0x01, 0x02, 0x00, 0x00,
	0x03, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
	0x07, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, /* id 7, nseg 1 */
};
static const uint8_t g_handover[48] = {
	0x41, 0x48, 0x4f, 0x56, 0x01, 0x03, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, /* seq 2, len 32 */
	0x07, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, /* id 7, to device */
	0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* offset 0x1000 */
	0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* length 0x2000 */
	0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, /* tag */
};
static const uint8_t g_giveback[60] = {
	0x41, 0x48, 0x4f, 0x56, 0x01, 0x04, 0x00, 0x00,
	0x05, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, /* seq 5, len 44 */
	0x07, 0x00, 0x00, 0x00, 0xfb, 0xff, 0xff, 0xff, /* id 7, -5 */
	0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
	0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* result_len 4 */
	0xde, 0xad, 0xbe, 0xef,
};
static const uint8_t g_unshare[24] = {
	0x41, 0x48, 0x4f, 0x56, 0x01, 0x05, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
	0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t g_unshare_ack[24] = {
	0x41, 0x48, 0x4f, 0x56, 0x01, 0x06, 0x00, 0x00,
	0x06, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
	0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t g_error[28] = {
	0x41, 0x48, 0x4f, 0x56, 0x01, 0x07, 0x00, 0x00,
	0x09, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x19, 0x01, 0x00, 0x00, /* seq 4, code 281 */
	0x04, 0x00, 0x00, 0x00,                         /* a GIVEBACK */
};
/* clang-format on */

static const struct amp_sg one_gib = { 0x80000000ull, GIB };

static void mk_share(struct amp_hov_msg *m)
{
	assert_int_equal(amp_hov_share_fill(m, 1, 7, AMP_HOV_BUF_CACHED, GIB,
					    AMP_DIR_BIDIR, &one_gib, 1, 0),
			 0);
}

static void mk_handover(struct amp_hov_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = AMP_HOV_HANDOVER;
	m->seq = 2;
	m->u.handover.id = 7;
	m->u.handover.dir = AMP_DIR_TO_DEVICE;
	m->u.handover.offset = 0x1000;
	m->u.handover.length = 0x2000;
	m->u.handover.tag = TAG;
}

static void mk_giveback(struct amp_hov_msg *m)
{
	static const uint8_t res[4] = { 0xde, 0xad, 0xbe, 0xef };

	memset(m, 0, sizeof(*m));
	m->type = AMP_HOV_GIVEBACK;
	m->seq = 5;
	m->u.giveback.id = 7;
	m->u.giveback.status = -5;
	m->u.giveback.offset = 0x1000;
	m->u.giveback.length = 0x2000;
	m->u.giveback.tag = TAG;
	m->u.giveback.result_len = 4;
	memcpy(m->u.giveback.result, res, 4);
}

static void mk_id(struct amp_hov_msg *m, uint8_t type, uint32_t seq,
		  uint32_t arg)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->seq = seq;
	m->u.idm.id = 7;
	m->u.idm.arg = arg;
}

static void mk_error(struct amp_hov_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = AMP_HOV_ERROR;
	m->seq = 9;
	m->u.error.bad_seq = 4;
	m->u.error.code = AMP_HOV_E_NOT_HELD;
	m->u.error.bad_type = AMP_HOV_GIVEBACK;
}

/* Encode @m, compare with @golden, decode it back as @role. */
static void golden(const struct amp_hov_msg *m, const uint8_t *g, size_t n,
		   enum amp_hov_role role)
{
	uint8_t buf[AMP_HOV_MAX_MSG];
	struct amp_hov_msg d;

	memset(buf, 0xa5, sizeof(buf));
	assert_int_equal(amp_hov_encode(m, buf, sizeof(buf)), (int)n);
	assert_memory_equal(buf, g, n);
	assert_int_equal(amp_hov_encode(m, buf, n - 1), -EMSGSIZE);
	assert_int_equal(amp_hov_decode(g, n, role, &d), 0);
	assert_memory_equal(&d, m, sizeof(d));
	/* The other role does not receive this type (ERROR goes both ways). */
	if (m->type != AMP_HOV_ERROR)
		assert_int_equal(amp_hov_decode(g, n, !role, &d),
				 -AMP_HOV_E_TYPE);
}

static void test_golden(void **state)
{
	struct amp_hov_msg m;

	(void)state;
	memset(&m, 0, sizeof(m));
	mk_share(&m);
	golden(&m, g_share, sizeof(g_share), AMP_HOV_ROLE_REMOTE);
	mk_id(&m, AMP_HOV_SHARE_ACK, 3, 1);
	golden(&m, g_share_ack, sizeof(g_share_ack), AMP_HOV_ROLE_HOST);
	mk_handover(&m);
	golden(&m, g_handover, sizeof(g_handover), AMP_HOV_ROLE_REMOTE);
	mk_giveback(&m);
	golden(&m, g_giveback, sizeof(g_giveback), AMP_HOV_ROLE_HOST);
	mk_id(&m, AMP_HOV_UNSHARE, 4, 0);
	golden(&m, g_unshare, sizeof(g_unshare), AMP_HOV_ROLE_REMOTE);
	mk_id(&m, AMP_HOV_UNSHARE_ACK, 6, 0);
	golden(&m, g_unshare_ack, sizeof(g_unshare_ack), AMP_HOV_ROLE_HOST);
	mk_error(&m);
	golden(&m, g_error, sizeof(g_error), AMP_HOV_ROLE_HOST);
	golden(&m, g_error, sizeof(g_error), AMP_HOV_ROLE_REMOTE);
}

/* Decode a patched copy of @g. */
static int dec_(const uint8_t *g, size_t gsize, size_t n,
		enum amp_hov_role role, size_t at, uint8_t val)
{
	uint8_t b[AMP_HOV_MAX_MSG + 8];
	struct amp_hov_msg m;

	memset(b, 0, sizeof(b));
	memcpy(b, g, gsize);
	if (at < sizeof(b))
		b[at] = val;
	return amp_hov_decode(b, n, role, &m);
}

/* Decode @g patched at @at (NOP: not patched) as @n bytes, zero-padded. */
#define dec(g, n, role, at, val) dec_(g, sizeof(g), n, role, at, val)
#define R AMP_HOV_ROLE_REMOTE
#define H AMP_HOV_ROLE_HOST
#define NOP ((size_t)-1)

static void test_malformed(void **state)
{
	uint8_t b[AMP_HOV_MAX_MSG + 8];
	struct amp_hov_msg m;

	(void)state;
	/* truncated */
	assert_int_equal(dec(g_handover, 10, R, NOP, 0), -AMP_HOV_E_TRUNCATED);
	assert_int_equal(dec(g_handover, 47, R, NOP, 0), -AMP_HOV_E_TRUNCATED);
	assert_int_equal(dec(g_share, 63, R, NOP, 0), -AMP_HOV_E_TRUNCATED);
	/* trailing garbage, or longer than an RPMsg payload */
	assert_int_equal(dec(g_handover, 49, R, NOP, 0), -AMP_HOV_E_TRAILING);
	assert_int_equal(dec(g_handover, AMP_HOV_MAX_MSG + 1, R, NOP, 0),
			 -AMP_HOV_E_TRAILING);
	/* bad magic, version, type */
	assert_int_equal(dec(g_handover, 48, R, 0, 0x42), -AMP_HOV_E_MAGIC);
	assert_int_equal(dec(g_handover, 48, R, 4, 2), -AMP_HOV_E_VERSION);
	assert_int_equal(dec(g_handover, 48, R, 4, 0), -AMP_HOV_E_VERSION);
	assert_int_equal(dec(g_handover, 48, R, 5, 0), -AMP_HOV_E_TYPE);
	assert_int_equal(dec(g_handover, 48, R, 5, 8), -AMP_HOV_E_TYPE);
	assert_int_equal(dec(g_handover, 48, H, NOP, 0), -AMP_HOV_E_TYPE);
	/* payload length does not match the type */
	memcpy(b, g_handover, 48);
	b[12] = 36;
	memset(b + 48, 0, 4);
	assert_int_equal(amp_hov_decode(b, 52, R, &m), -AMP_HOV_E_LENGTH);
	assert_int_equal(dec(g_share, 64, R, 40, 2), -AMP_HOV_E_LENGTH);
	assert_int_equal(dec(g_giveback, 60, H, 48, 5), -AMP_HOV_E_LENGTH);
	assert_int_equal(dec(g_giveback, 60, H, 48, 33), -AMP_HOV_E_LENGTH);
	assert_int_equal(dec(g_unshare, 24, R, 12, 12), -AMP_HOV_E_TRUNCATED);
	assert_int_equal(dec(g_unshare, 24, R, 12, 4), -AMP_HOV_E_TRAILING);
	/* reserved fields and flags */
	assert_int_equal(dec(g_handover, 48, R, 6, 1), -AMP_HOV_E_RESERVED);
	assert_int_equal(dec(g_handover, 48, R, 21, 1), -AMP_HOV_E_RESERVED);
	assert_int_equal(dec(g_giveback, 60, H, 50, 1), -AMP_HOV_E_RESERVED);
	assert_int_equal(dec(g_share, 64, R, 20, 3), -AMP_HOV_E_RESERVED);
	assert_int_equal(dec(g_share, 64, R, 43, 1), -AMP_HOV_E_RESERVED);
	assert_int_equal(dec(g_unshare, 24, R, 20, 1), -AMP_HOV_E_RESERVED);
	assert_int_equal(dec(g_error, 28, H, 25, 1), -AMP_HOV_E_RESERVED);
	/* too many segments, and counts that do not add up */
	assert_int_equal(dec(g_share, 64, R, 40, 29), -AMP_HOV_E_NSEG);
	assert_int_equal(dec(g_share, 64, R, 40, 0), -AMP_HOV_E_NSEG);
	assert_int_equal(dec(g_share, 64, R, 32, 0), -AMP_HOV_E_NSEG);
	assert_int_equal(dec(g_share, 64, R, 36, 1), -AMP_HOV_E_NSEG);
	assert_int_equal(dec(g_share, 64, R, 6, 1), -AMP_HOV_E_NSEG);
	assert_int_equal(dec(g_share, 64, R, 32, 2), -AMP_HOV_E_NSEG);
	/* segment overflow: addr + len wraps; empty; longer than the buffer */
	memcpy(b, g_share, 64);
	b[51] = 0xf0;
	memset(b + 52, 0xff, 4); /* addr 0xfffffffff0000000 + 1 GiB wraps */
	assert_int_equal(amp_hov_decode(b, 64, R, &m), -AMP_HOV_E_SEG);
	assert_int_equal(dec(g_share, 64, R, 59, 0), -AMP_HOV_E_SEG);
	assert_int_equal(dec(g_share, 64, R, 59, 0x41), -AMP_HOV_E_SEG);
	/* direction out of range */
	assert_int_equal(dec(g_handover, 48, R, 20, 0), -AMP_HOV_E_DIR);
	assert_int_equal(dec(g_handover, 48, R, 20, 4), -AMP_HOV_E_DIR);
	assert_int_equal(dec(g_share, 64, R, 42, 4), -AMP_HOV_E_DIR);
	assert_int_equal(dec(g_share, 64, R, 42, 0), -AMP_HOV_E_DIR);
	/* offset + length overflows; empty range */
	memcpy(b, g_handover, 48);
	memset(b + 25, 0xff, 7); /* offset 0xffffffffffffff00 + 0x2000 */
	assert_int_equal(amp_hov_decode(b, 48, R, &m), -AMP_HOV_E_OVERFLOW);
	memcpy(b, g_handover, 48);
	memset(b + 32, 0, 8);
	assert_int_equal(amp_hov_decode(b, 48, R, &m), -AMP_HOV_E_OVERFLOW);
	/* status: positive, or beyond the errno range */
	assert_int_equal(dec(g_giveback, 60, H, 23, 0), -AMP_HOV_E_STATUS);
	assert_int_equal(dec(g_giveback, 60, H, 21, 0), -AMP_HOV_E_STATUS);
	/* id 0 is never a buffer */
	assert_int_equal(dec(g_handover, 48, R, 16, 0), -AMP_HOV_E_UNKNOWN_ID);
	/* misuse */
	assert_int_equal(amp_hov_decode(NULL, 48, R, &m), -EINVAL);
	assert_int_equal(amp_hov_decode(g_handover, 48, R, NULL), -EINVAL);
	assert_int_equal(amp_hov_encode(NULL, b, sizeof(b)), -EINVAL);
	/* The ERROR reply to a refused message names it. */
	{
		uint8_t w[AMP_HOV_MAX_MSG];
		int ret;

		memcpy(b, g_giveback, 60);
		b[21] = 0; /* status out of range */
		ret = amp_hov_decode(b, 60, H, &m);
		assert_int_equal(ret, -AMP_HOV_E_STATUS);
		assert_int_equal(amp_hov_error_fill(&m, 9, b, 60, ret), 0);
		assert_int_equal(m.u.error.bad_seq, 5);
		assert_int_equal(m.u.error.bad_type, AMP_HOV_GIVEBACK);
		assert_int_equal(m.u.error.code, AMP_HOV_E_STATUS);
		assert_int_equal(amp_hov_encode(&m, w, sizeof(w)), 28);
		/* No header to quote: sequence and type 0. */
		assert_int_equal(amp_hov_error_fill(&m, 9, b, 10, ret), 0);
		assert_int_equal(m.u.error.bad_seq, 0);
		assert_int_equal(m.u.error.bad_type, 0);
		b[0] = 0;
		assert_int_equal(amp_hov_error_fill(&m, 9, b, 60, ret), 0);
		assert_int_equal(m.u.error.bad_seq, 0);
		assert_int_equal(amp_hov_error_fill(&m, 9, b, 60, 0), -EINVAL);
	}
	/* The encoder refuses what the decoder would. */
	mk_handover(&m);
	m.u.handover.dir = 5;
	assert_int_equal(amp_hov_encode(&m, b, sizeof(b)), -AMP_HOV_E_DIR);
	mk_giveback(&m);
	m.u.giveback.result_len = 33;
	assert_int_equal(amp_hov_encode(&m, b, sizeof(b)), -AMP_HOV_E_LENGTH);
}

/* One side's table, with room for 600 segments per buffer. */
#define NBUF 4
#define SEGCAP 600
struct side {
	struct amp_hov_table t;
	struct amp_hov_buf bufs[NBUF];
	struct amp_sg segs[NBUF * SEGCAP];
};

static struct side host, remote;

static void sides_init(void)
{
	assert_int_equal(amp_hov_table_init(&host.t, host.bufs, NBUF, host.segs,
					    SEGCAP),
			 0);
	assert_int_equal(amp_hov_table_init(&remote.t, remote.bufs, NBUF,
					    remote.segs, SEGCAP),
			 0);
}

/* Share @nseg segments of @seglen bytes as buffer @id; wire round trip. */
static uint32_t share(uint32_t id, uint8_t dirs, const struct amp_sg *sg,
		      uint32_t nseg, uint64_t size)
{
	uint32_t part, parts = amp_hov_share_parts(nseg);
	uint8_t buf[AMP_HOV_MAX_MSG];
	struct amp_hov_msg m, d;
	int n;

	for (part = 0; part < parts; part++) {
		assert_int_equal(amp_hov_share_fill(&m, part, id, 0, size, dirs,
						    sg, nseg, part),
				 0);
		n = amp_hov_encode(&m, buf, sizeof(buf));
		assert_true(n > 0 && n <= (int)AMP_HOV_MAX_MSG);
		assert_int_equal(amp_hov_check_share(&host.t, &m.u.share),
				 part + 1 == parts);
		assert_int_equal(amp_hov_decode(buf, (size_t)n,
						AMP_HOV_ROLE_REMOTE, &d),
				 0);
		assert_int_equal(amp_hov_check_share(&remote.t, &d.u.share),
				 part + 1 == parts);
	}
	return parts;
}

static void handover(uint32_t id, uint8_t dir, uint64_t off, uint64_t len,
		     uint64_t tag, int want)
{
	struct amp_hov_handover h = { id, dir, off, len, tag };

	assert_int_equal(amp_hov_check_handover(&remote.t, &h), want);
}

static void giveback(uint32_t id, uint64_t off, uint64_t len, uint64_t tag,
		     int want)
{
	struct amp_hov_giveback g;

	memset(&g, 0, sizeof(g));
	g.id = id;
	g.offset = off;
	g.length = len;
	g.tag = tag;
	assert_int_equal(amp_hov_check_giveback(&host.t, &g, NULL), want);
}

static void test_size_independent(void **state)
{
	struct amp_sg small = { 0x90000000ull, 4096 };
	struct amp_hov_msg a, b;
	uint8_t wa[AMP_HOV_MAX_MSG], wb[AMP_HOV_MAX_MSG];

	(void)state;
	sides_init();
	assert_int_equal(share(1, AMP_DIR_BIDIR, &one_gib, 1, GIB), 1);
	assert_int_equal(share(2, AMP_DIR_BIDIR, &small, 1, 4096), 1);
	assert_int_equal(
		amp_hov_share_fill(&a, 0, 1, 0, GIB, 3, &one_gib, 1, 0), 0);
	assert_int_equal(amp_hov_share_fill(&b, 0, 2, 0, 4096, 3, &small, 1, 0),
			 0);
	assert_int_equal(amp_hov_encode(&a, wa, sizeof(wa)),
			 amp_hov_encode(&b, wb, sizeof(wb)));
	/* A hand-over of the whole buffer is one 48-byte message either way. */
	handover(1, AMP_DIR_TO_DEVICE, 0, GIB, 1, 0);
	handover(2, AMP_DIR_TO_DEVICE, 0, 4096, 2, 0);
	assert_int_equal(amp_hov_share_parts(1), 1);
	assert_int_equal(amp_hov_share_parts(28), 1);
	assert_int_equal(amp_hov_share_parts(29), 2);
	assert_int_equal(amp_hov_share_parts(0), 0);
}

static struct amp_sg sg600[600];

static void fill600(void)
{
	uint32_t i;

	/* Scattered 64 KiB pages, one every 128 KiB, last one shorter. */
	for (i = 0; i < 600; i++) {
		sg600[i].addr = 0x100000000ull + (uint64_t)i * 0x20000;
		sg600[i].len = i == 599 ? 0x1000 : 0x10000;
	}
}

#define SIZE600 (599ull * 0x10000 + 0x1000)

static void test_600_segments(void **state)
{
	const struct amp_hov_buf *b;

	(void)state;
	sides_init();
	fill600();
	/* 21 full parts of 28 and one of 12. */
	assert_int_equal(share(5, AMP_DIR_BIDIR, sg600, 600, SIZE600), 22);
	b = amp_hov_find(&remote.t, 5);
	assert_non_null(b);
	assert_int_equal(b->state, AMP_HOV_SHARED);
	assert_int_equal(b->nseg_total, 600);
	assert_int_equal(b->size, SIZE600);
	assert_memory_equal(b->segs, sg600, sizeof(sg600));
	assert_int_equal(amp_hov_check_id(&remote.t, 5), 0);
	/* Part headers: FIRST, then none, then LAST with the 12 left. */
	{
		static const uint8_t mid_hdr[16] = {
			0x41, 0x48, 0x4f, 0x56, 0x01, 0x01, 0x00, 0x00,
			0x01, 0x00, 0x00, 0x00, 0xe0, 0x01, 0x00, 0x00,
		};
		static const uint8_t last_hdr[16] = {
			0x41, 0x48, 0x4f, 0x56, 0x01, 0x01, 0x02, 0x00,
			0x15, 0x00, 0x00, 0x00, 0xe0, 0x00, 0x00, 0x00,
		};
		uint8_t w[AMP_HOV_MAX_MSG];
		struct amp_hov_msg m;

		amp_hov_share_fill(&m, 1, 5, 0, SIZE600, 3, sg600, 600, 1);
		assert_int_equal(amp_hov_encode(&m, w, sizeof(w)), 496);
		assert_memory_equal(w, mid_hdr, 16);
		/* first 28, nseg 28 */
		assert_int_equal(w[36], 28);
		assert_int_equal(w[40], 28);
		amp_hov_share_fill(&m, 21, 5, 0, SIZE600, 3, sg600, 600, 21);
		assert_int_equal(amp_hov_encode(&m, w, sizeof(w)),
				 16 + 32 + 12 * 16);
		assert_memory_equal(w, last_hdr, 16);
		/* first 588 = 0x24c, nseg 12 */
		assert_int_equal(w[36], 0x4c);
		assert_int_equal(w[37], 0x02);
		assert_int_equal(w[40], 12);
	}
	/* A hand-over across the segment boundaries is still one message. */
	handover(5, AMP_DIR_FROM_DEVICE, 0x8000, 0x30000, 9, 0);
}

static void test_reassembly_refused(void **state)
{
	struct amp_hov_msg m;
	struct amp_sg big = { 0x1000, 1ull << 40 };

	(void)state;
	sides_init();
	fill600();
	assert_int_equal(
		amp_hov_share_fill(&m, 0, 3, 0, SIZE600, 3, sg600, 600, 0), 0);
	/* A continuation before its first part. */
	assert_int_equal(
		amp_hov_share_fill(&m, 1, 3, 0, SIZE600, 3, sg600, 600, 1), 0);
	assert_int_equal(amp_hov_check_share(&remote.t, &m.u.share),
			 -AMP_HOV_E_ORDER);
	assert_int_equal(
		amp_hov_share_fill(&m, 0, 3, 0, SIZE600, 3, sg600, 600, 0), 0);
	assert_int_equal(amp_hov_check_share(&remote.t, &m.u.share), 0);
	/* The first part again: duplicate. */
	assert_int_equal(amp_hov_check_share(&remote.t, &m.u.share),
			 -AMP_HOV_E_DUP);
	/* Part 2 before part 1: out of order. */
	amp_hov_share_fill(&m, 2, 3, 0, SIZE600, 3, sg600, 600, 2);
	assert_int_equal(amp_hov_check_share(&remote.t, &m.u.share),
			 -AMP_HOV_E_ORDER);
	amp_hov_share_fill(&m, 1, 3, 0, SIZE600, 3, sg600, 600, 1);
	assert_int_equal(amp_hov_check_share(&remote.t, &m.u.share), 0);
	/* Part 1 again: duplicate. */
	assert_int_equal(amp_hov_check_share(&remote.t, &m.u.share),
			 -AMP_HOV_E_DUP);
	/* Part 2 that changes the buffer's size or directions. */
	amp_hov_share_fill(&m, 2, 3, 0, SIZE600 + 1, 3, sg600, 600, 2);
	assert_int_equal(amp_hov_check_share(&remote.t, &m.u.share),
			 -AMP_HOV_E_MISMATCH);
	amp_hov_share_fill(&m, 2, 3, 0, SIZE600, 1, sg600, 600, 2);
	assert_int_equal(amp_hov_check_share(&remote.t, &m.u.share),
			 -AMP_HOV_E_MISMATCH);
	/* Not usable before its last part. */
	handover(3, AMP_DIR_TO_DEVICE, 0, 16, 0, -AMP_HOV_E_INCOMPLETE);
	/* A partial share may be dropped. */
	assert_int_equal(amp_hov_check_unshare(&remote.t, 3), 0);
	assert_null(amp_hov_find(&remote.t, 3));

	/* Segments that add up to more, or less, than the size. */
	amp_hov_share_fill(&m, 0, 4, 0, 4096, 3, &big, 1, 0);
	assert_int_equal(amp_hov_check_share(&remote.t, &m.u.share),
			 -AMP_HOV_E_SEG);
	big.len = 1024;
	amp_hov_share_fill(&m, 0, 4, 0, 4096, 3, &big, 1, 0);
	assert_int_equal(amp_hov_check_share(&remote.t, &m.u.share),
			 -AMP_HOV_E_SEG);
	/* More segments than the table stores. */
	{
		struct amp_hov_table t;
		struct amp_hov_buf bufs[1];
		struct amp_sg segs[10];

		assert_int_equal(amp_hov_table_init(&t, bufs, 1, segs, 10), 0);
		amp_hov_share_fill(&m, 0, 4, 0, SIZE600, 3, sg600, 600, 0);
		assert_int_equal(amp_hov_check_share(&t, &m.u.share),
				 -AMP_HOV_E_SEG_CAP);
	}
}

static void test_state_checks(void **state)
{
	struct amp_sg seg = { 0x80000000ull, 0x100000 };
	struct amp_hov_giveback g;
	uint32_t i;
	uint8_t dir = 0;

	(void)state;
	sides_init();
	/* Buffer 7: 1 MiB, device may only read it. */
	share(7, AMP_DIR_TO_DEVICE, &seg, 1, 0x100000);
	/* unknown id */
	handover(8, AMP_DIR_TO_DEVICE, 0, 16, 0, -AMP_HOV_E_UNKNOWN_ID);
	giveback(8, 0, 16, 0, -AMP_HOV_E_UNKNOWN_ID);
	/* range outside the buffer */
	handover(7, AMP_DIR_TO_DEVICE, 0xff000, 0x2000, 0, -AMP_HOV_E_RANGE);
	handover(7, AMP_DIR_TO_DEVICE, 0x100000, 1, 0, -AMP_HOV_E_RANGE);
	handover(7, AMP_DIR_TO_DEVICE, UINT64_MAX, 1, 0, -AMP_HOV_E_OVERFLOW);
	/* wrong direction */
	handover(7, AMP_DIR_FROM_DEVICE, 0, 16, 0, -AMP_HOV_E_DIR_DENIED);
	handover(7, AMP_DIR_BIDIR, 0, 16, 0, -AMP_HOV_E_DIR_DENIED);
	handover(7, 0, 0, 16, 0, -AMP_HOV_E_DIR);

	/* The same hand-overs on both sides. */
	for (i = 0; i < AMP_HOV_MAX_RANGES; i++) {
		struct amp_hov_handover h = { 7, AMP_DIR_TO_DEVICE,
					      i * 0x1000ull, 0x1000, 100 + i };

		assert_int_equal(amp_hov_check_handover(&host.t, &h), 0);
		assert_int_equal(amp_hov_check_handover(&remote.t, &h), 0);
	}
	/* a range already with the device; too many outstanding */
	handover(7, AMP_DIR_TO_DEVICE, 0x800, 0x1000, 0, -AMP_HOV_E_OVERLAP);
	handover(7, AMP_DIR_TO_DEVICE, 0x80000, 0x1000, 0,
		 -AMP_HOV_E_RANGES_FULL);
	/* give-back of a range never handed over (or only part of one) */
	giveback(7, 0x80000, 0x1000, 0, -AMP_HOV_E_NOT_HELD);
	giveback(7, 0x0, 0x800, 100, -AMP_HOV_E_NOT_HELD);
	giveback(7, 0x0, 0x2000, 100, -AMP_HOV_E_NOT_HELD);
	giveback(7, 0xff000, 0x2000, 100, -AMP_HOV_E_RANGE);
	/* with another tag */
	giveback(7, 0x1000, 0x1000, 100, -AMP_HOV_E_TAG);
	/* unshare while ranges are out */
	assert_int_equal(amp_hov_check_unshare(&host.t, 7), -AMP_HOV_E_BUSY);
	/* a good give-back, then the same again */
	memset(&g, 0, sizeof(g));
	g.id = 7;
	g.offset = 0x1000;
	g.length = 0x1000;
	g.tag = 101;
	assert_int_equal(amp_hov_check_giveback(&host.t, &g, &dir), 0);
	assert_int_equal(dir, AMP_DIR_TO_DEVICE);
	assert_int_equal(amp_hov_check_giveback(&host.t, &g, &dir),
			 -AMP_HOV_E_NOT_HELD);
	for (i = 0; i < AMP_HOV_MAX_RANGES; i++) {
		if (i == 1)
			continue;
		giveback(7, i * 0x1000ull, 0x1000, 100 + i, 0);
	}
	assert_int_equal(amp_hov_find(&host.t, 7)->nranges, 0);
	assert_int_equal(amp_hov_check_unshare(&host.t, 7), 0);
	/* The remote retired the same ranges as it gave them back. */
	for (i = 0; i < AMP_HOV_MAX_RANGES; i++) {
		memset(&g, 0, sizeof(g));
		g.id = 7;
		g.offset = i * 0x1000ull;
		g.length = 0x1000;
		g.tag = 100 + i;
		assert_int_equal(amp_hov_check_giveback(&remote.t, &g, NULL),
				 0);
	}
	assert_int_equal(amp_hov_check_unshare(&remote.t, 7), 0);
	/* id reuse after unshare, and a forged id after unshare */
	assert_int_equal(amp_hov_check_unshare(&host.t, 7),
			 -AMP_HOV_E_STALE_ID);
	giveback(7, 0x1000, 0x1000, 101, -AMP_HOV_E_STALE_ID);
	assert_int_equal(amp_hov_check_id(&host.t, 7), -AMP_HOV_E_STALE_ID);
	{
		struct amp_hov_msg m;

		amp_hov_share_fill(&m, 0, 7, 0, 0x100000, 1, &seg, 1, 0);
		assert_int_equal(amp_hov_check_share(&host.t, &m.u.share),
				 -AMP_HOV_E_ID_REUSED);
		/* ... an older id never seen */
		amp_hov_share_fill(&m, 0, 6, 0, 0x100000, 1, &seg, 1, 0);
		assert_int_equal(amp_hov_check_share(&remote.t, &m.u.share),
				 -AMP_HOV_E_ID_REUSED);
		/* a forged hand-over of the unshared id on the remote */
		handover(7, AMP_DIR_TO_DEVICE, 0, 16, 0, -AMP_HOV_E_STALE_ID);
	}
	/* table full */
	for (i = 0; i < NBUF; i++)
		share(10 + i, AMP_DIR_BIDIR, &seg, 1, 0x100000);
	{
		struct amp_hov_msg m;

		/* ... and a live id shared twice */
		amp_hov_share_fill(&m, 0, 10, 0, 0x100000, 1, &seg, 1, 0);
		assert_int_equal(amp_hov_check_share(&remote.t, &m.u.share),
				 -AMP_HOV_E_ID_REUSED);
		amp_hov_share_fill(&m, 0, 20, 0, 0x100000, 3, &seg, 1, 0);
		assert_int_equal(amp_hov_check_share(&host.t, &m.u.share),
				 -AMP_HOV_E_TABLE_FULL);
	}
	/* Acknowledgements checked against the host's table. */
	{
		struct amp_hov_msg a;

		mk_id(&a, AMP_HOV_SHARE_ACK, 1, 0);
		a.u.idm.id = 10;
		a.u.idm.arg = 1;
		assert_int_equal(amp_hov_check_ack(&host.t, &a), 0);
		a.u.idm.arg = 2;
		assert_int_equal(amp_hov_check_ack(&host.t, &a),
				 -AMP_HOV_E_MISMATCH);
		a.u.idm.id = 99;
		assert_int_equal(amp_hov_check_ack(&host.t, &a),
				 -AMP_HOV_E_UNKNOWN_ID);
		mk_id(&a, AMP_HOV_UNSHARE_ACK, 2, 0); /* id 7: unshared */
		assert_int_equal(amp_hov_check_ack(&host.t, &a), 0);
		a.u.idm.id = 10; /* still live: never unshared */
		assert_int_equal(amp_hov_check_ack(&host.t, &a),
				 -AMP_HOV_E_MISMATCH);
		a.u.idm.id = 99;
		assert_int_equal(amp_hov_check_ack(&host.t, &a),
				 -AMP_HOV_E_UNKNOWN_ID);
		a.type = AMP_HOV_HANDOVER;
		assert_int_equal(amp_hov_check_ack(&host.t, &a), -EINVAL);
	}
	assert_string_equal(amp_hov_strerror(-AMP_HOV_E_NOT_HELD),
			    "range not held");
	assert_string_equal(amp_hov_strerror(-AMP_HOV_E_BUSY), "buffer busy");
	assert_string_equal(amp_hov_strerror(1), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_size_independent),
		cmocka_unit_test(test_600_segments),
		cmocka_unit_test(test_reassembly_refused),
		cmocka_unit_test(test_state_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
