// SPDX-License-Identifier: BSD-3-Clause
/*
 * ampshm-core: the process a simulated coprocessor runs in.
 *
 * It receives from the host (over the UNIX socket whose number is argv[1];
 * argv[2] is the host's pid, to die with it)
 * the board page and the runs of the device's address space, maps each
 * run at its device address (amp_linux_map_run()) and the firmware's code
 * ranges read+execute, then jumps to the image's entry with a pointer to
 * its board services. From then on the firmware only touches device
 * addresses; the launcher's own code and data (the services below, the
 * C library) are reached only through the service pointers.
 *
 * A fault (SIGSEGV, SIGBUS, SIGILL, SIGFPE) is recorded in the board page
 * (faulting address and program counter) before the process dies of it,
 * so the host can report "device fault at da ..., pc ...".
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <ucontext.h>
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

#include <ampfw/board.h>
#include <ampshm/linux_devmap.h>
#include <ampshm/linux_notify.h>

#include "remoteproc/sim_proto.h"

static struct amp_simcore_page *page;
static struct amp_linux_notifier bell;
static char altstack[64 * 1024];

static int sim_notify(const struct ampfw_board *b, uint32_t notifyid)
{
	(void)b;
	(void)notifyid;
	__atomic_add_fetch(&page->notifies, 1, __ATOMIC_RELAXED);
	return bell.ops->notify(bell.priv);
}

static uint32_t sim_wait_prepare(const struct ampfw_board *b)
{
	(void)b;
	return bell.ops->prepare(bell.priv);
}

static int sim_wait(const struct ampfw_board *b, uint32_t token,
		    uint32_t *remaining_us)
{
	(void)b;
	return bell.ops->wait(bell.priv, token, remaining_us);
}

static void sim_console_write(const struct ampfw_board *b, const char *s,
			      size_t len)
{
	(void)b;
	while (len) {
		ssize_t n = write(STDERR_FILENO, s, len);

		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

static void sim_heartbeat(const struct ampfw_board *b)
{
	(void)b;
	__atomic_add_fetch(&page->heartbeat, 1, __ATOMIC_RELEASE);
}

static __attribute__((noreturn)) void sim_exit(const struct ampfw_board *b,
					       int code)
{
	(void)b;
	page->exit_code = code;
	__atomic_store_n(&page->state, AMP_SIMCORE_EXITED, __ATOMIC_RELEASE);
	_exit(code & 0x7f);
}

static const struct ampfw_board board = {
	.version = AMPFW_BOARD_VERSION,
	.size = sizeof(struct ampfw_board),
	.notify = sim_notify,
	.wait_prepare = sim_wait_prepare,
	.wait = sim_wait,
	.console_write = sim_console_write,
	.heartbeat = sim_heartbeat,
	.exit = sim_exit,
	/* the core is a host process: it shares the host's caches */
	.flags = AMPFW_BOARD_F_COHERENT,
};

/*
 * The IOMMU agent: after the start, the host sends every run the device
 * gains (mapped) or loses (unmapped) while the core runs, and waits for
 * our answer (an int32_t: 0 or -errno) before its attach or detach
 * returns. Runs in its own thread of the launcher, started before the
 * firmware; the firmware cannot name its stack or code.
 */
static void *agent(void *arg)
{
	int sock = (int)(intptr_t)arg;

	for (;;) {
		struct amp_dev_run run;
		bool mapped;
		int32_t status;
		int ret = amp_linux_recv_run(sock, &run, &mapped);

		if (ret)
			break; /* the host closed: it stopped us */
		if (mapped)
			ret = amp_linux_map_run(&run);
		else
			ret = amp_linux_unmap_run(&run);
		if (run.fd >= 0)
			close(run.fd);
		status = ret;
		if (send(sock, &status, sizeof(status), MSG_NOSIGNAL) < 0)
			break;
	}
	close(sock);
	return NULL;
}

/* Record the fault, then return: SA_RESETHAND lets it kill us. */
static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	uint64_t pc = 0;

#if defined(__x86_64__)
	pc = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	pc = (uint64_t)uc->uc_mcontext.pc;
#else
	(void)uc;
#endif
	page->fault_sig = (uint32_t)sig;
	page->fault_code = (uint32_t)si->si_code;
	page->fault_addr = (uint64_t)(uintptr_t)si->si_addr;
	page->fault_pc = pc;
	__atomic_store_n(&page->state, AMP_SIMCORE_FAULTED, __ATOMIC_RELEASE);
	if (sig == SIGILL || sig == SIGFPE)
		raise(sig); /* not re-raised by returning */
}

static int die(const char *what, int err)
{
	fprintf(stderr, "ampshm-core: %s: %s\n", what, strerror(err));
	return 100;
}

static int recv_start(int sock, struct amp_simcore_start *st, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = st, .iov_len = sizeof(*st) };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	ssize_t n;

	*fd = -1;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	if (n != (ssize_t)sizeof(*st) || st->magic != AMP_SIMCORE_MAGIC ||
	    st->nexec > AMP_SIMCORE_MAX_EXEC || *fd < 0)
		return -EPROTO;
	return 0;
}

int main(int argc, char **argv)
{
	struct amp_simcore_start st;
	struct sigaction sa;
	stack_t ss;
	int sock, fd, ret;
	void (*entry)(const struct ampfw_board *);

	if (argc != 3) {
		fprintf(stderr,
			"usage: ampshm-core SOCKET-FD HOST-PID (started "
			"by the host's remoteproc, not by hand)\n");
		return 2;
	}
	sock = atoi(argv[1]);
	/* Die with the host; if it is already gone, do not start at all. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return die("PR_SET_PDEATHSIG", errno);
	if (getppid() != (pid_t)atol(argv[2]))
		return die("host", ESRCH);
	ret = recv_start(sock, &st, &fd);
	if (ret)
		return die("start message", -ret);
	page = mmap(NULL, AMP_SIMCORE_PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, 0);
	close(fd);
	if (page == MAP_FAILED)
		return die("board page", errno);
	for (uint32_t i = 0; i < st.nruns; i++) {
		struct amp_dev_run run;
		bool mapped;

		ret = amp_linux_recv_run(sock, &run, &mapped);
		if (ret || !mapped)
			return die("receiving a run", ret ? -ret : EPROTO);
		ret = amp_linux_map_run(&run);
		close(run.fd);
		if (ret)
			return die("mapping a run", -ret);
	}
	for (uint32_t i = 0; i < st.nexec; i++)
		if (mprotect((void *)(uintptr_t)st.exec[i].da, st.exec[i].len,
			     PROT_READ | PROT_EXEC))
			return die("code range not mapped", errno);
	ret = amp_linux_notifier_futex(page->bell_core, page->bell_host, 0,
				       &bell);
	if (ret)
		return die("doorbell", -ret);

	{
		pthread_t t;

		ret = pthread_create(&t, NULL, agent, (void *)(intptr_t)sock);
		if (ret)
			return die("IOMMU agent thread", ret);
		pthread_detach(t);
	}

	ss = (stack_t){ .ss_sp = altstack, .ss_size = sizeof(altstack) };
	if (sigaltstack(&ss, NULL))
		return die("sigaltstack", errno);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);

	__atomic_store_n(&page->state, AMP_SIMCORE_RUNNING, __ATOMIC_RELEASE);
	entry = (void (*)(const struct ampfw_board *))(uintptr_t)st.entry;
	entry(&board);
	return 101; /* _start never returns */
}
