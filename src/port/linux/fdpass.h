/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One message with file descriptors over an AF_UNIX socket (SCM_RIGHTS):
 * the one place the Linux port passes descriptors between processes (the
 * RPMsg memory and notifier ends, device runs).
 */
#ifndef AMP_PORT_LINUX_FDPASS_H
#define AMP_PORT_LINUX_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

#define AMP_FDPASS_MAX 8
_Static_assert(AMP_FDPASS_MAX >= 3, "memfd + a notifier's ends");

/* Send @len bytes and @nfds (<= AMP_FDPASS_MAX) descriptors: 0 or -errno
 * (-EIO on a short send). */
int amp_linux_send_fds(int sock, const void *buf, size_t len, const int *fds,
		       unsigned int nfds);

/*
 * Receive one message of at most @len bytes and at most @max descriptors
 * (close-on-exec). Returns the bytes received (0: the peer closed) or
 * -errno; *nfds says how many descriptors arrived. Descriptors beyond
 * @max, or of a truncated message, are closed and the call fails with
 * -EPROTO, so nothing leaks whatever the peer sends.
 */
ssize_t amp_linux_recv_fds(int sock, void *buf, size_t len, int *fds,
			   unsigned int max, unsigned int *nfds, int flags);

#endif
