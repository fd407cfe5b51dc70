/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The demo's coprocessor process: a separate address space that has
 * exactly its device's address space. The host attaches the frame to the
 * coprocessor's device (behind an IOMMU, read-only), exports the device's
 * runs and sends them over a UNIX socket; the process maps each run at
 * its device address and nothing else of the host's memory. It talks to
 * the host over RPMsg (vrings in another shared memfd).
 *
 * Message on endpoint "ampshm-frame": struct frame_msg with the frame's
 * device-address segments; the remote reads them in place, at those very
 * addresses (a wrong one faults, as on a core behind an IOMMU), and
 * answers with the checksum.
 */
#include "demo_remote.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ampshm/linux_devmap.h>
#include <ampshm/linux_ipc.h>
#include <ampshm/rpmsg.h>

enum { OP_SUM = 1, OP_PING = 2, OP_QUIT = 3 };

struct frame_msg {
	uint32_t op;
	uint32_t nseg;
	uint64_t result;
	struct amp_sg seg[];
};

#define BUF_SIZE 4096u
#define MAX_SEGS \
	((BUF_SIZE - 16 - sizeof(struct frame_msg)) / sizeof(struct amp_sg))

/* ---- remote process ---------------------------------------------------- */

struct remote {
	struct amp_rpmsg_endpoint ept;
	int quit;
};

static int remote_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
		     uint32_t src, void *priv)
{
	struct remote *r = priv;
	struct frame_msg m, *in = data;
	uint64_t sum = 0;

	if (len < sizeof(m))
		return 0;
	memcpy(&m, in, sizeof(m));
	if (m.op == OP_QUIT) {
		r->quit = 1;
		return 0;
	}
	if (m.op == OP_SUM) {
		/* The count is checked; the addresses are the MMU's job. */
		if (m.nseg > (len - sizeof(m)) / sizeof(struct amp_sg))
			m.nseg = 0, sum = UINT64_MAX;
		for (uint32_t i = 0; i < m.nseg; i++) {
			struct amp_sg s;
			const uint8_t *p;

			memcpy(&s, &in->seg[i], sizeof(s));
			p = (const uint8_t *)(uintptr_t)s.addr; /* its da */
			for (uint64_t k = 0; k + 8 <= s.len; k += 8) {
				uint64_t v;

				memcpy(&v, p + k, 8);
				sum += v;
			}
		}
		m.result = sum;
	}
	m.nseg = 0;
	amp_rpmsg_sendto(ept, &m, sizeof(m), src);
	return 0;
}

static void remote_main(int sock)
{
	struct amp_linux_ipc *ipc;
	struct amp_rpmsg_dev rdev;
	struct remote r = { 0 };
	struct amp_linux_ipc_cfg cfg;
	int ipc_fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (amp_linux_ipc_recv_fd(sock, &ipc_fd))
		_exit(10);
	/* The device's address space, run by run, until an empty run. */
	for (;;) {
		struct amp_dev_run run;
		bool mapped;

		if (amp_linux_recv_run(sock, &run, &mapped))
			_exit(11);
		if (!mapped)
			break;
		if (amp_linux_map_run(&run))
			_exit(12);
		close(run.fd);
	}
	amp_linux_ipc_cfg_default(&cfg);
	cfg.h2r_buf_size = cfg.r2h_buf_size = BUF_SIZE;
	if (amp_linux_ipc_remote_attach(ipc_fd, &cfg, &ipc) ||
	    amp_linux_ipc_rpmsg_start(ipc, &rdev, 10000000) ||
	    amp_rpmsg_create_ept(&r.ept, &rdev, "ampshm-frame",
				 AMP_RPMSG_ADDR_ANY, AMP_RPMSG_ADDR_ANY,
				 remote_cb, NULL, &r))
		_exit(13);
	while (!r.quit)
		if (amp_rpmsg_poll(&rdev, 10000000) < 0)
			_exit(14);
	amp_rpmsg_deinit(&rdev);
	amp_linux_ipc_destroy(ipc);
	_exit(0);
}

/* ---- host side --------------------------------------------------------- */

struct host {
	struct amp_rpmsg_endpoint ept;
	bool bound;
	int replies;
	struct frame_msg last;
};

static int host_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
		   uint32_t src, void *priv)
{
	struct host *h = priv;

	if (len >= sizeof(h->last))
		memcpy(&h->last, data, sizeof(h->last));
	h->replies++;
	return 0;
}

static void bind_cb(struct amp_rpmsg_dev *rdev, const char *name, uint32_t dest,
		    void *priv)
{
	struct host *h = priv;

	if (!strcmp(name, "ampshm-frame") &&
	    !amp_rpmsg_create_ept(&h->ept, rdev, name, AMP_RPMSG_ADDR_ANY, dest,
				  host_cb, NULL, h))
		h->bound = true;
}

