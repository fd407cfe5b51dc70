/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Linux memory helpers shared by every provider: shareable memory files
 * and virtually contiguous CPU mappings of scattered file pieces.
 */
#ifndef AMP_PORT_LINUX_MEM_H
#define AMP_PORT_LINUX_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AMP_HUGE_2M (2ull << 20)

/*
 * A new memfd of @size bytes (sparse). With @huge, try 2 MiB huge pages
 * first; *page_size tells what was obtained. Returns the fd or -errno.
 */
int amp_linux_memfd(const char *name, uint64_t size, bool huge,
		    size_t *page_size);

/* One piece of a CPU mapping: @len bytes of @fd at @fd_off. */
struct amp_map_piece {
	int fd;
	uint64_t fd_off;
	uint64_t len;
};

/*
 * Map the pieces back to back at one virtually contiguous address range
 * (MAP_SHARED, read/write), aligned to @align. Returns 0 and *va, or -errno
 * (nothing stays mapped).
 */
int amp_linux_map_pieces(const struct amp_map_piece *p, size_t n,
			 uint64_t total, uint64_t align, void **va);

/* Map @len bytes of @fd at @off, shared (MAP_NORESERVE). */
int amp_linux_map_fd(int fd, uint64_t off, uint64_t len, void **va);

void amp_linux_unmap(void *va, uint64_t len);

/* Ask for transparent huge pages on a mapping (best effort). */
void amp_linux_advise_huge(void *va, uint64_t len);

/* Give @len bytes at @off of @fd back to the system (they read as 0). */
void amp_linux_discard(int fd, uint64_t off, uint64_t len);

/* Page size of the memory behind @fd (huge pages on hugetlbfs). */
size_t amp_linux_fd_page_size(int fd);

#endif
