// SPDX-License-Identifier: BSD-3-Clause
/*
 * What the compiler runtime would give a Cortex-M4 image, reduced to what
 * the coprocessor side asks of it, so that the measured image links
 * without one: the ARM EABI memory helpers (over firmware/lib's memcpy and
 * memset) and the 64-bit atomics a Cortex-M4 has no instructions for
 * (the cache dispatcher's counters are _Atomic uint64_t). A single-core
 * firmware makes them plain accesses with interrupts masked. Counted apart
 * ("runtime") in the size report.
 */
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memset(void *dst, int c, size_t n);

void __aeabi_memcpy8(void *dst, const void *src, size_t n);
void __aeabi_memcpy4(void *dst, const void *src, size_t n);
void __aeabi_memcpy(void *dst, const void *src, size_t n);
void __aeabi_memclr8(void *dst, size_t n);
void __aeabi_memclr4(void *dst, size_t n);
void __aeabi_memclr(void *dst, size_t n);
uint64_t __atomic_load_8(const volatile void *p, int order);
void __atomic_store_8(volatile void *p, uint64_t v, int order);
uint64_t __atomic_fetch_add_8(volatile void *p, uint64_t v, int order);

void __aeabi_memcpy8(void *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
}

void __aeabi_memcpy4(void *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
}

void __aeabi_memcpy(void *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
}

void __aeabi_memclr8(void *dst, size_t n)
{
	memset(dst, 0, n);
}

void __aeabi_memclr4(void *dst, size_t n)
{
	memset(dst, 0, n);
}

void __aeabi_memclr(void *dst, size_t n)
{
	memset(dst, 0, n);
}

static uint32_t irq_save(void)
{
	uint32_t primask;

	__asm__ volatile("mrs %0, primask\n\tcpsid i"
			 : "=r"(primask)::"memory");
	return primask;
}

static void irq_restore(uint32_t primask)
{
	__asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
}

uint64_t __atomic_load_8(const volatile void *p, int order)
{
	uint32_t s = irq_save();
	uint64_t v = *(const volatile uint64_t *)p;

	(void)order;
	irq_restore(s);
	return v;
}

void __atomic_store_8(volatile void *p, uint64_t v, int order)
{
	uint32_t s = irq_save();

	(void)order;
	*(volatile uint64_t *)p = v;
	irq_restore(s);
}

uint64_t __atomic_fetch_add_8(volatile void *p, uint64_t v, int order)
{
	uint32_t s = irq_save();
	uint64_t old = *(volatile uint64_t *)p;

	(void)order;
	*(volatile uint64_t *)p = old + v;
	irq_restore(s);
	return old;
}
