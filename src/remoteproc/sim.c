// SPDX-License-Identifier: BSD-3-Clause
/*
 * The simulated-core backend of the remoteproc core: start spawns the
 * launcher (ampshm-core) with the device's runs, stop kills and reaps it,
 * a monitor thread reports its death at once and, with a watchdog, a
 * heartbeat that stopped; an RPMsg host runs over the loaded resource
 * table with futex doorbells in the board page.
 *
 * Locking. The core calls start and stop with the coprocessor's lock held
 * (also from amp_rproc_report_crash(), i.e. from the monitor thread during
 * recovery). Order: coprocessor lock -> s->run.mu, coprocessor lock ->
 * the link's mutex (link.c). The monitor never holds s->run.mu when it
 * reports, and it reports through amp_rproc_run_report() (backend.c),
 * which checks under the coprocessor's lock that the core it saw die is
 * still the one running (s->run.gen, bumped by every start and stop): a
 * report racing a stop and a new start is dropped. The monitor thread lives from create to destroy,
 * so stop never joins it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ampshm/linux_devmap.h>
#include <ampshm/linux_notify.h>
#include <ampshm/remoteproc.h>
#include <ampshm/rpmsg.h>

#include <ampshm/error.h>

#include "core/error.h"
#include "core/phys.h"
#include "core/shm_internal.h"
#include "remoteproc/backend.h"
#include "remoteproc/link.h"
#include "remoteproc/rproc_internal.h"
#include "remoteproc/sim_spawn.h"

struct sim {
	struct amp_rproc_link link; /* first: the link ops take s as it */
	struct amp_rproc *rp;
	char launcher[PATH_MAX];
	unsigned watchdog_ms;
	/* board page: one for the core's whole life, reset at each start */
	int pagefd;
	struct amp_simcore_page *page;
	struct amp_linux_notifier bell; /* host side of the doorbells */
	struct amp_linux_notifier wake; /* rings our own bell (teardown) */
	/* the process; under mu */
	struct amp_rproc_run run; /* gen, running; its mu guards the process */
	pid_t pid;
	int pidfd; /* until the monitor takes it */
	bool quit;
	int ctl; /* eventfd: wakes the monitor */
	/* the IOMMU agent: the socket to the launcher; under agent_mu */
	pthread_mutex_t agent_mu;
	int sock;
	bool iommu, watching;
	pthread_t monitor;
};

/* ---- the launcher ---------------------------------------------------- */

/* $AMPSHM_CORE, next to the executable, or build/firmware from it. */
static int find_launcher(const char *given, char *out, size_t len)
{
	static const char *const rel[] = { "/ampshm-core",
					   "/../firmware/ampshm-core",
					   "/../../firmware/ampshm-core",
					   "/../libexec/ampshm-core" };
	const char *env = getenv("AMPSHM_CORE");
	char exe[PATH_MAX];
	ssize_t n;

	if (given || (env && *env)) {
		snprintf(out, len, "%s", given ? given : env);
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			snprintf(out, len, "%s%s", exe, rel[i]);
			if (amp_rproc_is_exec(out))
				return 0;
		}
	}
	return amp_err(-ENOENT,
		       "rproc sim: cannot find the launcher ampshm-core (set "
		       "AMPSHM_CORE or amp_rproc_sim_config::launcher)");
}

/* A poller asleep on the host's doorbell: ring it (the link went down). */
static void wake_poller(void *priv)
{
	struct sim *s = priv;

	s->wake.ops->notify(s->wake.priv);
}

/* ---- the IOMMU agent ------------------------------------------------------ */

/*
 * A run the device gained or lost: have the launcher map or unmap it, and
 * wait for its answer, so attach does not return before the running core
 * sees the buffer, nor detach before it lost it.
 */
static void agent_watch(void *priv, const struct amp_dev_run *run, bool mapped)
{
	struct sim *s = priv;
	int32_t status = 0;

	pthread_mutex_lock(&s->agent_mu);
	if (s->sock >= 0 && !amp_linux_send_run(s->sock, run, mapped) &&
	    recv(s->sock, &status, sizeof(status), 0) == sizeof(status) &&
	    status)
		amp_err(status,
			"rproc '%s': the core could not %s da 0x%llx (+0x%llx)",
			s->rp->name, mapped ? "map" : "unmap",
			(unsigned long long)run->da,
			(unsigned long long)run->len);
	pthread_mutex_unlock(&s->agent_mu);
}

