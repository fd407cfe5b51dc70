/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file types.h
 * @brief Address types, directions and scatter lists shared by every
 *        ampshm subsystem.
 *
 * Every address that can leave the CPU (physical/bus addresses and device
 * addresses) is 64-bit, on every host and every remote, whatever the
 * pointer size.
 */
#ifndef AMPSHM_TYPES_H
#define AMPSHM_TYPES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Compile-time layout check, in C and in C++. */
#ifdef __cplusplus
#define AMP_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define AMP_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

/** Bus/physical (DMA) address, as the memory system numbers it. */
typedef uint64_t amp_pa_t;
/** Device address: what one coprocessor puts on its bus to reach memory. */
typedef uint64_t amp_da_t;

/** "No address / any address". */
#define AMP_ADDR_ANY UINT64_MAX

/**
 * @brief Transfer direction, seen from the device (DMA-API sense).
 *
 * The numeric values are those of the libmetal shared-memory proposal
 * (device read = 1, device write = 2, both = 3).
 */
enum amp_dir {
	AMP_DIR_TO_DEVICE = 1, /**< device reads what the CPU wrote */
	AMP_DIR_FROM_DEVICE = 2, /**< device writes, the CPU reads */
	AMP_DIR_BIDIR = 3, /**< both */
};

/** One segment of a scatter list in a 64-bit address space (pa or da). */
struct amp_sg {
	uint64_t addr; /**< first address of the segment */
	uint64_t len; /**< length in bytes */
};

/** One segment of a buffer as the CPU sees it. */
struct amp_cpu_seg {
	void *va; /**< CPU virtual address */
	amp_pa_t pa; /**< physical/bus address of the same bytes */
	uint64_t len; /**< length in bytes */
	uint64_t offset; /**< offset of the segment inside the buffer */
};

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_TYPES_H */
