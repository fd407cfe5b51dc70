/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file shm.h
 * @brief Large shared buffers: open, map, attach to devices, hand over.
 *
 * A buffer is named "provider/name". Three providers come built in:
 * - "static/<region>": a statically defined region (reserved memory,
 *   carveout), registered with amp_static_region_add() or
 *   amp_static_load_config();
 * - "sysmem/<name>": application-processor system memory, physically
 *   contiguous (AMP_SHM_F_CONTIG, CMA-like) or scattered pages;
 * - "user/<name>": the application's own memory, imported from a file
 *   descriptor it can share (memfd, hugetlbfs/tmpfs file, dma-buf) with
 *   amp_shm_import_fd(), or made a dma-buf by amp_shm_import_udmabuf();
 * - "dmaheap/<name>" or "dmaheap/\<heap\>:<name>": a dma-buf allocated by
 *   the Linux kernel from /dev/dma_heap/\<heap\> (default "system").
 *
 * Ownership follows the DMA API. After amp_shm_attach() the CPU owns the
 * whole buffer. amp_shm_sync_for_device() hands a byte range to the device
 * (the CPU must not touch it), amp_shm_sync_for_cpu() takes it back. Each
 * hand-over issues the cache maintenance its direction needs, and only for
 * its range.
 *
 * Every call returns 0 or a negative errno; amp_last_error() gives a
 * sentence saying what was wrong.
 */
#ifndef AMPSHM_SHM_H
#define AMPSHM_SHM_H

#include <ampshm/export.h>

#include <stdbool.h>
#include <ampshm/types.h>
#include <ampshm/device.h>

#ifdef __cplusplus
extern "C" {
#endif

struct amp_shm;

/** @name Flags for amp_shm_open() and amp_shm_import_fd()
 *  @{ */
/** Physically contiguous allocation (sysmem; CMA-like). */
#define AMP_SHM_F_CONTIG (1u << 0)
/**
 * 2 MiB granularity (sysmem): the size is rounded up to 2 MiB and every
 * physical piece is 2 MiB aligned, so an IOMMU maps it with 2 MiB blocks and
 * the CPU mapping is advised to use transparent huge pages. (The simulated
 * DDR itself moves to hugetlbfs with amp_sysmem_config::huge.)
 */
#define AMP_SHM_F_HUGE (1u << 1)
/** CPU mapping is uncached: syncs issue no cache maintenance. */
#define AMP_SHM_F_UNCACHED (1u << 2)
/**
 * Ownership checker: while the device owns a range, the CPU mapping of its
 * pages is made inaccessible; a CPU access faults at the guilty
 * instruction and is reported (buffer, offset, owner). Also enabled for
 * every buffer by the environment variable AMPSHM_CHECK=1.
 */
#define AMP_SHM_F_CHECK (1u << 3)
/** Fail with -EEXIST if the buffer is already allocated. */
#define AMP_SHM_F_EXCL (1u << 4)
/** Fail with -ENOENT unless the buffer is already allocated. */
#define AMP_SHM_F_NOCREATE (1u << 5)
/** Every flag amp_shm_open() knows; other bits are refused (-EINVAL). */
#define AMP_SHM_F_ALL (AMP_SHM_F_CONTIG | AMP_SHM_F_HUGE | AMP_SHM_F_UNCACHED | \
		       AMP_SHM_F_CHECK | AMP_SHM_F_EXCL | AMP_SHM_F_NOCREATE)
/** @} */

/**
 * @brief Open a buffer, allocating it on first open.
 *
 * Later opens of the same name return the same buffer and take a
 * reference; each open needs its own amp_shm_close().
 *
 * @param name "provider/name"
 * @param size size in bytes; on a later open 0 or at most the existing
 *        size; for "static/" 0 means the whole region
 * @param flags AMP_SHM_F_*
 * @param[out] shm the buffer
 * @return 0; -EINVAL (bad name or size), -ENOENT (unknown provider or
 *         region), -EEXIST, -ENOMEM (no memory of that kind left), -ENOSPC.
 */
AMP_API int amp_shm_open(const char *name, size_t size, unsigned flags,
		 struct amp_shm **shm);

