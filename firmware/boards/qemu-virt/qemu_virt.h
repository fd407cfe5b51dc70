/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The qemu-virt board's own pieces, shared by its files: the board page,
 * the PL011 UART, the GICv2 (wake-up only), the generic timer and the
 * stop path. Nothing here is seen by the firmware (apps and lib only use
 * board.h).
 *
 * The core is a Cortex-A15 with its MMU off: device addresses are guest
 * physical addresses, every access is Strongly-ordered, and interrupts
 * stay masked in the CPSR for good (WFI still wakes on a pending IRQ).
 */
#ifndef AMPFW_QEMU_VIRT_H
#define AMPFW_QEMU_VIRT_H

#include <stddef.h>
#include <stdint.h>

#include "remoteproc/qemu_proto.h"

/* The board page (the host zeroes it before each start). */
static inline volatile struct amp_qemu_page *qv_page(void)
{
	return (volatile struct amp_qemu_page *)(uintptr_t)AMP_QEMU_PAGE_DA;
}

/* Memory-mapped registers. */
static inline uint32_t qv_rd(uintptr_t addr)
{
	return *(volatile const uint32_t *)addr;
}

static inline void qv_wr(uintptr_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

static inline void qv_dsb(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}

/* PL011 UART (uart_pl011.c): the console and the host's doorbell. */
void qv_uart_init(void);
/* Make sure the transmitter is on (a fault may come before init). */
void qv_uart_tx_on(void);
/* Send one raw byte, waiting for room in the transmit FIFO. */
void qv_uart_put(uint8_t c);
/* Read and drop every received byte; returns how many there were. */
uint32_t qv_uart_drain(void);
/* Stop raising the receive interrupt, let the last byte out (halt). */
void qv_uart_irq_off(void);

/* GICv2 (gic.c): route the UART and the virtual timer to CPU0 so that
 * they wake WFI; never acknowledged. */
void qv_gic_init(void);
void qv_gic_off(void);

/* Generic timer (timer.c), virtual count. */
void qv_timer_init(void);
uint64_t qv_timer_now(void);
uint64_t qv_timer_us_to_ticks(uint32_t us);
/* Microseconds in @ticks, saturated at UINT32_MAX. */
uint32_t qv_timer_ticks_to_us(uint64_t ticks);
/* Raise the timer PPI once the count reaches @deadline. */
void qv_timer_arm(uint64_t deadline);
void qv_timer_disarm(void);

/*
 * Stop for good (board.c): the page's state is already written; tell the
 * host (AMP_QEMU_UART_STOPPED), silence every interrupt source and sleep
 * in WFI forever.
 */
void qv_stop(void) __attribute__((noreturn));

/* Entry from start.S, on the firmware's stack. */
void qv_entry(void) __attribute__((noreturn));

/*
 * From the exception vectors (vectors.S), on the exception mode's stack:
 * @vec is the vector's offset (0x04 undef ... 0x1c FIQ), @lr the
 * exception's link register, @spsr the interrupted state.
 */
void qv_fault(uint32_t vec, uint32_t lr, uint32_t spsr)
	__attribute__((noreturn));

#endif /* AMPFW_QEMU_VIRT_H */
