// SPDX-License-Identifier: BSD-3-Clause
/*
 * Sample firmware: processes large shared buffers in place.
 *
 * Serves the hand-over protocol as "ampshm-hov" (firmware/lib/fw_hov.c):
 * the host shares buffers (device-address scatter lists) and hands ranges
 * over; the low byte of each hand-over's tag says what to do with it:
 *
 *   BP_OP_NOP     give it back at once (round-trip time)
 *   BP_OP_SUM     result: the 64-bit sum of its little-endian words
 *   BP_OP_INVERT  the same sum, and every byte inverted in place
 *   BP_OP_FILL    write word i (buffer offset 8 i) = (tag >> 8) ^ 8 i
 *   BP_OP_FORGE   first send the host forged give-backs and garbage (it
 *                 must refuse them all), then give the range back
 *   BP_OP_CRASH   fault in the middle of the hand-over
 *   BP_OP_KEEP    never give it back
 *   BP_OP_PEEK    result: the 8 bytes at device address (tag >> 8), which
 *                 faults if nobody gave this core that address
 *
 * It also runs "echo" (small-message round trips) and "stream" (sums what
 * it receives; a 1-byte message asks for the sum and resets it): the cost
 * of copying data through RPMsg, for comparison.
 *
 * Its tables live in a carveout of their own ("work", where the board's
 * memory map puts it). Built with BUFPROC_RSV it also asks for a reserved
 * 1 GiB carveout "rsv" at a fixed physical address (the host registers
 * that static region first); with BUFPROC_DRAM, for a linear window over
 * the host's whole system memory (so scattered buffers reach it as many
 * device segments). A board whose memory map names a shared window
 * (AMPFW_SHM_DA: QEMU's virt, where the host's large buffers live in the
 * guest's RAM) gets that window as its extra carveout instead.
 */
#include <ampfw/ampfw.h>
#include <ampfw/board_map.h>
#include <ampfw/hov.h>
#include <ampfw/rsc.h>
#include <ampshm/rsc_vendor.h>

#include "virtio/compat.h" /* errno values, freestanding */

#include "bufproc.h"

/*
 * fw_bufproc_rsv / fw_bufproc_dram: one more carveout (bufproc.h); or the
 * board's shared window (board_map.h), da = pa.
 */
#if defined(BUFPROC_RSV)
#define EXTRA_NAME BP_RSV_NAME
#define EXTRA_DA BP_RSV_DA
#define EXTRA_PA BP_RSV_PA
#define EXTRA_LEN BP_RSV_LEN
#elif defined(BUFPROC_DRAM)
#define EXTRA_NAME BP_DRAM_NAME
#define EXTRA_DA BP_DRAM_DA
#define EXTRA_PA BP_DRAM_PA
#define EXTRA_LEN BP_DRAM_LEN
#elif defined(AMPFW_SHM_DA)
#define EXTRA_NAME AMPFW_SHM_NAME
#define EXTRA_DA AMPFW_SHM_DA
#define EXTRA_PA AMPFW_SHM_PA
#define EXTRA_LEN AMPFW_SHM_LEN
#endif

#ifdef EXTRA_NAME
#define NUM_ENTRIES 5
#else
#define NUM_ENTRIES 4
#endif

struct bp_rsc_table {
	uint32_t ver, num, reserved[2];
	uint32_t offset[NUM_ENTRIES];
#if NUM_ENTRIES % 2
	uint32_t pad; /* entries 8-byte aligned */
#endif
	struct amp_rsc_carveout carveout;
	struct amp_rsc_trace trace;
	struct ampfw_rsc_vdev2 vdev;
	struct amp_rsc_carveout work;
#ifdef EXTRA_NAME
	struct amp_rsc_carveout64 extra;
#endif
};

#define OFF(f) ((uint32_t) __builtin_offsetof(struct bp_rsc_table, f))

