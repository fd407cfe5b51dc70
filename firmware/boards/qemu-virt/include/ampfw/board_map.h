/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Memory map of the qemu-virt board (firmware/boards/qemu-virt): a
 * Cortex-A15 in QEMU's "virt" machine whose RAM is a file the host maps
 * too. The core runs with its MMU off, so a device address is a guest
 * physical address: RAM offset + 0x4000_0000. Same names as the other
 * boards' board_map.h, so the sample firmware builds unchanged.
 *
 *   0x4000_0000 +------------------------+ RAM (512 MiB by default)
 *               | QEMU's device tree     | rewritten at every reset:
 *               |                        | never used
 *   0x4010_0000 +------------------------+ carveout "fw" (1 MiB)
 *               | .text .rodata          |
 *               | .data .resource_table  |
 *               | .bss, stacks           |
 *   0x4017_0000 | trace buffer (4 KiB)   | TRACE entry
 *   0x4017_8000 | board page (4 KiB)     | remoteproc/qemu_proto.h
 *   0x4018_0000 | vring0 (remote->host)  | VDEV vrings, fixed da
 *   0x4018_8000 | vring1 (host->remote)  |
 *   0x401c_0000 | host's RPMsg buffers   | chosen by the host
 *   0x4020_0000 +------------------------+ carveout "work" (4 MiB):
 *               |                        | bufproc's hand-over tables
 *   0x4060_0000 +------------------------+
 *   0x4100_0000 +------------------------+ carveout "shm", da = pa:
 *               | the host's large       | the rest of RAM
 *               | shared buffers         |
 *   0x6000_0000 +------------------------+
 *   0xf000_0000   nothing there: "crash" writes here (data abort)
 */
#ifndef AMPFW_BOARD_MAP_H
#define AMPFW_BOARD_MAP_H

/*
 * The core reaches memory at guest physical addresses (no MMU): every
 * carveout asks for pa = da, in the guest's RAM.
 */
#define AMPFW_CARVEOUT_DA 0x40100000u
#define AMPFW_CARVEOUT_PA 0x40100000u
#define AMPFW_CARVEOUT_LEN 0x00100000u
#define AMPFW_IMAGE_END 0x40170000u /* the linker script checks this */
#define AMPFW_TRACE_DA 0x40170000u
#define AMPFW_TRACE_LEN 0x1000u
#define AMPFW_VRING0_DA 0x40180000u
#define AMPFW_VRING1_DA 0x40188000u
#define AMPFW_VRING_NUM 16u
#define AMPFW_VRING_ALIGN 4096u
#define AMPFW_UNMAPPED_DA 0xf0000000u

/* bufproc's "work" carveout (its hand-over tables). */
#define AMPFW_WORK_DA 0x40200000u
#define AMPFW_WORK_PA 0x40200000u
#define AMPFW_WORK_LEN 0x00400000u

/*
 * The shared window: the rest of the guest's RAM, da = pa, where the host
 * places the large buffers it shares (bufproc's extra carveout).
 */
#define AMPFW_SHM_NAME "shm"
#define AMPFW_SHM_DA 0x41000000u
#define AMPFW_SHM_PA 0x41000000u
#define AMPFW_SHM_LEN 0x1f000000u

#endif /* AMPFW_BOARD_MAP_H */