static void agent_start(struct sim *s, int sock)
{
	struct timeval tv = { .tv_sec = 2 };

	/* a core stopped with SIGSTOP must not hold attach forever */
	setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	pthread_mutex_lock(&s->agent_mu);
	s->sock = sock;
	pthread_mutex_unlock(&s->agent_mu);
	if (s->iommu)
		s->watching = !amp_dev_watch(s->rp->dev, agent_watch, s);
}

/* After the process is dead: its agent answers no more. */
static void agent_stop(struct sim *s)
{
	if (s->watching)
		amp_dev_unwatch(s->rp->dev, agent_watch, s);
	s->watching = false;
	pthread_mutex_lock(&s->agent_mu);
	if (s->sock >= 0)
		close(s->sock);
	s->sock = -1;
	pthread_mutex_unlock(&s->agent_mu);
}

/* ---- ops --------------------------------------------------------------- */

static int sim_stop(void *priv, struct amp_rproc *rp);

static int sim_start(void *priv, struct amp_rproc *rp, uint64_t entry)
{
	struct sim *s = priv;
	struct amp_simcore_start st = { .magic = AMP_SIMCORE_MAGIC };
	uint8_t *pg = (uint8_t *)s->page;
	size_t keep = offsetof(struct amp_simcore_page, heartbeat);
	pid_t pid;
	int pidfd, sock, ret;

	/* A fresh board page (the doorbells keep counting). */
	memset(pg + keep, 0, AMP_SIMCORE_PAGE_SIZE - keep);
	st.entry = entry;
	ret = amp_simcore_exec_ranges(rp->img, &st);
	if (!ret)
		ret = amp_rproc_link_up(&s->link);
	if (ret)
		return ret;
	ret = amp_simcore_spawn(s->launcher, rp->dev, &st, s->pagefd, &pid,
				&sock);
	if (ret) {
		amp_rproc_link_down(&s->link);
		return ret;
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		ret = amp_err(-errno, "rproc '%s': pidfd_open", rp->name);
		amp_rproc_kill_reap(pid);
		close(sock);
		amp_rproc_link_down(&s->link);
		return ret;
	}
	agent_start(s, sock);
	pthread_mutex_lock(&s->run.mu);
	s->run.gen++;
	s->run.running = true;
	s->pid = pid;
	s->pidfd = pidfd;
	pthread_mutex_unlock(&s->run.mu);
	amp_rproc_poke(s->ctl);
	return 0;
}

static int sim_stop(void *priv, struct amp_rproc *rp)
{
	struct sim *s = priv;
	pid_t pid;
	int pidfd;

	(void)rp;
	pthread_mutex_lock(&s->run.mu);
	s->run.gen++;
	s->run.running = false;
	pid = s->pid;
	pidfd = s->pidfd; /* -1 once the monitor took it: it closes it */
	s->pid = -1;
	s->pidfd = -1;
	pthread_mutex_unlock(&s->run.mu);
	amp_rproc_poke(s->ctl);
	if (pid > 0) {
		amp_rproc_kill_reap(pid);
	}
	if (pidfd >= 0)
		close(pidfd);
	agent_stop(s);
	amp_rproc_link_down(&s->link);
	return 0;
}

static void sim_release(void *priv, struct amp_rproc *rp)
{
	struct sim *s = priv;

	(void)rp;
	pthread_mutex_lock(&s->run.mu);
	s->quit = true;
	pthread_mutex_unlock(&s->run.mu);
	amp_rproc_poke(s->ctl);
	pthread_join(s->monitor, NULL);
	amp_linux_notifier_close(&s->wake);
	amp_linux_notifier_close(&s->bell);
	munmap(s->page, AMP_SIMCORE_PAGE_SIZE);
	close(s->pagefd);
	close(s->ctl);
	pthread_mutex_destroy(&s->run.mu);
	amp_rproc_link_fini(&s->link);
	pthread_mutex_destroy(&s->agent_mu);
	free(s);
}

