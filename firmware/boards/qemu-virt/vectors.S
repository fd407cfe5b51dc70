/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Exception vectors of the qemu-virt board (VBAR, 32-byte aligned). Every
 * exception is fatal (fault.c): each entry passes its vector offset, its
 * link register and the interrupted SPSR to qv_fault() on the exception
 * mode's own small stack (start.S). An SVC would run on the firmware's
 * stack, which may be what went wrong: it moves to the abort stack first.
 * Reset is never taken through VBAR (the loader sets the PC), its slot
 * is fatal too.
 */
	.syntax unified
	.arm

#define MODE_ABT 0x17

	.section .text.vectors, "ax", %progbits
	.balign 32
	.globl ampfw_qemu_vectors
ampfw_qemu_vectors:
	b	vec_reset		/* 0x00 */
	b	vec_undef		/* 0x04 undefined instruction */
	b	vec_svc			/* 0x08 supervisor call */
	b	vec_pabt		/* 0x0c prefetch abort */
	b	vec_dabt		/* 0x10 data abort */
	b	vec_hyp			/* 0x14 (hyp trap, unused) */
	b	vec_irq			/* 0x18 */
	b	vec_fiq			/* 0x1c */

vec_reset:
	mov	r0, #0x00
	b	vec_common
vec_undef:
	mov	r0, #0x04
	b	vec_common
vec_svc:
	mov	r1, lr
	mrs	r2, spsr
	cps	#MODE_ABT
	mov	r0, #0x08
	b	vec_call
vec_pabt:
	mov	r0, #0x0c
	b	vec_common
vec_dabt:
	mov	r0, #0x10
	b	vec_common
vec_hyp:
	mov	r0, #0x14
	b	vec_common
vec_irq:
	mov	r0, #0x18
	b	vec_common
vec_fiq:
	mov	r0, #0x1c
	/* fall through */
vec_common:
	mov	r1, lr
	mrs	r2, spsr
vec_call:
	mov	fp, #0
	bl	qv_fault	/* does not return */
1:	wfi
	b	1b
