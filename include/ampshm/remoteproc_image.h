/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file remoteproc_image.h
 * @brief Remoteproc firmware images: ELF parsing, the resource table, the
 *        layout checks and the loader.
 *
 * This is the image layer of a userspace remoteproc, in the Linux
 * drivers/remoteproc model: a remoteproc core owning the policy uses it to
 * - parse an ELF32 or ELF64 little-endian ET_EXEC image held in memory
 *   (amp_rproc_image_parse()): every offset, size, count and address is
 *   checked against the image with overflow-safe arithmetic;
 * - find the ".resource_table" section and parse it into a validated local
 *   copy (amp_rproc_rsc_parse()), including ampshm's 64-bit carveout vendor
 *   entry (rsc_vendor.h);
 * - check the layout: carveouts, vrings, trace buffers and segments
 *   (amp_rproc_check_layout());
 * - write the segments through the device's address space
 *   (amp_rproc_image_load()), then parse the *loaded* resource table at the
 *   section's device address and update it only through the setters
 *   (amp_rproc_rsc_set_carveout(), amp_rproc_rsc_set_vring()).
 *
 * Images and tables are untrusted: every failure returns a negative errno
 * and amp_last_error() names the field at fault.
 */
#ifndef AMPSHM_REMOTEPROC_IMAGE_H
#define AMPSHM_REMOTEPROC_IMAGE_H

