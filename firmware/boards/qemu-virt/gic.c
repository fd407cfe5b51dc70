// SPDX-License-Identifier: BSD-3-Clause
/*
 * The virt machine's GICv2, set up for wake-ups only: the UART's
 * interrupt (SPI 33) and the virtual timer's (PPI 27) are enabled and
 * routed to CPU0, so that either one pending raises the core's IRQ line
 * and ends a WFI. The CPSR keeps IRQs masked, so the interrupt is never
 * taken, never acknowledged: its source drops it (the UART drained, the
 * timer disabled) and the GIC forgets it (level-sensitive).
 */
#include "qemu_virt.h"

#define GICD_BASE 0x08000000u
#define GICD_CTLR (GICD_BASE + 0x000u)
#define GICD_ISENABLER(n) (GICD_BASE + 0x100u + 4u * (n))
#define GICD_ICENABLER(n) (GICD_BASE + 0x180u + 4u * (n))
#define GICD_IPRIORITYR(id) (GICD_BASE + 0x400u + (id)) /* a byte each */
#define GICD_ITARGETSR(id) (GICD_BASE + 0x800u + (id)) /* a byte each */

#define GICC_BASE 0x08010000u
#define GICC_CTLR (GICC_BASE + 0x000u)
#define GICC_PMR (GICC_BASE + 0x004u)

#define INTID_VTIMER 27u /* PPI 11: the virtual timer */
#define INTID_UART 33u /* SPI 1: the PL011 */

#define PRIO 0xa0u /* any value below the mask */
#define PRIO_MASK 0xf0u

static void wr8(uintptr_t addr, uint8_t v)
{
	*(volatile uint8_t *)addr = v;
}

static void enable(uint32_t id)
{
	wr8(GICD_IPRIORITYR(id), PRIO);
	qv_wr(GICD_ISENABLER(id / 32u), 1u << (id % 32u));
}

void qv_gic_init(void)
{
	qv_wr(GICD_CTLR, 0);
	enable(INTID_VTIMER); /* a PPI: already CPU0's own */
	wr8(GICD_ITARGETSR(INTID_UART), 0x01u); /* CPU0 */
	enable(INTID_UART);
	qv_wr(GICD_CTLR, 1);
	qv_wr(GICC_PMR, PRIO_MASK);
	qv_wr(GICC_CTLR, 1);
	qv_dsb();
}

void qv_gic_off(void)
{
	qv_wr(GICC_CTLR, 0);
	qv_wr(GICD_ICENABLER(INTID_VTIMER / 32u), 1u << (INTID_VTIMER % 32u));
	qv_wr(GICD_ICENABLER(INTID_UART / 32u), 1u << (INTID_UART % 32u));
	qv_wr(GICD_CTLR, 0);
	qv_dsb();
}
