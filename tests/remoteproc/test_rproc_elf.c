/* SPDX-License-Identifier: BSD-3-Clause */
/* ELF32/ELF64 image parsing: valid images and each malformed field. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "rproc_test.h"

static struct amp_rproc_image *img;

static int teardown(void **state)
{
	amp_rproc_image_free(img);
	img = NULL;
	return 0;
}

static void check_standard(int elf_class)
{
	const struct amp_rproc_image_info *info;
	const struct amp_rproc_segment *s;
	const struct amp_rproc_section *sec;
	const void *table;
	uint8_t *buf;
	size_t size = ib_standard(elf_class, &buf), tsize;
	uint64_t da;

	assert_int_equal(amp_rproc_image_parse(buf, size, &img), 0);
	info = amp_rproc_image_info(img);
	assert_int_equal(info->elf_class, elf_class);
	assert_int_equal(info->machine, elf_class == 64 ? 183 : 40);
	assert_int_equal(info->type, 2);
	assert_int_equal(info->entry,
			 elf_class == 64 ? 0x100000000ull : 0x10000);
	assert_int_equal(info->nsegments, elf_class == 64 ? 3 : 2);
	assert_int_equal(info->nsections, 5);
	s = amp_rproc_image_segment(img, 1);
	assert_non_null(s);
	assert_int_equal(s->type, AMP_RPROC_PT_LOAD);
	assert_int_equal(s->flags, AMP_RPROC_PF_R | AMP_RPROC_PF_W);
	assert_int_equal(s->paddr, 0x20000);
	assert_int_equal(s->filesz, 0x200);
	assert_int_equal(s->memsz, 0x1000);
	assert_null(amp_rproc_image_segment(img, 9));
	sec = amp_rproc_image_find_section(img, ".bss");
	assert_non_null(sec);
	assert_int_equal(sec->type, AMP_RPROC_SHT_NOBITS);
	assert_string_equal(amp_rproc_image_section(img, 4)->name, ".shstrtab");
	assert_null(amp_rproc_image_find_section(img, ".nope"));
	assert_int_equal(amp_rproc_image_rsc_table(img, &table, &tsize, &da),
			 0);
	assert_int_equal(da, 0x20000);
	assert_ptr_equal(table, buf + s->offset);
	free(buf);
}

static void t_elf32_valid(void **state)
{
	check_standard(32);
}

static void t_elf64_valid(void **state)
{
	check_standard(64);
}

/* A 2-segment image of @cls to corrupt. */
static size_t simple(int cls, uint8_t **buf)
{
	struct ib_spec s = { .elf_class = cls, .machine = 40 };

	s.seg[0] = (struct ib_seg){
		.paddr = 0x1000, .vaddr = 0x1000, .filesz = 0x40, .memsz = 0x40
	};
	s.seg[1] = (struct ib_seg){
		.paddr = 0x2000, .vaddr = 0x2000, .filesz = 0x20, .memsz = 0x100
	};
	s.nseg = 2;
	s.sec[0] = (struct ib_sec){
		.name = ".text", .addr = 0x1000, .size = 0x40, .in_seg = 1
	};
	s.nsec = 1;
	return ib_build(&s, buf);
}

/* Field offsets in a program header of either class. */
static uint8_t *ph(uint8_t *b, size_t i)
{
	return b + ib_phoff(b) + i * (b[4] == 2 ? 56 : 32);
}

#define P_OFFSET(b) ((b)[4] == 2 ? 8 : 4)
#define P_PADDR(b) ((b)[4] == 2 ? 24 : 12)
#define P_FILESZ(b) ((b)[4] == 2 ? 32 : 16)
#define P_MEMSZ(b) ((b)[4] == 2 ? 40 : 20)

static void put_word(uint8_t *b, uint8_t *p, uint64_t v)
{
	if (b[4] == 2)
		ib_put64(p, v);
	else
		ib_put32(p, (uint32_t)v);
}

static void t_truncated_header(void **state)
{
	uint8_t *b;
	size_t n = simple(32, &b);

	expect_err(amp_rproc_image_parse(b, 10, &img), -EINVAL,
		   "shorter than e_ident");
	expect_err(amp_rproc_image_parse(b, 40, &img), -EINVAL,
		   "shorter than the ELF32 header (52 bytes)");
	free(b);
	n = simple(64, &b);
	expect_err(amp_rproc_image_parse(b, 60, &img), -EINVAL,
		   "shorter than the ELF64 header (64 bytes)");
	(void)n;
	free(b);
}

