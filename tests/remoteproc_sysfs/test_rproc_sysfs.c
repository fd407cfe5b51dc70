/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel remoteproc control against a fake sysfs in a temporary directory,
 * laid out like the kernel's: class/remoteproc/remoteprocN are links into
 * devices/, rpmsg char devices and channels are links to directories
 * under their remoteproc. A helper thread plays the kernel: it answers a
 * "start" or "stop" written to `state` by rewriting the file.
 *
 * Three remoteprocs: remoteproc0 "r5f", remoteproc1 "dsp", remoteproc10
 * "m4" (its path starts like remoteproc1's: its devices must not count as
 * the dsp's).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <ampshm/error.h>
#include <ampshm/remoteproc_sysfs.h>

static char root[256];

static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Replace a file as a whole (a reader never sees it half written). */
static void put_atomic(const char *rel, const char *text)
{
	char tmp[512], path[512];

	snprintf(tmp, sizeof(tmp), "%s.new", rel);
	put(tmp, text);
	snprintf(tmp, sizeof(tmp), "%s/%s.new", root, rel);
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(rename(tmp, path), 0);
}

static void get(const char *rel, char *buf, size_t len)
{
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

#define R5F "devices/platform/r5f@ff9a0000/remoteproc/remoteproc0"
#define DSP "devices/platform/dsp@1000000/remoteproc/remoteproc1"
#define M4 "devices/platform/m4@2000000/remoteproc/remoteproc10"

static void add_rproc(const char *dev, const char *id, const char *name)
{
	char rel[256];

	sh("mkdir -p %s/%s && ln -s ../../%s %s/class/remoteproc/%s", root, dev,
	   dev, root, id);
	snprintf(rel, sizeof(rel), "%s/name", dev);
	put(rel, name);
	snprintf(rel, sizeof(rel), "%s/state", dev);
	put(rel, "offline\n");
	snprintf(rel, sizeof(rel), "%s/firmware", dev);
	put(rel, "rproc-fw\n");
	snprintf(rel, sizeof(rel), "%s/recovery", dev);
	put(rel, "enabled\n");
	snprintf(rel, sizeof(rel), "%s/coredump", dev);
	put(rel, "disabled\n");
}

/* An rpmsg char device (class/rpmsg) and channel (bus/rpmsg) under @dev. */
static void add_rpmsg(const char *dev, const char *virtio, const char *chan,
		      const char *chrdev)
{
	char d[512];

	snprintf(d, sizeof(d), "%s/%s#vdev0buffer/%s/%s", dev,
		 strrchr(dev, '/') + 1, virtio, chan);
	sh("mkdir -p '%s/%s/rpmsg/%s'", root, d, chrdev);
	sh("ln -s '../../%s/rpmsg/%s' '%s/class/rpmsg/%s'", d, chrdev, root,
	   chrdev);
	sh("ln -sf '../../../%s' '%s/bus/rpmsg/devices/%s'", d, root, chan);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/amp_rproc_sysfs.XXXXXX");
	assert_non_null(mkdtemp(root));
	chmod(root, 0755);
	sh("mkdir -p %s/class/remoteproc %s/class/rpmsg %s/bus/rpmsg/devices",
	   root, root, root);
	add_rproc(R5F, "remoteproc0", "r5f\n");
	add_rproc(DSP, "remoteproc1", "dsp\n");
	add_rproc(M4, "remoteproc10", "m4\n");
	add_rpmsg(R5F, "virtio0", "virtio0.rpmsg_ctrl.0.0", "rpmsg_ctrl0");
	add_rpmsg(R5F, "virtio0", "virtio0.rpmsg-raw.-1.1024", "rpmsg0");
	add_rpmsg(R5F, "virtio0", "virtio0.rpmsg-raw.-1.1025", "rpmsg1");
	add_rpmsg(DSP, "virtio1", "virtio1.rpmsg_ctrl.0.0", "rpmsg_ctrl1");
	add_rpmsg(M4, "virtio2", "virtio2.rpmsg_ctrl.0.0", "rpmsg_ctrl2");
	add_rpmsg(M4, "virtio2", "virtio2.rpmsg-tty.-1.1024", "rpmsg2");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -rf %s", root);
	return 0;
}

static struct amp_rproc_sysfs *open_ok(const char *name)
{
	struct amp_rproc_sysfs *rs = NULL;

	assert_int_equal(amp_rproc_sysfs_open(root, name, &rs), 0);
	assert_non_null(rs);
	return rs;
}

static void test_find(void **state)
{
	struct amp_rproc_sysfs *rs;
	char want[512];

	(void)state;
	rs = open_ok("r5f");
	snprintf(want, sizeof(want), "%s/class/remoteproc/remoteproc0", root);
	assert_string_equal(amp_rproc_sysfs_path(rs), want);
	amp_rproc_sysfs_close(rs);
	rs = open_ok("dsp");
	snprintf(want, sizeof(want), "%s/class/remoteproc/remoteproc1", root);
	assert_string_equal(amp_rproc_sysfs_path(rs), want);
	amp_rproc_sysfs_close(rs);
	rs = open_ok("m4");
	amp_rproc_sysfs_close(rs);

	assert_int_equal(amp_rproc_sysfs_open(root, "c7x", &rs), -ENOENT);
	assert_null(rs);
	snprintf(want, sizeof(want),
		 "remoteproc 'c7x' not found under %s/class/remoteproc", root);
	assert_non_null(strstr(amp_last_error(), want));
	assert_non_null(strstr(amp_last_error(), "'r5f'"));
	assert_non_null(strstr(amp_last_error(), "'dsp'"));

	assert_int_equal(amp_rproc_sysfs_open(root, "", &rs), -EINVAL);
	assert_int_equal(amp_rproc_sysfs_open(root, "a/b", &rs), -EINVAL);
	assert_int_equal(amp_rproc_sysfs_open(root, NULL, &rs), -EINVAL);

	/* No remoteproc class at all: the kernel option is named. */
	snprintf(want, sizeof(want), "%s/class", root);
	assert_int_equal(amp_rproc_sysfs_open(want, "r5f", &rs), -ENOENT);
	assert_non_null(strstr(amp_last_error(), "CONFIG_REMOTEPROC"));
	/* This machine's own /sys has none either (no Debian kernel has). */
	if (access("/sys/class/remoteproc", F_OK)) {
		assert_int_equal(amp_rproc_sysfs_open(NULL, "r5f", &rs),
				 -ENOENT);
		assert_non_null(
			strstr(amp_last_error(), "/sys/class/remoteproc"));
	}
}

static void test_ambiguous(void **state)
{
	struct amp_rproc_sysfs *rs;

	(void)state;
	put(M4 "/name", "dsp\n");
	assert_int_equal(amp_rproc_sysfs_open(root, "dsp", &rs), -EEXIST);
	assert_non_null(strstr(amp_last_error(), "ambiguous"));
	put(M4 "/name", "m4\n");
	/* An entry that is not remoteproc<digits> is not looked at. */
	sh("mkdir -p %s/class/remoteproc/remoteprocX && echo dsp >"
	   "%s/class/remoteproc/remoteprocX/name",
	   root, root);
	rs = open_ok("dsp");
	amp_rproc_sysfs_close(rs);
	sh("rm -rf %s/class/remoteproc/remoteprocX", root);
}

static void test_states(void **state)
{
	static const char *const words[] = { "offline",	 "suspended",
					     "running",	 "crashed",
					     "deleted",	 "attached",
					     "detached", "invalid" };
	struct amp_rproc_sysfs *rs = open_ok("r5f");
	enum amp_rproc_kstate st;
	char big[400];

	(void)state;
	for (unsigned i = 0; i < 8; i++) {
		char text[32];

		snprintf(text, sizeof(text), " %s \n", words[i]);
		put(R5F "/state", text);
		assert_int_equal(amp_rproc_sysfs_state(rs, &st), 0);
		assert_int_equal(st, i);
		assert_string_equal(amp_rproc_kstate_name(st), words[i]);
	}
	assert_string_equal(amp_rproc_kstate_name((enum amp_rproc_kstate)99),
			    "?");

	/* Garbage: refused, quoted (sanitized), the file named. */
	put(R5F "/state", "runningX\n");
	assert_int_equal(amp_rproc_sysfs_state(rs, &st), -EIO);
	assert_non_null(strstr(amp_last_error(), "state 'runningX'"));
	assert_non_null(strstr(amp_last_error(), "remoteproc0/state"));
	put(R5F "/state", "");
	assert_int_equal(amp_rproc_sysfs_state(rs, &st), -EIO);
	assert_non_null(strstr(amp_last_error(), "state ''"));
	put(R5F "/state", "run\x1bning\n");
	assert_int_equal(amp_rproc_sysfs_state(rs, &st), -EIO);
	assert_non_null(strstr(amp_last_error(), "control character"));
	assert_non_null(strstr(amp_last_error(), "run?ning"));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put(R5F "/state", big);
	assert_int_equal(amp_rproc_sysfs_state(rs, &st), -EIO);
	assert_non_null(strstr(amp_last_error(), "more than"));

	/* Missing attribute: the file is named. */
	sh("rm %s/" R5F "/state", root);
	assert_int_equal(amp_rproc_sysfs_state(rs, &st), -ENOENT);
	assert_non_null(strstr(amp_last_error(), "remoteproc0/state"));
	put(R5F "/state", "offline\n");
	amp_rproc_sysfs_close(rs);
}

/* The fake kernel: answers what is written to one `state` file. */
struct fake_kernel {
	pthread_t thread;
	const char *state_rel;
	const char *on_start; /* what "start" becomes */
	unsigned delay_ms;
	unsigned recover_ms; /* if set: "running" after that long, once */
	volatile int quit;
	int answered;
};

static void *kernel_thread(void *arg)
{
	struct fake_kernel *k = arg;
	struct timespec ts = { 0, 200000 };
	char buf[64];

	if (k->recover_ms) {
		struct timespec d = { 0, (long)k->recover_ms * 1000000 };

		nanosleep(&d, NULL);
		put_atomic(k->state_rel, "running\n");
		k->answered++;
	}
	while (!k->quit) {
		get(k->state_rel, buf, sizeof(buf));
		if (!strcmp(buf, "start") || !strcmp(buf, "stop")) {
			struct timespec d = { 0, (long)k->delay_ms * 1000000 };

			nanosleep(&d, NULL);
			put_atomic(k->state_rel, !strcmp(buf, "start") ?
							 k->on_start :
							 "offline\n");
			k->answered++;
		}
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void kernel_run(struct fake_kernel *k, const char *rel,
		       const char *on_start, unsigned delay_ms)
{
	memset(k, 0, sizeof(*k));
	k->state_rel = rel;
	k->on_start = on_start;
	k->delay_ms = delay_ms;
	assert_int_equal(pthread_create(&k->thread, NULL, kernel_thread, k), 0);
}

/* A kernel recovering a crashed core: "running" after @ms. */
static void kernel_recover(struct fake_kernel *k, const char *rel, unsigned ms)
{
	memset(k, 0, sizeof(*k));
	k->state_rel = rel;
	k->on_start = "running\n";
	k->recover_ms = ms;
	assert_int_equal(pthread_create(&k->thread, NULL, kernel_thread, k), 0);
}

static void kernel_stop(struct fake_kernel *k)
{
	k->quit = 1;
	pthread_join(k->thread, NULL);
}

static void test_start_stop(void **state)
{
	struct amp_rproc_sysfs *rs = open_ok("r5f");
	struct amp_rproc_sysfs *dsp = open_ok("dsp");
	struct fake_kernel k;
	enum amp_rproc_kstate st;
	char buf[64];

	(void)state;
	kernel_run(&k, R5F "/state", "running\n", 5);
	assert_int_equal(amp_rproc_sysfs_start(rs, 5000), 0);
	assert_int_equal(amp_rproc_sysfs_state(rs, &st), 0);
	assert_int_equal(st, AMP_RPROC_K_RUNNING);
	/* The other remoteproc was not touched. */
	assert_int_equal(amp_rproc_sysfs_state(dsp, &st), 0);
	assert_int_equal(st, AMP_RPROC_K_OFFLINE);
	/* Running: a second start and a new firmware are refused. */
	assert_int_equal(amp_rproc_sysfs_start(rs, 100), -EBUSY);
	assert_non_null(strstr(amp_last_error(), "state 'running'"));
	assert_int_equal(amp_rproc_sysfs_set_firmware(rs, "other.elf"), -EBUSY);
	assert_non_null(strstr(amp_last_error(), "offline"));
	assert_int_equal(amp_rproc_sysfs_stop(rs, 5000), 0);
	assert_int_equal(amp_rproc_sysfs_state(rs, &st), 0);
	assert_int_equal(st, AMP_RPROC_K_OFFLINE);
	/* Stopping an offline core does nothing. */
	assert_int_equal(amp_rproc_sysfs_stop(rs, 100), 0);
	kernel_stop(&k);
	assert_int_equal(k.answered, 2);

	/* A core that crashes while starting. */
	kernel_run(&k, R5F "/state", "crashed\n", 1);
	assert_int_equal(amp_rproc_sysfs_start(rs, 5000), -EIO);
	assert_non_null(strstr(amp_last_error(), "state 'crashed'"));
	kernel_stop(&k);
	/* Crashed: neither start nor stop; recover asks the kernel. */
	assert_int_equal(amp_rproc_sysfs_start(rs, 100), -EBUSY);
	assert_non_null(strstr(amp_last_error(), "state 'crashed'"));
	assert_int_equal(amp_rproc_sysfs_stop(rs, 100), -EBUSY);
	assert_non_null(strstr(amp_last_error(), "recover"));
	assert_int_equal(amp_rproc_sysfs_recover(rs), 0);
	get(R5F "/recovery", buf, sizeof(buf));
	assert_string_equal(buf, "recover");
	put(R5F "/recovery", "enabled\n");

	/* A kernel that takes the write but does not start the core. */
	put(R5F "/state", "offline\n");
	kernel_run(&k, R5F "/state", "offline\n", 0);
	assert_int_equal(amp_rproc_sysfs_start(rs, 1000), -ETIMEDOUT);
	assert_non_null(strstr(amp_last_error(), "still 'offline'"));
	kernel_stop(&k);
	/* A kernel that answers garbage: the garbage is quoted. */
	put(R5F "/state", "offline\n");
	kernel_run(&k, R5F "/state", "on fire\n", 1);
	assert_int_equal(amp_rproc_sysfs_start(rs, 5000), -EIO);
	assert_non_null(strstr(amp_last_error(), "state 'on fire'"));
	kernel_stop(&k);
	put(R5F "/state", "offline\n");

	/* Attached (started by the boot loader) counts as started. */
	kernel_run(&k, DSP "/state", "attached\n", 0);
	assert_int_equal(amp_rproc_sysfs_start(dsp, 5000), 0);
	assert_int_equal(amp_rproc_sysfs_stop(dsp, 5000), 0);
	kernel_stop(&k);
	amp_rproc_sysfs_close(dsp);
	amp_rproc_sysfs_close(rs);
}

static void test_firmware(void **state)
{
	struct amp_rproc_sysfs *rs = open_ok("r5f");
	char buf[64], small[4];

	(void)state;
	assert_int_equal(amp_rproc_sysfs_firmware(rs, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "rproc-fw");
	assert_int_equal(amp_rproc_sysfs_set_firmware(rs, "ti/r5f-echo.elf"),
			 0);
	get(R5F "/firmware", buf, sizeof(buf));
	assert_string_equal(buf, "ti/r5f-echo.elf");
	assert_int_equal(amp_rproc_sysfs_firmware(rs, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "ti/r5f-echo.elf");
	assert_int_equal(amp_rproc_sysfs_firmware(rs, small, sizeof(small)),
			 -ENOSPC);
	assert_int_equal(amp_rproc_sysfs_set_firmware(rs, ""), -EINVAL);
	assert_int_equal(amp_rproc_sysfs_set_firmware(rs, "/lib/firmware/x"),
			 -EINVAL);
	assert_int_equal(amp_rproc_sysfs_set_firmware(rs, "../../etc/passwd"),
			 -EINVAL);
	assert_int_equal(amp_rproc_sysfs_set_firmware(rs, "a b"), -EINVAL);
	assert_int_equal(amp_rproc_sysfs_set_firmware(rs, "a\nb"), -EINVAL);
	get(R5F "/firmware", buf, sizeof(buf));
	assert_string_equal(buf, "ti/r5f-echo.elf");
	amp_rproc_sysfs_close(rs);
}

static void test_recovery_coredump(void **state)
{
	struct amp_rproc_sysfs *rs = open_ok("dsp");
	enum amp_rproc_coredump mode;
	bool on;
	char buf[64];

	(void)state;
	assert_int_equal(amp_rproc_sysfs_recovery(rs, &on), 0);
	assert_true(on);
	assert_int_equal(amp_rproc_sysfs_set_recovery(rs, false), 0);
	get(DSP "/recovery", buf, sizeof(buf));
	assert_string_equal(buf, "disabled");
	assert_int_equal(amp_rproc_sysfs_recovery(rs, &on), 0);
	assert_false(on);
	put(DSP "/recovery", "maybe\n");
	assert_int_equal(amp_rproc_sysfs_recovery(rs, &on), -EIO);
	assert_non_null(strstr(amp_last_error(), "recovery 'maybe'"));

	assert_int_equal(amp_rproc_sysfs_coredump(rs, &mode), 0);
	assert_int_equal(mode, AMP_RPROC_COREDUMP_DISABLED);
	assert_int_equal(
		amp_rproc_sysfs_set_coredump(rs, AMP_RPROC_COREDUMP_INLINE), 0);
	get(DSP "/coredump", buf, sizeof(buf));
	assert_string_equal(buf, "inline");
	assert_int_equal(amp_rproc_sysfs_coredump(rs, &mode), 0);
	assert_int_equal(mode, AMP_RPROC_COREDUMP_INLINE);
	put(DSP "/coredump", "enabled");
	assert_int_equal(amp_rproc_sysfs_coredump(rs, &mode), 0);
	assert_int_equal(mode, AMP_RPROC_COREDUMP_ENABLED);
	assert_int_equal(
		amp_rproc_sysfs_set_coredump(rs, (enum amp_rproc_coredump)7),
		-EINVAL);
	put(DSP "/coredump", "full\n");
	assert_int_equal(amp_rproc_sysfs_coredump(rs, &mode), -EIO);
	/* A kernel without the attribute. */
	sh("rm %s/" DSP "/coredump", root);
	assert_int_equal(amp_rproc_sysfs_coredump(rs, &mode), -ENOENT);
	assert_non_null(strstr(amp_last_error(), "remoteproc1/coredump"));
	put(DSP "/coredump", "disabled\n");
	put(DSP "/recovery", "enabled\n");
	amp_rproc_sysfs_close(rs);
}

static void test_crash(void **state)
{
	struct amp_rproc_sysfs *rs = open_ok("r5f");
	struct fake_kernel k;
	char buf[64];

	(void)state;
	assert_int_equal(amp_rproc_sysfs_crash(rs, NULL), -ENOTSUP);
	assert_non_null(strstr(amp_last_error(), "CONFIG_DEBUG_FS"));
	sh("mkdir -p %s/kernel/debug/remoteproc/remoteproc0", root);
	put("kernel/debug/remoteproc/remoteproc0/crash", "");
	assert_int_equal(amp_rproc_sysfs_crash(rs, "bogus"), -EINVAL);
	assert_int_equal(amp_rproc_sysfs_crash(rs, "watchdog"), 0);
	get("kernel/debug/remoteproc/remoteproc0/crash", buf, sizeof(buf));
	assert_string_equal(buf, "watchdog");
	assert_int_equal(amp_rproc_sysfs_crash(rs, NULL), 0);
	get("kernel/debug/remoteproc/remoteproc0/crash", buf, sizeof(buf));
	assert_string_equal(buf, "fatal-error");

	/* Crash and recovery as the kernel reports them: running, crashed,
	 * running again; waiting for "running" sees through the crash. */
	put(R5F "/state", "crashed\n");
	assert_int_equal(amp_rproc_sysfs_wait(rs, AMP_RPROC_K_CRASHED, 100), 0);
	kernel_recover(&k, R5F "/state", 20);
	assert_int_equal(amp_rproc_sysfs_wait(rs, AMP_RPROC_K_RUNNING, 5000),
			 0);
	kernel_stop(&k);
	assert_int_equal(amp_rproc_sysfs_wait(rs, AMP_RPROC_K_OFFLINE, 20),
			 -ETIMEDOUT);
	assert_non_null(strstr(amp_last_error(), "still 'running'"));
	assert_int_equal(amp_rproc_sysfs_wait(rs, (enum amp_rproc_kstate)42,
					      20),
			 -EINVAL);
	put(R5F "/state", "offline\n");
	amp_rproc_sysfs_close(rs);
}

static void test_rpmsg(void **state)
{
	struct amp_rproc_rpmsg_dev devs[8];
	char chans[8][64];
	struct amp_rproc_sysfs *rs;
	size_t n;

	(void)state;
	rs = open_ok("r5f");
	assert_int_equal(amp_rproc_sysfs_rpmsg_devs(rs, devs, 8, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(devs[0].name, "rpmsg0");
	assert_string_equal(devs[0].dev, "/dev/rpmsg0");
	assert_false(devs[0].ctrl);
	assert_string_equal(devs[1].name, "rpmsg1");
	assert_string_equal(devs[2].name, "rpmsg_ctrl0");
	assert_string_equal(devs[2].dev, "/dev/rpmsg_ctrl0");
	assert_true(devs[2].ctrl);
	/* Room for one: the count still says three. */
	assert_int_equal(amp_rproc_sysfs_rpmsg_devs(rs, devs, 1, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(amp_rproc_sysfs_rpmsg_channels(rs, chans, 8, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(chans[0], "virtio0.rpmsg-raw.-1.1024");
	assert_string_equal(chans[1], "virtio0.rpmsg-raw.-1.1025");
	assert_string_equal(chans[2], "virtio0.rpmsg_ctrl.0.0");
	amp_rproc_sysfs_close(rs);

	/* remoteproc1: not remoteproc10's devices. */
	rs = open_ok("dsp");
	assert_int_equal(amp_rproc_sysfs_rpmsg_devs(rs, devs, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(devs[0].name, "rpmsg_ctrl1");
	assert_int_equal(amp_rproc_sysfs_rpmsg_channels(rs, chans, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(chans[0], "virtio1.rpmsg_ctrl.0.0");
	amp_rproc_sysfs_close(rs);

	rs = open_ok("m4");
	assert_int_equal(amp_rproc_sysfs_rpmsg_devs(rs, devs, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(devs[0].name, "rpmsg2");
	assert_string_equal(devs[1].name, "rpmsg_ctrl2");
	/* A dangling link and a name that is not a char device: skipped. */
	sh("ln -s ../../nowhere %s/class/rpmsg/rpmsg9", root);
	sh("ln -s ../../" M4 " %s/class/rpmsg/rpmsgX", root);
	assert_int_equal(amp_rproc_sysfs_rpmsg_devs(rs, devs, 8, &n), 0);
	assert_int_equal(n, 2);
	sh("rm %s/class/rpmsg/rpmsg9 %s/class/rpmsg/rpmsgX", root, root);
	amp_rproc_sysfs_close(rs);

	/* A kernel without rpmsg: none, not an error. */
	sh("mv %s/class/rpmsg %s/class/rpmsg.off", root, root);
	rs = open_ok("r5f");
	assert_int_equal(amp_rproc_sysfs_rpmsg_devs(rs, devs, 8, &n), 0);
	assert_int_equal(n, 0);
	amp_rproc_sysfs_close(rs);
	sh("mv %s/class/rpmsg.off %s/class/rpmsg", root, root);
}

/* Permission errors name the file (as an unprivileged user). */
static void test_permissions(void **state)
{
	struct amp_rproc_sysfs *rs = open_ok("r5f");
	enum amp_rproc_kstate st;
	pid_t pid;
	int status;

	(void)state;
	sh("chmod -R a+rX %s && chmod 0444 %s/" R5F "/state && chmod 0000 "
	   "%s/" R5F "/recovery",
	   root, root, root);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		bool on;

		if (geteuid() == 0 && (setgid(65534) || setuid(65534)))
			_exit(10);
		if (amp_rproc_sysfs_state(rs, &st) || st != AMP_RPROC_K_OFFLINE)
			_exit(11);
		if (amp_rproc_sysfs_start(rs, 10) != -EACCES ||
		    !strstr(amp_last_error(), "permission denied writing '") ||
		    !strstr(amp_last_error(), "remoteproc0/state'"))
			_exit(12);
		if (amp_rproc_sysfs_recovery(rs, &on) != -EACCES ||
		    !strstr(amp_last_error(), "permission denied reading '") ||
		    !strstr(amp_last_error(), "remoteproc0/recovery'"))
			_exit(13);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	amp_rproc_sysfs_close(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_ambiguous),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_start_stop),
		cmocka_unit_test(test_firmware),
		cmocka_unit_test(test_recovery_coredump),
		cmocka_unit_test(test_crash),
		cmocka_unit_test(test_rpmsg),
		cmocka_unit_test(test_permissions),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
