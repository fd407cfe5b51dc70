// SPDX-License-Identifier: BSD-3-Clause
/* What the Linux backends share around their monitor: see backend.h. */
#include "remoteproc/backend.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ampshm/types.h>

#include "core/error.h"

#include "remoteproc/rproc_internal.h"

struct report {
	struct amp_rproc_run *run;
	unsigned gen;
};

/* Under the coprocessor's lock: is the run we saw end still running? */
static bool still_current(void *ctx)
{
	struct report *r = ctx;
	bool cur;

	pthread_mutex_lock(&r->run->mu);
	cur = r->run->running && r->run->gen == r->gen;
	pthread_mutex_unlock(&r->run->mu);
	return cur;
}

void amp_rproc_run_report(struct amp_rproc *rp, struct amp_rproc_run *run,
			  unsigned gen, const char *why, uint64_t da,
			  uint64_t pc)
{
	struct report r = { run, gen };

	amp_rproc__report_crash_if(rp, why, da, pc, still_current, &r);
}

void amp_rproc_run_report_hang(struct amp_rproc *rp, struct amp_rproc_run *run,
			       unsigned gen, unsigned ms)
{
	char why[96];

	snprintf(why, sizeof(why), "watchdog: no heartbeat for %u ms", ms);
	amp_rproc_run_report(rp, run, gen, why, AMP_ADDR_ANY, AMP_ADDR_ANY);
}

uint64_t amp_rproc_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void amp_rproc_poke(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) < 0)
		(void)0; /* saturated: a wake-up is pending anyway */
}

void amp_rproc_drain(int fd)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0)
		(void)0; /* nothing there: another reader drained it */
}

void amp_rproc_kill_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

bool amp_rproc_is_exec(const char *path)
{
	return access(path, X_OK) == 0;
}

void amp_rproc_wdog_reset(struct amp_rproc_wdog *w, uint64_t beat)
{
	w->beat = beat;
	w->since_us = amp_rproc_now_us();
}

bool amp_rproc_wdog_expired(struct amp_rproc_wdog *w, uint64_t beat,
			    unsigned ms, int *timeout_ms)
{
	uint64_t t = amp_rproc_now_us();

	if (beat != w->beat) {
		w->beat = beat;
		w->since_us = t;
	} else if (t - w->since_us >= ms * 1000ull) {
		return true;
	}
	*timeout_ms = (int)(ms / 8) + 1;
	return false;
}

int amp_rproc_backend_create(const struct amp_rproc_config *rc,
			     struct amp_rproc **rp, pthread_t *monitor,
			     void *(*fn)(void *), void *arg)
{
	int ret = amp_rproc_create(rc, rp);

	if (ret)
		return ret;
	ret = pthread_create(monitor, NULL, fn, arg);
	if (ret) {
		/* amp_rproc_destroy() would call release: the caller frees */
		(*rp)->ops.release = NULL;
		amp_rproc_destroy(*rp);
		*rp = NULL;
		return amp_err(-ret, "rproc '%s': monitor thread", rc->name);
	}
	return 0;
}
