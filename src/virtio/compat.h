/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the portable layers (src/virtio, src/rpmsg) take from the C library:
 * errno codes and memcpy/memmove/memset. Hosted builds use the real headers; a
 * freestanding (bare-metal) build gets the Linux errno values and the
 * prototypes, which every firmware runtime provides. Then the few helpers
 * both layers share: shared-memory accessors, the cache calls, and two
 * that keep the code small on a Cortex-M.
 */
#ifndef AMP_VIRTIO_COMPAT_H
#define AMP_VIRTIO_COMPAT_H

#include <stddef.h>

#if defined(__STDC_HOSTED__) && __STDC_HOSTED__
#include <errno.h>
#include <string.h>
#else
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

#define EPERM 1
#define ENOENT 2
#define EIO 5
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENODEV 19
#define EINVAL 22
#define ENOSPC 28
#define EPROTO 71
#define EBADMSG 74
#define EMSGSIZE 90
#define EOPNOTSUPP 95
#define EADDRINUSE 98
#define ENOTCONN 107
#define ETIMEDOUT 110
#endif

/* Read a field the other side writes, exactly once. */
#define AMP_READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
/* Write a field the other side reads, exactly once. */
#define AMP_WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define AMP_LOAD_ACQUIRE(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define AMP_STORE_RELEASE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

/*
 * @x is a power of two (0 is not). Not the usual x && !(x & (x - 1)):
 * next to range checks, clang turns that into a population count, which
 * a Cortex-M has no instruction for (40 bytes of bit tricks each time).
 */
static inline int amp_is_pow2(size_t x)
{
	return x - 1 < (x ^ (x - 1));
}

struct amp_ipc_port;

/*
 * Cache maintenance of shared memory for the layers (ipc_port.c), skipped
 * when the port is coherent: make what we wrote visible to the peer
 * (clean), drop stale copies of what the peer wrote (inval).
 */
void amp_ipc__clean(const struct amp_ipc_port *port, void *p, size_t len);
void amp_ipc__inval(const struct amp_ipc_port *port, const void *p, size_t len);

/* Keep a function out of line: called from many places, inlining it at
 * each would cost more than the call. */
#define AMP_NOINLINE __attribute__((noinline))

#endif
