/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the RPMsg receive paths of both roles.
 *
 * A host and a remote share one small region (a global array, so ASan
 * catches any access outside it). The input is a script: the fuzzer plays
 * a malicious peer that writes arbitrary bytes anywhere in the region
 * (rings, descriptors, indices, buffers, resource table), interleaved with
 * legitimate sends, processing on both sides, holds and releases.
 * Whatever it writes, neither side may access memory outside the region
 * or its own state, crash, or loop forever.
 */
#include <ampshm/rpmsg.h>

#include <stdint.h>
#include <string.h>

#include "fuzz_port.h"


static struct amp_rpmsg_dev hd, rd;
static struct amp_vq_slot hslots[2][NUM], rslots[2][NUM];
static struct amp_rpmsg_endpoint hept, rept, bound_ept;
static void *held[4];
static int nheld;
static struct amp_rpmsg_endpoint *held_ept[4];

static int cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
	      uint32_t src, void *priv)
{
	volatile uint8_t sink = 0;

	(void)priv;
	/* Touch every byte the stack claims is payload. */
	for (size_t i = 0; i < len; i++)
		sink ^= ((uint8_t *)data)[i];
	if (len && (((uint8_t *)data)[0] & 1) && nheld < 4 &&
	    !amp_rpmsg_hold_rx_buffer(ept, data)) {
		held_ept[nheld] = ept;
		held[nheld++] = data;
	}
	if (len && (((uint8_t *)data)[0] & 2))
		amp_rpmsg_trysendto(ept, data, len > 8 ? 8 : len, src);
	(void)sink;
	return 0;
}

static void bind_cb(struct amp_rpmsg_dev *rdev, const char *name, uint32_t dest,
		    void *priv)
{
	(void)priv;
	if (!bound_ept.rdev)
		amp_rpmsg_create_ept(&bound_ept, rdev, name, AMP_RPMSG_ADDR_ANY,
				     dest, cb, NULL, NULL);
}

static int setup(void)
{
	struct amp_rsc_vdev *v;
	size_t vsz = amp_vring_size(NUM, ALIGN);
	size_t voff = 512, vsz_al = (vsz + 511) & ~(size_t)511;
	size_t rx_off = voff + 2 * vsz_al, tx_off = rx_off + NUM * BUFSZ;
	struct amp_rpmsg_host_cfg hc = {
		.port = &port,
		.vring_mem = { region + voff, region + voff + vsz_al },
		.rx_bufs = region + rx_off,
		.rx_buf_size = BUFSZ,
		.tx_bufs = region + tx_off,
		.tx_buf_size = BUFSZ,
		.slots = { hslots[0], hslots[1] },
		.nslots = { NUM, NUM },
		.features = 1,
	};
	struct amp_rpmsg_remote_cfg rc = {
		.port = &port,
		.slots = { rslots[0], rslots[1] },
		.nslots = { NUM, NUM },
	};

	memset(&bound_ept, 0, sizeof(bound_ept));
	nheld = 0;
	v = write_table();
	hc.vdev = rc.vdev = v;
	if (amp_rpmsg_host_init(&hd, &hc) || amp_rpmsg_remote_init(&rd, &rc, 0))
		return -1;
	amp_rpmsg_set_ns_bind_cb(&hd, bind_cb, NULL);
	if (amp_rpmsg_create_ept(&hept, &hd, NULL, 1024, 1025, cb, NULL,
				 NULL) ||
	    amp_rpmsg_create_ept(&rept, &rd, "fz", 1025, AMP_RPMSG_ADDR_ANY, cb,
				 NULL, NULL))
		return -1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i = 0;
	int steps = 0;

	if (setup())
		__builtin_trap();
	while (i < size && steps++ < 256) {
		uint8_t op = data[i++];
		size_t n, off;

		switch (op % 8) {
		case 0: /* the evil peer writes n bytes at off */
		case 1:
			if (size - i < 3)
				return 0;
			off = ((size_t)data[i] | (size_t)data[i + 1] << 8) %
			      REGION;
			n = data[i + 2] % 33;
			i += 3;
			if (n > size - i)
				n = size - i;
			if (n > REGION - off)
				n = REGION - off;
			memcpy(region + off, data + i, n);
			i += n;
			break;
		case 2:
			amp_rpmsg_process(&rd);
			break;
		case 3:
			amp_rpmsg_process(&hd);
			break;
		case 4: /* host sends */
		case 5: /* remote sends */
			n = size - i < 16 ? size - i : (size_t)(op >> 3) % 17;
			if (n > size - i)
				n = size - i;
			amp_rpmsg_trysend(op % 8 == 4 ? &hept : &rept, data + i,
					  n);
			i += n;
			break;
		case 6:
			if (nheld) {
				nheld--;
				amp_rpmsg_release_rx_buffer(held_ept[nheld],
							    held[nheld]);
			}
			break;
		case 7: { /* zero-copy send from either side */
			struct amp_rpmsg_endpoint *e = (op >> 3) & 1 ? &rept :
								       &hept;
			uint32_t cap;
			uint8_t *b =
				amp_rpmsg_get_tx_payload_buffer(e, &cap, false);

			if (b) {
				memset(b, op, cap);
				if (op & 0x10)
					amp_rpmsg_release_tx_buffer(e, b);
				else
					amp_rpmsg_send_nocopy(e, b, cap);
			}
			break;
		}
		}
	}
	amp_rpmsg_process(&rd);
	amp_rpmsg_process(&hd);
	return 0;
}
