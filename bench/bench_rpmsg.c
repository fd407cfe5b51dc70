/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RPMsg benchmark, host and remote in two processes sharing a memfd:
 *  - round-trip latency of 16-byte messages (median, p99);
 *  - one-way streaming host -> remote of 496-byte payloads (512 B buffers),
 *    copying and zero copy;
 *  - the same with 4 KiB buffers (4080-byte payloads).
 * Prints one JSON document on stdout.
 *
 * Usage: bench_rpmsg [scale]   (scale 1 = default run, < 20 s)
 */
#include <ampshm/linux_ipc.h>
#include <ampshm/rpmsg.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HOST_ADDR 1024u
#define REMOTE_ADDR 1025u

/* Spin budget of both sides (set before fork). */
static uint32_t g_spin_us = 50;

enum { MSG_DATA = 0, MSG_ECHO = 1, MSG_DONE = 2, MSG_QUIT = 3 };

struct remote_state {
	struct amp_rpmsg_endpoint ept;
	uint64_t count, sum;
	int quit;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int remote_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
		     uint32_t src, void *priv)
{
	struct remote_state *rs = priv;
	const uint8_t *p = data;
	uint64_t reply[2];

	(void)src;
	if (!len)
		return 0;
	switch (p[0]) {
	case MSG_DATA:
		/* Read the payload, as a real consumer would. */
		for (size_t i = 0; i + 8 <= len; i += 8) {
			uint64_t w;

			memcpy(&w, p + i, 8);
			rs->sum += w;
		}
		rs->count++;
		break;
	case MSG_ECHO:
		amp_rpmsg_send(ept, data, len);
		break;
	case MSG_DONE:
		reply[0] = rs->count;
		reply[1] = rs->sum;
		amp_rpmsg_send(ept, reply, sizeof(reply));
		rs->count = 0;
		rs->sum = 0;
		break;
	default:
		rs->quit = 1;
	}
	return 0;
}

static void remote_main(int sock)
{
	struct amp_linux_ipc *ipc;
	struct amp_rpmsg_dev rdev;
	struct amp_linux_ipc_cfg cfg;
	struct remote_state rs;
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	memset(&rs, 0, sizeof(rs));
	amp_linux_ipc_cfg_default(&cfg);
	cfg.spin_us = g_spin_us;
	if (amp_linux_ipc_recv_fd(sock, &fd) ||
	    amp_linux_ipc_remote_attach(fd, &cfg, &ipc) ||
	    amp_linux_ipc_rpmsg_start(ipc, &rdev, 5000000) ||
	    amp_rpmsg_create_ept(&rs.ept, &rdev, NULL, REMOTE_ADDR, HOST_ADDR,
				 remote_cb, NULL, &rs))
		_exit(2);
	if (write(sock, "R", 1) != 1)
		_exit(2);
	while (!rs.quit) {
		int n = amp_rpmsg_poll(&rdev, 1000000);

		if (n < 0 && n != -ETIMEDOUT)
			_exit(3);
	}
	amp_linux_ipc_destroy(ipc);
	_exit(0);
}

struct host_state {
	struct amp_rpmsg_endpoint ept;
	int replies;
	uint64_t reply[2];
};

static int host_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
		   uint32_t src, void *priv)
{
	struct host_state *hs = priv;

	(void)ept;
	(void)src;
	if (len == sizeof(hs->reply))
		memcpy(hs->reply, data, len);
	hs->replies++;
	return 0;
}

struct link {
	struct amp_linux_ipc *ipc;
	struct amp_rpmsg_dev rdev;
	struct host_state hs;
	pid_t pid;
	int sock;
};

