/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Memory map of the simulated core (firmware/boards/sim): the device
 * addresses its firmware is linked at and names in its resource table.
 * Another board provides its own board_map.h with the same names.
 *
 *   0x1000_0000 +------------------------+ carveout "fw" (1 MiB, fixed da)
 *               | .text .rodata          | R-X in the core
 *               | .data .resource_table  | RW
 *               | .bss, stack (64 KiB)   |
 *   0x1007_0000 | trace buffer (4 KiB)   | TRACE entry
 *   0x1008_0000 | vring0 (remote->host)  | VDEV vrings, fixed da
 *   0x1008_8000 | vring1 (host->remote)  |
 *   0x100c_0000 | host's RPMsg buffers   | chosen by the host
 *   0x1010_0000 +------------------------+
 *   0x1100_0000   carveout "work" (4 MiB): bufproc's hand-over tables
 *   0x3000_0000   never mapped: "crash" writes here
 */
#ifndef AMPFW_BOARD_MAP_H
#define AMPFW_BOARD_MAP_H

/*
 * The carveouts' physical addresses are the host's choice (the launcher
 * maps them at their device addresses, whatever they are).
 */
#define AMPFW_CARVEOUT_DA 0x10000000u
#define AMPFW_CARVEOUT_PA AMP_RSC_ADDR_ANY
#define AMPFW_CARVEOUT_LEN 0x00100000u
#define AMPFW_IMAGE_END 0x10070000u /* the linker script checks this */
#define AMPFW_TRACE_DA 0x10070000u
#define AMPFW_TRACE_LEN 0x1000u
#define AMPFW_VRING0_DA 0x10080000u
#define AMPFW_VRING1_DA 0x10088000u
#define AMPFW_VRING_NUM 16u
#define AMPFW_VRING_ALIGN 4096u
#define AMPFW_UNMAPPED_DA 0x30000000u

/* bufproc's "work" carveout (its hand-over tables). */
#define AMPFW_WORK_DA 0x11000000u
#define AMPFW_WORK_PA AMP_RSC_ADDR_ANY
#define AMPFW_WORK_LEN 0x00400000u

#endif /* AMPFW_BOARD_MAP_H */
