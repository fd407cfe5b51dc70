/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file provider.h
 * @brief Plugging in your own memory source (an FPGA BAR, a vendor heap).
 *
 * A provider hands out physically contiguous pieces of memory, each held
 * by a file the library (and a coprocessor process) can map. Registered as
 * "name", it serves amp_shm_open("name/<buffer>", ...) like the built-in
 * providers: the library maps the pieces back to back for the CPU,
 * registers their physical ranges in the physical map (refusing overlaps
 * with any other memory), and runs the usual attach, sync, checker and
 * bounce machinery over them.
 */
#ifndef AMPSHM_PROVIDER_H
#define AMPSHM_PROVIDER_H

#include <ampshm/export.h>
#include <ampshm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** One physically contiguous piece of a buffer. */
struct amp_shm_piece {
	amp_pa_t pa; /**< physical (bus) address, page aligned */
	uint64_t len; /**< bytes, a page multiple */
	int fd; /**< file holding the bytes (owned by the provider) */
	uint64_t fd_offset; /**< offset of @c pa in @c fd, page aligned */
};

/** What a provider does. */
struct amp_shm_provider_ops {
	/**
	 * Find or allocate the memory of buffer @p name (the part after
	 * "provider/"), at least @p size bytes. Set *pieces to an array of
	 * *npieces pieces owned by the provider (valid until free) and
	 * *cookie to anything the provider wants back. Return 0 or a
	 * negative errno (call amp_last_error()-friendly errnos: -ENOMEM,
	 * -ENOENT, -EINVAL).
	 */
	int (*alloc)(void *priv, const char *name, uint64_t size,
		     unsigned flags, const struct amp_shm_piece **pieces,
		     size_t *npieces, void **cookie);
	/** Give back what alloc returned. */
	void (*free)(void *priv, void *cookie);
	/** Optional: called after each range goes to a device. */
	int (*to_device)(void *priv, void *cookie, enum amp_dir dir);
	/** Optional: called after each range comes back to the CPU. */
	int (*to_cpu)(void *priv, void *cookie, enum amp_dir dir);
};

/**
 * @brief Register a provider under @p name.
 * @param name provider name (1..15 characters, no '/'; copied)
 * @param ops operations (copied)
 * @param priv passed to every operation
 * @return 0, -EEXIST (the name is taken, built-in names included),
 *         -EINVAL
 */
AMP_API int amp_shm_provider_register(const char *name,
				      const struct amp_shm_provider_ops *ops,
				      void *priv);

/**
 * @brief Unregister a provider.
 * @return 0, -ENOENT, -EBUSY (buffers from it are still open), -EPERM
 *         (a built-in provider)
 */
AMP_API int amp_shm_provider_unregister(const char *name);

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_PROVIDER_H */
