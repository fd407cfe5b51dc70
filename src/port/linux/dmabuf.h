/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dma-buf helpers shared by the providers whose buffers are dma-bufs
 * ("user" imports of a dma-buf or a udmabuf, "dmaheap"): the CPU access
 * window bracketed with DMA_BUF_IOCTL_SYNC at every hand-over, and
 * udmabuf creation from a memfd.
 */
#ifndef AMP_PORT_LINUX_DMABUF_H
#define AMP_PORT_LINUX_DMABUF_H

#include <stdbool.h>
#include <stdint.h>

#include <stddef.h>

#include <ampshm/shm.h>
#include <ampshm/types.h>

struct amp_shm;

/*
 * The CPU access window of one dma-buf. START opens it, END closes it;
 * the kernel refuses an END without a START on some exporters (udmabuf
 * returns -EINVAL), so END is only issued while the window is open.
 * Callers serialise (the buffer's lock).
 */
struct amp_dmabuf_win {
	int fd;
	bool open;
};

/* Is @fd a dma-buf? */
bool amp_linux_fd_is_dmabuf(int fd);

/* Open the window for a fresh buffer (START, read and write). */
int amp_dmabuf_open_window(struct amp_dmabuf_win *w, const char *who);

/* Close it before the buffer goes away (END if open; errors ignored). */
void amp_dmabuf_close_window(struct amp_dmabuf_win *w);

/*
 * The hand-over hooks of a provider (struct amp_provider's to_device and
 * to_cpu): END of the CPU's window with what the CPU did, START of the
 * window again with what it will do, the flags from the direction.
 */
int amp_dmabuf_to_device(struct amp_dmabuf_win *w, enum amp_dir dir,
			 const char *who);
int amp_dmabuf_to_cpu(struct amp_dmabuf_win *w, enum amp_dir dir,
		      const char *who);

/* How many SYNC ioctls were issued, for tests (START, END). */
void amp_dmabuf_counts(unsigned long *starts, unsigned long *ends);

/*
 * A dma-buf of the @n ranges, back to back, through /dev/udmabuf (or
 * $AMPSHM_UDMABUF_DEV): each range must be aligned to its memfd's page
 * size, each memfd gets F_SEAL_SHRINK. Everything is checked before
 * anything changes. Returns the new fd (close-on-exec) or a negative
 * errno with amp_last_error() set.
 */
int amp_linux_udmabuf_create(const struct amp_udmabuf_range *r, size_t n);

/* The "dmaheap" provider (providers/dmaheap.c). */
extern const struct amp_provider amp_provider_dmaheap;

/* The dma-buf fd of a buffer of each provider, or -1 (global lock held). */
int amp_user_dmabuf_fd(const struct amp_shm *shm);
int amp_dmaheap_dmabuf_fd(const struct amp_shm *shm);

#endif
