// SPDX-License-Identifier: BSD-3-Clause
/*
 * The qemu-virt board's services (struct ampfw_board) and its C entry.
 *
 * The host's doorbell is the UART: every byte the host sends is a kick,
 * counted as it is drained from the receive FIFO; the count is the token
 * of wait_prepare()/wait(). Sleeping is WFI with IRQs masked: a received
 * byte or the virtual timer (armed at the wait's deadline) raises the IRQ
 * line through the GIC and ends it. The board page (qemu_proto.h) tells
 * the host the core's state, heartbeat, kick counts and exit code.
 */
#include <ampfw/armv7_cache.h>
#include <ampfw/board.h>
#include <ampfw/board_map.h>

#include "qemu_virt.h"
#include "virtio/compat.h" /* errno values, freestanding */

_Static_assert(AMP_QEMU_PAGE_DA >= AMPFW_TRACE_DA + AMPFW_TRACE_LEN &&
		       AMP_QEMU_PAGE_DA + 0x1000u <= AMPFW_VRING0_DA,
	       "the board page overlaps the trace buffer or the vrings");
_Static_assert(AMPFW_IMAGE_END <= AMPFW_TRACE_DA, "image end");

/* Kicks received so far: the token. Only this core's thread touches it. */
static uint32_t kicks;

static uint32_t poll_kicks(void)
{
	uint32_t n = qv_uart_drain();

	if (n) {
		kicks += n;
		qv_page()->kicks_rx += n;
	}
	return kicks;
}

static int qv_notify(const struct ampfw_board *b, uint32_t notifyid)
{
	(void)b;
	(void)notifyid; /* one doorbell for every virtqueue */
	qv_dsb(); /* the vring writes land before the host hears of them */
	qv_page()->kicks_tx++;
	qv_uart_put(AMP_QEMU_UART_KICK);
	return 0;
}

static uint32_t qv_wait_prepare(const struct ampfw_board *b)
{
	(void)b;
	return poll_kicks();
}

static int qv_wait(const struct ampfw_board *b, uint32_t token,
		   uint32_t *remaining_us)
{
	const int forever = *remaining_us == UINT32_MAX;
	uint64_t start, now, deadline = 0;
	int kicked;

	(void)b;
	if (poll_kicks() != token)
		return 0;
	if (!*remaining_us)
		return -ETIMEDOUT;
	start = qv_timer_now();
	if (!forever) {
		deadline = start + qv_timer_us_to_ticks(*remaining_us);
		qv_timer_arm(deadline);
	}
	/*
	 * A byte that arrived after the drain above keeps the UART's
	 * interrupt pending, and a pending interrupt makes WFI return at
	 * once: no kick is slept through.
	 */
	for (;;) {
		__asm__ volatile("dsb sy\n\twfi" ::: "memory");
		now = qv_timer_now();
		kicked = poll_kicks() != token;
		if (kicked || (!forever && now >= deadline))
			break;
	}
	if (forever)
		return 0;
	qv_timer_disarm();
	if (now >= deadline) {
		*remaining_us = 0;
		return kicked ? 0 : -ETIMEDOUT;
	}
	{
		uint32_t spent = qv_timer_ticks_to_us(now - start);

		*remaining_us -= spent < *remaining_us ? spent : *remaining_us;
	}
	return 0;
}

static void qv_console_write(const struct ampfw_board *b, const char *s,
			     size_t len)
{
	(void)b;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = (uint8_t)s[i];

		/* bytes with the top bit set are control, never text */
		qv_uart_put(c < 0x80u ? c : (uint8_t)'?');
	}
}

static void qv_heartbeat(const struct ampfw_board *b)
{
	(void)b;
	qv_page()->heartbeat++;
}

static __attribute__((noreturn)) void qv_exit(const struct ampfw_board *b,
					      int code)
{
	volatile struct amp_qemu_page *pg = qv_page();

	(void)b;
	pg->exit_code = code;
	qv_dsb();
	pg->state = AMP_QEMU_EXITED;
	qv_stop();
}

void qv_stop(void)
{
	qv_dsb(); /* the page is written before the host reads it */
	qv_timer_disarm();
	qv_uart_tx_on();
	qv_uart_put(AMP_QEMU_UART_STOPPED);
	/* nothing may raise the IRQ line again: WFI then sleeps for good */
	qv_uart_irq_off();
	qv_gic_off();
	for (;;)
		__asm__ volatile("cpsid if\n\tdsb sy\n\twfi" ::: "memory");
}

static const struct ampfw_board board = {
	.version = AMPFW_BOARD_VERSION,
	.size = sizeof(struct ampfw_board),
	.notify = qv_notify,
	.wait_prepare = qv_wait_prepare,
	.wait = qv_wait,
	.console_write = qv_console_write,
	.heartbeat = qv_heartbeat,
	.exit = qv_exit,
	/* real hardware's caches are not coherent with the host: not set */
	.flags = 0,
};

void qv_entry(void)
{
	volatile struct amp_qemu_page *pg = qv_page();

	qv_uart_init();
	qv_timer_init();
	qv_gic_init();
	/* the virtqueues and hand-overs clean and invalidate through these */
	amp_armv7_cache_init(0);
	pg->magic = AMP_QEMU_PAGE_MAGIC;
	qv_dsb();
	pg->state = AMP_QEMU_RUNNING;
	qv_dsb();
	board.exit(&board, ampfw_main(&board));
}