static const struct amp_rproc_ops sim_ops = {
	.start = sim_start,
	.stop = sim_stop,
	.release = sim_release,
	AMP_RPROC_LINK_OPS,
};

/* ---- the monitor --------------------------------------------------------- */

/* The process died: describe it from the board page and its status. */
static void report_death(struct sim *s, unsigned gen, pid_t pid)
{
	const struct amp_simcore_page *p = s->page;
	siginfo_t si;
	int status = 0;
	char why[96];
	uint64_t da = AMP_ADDR_ANY, pc = AMP_ADDR_ANY;

	memset(&si, 0, sizeof(si));
	if (!waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT | WNOHANG) &&
	    si.si_pid == pid)
		status = si.si_code == CLD_EXITED ? (si.si_status & 0xff) << 8 :
						    si.si_status & 0x7f;
	amp_simcore_describe(p, status, why, sizeof(why));
	if (__atomic_load_n(&p->state, __ATOMIC_ACQUIRE) ==
	    AMP_SIMCORE_FAULTED) {
		da = p->fault_addr;
		pc = p->fault_pc;
	}
	amp_rproc_run_report(s->rp, &s->run, gen, why, da, pc);
}

static void *monitor(void *arg)
{
	struct sim *s = arg;
	unsigned seen = 0, reported = 0;
	int fd = -1; /* the current core's pidfd, taken from s->pidfd */
	pid_t pid = -1;
	struct amp_rproc_wdog wd = { 0, 0 };

	for (;;) {
		struct pollfd pf[2];
		unsigned gen;
		bool running;
		int timeout = -1, n;

		pthread_mutex_lock(&s->run.mu);
		if (s->quit) {
			pthread_mutex_unlock(&s->run.mu);
			break;
		}
		if (seen != s->run.gen) {
			/* the pidfd is ours from now on (stop leaves it) */
			if (fd >= 0)
				close(fd);
			fd = s->pidfd;
			s->pidfd = -1;
			pid = s->pid;
			seen = s->run.gen;
			amp_rproc_wdog_reset(
				&wd, __atomic_load_n(&s->page->heartbeat,
						     __ATOMIC_ACQUIRE));
		}
		gen = s->run.gen;
		running = s->run.running && fd >= 0 && reported != gen;
		pthread_mutex_unlock(&s->run.mu);

		if (running && s->watchdog_ms &&
		    amp_rproc_wdog_expired(&wd,
					   __atomic_load_n(&s->page->heartbeat,
							   __ATOMIC_ACQUIRE),
					   s->watchdog_ms, &timeout)) {
			reported = gen;
			close(fd);
			fd = -1;
			amp_rproc_run_report_hang(s->rp, &s->run, gen,
						  s->watchdog_ms);
			continue;
		}
		pf[0] = (struct pollfd){ .fd = s->ctl, .events = POLLIN };
		pf[1] = (struct pollfd){ .fd = running ? fd : -1,
					 .events = POLLIN };
		n = poll(pf, 2, timeout);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && (pf[0].revents & POLLIN))
			amp_rproc_drain(s->ctl);
		if (n > 0 && running && pf[1].revents) {
			reported = gen;
			close(fd);
			fd = -1;
			report_death(s, gen, pid);
		}
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* ---- public -------------------------------------------------------------- */

int amp_rproc_sim_create(const struct amp_rproc_sim_config *cfg,
			 struct amp_rproc **rp)
{
	struct amp_rproc_config rc;
	struct sim *s;
	int ret;

	if (!cfg || !rp)
		return amp_err(-EINVAL,
			       "rproc sim: config and result required");
	s = calloc(1, sizeof(*s));
	if (!s)
		return amp_err(-ENOMEM, "rproc sim: out of memory");
	s->pid = -1;
	s->pidfd = -1;
	s->pagefd = -1;
	s->ctl = -1;
	s->sock = -1;
	s->iommu = cfg->iommu;
	s->watchdog_ms = cfg->watchdog_ms;
	pthread_mutex_init(&s->run.mu, NULL);
	pthread_mutex_init(&s->agent_mu, NULL);
	amp_rproc_link_init(&s->link, NULL, &s->bell, wake_poller, s);
	ret = find_launcher(cfg->launcher, s->launcher, sizeof(s->launcher));
	if (ret)
		goto fail;
	s->pagefd = memfd_create("ampshm-core-page", MFD_CLOEXEC);
	if (s->pagefd < 0 || ftruncate(s->pagefd, AMP_SIMCORE_PAGE_SIZE)) {
		ret = amp_err(-errno, "rproc sim: board page");
		goto fail;
	}
	s->page = mmap(NULL, AMP_SIMCORE_PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_SHARED, s->pagefd, 0);
	if (s->page == MAP_FAILED) {
		s->page = NULL;
		ret = amp_err(-errno, "rproc sim: mapping the board page");
		goto fail;
	}
	ret = amp_linux_notifier_futex(s->page->bell_host, s->page->bell_core,
				       0, &s->bell);
	if (ret)
		goto fail;
	ret = amp_linux_notifier_futex(s->page->bell_core, s->page->bell_host,
				       0, &s->wake);
	if (ret) {
		amp_linux_notifier_close(&s->bell);
		goto fail;
	}
	s->ctl = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->ctl < 0) {
		ret = amp_err(-errno, "rproc sim: eventfd");
		goto fail_bells;
	}
	rc = (struct amp_rproc_config){ .name = cfg->name,
					.ops = &sim_ops,
					.priv = s,
					.dma_bits = cfg->dma_bits,
					.iommu = cfg->iommu,
					.recovery = cfg->recovery,
					.vdev_mem = cfg->vdev_mem };
	ret = amp_rproc_backend_create(&rc, &s->rp, &s->monitor, monitor, s);
	if (ret)
		goto fail_bells;
	s->link.rp = s->rp;
	*rp = s->rp;
	return 0;

fail_bells:
	amp_linux_notifier_close(&s->wake);
	amp_linux_notifier_close(&s->bell);
fail:
	if (s->page)
		munmap(s->page, AMP_SIMCORE_PAGE_SIZE);
	if (s->pagefd >= 0)
		close(s->pagefd);
	if (s->ctl >= 0)
		close(s->ctl);
	pthread_mutex_destroy(&s->run.mu);
	amp_rproc_link_fini(&s->link);
	pthread_mutex_destroy(&s->agent_mu);
	free(s);
	return ret;
}

