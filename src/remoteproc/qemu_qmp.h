/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A minimal QMP client (QEMU's JSON control protocol) over a connected
 * socket: the greeting and capabilities handshake, then one command at a
 * time, each answered by a "return" or an "error" line (asynchronous
 * "event" lines are skipped). Every call has one deadline.
 */
#ifndef AMP_REMOTEPROC_QEMU_QMP_H
#define AMP_REMOTEPROC_QEMU_QMP_H

#include <stddef.h>

struct amp_qmp {
	int fd;
	size_t len; /* bytes of buf holding a partial line */
	char buf[2048];
};

/* Read the greeting, negotiate capabilities. 0 or -errno. */
int amp_qmp_open(struct amp_qmp *q, int fd, unsigned timeout_ms);
/*
 * Run @cmd (a command without arguments: "stop", "cont",
 * "system_reset", "quit"). 0, -EIO (QEMU answered an error),
 * -ETIMEDOUT, -EPIPE (QEMU went away).
 */
int amp_qmp_cmd(struct amp_qmp *q, const char *cmd, unsigned timeout_ms);

#endif /* AMP_REMOTEPROC_QEMU_QMP_H */
