/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The demo's coprocessor process: a separate address space that reaches
 * the frame only through the system memory file it was given, and talks
 * to the host over RPMsg (vrings in another shared memfd).
 *
 * Message on endpoint "ampshm-frame": struct frame_msg with the frame's
 * device-address segments; the remote answers with the checksum. The
 * remote validates every segment against the memory it was given.
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
	const uint8_t *mem; /* the system memory it was given */
	amp_pa_t mem_pa;
	uint64_t mem_size;
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
		/* Untrusted: the segment count and every segment. */
		if (m.nseg > (len - sizeof(m)) / sizeof(struct amp_sg))
			m.nseg = 0, sum = UINT64_MAX;
		for (uint32_t i = 0; i < m.nseg; i++) {
			struct amp_sg s;
			const uint8_t *p;

			memcpy(&s, &in->seg[i], sizeof(s));
			if (s.addr < r->mem_pa ||
			    s.addr - r->mem_pa > r->mem_size ||
			    s.len > r->mem_size - (s.addr - r->mem_pa) ||
			    (s.len & 7)) {
				sum = UINT64_MAX; /* not given to us: refuse */
				break;
			}
			p = r->mem + (s.addr - r->mem_pa);
			for (uint64_t k = 0; k < s.len; k += 8) {
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
	struct stat st;
	int ipc_fd, mem_fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (amp_linux_ipc_recv_fd(sock, &ipc_fd) ||
	    amp_linux_ipc_recv_fd(sock, &mem_fd) ||
	    read(sock, &r.mem_pa, sizeof(r.mem_pa)) != sizeof(r.mem_pa) ||
	    fstat(mem_fd, &st))
		_exit(10);
	r.mem_size = (uint64_t)st.st_size;
	r.mem = mmap(NULL, r.mem_size, PROT_READ, MAP_SHARED, mem_fd, 0);
	if (r.mem == MAP_FAILED)
		_exit(11);
	amp_linux_ipc_cfg_default(&cfg);
	cfg.h2r_buf_size = cfg.r2h_buf_size = BUF_SIZE;
	if (amp_linux_ipc_remote_attach(ipc_fd, &cfg, &ipc) ||
	    amp_linux_ipc_rpmsg_start(ipc, &rdev, 10000000) ||
	    amp_rpmsg_create_ept(&r.ept, &rdev, "ampshm-frame",
				 AMP_RPMSG_ADDR_ANY, AMP_RPMSG_ADDR_ANY,
				 remote_cb, NULL, &r))
		_exit(12);
	while (!r.quit)
		if (amp_rpmsg_poll(&rdev, 10000000) < 0)
			_exit(13);
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

int demo_remote_run(struct amp_shm *frame, uint64_t len, uint64_t expect)
{
	static uint64_t msgbuf[BUF_SIZE / 8];
	struct frame_msg *m = (struct frame_msg *)msgbuf;
	struct amp_phys_info ddr;
	struct amp_linux_ipc_cfg cfg;
	struct amp_linux_ipc *ipc;
	struct amp_rpmsg_dev rdev;
	struct amp_window win;
	struct amp_dev_config dcfg = { .name = "remote",
				       .windows = &win,
				       .nwindows = 1 };
	struct amp_dev *dev;
	const struct amp_cpu_seg *segs;
	const struct amp_sg *sg;
	struct host h = { 0 };
	double rtt[2000], t0;
	size_t nsegs, nsg, mlen;
	int sv[2], status, ret = -1;
	pid_t pid;

	/* The remote is a device whose window is all of system memory. */
	amp_shm_cpu_sg(frame, &segs, &nsegs);
	if (amp_phys_find(segs[0].pa, &ddr))
		return -1;
	win = (struct amp_window){ ddr.pa, ddr.pa, ddr.size };
	if (amp_dev_create(&dcfg, &dev))
		return -1;

	amp_linux_ipc_cfg_default(&cfg);
	cfg.h2r_buf_size = cfg.r2h_buf_size = BUF_SIZE;
	if (amp_linux_ipc_host_create(&cfg, &ipc) ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		remote_main(sv[1]);
	}
	close(sv[1]);
	if (pid < 0 || amp_linux_ipc_send_fd(sv[0], amp_linux_ipc_memfd(ipc)) ||
	    amp_linux_ipc_send_fd(sv[0], ddr.fd) ||
	    write(sv[0], &ddr.pa, sizeof(ddr.pa)) != sizeof(ddr.pa))
		goto out;
	if (amp_linux_ipc_rpmsg_start(ipc, &rdev, 0))
		goto out;
	amp_rpmsg_set_ns_bind_cb(&rdev, bind_cb, &h);
	while (!h.bound)
		if (amp_rpmsg_poll(&rdev, 10000000) < 0)
			goto out_rpmsg;
	printf("rpmsg   remote process %d announced \"%s\" (vrings in a "
	       "memfd, %u B buffers)\n",
	       (int)pid, h.ept.name, BUF_SIZE);

	/* Hand the input to the remote, describe it, wait for the answer. */
	if (amp_shm_attach(frame, dev, AMP_DIR_TO_DEVICE, &sg, &nsg) ||
	    amp_shm_sync_for_device(frame, dev, AMP_DIR_TO_DEVICE, 0, len))
		goto out_rpmsg;
	mlen = describe(sg, nsg, len, m);
	t0 = now_us();
	if (!mlen || request(&rdev, &h, m, mlen))
		goto out_detach;
	printf("remote  checksummed %" PRIu64 " MiB in place from %" PRIu32
	       " device segments in %.0f ms: %s\n",
	       len >> 20, m->nseg, (now_us() - t0) / 1e3,
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
out_detach:
	amp_shm_sync_for_cpu(frame, dev, AMP_DIR_TO_DEVICE, 0, len);
	amp_shm_detach(frame, dev);
out_rpmsg:
	m->op = OP_QUIT;
	if (h.bound)
		amp_rpmsg_send(&h.ept, m, sizeof(*m));
	amp_rpmsg_deinit(&rdev);
out:
	close(sv[0]);
	if (pid > 0 && (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
			WEXITSTATUS(status)))
		ret = -1;
	amp_linux_ipc_destroy(ipc);
	amp_dev_destroy(dev);
	return ret;
}
