// SPDX-License-Identifier: BSD-3-Clause
/*
 * Sample firmware: an RPMsg echo service.
 *
 * Its resource table asks for one fixed carveout (where it is linked), a
 * trace buffer and an RPMsg VDEV with two fixed vrings inside the
 * carveout (or at "any" address, see ECHO_VRINGS_ANY). It announces "echo" and sends every message back to its
 * sender, except:
 * - "crash": writes to a device address that was never mapped (the core
 *   faults there, the host reports it);
 * - "peek <16 hex digits>": reads 8 bytes at that address and answers
 *   "peek ok" followed by those 8 bytes (a host pointer or an unmapped
 *   address faults instead);
 * - "poke <16 hex digits>": writes 8 bytes there and answers "poke ok"
 *   (its own code is read+execute only: a poke there faults);
 * - "exit": returns from ampfw_main() with code 3;
 * - "hang": loops forever without a heartbeat (for a watchdog).
 */
#include <ampfw/ampfw.h>
#include <ampfw/board_map.h>
#include <ampfw/rsc.h>

#include "virtio/compat.h" /* errno values, freestanding */

#ifdef ECHO_BLOB_16M
#define NUM_ENTRIES 4
#define BLOB_DA 0x11000000u
#define BLOB_LEN 0x01000000u
/* fw_echo_16m: 16 MiB of data in the image, in a carveout of its own */
__attribute__((section(".blob"), used, aligned(4096)))
const uint8_t echo_blob[BLOB_LEN] = { 1 };
#else
#define NUM_ENTRIES 3
#endif

/*
 * Built twice: with fixed vrings (fw_echo) and, with ECHO_VRINGS_ANY,
 * with vrings at "any" address, which the host allocates in the carveout
 * and writes back into the loaded table (fw_echo_any).
 */
#ifdef ECHO_VRINGS_ANY
#define VRING0_DA AMP_RSC_ADDR_ANY
#define VRING1_DA AMP_RSC_ADDR_ANY
#else
#define VRING0_DA AMPFW_VRING0_DA
#define VRING1_DA AMPFW_VRING1_DA
#endif

struct echo_rsc_table {
	uint32_t ver, num, reserved[2];
	uint32_t offset[NUM_ENTRIES];
	uint32_t pad; /* entries 8-byte aligned */
	struct amp_rsc_carveout carveout;
	struct amp_rsc_trace trace;
	struct ampfw_rsc_vdev2 vdev;
#ifdef ECHO_BLOB_16M
	struct amp_rsc_carveout blob;
#endif
};

#define OFF(f) ((uint32_t) __builtin_offsetof(struct echo_rsc_table, f))

__attribute__((section(".resource_table"), used,
	       aligned(8))) struct echo_rsc_table resource_table = {
	.ver = 1,
	.num = NUM_ENTRIES,
#ifdef ECHO_BLOB_16M
	.offset = { OFF(carveout), OFF(trace), OFF(vdev), OFF(blob) },
	.blob = AMPFW_RSC_CARVEOUT(BLOB_DA, BLOB_LEN, "blob"),
#else
	.offset = { OFF(carveout), OFF(trace), OFF(vdev) },
#endif
	.carveout = AMPFW_RSC_CARVEOUT_PA(AMPFW_CARVEOUT_DA, AMPFW_CARVEOUT_PA,
					  AMPFW_CARVEOUT_LEN, "fw"),
	.trace = AMPFW_RSC_TRACE(AMPFW_TRACE_DA, AMPFW_TRACE_LEN, "trace0"),
	.vdev = AMPFW_RSC_RPMSG_VDEV(VRING0_DA, VRING1_DA, AMPFW_VRING_ALIGN,
				     AMPFW_VRING_NUM),
};

static struct ampfw_rpmsg fw;
static struct amp_rpmsg_endpoint ept;
static const struct ampfw_board *board;
static volatile int hang, quit;

static int is(const void *data, size_t len, const char *word)
{
	size_t n = ampfw_strlen(word);

	return len >= n && !memcmp(data, word, n);
}

static int parse_hex(const char *s, size_t len, uint64_t *v)
{
	*v = 0;
	if (!len || len > 16)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

static int echo_cb(struct amp_rpmsg_endpoint *e, void *data, size_t len,
		   uint32_t src, void *priv)
{
	uint64_t addr;

	(void)priv;
	if (len == 5 && is(data, len, "crash")) {
		ampfw_log(board, "echo: crash requested\n");
		*(volatile uint32_t *)(uintptr_t)AMPFW_UNMAPPED_DA = 0xdead;
		return 0;
	}
	if (len == 4 && is(data, len, "exit")) {
		quit = 1;
		return 0;
	}
	if (is(data, len, "poke ") &&
	    !parse_hex((const char *)data + 5, len - 5, &addr)) {
		*(volatile uint64_t *)(uintptr_t)addr = 0x6b6f6f7000000000ull;
		amp_rpmsg_sendto(e, "poke ok", 7, src);
		return 0;
	}
	if (len == 4 && is(data, len, "hang")) {
		hang = 1;
		return 0;
	}
	if (is(data, len, "peek ") &&
	    !parse_hex((const char *)data + 5, len - 5, &addr)) {
		volatile const uint64_t *p =
			(volatile const uint64_t *)(uintptr_t)addr;
		uint64_t v = *p;
		char ans[15] = "peek ok";

		/* "peek ok" and the 8 bytes read */
		memcpy(ans + 7, &v, sizeof(v));
		amp_rpmsg_sendto(e, ans, sizeof(ans), src);
		return 0;
	}
	amp_rpmsg_sendto(e, data, len, src);
	return 0;
}

int ampfw_main(const struct ampfw_board *b)
{
	int ret;

	board = b;
	ampfw_trace_init((char *)(uintptr_t)AMPFW_TRACE_DA, AMPFW_TRACE_LEN);
	ampfw_log(b, "echo: starting\n");
	ret = ampfw_rpmsg_start(&fw, b, &resource_table, sizeof(resource_table),
				30u * 1000 * 1000);
	if (ret) {
		ampfw_put_hex(b, "echo: rpmsg start failed: -errno ",
			      (uint64_t)-ret);
		return AMPFW_EXIT_INIT_FAILED;
	}
	ret = amp_rpmsg_create_ept(&ept, &fw.rdev, "echo", AMP_RPMSG_ADDR_ANY,
				   AMP_RPMSG_ADDR_ANY, echo_cb, NULL, NULL);
	if (ret) {
		ampfw_log(b, "echo: cannot create the endpoint\n");
		return AMPFW_EXIT_INIT_FAILED;
	}
	ampfw_log(b, "echo: ready\n");
	for (;;) {
		b->heartbeat(b);
		if (hang) {
			ampfw_log(b, "echo: hanging\n");
			for (;;)
				__asm__ volatile("" ::: "memory");
		}
		if (quit) {
			ampfw_log(b, "echo: exit requested\n");
			return 3;
		}
		ret = amp_rpmsg_poll(&fw.rdev, 10000);
		if (ret < 0 && ret != -ETIMEDOUT && ret != -EAGAIN) {
			ampfw_put_hex(b, "echo: poll failed ", (uint64_t)-ret);
			return 1;
		}
	}
}
