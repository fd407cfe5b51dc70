// SPDX-License-Identifier: BSD-3-Clause
/*
 * The smallest useful RPMsg remote, linked only to measure it (make size):
 * a resource table with one RPMsg VDEV, a board whose services do
 * nothing, and an "echo" endpoint that sends every message back. Never
 * run: the board stubs stand for a mailbox driver, which is the board's
 * and not the library's.
 */
#include <ampfw/ampfw.h>
#include <ampfw/rsc.h>

#define VRING_NUM 16u
#define CARVEOUT_DA 0x20000000u

struct min_rsc_table {
	uint32_t ver, num, reserved[2];
	uint32_t offset[2];
	struct amp_rsc_carveout carveout;
	struct ampfw_rsc_vdev2 vdev;
};

#define OFF(f) ((uint32_t) __builtin_offsetof(struct min_rsc_table, f))

__attribute__((section(".resource_table"), used,
	       aligned(8))) static struct min_rsc_table table = {
	.ver = 1,
	.num = 2,
	.offset = { OFF(carveout), OFF(vdev) },
	.carveout = AMPFW_RSC_CARVEOUT(CARVEOUT_DA, 0x40000, "fw"),
	.vdev = AMPFW_RSC_RPMSG_VDEV(AMP_RSC_ADDR_ANY, AMP_RSC_ADDR_ANY, 4096,
				     VRING_NUM),
};

static int min_notify(const struct ampfw_board *b, uint32_t id)
{
	(void)b;
	(void)id;
	return 0;
}

static uint32_t min_wait_prepare(const struct ampfw_board *b)
{
	(void)b;
	return 0;
}

static int min_wait(const struct ampfw_board *b, uint32_t token,
		    uint32_t *remaining_us)
{
	(void)b;
	(void)token;
	(void)remaining_us;
	return 0;
}

static struct ampfw_rpmsg fw;
static struct amp_rpmsg_endpoint ept;

static int echo_cb(struct amp_rpmsg_endpoint *e, void *data, size_t len,
		   uint32_t src, void *priv)
{
	(void)priv;
	return amp_rpmsg_sendto(e, data, len, src);
}

void min_start(void);

void min_start(void)
{
	static const struct ampfw_board board = {
		.version = AMPFW_BOARD_VERSION,
		.size = sizeof(struct ampfw_board),
		.notify = min_notify,
		.wait_prepare = min_wait_prepare,
		.wait = min_wait,
	};

	if (ampfw_rpmsg_start(&fw, &board, &table, sizeof(table), UINT32_MAX) ||
	    amp_rpmsg_create_ept(&ept, &fw.rdev, "echo", AMP_RPMSG_ADDR_ANY,
				 AMP_RPMSG_ADDR_ANY, echo_cb, NULL, NULL))
		for (;;)
			;
	for (;;)
		amp_rpmsg_poll(&fw.rdev, UINT32_MAX);
}
