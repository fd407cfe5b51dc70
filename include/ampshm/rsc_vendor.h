/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file rsc_vendor.h
 * @brief ampshm's vendor resource-table entry: a carveout with 64-bit
 *        device and physical addresses and a 64-bit length.
 *
 * Standard CARVEOUT entries (rsc_table.h) hold 32-bit addresses. This
 * entry uses a type number of the vendor range (128..511) and OpenAMP's
 * vendor convention: it begins with {u32 type; u32 len}, where len is the
 * size in bytes of the whole entry (header included), so that a host that
 * does not know the type can skip it.
 *
 * Layout (72 bytes, little-endian, no padding):
 *
 * | offset | type     | field    | meaning                                  |
 * |--------|----------|----------|------------------------------------------|
 * | 0      | u32      | type     | AMP_RSC_VENDOR_CARVEOUT64 (0x164)        |
 * | 4      | u32      | len      | entry bytes, >= 72                       |
 * | 8      | u64      | da       | device address, or AMP_RSC64_ADDR_ANY    |
 * | 16     | u64      | pa       | physical address, or AMP_RSC64_ADDR_ANY  |
 * | 24     | u64      | size     | carveout length in bytes ("len")         |
 * | 32     | u32      | flags    | protection flags, as CARVEOUT            |
 * | 36     | u32      | reserved | zero                                     |
 * | 40     | char[32] | name     | NUL-terminated name                      |
 *
 * This file is freestanding: the firmware side uses it too.
 */
#ifndef AMPSHM_RSC_VENDOR_H
#define AMPSHM_RSC_VENDOR_H

#include <stddef.h>
#include <stdint.h>
#include <ampshm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Vendor resource type of the 64-bit carveout entry (356). */
#define AMP_RSC_VENDOR_CARVEOUT64 0x164u

/** "Any address" in the 64-bit entry's da and pa: all ones. */
#define AMP_RSC64_ADDR_ANY UINT64_MAX

/** Header every vendor entry starts with (OpenAMP's fw_rsc_vendor). */
struct amp_rsc_vendor_hdr {
	uint32_t type; /**< AMP_RSC_VENDOR_START .. AMP_RSC_VENDOR_END - 1 */
	uint32_t len; /**< bytes of the whole entry, this header included */
};

/** 64-bit carveout vendor entry, 72 bytes. */
struct amp_rsc_carveout64 {
	uint32_t type; /**< AMP_RSC_VENDOR_CARVEOUT64 */
	uint32_t len; /**< sizeof(struct amp_rsc_carveout64) or more */
	uint64_t da; /**< device address (or AMP_RSC64_ADDR_ANY) */
	uint64_t pa; /**< physical address (or AMP_RSC64_ADDR_ANY) */
	uint64_t size; /**< length of the carveout in bytes */
	uint32_t flags; /**< protection flags, as in a CARVEOUT entry */
	uint32_t reserved; /**< zero */
	char name[32]; /**< name, NUL-terminated */
};

AMP_STATIC_ASSERT(sizeof(struct amp_rsc_vendor_hdr) == 8, "vendor hdr");
AMP_STATIC_ASSERT(sizeof(struct amp_rsc_carveout64) == 72, "carveout64 size");
AMP_STATIC_ASSERT(offsetof(struct amp_rsc_carveout64, da) == 8, "co64 da");
AMP_STATIC_ASSERT(offsetof(struct amp_rsc_carveout64, pa) == 16, "co64 pa");
AMP_STATIC_ASSERT(offsetof(struct amp_rsc_carveout64, size) == 24, "co64 sz");
AMP_STATIC_ASSERT(offsetof(struct amp_rsc_carveout64, flags) == 32, "co64 fl");
AMP_STATIC_ASSERT(offsetof(struct amp_rsc_carveout64, name) == 40, "co64 nm");

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_RSC_VENDOR_H */