/**
 * @brief Import memory the application already has ("user" provider).
 *
 * @param name "user/<name>" (or just "<name>")
 * @param fd a shareable file descriptor: memfd, a file on tmpfs or
 *        hugetlbfs, or a dma-buf. It is duplicated; the caller keeps its own.
 * @param offset page-aligned offset into @p fd
 * @param len length in bytes (rounded up to pages)
 * @param flags AMP_SHM_F_*
 * @param[out] shm the buffer
 * @return 0, -EBADF, -EINVAL (unaligned offset, beyond the end of the
 *         file, a file kind another process cannot map), -EEXIST.
 */
AMP_API int amp_shm_import_fd(const char *name, int fd, uint64_t offset, uint64_t len,
		      unsigned flags, struct amp_shm **shm);

/**
 * @brief Import memory by address ("user" provider).
 *
 * Works only when [ptr, ptr+len) lies in one shared file mapping (for
 * example an mmap(MAP_SHARED) of a memfd). Private memory (malloc, the
 * stack, MAP_PRIVATE|MAP_ANONYMOUS) cannot be mapped by another process:
 * it is refused with -EINVAL and amp_last_error() says what to use instead.
 */
AMP_API int amp_shm_import_ptr(const char *name, void *ptr, size_t len, unsigned flags,
		       struct amp_shm **shm);

/**
 * @brief Import part of a memfd as a dma-buf made by the kernel's udmabuf
 *        driver ("user" provider).
 *
 * [@p offset, @p offset + @p len) of @p memfd becomes a dma-buf
 * (UDMABUF_CREATE on /dev/udmabuf), which is imported like
 * amp_shm_import_fd() does: its identity is the dma-buf
 * (amp_shm_dmabuf_fd()), every hand-over brackets DMA_BUF_IOCTL_SYNC, and
 * the bytes are the memfd's own pages (written through either, seen
 * through both). The memfd is sealed with F_SEAL_SHRINK (the kernel
 * requires it).
 *
 * @param name "user/<name>" (or just "<name>")
 * @param memfd a memfd_create() file (shmem, or hugetlb with MFD_HUGETLB),
 *        created with MFD_ALLOW_SEALING unless already sealed with
 *        F_SEAL_SHRINK; it is not consumed
 * @param offset offset in @p memfd, a multiple of its page size (2 MiB or
 *        1 GiB for a hugetlb memfd)
 * @param len bytes, a multiple of the same page size; at most the udmabuf
 *        module's size_limit_mb (64 MiB by default)
 * @param flags AMP_SHM_F_*
 * @param[out] shm the buffer
 * @return 0; -EBADF; -EINVAL (not a memfd, unaligned, beyond the end of
 *         the file, sealed against writing, refused by the kernel);
 *         -EPERM (the memfd cannot be sealed); -ENODEV (no /dev/udmabuf:
 *         the kernel lacks CONFIG_UDMABUF); -EEXIST.
 */
AMP_API int amp_shm_import_udmabuf(const char *name, int memfd,
				   uint64_t offset, uint64_t len,
				   unsigned flags, struct amp_shm **shm);

/** One range of a memfd, for amp_shm_import_udmabuf_list(). */
struct amp_udmabuf_range {
	int memfd; /**< memfd_create() file (see amp_shm_import_udmabuf()) */
	uint64_t offset; /**< offset, a multiple of the memfd's page size */
	uint64_t len; /**< bytes, a multiple of the memfd's page size */
};

/** Most ranges amp_shm_import_udmabuf_list() takes (the kernel's
 *  default list_limit). */
#define AMP_UDMABUF_MAX_RANGES 1024

/**
 * @brief Import several memfd ranges as one dma-buf (UDMABUF_CREATE_LIST),
 *        back to back in the order given ("user" provider).
 *
 * Each range follows the rules of amp_shm_import_udmabuf(); ranges may
 * come from different memfds, and all of them are checked before any
 * memfd is sealed. The size limit applies to the total.
 *
 * @param name "user/<name>" (or just "<name>")
 * @param ranges the ranges
 * @param n number of ranges, 1..AMP_UDMABUF_MAX_RANGES
 * @param flags AMP_SHM_F_*
 * @param[out] shm the buffer
 * @return as amp_shm_import_udmabuf(); amp_last_error() names the range
 *         at fault.
 */
