/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the host and the bufproc sample firmware agree on: the operation
 * in the low byte of a hand-over's tag, and the memory map of its extra
 * carveouts. Freestanding (the firmware includes it too).
 */
#ifndef AMPFW_BUFPROC_H
#define AMPFW_BUFPROC_H

/* Operations (tag & 0xff); see bufproc.c. */
#define BP_OP_NOP 0x00u
#define BP_OP_SUM 0x01u
#define BP_OP_INVERT 0x02u
#define BP_OP_FILL 0x03u
#define BP_OP_FORGE 0xf0u
#define BP_OP_CRASH 0xf1u
#define BP_OP_KEEP 0xf2u
#define BP_OP_PEEK 0xf3u

/* A tag: operation and argument. */
#define BP_TAG(op, arg) ((unsigned long long)(arg) << 8 | (op))

/*
 * The hand-over table (buffers live at once), in the "work" carveout
 * (AMPFW_WORK_DA, AMPFW_WORK_LEN: each board's board_map.h).
 */
#define BP_NBUFS 2048u
#define BP_SEG_CAP 64u

/* fw_bufproc_rsv: the reserved carveout, a static region of the host. */
#define BP_RSV_NAME "rsv"
#define BP_RSV_DA 0x40000000ull
#define BP_RSV_PA 0x40000000ull /* just below system memory */
#define BP_RSV_LEN 0x40000000ull

/*
 * fw_bufproc_dram: a window, da = pa, over the upper half of system
 * memory, where ordinary (scattered) buffers are taken from (64-bit core).
 */
#define BP_DRAM_NAME "dram"
#define BP_DRAM_DA 0x100000000ull
#define BP_DRAM_PA 0x100000000ull
#define BP_DRAM_LEN 0x80000000ull

#endif /* AMPFW_BUFPROC_H */
