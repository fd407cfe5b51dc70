/* SPDX-License-Identifier: BSD-3-Clause */
/* Passing descriptors between processes over AF_UNIX (SCM_RIGHTS). */
#include "port/linux/fdpass.h"

#include <ampshm/linux_ipc.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/error.h"

int amp_linux_send_fds(int sock, const void *buf, size_t len, const int *fds,
		       unsigned int nfds)
{
	char cbuf[CMSG_SPACE(AMP_FDPASS_MAX * sizeof(int))];
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (nfds > AMP_FDPASS_MAX)
		return -EINVAL;
	if (nfds) {
		struct cmsghdr *c;

		memset(cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf;
		msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
	}
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

ssize_t amp_linux_recv_fds(int sock, void *buf, size_t len, int *fds,
			   unsigned int max, unsigned int *nfds, int flags)
{
	char cbuf[CMSG_SPACE(AMP_FDPASS_MAX * sizeof(int))];
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	int got[AMP_FDPASS_MAX];
	unsigned int n_got = 0;
	struct cmsghdr *c;
	ssize_t n;

	*nfds = 0;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | flags);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		unsigned int k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0))
			continue;
		k = (unsigned int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (unsigned int i = 0; i < k && n_got < AMP_FDPASS_MAX; i++)
			memcpy(&got[n_got++], CMSG_DATA(c) + i * sizeof(int),
			       sizeof(int));
	}
	if (n_got > max || (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC))) {
		while (n_got)
			close(got[--n_got]);
		return -EPROTO;
	}
	memcpy(fds, got, n_got * sizeof(int));
	*nfds = n_got;
	return n;
}

int amp_linux_ipc_send_fd(int sock, int fd)
{
	char byte = 'F';
	int ret = amp_linux_send_fds(sock, &byte, 1, &fd, 1);

	if (ret)
		return amp_err(ret, "linux_ipc: sending the memfd failed");
	return 0;
}

int amp_linux_ipc_recv_fd(int sock, int *fd)
{
	unsigned int nfds;
	char byte;
	ssize_t n = amp_linux_recv_fds(sock, &byte, 1, fd, 1, &nfds, 0);

	if (n == 0)
		return amp_err(-ECONNRESET, "linux_ipc: peer closed");
	if (n < 0)
		return amp_err((int)n, "linux_ipc: receiving the memfd failed");
	if (nfds != 1)
		return amp_err(-EPROTO, "linux_ipc: no descriptor received");
	return 0;
}