AMP_API int amp_shm_import_udmabuf_list(const char *name,
					const struct amp_udmabuf_range *ranges,
					size_t n, unsigned flags,
					struct amp_shm **shm);

/**
 * @brief The dma-buf behind a buffer, as a new file descriptor.
 *
 * For "dmaheap/" buffers and imports of a dma-buf or a udmabuf. The
 * caller owns the returned descriptor (close-on-exec) and may pass it to
 * another process (SCM_RIGHTS) or to a driver; it refers to the same
 * memory. The CPU's access window is bracketed by the library at each
 * hand-over of this buffer only, not for other users of the descriptor.
 *
 * @return a file descriptor; -ENOTSUP (the buffer is not a dma-buf),
 *         -EINVAL (invalid buffer), -EMFILE.
 */
AMP_API int amp_shm_dmabuf_fd(struct amp_shm *shm);

/**
 * @brief Drop one reference; the last one frees the buffer.
 *
 * Each attachment holds a reference too: a buffer closed while attached
 * stays alive (and mapped for its devices) until its last detach.
 * @return 0, -EINVAL.
 */
AMP_API int amp_shm_close(struct amp_shm *shm);

/** @brief Full name ("provider/name"). */
AMP_API const char *amp_shm_name(const struct amp_shm *shm);
/** @brief Size in bytes. */
AMP_API uint64_t amp_shm_size(const struct amp_shm *shm);
/** @brief Number of references: opens not yet closed, plus attachments. */
AMP_API unsigned amp_shm_refcount(const struct amp_shm *shm);
/** @brief Flags the buffer was created with. */
AMP_API unsigned amp_shm_flags(const struct amp_shm *shm);

/**
 * @brief CPU virtual address of the whole buffer.
 *
 * Buffers are always mapped virtually contiguous for the CPU, even when
 * they are scattered in physical memory.
 */
AMP_API void *amp_shm_va(const struct amp_shm *shm);

/**
 * @brief CPU view as segments: one per physically contiguous piece.
 * @param[out] segs array owned by the buffer, valid until it is freed
 * @param[out] nsegs number of segments
 */
AMP_API int amp_shm_cpu_sg(const struct amp_shm *shm, const struct amp_cpu_seg **segs,
		   size_t *nsegs);

/**
 * @brief Physical (bus) address of the byte at @p offset.
 * @param[out] contig bytes physically contiguous from there (may be NULL)
 * @return 0, -ERANGE if @p offset is past the end.
 */
AMP_API int amp_shm_offset_to_pa(const struct amp_shm *shm, uint64_t offset,
			 amp_pa_t *pa, uint64_t *contig);

/** @brief Offset of a physical address inside the buffer, or -ERANGE. */
AMP_API int amp_shm_pa_to_offset(const struct amp_shm *shm, amp_pa_t pa,
			 uint64_t *offset);

/** @brief Offset of a CPU address inside the buffer, or -ERANGE. */
AMP_API int amp_shm_va_to_offset(const struct amp_shm *shm, const void *va,
			 uint64_t *offset);

/**
 * @brief Map the buffer for a device and return its device addresses.
 *
 * Through a carveout window the device sees the buffer's physical
 * segments, shifted; through an IOMMU it sees one contiguous range. A
 * buffer the device cannot reach is bounced, or refused, as the device's
 * bounce policy says. The CPU owns the whole buffer afterwards.
 *
 * @param dir directions the device will use (AMP_DIR_*)
 * @param[out] sg device-address scatter list, owned by the attachment,
 *             valid until amp_shm_detach() (may be NULL)
 * @param[out] nsg number of segments (may be NULL)
 * @return 0; -EALREADY (already attached to @p dev), -ERANGE (unreachable
 *         and bouncing not allowed), -ENOSPC (IOVA space full), -EINVAL.
 */
AMP_API int amp_shm_attach(struct amp_shm *shm, struct amp_dev *dev, enum amp_dir dir,
		   const struct amp_sg **sg, size_t *nsg);

/**
 * @brief Unmap the buffer from a device.
 * @return 0; -ENOTCONN (not attached), -EBUSY (the device still owns a
 *         range: take it back with amp_shm_sync_for_cpu() first).
 */
