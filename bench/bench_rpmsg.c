/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RPMsg benchmark, host and remote in two processes sharing a memfd:
 *  - round-trip latency of 16-byte messages (median, p99);
 *  - one-way streaming host -> remote of 496-byte payloads (512 B buffers),
 *    copying and zero copy;
 *  - the same with 4 KiB buffers (4080-byte payloads);
 *  - with no spinning at all (spin_us = 0): the blocking round trip, over
 *    the futex doorbells, an eventfd pair and a socket byte, next to a
 *    plain AF_UNIX byte ping-pong between two processes measured in the
 *    same run (and the ratio);
 *  - CPU used by both processes over one idle second with the link up.
 * Prints one JSON document on stdout.
 *
 * Usage: bench_rpmsg [--quick] [--summary] [--plot-data DIR] [SCALE]
 * (SCALE 1 = default run, < 20 s; --quick = SCALE 0.02 and a 0.2 s idle
 * window; plot data: rpmsg_rtt.dat, rpmsg_stream.dat, see bench_opt.h).
 */
#include <ampshm/linux_ipc.h>
#include <ampshm/rpmsg.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_opt.h"

#define HOST_ADDR 1024u
#define REMOTE_ADDR 1025u

/* Spin budget and notifier of both sides (set before fork). */
static uint32_t g_spin_us = 50;
static enum amp_linux_notify_kind g_notify = AMP_LINUX_NOTIFY_FUTEX;

enum { MSG_DATA = 0, MSG_ECHO = 1, MSG_DONE = 2, MSG_QUIT = 3, MSG_CPU = 4 };

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

/* CPU time (user + system) of this process, in microseconds. */
static uint64_t cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000u +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
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
	case MSG_CPU:
		reply[0] = cpu_us();
		reply[1] = 0;
		amp_rpmsg_send(ept, reply, sizeof(reply));
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

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	memset(&rs, 0, sizeof(rs));
	amp_linux_ipc_cfg_default(&cfg);
	cfg.spin_us = g_spin_us;
	if (amp_linux_ipc_remote_recv(sock, &cfg, &ipc) ||
	    amp_linux_ipc_rpmsg_start(ipc, &rdev, 5000000) ||
	    amp_rpmsg_create_ept(&rs.ept, &rdev, NULL, REMOTE_ADDR, HOST_ADDR,
				 remote_cb, NULL, &rs))
		_exit(2);
	if (write(sock, "R", 1) != 1)
		_exit(2);
	while (!rs.quit) {
		int n = amp_rpmsg_poll(&rdev, UINT32_MAX);

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
	cfg.notify = g_notify;
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
	    amp_linux_ipc_send(l->ipc, l->sock) || read(l->sock, &c, 1) != 1)
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

struct lat {
	double med, p99, mean;
};

static void lat_stats(uint64_t *lat, int iters, struct lat *r)
{
	double total = 0;
	int i;

	qsort(lat, (size_t)iters, sizeof(*lat), cmp_u64);
	for (i = 0; i < iters; i++)
		total += (double)lat[i];
	r->med = lat[iters / 2] / 1000.0;
	r->p99 = lat[(size_t)iters * 99 / 100] / 1000.0;
	r->mean = total / iters / 1000.0;
}

/* Ask the remote for its CPU time so far. */
static int remote_cpu(struct link *l, uint64_t *us)
{
	uint8_t q = MSG_CPU;

	if (amp_rpmsg_send(&l->hs.ept, &q, 1) < 0 ||
	    wait_replies(l, l->hs.replies + 1))
		return -1;
	*us = l->hs.reply[0];
	return 0;
}

/* Round trips; also the CPU time both processes used per round trip. */
static int bench_rtt(struct link *l, int iters, struct lat *r, double *host_cpu,
		     double *remote_cpu_per)
{
	uint64_t *lat = calloc((size_t)iters, sizeof(*lat));
	uint8_t msg[16] = { MSG_ECHO };
	uint64_t h0 = 0, r0 = 0, r1;
	int i;

	if (!lat)
		return -1;
	for (i = -1000; i < iters; i++) {
		uint64_t t0;

		if (i == 0 && remote_cpu(l, &r0))
			goto fail;
		if (i == 0)
			h0 = cpu_us();
		t0 = now_ns();
		if (amp_rpmsg_send(&l->hs.ept, msg, sizeof(msg)) < 0 ||
		    wait_replies(l, l->hs.replies + 1))
			goto fail;
		if (i >= 0)
			lat[i] = now_ns() - t0;
	}
	*host_cpu = (double)(cpu_us() - h0) / iters;
	if (remote_cpu(l, &r1))
		goto fail;
	*remote_cpu_per = (double)(r1 - r0) / iters;
	lat_stats(lat, iters, r);
	free(lat);
	return 0;
fail:
	free(lat);
	return -1;
}