static void t_bad_ident(void **state)
{
	uint8_t *b;
	size_t n = simple(32, &b);

	b[1] = 'X';
	expect_err(amp_rproc_image_parse(b, n, &img), -EINVAL, "bad magic");
	b[1] = 'E';
	b[4] = 3;
	expect_err(amp_rproc_image_parse(b, n, &img), -EINVAL,
		   "e_ident[EI_CLASS] 3");
	b[4] = 1;
	b[5] = 2;
	expect_err(amp_rproc_image_parse(b, n, &img), -ENOTSUP,
		   "little-endian");
	b[5] = 1;
	ib_put16(b + 16, 3);
	expect_err(amp_rproc_image_parse(b, n, &img), -ENOTSUP,
		   "e_type 3 is not ET_EXEC");
	free(b);
}

static void t_truncated_phdrs(void **state)
{
	uint8_t *b;
	size_t n = simple(64, &b);

	/* The image ends inside the second program header. */
	expect_err(
		amp_rproc_image_parse(b, 64 + 56 + 10, &img), -EINVAL,
		"e_phoff 0x40 + e_phnum 2 * 56 = 0xb0 beyond the image (0x82 bytes)");
	ib_put16(b + 54, 40);
	expect_err(amp_rproc_image_parse(b, n, &img), -EINVAL,
		   "e_phentsize 40 is not the ELF64 program header size 56");
	free(b);
}

static void t_phoff_overflow(void **state)
{
	uint8_t *b;
	size_t n = simple(64, &b);

	ib_put64(b + 32, UINT64_MAX - 8);
	expect_err(amp_rproc_image_parse(b, n, &img), -EINVAL,
		   "+ e_phnum 2 * 56 overflows");
	free(b);
}

static void t_phnum_xnum(void **state)
{
	uint8_t *b;
	size_t n = simple(64, &b);

	/* PN_XNUM: the real count (70000) is section 0's sh_info. */
	ib_put16(b + 56, 0xffff);
	ib_put32(b + ib_shoff(b) + 44, 70000);
	expect_err(amp_rproc_image_parse(b, n, &img), -EINVAL,
		   "e_phnum 70000 * 56 = ");
	expect_err(amp_rproc_image_parse(b, n, &img), -EINVAL,
		   "beyond the image");
	free(b);
}

static void t_segment_past_end(void **state)
{
	uint8_t *b;
	size_t n = simple(32, &b);
	char want[96];

	put_word(b, ph(b, 1) + P_OFFSET(b), n - 0x10);
	snprintf(
		want, sizeof(want),
		"segment 1: p_offset+p_filesz 0x%zx beyond the image (0x%zx bytes)",
		n + 0x10, n);
	expect_err(amp_rproc_image_parse(b, n, &img), -EINVAL, want);
	free(b);
	n = simple(64, &b);
	put_word(b, ph(b, 0) + P_OFFSET(b), UINT64_MAX - 0x10);
	expect_err(
		amp_rproc_image_parse(b, n, &img), -EINVAL,
		"segment 0: p_offset 0xffffffffffffffef + p_filesz 0x40 overflows");
	free(b);
}

static void t_filesz_gt_memsz(void **state)
{
	uint8_t *b;
	size_t n = simple(32, &b);

	put_word(b, ph(b, 1) + P_MEMSZ(b), 0x10);
	expect_err(amp_rproc_image_parse(b, n, &img), -EINVAL,
		   "segment 1: p_filesz > p_memsz (0x20 > 0x10)");
	free(b);
}

static void t_overlapping_segments(void **state)
{
	uint8_t *b;
	size_t n = simple(64, &b);

	put_word(b, ph(b, 1) + P_PADDR(b), 0x1020);
	expect_err(
		amp_rproc_image_parse(b, n, &img), -EINVAL,
		"segment 1 [0x1020,0x1120) overlaps segment 0 [0x1000,0x1040)");
	free(b);
}

static void t_paddr_wrap(void **state)
{
	uint8_t *b;
	size_t n = simple(32, &b);

	put_word(b, ph(b, 1) + P_PADDR(b), 0xffffff80);
	expect_err(amp_rproc_image_parse(b, n, &img), -EINVAL,
		   "beyond the 32-bit address space");
	free(b);
	n = simple(64, &b);
	put_word(b, ph(b, 1) + P_PADDR(b), UINT64_MAX - 0x10);
	expect_err(
		amp_rproc_image_parse(b, n, &img), -EINVAL,
		"segment 1: p_paddr 0xffffffffffffffef + p_memsz 0x100 overflows");
	free(b);
}