static int link_open(struct link *l, uint32_t bufsize)
{
	struct amp_linux_ipc_cfg cfg;
	int sv[2];
	char c;

	memset(l, 0, sizeof(*l));
	amp_linux_ipc_cfg_default(&cfg);
	cfg.h2r_buf_size = bufsize;
	cfg.r2h_buf_size = bufsize;
	cfg.spin_us = g_spin_us;
	if (amp_linux_ipc_host_create(&cfg, &l->ipc))
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	fflush(NULL);
	l->pid = fork();
	if (l->pid < 0)
		return -1;
	if (l->pid == 0) {
		close(sv[0]);
		remote_main(sv[1]);
	}
	close(sv[1]);
	l->sock = sv[0];
	if (amp_linux_ipc_rpmsg_start(l->ipc, &l->rdev, 0) ||
	    amp_rpmsg_create_ept(&l->hs.ept, &l->rdev, NULL, HOST_ADDR,
				 REMOTE_ADDR, host_cb, NULL, &l->hs) ||
	    amp_linux_ipc_send_fd(l->sock, amp_linux_ipc_memfd(l->ipc)) ||
	    read(l->sock, &c, 1) != 1)
		return -1;
	return 0;
}

static void link_close(struct link *l)
{
	uint8_t q = MSG_QUIT;
	int st;

	amp_rpmsg_send(&l->hs.ept, &q, 1);
	waitpid(l->pid, &st, 0);
	close(l->sock);
	amp_rpmsg_deinit(&l->rdev);
	amp_linux_ipc_destroy(l->ipc);
}

