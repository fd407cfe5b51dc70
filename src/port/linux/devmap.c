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
#include <sys/uio.h>
#include <unistd.h>

#include "core/error.h"

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
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	memset(cbuf, 0, sizeof(cbuf));
	if (mapped) {
		struct cmsghdr *c;

		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &run->fd, sizeof(int));
	}
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(m))
		return amp_err(n < 0 ? -errno : -EIO,
			       "devmap: sending a run failed");
	return 0;
}

int amp_linux_recv_run(int sock, struct amp_dev_run *run, bool *mapped)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct run_msg m;
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	int fd = -1;
	ssize_t n;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return amp_err(-ECONNRESET, "devmap: peer closed");
	if (n < 0)
		return amp_err(-errno, "devmap: receiving a run failed");
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	*run = (struct amp_dev_run){ .da = m.da,
				     .len = m.len,
				     .prot = m.prot,
				     .pa = m.pa,
				     .fd = fd,
				     .fd_offset = m.fd_offset };
	if (n != (ssize_t)sizeof(m) || m.magic != RUN_MAGIC || m.mapped > 1 ||
	    (m.mapped && fd < 0) || run_fits(run)) {
		if (fd >= 0)
			close(fd);
		return amp_err(-EPROTO, "devmap: malformed run message");
	}
	*mapped = m.mapped;
	if (!m.mapped && fd >= 0) {
		close(fd);
		run->fd = -1;
	}
	return 0;
}
