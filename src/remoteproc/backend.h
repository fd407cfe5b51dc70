/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the Linux backends (simulated core, QEMU) share around their
 * monitor thread: the generation of the run it watches, crash reports
 * that are dropped when that run is over, and the heartbeat watchdog.
 */
#ifndef AMP_REMOTEPROC_BACKEND_H
#define AMP_REMOTEPROC_BACKEND_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct amp_rproc;

/* The run a monitor watches; mu also guards the backend's process. */
struct amp_rproc_run {
	pthread_mutex_t mu;
	unsigned gen; /* bumped by start and stop */
	bool running;
};

/*
 * Report a crash seen during generation @gen (amp_rproc_report_crash()),
 * unless, under the coprocessor's lock, that run is no longer the one
 * running (a report racing a stop and a new start). Call without mu.
 */
void amp_rproc_run_report(struct amp_rproc *rp, struct amp_rproc_run *run,
			  unsigned gen, const char *why, uint64_t da,
			  uint64_t pc);

/* The heartbeat watchdog of a monitor. */
struct amp_rproc_wdog {
	uint64_t beat; /* last value seen */
	uint64_t since_us; /* when it last moved */
};

void amp_rproc_wdog_reset(struct amp_rproc_wdog *w, uint64_t beat);
/*
 * Has @beat stood still for @ms? Otherwise *timeout_ms is how long the
 * monitor may sleep before looking again.
 */
bool amp_rproc_wdog_expired(struct amp_rproc_wdog *w, uint64_t beat,
			    unsigned ms, int *timeout_ms);
/* The report of an expired watchdog. */
void amp_rproc_run_report_hang(struct amp_rproc *rp, struct amp_rproc_run *run,
			       unsigned gen, unsigned ms);

/*
 * amp_rproc_create() (*rp set), then the backend's monitor thread
 * @fn(@arg). On failure nothing is left and the backend's release op is
 * not called: the caller frees its own state.
 */
struct amp_rproc_config;
int amp_rproc_backend_create(const struct amp_rproc_config *rc,
			     struct amp_rproc **rp, pthread_t *monitor,
			     void *(*fn)(void *), void *arg);

uint64_t amp_rproc_now_us(void);
/* Add 1 to an eventfd (a wake-up; a saturated counter is one already). */
void amp_rproc_poke(int fd);
/* Empty an eventfd that amp_rproc_poke() rang (non-blocking). */
void amp_rproc_drain(int fd);
/* SIGKILL a child of ours and reap it (pid > 0). */
void amp_rproc_kill_reap(pid_t pid);
/* Is @path an executable file? */
bool amp_rproc_is_exec(const char *path);

#endif /* AMP_REMOTEPROC_BACKEND_H */
