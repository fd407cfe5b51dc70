// SPDX-License-Identifier: BSD-3-Clause
/*
 * The QEMU backend of the remoteproc core: the coprocessor is real ARM
 * firmware under qemu-system-arm (see remoteproc_qemu.h for the model and
 * qemu_proto.h for what the firmware's board port agrees to).
 *
 * The process. Start spawns QEMU (on the spawner's thread, so that
 * PR_SET_PDEATHSIG ties it to the host, not to the calling thread) or, if
 * it is alive and was started at the same entry, resets and continues it
 * over QMP; stop pauses it over QMP (kills it if QMP fails). Only the ops
 * (called with the coprocessor's lock held) spawn, reset, kill and reap;
 * the monitor thread only watches: QEMU's pidfd (exit), the UART socket
 * (console text, doorbell bytes, the firmware's "stopped" byte) and the
 * heartbeat in the board page, and reports through
 * amp_rproc_run_report() (backend.c) with the generation it saw
 * (s->run.gen).
 *
 * Locking: coprocessor lock -> s->run.mu; coprocessor lock -> the link's
 * mutex. The monitor never holds s->run.mu while it reports.
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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ampshm/error.h>
#include <ampshm/remoteproc_qemu.h>
#include <ampshm/shm.h>

#include "core/error.h"
#include "core/phys.h"
#include "core/shm_internal.h"
#include "port/linux/spawner.h"
#include "remoteproc/backend.h"
#include "remoteproc/link.h"
#include "remoteproc/qemu_proto.h"
#include "remoteproc/qemu_qmp.h"
#include "remoteproc/rproc_internal.h"

#define MiB (1024ull * 1024ull)
#define QMP_TIMEOUT_MS 5000u
#define BOOT_TIMEOUT_MS 20000u
#define CONSOLE_LEN 4096u

_Static_assert(AMP_QEMU_RAM_BASE == AMP_RPROC_QEMU_RAM_BASE,
	       "one RAM base for the host and the board port");

struct qemu {
	struct amp_rproc_link link; /* first: the link ops take s as it */
	struct amp_rproc *rp;
	char bin[PATH_MAX];
	uint64_t ram_size, shm_off;
	char shm_name[64];
	unsigned watchdog_ms;
	amp_rproc_qemu_console_fn console;
	void *console_priv;
	/* the guest's RAM, mapped for the whole life of the core */
	int ramfd;
	uint8_t *ram;
	bool fw_mapped, shm_mapped;
	struct amp_qemu_page *page;
	/* doorbell: the monitor turns kick bytes into kickfd counts */
	struct amp_linux_notifier bell;
	int kickfd;
	int uart; /* host end of the UART: a stable number (dup3 on spawn) */
	struct amp_spawner spawner;
	/* the process; changed by the ops, under mu */
	struct amp_rproc_run run; /* gen, running; its mu guards the process */
	unsigned proc_gen; /* bumped by every spawn */
	bool quit;
	pid_t pid;
	int pidfd;
	uint64_t qemu_entry; /* the loader's address QEMU was started with */
	struct amp_qmp qmp; /* ops only */
	int ctl; /* eventfd: wakes the monitor */
	pthread_t monitor;
	bool monitor_started;
	/* console ring and the line being assembled; under con_mu */
	pthread_mutex_t con_mu;
	char con[CONSOLE_LEN];
	size_t con_len;
	struct amp_rproc_qemu_stats st;
};

/* ---- the doorbell ---------------------------------------------------- */

/* Kick the core: one byte on its UART (any byte is a kick for it). */
static int uart_kick(void *priv)
{
	struct qemu *s = priv;
	uint8_t b = AMP_QEMU_UART_KICK;
	ssize_t n;

	do
		n = send(s->uart, &b, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno != EAGAIN) /* full: kicks are pending already */
		return errno == EPIPE || errno == ENOTSOCK ? -ENOTCONN : -errno;
	__atomic_add_fetch(&s->st.kicks_to_core, 1, __ATOMIC_RELAXED);
	return 0;
}

static void wake_poller(void *priv)
{
	amp_rproc_poke(((struct qemu *)priv)->kickfd);
}

/* ---- the process ----------------------------------------------------- */

