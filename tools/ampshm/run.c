// SPDX-License-Identifier: BSD-3-Clause
/*
 * ampshm run: load a firmware image into a coprocessor (the remoteproc
 * core with the simulated-core backend, or with --remote qemu real ARM
 * firmware under qemu-system-arm), start it, stream its console and trace
 * buffer, report its RPMsg channels and its crashes with the fault
 * address, stop it on Ctrl-C.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ampshm/ampshm.h>
#include <ampshm/remoteproc.h>
#include <ampshm/remoteproc_qemu.h>
#include <ampshm/rpmsg.h>

#include "cli.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void on_state(void *priv, struct amp_rproc *rp,
		     enum amp_rproc_state from, enum amp_rproc_state to)
{
	(void)priv;
	(void)rp;
	printf("ampshm run: %s -> %s\n", amp_rproc_state_name(from),
	       amp_rproc_state_name(to));
	fflush(stdout);
}

static void on_channel(struct amp_rpmsg_dev *rdev, const char *name,
		       uint32_t dest, void *priv)
{
	(void)rdev;
	(void)priv;
	printf("ampshm run: rpmsg channel '%s' at address %u\n", name, dest);
	fflush(stdout);
}

/* New bytes of the trace buffer since last time (it fills linearly). */
static void stream_trace(struct amp_rproc *rp, char *buf, size_t len,
			 size_t *shown)
{
	int n = amp_rproc_read_trace(rp, buf, len);
	size_t end;

	if (n <= 0)
		return;
	end = strnlen(buf, (size_t)n);
	if (end < *shown)
		*shown = 0; /* restarted: a fresh trace */
	if (end > *shown) {
		printf("[trace] %.*s", (int)(end - *shown), buf + *shown);
		if (buf[end - 1] != '\n')
			putchar('\n');
		fflush(stdout);
		*shown = end;
	}
}

static void print_crash(const struct amp_rproc_crash *c)
{
	printf("ampshm run: crash %u: %s", c->count, c->reason);
	if (c->fault_da != AMP_ADDR_ANY)
		printf(" [fault da 0x%llx, pc 0x%llx]",
		       (unsigned long long)c->fault_da,
		       (unsigned long long)c->pc);
	printf("; %u range(s) taken back\n", c->ranges);
	fflush(stdout);
}

/* The QEMU core's console, line by line (the monitor thread). */
static void on_console(void *priv, const char *line)
{
	(void)priv;
	fprintf(stderr, "[console] %s\n", line);
}

