// SPDX-License-Identifier: BSD-3-Clause
/* Spawning the simulated core's launcher: see sim_spawn.h. */
#include "remoteproc/sim_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ampshm/linux_devmap.h>

#include "core/error.h"
#include "remoteproc/backend.h"

int amp_simcore_exec_ranges(const struct amp_rproc_image *img,
			    struct amp_simcore_start *st)
{
	const struct amp_rproc_image_info *info = amp_rproc_image_info(img);

	st->nexec = 0;
	for (size_t i = 0; i < info->nsegments; i++) {
		const struct amp_rproc_segment *s =
			amp_rproc_image_segment(img, i);
		uint64_t a, e;

		if (s->type != AMP_RPROC_PT_LOAD ||
		    !(s->flags & AMP_RPROC_PF_X) || !s->memsz)
			continue;
		if (st->nexec == AMP_SIMCORE_MAX_EXEC)
			return amp_err(-ENOSPC,
				       "simcore: more than %u code "
				       "segments",
				       AMP_SIMCORE_MAX_EXEC);
		a = s->paddr & ~4095ull;
		e = (s->paddr + s->memsz + 4095) & ~4095ull;
		st->exec[st->nexec].da = a;
		st->exec[st->nexec].len = e - a;
		st->nexec++;
	}
	return 0;
}

struct export_ctx {
	int sock;
	uint32_t n;
};

static int count_run(void *priv, const struct amp_dev_run *run)
{
	(void)run;
	((struct export_ctx *)priv)->n++;
	return 0;
}

static int send_run(void *priv, const struct amp_dev_run *run)
{
	return amp_linux_send_run(((struct export_ctx *)priv)->sock, run, true);
}

static int send_start(int sock, const struct amp_simcore_start *st, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = (void *)st, .iov_len = sizeof(*st) };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;

	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) != (ssize_t)sizeof(*st))
		return amp_err(-errno, "simcore: sending the start message");
	return 0;
}

int amp_simcore_spawn(const char *launcher, struct amp_dev *dev,
		      struct amp_simcore_start *st, int pagefd, pid_t *pid,
		      int *sock)
{
	struct export_ctx ex = { .sock = -1 };
	char host[24];
	int sv[2], ret;
	pid_t p;

	amp_dev_export(dev, count_run, &ex);
	st->nruns = ex.n;
	st->magic = AMP_SIMCORE_MAGIC;
	snprintf(host, sizeof(host), "%ld", (long)getpid());
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return amp_err(-errno, "simcore: socketpair");
	p = fork();
	if (p < 0) {
		ret = -errno;
		close(sv[0]);
		close(sv[1]);
		return amp_err(ret, "simcore: fork");
	}
	if (p == 0) {
		/*
		 * The core gets its socket as fd 3 and no other descriptor
		 * of the host (stdio aside).
		 */
		if (dup2(sv[1], 3) != 3 || fcntl(3, F_SETFD, 0))
			_exit(127);
		close_range(4, ~0u, 0);
		execl(launcher, "ampshm-core", "3", host, (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	ret = send_start(sv[0], st, pagefd);
	if (!ret) {
		ex.sock = sv[0];
		ret = amp_dev_export(dev, send_run, &ex);
		if (ret)
			amp_err(ret, "simcore: sending the device's runs");
	}
	if (ret || !sock)
		close(sv[0]);
	else
		*sock = sv[0];
	if (ret) {
		amp_rproc_kill_reap(p);
		return ret;
	}
	*pid = p;
	return 0;
}

void amp_simcore_describe(const struct amp_simcore_page *p, int status,
			  char *buf, size_t len)
{
	uint32_t state = p ? __atomic_load_n(&p->state, __ATOMIC_ACQUIRE) : 0;

	if (p && state == AMP_SIMCORE_FAULTED)
		snprintf(buf, len,
			 "device fault at da 0x%llx, pc 0x%llx (signal %u)",
			 (unsigned long long)p->fault_addr,
			 (unsigned long long)p->fault_pc, p->fault_sig);
	else if (p && state == AMP_SIMCORE_EXITED)
		snprintf(buf, len, "firmware exited with code %d",
			 p->exit_code);
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "core killed by signal %d",
			 WTERMSIG(status));
	else
		snprintf(buf, len, "core exited with status %d",
			 WEXITSTATUS(status));
}
