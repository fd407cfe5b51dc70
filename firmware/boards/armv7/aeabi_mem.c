// SPDX-License-Identifier: BSD-3-Clause
/*
 * The ARM EABI's memory helpers (the run-time ABI's __aeabi_memcpy,
 * __aeabi_memmove, __aeabi_memset and __aeabi_memclr families), which
 * clang emits for structure copies and clears on ARM targets. A
 * bare-metal image links no compiler runtime, so they are here, over the
 * firmware's own string functions (firmware/lib/fw_libc.c). The 4 and 8
 * variants only promise an aligned destination: the plain functions
 * serve them all. Note the EABI's argument order for memset: (dest, n, c).
 *
 * (tests/size/rt_stubs.c has the Cortex-M subset of these for the size
 * report, next to its Cortex-M-only 64-bit atomics.)
 */
#include <ampfw/ampfw.h>

void __aeabi_memcpy(void *dst, const void *src, size_t n);
void __aeabi_memcpy4(void *dst, const void *src, size_t n);
void __aeabi_memcpy8(void *dst, const void *src, size_t n);
void __aeabi_memmove(void *dst, const void *src, size_t n);
void __aeabi_memmove4(void *dst, const void *src, size_t n);
void __aeabi_memmove8(void *dst, const void *src, size_t n);
void __aeabi_memset(void *dst, size_t n, int c);
void __aeabi_memset4(void *dst, size_t n, int c);
void __aeabi_memset8(void *dst, size_t n, int c);
void __aeabi_memclr(void *dst, size_t n);
void __aeabi_memclr4(void *dst, size_t n);
void __aeabi_memclr8(void *dst, size_t n);

void __aeabi_memcpy(void *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
}

void __aeabi_memcpy4(void *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
}

void __aeabi_memcpy8(void *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
}

void __aeabi_memmove(void *dst, const void *src, size_t n)
{
	memmove(dst, src, n);
}

void __aeabi_memmove4(void *dst, const void *src, size_t n)
{
	memmove(dst, src, n);
}

void __aeabi_memmove8(void *dst, const void *src, size_t n)
{
	memmove(dst, src, n);
}

void __aeabi_memset(void *dst, size_t n, int c)
{
	memset(dst, c, n);
}

void __aeabi_memset4(void *dst, size_t n, int c)
{
	memset(dst, c, n);
}

void __aeabi_memset8(void *dst, size_t n, int c)
{
	memset(dst, c, n);
}

void __aeabi_memclr(void *dst, size_t n)
{
	memset(dst, 0, n);
}

void __aeabi_memclr4(void *dst, size_t n)
{
	memset(dst, 0, n);
}

void __aeabi_memclr8(void *dst, size_t n)
{
	memset(dst, 0, n);
}
