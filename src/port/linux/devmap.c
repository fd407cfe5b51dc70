/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mapping a device's runs in a process, at their device addresses, and
 * moving runs between processes. The receiving side checks every field
 * it is sent (the sender may be hostile).
 */
#include <ampshm/linux_devmap.h>

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/error.h"
#include "port/linux/fdpass.h"

#define RUN_MAGIC 0x4e555241u /* "ARUN" */

struct run_msg {
	uint32_t magic;
	uint32_t mapped;
	uint64_t da, len, pa, fd_offset;
	uint32_t prot;
	uint32_t pad;
};

static int run_fits(const struct amp_dev_run *run)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	if (!run->len || ((run->da | run->len | run->fd_offset) & (page - 1)))
		return -EINVAL;
	if (run->da + (run->len - 1) < run->da ||
	    run->da + (run->len - 1) > (uint64_t)UINTPTR_MAX)
		return -EINVAL;
	if (run->prot & ~(AMP_DEV_PROT_READ | AMP_DEV_PROT_WRITE))
		return -EINVAL;
	return 0;
}

int amp_linux_map_run(const struct amp_dev_run *run)
{
	int prot = 0;
	void *p;

	if (!run || run_fits(run))
		return amp_err(-EINVAL, "devmap: run not page aligned or "
					"beyond this address space");
	if (run->prot & AMP_DEV_PROT_READ)
		prot |= PROT_READ;
	if (run->prot & AMP_DEV_PROT_WRITE)
		prot |= PROT_READ | PROT_WRITE;
	p = mmap((void *)(uintptr_t)run->da, run->len, prot,
		 MAP_SHARED | MAP_FIXED_NOREPLACE, run->fd,
		 (off_t)run->fd_offset);
	if (p == MAP_FAILED)
		return amp_err(-errno, "devmap: cannot map da 0x%llx +0x%llx",
			       (unsigned long long)run->da,
			       (unsigned long long)run->len);
	if (p != (void *)(uintptr_t)run->da) {
		/* A kernel without MAP_FIXED_NOREPLACE took it as a hint. */
		munmap(p, run->len);
		return amp_err(-EEXIST, "devmap: da 0x%llx is taken",
			       (unsigned long long)run->da);
	}
	return 0;
}

int amp_linux_unmap_run(const struct amp_dev_run *run)
{
	if (!run || run_fits(run))
		return amp_err(-EINVAL, "devmap: bad run");
	if (munmap((void *)(uintptr_t)run->da, run->len))
		return amp_err(-errno, "devmap: munmap failed");
	return 0;
}

int amp_linux_send_run(int sock, const struct amp_dev_run *run, bool mapped)
{
	struct run_msg m = {
		.magic = RUN_MAGIC,
		.mapped = mapped,
		.da = run->da,
		.len = run->len,
		.pa = run->pa,
		.fd_offset = run->fd_offset,
		.prot = run->prot,
	};
	int ret = amp_linux_send_fds(sock, &m, sizeof(m), &run->fd,
				     mapped ? 1 : 0);

	if (ret)
		return amp_err(ret, "devmap: sending a run failed");
	return 0;
}

int amp_linux_recv_run(int sock, struct amp_dev_run *run, bool *mapped)
{
	struct run_msg m;
	unsigned int nfds;
	int fd = -1;
	ssize_t n;

	n = amp_linux_recv_fds(sock, &m, sizeof(m), &fd, 1, &nfds, MSG_WAITALL);
	if (n == 0)
		return amp_err(-ECONNRESET, "devmap: peer closed");
	if (n < 0 && n != -EPROTO)
		return amp_err((int)n, "devmap: receiving a run failed");
	if (n > 0)
		*run = (struct amp_dev_run){ .da = m.da,
					     .len = m.len,
					     .prot = m.prot,
					     .pa = m.pa,
					     .fd = nfds ? fd : -1,
					     .fd_offset = m.fd_offset };
	if (n != (ssize_t)sizeof(m) || m.magic != RUN_MAGIC || m.mapped > 1 ||
	    (m.mapped && !nfds) || run_fits(run)) {
		if (n > 0 && nfds)
			close(fd);
		return amp_err(-EPROTO, "devmap: malformed run message");
	}
	*mapped = m.mapped;
	if (!m.mapped && nfds) {
		close(fd);
		run->fd = -1;
	}
	return 0;
}
