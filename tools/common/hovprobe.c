/* SPDX-License-Identifier: BSD-3-Clause */
#include "hovprobe.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "bufproc.h"

#define WAIT_MS 30000u

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double hov_median(double *t, int n)
{
	qsort(t, (size_t)n, sizeof(*t), cmp);
	return t[n / 2];
}

static int rx(struct amp_rpmsg_endpoint *e, void *data, size_t len,
	      uint32_t src, void *priv)
{
	struct hov_probe *p = priv;

	(void)e;
	(void)src;
	if (len >= 8)
		memcpy(&p->reply, data, 8);
	__atomic_add_fetch(&p->replies, 1, __ATOMIC_RELEASE);
	return 0;
}

/* The firmware's other announcements: bind "echo" and "stream". */
static void ns_other(struct amp_rpmsg_dev *rdev, const char *name,
		     uint32_t dest, void *priv)
{
	struct hov_probe *p = priv;
	unsigned gen = amp_rproc_link_gen(p->rp);
	bool echo = !strcmp(name, "echo");
	struct amp_rpmsg_endpoint *e = echo ? &p->echo : &p->stream;
	unsigned *g = echo ? &p->echo_gen : &p->stream_gen;

	if ((!echo && strcmp(name, "stream")) || *g == gen)
		return;
	memset(e, 0, sizeof(*e));
	if (!amp_rpmsg_create_ept(e, rdev, name, AMP_RPMSG_ADDR_ANY, dest, rx,
				  NULL, p))
		__atomic_store_n(g, gen, __ATOMIC_RELEASE);
}

