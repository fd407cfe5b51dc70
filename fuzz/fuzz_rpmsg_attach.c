/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the attach paths: the resource-table parser, the
 * remote's start (amp_rpmsg_remote_init_rsc() / amp_rpmsg_remote_init())
 * over a fuzzed table, VDEV entry and vrings, and the host's start over a
 * fuzzed table (its layout checks). A short run of traffic follows any
 * start that succeeds.
 *
 * Input: u8 table size (16 + value), u8 mode, then patches
 * {u8 off, u8 len, bytes} to the first 256 bytes (table, VDEV entry), then
 * after a 0xFF byte, patches {u16 off, u8 len, bytes} anywhere (rings).
 * The region starts from a valid layout that a host already started, so
 * small patches reach deep.
 */
#include <ampshm/rpmsg.h>

#include <stdint.h>
#include <string.h>

#include "fuzz_port.h"

#define VOFF 512u

static struct amp_rpmsg_dev hd, rd;
static struct amp_vq_slot hslots[2][64], rslots[2][64];

static int cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
	      uint32_t src, void *priv)
{
	volatile uint8_t sink = 0;

	(void)priv;
	for (size_t i = 0; i < len; i++)
		sink ^= ((uint8_t *)data)[i];
	if (len && (((uint8_t *)data)[0] & 1))
		amp_rpmsg_trysendto(ept, data, len > 8 ? 8 : len, src);
	(void)sink;
	return 0;
}

static size_t vsz_al(void)
{
	return (amp_vring_size(NUM, ALIGN) + 511) & ~(size_t)511;
}

static struct amp_rpmsg_host_cfg host_cfg(void)
{
	size_t rx_off = VOFF + 2 * vsz_al(), tx_off = rx_off + NUM * BUFSZ;
	struct amp_rpmsg_host_cfg hc = {
		.port = &port,
		.vring_mem = { region + VOFF, region + VOFF + vsz_al() },
		.rx_bufs = region + rx_off,
		.rx_buf_size = BUFSZ,
		.tx_bufs = region + tx_off,
		.tx_buf_size = BUFSZ,
		.slots = { hslots[0], hslots[1] },
		.nslots = { 64, 64 },
		.features = 1,
	};

	return hc;
}

/* Apply the table patches, then (after 0xFF) the region patches. */
static void patch(const uint8_t *d, size_t n)
{
	size_t i = 0;
	bool wide = false;

	while (i < n) {
		size_t off, len;

		if (!wide && d[i] == 0xFF) {
			wide = true;
			i++;
			continue;
		}
		if (wide) {
			if (n - i < 3)
				return;
			off = ((size_t)d[i] | (size_t)d[i + 1] << 8) % REGION;
			len = d[i + 2] % 33;
			i += 3;
		} else {
			if (n - i < 2)
				return;
			off = d[i];
			len = d[i + 1] % 17;
			i += 2;
		}
		if (len > n - i)
			len = n - i;
		if (len > REGION - off)
			len = REGION - off;
		memcpy(region + off, d + i, len);
		i += len;
	}
}

static void traffic(struct amp_rpmsg_dev *a, struct amp_rpmsg_dev *b)
{
	struct amp_rpmsg_endpoint ea, eb;
	bool ca = false, cbb = false;

	if (a &&
	    !amp_rpmsg_create_ept(&ea, a, NULL, 1024, 1025, cb, NULL, NULL)) {
		ca = true;
		amp_rpmsg_trysend(&ea, "ab", 2);
		amp_rpmsg_process(a);
	}
	if (b && !amp_rpmsg_create_ept(&eb, b, "fz", 1025, AMP_RPMSG_ADDR_ANY,
				       cb, NULL, NULL)) {
		cbb = true;
		amp_rpmsg_trysendto(&eb, "\x01xyz", 4, 1024);
		amp_rpmsg_process(b);
	}
	if (a)
		amp_rpmsg_process(a);
	if (b)
		amp_rpmsg_process(b);
	/* Stack storage: unregister before it goes away. */
	if (ca)
		amp_rpmsg_destroy_ept(&ea);
	if (cbb)
		amp_rpmsg_destroy_ept(&eb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct amp_rpmsg_host_cfg hc = host_cfg();
	struct amp_rpmsg_remote_cfg rc = {
		.port = &port,
		.slots = { rslots[0], rslots[1] },
		.nslots = { 64, 64 },
	};
	struct amp_rsc_vdev *v;
	size_t tsize;
	uint8_t mode;
	bool host_ok;

	if (size < 2)
		return 0;
	tsize = 16u + data[0];
	mode = data[1];

	/* The remote attaches to what a host started, then patched. */
	write_table();
	host_ok = !amp_rpmsg_host_init_rsc(&hd, &hc, region, 88);
	patch(data + 2, size - 2);
	if (!amp_rsc_find_vdev(region, tsize, AMP_VIRTIO_ID_RPMSG, &v)) {
		rc.vdev = v;
		rc.vdev_size = (mode & 2) ? tsize - 20 : 0;
		if (mode & 1 ? !amp_rpmsg_remote_init_rsc(&rd, &rc, region,
							  tsize, 0) :
			       !amp_rpmsg_remote_init(&rd, &rc, 0))
			traffic(host_ok ? &hd : NULL, &rd);
	}
	amp_rpmsg_deinit(&hd);
	amp_rpmsg_deinit(&rd);

	/* The host starts over a patched table (its layout checks). */
	if (mode & 4) {
		write_table();
		patch(data + 2, size - 2);
		if (!amp_rpmsg_host_init_rsc(&hd, &hc, region, tsize)) {
			bool r = !amp_rpmsg_remote_init_rsc(&rd, &rc, region,
							    tsize, 0);

			traffic(&hd, r ? &rd : NULL);
			amp_rpmsg_deinit(&rd);
		}
		amp_rpmsg_deinit(&hd);
	}
	return 0;
}