static int request(struct amp_rpmsg_dev *rdev, struct host *h,
		   const struct frame_msg *m, size_t len)
{
	int want = h->replies + 1;

	if (amp_rpmsg_send(&h->ept, m, len) != (int)len)
		return -1;
	while (h->replies < want)
		if (amp_rpmsg_poll(rdev, 10000000) < 0)
			return -1;
	return 0;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec * 1e-3;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Describe [0, len) of the frame by its device addresses. */
static size_t describe(const struct amp_sg *sg, size_t nsg, uint64_t len,
		       struct frame_msg *m)
{
	uint64_t done = 0;

	m->op = OP_SUM;
	m->nseg = 0;
	for (size_t i = 0; i < nsg && done < len && m->nseg < MAX_SEGS; i++) {
		uint64_t n = sg[i].len < len - done ? sg[i].len : len - done;

		m->seg[m->nseg++] = (struct amp_sg){ sg[i].addr, n };
		done += n;
	}
	return done == len ? sizeof(*m) + m->nseg * sizeof(m->seg[0]) : 0;
}

static int send_run(void *priv, const struct amp_dev_run *run)
{
	int *sock = priv;

	return amp_linux_send_run(*sock, run, true);
}

int demo_remote_run(struct amp_shm *frame, uint64_t len, uint64_t expect)
{
	static uint64_t msgbuf[BUF_SIZE / 8];
	struct frame_msg *m = (struct frame_msg *)msgbuf;
	struct amp_linux_ipc_cfg cfg;
	struct amp_linux_ipc *ipc = NULL;
	struct amp_rpmsg_dev rdev;
	struct amp_dev_config dcfg = { .name = "remote",
				       .dma_bits = 48,
				       .iommu = true };
	struct amp_dev *dev;
	const struct amp_sg *sg;
	struct host h = { 0 };
	double rtt[2000], t0;
	size_t nsg, mlen;
	int sv[2] = { -1, -1 }, status, ret = -1;
	pid_t pid = -1;

	/* The coprocessor reaches memory through an IOMMU: only the frame,
	 * read-only, at the device addresses attach chose. */
	if (amp_dev_create(&dcfg, &dev))
		return -1;
	if (amp_shm_attach(frame, dev, AMP_DIR_TO_DEVICE, &sg, &nsg) ||
	    amp_shm_sync_for_device(frame, dev, AMP_DIR_TO_DEVICE, 0, len)) {
		amp_dev_destroy(dev);
		return -1;
	}

	amp_linux_ipc_cfg_default(&cfg);
	cfg.h2r_buf_size = cfg.r2h_buf_size = BUF_SIZE;
	if (amp_linux_ipc_host_create(&cfg, &ipc) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		goto out;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		remote_main(sv[1]);
	}
	close(sv[1]);
	if (pid < 0 || amp_linux_ipc_send_fd(sv[0], amp_linux_ipc_memfd(ipc)) ||
	    amp_dev_export(dev, send_run, &sv[0]) ||
	    amp_linux_send_run(
		    sv[0], &(struct amp_dev_run){ .da = 0x1000, .len = 0x1000 },
		    false))
		goto out;
	if (amp_linux_ipc_rpmsg_start(ipc, &rdev, 0))
		goto out;
	amp_rpmsg_set_ns_bind_cb(&rdev, bind_cb, &h);
	while (!h.bound)
		if (amp_rpmsg_poll(&rdev, 10000000) < 0)
			goto out_rpmsg;
	printf("rpmsg   remote process %d announced \"%s\" (vrings in a "
	       "memfd, %u B buffers); it maps only its device's runs\n",
	       (int)pid, h.ept.name, BUF_SIZE);

	/* Describe the input by its device addresses, wait for the answer. */
	mlen = describe(sg, nsg, len, m);
	t0 = now_us();
	if (!mlen || request(&rdev, &h, m, mlen))
		goto out_rpmsg;
	printf("remote  checksummed %" PRIu64 " MiB in place at da 0x%" PRIx64
	       " (IOMMU, read-only) in %.0f ms: %s\n",
	       len >> 20, sg[0].addr, (now_us() - t0) / 1e3,
	       h.last.result == expect ? "matches" : "MISMATCH");
	ret = h.last.result == expect ? 0 : -1;

	/* Round trips of a small message. */
	m->op = OP_PING;
	m->nseg = 0;
	for (int i = 0; i < 2000 && !ret; i++) {
		t0 = now_us();
		if (request(&rdev, &h, m, sizeof(*m)))
			ret = -1;
		rtt[i] = now_us() - t0;
	}
	if (!ret) {
		qsort(rtt, 2000, sizeof(rtt[0]), cmp_d);
		printf("rpmsg   round trip host <-> remote process: median %.1f "
		       "us, p99 %.1f us\n",
		       rtt[1000], rtt[1980]);
	}
out_rpmsg:
	m->op = OP_QUIT;
	if (h.bound)
		amp_rpmsg_send(&h.ept, m, sizeof(*m));
	amp_rpmsg_deinit(&rdev);
out:
	if (sv[0] >= 0)
		close(sv[0]);
	if (pid > 0 && (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
			WEXITSTATUS(status)))
		ret = -1;
	amp_linux_ipc_destroy(ipc);
	amp_shm_sync_for_cpu(frame, dev, AMP_DIR_TO_DEVICE, 0, len);
	amp_shm_detach(frame, dev);
	amp_dev_destroy(dev);
	return ret;
}