AMP_API int amp_shm_detach(struct amp_shm *shm, struct amp_dev *dev);

/**
 * @brief Hand [offset, offset+len) to the device.
 *
 * Every direction cleans the CPU caches over the range (whole lines), as
 * Linux does on arm64 since 5.19: a buffer the CPU zeroed before the
 * device fills it keeps its zeros where the device writes nothing. In
 * bounce mode the range is copied to the device's copy. With the
 * ownership checker the range's pages become inaccessible to the CPU.
 *
 * A range the device will write (AMP_DIR_FROM_DEVICE, AMP_DIR_BIDIR) must
 * start and end on a cache-line boundary (amp_cache_line_size(), the
 * equivalent of Linux's ARCH_DMA_MINALIGN): a line shared with bytes the
 * CPU keeps would be written back over the device's data, or the device's
 * data discarded, at take-back.
 *
 * @param len 0 means "to the end of the buffer"
 * @return 0; -ENOTCONN (not attached), -EBUSY (part of the range is
 *         already owned by the device), -ERANGE (range outside the buffer),
 *         -EINVAL (direction not allowed by the attachment, or a device
 *         write range not aligned to the cache line), or the error of a
 *         listener (checker mprotect, dma-buf sync, -EFAULT from a bounce copy
 *         that found no CPU mapping), nothing handed over.
 */
AMP_API int amp_shm_sync_for_device(struct amp_shm *shm, struct amp_dev *dev,
			    enum amp_dir dir, uint64_t offset, uint64_t len);

/**
 * @brief Take [offset, offset+len) back from the device.
 *
 * FROM_DEVICE and BIDIR invalidate the CPU caches over the range (lines
 * the CPU may have fetched while the device owned it); in bounce mode they
 * copy the device's copy back. The range must be exactly covered by ranges
 * the device owns; it may be part of what was handed over (the same
 * alignment rule applies).
 *
 * @return 0; -ENOTCONN, -EPERM (part of the range is owned by the CPU
 *         already), -ERANGE, -EINVAL, or the error of a listener.
 */
AMP_API int amp_shm_sync_for_cpu(struct amp_shm *shm, struct amp_dev *dev,
			 enum amp_dir dir, uint64_t offset, uint64_t len);

/** A range a device owned when it was reclaimed. */
struct amp_reclaimed {
	struct amp_shm *shm; /**< buffer */
	struct amp_dev *dev; /**< device it was taken from */
	uint64_t offset; /**< first byte of the range */
	uint64_t len; /**< bytes */
	enum amp_dir dir; /**< direction it was handed over with */
};

/**
 * @brief Told of each range a forced reclaim took back.
 * @param priv the caller's pointer
 * @param r the range (valid during the call)
 */
typedef void (*amp_reclaim_fn)(void *priv, const struct amp_reclaimed *r);

/** amp_dev_reclaim() flag: also detach every buffer from the device. */
#define AMP_RECLAIM_DETACH (1u << 0)

/**
 * @brief Take back, without asking the device, everything it owns (a
 *        coprocessor that crashed or was stopped).
 *
 * Every range the device owns in every buffer goes back to the CPU
 * through the same path as amp_shm_sync_for_cpu() (cache invalidation,
 * bounce copy-back, checker, dma-buf), and is reported to @p fn. With
 * AMP_RECLAIM_DETACH every buffer is then detached (its device mapping
 * removed; a buffer whose last reference was the attachment is freed).
 * @param dev device
 * @param flags 0 or AMP_RECLAIM_DETACH
 * @param fn called for each range taken back (may be NULL), with the
 *        library's locks held: it must not open, close, attach, detach or
 *        sync buffers (record what it needs and act after the call)
 * @param priv passed to @p fn
 * @return the number of ranges taken back, or a negative errno
 */
AMP_API int amp_dev_reclaim(struct amp_dev *dev, unsigned flags, amp_reclaim_fn fn,
		    void *priv);

/**
 * @brief Name of a direction, for messages: "TO_DEVICE", "FROM_DEVICE",
 *        "BIDIR", or "invalid".
 */
AMP_API const char *amp_dir_name(enum amp_dir dir);

