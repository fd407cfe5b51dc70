/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the host's QEMU backend (src/remoteproc/qemu.c) and the bare-metal
 * board port for QEMU's "virt" machine (firmware/boards/qemu-virt) agree
 * on: the board page in the guest's RAM and the meaning of the bytes on
 * the one PL011 UART. Freestanding (the firmware includes it).
 *
 * Guest RAM is a memfd the host maps too; guest physical address =
 * AMP_QEMU_RAM_BASE + file offset = the coprocessor's device address.
 *
 * The UART (a chardev socket on the host):
 *   guest -> host: 0x00-0x7f console text; AMP_QEMU_UART_KICK: the
 *                  firmware notified the host; AMP_QEMU_UART_STOPPED: the
 *                  firmware stopped for good (the board page says why:
 *                  exit code, or the fault record), the core halts.
 *   host -> guest: any byte is a kick (AMP_QEMU_UART_KICK by convention).
 */
#ifndef AMP_QEMU_PROTO_H
#define AMP_QEMU_PROTO_H

#include <stdint.h>

/* Where the virt machine puts RAM, and the MiB it writes its DTB into. */
#define AMP_QEMU_RAM_BASE 0x40000000u
#define AMP_QEMU_DTB_LEN 0x00100000u

/* The board page: a fixed guest address, inside the "fw" carveout. */
#define AMP_QEMU_PAGE_DA 0x40178000u
#define AMP_QEMU_PAGE_MAGIC 0x514d5550u /* "PUMQ" */

/* UART bytes with the top bit set are control, never console text. */
#define AMP_QEMU_UART_KICK 0x80u
#define AMP_QEMU_UART_STOPPED 0x82u

/* state, in the board page */
enum {
	AMP_QEMU_BOOTING = 0, /* the host zeroed the page: not started yet */
	AMP_QEMU_RUNNING = 1, /* start code done, in ampfw_main() */
	AMP_QEMU_EXITED = 2, /* firmware returned or called exit() */
	AMP_QEMU_FAULTED = 3, /* an exception: the fault record is valid */
};

/* fault_kind: the ARM exception taken */
enum {
	AMP_QEMU_FAULT_UNDEF = 1, /* undefined instruction */
	AMP_QEMU_FAULT_PABORT = 2, /* prefetch abort (IFAR, IFSR) */
	AMP_QEMU_FAULT_DABORT = 3, /* data abort (DFAR, DFSR) */
	AMP_QEMU_FAULT_OTHER = 4, /* SVC, FIQ or an unexpected IRQ */
};

/*
 * The board page. 32-bit fields only (the core may be a 32-bit ARM
 * running with the MMU off: no unaligned or torn 64-bit accesses).
 * The firmware writes it, the host reads it (and zeroes it at load).
 */
struct amp_qemu_page {
	uint32_t magic; /* AMP_QEMU_PAGE_MAGIC once the start code ran */
	uint32_t state; /* AMP_QEMU_* */
	uint32_t heartbeat; /* bumped by the board's heartbeat() */
	int32_t exit_code; /* AMP_QEMU_EXITED */
	uint32_t fault_kind; /* AMP_QEMU_FAULTED: AMP_QEMU_FAULT_* */
	uint32_t fault_addr; /* DFAR or IFAR: the device address at fault */
	uint32_t fault_status; /* DFSR or IFSR */
	uint32_t fault_pc; /* the faulting instruction */
	uint32_t kicks_rx; /* kicks the firmware received */
	uint32_t kicks_tx; /* kicks the firmware sent */
};

#endif /* AMP_QEMU_PROTO_H */