static void t_sections(void **state)
{
	uint8_t *b;
	size_t n = simple(32, &b);
	uint8_t *sh1 = b + ib_shoff(b) + 40; /* .text */

	/* e_shnum * e_shentsize beyond the image */
	ib_put16(b + 48, 200);
	expect_err(amp_rproc_image_parse(b, n, &img), -EINVAL,
		   "e_shnum 200 * 40");
	ib_put16(b + 48, 3);
	ib_put16(b + 50, 7);
	expect_err(amp_rproc_image_parse(b, n, &img), -EINVAL,
		   "e_shstrndx 7 >= e_shnum 3");
	ib_put16(b + 50, 2);
	ib_put32(sh1 + 16, (uint32_t)n - 4);
	expect_err(amp_rproc_image_parse(b, n, &img), -EINVAL,
		   "section 1 '.text': sh_offset+sh_size");
	ib_put32(sh1 + 16, 0);
	ib_put32(sh1, 0x1000);
	expect_err(amp_rproc_image_parse(b, n, &img), -EINVAL,
		   "section 1: sh_name 0x1000 outside the string table");
	free(b);
}

static void t_section_name_unterminated(void **state)
{
	uint8_t *b;
	size_t n = simple(64, &b);
	uint8_t *str = b + ib_shoff(b) + 2 * 64;
	uint64_t off, size;

	/* Overwrite the string table's last NUL: ".shstrtab" runs off it. */
	off = (uint64_t)str[24] | (uint64_t)str[25] << 8;
	size = str[32];
	b[off + size - 1] = 'x';
	expect_err(amp_rproc_image_parse(b, n, &img), -EINVAL,
		   "is not NUL-terminated inside the string table");
	free(b);
}

static void t_extended_numbering(void **state)
{
	uint8_t *b;
	size_t n = simple(64, &b);
	uint8_t *sh0 = b + ib_shoff(b);

	/* e_shstrndx = SHN_XINDEX: the index is section 0's sh_link. */
	ib_put16(b + 62, 0xffff);
	ib_put32(sh0 + 40, 2);
	assert_int_equal(amp_rproc_image_parse(b, n, &img), 0);
	assert_string_equal(amp_rproc_image_section(img, 1)->name, ".text");
	amp_rproc_image_free(img);
	img = NULL;
	/* e_shnum = 0: the count is section 0's sh_size (64-bit). */
	ib_put16(b + 60, 0);
	ib_put64(sh0 + 32, 3);
	assert_int_equal(amp_rproc_image_parse(b, n, &img), 0);
	assert_int_equal(amp_rproc_image_info(img)->nsections, 3);
	amp_rproc_image_free(img);
	img = NULL;
	ib_put64(sh0 + 32, 1ull << 60);
	expect_err(amp_rproc_image_parse(b, n, &img), -EINVAL,
		   "e_shnum 1152921504606846976 * e_shentsize 64 overflows");
	free(b);
}

static void t_no_sections_no_table(void **state)
{
	const void *t;
	size_t ts;
	uint8_t *b;
	size_t n = simple(32, &b);

	ib_put32(b + 32, 0); /* e_shoff: no sections */
	assert_int_equal(amp_rproc_image_parse(b, n, &img), 0);
	assert_int_equal(amp_rproc_image_info(img)->nsections, 0);
	expect_err(amp_rproc_image_rsc_table(img, &t, &ts, NULL), -ENOENT,
		   "no .resource_table section");
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(t_elf32_valid, teardown),
		cmocka_unit_test_teardown(t_elf64_valid, teardown),
		cmocka_unit_test_teardown(t_truncated_header, teardown),
		cmocka_unit_test_teardown(t_bad_ident, teardown),
		cmocka_unit_test_teardown(t_truncated_phdrs, teardown),
		cmocka_unit_test_teardown(t_phoff_overflow, teardown),
		cmocka_unit_test_teardown(t_phnum_xnum, teardown),
		cmocka_unit_test_teardown(t_segment_past_end, teardown),
		cmocka_unit_test_teardown(t_filesz_gt_memsz, teardown),
		cmocka_unit_test_teardown(t_overlapping_segments, teardown),
		cmocka_unit_test_teardown(t_paddr_wrap, teardown),
		cmocka_unit_test_teardown(t_sections, teardown),
		cmocka_unit_test_teardown(t_section_name_unterminated,
					  teardown),
		cmocka_unit_test_teardown(t_extended_numbering, teardown),
		cmocka_unit_test_teardown(t_no_sections_no_table, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