/* The yardstick: one byte back and forth over AF_UNIX, two processes. */
static int bench_af_unix(int iters, struct lat *r, double *host_cpu,
			 double *peer_cpu)
{
	uint64_t *lat = calloc((size_t)iters, sizeof(*lat));
	uint64_t h0 = 0, p0 = 0, p1 = 0;
	int sv[2], i, st;
	char c = 'x';
	pid_t pid;

	if (!lat || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		goto fail;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		goto fail;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		uint64_t t;

		close(sv[0]);
		/* 'c': report CPU time so far; anything else: echo it. */
		while (read(sv[1], &c, 1) == 1) {
			if (c == 'c') {
				t = cpu_us();
				if (write(sv[1], &t, sizeof(t)) != sizeof(t))
					break;
			} else if (write(sv[1], &c, 1) != 1) {
				break;
			}
		}
		_exit(0);
	}
	close(sv[1]);
	for (i = -1000; i < iters; i++) {
		uint64_t t0;

		if (i == 0) {
			c = 'c';
			if (write(sv[0], &c, 1) != 1 ||
			    read(sv[0], &p0, sizeof(p0)) != sizeof(p0))
				goto fail;
			c = 'x';
			h0 = cpu_us();
		}
		t0 = now_ns();
		if (write(sv[0], &c, 1) != 1 || read(sv[0], &c, 1) != 1)
			goto fail;
		if (i >= 0)
			lat[i] = now_ns() - t0;
	}
	*host_cpu = (double)(cpu_us() - h0) / iters;
	c = 'c';
	if (write(sv[0], &c, 1) != 1 ||
	    read(sv[0], &p1, sizeof(p1)) != sizeof(p1))
		goto fail;
	*peer_cpu = (double)(p1 - p0) / iters;
	close(sv[0]);
	waitpid(pid, &st, 0);
	lat_stats(lat, iters, r);
	free(lat);
	return 0;
fail:
	free(lat);
	return -1;
}

/* CPU used by both sides over @secs idle seconds with the link up. */
static int idle_cpu(struct link *l, double secs, double *host_pct,
		    double *remote_pct)
{
	uint64_t r0, r1, h0, h1, t0, t1, end;

	if (remote_cpu(l, &r0))
		return -1;
	h0 = cpu_us();
	t0 = now_ns();
	end = t0 + (uint64_t)(secs * 1e9);
	/* Blocked in poll, as an idle application would be. */
	for (uint64_t t = t0; t < end; t = now_ns()) {
		int n = amp_rpmsg_poll(&l->rdev, (uint32_t)((end - t) / 1000));

		if (n < 0 && n != -ETIMEDOUT)
			return -1;
	}
	h1 = cpu_us();
	t1 = now_ns();
	if (remote_cpu(l, &r1))
		return -1;
	*host_pct = 100.0 * (double)(h1 - h0) * 1000.0 / (double)(t1 - t0);
	*remote_pct = 100.0 * (double)(r1 - r0) * 1000.0 / (double)(t1 - t0);
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
	       "\"elapsed_s\": %.3f, \"mbps\": %.1f, \"msgs_per_s\": %.0f}%s\n",
	       name, r->payload, (unsigned long long)r->msgs, r->secs, r->mbps,
	       r->mps, sep);
}

static void print_lat(const char *name, int iters, const struct lat *r,
		      const char *sep)
{
	printf("  \"%s\": {\"iterations\": %d, \"median_us\": %.2f, "
	       "\"p99_us\": %.2f, \"mean_us\": %.2f}%s\n",
	       name, iters, r->med, r->p99, r->mean, sep);
}

static const char *const notify_name[] = { "futex", "eventfd", "socket" };