static void sleep_us(unsigned us)
{
	struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

int hov_wait_recovered(struct amp_rproc *rp, struct amp_hov_session *hs,
		       unsigned crashes, unsigned timeout_ms)
{
	double end = now() + timeout_ms / 1e3;
	struct amp_rproc_crash cr;

	for (;;) {
		amp_rproc_last_crash(rp, &cr);
		if (cr.count >= crashes &&
		    amp_rproc_state(rp) == AMP_RPROC_RUNNING)
			break;
		if (now() > end)
			return -ETIMEDOUT;
		sleep_us(100); /* recovery takes milliseconds: no spinning */
	}
	/* what is left of the same deadline, at least 1 ms */
	return amp_hov_session_wait_ready(
		hs, now() < end ? (uint32_t)((end - now()) * 1e3) + 1 : 1);
}

int hov_probe_boot(struct hov_probe *p, const struct amp_rproc_sim_config *cfg,
		   const void *image, size_t size)
{
	struct amp_rproc_sim_config c = *cfg;
	struct amp_rproc *rp;
	int ret;

	c.recovery = true;
	ret = amp_rproc_sim_create(&c, &rp);
	return ret ? ret : hov_probe_boot_rp(p, cfg->name, rp, image, size);
}

int hov_probe_boot_rp(struct hov_probe *p, const char *name,
		      struct amp_rproc *rp, const void *image, size_t size)
{
	struct amp_hov_session_config hc = { .ns_other = ns_other,
					     .ns_other_priv = p };
	double end = now() + WAIT_MS / 1e3;
	int ret;

	memset(p, 0, sizeof(*p));
	p->name = name;
	p->rp = rp;
	ret = amp_hov_session_create(p->rp, &hc, &p->hs);
	if (!ret)
		ret = amp_rproc_load(p->rp, image, size);
	if (!ret)
		ret = amp_rproc_start(p->rp);
	if (!ret)
		ret = amp_hov_session_wait_ready(p->hs, WAIT_MS);
	/* "echo" and "stream" are bound from the session's thread */
	while (!ret && (!__atomic_load_n(&p->echo_gen, __ATOMIC_ACQUIRE) ||
			!__atomic_load_n(&p->stream_gen, __ATOMIC_ACQUIRE))) {
		if (now() > end)
			ret = -ETIMEDOUT; /* no "echo" or "stream" */
		else
			sleep_us(1000);
	}
	if (ret)
		hov_probe_shutdown(p);
	return ret;
}

void hov_probe_shutdown(struct hov_probe *p)
{
	if (!p->rp)
		return;
	amp_rproc_stop(p->rp);
	if (p->hs)
		amp_hov_session_destroy(p->hs);
	amp_rproc_destroy(p->rp);
	p->rp = NULL;
	p->hs = NULL;
}

static int send_to(struct hov_probe *p, struct amp_rpmsg_endpoint *e,
		   const void *d, size_t len)
{
	struct amp_rpmsg_dev *rdev = amp_rproc_rpmsg_lock(p->rp);
	int ret;

	if (!rdev)
		return -ENOTCONN;
	ret = amp_rpmsg_send(e, d, len);
	amp_rproc_rpmsg_unlock(p->rp);
	return ret < 0 ? ret : 0;
}

/* Until a message beyond @seen arrived (10 s at most, fixed). */
static int wait_reply(struct hov_probe *p, unsigned seen)
{
	double end = now() + 10;

	while (__atomic_load_n(&p->replies, __ATOMIC_ACQUIRE) == seen)
		if (now() > end)
			return -ETIMEDOUT;
	return 0;
}

double hov_probe_echo_rtt(struct hov_probe *p, int n)
{
	double *t = calloc((size_t)n, sizeof(*t)), med = -1;
	char msg[16] = "ping";

	for (int i = 0; t && i < n; i++) {
		unsigned seen = __atomic_load_n(&p->replies, __ATOMIC_ACQUIRE);
		double t0 = now();

		if (send_to(p, &p->echo, msg, sizeof(msg)) ||
		    wait_reply(p, seen))
			goto out;
		t[i] = now() - t0;
	}
	med = t ? hov_median(t, n) * 1e6 : -1;
out:
	free(t);
	return med;
}

double hov_probe_copy_rate(struct hov_probe *p, uint64_t len)
{
	uint8_t msg[496];
	uint64_t sent = 0, sum = 0;
	unsigned seen;
	double t0 = now();

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(msg); i += 8) {
		uint64_t v;

		memcpy(&v, msg + i, 8);
		sum += v;
	}
	for (; sent < len; sent += sizeof(msg))
		if (send_to(p, &p->stream, msg, sizeof(msg)))
			return -1;
	seen = __atomic_load_n(&p->replies, __ATOMIC_ACQUIRE);
	if (send_to(p, &p->stream, "?", 1) || wait_reply(p, seen))
		return -1;
	t0 = now() - t0;
	if (p->reply != sum * (sent / sizeof(msg)))
		return -1;
	return (double)sent / t0;
}

double hov_probe_handover_rtt(struct hov_probe *p, struct amp_shm *b,
			      uint64_t len, int n)
{
	double *t = calloc((size_t)n, sizeof(*t)), med = -1;

	for (int i = 0; t && i < n; i++) {
		double t0 = now();

		if (amp_hov_handover(p->hs, b, AMP_DIR_TO_DEVICE, 0, len,
				     BP_TAG(BP_OP_NOP, 0)) ||
		    amp_hov_take_back(p->hs, b, AMP_DIR_TO_DEVICE, 0, len,
				      NULL))
			goto out;
		t[i] = now() - t0;
	}
	med = t ? hov_median(t, n) * 1e6 : -1;
out:
	free(t);
	return med;
}

double hov_host_pass(uint64_t *w, uint64_t n)
{
	volatile uint64_t sink;
	uint64_t s = 0;
	double t0 = now();

	for (uint64_t i = 0; i < n; i++) {
		s += w[i];
		w[i] = ~w[i];
	}
	sink = s;
	(void)sink;
	return now() - t0;
}

double hov_host_rate(uint64_t len)
{
	uint64_t *w = mmap(NULL, len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double t[5];

	if (w == MAP_FAILED)
		return -1;
	memset(w, 0x5a, len);
	for (int k = 0; k < 5; k++)
		t[k] = hov_host_pass(w, len / 8);
	munmap(w, len);
	return (double)len / hov_median(t, 5) / 1e9;
}