static int find_qemu(const char *given, char *out, size_t len)
{
	const char *env = getenv("AMPSHM_QEMU");
	const char *path = getenv("PATH");
	const char *p;

	if (given || (env && *env)) {
		snprintf(out, len, "%s", given ? given : env);
		return amp_rproc_is_exec(out) ?
			       0 :
			       amp_err(-ENOENT,
				       "rproc qemu: '%s' is not an "
				       "executable",
				       out);
	}
	for (p = path ? path : "/usr/bin"; p && *p;) {
		const char *colon = strchr(p, ':');
		int n = colon ? (int)(colon - p) : (int)strlen(p);

		snprintf(out, len, "%.*s/qemu-system-arm", n, p);
		if (n && amp_rproc_is_exec(out))
			return 0;
		p = colon ? colon + 1 : NULL;
	}
	return amp_err(-ENOENT,
		       "rproc qemu: qemu-system-arm not found (apt-get install "
		       "--no-install-recommends qemu-system-arm, or set "
		       "AMPSHM_QEMU)");
}

/* Has the process exited (a zombie not reaped yet)? */
static bool proc_exited(pid_t pid, siginfo_t *si)
{
	siginfo_t tmp;

	if (!si)
		si = &tmp;
	memset(si, 0, sizeof(*si));
	return !waitid(P_PID, (id_t)pid, si, WEXITED | WNOHANG | WNOWAIT) &&
	       si->si_pid == pid;
}

/* Kill and reap QEMU if there is one. Coprocessor lock held. */
static void kill_proc(struct qemu *s)
{
	pid_t pid;
	int pidfd;

	pthread_mutex_lock(&s->run.mu);
	pid = s->pid;
	pidfd = s->pidfd;
	s->pid = -1;
	s->pidfd = -1;
	pthread_mutex_unlock(&s->run.mu);
	if (pid > 0) {
		amp_rproc_kill_reap(pid);
	}
	if (pidfd >= 0)
		close(pidfd);
	if (s->qmp.fd >= 0)
		close(s->qmp.fd);
	s->qmp.fd = -1;
	amp_rproc_poke(s->ctl);
}

static int spawn(struct qemu *s, uint64_t entry)
{
	char mem[160], loader[64];
	char *argv[] = { s->bin,
			 "-M",
			 "virt,memory-backend=ram",
			 "-cpu",
			 "cortex-a15",
			 "-nodefaults",
			 "-no-user-config",
			 "-display",
			 "none",
			 "-object",
			 mem,
			 "-chardev",
			 "socket,id=uart,fd=4",
			 "-serial",
			 "chardev:uart",
			 "-chardev",
			 "socket,id=qmp,fd=5",
			 "-mon",
			 "chardev=qmp,mode=control",
			 "-device",
			 loader,
			 NULL };
	struct amp_spawn_req req = { .path = s->bin, .argv = argv, .nfds = 3 };
	int u[2], q[2], pidfd, ret;
	pid_t pid;

	snprintf(mem, sizeof(mem),
		 "memory-backend-file,id=ram,size=%llu,mem-path=/proc/self/"
		 "fd/3,share=on",
		 (unsigned long long)s->ram_size);
	snprintf(loader, sizeof(loader), "loader,addr=0x%llx,cpu-num=0",
		 (unsigned long long)entry);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, u))
		return amp_err(-errno, "rproc qemu: socketpair");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, q)) {
		ret = -errno;
		close(u[0]);
		close(u[1]);
		return amp_err(ret, "rproc qemu: socketpair");
	}
	req.fds[0] = s->ramfd;
	req.fds[1] = u[1];
	req.fds[2] = q[1];
	pid = amp_spawner_run(&s->spawner, &req);
	close(u[1]);
	close(q[1]);
	if (pid < 0) {
		close(u[0]);
		close(q[0]);
		return amp_err((int)pid, "rproc '%s': cannot fork QEMU",
			       s->rp->name);
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0 || dup3(u[0], s->uart, O_CLOEXEC) < 0) {
		ret = amp_err(-errno, "rproc '%s': pidfd/dup3", s->rp->name);
		if (pidfd >= 0)
			close(pidfd);
		close(u[0]);
		close(q[0]);
		amp_rproc_kill_reap(pid);
		return ret;
	}
	close(u[0]);
	pthread_mutex_lock(&s->run.mu);
	s->pid = pid;
	s->pidfd = pidfd;
	s->qemu_entry = entry;
	s->proc_gen++;
	s->st.spawns++;
	pthread_mutex_unlock(&s->run.mu);
	amp_rproc_poke(s->ctl);
	/* QEMU is up when its QMP greets us; a bad command line ends it */
	ret = amp_qmp_open(&s->qmp, q[0], BOOT_TIMEOUT_MS);
	if (ret) {
		siginfo_t si;
		bool dead = proc_exited(pid, &si);

		close(q[0]);
		s->qmp.fd = -1;
		kill_proc(s);
		return amp_err(ret == -EPIPE ? -ECHILD : ret,
			       "rproc '%s': QEMU (%s) did not start%s "
			       "(see its messages above)",
			       s->rp->name, s->bin,
			       dead ? ": it exited" : ": no QMP greeting");
	}
	return 0;
}