__attribute__((section(".resource_table"), used, aligned(8)))
struct bp_rsc_table resource_table = {
	.ver = 1,
	.num = NUM_ENTRIES,
#ifdef EXTRA_NAME
	.offset = { OFF(carveout), OFF(trace), OFF(vdev), OFF(work),
		    OFF(extra) },
	.extra = {
		.type = AMP_RSC_VENDOR_CARVEOUT64,
		.len = sizeof(struct amp_rsc_carveout64),
		.da = EXTRA_DA,
		.pa = EXTRA_PA,
		.size = EXTRA_LEN,
		.name = EXTRA_NAME,
	},
#else
	.offset = { OFF(carveout), OFF(trace), OFF(vdev), OFF(work) },
#endif
	.carveout = AMPFW_RSC_CARVEOUT_PA(AMPFW_CARVEOUT_DA, AMPFW_CARVEOUT_PA,
					  AMPFW_CARVEOUT_LEN, "fw"),
	.trace = AMPFW_RSC_TRACE(AMPFW_TRACE_DA, AMPFW_TRACE_LEN, "trace0"),
	.vdev = AMPFW_RSC_RPMSG_VDEV(AMPFW_VRING0_DA, AMPFW_VRING1_DA,
				     AMPFW_VRING_ALIGN, AMPFW_VRING_NUM),
	.work = AMPFW_RSC_CARVEOUT_PA(AMPFW_WORK_DA, AMPFW_WORK_PA,
				      AMPFW_WORK_LEN, "work"),
};

/* The hand-over table, in the "work" carveout. */
#define TABLE_BYTES                              \
	(BP_NBUFS * sizeof(struct amp_hov_buf) + \
	 BP_NBUFS * BP_SEG_CAP * sizeof(struct amp_sg))
_Static_assert(TABLE_BYTES <= AMPFW_WORK_LEN, "tables overflow 'work'");

static struct ampfw_rpmsg fw;
static struct ampfw_hov hov;
static struct amp_rpmsg_endpoint echo_ept, stream_ept;
static const struct ampfw_board *board;
static uint64_t stream_sum;

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void wr64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* One contiguous piece, word by word, in place. */
static uint64_t word_loop(uint64_t *w, uint64_t n, unsigned op, uint64_t seed,
			  uint64_t off)
{
	uint64_t s = 0;

	switch (op) {
	case BP_OP_FILL:
		for (uint64_t i = 0; i < n; i++)
			w[i] = seed ^ (off + 8 * i);
		break;
	case BP_OP_INVERT:
		for (uint64_t i = 0; i < n; i++) {
			s += w[i];
			w[i] = ~w[i];
		}
		break;
	default:
		for (uint64_t i = 0; i < n; i++)
			s += w[i];
	}
	return s;
}

/* The ops that walk the range, piece by contiguous piece. */
static int walk(const struct ampfw_hov_req *r, unsigned op, uint64_t *sum)
{
	uint64_t off = r->offset, left = r->length, s = 0;
	uint64_t seed = r->tag >> 8;

	if ((off | left) & 7)
		return -EINVAL; /* words only */
	while (left) {
		uint64_t n = left;
		uint8_t *p = ampfw_hov_ptr(&hov, r->id, off, &n);

		if (!p)
			return -EFAULT;
		if ((uintptr_t)p & 7)
			return -EFAULT; /* segments are page aligned */
		s += word_loop((uint64_t *)p, n / 8, op, seed, off);
		off += n;
		left -= n;
		board->heartbeat(board);
	}
	*sum = s;
	return 0;
}

static void forge(const struct ampfw_hov_req *r)
{
	struct amp_hov_msg m = { .type = AMP_HOV_GIVEBACK, .seq = 900 };
	uint8_t buf[AMP_HOV_MAX_MSG];
	const struct amp_hov_giveback g = { .id = r->id,
					    .offset = r->offset,
					    .length = r->length,
					    .tag = r->tag };
	struct amp_hov_giveback bad[5] = { g, g, g, g, g };
	int n;

	bad[0].id = r->id + 1000; /* a buffer never shared */
	bad[1].offset = r->offset + 8; /* a range it never had */
	bad[2].tag = r->tag ^ 1; /* another tag */
	bad[3].length = r->size; /* more than it was given */
	bad[4].offset = r->size; /* past the end */
	for (unsigned i = 0; i < 5; i++) {
		m.u.giveback = bad[i];
		/* the encoder checks only the wire rules: these pass them */
		n = amp_hov_encode(&m, buf, sizeof(buf));
		if (n > 0)
			amp_rpmsg_send(&hov.ept, buf, (size_t)n);
	}
	/* a status out of range, and a truncated message */
	m.u.giveback = g;
	n = amp_hov_encode(&m, buf, sizeof(buf));
	if (n > 0) {
		wr64(buf + 20, 0x7fffffffull); /* status = +2^31-1 */
		amp_rpmsg_send(&hov.ept, buf, (size_t)n);
		amp_rpmsg_send(&hov.ept, buf, 20);
	}
	/* a message type only the host sends */
	m.type = AMP_HOV_HANDOVER;
	m.u.handover =
		(struct amp_hov_handover){ .id = r->id, .dir = 1, .length = 8 };
	n = amp_hov_encode(&m, buf, sizeof(buf));
	if (n > 0)
		amp_rpmsg_send(&hov.ept, buf, (size_t)n);
}