/** Who owns a byte of an attached buffer. */
enum amp_owner {
	AMP_OWNER_CPU = 0,
	AMP_OWNER_DEVICE = 1,
};

/**
 * @brief Who owns the byte at @p offset for @p dev.
 * @return AMP_OWNER_CPU, AMP_OWNER_DEVICE, or a negative errno.
 */
AMP_API int amp_shm_owner(struct amp_shm *shm, struct amp_dev *dev, uint64_t offset);

/**
 * @brief Device address of the byte at @p offset for an attached device.
 * @return 0, -ENOTCONN, -ERANGE.
 */
AMP_API int amp_shm_offset_to_da(struct amp_shm *shm, struct amp_dev *dev,
			 uint64_t offset, amp_da_t *da);

/** @brief Offset in the buffer of device address @p da, or -ERANGE. */
AMP_API int amp_shm_da_to_offset(struct amp_shm *shm, struct amp_dev *dev, amp_da_t da,
			 uint64_t *offset);

/** @brief True if @p dev sees a bounce copy of @p shm. */
AMP_API bool amp_shm_is_bounced(struct amp_shm *shm, struct amp_dev *dev);

/**
 * @brief A CPU access to a device-owned range, as caught by the checker.
 */
struct amp_violation {
	const char *shm_name; /**< buffer */
	uint64_t offset; /**< offset of the faulting access */
	const char *owner; /**< device that owns that range, or NULL if the
				   page is only shared with a device-owned
				   range (page granularity) */
	void *addr; /**< faulting CPU address */
};

/**
 * @brief Handler called by the ownership checker on a violation.
 *
 * It runs in the signal handler: it may only do async-signal-safe things.
 * The default prints a report on stderr and aborts the process.
 */
typedef void (*amp_violation_fn)(const struct amp_violation *v);

/** @brief Replace the violation handler (NULL restores the default). */
AMP_API void amp_shm_set_violation_handler(amp_violation_fn fn);

/** @name Static regions ("static" provider)
 *  @{ */
/** Region is mapped uncached for the CPU. */
#define AMP_REGION_F_UNCACHED (1u << 0)

/**
 * @brief Register a statically defined region.
 *
 * @param name region name (the buffer is "static/<name>")
 * @param pa physical base (64-bit)
 * @param size size in bytes (page multiple)
 * @param flags AMP_REGION_F_*
 * @param backing_path file that holds the region's bytes (for example a
 *        QEMU RAM file or /dev/mem), or NULL for fresh anonymous shared
 *        memory
 * @param backing_offset offset of the region in @p backing_path
 * @return 0, -EEXIST (name or physical range taken), -EINVAL, -errno of
 *         open/mmap.
 */
AMP_API int amp_static_region_add(const char *name, amp_pa_t pa, uint64_t size,
			  unsigned flags, const char *backing_path,
			  uint64_t backing_offset);

/**
 * @brief Register the regions listed in a configuration file.
 *
 * One region per line: `name pa size [uncached] [file=PATH [offset=N]]`,
 * numbers in C notation (0x..., or with a K/M/G suffix). '#' starts a
 * comment.
 * @return number of regions added, or a negative errno (-EINVAL with the
 *         line number in amp_last_error()).
 */
AMP_API int amp_static_load_config(const char *path);

/** @brief Unregister a region (-EBUSY while its buffer is open). */
AMP_API int amp_static_region_remove(const char *name);
/** @} */

/** @name System memory ("sysmem" provider)
 *  @{ */
/** Configuration of the simulated system memory (DDR) on a Linux host. */
struct amp_sysmem_config {
	amp_pa_t pa; /**< physical base (default 0x80000000, so 4 GiB of DDR straddle the 4 GiB line) */
	uint64_t size; /**< bytes (default 4 GiB, reserved lazily) */
	bool huge; /**< back it with 2 MiB huge pages if possible */
};

/**
 * @brief Configure system memory before its first use.
 * @return 0, or -EBUSY once it is in use.
 */
AMP_API int amp_sysmem_configure(const struct amp_sysmem_config *cfg);

/** @brief Bytes of system memory free. */
AMP_API uint64_t amp_sysmem_free_bytes(void);
/** @} */

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_SHM_H */
