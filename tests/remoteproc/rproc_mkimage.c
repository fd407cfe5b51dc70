/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rproc_mkimage DIR: write small sample firmware images for the CLI test
 * and the fuzzer's seed corpus:
 *   fw32.elf      ELF32 ARM, CARVEOUT + TRACE + VDEV(2 vrings)
 *   fw64.elf      ELF64 AArch64, the same + a 64-bit carveout above 4 GiB
 *   fw_vendor.elf ELF32 with a vendor entry (skipped) and an unknown type
 *   bad_phdrs.elf fw32.elf cut inside its program headers
 *   bad_rsc.elf   fw32.elf whose trace entry's name has no NUL
 *   rsc64.bin     a bare resource table: CARVEOUT64 + VDEV + vendor
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ampshm/rsc_table.h>

#include "imgbuild.h"

static int write_file(const char *dir, const char *name, const void *buf,
		      size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len) {
		perror(path);
		if (f)
			fclose(f);
		return 1;
	}
	return fclose(f) ? 1 : 0;
}

static size_t vendor_image(uint8_t **out)
{
	static uint8_t data[0x100];
	struct ib_spec s = { .elf_class = 32, .machine = 243, .entry = 0x0 };
	struct rb rb;

	rb_init(&rb, 3);
	rb_carveout(&rb, AMP_RSC_CARVEOUT, 0x40000000, 0x40000000, 0x10000,
		    "sram");
	rb_vendor(&rb, 200, 16);
	rb_vendor(&rb, 9, 8);
	memcpy(data, rb.buf, rb.len);
	s.seg[0] = (struct ib_seg){ .flags = 7,
				    .paddr = 0x1000,
				    .vaddr = 0x1000,
				    .filesz = sizeof(data),
				    .memsz = 0x400,
				    .data = data };
	s.nseg = 1;
	s.sec[0] = (struct ib_sec){ .name = ".resource_table",
				    .addr = 0x1000,
				    .size = rb.len,
				    .in_seg = 1 };
	s.nsec = 1;
	return ib_build(&s, out);
}

int main(int argc, char **argv)
{
	uint8_t *b;
	size_t n;
	int err = 0;
	const char *dir = argc > 1 ? argv[1] : ".";

	n = ib_standard(32, &b);
	err |= write_file(dir, "fw32.elf", b, n);
	/* Cut in the middle of the second program header. */
	err |= write_file(dir, "bad_phdrs.elf", b, 52 + 32 + 16);
	{
		uint64_t phoff = ib_phoff(b);
		/* Segment 1's file bytes hold the table; trace is entry 1. */
		uint32_t seg1 =
			(uint32_t)(b[phoff + 32 + 4] | b[phoff + 32 + 5] << 8);
		uint32_t tr = (uint32_t)(b[seg1 + 20] | b[seg1 + 21] << 8);

		memset(b + seg1 + tr + 16, 'x', 32);
		err |= write_file(dir, "bad_rsc.elf", b, n);
	}
	free(b);
	n = ib_standard(64, &b);
	err |= write_file(dir, "fw64.elf", b, n);
	free(b);
	{
		const uint32_t vr[2] = { 0x0, 0xffffffffu };
		struct rb rb;

		rb_init(&rb, 3);
		rb_carveout64(&rb, 0x100000000ull, AMP_RSC_ADDR_ANY, 0x100000,
			      "high");
		rb_vdev(&rb, 2, vr, 16, 8, 4);
		rb_vendor(&rb, 400, 12);
		err |= write_file(dir, "rsc64.bin", rb.buf, rb.len);
	}
	n = vendor_image(&b);
	err |= write_file(dir, "fw_vendor.elf", b, n);
	free(b);
	return err;
}