static int wait_replies(struct link *l, int want)
{
	while (l->hs.replies < want) {
		int n = amp_rpmsg_poll(&l->rdev, 5000000);

		if (n < 0)
			return n;
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int bench_rtt(struct link *l, int iters, double *med, double *p99,
		     double *mean)
{
	uint64_t *lat = calloc((size_t)iters, sizeof(*lat));
	uint8_t msg[16] = { MSG_ECHO };
	double total = 0;
	int i;

	if (!lat)
		return -1;
	for (i = -1000; i < iters; i++) {
		uint64_t t0 = now_ns();

		if (amp_rpmsg_send(&l->hs.ept, msg, sizeof(msg)) < 0 ||
		    wait_replies(l, l->hs.replies + 1)) {
			free(lat);
			return -1;
		}
		if (i >= 0)
			lat[i] = now_ns() - t0;
	}
	qsort(lat, (size_t)iters, sizeof(*lat), cmp_u64);
	for (i = 0; i < iters; i++)
		total += (double)lat[i];
	*med = lat[iters / 2] / 1000.0;
	*p99 = lat[(size_t)iters * 99 / 100] / 1000.0;
	*mean = total / iters / 1000.0;
	free(lat);
	return 0;
}

struct stream_res {
	double secs, mbps, mps;
	uint64_t msgs;
	size_t payload;
};

static int bench_stream(struct link *l, uint64_t n, bool nocopy,
			struct stream_res *r)
{
	uint32_t cap = amp_rpmsg_max_payload(&l->rdev);
	uint8_t *msg = calloc(1, cap);
	uint8_t done = MSG_DONE;
	uint64_t t0, i;
	int want;

	if (!msg)
		return -1;
	for (i = 1; i < cap; i++)
		msg[i] = (uint8_t)i;
	msg[0] = MSG_DATA;
	want = l->hs.replies + 1;
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		if (nocopy) {
			uint32_t sz;
			uint8_t *b = amp_rpmsg_get_tx_payload_buffer(&l->hs.ept,
								     &sz, true);

			if (!b)
				goto fail;
			/* Produce the data in place (same bytes as copying). */
			memcpy(b, msg, cap);
			if (amp_rpmsg_send_nocopy(&l->hs.ept, b, cap) < 0)
				goto fail;
		} else if (amp_rpmsg_send(&l->hs.ept, msg, cap) < 0) {
			goto fail;
		}
	}
	if (amp_rpmsg_send(&l->hs.ept, &done, 1) < 0 || wait_replies(l, want))
		goto fail;
	r->secs = (now_ns() - t0) / 1e9;
	if (l->hs.reply[0] != n) {
		fprintf(stderr, "bench: remote counted %llu of %llu\n",
			(unsigned long long)l->hs.reply[0],
			(unsigned long long)n);
		goto fail;
	}
	r->msgs = n;
	r->payload = cap;
	r->mps = n / r->secs;
	r->mbps = n * (double)cap / r->secs / 1e6;
	free(msg);
	return 0;
fail:
	free(msg);
	return -1;
}

static void print_stream(const char *name, const struct stream_res *r,
			 const char *sep)
{
	printf("    \"%s\": {\"payload_bytes\": %zu, \"messages\": %llu, "
	       "\"seconds\": %.3f, \"MBps\": %.1f, \"msgs_per_s\": %.0f}%s\n",
	       name, r->payload, (unsigned long long)r->msgs, r->secs, r->mbps,
	       r->mps, sep);
}

int main(int argc, char **argv)
{
	double scale = argc > 1 ? atof(argv[1]) : 1.0;
	struct stream_res s512, s512z, s4k, s512ns;
	struct amp_linux_ipc_stats ds, dsn;
	double med, p99, mean, nmed, np99, nmean;
	struct link l;
	int iters, niters;

	if (scale <= 0)
		scale = 1.0;
	iters = (int)(200000 * scale);
	niters = (int)(20000 * scale);
	if (link_open(&l, 512) || bench_rtt(&l, iters, &med, &p99, &mean) ||
	    bench_stream(&l, (uint64_t)(5000000 * scale), false, &s512) ||
	    bench_stream(&l, (uint64_t)(5000000 * scale), true, &s512z)) {
		fprintf(stderr, "bench_rpmsg: 512 B run failed\n");
		return 1;
	}
	amp_linux_ipc_get_stats(l.ipc, &ds);
	link_close(&l);
	if (link_open(&l, 4096) ||
	    bench_stream(&l, (uint64_t)(1000000 * scale), false, &s4k)) {
		fprintf(stderr, "bench_rpmsg: 4 KiB run failed\n");
		return 1;
	}
	link_close(&l);
	/* No spinning at all: every wait blocks in the futex. */
	g_spin_us = 0;
	if (link_open(&l, 512) || bench_rtt(&l, niters, &nmed, &np99, &nmean) ||
	    bench_stream(&l, (uint64_t)(1000000 * scale), false, &s512ns)) {
		fprintf(stderr, "bench_rpmsg: no-spin run failed\n");
		return 1;
	}
	amp_linux_ipc_get_stats(l.ipc, &dsn);
	link_close(&l);

	printf("{\n  \"bench\": \"rpmsg\",\n"
	       "  \"transport\": \"two processes, sealed memfd, futex doorbell "
	       "with adaptive spin\",\n"
	       "  \"ring_size\": 256,\n");
	printf("  \"rtt_16B\": {\"iterations\": %d, \"median_us\": %.2f, "
	       "\"p99_us\": %.2f, \"mean_us\": %.2f},\n",
	       iters, med, p99, mean);
	printf("  \"rtt_16B_nospin\": {\"iterations\": %d, \"median_us\": "
	       "%.2f, \"p99_us\": %.2f, \"mean_us\": %.2f},\n",
	       niters, nmed, np99, nmean);
	printf("  \"stream\": {\n");
	print_stream("buf512_copy", &s512, ",");
	print_stream("buf512_zero_copy", &s512z, ",");
	print_stream("buf4096_copy", &s4k, ",");
	print_stream("buf512_copy_nospin", &s512ns, "");
	printf("  },\n");
	printf("  \"host_doorbell_nospin\": {\"notifies\": %llu, "
	       "\"futex_wakes\": %llu, \"sleep_wakeups\": %llu},\n",
	       (unsigned long long)dsn.notifies,
	       (unsigned long long)dsn.futex_wakes,
	       (unsigned long long)dsn.sleep_wakeups);
	printf("  \"host_doorbell_512\": {\"notifies\": %llu, \"futex_wakes\": "
	       "%llu, \"spin_wakeups\": %llu, \"sleep_wakeups\": %llu}\n}\n",
	       (unsigned long long)ds.notifies,
	       (unsigned long long)ds.futex_wakes,
	       (unsigned long long)ds.spin_wakeups,
	       (unsigned long long)ds.sleep_wakeups);
	return 0;
}