#include <ampshm/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ampshm/rsc_table.h>
#include <ampshm/rsc_vendor.h>
#include <ampshm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @name ELF program header types and flags reported in segments
 *  @{ */
#define AMP_RPROC_PT_LOAD 1u /**< loadable segment */
#define AMP_RPROC_PF_X 1u /**< executable */
#define AMP_RPROC_PF_W 2u /**< writable */
#define AMP_RPROC_PF_R 4u /**< readable */
/** @} */

/** ELF section type of a section without file bytes (.bss). */
#define AMP_RPROC_SHT_NOBITS 8u

/** Name of the section holding the resource table. */
#define AMP_RPROC_RSC_SECTION ".resource_table"

/** A parsed image (opaque); it refers to the caller's buffer. */
struct amp_rproc_image;

/** What the ELF header says. */
struct amp_rproc_image_info {
	unsigned int elf_class; /**< 32 or 64 */
	uint16_t machine; /**< e_machine (40 = ARM, 183 = AArch64, ...) */
	uint16_t type; /**< e_type (always 2, ET_EXEC) */
	uint64_t entry; /**< e_entry: the device address to start at */
	size_t nsegments; /**< program headers (every type) */
	size_t nsections; /**< section headers (index 0 included) */
};

/** One program header. */
struct amp_rproc_segment {
	uint32_t type; /**< p_type (AMP_RPROC_PT_LOAD, ...) */
	uint32_t flags; /**< p_flags (AMP_RPROC_PF_*) */
	uint64_t offset; /**< p_offset: file offset of the bytes */
	uint64_t vaddr; /**< p_vaddr */
	uint64_t paddr; /**< p_paddr: the device address the loader uses */
	uint64_t filesz; /**< p_filesz: bytes in the file */
	uint64_t memsz; /**< p_memsz: bytes in memory (the rest zeroed) */
	uint64_t align; /**< p_align */
};

/** One section header. */
struct amp_rproc_section {
	const char *name; /**< name (inside the image buffer), "" if none */
	uint32_t type; /**< sh_type */
	uint64_t flags; /**< sh_flags */
	uint64_t addr; /**< sh_addr: device address once loaded */
	uint64_t offset; /**< sh_offset */
	uint64_t size; /**< sh_size */
};

/**
 * @brief Parse and validate an ELF image held in memory.
 *
 * Accepts ELF32 and ELF64, little-endian, ET_EXEC, any machine. Checks
 * the header, every program header (inside the image, p_filesz <= p_memsz,
 * addresses that do not wrap, PT_LOAD segments that do not overlap in
 * device addresses) and every section header (inside the image, names
 * inside the string table).
 * @param buf first byte of the image; it must stay valid and unchanged
 *        while the parsed image is used (nothing is copied)
 * @param size bytes at @p buf
 * @param[out] img parsed image, freed with amp_rproc_image_free()
 * @return 0, -EINVAL (malformed image; amp_last_error() says which field),
 *         -ENOTSUP (big-endian, not ET_EXEC), -ENOMEM
 */
AMP_API int amp_rproc_image_parse(const void *buf, size_t size,
				  struct amp_rproc_image **img);

/** @brief Free a parsed image (NULL is ignored). */
AMP_API void amp_rproc_image_free(struct amp_rproc_image *img);

/** @brief The ELF header's facts. */
AMP_API const struct amp_rproc_image_info *amp_rproc_image_info(
	const struct amp_rproc_image *img);

/**
 * @brief Program header @p i (0 .. info->nsegments - 1), or NULL.
 */
AMP_API const struct amp_rproc_segment *amp_rproc_image_segment(
	const struct amp_rproc_image *img, size_t i);

/**
 * @brief Section header @p i (0 .. info->nsections - 1), or NULL.
 */
AMP_API const struct amp_rproc_section *amp_rproc_image_section(
	const struct amp_rproc_image *img, size_t i);

/**
 * @brief The first section named @p name, or NULL.
 */
AMP_API const struct amp_rproc_section *amp_rproc_image_find_section(
	const struct amp_rproc_image *img, const char *name);

/**
 * @brief The resource table as stored in the image file.
 * @param img parsed image
 * @param[out] table first byte of the section's contents (inside the image)
 * @param[out] size bytes of the section
 * @param[out] da device address of the table once loaded (sh_addr, as
 *        Linux's rproc_elf_find_loaded_rsc_table()); may be NULL
 * @return 0, -ENOENT (no ".resource_table" section), -EINVAL (the section
 *         has no file bytes)
 */
AMP_API int amp_rproc_image_rsc_table(const struct amp_rproc_image *img,
				      const void **table, size_t *size,
				      uint64_t *da);

/** Where the loader writes: through the device's address space. */
struct amp_rproc_load_ops {
	/**
	 * Write @p len bytes at device address @p da (required).
	 * @return 0 or a negative errno, which stops the load
	 */
	int (*write)(void *priv, uint64_t da, const void *src, size_t len);
	/**
	 * Zero @p len bytes at device address @p da. Optional: when NULL,
	 * zeros are written with write().
	 */
	int (*zero)(void *priv, uint64_t da, size_t len);
};

/**
 * @brief Load the image: write every PT_LOAD segment at its device address.
 *
 * The device address of a segment is its p_paddr (as Linux remoteproc
 * does); the p_filesz bytes of the file are written there and the
 * p_memsz - p_filesz bytes after them are zeroed (.bss). Segments with
 * p_memsz 0 are skipped. Other segment types are ignored.
 * @param img parsed image
 * @param ops the caller's write (and zero) callbacks
 * @param priv passed to the callbacks
 * @return 0, -EINVAL, or the first error a callback returned (the message
 *         names the segment and keeps the callback's own message)
 */
AMP_API int amp_rproc_image_load(const struct amp_rproc_image *img,
				 const struct amp_rproc_load_ops *ops,
				 void *priv);

/** Kind of a resource-table entry in a parsed table. */
enum amp_rproc_rsc_kind {
	AMP_RPROC_RSC_CARVEOUT, /**< CARVEOUT (32-bit) */
	AMP_RPROC_RSC_DEVMEM, /**< DEVMEM */
	AMP_RPROC_RSC_TRACE, /**< TRACE */
	AMP_RPROC_RSC_VDEV, /**< VDEV, with its vrings */
	AMP_RPROC_RSC_CARVEOUT64, /**< ampshm's 64-bit carveout vendor entry */
	AMP_RPROC_RSC_VENDOR, /**< another vendor entry (128..511), skipped */
	AMP_RPROC_RSC_UNKNOWN, /**< type 4..127 or >= 512: ignored, as Linux */
};

/** A memory entry: CARVEOUT, DEVMEM or the 64-bit carveout, widened. */
struct amp_rproc_rsc_mem {
	uint64_t da; /**< device address, AMP_ADDR_ANY for "any" */
	uint64_t pa; /**< physical address, AMP_ADDR_ANY for "any" */
	uint64_t len; /**< bytes */
	uint32_t flags; /**< protection flags */
	uint32_t reserved; /**< the entry's reserved field */
	char name[33]; /**< name, NUL-terminated */
};

/** A TRACE entry. */
struct amp_rproc_rsc_trace {
	uint64_t da; /**< trace buffer device address */
	uint64_t len; /**< bytes */
	char name[33]; /**< name, NUL-terminated */
};

/** One vring of a VDEV entry. */
struct amp_rproc_rsc_vring {
	uint64_t da; /**< device address, AMP_ADDR_ANY for "any" */
	uint32_t align; /**< used-ring alignment (a power of two) */
	uint32_t num; /**< ring size (a power of two, <= 32768) */
	uint32_t notifyid; /**< notify id */
	uint32_t reserved; /**< the entry's reserved field */
	uint64_t size; /**< bytes the vring takes (amp_vring_size()) */
};

/** A VDEV entry. */
struct amp_rproc_rsc_vdev {
	uint32_t id; /**< virtio device id (AMP_VIRTIO_ID_RPMSG) */
	uint32_t notifyid; /**< notify id of the device */
	uint32_t dfeatures; /**< device features */
	uint32_t gfeatures; /**< driver features */
	uint32_t config_len; /**< config space bytes */
	uint32_t config_offset; /**< table offset of the config space */
	uint8_t status; /**< virtio status */
	uint8_t num_of_vrings; /**< vrings (amp_rproc_rsc_vring()) */
};

/** One entry of a parsed resource table (a widened local copy). */
struct amp_rproc_rsc_entry {
	enum amp_rproc_rsc_kind kind; /**< what it is */
	uint32_t type; /**< the entry's type field */
	uint32_t offset; /**< byte offset of the entry in the table */
	uint32_t size; /**< bytes the entry takes in the table */
	/** The entry's fields, by kind. */
	union {
		struct amp_rproc_rsc_mem mem; /**< CARVEOUT, DEVMEM, CARVEOUT64 */
		struct amp_rproc_rsc_trace trace; /**< TRACE */
		struct amp_rproc_rsc_vdev vdev; /**< VDEV */
		uint32_t vendor_len; /**< VENDOR: its len field */
	} u;
};

/** A parsed, validated local copy of a resource table (opaque). */
struct amp_rproc_rsc;

/**
 * @brief Parse and validate a resource table into a local copy.
 *
 * Checks the header (ver 1, reserved zero, the offset array inside the
 * table), each entry (4-byte aligned offset, whole entry inside the table,
 * entries not overlapping each other or the header, names NUL-terminated,
 * VDEV vrings and config space inside the table, vring num and align
 * powers of two) and vendor entries (their len inside the table). A
 * standard 32-bit table of a Linux or OpenAMP firmware parses unchanged.
 * @param table first byte of the table (any alignment; not kept)
 * @param size bytes of the table
 * @param[out] rsc the local copy, freed with amp_rproc_rsc_free()
 * @return 0, -EINVAL (malformed: amp_last_error() names the entry and
 *         field), -ENOMEM
 */
AMP_API int amp_rproc_rsc_parse(const void *table, size_t size,
				struct amp_rproc_rsc **rsc);

/** @brief Free a parsed table (NULL is ignored). */
AMP_API void amp_rproc_rsc_free(struct amp_rproc_rsc *rsc);

/** @brief Bytes of the table that was parsed. */
AMP_API size_t amp_rproc_rsc_size(const struct amp_rproc_rsc *rsc);

/** @brief Number of entries (the header's num). */
AMP_API size_t amp_rproc_rsc_count(const struct amp_rproc_rsc *rsc);

/** @brief Entry @p i, or NULL. */
AMP_API const struct amp_rproc_rsc_entry *amp_rproc_rsc_entry(
	const struct amp_rproc_rsc *rsc, size_t i);

/** @brief Vring @p v of VDEV entry @p i, or NULL. */
AMP_API const struct amp_rproc_rsc_vring *amp_rproc_rsc_vring(
	const struct amp_rproc_rsc *rsc, size_t i, unsigned int v);

/**
 * @brief Record the addresses chosen for a carveout (CARVEOUT, DEVMEM or
 *        CARVEOUT64 entry @p i), in the local copy and in the loaded table.
 *
 * The loaded table is the copy in memory the remote sees; it is untrusted:
 * the entry there must still be of the same type, and it is written field
 * by field (unaligned-safe).
 * @param rsc the parsed copy
 * @param i entry index
 * @param da device address (AMP_ADDR_ANY keeps "any")
 * @param pa physical address (AMP_ADDR_ANY keeps "any")
 * @param loaded the loaded table (NULL: local copy only)
 * @param loaded_size bytes at @p loaded (at least amp_rproc_rsc_size())
 * @return 0, -EINVAL (no such entry, wrong kind, loaded table too small or
 *         changed), -ERANGE (an address above 4 GiB for a 32-bit entry)
 */
AMP_API int amp_rproc_rsc_set_carveout(struct amp_rproc_rsc *rsc, size_t i,
				       uint64_t da, uint64_t pa, void *loaded,
				       size_t loaded_size);

/**
 * @brief Record the address and notify id chosen for vring @p v of VDEV
 *        entry @p i, in the local copy and in the loaded table.
 * @param rsc the parsed copy
 * @param i VDEV entry index
 * @param v vring index
 * @param da device address of the vring (32-bit field)
 * @param notifyid notify id
 * @param loaded the loaded table (NULL: local copy only)
 * @param loaded_size bytes at @p loaded
 * @return 0, -EINVAL, -ERANGE (@p da above 4 GiB)
 */
AMP_API int amp_rproc_rsc_set_vring(struct amp_rproc_rsc *rsc, size_t i,
				    unsigned int v, uint64_t da,
				    uint32_t notifyid, void *loaded,
				    size_t loaded_size);

/** What a remoteproc core tells the layout checks about its device. */
struct amp_rproc_layout {
	/**
	 * Memory entries (CARVEOUT, DEVMEM, CARVEOUT64; their da and fixed
	 * pa) must end at or below this address (the last reachable byte
	 * + 1, e.g. 1 << dma_bits). 0: no limit.
	 */
	uint64_t mem_limit;
	/** Device memory the caller declares (da ranges: TCMs, SRAM, ...). */
	const struct amp_sg *mem;
	size_t nmem; /**< entries of @c mem */
};

/**
 * @brief The layout checks a remoteproc core needs before loading.
 *
 * - memory entries (carveouts, DEVMEM, 64-bit carveouts) overlapping each
 *   other in da (both fixed) or in pa (both fixed), or of length 0;
 * - carveouts ending above @c lay->mem_limit (da or fixed pa);
 * - vrings with a fixed da not inside one carveout, DEVMEM or declared
 *   range (size from num and align, amp_vring_size());
 * - trace buffers not inside one of those;
 * - PT_LOAD segments (p_paddr, p_memsz) not inside one of those;
 * - the resource table section not inside the file part of a PT_LOAD
 *   segment (the loaded copy would not hold it).
 *
 * Ranges with "any" addresses are allocated later by the core and are not
 * checked here.
 * @param img parsed image (NULL: only the table is checked)
 * @param rsc parsed table (NULL: only the segments against @p lay)
 * @param lay limits and declared memory (NULL: none)
 * @return 0, -EINVAL or -ERANGE with amp_last_error() naming both parties
 */
AMP_API int amp_rproc_check_layout(const struct amp_rproc_image *img,
				   const struct amp_rproc_rsc *rsc,
				   const struct amp_rproc_layout *lay);

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_REMOTEPROC_IMAGE_H */
