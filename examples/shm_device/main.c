/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A large buffer shared zero copy with a (simulated) coprocessor behind an
 * IOMMU: allocate, attach, hand a range over, let the device write it,
 * take it back, check the bytes.
 *
 * Build: cc main.c $(pkg-config --cflags --libs ampshm)
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <ampshm/ampshm.h>

#define MiB (1ull << 20)

static int fail(const char *what, int err)
{
	fprintf(stderr, "shm_device: %s: %d (%s)\n", what, err,
		amp_last_error());
	return 1;
}

int main(void)
{
	struct amp_dev_config cfg = { .name = "dsp",
				      .dma_bits = 40,
				      .iommu = true };
	const struct amp_sg *da;
	struct amp_dev *dsp;
	struct amp_shm *buf;
	size_t nda;
	char *va;
	int ret;

	ret = amp_dev_create(&cfg, &dsp);
	if (ret)
		return fail("amp_dev_create", ret);
	ret = amp_shm_open("sysmem/frames", 64 * MiB, 0, &buf);
	if (ret)
		return fail("amp_shm_open", ret);
	ret = amp_shm_attach(buf, dsp, AMP_DIR_BIDIR, &da, &nda);
	if (ret)
		return fail("amp_shm_attach", ret);
	printf("64 MiB buffer: va %p, device sees %zu range at da 0x%" PRIx64
	       "\n",
	       amp_shm_va(buf), nda, da[0].addr);

	va = amp_shm_va(buf);
	strcpy(va, "from the CPU");
	/* The first MiB for the device to read, the second for it to fill. */
	ret = amp_shm_sync_for_device(buf, dsp, AMP_DIR_TO_DEVICE, 0, MiB);
	if (!ret)
		ret = amp_shm_sync_for_device(buf, dsp, AMP_DIR_FROM_DEVICE,
					      MiB, MiB);
	if (ret)
		return fail("amp_shm_sync_for_device", ret);

	/* What the coprocessor does, at its own addresses. */
	{
		char in[16];

		amp_dev_read(dsp, da[0].addr, in, 13);
		amp_dev_write(dsp, da[0].addr + MiB, "from the DSP", 13);
		printf("device read \"%s\"\n", in);
	}

	ret = amp_shm_sync_for_cpu(buf, dsp, AMP_DIR_TO_DEVICE, 0, MiB);
	if (!ret)
		ret = amp_shm_sync_for_cpu(buf, dsp, AMP_DIR_FROM_DEVICE, MiB,
					   MiB);
	if (ret)
		return fail("amp_shm_sync_for_cpu", ret);
	printf("CPU reads \"%s\"\n", va + MiB);
	ret = strcmp(va + MiB, "from the DSP") != 0;

	amp_shm_detach(buf, dsp);
	amp_shm_close(buf);
	amp_dev_destroy(dsp);
	puts(ret ? "shm_device: FAILED" : "shm_device: ok");
	return ret;
}