static int run_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "recovery", no_argument, NULL, 'r' },
		{ "watchdog", required_argument, NULL, 'w' },
		{ "launcher", required_argument, NULL, 'l' },
		{ "for", required_argument, NULL, 'f' },
		{ "remote", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct amp_rproc_sim_config cfg = { .name = "sim" };
	struct amp_rproc_qemu_config qc = { .name = "arm",
					    .console = on_console };
	bool qemu = false;
	unsigned long for_ms = 0;
	struct amp_rproc *rp;
	struct amp_rproc_crash c;
	struct sigaction sa;
	unsigned char *img;
	size_t size, shown = 0;
	unsigned crashes = 0;
	char trace[4096];
	uint64_t end = 0;
	int ch, ret, status = AMP_CLI_OK;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'r':
			cfg.recovery = true;
			break;
		case 'w':
			cfg.watchdog_ms = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 'l':
			cfg.launcher = optarg;
			break;
		case 'f':
			for_ms = strtoul(optarg, NULL, 0);
			break;
		case 'R':
			if (strcmp(optarg, "sim") && strcmp(optarg, "qemu")) {
				fprintf(stderr, "ampshm run: --remote sim or "
						"qemu\n");
				return AMP_CLI_USAGE;
			}
			qemu = !strcmp(optarg, "qemu");
			break;
		case 'h':
			amp_cli_usage(stdout, &amp_cli_run);
			return AMP_CLI_OK;
		default:
			amp_cli_usage(stderr, &amp_cli_run);
			return AMP_CLI_USAGE;
		}
	}
	if (optind != argc - 1) {
		amp_cli_usage(stderr, &amp_cli_run);
		return AMP_CLI_USAGE;
	}
	ret = amp_cli_read_file(argv[optind], &img, &size);
	if (ret) {
		fprintf(stderr, "ampshm run: %s: %s\n", argv[optind],
			strerror(-ret));
		return AMP_CLI_FAIL;
	}
	qc.recovery = cfg.recovery;
	qc.watchdog_ms = cfg.watchdog_ms;
	ret = qemu ? amp_rproc_qemu_create(&qc, &rp) :
		     amp_rproc_sim_create(&cfg, &rp);
	if (ret) {
		fprintf(stderr, "ampshm run: %s\n", amp_last_error());
		free(img);
		return AMP_CLI_FAIL;
	}
	amp_rproc_subscribe(rp, on_state, NULL);
	amp_rproc_set_ns_bind_cb(rp, on_channel, NULL);
	ret = amp_rproc_load(rp, img, size);
	if (!ret)
		ret = amp_rproc_start(rp);
	if (ret) {
		fprintf(stderr, "ampshm run: %s\n", amp_last_error());
		amp_rproc_destroy(rp);
		free(img);
		return AMP_CLI_FAIL;
	}
	printf("ampshm run: %s running on %s (pid %d, entry 0x%llx)%s\n",
	       argv[optind], qemu ? "qemu-system-arm" : "the simulated core",
	       qemu ? amp_rproc_qemu_pid(rp) : amp_rproc_sim_pid(rp),
	       (unsigned long long)amp_rproc_entry(rp),
	       for_ms ? "" : "; Ctrl-C stops it");
	fflush(stdout);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (for_ms)
		end = now_ms() + for_ms;
	while (!stop_requested && (!end || now_ms() < end)) {
		enum amp_rproc_state st;

		if (amp_rproc_poll(rp, 50 * 1000) == -ENOTCONN) {
			struct timespec ts = { 0, 10 * 1000 * 1000 };

			nanosleep(&ts, NULL);
		}
		stream_trace(rp, trace, sizeof(trace), &shown);
		amp_rproc_last_crash(rp, &c);
		if (c.count != crashes) {
			crashes = c.count;
			print_crash(&c);
		}
		st = amp_rproc_state(rp);
		if (st == AMP_RPROC_CRASHED) {
			status = AMP_CLI_FAIL;
			break;
		}
	}
	if (stop_requested)
		printf("ampshm run: stopping\n");
	amp_rproc_destroy(rp);
	free(img);
	return status;
}

const struct amp_cli_cmd amp_cli_run = {
	.name = "run",
	.summary = "load and run a firmware image on a coprocessor (simulated "
		   "or QEMU)",
	.usage = "run [--remote sim|qemu] [--recovery] [--watchdog MS]\n"
		 "    [--launcher PATH] [--for MS] FW.elf\n\n"
		 "  --remote         sim: a simulated core running firmware "
		 "built for this\n"
		 "                   host (default); qemu: real ARM firmware "
		 "(built for\n"
		 "                   firmware/boards/qemu-virt) under "
		 "qemu-system-arm\n"
		 "  --recovery       reload and restart the firmware after a "
		 "crash\n"
		 "  --watchdog MS    a heartbeat still for MS milliseconds is "
		 "a hang (killed,\n"
		 "                   reported, recovered with --recovery)\n"
		 "  --launcher PATH  the simulated core's launcher (default: "
		 "$AMPSHM_CORE,\n"
		 "                   or ampshm-core beside this program or in "
		 "the build tree)\n"
		 "  --for MS         stop after MS milliseconds (default: "
		 "until Ctrl-C)\n\n"
		 "The firmware's console goes to stderr (QEMU: as [console] "
		 "lines), its\ntrace buffer to "
		 "stdout as\n"
		 "[trace] lines; state changes, RPMsg channels and crashes "
		 "(with the\n"
		 "faulting device address and program counter) are reported. "
		 "Exit status 1\n"
		 "if the core crashed and was not recovered.\n",
	.run = run_main,
};