int main(int argc, char **argv)
{
	double scale, idle_s = 1.0;
	struct stream_res s512, s512z, s4k, s512ns;
	struct amp_linux_ipc_stats ds, dsn;
	struct lat spin, ns[3], ux;
	double hcpu, rcpu, ns_hcpu[3], ns_rcpu[3], idle_h, idle_r, ux_h, ux_p;
	struct link l;
	int iters, niters, k;

	bench_parse(argc, argv, true);
	scale = bopt.arg ? atof(bopt.arg) : 1.0;
	if (scale <= 0)
		scale = 1.0;
	if (bopt.quick) {
		scale = 0.02;
		idle_s = 0.2;
	}
	iters = (int)(200000 * scale);
	niters = (int)(20000 * scale);
	if (getenv("AMP_BENCH_NOSPIN_ONLY")) {
		/* Profiling aid: only the blocking round trip, no JSON. */
		g_spin_us = 0;
		if (link_open(&l, 512) ||
		    bench_rtt(&l, niters, &ns[0], &ns_hcpu[0], &ns_rcpu[0]))
			return 1;
		link_close(&l);
		fprintf(stderr, "nospin median %.2f us, cpu %.2f/%.2f us\n",
			ns[0].med, ns_hcpu[0], ns_rcpu[0]);
		return 0;
	}
	if (link_open(&l, 512) || bench_rtt(&l, iters, &spin, &hcpu, &rcpu) ||
	    bench_stream(&l, (uint64_t)(5000000 * scale), false, &s512) ||
	    bench_stream(&l, (uint64_t)(5000000 * scale), true, &s512z) ||
	    idle_cpu(&l, idle_s, &idle_h, &idle_r)) {
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
	/* No spinning at all: every wait blocks in the kernel. */
	g_spin_us = 0;
	if (link_open(&l, 512) ||
	    bench_rtt(&l, niters, &ns[0], &ns_hcpu[0], &ns_rcpu[0]) ||
	    bench_stream(&l, (uint64_t)(1000000 * scale), false, &s512ns)) {
		fprintf(stderr, "bench_rpmsg: no-spin run failed\n");
		return 1;
	}
	amp_linux_ipc_get_stats(l.ipc, &dsn);
	link_close(&l);
	if (bench_af_unix(niters, &ux, &ux_h, &ux_p)) {
		fprintf(stderr, "bench_rpmsg: AF_UNIX ping-pong failed\n");
		return 1;
	}
	for (k = 1; k < 3; k++) {
		g_notify = (enum amp_linux_notify_kind)k;
		if (link_open(&l, 512) ||
		    bench_rtt(&l, niters, &ns[k], &ns_hcpu[k], &ns_rcpu[k])) {
			fprintf(stderr, "bench_rpmsg: %s run failed\n",
				notify_name[k]);
			return 1;
		}
		link_close(&l);
	}

	printf("{\n  \"bench\": \"rpmsg\",\n  \"quick\": %s,\n"
	       "  \"transport\": \"two processes, sealed memfd, futex doorbell "
	       "with adaptive spin\",\n"
	       "  \"ring_size\": 256,\n",
	       bopt.quick ? "true" : "false");
	print_lat("rtt_16B", iters, &spin, ",");
	print_lat("rtt_16B_nospin", niters, &ns[0], ",");
	print_lat("af_unix_pingpong", niters, &ux, ",");
	printf("  \"nospin_vs_af_unix\": {\"median_ratio\": %.2f, "
	       "\"mean_ratio\": %.2f},\n",
	       ns[0].med / ux.med, ns[0].mean / ux.mean);
	for (k = 1; k < 3; k++) {
		char name[40];

		snprintf(name, sizeof(name), "rtt_16B_nospin_%s",
			 notify_name[k]);
		print_lat(name, niters, &ns[k], ",");
	}
	printf("  \"cpu_per_rtt_us\": {\"spin\": [%.2f, %.2f]", hcpu, rcpu);
	for (k = 0; k < 3; k++)
		printf(", \"nospin_%s\": [%.2f, %.2f]", notify_name[k],
		       ns_hcpu[k], ns_rcpu[k]);
	printf(", \"af_unix\": [%.2f, %.2f], \"order\": \"[host, remote]\"},\n",
	       ux_h, ux_p);
	printf("  \"idle_cpu_pct\": {\"window_s\": %.1f, \"host\": %.2f, "
	       "\"remote\": %.2f},\n",
	       idle_s, idle_h, idle_r);
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

	/* The human summary and the plot tables. */
	{
		const struct lat *rtt[] = { &spin, &ns[0], &ns[1], &ns[2],
					    &ux };
		const char *const rtt_name[] = { "spinning", "blocking (futex)",
						 "blocking (eventfd)",
						 "blocking (socket)",
						 "AF_UNIX ping-pong" };
		const struct stream_res *st[] = { &s512, &s512z, &s4k,
						  &s512ns };
		const char *const st_name[] = { "512 B buffers, copy",
						"512 B buffers, zero copy",
						"4 KiB buffers, copy",
						"512 B buffers, blocking" };
		FILE *f;

		bench_sum("  round trip, 16 B\n    %-22s %11s %11s\n", "mode",
			  "median", "p99");
		for (k = 0; k < 5; k++)
			bench_sum("    %-22s %8.2f us %8.2f us\n", rtt_name[k],
				  rtt[k]->med, rtt[k]->p99);
		bench_sum("    blocking (futex) / AF_UNIX: %.2f\n",
			  ns[0].med / ux.med);
		bench_sum("  streaming, host to remote\n    %-34s %8s %11s\n",
			  "buffers (payload)", "MB/s", "msgs/s");
		for (k = 0; k < 4; k++) {
			char name[48];

			snprintf(name, sizeof(name), "%s (%zu B)", st_name[k],
				 st[k]->payload);
			bench_sum("    %-34s %8.0f %11.0f\n", name, st[k]->mbps,
				  st[k]->mps);
		}
		bench_sum("  idle CPU with the link up: host %.2f %%, remote "
			  "%.2f %%\n",
			  idle_h, idle_r);
		f = bench_dat("rpmsg_rtt", "mode median_us p99_us");
		for (k = 0; f && k < 5; k++)
			fprintf(f, "\"%s\" %.3f %.3f\n", rtt_name[k],
				rtt[k]->med, rtt[k]->p99);
		bench_dat_close(f);
		f = bench_dat("rpmsg_stream", "stream mbps");
		for (k = 0; f && k < 4; k++)
			fprintf(f, "\"%s\" %.1f\n", st_name[k], st[k]->mbps);
		bench_dat_close(f);
	}
	return 0;
}