/* QEMU alive at @entry: reset the machine and run it (no new process). */
static int reset(struct qemu *s)
{
	int ret = amp_qmp_cmd(&s->qmp, "system_reset", QMP_TIMEOUT_MS);

	if (!ret)
		ret = amp_qmp_cmd(&s->qmp, "cont", QMP_TIMEOUT_MS);
	if (!ret) {
		pthread_mutex_lock(&s->run.mu);
		s->st.resets++;
		pthread_mutex_unlock(&s->run.mu);
	}
	return ret;
}

/* Is [da, da+len) in the guest's RAM, at da = pa? */
static bool in_ram(const struct qemu *s, uint64_t da, uint64_t pa, uint64_t len)
{
	uint64_t lo = AMP_QEMU_RAM_BASE, hi = lo + s->ram_size;

	return da == pa && pa >= lo && pa < hi && len <= hi - pa;
}

static int unreachable(struct amp_rproc *rp, const char *what, uint64_t da,
		       uint64_t pa, uint64_t len, uint64_t ram)
{
	return amp_err(
		-EINVAL,
		"rproc '%s': %s (da 0x%llx, pa 0x%llx, 0x%llx bytes) is "
		"not in the QEMU core's RAM at da = pa [0x%llx, 0x%llx): "
		"give it a fixed address there",
		rp->name, what, (unsigned long long)da, (unsigned long long)pa,
		(unsigned long long)len, (unsigned long long)AMP_QEMU_RAM_BASE,
		(unsigned long long)(AMP_QEMU_RAM_BASE + ram));
}

/*
 * Everything the core was given must be in its RAM, at da = pa: its
 * carveouts, and the vdev area if the table left vrings to the host (that
 * area is system memory the guest cannot see: refused, named).
 */
static int check_reach(struct qemu *s, struct amp_rproc *rp, uint64_t entry)
{
	char what[64];

	for (size_t i = 0; i < rp->narea; i++) {
		const struct amp_rproc_area *a = &rp->area[i];

		if (a->devmem)
			continue; /* registers: the machine's business */
		if (!in_ram(s, a->da, a->pa, a->len)) {
			snprintf(what, sizeof(what), "'%s'", a->name);
			return unreachable(rp, what, a->da, a->pa, a->len,
					   s->ram_size);
		}
	}
	if (!in_ram(s, entry, entry, 4))
		return unreachable(rp, "the entry point", entry, entry, 4,
				   s->ram_size);
	return 0;
}

/* ---- ops --------------------------------------------------------------- */

static int qemu_start(void *priv, struct amp_rproc *rp, uint64_t entry)
{
	struct qemu *s = priv;
	uint64_t t0 = amp_rproc_now_us();
	bool alive;
	int ret;

	ret = check_reach(s, rp, entry);
	if (ret)
		return ret;
	memset(s->page, 0, sizeof(*s->page));
	ret = amp_rproc_link_up(&s->link);
	if (ret)
		return ret;
	pthread_mutex_lock(&s->run.mu);
	alive = s->pid > 0 && !proc_exited(s->pid, NULL) &&
		s->qemu_entry == entry && s->qmp.fd >= 0;
	pthread_mutex_unlock(&s->run.mu);
	if (alive && reset(s))
		alive = false; /* QMP failed: a new process */
	if (!alive) {
		kill_proc(s);
		ret = spawn(s, entry);
		if (ret) {
			amp_rproc_link_down(&s->link);
			return ret;
		}
	}
	pthread_mutex_lock(&s->run.mu);
	s->run.gen++;
	s->run.running = true;
	s->st.last_start_us = (uint32_t)(amp_rproc_now_us() - t0);
	pthread_mutex_unlock(&s->run.mu);
	amp_rproc_poke(s->ctl);
	return 0;
}

