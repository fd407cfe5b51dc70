// SPDX-License-Identifier: BSD-3-Clause
/*
 * Any exception the core takes is fatal: the firmware runs with IRQs and
 * FIQs masked and never calls SVC, so an undefined instruction, an abort,
 * an SVC or an interrupt all mean "stopped". The fault record goes to the
 * board page (qemu_proto.h), then the host hears AMP_QEMU_UART_STOPPED.
 *
 * fault_pc is the faulting instruction: the link register minus 8 for a
 * data abort, minus 4 for a prefetch abort, minus the instruction's size
 * for an undefined instruction or an SVC (4 in ARM state, 2 in Thumb).
 * For an IRQ or FIQ it is the instruction that was about to run, and for
 * those and SVC (AMP_QEMU_FAULT_OTHER) fault_status holds the vector's
 * offset (0x08 SVC, 0x18 IRQ, 0x1c FIQ) and fault_addr 0.
 */
#include "qemu_virt.h"

#define VEC_UNDEF 0x04u
#define VEC_SVC 0x08u
#define VEC_PABT 0x0cu
#define VEC_DABT 0x10u

#define SPSR_T (1u << 5) /* the interrupted code was Thumb */

static volatile uint32_t in_fault;

/* Read a CP15 register (opc1 0): mrc p15, 0, Rt, CRn, CRm, opc2. */
#define CP15_READ(crn, crm, opc2)                                             \
	({                                                                    \
		uint32_t v_;                                                  \
		__asm__ volatile("mrc p15, 0, %0, " #crn ", " #crm ", " #opc2 \
				 : "=r"(v_));                                 \
		v_;                                                           \
	})
#define read_dfar() CP15_READ(c6, c0, 0)
#define read_dfsr() CP15_READ(c5, c0, 0)
#define read_ifar() CP15_READ(c6, c0, 2)
#define read_ifsr() CP15_READ(c5, c0, 1)

void qv_fault(uint32_t vec, uint32_t lr, uint32_t spsr)
{
	volatile struct amp_qemu_page *pg = qv_page();
	uint32_t insn = spsr & SPSR_T ? 2u : 4u;

	if (in_fault) /* faulted while recording a fault: just stop */
		qv_stop();
	in_fault = 1;
	switch (vec) {
	case VEC_DABT:
		pg->fault_kind = AMP_QEMU_FAULT_DABORT;
		pg->fault_addr = read_dfar();
		pg->fault_status = read_dfsr();
		pg->fault_pc = lr - 8u;
		break;
	case VEC_PABT:
		pg->fault_kind = AMP_QEMU_FAULT_PABORT;
		pg->fault_addr = read_ifar();
		pg->fault_status = read_ifsr();
		pg->fault_pc = lr - 4u;
		break;
	case VEC_UNDEF:
		pg->fault_kind = AMP_QEMU_FAULT_UNDEF;
		pg->fault_addr = lr - insn;
		pg->fault_status = 0;
		pg->fault_pc = lr - insn;
		break;
	default:
		pg->fault_kind = AMP_QEMU_FAULT_OTHER;
		pg->fault_addr = 0;
		pg->fault_status = vec;
		pg->fault_pc = lr - (vec == VEC_SVC ? insn : 4u);
		break;
	}
	qv_dsb();
	pg->state = AMP_QEMU_FAULTED;
	qv_stop();
}
