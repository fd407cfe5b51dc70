// SPDX-License-Identifier: BSD-3-Clause
/*
 * Start code of the simulated core. The launcher jumps to _start with a
 * pointer to its board services in the first argument register; _start
 * moves to the firmware's own stack (in its carveout, from the linker
 * script) and never returns.
 */
#include <ampfw/board.h>

void ampfw_sim_entry(const struct ampfw_board *b) __attribute__((noreturn));

void ampfw_sim_entry(const struct ampfw_board *b)
{
	int code = AMPFW_EXIT_INIT_FAILED;

	if (b->version == AMPFW_BOARD_VERSION &&
	    b->size >= sizeof(struct ampfw_board))
		code = ampfw_main(b);
	b->exit(b, code);
}

#if defined(__x86_64__)
__asm__(".section .text.start,\"ax\",@progbits\n"
	".globl _start\n"
	".type _start,@function\n"
	"_start:\n"
	"	movabs $ampfw_stack_top, %rsp\n"
	"	andq $-16, %rsp\n"
	"	xorl %ebp, %ebp\n"
	"	call ampfw_sim_entry\n"
	"	ud2\n"
	".previous\n");
#elif defined(__aarch64__)
__asm__(".section .text.start,\"ax\",%progbits\n"
	".globl _start\n"
	".type _start,%function\n"
	"_start:\n"
	"	ldr x1, =ampfw_stack_top\n"
	"	mov sp, x1\n"
	"	mov x29, #0\n"
	"	bl ampfw_sim_entry\n"
	"	brk #0\n"
	".ltorg\n"
	".previous\n");
#else
#error "the simulated core's start code supports x86_64 and aarch64 hosts"
#endif