static int qemu_stop(void *priv, struct amp_rproc *rp)
{
	struct qemu *s = priv;
	bool dead;

	(void)rp;
	pthread_mutex_lock(&s->run.mu);
	s->run.gen++;
	s->run.running = false;
	dead = s->pid > 0 && proc_exited(s->pid, NULL);
	pthread_mutex_unlock(&s->run.mu);
	amp_rproc_poke(s->ctl);
	/* Paused, QEMU stays for a fast restart; dead or deaf, it goes. */
	if (dead ||
	    (s->qmp.fd >= 0 && amp_qmp_cmd(&s->qmp, "stop", QMP_TIMEOUT_MS)))
		kill_proc(s);
	amp_rproc_link_down(&s->link);
	return 0;
}

static void qemu_release(void *priv, struct amp_rproc *rp);

static const struct amp_rproc_ops qemu_ops = {
	.start = qemu_start,
	.stop = qemu_stop,
	.release = qemu_release,
	AMP_RPROC_LINK_OPS,
};

/* ---- the monitor --------------------------------------------------------- */

static const char *fault_name(uint32_t kind)
{
	switch (kind) {
	case AMP_QEMU_FAULT_UNDEF:
		return "undefined instruction";
	case AMP_QEMU_FAULT_PABORT:
		return "prefetch abort";
	case AMP_QEMU_FAULT_DABORT:
		return "data abort";
	default:
		return "unexpected exception";
	}
}

/*
 * Why the firmware stopped, from its board page (read once, into a
 * copy: the page is the guest's to write). false if it says nothing.
 */
static bool describe_page(struct qemu *s, char *why, size_t len, uint64_t *da,
			  uint64_t *pc)
{
	struct amp_qemu_page p;

	memcpy(&p, (const void *)s->page, sizeof(p));
	if (p.magic != AMP_QEMU_PAGE_MAGIC)
		return false;
	if (p.state == AMP_QEMU_FAULTED) {
		snprintf(why, len,
			 "device fault at da 0x%x, pc 0x%x (%s, status 0x%x)",
			 p.fault_addr, p.fault_pc, fault_name(p.fault_kind),
			 p.fault_status);
		if (p.fault_kind == AMP_QEMU_FAULT_DABORT ||
		    p.fault_kind == AMP_QEMU_FAULT_PABORT)
			*da = p.fault_addr;
		*pc = p.fault_pc;
		return true;
	}
	if (p.state == AMP_QEMU_EXITED) {
		snprintf(why, len, "firmware exited with code %d", p.exit_code);
		return true;
	}
	return false;
}

static void report_stopped(struct qemu *s, unsigned gen)
{
	uint64_t da = AMP_ADDR_ANY, pc = AMP_ADDR_ANY;
	char why[96];

	if (!describe_page(s, why, sizeof(why), &da, &pc))
		snprintf(why, sizeof(why), "firmware stopped (no record)");
	amp_rproc_run_report(s->rp, &s->run, gen, why, da, pc);
}

static void report_exit(struct qemu *s, unsigned gen, pid_t pid)
{
	uint64_t da = AMP_ADDR_ANY, pc = AMP_ADDR_ANY;
	siginfo_t si;
	char why[96];

	if (describe_page(s, why, sizeof(why), &da, &pc))
		; /* it stopped first: that is the news */
	else if (proc_exited(pid, &si) && si.si_code != CLD_EXITED)
		snprintf(why, sizeof(why), "QEMU killed by signal %d",
			 si.si_status);
	else
		snprintf(why, sizeof(why), "QEMU exited with status %d",
			 si.si_status);
	amp_rproc_run_report(s->rp, &s->run, gen, why, da, pc);
}

/* Console text: into the ring, and line by line to the callback. */
static void console_text(struct qemu *s, const char *t, size_t n, char *line,
			 size_t *llen, size_t lcap)
{
	pthread_mutex_lock(&s->con_mu);
	for (size_t i = 0; i < n; i++) {
		if (s->con_len == CONSOLE_LEN) {
			memmove(s->con, s->con + CONSOLE_LEN / 4,
				CONSOLE_LEN - CONSOLE_LEN / 4);
			s->con_len -= CONSOLE_LEN / 4;
		}
		s->con[s->con_len++] = t[i];
	}
	s->st.console_bytes += n;
	pthread_mutex_unlock(&s->con_mu);
	for (size_t i = 0; i < n; i++) {
		bool eol = t[i] == '\n';

		if (!eol && t[i] != '\r')
			line[(*llen)++] = t[i];
		if ((eol || *llen == lcap - 1) && *llen) {
			line[*llen] = '\0';
			if (s->console)
				s->console(s->console_priv, line);
			*llen = 0;
		}
	}
}