static int work(struct ampfw_hov *h, const struct ampfw_hov_req *r,
		uint8_t *result, uint8_t *result_len, void *priv)
{
	unsigned op = (unsigned)(r->tag & 0xff);
	uint64_t sum = 0;
	int ret = 0;

	(void)h;
	(void)priv;
	switch (op) {
	case BP_OP_NOP:
		return 0;
	case BP_OP_SUM:
	case BP_OP_INVERT:
	case BP_OP_FILL:
		ret = walk(r, op, &sum);
		wr64(result, sum);
		*result_len = 8;
		return ret;
	case BP_OP_FORGE:
		forge(r);
		return 0;
	case BP_OP_CRASH:
		ampfw_log(board, "bufproc: crash requested\n");
		*(volatile uint32_t *)(uintptr_t)AMPFW_UNMAPPED_DA = 0xdead;
		return -EIO;
	case BP_OP_KEEP:
		return AMPFW_HOV_LATER;
	case BP_OP_PEEK:
		wr64(result,
		     *(volatile const uint64_t *)(uintptr_t)(r->tag >> 8));
		*result_len = 8;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static int echo_cb(struct amp_rpmsg_endpoint *e, void *data, size_t len,
		   uint32_t src, void *priv)
{
	(void)priv;
	amp_rpmsg_sendto(e, data, len, src);
	return 0;
}

static int stream_cb(struct amp_rpmsg_endpoint *e, void *data, size_t len,
		     uint32_t src, void *priv)
{
	const uint8_t *p = data;

	(void)priv;
	if (len == 1) {
		uint8_t ans[8];

		wr64(ans, stream_sum);
		stream_sum = 0;
		amp_rpmsg_sendto(e, ans, sizeof(ans), src);
		return 0;
	}
	for (size_t i = 0; i + 8 <= len; i += 8)
		stream_sum += rd64(p + i);
	return 0;
}

int ampfw_main(const struct ampfw_board *b)
{
	struct amp_hov_buf *bufs =
		(struct amp_hov_buf *)(uintptr_t)AMPFW_WORK_DA;
	struct amp_sg *segs = (struct amp_sg *)(bufs + BP_NBUFS);
	int ret;

	board = b;
	ampfw_trace_init((char *)(uintptr_t)AMPFW_TRACE_DA, AMPFW_TRACE_LEN);
	ampfw_log(b, "bufproc: starting\n");
	ret = ampfw_rpmsg_start(&fw, b, &resource_table, sizeof(resource_table),
				30u * 1000 * 1000);
	if (ret) {
		ampfw_put_hex(b, "bufproc: rpmsg start failed: -errno ",
			      (uint64_t)-ret);
		return AMPFW_EXIT_INIT_FAILED;
	}
	ret = ampfw_hov_init(&hov, &fw.rdev, "ampshm-hov", bufs, BP_NBUFS, segs,
			     BP_SEG_CAP, work, NULL, NULL);
	if (!ret)
		ret = amp_rpmsg_create_ept(&echo_ept, &fw.rdev, "echo",
					   AMP_RPMSG_ADDR_ANY,
					   AMP_RPMSG_ADDR_ANY, echo_cb, NULL,
					   NULL);
	if (!ret)
		ret = amp_rpmsg_create_ept(&stream_ept, &fw.rdev, "stream",
					   AMP_RPMSG_ADDR_ANY,
					   AMP_RPMSG_ADDR_ANY, stream_cb, NULL,
					   NULL);
	if (ret) {
		ampfw_put_hex(b, "bufproc: endpoints: -errno ", (uint64_t)-ret);
		return AMPFW_EXIT_INIT_FAILED;
	}
	ampfw_log(b, "bufproc: ready\n");
	for (;;) {
		b->heartbeat(b);
		ret = amp_rpmsg_poll(&fw.rdev, 10000);
		if (ret < 0 && ret != -ETIMEDOUT && ret != -EAGAIN) {
			ampfw_put_hex(b, "bufproc: poll failed ",
				      (uint64_t)-ret);
			return 1;
		}
	}
}
