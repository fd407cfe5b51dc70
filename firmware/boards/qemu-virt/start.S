/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Start code of the qemu-virt board. The host loaded the image into the
 * guest's RAM and QEMU's loader device set the PC to _start: the core is
 * in SVC mode, ARM state, MMU and caches off, interrupts masked, with no
 * stack. Set the vector base, one small stack per exception mode and the
 * firmware's own stack (all from the linker script), clear .bss and go to
 * C (qv_entry, board.c), which never returns.
 */
	.syntax unified
	.arm

#define MODE_FIQ 0x11
#define MODE_IRQ 0x12
#define MODE_SVC 0x13
#define MODE_ABT 0x17
#define MODE_UND 0x1b

#define SCTLR_V (1 << 13) /* vectors at 0xffff0000 instead of VBAR */
#define SCTLR_TE (1 << 30) /* exceptions taken in Thumb state */

	.section .text.start, "ax", %progbits
	.globl _start
	.type _start, %function
_start:
	cpsid	if
	/* vectors at VBAR, taken in ARM state */
	mrc	p15, 0, r0, c1, c0, 0
	bic	r0, r0, #SCTLR_V
	bic	r0, r0, #SCTLR_TE
	mcr	p15, 0, r0, c1, c0, 0
	ldr	r0, =ampfw_qemu_vectors
	mcr	p15, 0, r0, c12, c0, 0
	isb

	cps	#MODE_ABT
	ldr	sp, =ampfw_abt_stack_top
	cps	#MODE_UND
	ldr	sp, =ampfw_und_stack_top
	cps	#MODE_IRQ
	ldr	sp, =ampfw_irq_stack_top
	cps	#MODE_FIQ
	ldr	sp, =ampfw_fiq_stack_top
	cps	#MODE_SVC
	ldr	sp, =ampfw_stack_top

	/* .bss: the host zero-fills it too, but do not count on a loader */
	ldr	r0, =__bss_start
	ldr	r1, =__bss_end
	mov	r2, #0
1:	cmp	r0, r1
	strlo	r2, [r0], #4
	blo	1b

	mov	fp, #0
	bl	qv_entry
2:	wfi
	b	2b
	.size _start, . - _start
	.ltorg