/*
 * Bytes from the UART: text, kicks, the "stopped" byte. 1 if it read
 * some, 0 if none were there, -1 at end of file (QEMU closed it).
 * *stopped is set on the stopped byte.
 */
static int read_uart(struct qemu *s, bool *stopped, char *line, size_t *llen,
		     size_t lcap)
{
	uint8_t buf[512];
	char text[512];
	size_t nt = 0;
	uint64_t kicks = 0;
	ssize_t n = recv(s->uart, buf, sizeof(buf), MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0)
		return -1;
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] < 0x80)
			text[nt++] = (char)buf[i];
		else if (buf[i] == AMP_QEMU_UART_STOPPED)
			*stopped = true;
		else
			kicks++; /* AMP_QEMU_UART_KICK, or unknown control */
	}
	if (kicks) {
		__atomic_add_fetch(&s->st.kicks_from_core, kicks,
				   __ATOMIC_RELAXED);
		amp_rproc_poke(s->kickfd);
	}
	if (nt)
		console_text(s, text, nt, line, llen, lcap);
	return 1;
}

static void *monitor(void *arg)
{
	struct qemu *s = arg;
	unsigned seen = 0, proc_seen = 0, reported = 0;
	int fd = -1; /* our copy of the current QEMU's pidfd */
	pid_t pid = -1;
	bool uart_ok = false;
	struct amp_rproc_wdog wd = { 0, 0 };
	char line[200];
	size_t llen = 0;

	for (;;) {
		struct pollfd pf[3];
		unsigned gen;
		bool running, stopped = false;
		int timeout = -1, n;

		pthread_mutex_lock(&s->run.mu);
		if (s->quit) {
			pthread_mutex_unlock(&s->run.mu);
			break;
		}
		if (proc_seen != s->proc_gen || (fd >= 0 && s->pid != pid)) {
			if (fd >= 0)
				close(fd);
			fd = s->pidfd >= 0 ?
				     fcntl(s->pidfd, F_DUPFD_CLOEXEC, 0) :
				     -1;
			pid = s->pid;
			proc_seen = s->proc_gen;
			uart_ok = fd >= 0;
		}
		if (seen != s->run.gen) {
			seen = s->run.gen;
			amp_rproc_wdog_reset(
				&wd, __atomic_load_n(&s->page->heartbeat,
						     __ATOMIC_ACQUIRE));
		}
		gen = s->run.gen;
		running = s->run.running && reported != gen;
		pthread_mutex_unlock(&s->run.mu);

		if (running && s->watchdog_ms &&
		    amp_rproc_wdog_expired(&wd,
					   __atomic_load_n(&s->page->heartbeat,
							   __ATOMIC_ACQUIRE),
					   s->watchdog_ms, &timeout)) {
			reported = gen;
			amp_rproc_run_report_hang(s->rp, &s->run, gen,
						  s->watchdog_ms);
			continue;
		}
		pf[0] = (struct pollfd){ .fd = s->ctl, .events = POLLIN };
		pf[1] = (struct pollfd){ .fd = uart_ok ? s->uart : -1,
					 .events = POLLIN };
		pf[2] = (struct pollfd){ .fd = fd, .events = POLLIN };
		n = poll(pf, 3, timeout);
		if (n < 0 && errno != EINTR)
			break;
		if (n <= 0)
			continue;
		if (pf[0].revents & POLLIN)
			amp_rproc_drain(s->ctl);
		if (pf[1].revents)
			uart_ok = read_uart(s, &stopped, line, &llen,
					    sizeof(line)) >= 0;
		if (stopped && running) {
			reported = gen;
			report_stopped(s, gen);
			continue;
		}
		if (pf[2].revents) {
			/* drain what it said last, then report its end */
			while (uart_ok && read_uart(s, &stopped, line, &llen,
						    sizeof(line)) > 0)
				;
			close(fd);
			fd = -1;
			uart_ok = false;
			if (running) {
				reported = gen;
				report_exit(s, gen, pid);
			}
		}
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* ---- life ------------------------------------------------------------- */

static void free_qemu(struct qemu *s)
{
	if (s->shm_mapped && amp_static_region_remove(s->shm_name))
		amp_err(-EBUSY,
			"rproc qemu: static region '%s' still open: "
			"close its buffers before destroying the core",
			s->shm_name);
	if (s->fw_mapped) {
		amp_global_lock();
		amp_phys_remove(AMP_QEMU_RAM_BASE);
		amp_global_unlock();
	}
	if (s->ram)
		munmap(s->ram, s->ram_size);
	amp_linux_notifier_close(&s->bell);
	amp_spawner_stop(&s->spawner);
	amp_rproc_link_fini(&s->link);
	if (s->ramfd >= 0)
		close(s->ramfd);
	if (s->kickfd >= 0)
		close(s->kickfd);
	if (s->uart >= 0)
		close(s->uart);
	if (s->ctl >= 0)
		close(s->ctl);
	pthread_mutex_destroy(&s->run.mu);
	pthread_mutex_destroy(&s->con_mu);
	free(s);
}

static void qemu_release(void *priv, struct amp_rproc *rp)
{
	struct qemu *s = priv;

	(void)rp;
	pthread_mutex_lock(&s->run.mu);
	s->quit = true;
	pthread_mutex_unlock(&s->run.mu);
	amp_rproc_poke(s->ctl);
	if (s->monitor_started)
		pthread_join(s->monitor, NULL);
	kill_proc(s);
	free_qemu(s);
}

/* The guest's RAM: the firmware part for remoteproc, the rest static. */
static int map_ram(struct qemu *s, const char *name)
{
	struct amp_phys_region fw = { 0 };
	char path[64];
	int ret;

	s->ramfd = memfd_create("ampshm-qemu-ram", MFD_CLOEXEC);
	if (s->ramfd < 0 || ftruncate(s->ramfd, (off_t)s->ram_size))
		return amp_err(-errno, "rproc qemu: guest RAM memfd");
	s->ram = mmap(NULL, s->ram_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      s->ramfd, 0);
	if (s->ram == MAP_FAILED) {
		s->ram = NULL;
		return amp_err(-errno, "rproc qemu: mapping the guest RAM");
	}
	s->page = (struct amp_qemu_page *)(s->ram + (AMP_QEMU_PAGE_DA -
						     AMP_QEMU_RAM_BASE));
	fw.pa = AMP_QEMU_RAM_BASE;
	fw.size = s->shm_off;
	fw.map = s->ram;
	fw.fd = s->ramfd;
	snprintf(fw.what, sizeof(fw.what), "qemu/%s", name);
	amp_global_lock();
	ret = amp_phys_add(&fw);
	amp_global_unlock();
	if (ret)
		return ret;
	s->fw_mapped = true;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", s->ramfd);
	ret = amp_static_region_add(s->shm_name, AMP_QEMU_RAM_BASE + s->shm_off,
				    s->ram_size - s->shm_off, 0, path,
				    s->shm_off);
	if (ret)
		return ret;
	s->shm_mapped = true;
	return 0;
}

static int check_config(const struct amp_rproc_qemu_config *cfg, uint64_t *ram,
			uint64_t *off)
{
	*ram = cfg->ram_size ? cfg->ram_size : 512 * MiB;
	*off = cfg->shm_offset ? cfg->shm_offset : 16 * MiB;
	if (!cfg->name || !*cfg->name)
		return amp_err(-EINVAL, "rproc qemu: a name is required");
	if (*ram % MiB || *ram < 32 * MiB || *ram > 2048 * MiB)
		return amp_err(-EINVAL,
			       "rproc qemu: RAM of 0x%llx bytes: a MiB "
			       "multiple from 32 MiB to 2 GiB",
			       (unsigned long long)*ram);
	if (*off % MiB || *off < 2 * MiB || *off >= *ram)
		return amp_err(-EINVAL,
			       "rproc qemu: shm_offset 0x%llx: a MiB multiple "
			       "from 2 MiB, inside the RAM",
			       (unsigned long long)*off);
	return 0;
}

int amp_rproc_qemu_create(const struct amp_rproc_qemu_config *cfg,
			  struct amp_rproc **rp)
{
	struct amp_linux_fd_notifier_cfg nc = { .kick_fd = -1,
						.kick_bytes = 8,
						.kick = uart_kick };
	struct amp_rproc_config rc;
	struct qemu *s;
	int ret;

	if (!cfg || !rp)
		return amp_err(-EINVAL,
			       "rproc qemu: config and result required");
	s = calloc(1, sizeof(*s));
	if (!s)
		return amp_err(-ENOMEM, "rproc qemu: out of memory");
	s->ramfd = s->kickfd = s->uart = s->ctl = s->pidfd = -1;
	s->qmp.fd = -1;
	s->pid = -1;
	pthread_mutex_init(&s->run.mu, NULL);
	pthread_mutex_init(&s->con_mu, NULL);
	amp_rproc_link_init(&s->link, NULL, &s->bell, wake_poller, s);
	ret = check_config(cfg, &s->ram_size, &s->shm_off);
	if (!ret)
		ret = find_qemu(cfg->qemu, s->bin, sizeof(s->bin));
	if (ret)
		goto fail;
	snprintf(s->shm_name, sizeof(s->shm_name), "%s",
		 cfg->shm_region ? cfg->shm_region : cfg->name);
	if (!cfg->shm_region)
		snprintf(s->shm_name, sizeof(s->shm_name), "%.59s-shm",
			 cfg->name);
	s->watchdog_ms = cfg->watchdog_ms;
	s->console = cfg->console;
	s->console_priv = cfg->console_priv;
	ret = map_ram(s, cfg->name);
	if (ret)
		goto fail;
	s->kickfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	s->ctl = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	s->uart = open("/dev/null", O_RDWR | O_CLOEXEC); /* until spawned */
	if (s->kickfd < 0 || s->ctl < 0 || s->uart < 0) {
		ret = amp_err(-errno, "rproc qemu: eventfd");
		goto fail;
	}
	nc.wait_fd = fcntl(s->kickfd, F_DUPFD_CLOEXEC, 0);
	nc.kick_priv = s;
	ret = nc.wait_fd < 0 ? -errno : amp_linux_notifier_fd(&nc, &s->bell);
	if (ret)
		goto fail;
	ret = amp_spawner_start(&s->spawner);
	if (ret)
		goto fail;
	rc = (struct amp_rproc_config){ .name = cfg->name,
					.ops = &qemu_ops,
					.priv = s,
					.dma_bits = 32,
					.recovery = cfg->recovery };
	ret = amp_rproc_backend_create(&rc, &s->rp, &s->monitor, monitor, s);
	if (ret)
		goto fail;
	s->link.rp = s->rp;
	s->monitor_started = true;
	*rp = s->rp;
	return 0;
fail:
	free_qemu(s);
	return ret;
}

static struct qemu *qemu_of(struct amp_rproc *rp)
{
	return rp && rp->ops.start == qemu_start ? rp->priv : NULL;
}

int amp_rproc_qemu_pid(struct amp_rproc *rp)
{
	struct qemu *s = qemu_of(rp);
	int pid;

	if (!s)
		return -1;
	pthread_mutex_lock(&s->run.mu);
	pid = (int)s->pid;
	pthread_mutex_unlock(&s->run.mu);
	return pid;
}

uint32_t amp_rproc_qemu_heartbeat(struct amp_rproc *rp)
{
	struct qemu *s = qemu_of(rp);

	return s ? __atomic_load_n(&s->page->heartbeat, __ATOMIC_ACQUIRE) : 0;
}

int amp_rproc_qemu_stats(struct amp_rproc *rp, struct amp_rproc_qemu_stats *st)
{
	struct qemu *s = qemu_of(rp);

	if (!s || !st)
		return -EINVAL;
	pthread_mutex_lock(&s->run.mu);
	pthread_mutex_lock(&s->con_mu);
	*st = s->st;
	pthread_mutex_unlock(&s->con_mu);
	pthread_mutex_unlock(&s->run.mu);
	st->kicks_to_core =
		__atomic_load_n(&s->st.kicks_to_core, __ATOMIC_RELAXED);
	st->kicks_from_core =
		__atomic_load_n(&s->st.kicks_from_core, __ATOMIC_RELAXED);
	return 0;
}

int amp_rproc_qemu_console(struct amp_rproc *rp, char *buf, size_t len)
{
	struct qemu *s = qemu_of(rp);
	size_t n;

	if (!s || !buf || !len)
		return -EINVAL;
	pthread_mutex_lock(&s->con_mu);
	n = s->con_len < len - 1 ? s->con_len : len - 1;
	memcpy(buf, s->con + s->con_len - n, n);
	pthread_mutex_unlock(&s->con_mu);
	buf[n] = '\0';
	return (int)n;
}