static struct sim *sim_of(struct amp_rproc *rp)
{
	return rp && rp->ops.start == sim_start ? rp->priv : NULL;
}

struct amp_rpmsg_dev *amp_rproc_sim_rpmsg_lock(struct amp_rproc *rp)
{
	return sim_of(rp) ? amp_rproc_rpmsg_lock(rp) : NULL;
}

void amp_rproc_sim_rpmsg_unlock(struct amp_rproc *rp)
{
	if (sim_of(rp))
		amp_rproc_rpmsg_unlock(rp);
}

int amp_rproc_sim_poll(struct amp_rproc *rp, uint32_t timeout_us)
{
	if (!sim_of(rp))
		return amp_err(-EINVAL, "rproc: not a simulated core");
	return amp_rproc_poll(rp, timeout_us);
}

void amp_rproc_sim_set_ns_bind_cb(struct amp_rproc *rp, amp_rpmsg_ns_bind_cb cb,
				  void *priv)
{
	if (sim_of(rp))
		amp_rproc_set_ns_bind_cb(rp, cb, priv);
}

unsigned amp_rproc_sim_link_gen(struct amp_rproc *rp)
{
	return sim_of(rp) ? amp_rproc_link_gen(rp) : 0;
}

int amp_rproc_sim_pid(struct amp_rproc *rp)
{
	struct sim *s = sim_of(rp);
	int pid;

	if (!s)
		return -1;
	pthread_mutex_lock(&s->run.mu);
	pid = s->run.running ? (int)s->pid : -1;
	pthread_mutex_unlock(&s->run.mu);
	return pid;
}

uint64_t amp_rproc_sim_heartbeat(struct amp_rproc *rp)
{
	struct sim *s = sim_of(rp);

	return s ? __atomic_load_n(&s->page->heartbeat, __ATOMIC_ACQUIRE) : 0;
}
