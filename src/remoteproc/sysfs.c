/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control of a coprocessor the Linux kernel owns, through
 * /sys/class/remoteproc/remoteprocN. See <ampshm/remoteproc_sysfs.h>.
 *
 * Everything read from sysfs is untrusted: read with a bound, trimmed,
 * checked for control characters and against the words the kernel uses
 * (drivers/remoteproc/remoteproc_sysfs.c).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ampshm/remoteproc_sysfs.h>

#include "core/error.h"

#define ATTR_MAX 256 /* longest value we accept from an attribute */

struct amp_rproc_sysfs {
	char name[64]; /* the `name` attribute */
	char id[32]; /* "remoteprocN" */
	char root[PATH_MAX]; /* the sysfs root */
	char dir[PATH_MAX]; /* <root>/class/remoteproc/remoteprocN */
	char real[PATH_MAX]; /* where it really is (its device directory) */
};

static const char *const kstate_names[] = {
	[AMP_RPROC_K_OFFLINE] = "offline",
	[AMP_RPROC_K_SUSPENDED] = "suspended",
	[AMP_RPROC_K_RUNNING] = "running",
	[AMP_RPROC_K_CRASHED] = "crashed",
	[AMP_RPROC_K_DELETED] = "deleted",
	[AMP_RPROC_K_ATTACHED] = "attached",
	[AMP_RPROC_K_DETACHED] = "detached",
	[AMP_RPROC_K_INVALID] = "invalid",
};

static const char *const coredump_names[] = {
	[AMP_RPROC_COREDUMP_DISABLED] = "disabled",
	[AMP_RPROC_COREDUMP_ENABLED] = "enabled",
	[AMP_RPROC_COREDUMP_INLINE] = "inline",
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* snprintf() into @out of @size bytes; false if it did not fit. */
static bool __attribute__((format(printf, 3, 4)))
fmt(char *out, size_t size, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(out, size, f, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < size;
}

const char *amp_rproc_kstate_name(enum amp_rproc_kstate s)
{
	return (unsigned)s < N_ELEMS(kstate_names) ? kstate_names[s] : "?";
}

static int lookup(const char *const *words, size_t n, const char *w)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(words[i], w))
			return (int)i;
	return -1;
}

/* Printable for a message: a value we refused may hold anything. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if (!isprint((unsigned char)*s))
			*s = '?';
}

/*
 * Read a whole file of at most ATTR_MAX - 1 bytes into @buf (ATTR_MAX
 * bytes), trimmed of white space at both ends. -EIO for a value that is
 * too long or holds control characters (@buf then holds it, sanitized).
 */
static int read_file(const char *path, char *buf, bool quiet)
{
	char raw[ATTR_MAX + 1];
	size_t len = 0;
	int fd, err;

	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (quiet)
			return -err;
		if (err == EACCES || err == EPERM)
			return amp_err(-err, "permission denied reading '%s'",
				       path);
		if (err == ENOENT)
			return amp_err(-err, "'%s' does not exist", path);
		return amp_err(-err, "cannot open '%s': %s", path,
			       strerror(err));
	}
	while (len < sizeof(raw)) {
		ssize_t r = read(fd, raw + len, sizeof(raw) - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = errno;
			close(fd);
			return amp_err(-err, "cannot read '%s': %s", path,
				       strerror(err));
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (len > ATTR_MAX - 1)
		return amp_err(-EIO, "'%s' holds more than %d bytes", path,
			       ATTR_MAX - 1);
	raw[len] = '\0';
	if (strlen(raw) != len)
		return amp_err(-EIO, "'%s' holds a NUL byte", path);
	while (len && isspace((unsigned char)raw[len - 1]))
		raw[--len] = '\0';
	char *s = raw;

	while (isspace((unsigned char)*s))
		s++;
	memcpy(buf, s, strlen(s) + 1);
	for (s = buf; *s; s++) {
		if (!isprint((unsigned char)*s)) {
			sanitize(buf);
			return amp_err(-EIO,
				       "'%s' holds a control character: '%s'",
				       path, buf);
		}
	}
	return 0;
}

static int attr_path(const struct amp_rproc_sysfs *rs, const char *attr,
		     char *path)
{
	if (!fmt(path, PATH_MAX, "%s/%s", rs->dir, attr))
		return amp_err(-ENAMETOOLONG, "rproc sysfs: path too long");
	return 0;
}

static int read_attr(const struct amp_rproc_sysfs *rs, const char *attr,
		     char *buf)
{
	char path[PATH_MAX];
	int ret = attr_path(rs, attr, path);

	return ret ? ret : read_file(path, buf, false);
}

static int write_file(const char *path, const char *word)
{
	size_t len = strlen(word);
	ssize_t w;
	int fd, err;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (err == EACCES || err == EPERM || err == EROFS)
			return amp_err(
				-err,
				"permission denied writing '%s' (needs "
				"root, or write access to the attribute)",
				path);
		if (err == ENOENT)
			return amp_err(-err, "'%s' does not exist", path);
		return amp_err(-err, "cannot open '%s': %s", path,
			       strerror(err));
	}
	do
		w = write(fd, word, len);
	while (w < 0 && errno == EINTR);
	err = w < 0 ? errno : 0;
	close(fd);
	if (err == EBUSY)
		return amp_err(-EBUSY, "the kernel refused '%s' in '%s': busy",
			       word, path);
	if (err)
		return amp_err(-err, "the kernel refused '%s' in '%s': %s",
			       word, path, strerror(err));
	if ((size_t)w != len)
		return amp_err(-EIO, "short write of '%s' to '%s'", word, path);
	return 0;
}

static int write_attr(const struct amp_rproc_sysfs *rs, const char *attr,
		      const char *word)
{
	char path[PATH_MAX];
	int ret = attr_path(rs, attr, path);

	return ret ? ret : write_file(path, word);
}

static bool valid_name(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (!n || n >= max)
		return false;
	for (; *s; s++)
		if (!isgraph((unsigned char)*s) || *s == '/')
			return false;
	return true;
}

/* "remoteproc" followed by decimal digits only. */
static bool is_rproc_entry(const char *d)
{
	const char *p = d + strlen("remoteproc");

	if (strncmp(d, "remoteproc", strlen("remoteproc")) || !*p)
		return false;
	for (; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return strlen(d) < 32;
}

int amp_rproc_sysfs_open(const char *sysfs_root, const char *name,
			 struct amp_rproc_sysfs **out)
{
	char cls[PATH_MAX], path[PATH_MAX], val[ATTR_MAX];
	char found[160] = "";
	struct amp_rproc_sysfs *rs;
	struct dirent *de;
	DIR *d;
	int matches = 0;

	if (!out || !name)
		return amp_err(-EINVAL, "rproc sysfs: NULL argument");
	*out = NULL;
	if (!valid_name(name, sizeof(rs->name)))
		return amp_err(-EINVAL, "rproc sysfs: bad remoteproc name");
	if (!sysfs_root)
		sysfs_root = "/sys";
	if (strlen(sysfs_root) > PATH_MAX - 64 ||
	    !fmt(cls, sizeof(cls), "%s/class/remoteproc", sysfs_root))
		return amp_err(-ENAMETOOLONG, "rproc sysfs: root too long");
	rs = calloc(1, sizeof(*rs));
	if (!rs)
		return amp_err(-ENOMEM, "rproc sysfs: out of memory");
	d = opendir(cls);
	if (!d) {
		int err = errno;

		free(rs);
		if (err == ENOENT)
			return amp_err(-ENOENT,
				       "remoteproc '%s' not found: %s does not "
				       "exist (the kernel lacks "
				       "CONFIG_REMOTEPROC, or sysfs is not "
				       "mounted at %s)",
				       name, cls, sysfs_root);
		return amp_err(-err, "cannot list '%s': %s", cls,
			       strerror(err));
	}
	while ((de = readdir(d))) {
		if (!is_rproc_entry(de->d_name))
			continue;
		if (!fmt(path, sizeof(path), "%s/%s/name", cls, de->d_name) ||
		    read_file(path, val, true))
			continue; /* not readable, not ours to judge */
		if (strcmp(val, name)) {
			size_t l = strlen(found);

			if (l < sizeof(found) - 4)
				fmt(found + l, sizeof(found) - l, "%s'%s'",
				    l ? ", " : "", val);
			continue;
		}
		if (matches++ == 0)
			fmt(rs->id, sizeof(rs->id), "%s", de->d_name);
	}
	closedir(d);
	if (!matches) {
		free(rs);
		sanitize(found);
		return amp_err(-ENOENT,
			       "remoteproc '%s' not found under %s (there: %s)",
			       name, cls, found[0] ? found : "none");
	}
	if (matches > 1) {
		free(rs);
		return amp_err(
			-EEXIST,
			"%d remoteprocs are named '%s' under %s: ambiguous",
			matches, name, cls);
	}
	fmt(rs->name, sizeof(rs->name), "%s", name);
	fmt(rs->root, sizeof(rs->root), "%s", sysfs_root);
	if (!fmt(rs->dir, sizeof(rs->dir), "%s/%s", cls, rs->id)) {
		free(rs);
		return amp_err(-ENAMETOOLONG, "rproc sysfs: path too long");
	}
	if (!realpath(rs->dir, rs->real)) {
		int err = errno;

		amp_err(-err, "cannot resolve '%s': %s", rs->dir,
			strerror(err));
		free(rs);
		return -err;
	}
	*out = rs;
	return 0;
}

void amp_rproc_sysfs_close(struct amp_rproc_sysfs *rs)
{
	free(rs);
}

const char *amp_rproc_sysfs_path(const struct amp_rproc_sysfs *rs)
{
	return rs ? rs->dir : NULL;
}

static int bad_state(struct amp_rproc_sysfs *rs, const char *word)
{
	return amp_err(-EIO,
		       "remoteproc '%s': state '%s' in %s/state is not a "
		       "remoteproc state",
		       rs->name, word, rs->dir);
}

/*
 * Read `state`; *word gets the (sanitized) value whatever happens. A word
 * that is no state is -EIO with a message, or -EAGAIN when @quiet (a
 * waiter retries it; a fake tree may write the attribute in two steps).
 */
static int read_state(struct amp_rproc_sysfs *rs, enum amp_rproc_kstate *st,
		      char *word, bool quiet)
{
	int ret = read_attr(rs, "state", word);
	int i;

	if (ret)
		return ret;
	i = lookup(kstate_names, N_ELEMS(kstate_names), word);
	if (i < 0) {
		sanitize(word);
		return quiet ? -EAGAIN : bad_state(rs, word);
	}
	*st = (enum amp_rproc_kstate)i;
	return 0;
}

int amp_rproc_sysfs_state(struct amp_rproc_sysfs *rs,
			  enum amp_rproc_kstate *state)
{
	char word[ATTR_MAX];

	if (!rs || !state)
		return amp_err(-EINVAL, "rproc sysfs: NULL argument");
	return read_state(rs, state, word, false);
}

int amp_rproc_sysfs_firmware(struct amp_rproc_sysfs *rs, char *buf, size_t len)
{
	char val[ATTR_MAX];
	int ret;

	if (!rs || !buf || !len)
		return amp_err(-EINVAL, "rproc sysfs: NULL argument");
	ret = read_attr(rs, "firmware", val);
	if (ret)
		return ret;
	if (strlen(val) >= len)
		return amp_err(-ENOSPC,
			       "remoteproc '%s': firmware name of %zu bytes "
			       "does not fit in %zu",
			       rs->name, strlen(val), len);
	memcpy(buf, val, strlen(val) + 1);
	return 0;
}

int amp_rproc_sysfs_set_firmware(struct amp_rproc_sysfs *rs,
				 const char *firmware)
{
	enum amp_rproc_kstate st;
	char word[ATTR_MAX];
	int ret;

	if (!rs || !firmware)
		return amp_err(-EINVAL, "rproc sysfs: NULL argument");
	if (!firmware[0] || strlen(firmware) >= ATTR_MAX)
		return amp_err(-EINVAL,
			       "remoteproc '%s': firmware name empty or longer "
			       "than %d bytes",
			       rs->name, ATTR_MAX - 1);
	for (const char *p = firmware; *p; p++)
		if (!isgraph((unsigned char)*p))
			return amp_err(-EINVAL,
				       "remoteproc '%s': firmware name with "
				       "spaces or control characters",
				       rs->name);
	if (firmware[0] == '/' || strstr(firmware, ".."))
		return amp_err(-EINVAL,
			       "remoteproc '%s': firmware '%s' must be a path "
			       "under /lib/firmware (no leading '/', no '..')",
			       rs->name, firmware);
	ret = read_state(rs, &st, word, false);
	if (ret)
		return ret;
	if (st != AMP_RPROC_K_OFFLINE)
		return amp_err(-EBUSY,
			       "remoteproc '%s': state '%s': the firmware can "
			       "only be changed while it is offline",
			       rs->name, word);
	return write_attr(rs, "firmware", firmware);
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Poll `state` until it is one of @want (a bit per state), "crashed"
 * (-EIO, if @crash_fails), or @timeout_ms passed (-ETIMEDOUT). A value
 * that is not a state counts as not there yet until the deadline: the
 * kernel writes the attribute as a whole, but a test tree's fake kernel
 * may not. The deadline is fixed at entry.
 */
static int wait_state(struct amp_rproc_sysfs *rs, unsigned want,
		      unsigned timeout_ms, const char *what, bool crash_fails)
{
	long long deadline = now_ms() + timeout_ms;
	enum amp_rproc_kstate st;
	char word[ATTR_MAX];
	int ret;

	for (;;) {
		ret = read_state(rs, &st, word, true);
		if (ret && ret != -EAGAIN)
			return ret; /* read_attr() said why */
		if (!ret && (want & (1u << st)))
			return 0;
		if (!ret && st == AMP_RPROC_K_CRASHED && crash_fails)
			return amp_err(-EIO,
				       "remoteproc '%s': state 'crashed' while "
				       "waiting for it to %s",
				       rs->name, what);
		if (now_ms() >= deadline)
			break;
		sleep_ms(1);
	}
	if (ret) /* the last word read was not a state: report that one */
		return bad_state(rs, word);
	return amp_err(
		-ETIMEDOUT,
		"remoteproc '%s': still '%s' %u ms after asking it to %s",
		rs->name, word, timeout_ms, what);
}

int amp_rproc_sysfs_wait(struct amp_rproc_sysfs *rs, enum amp_rproc_kstate want,
			 unsigned timeout_ms)
{
	char what[40];

	if (!rs)
		return amp_err(-EINVAL, "rproc sysfs: NULL argument");
	if ((unsigned)want >= N_ELEMS(kstate_names))
		return amp_err(-EINVAL, "remoteproc '%s': bad state %d",
			       rs->name, (int)want);
	fmt(what, sizeof(what), "be %s", kstate_names[want]);
	return wait_state(rs, 1u << want, timeout_ms, what, false);
}

int amp_rproc_sysfs_start(struct amp_rproc_sysfs *rs, unsigned timeout_ms)
{
	enum amp_rproc_kstate st;
	char word[ATTR_MAX];
	int ret;

	if (!rs)
		return amp_err(-EINVAL, "rproc sysfs: NULL argument");
	ret = read_state(rs, &st, word, false);
	if (ret)
		return ret;
	if (st == AMP_RPROC_K_CRASHED)
		return amp_err(
			-EBUSY,
			"remoteproc '%s': state 'crashed': with recovery "
			"disabled the kernel keeps it so; "
			"amp_rproc_sysfs_recover() restarts it",
			rs->name);
	if (st != AMP_RPROC_K_OFFLINE && st != AMP_RPROC_K_DETACHED)
		return amp_err(
			-EBUSY,
			"remoteproc '%s': state '%s': only an offline or "
			"detached core can be started",
			rs->name, word);
	ret = write_attr(rs, "state", "start");
	if (ret)
		return ret;
	return wait_state(
		rs, 1u << AMP_RPROC_K_RUNNING | 1u << AMP_RPROC_K_ATTACHED,
		timeout_ms, "start", true);
}

int amp_rproc_sysfs_stop(struct amp_rproc_sysfs *rs, unsigned timeout_ms)
{
	enum amp_rproc_kstate st;
	char word[ATTR_MAX];
	int ret;

	if (!rs)
		return amp_err(-EINVAL, "rproc sysfs: NULL argument");
	ret = read_state(rs, &st, word, false);
	if (ret)
		return ret;
	if (st == AMP_RPROC_K_OFFLINE)
		return 0;
	if (st == AMP_RPROC_K_CRASHED)
		return amp_err(-EBUSY,
			       "remoteproc '%s': state 'crashed': the kernel "
			       "stops a crashed core only through recovery "
			       "(amp_rproc_sysfs_recover())",
			       rs->name);
	if (st != AMP_RPROC_K_RUNNING && st != AMP_RPROC_K_ATTACHED)
		return amp_err(-EBUSY,
			       "remoteproc '%s': state '%s': only a running or "
			       "attached core can be stopped",
			       rs->name, word);
	ret = write_attr(rs, "state", "stop");
	if (ret)
		return ret;
	return wait_state(rs, 1u << AMP_RPROC_K_OFFLINE, timeout_ms, "stop",
			  true);
}

int amp_rproc_sysfs_recovery(struct amp_rproc_sysfs *rs, bool *enabled)
{
	char val[ATTR_MAX];
	int ret;

	if (!rs || !enabled)
		return amp_err(-EINVAL, "rproc sysfs: NULL argument");
	ret = read_attr(rs, "recovery", val);
	if (ret)
		return ret;
	if (strcmp(val, "enabled") && strcmp(val, "disabled"))
		return amp_err(-EIO,
			       "remoteproc '%s': recovery '%s' is neither "
			       "'enabled' nor 'disabled'",
			       rs->name, val);
	*enabled = !strcmp(val, "enabled");
	return 0;
}

int amp_rproc_sysfs_set_recovery(struct amp_rproc_sysfs *rs, bool enabled)
{
	if (!rs)
		return amp_err(-EINVAL, "rproc sysfs: NULL argument");
	return write_attr(rs, "recovery", enabled ? "enabled" : "disabled");
}

int amp_rproc_sysfs_recover(struct amp_rproc_sysfs *rs)
{
	if (!rs)
		return amp_err(-EINVAL, "rproc sysfs: NULL argument");
	return write_attr(rs, "recovery", "recover");
}

int amp_rproc_sysfs_coredump(struct amp_rproc_sysfs *rs,
			     enum amp_rproc_coredump *mode)
{
	char val[ATTR_MAX];
	int ret, i;

	if (!rs || !mode)
		return amp_err(-EINVAL, "rproc sysfs: NULL argument");
	ret = read_attr(rs, "coredump", val);
	if (ret)
		return ret;
	i = lookup(coredump_names, N_ELEMS(coredump_names), val);
	if (i < 0)
		return amp_err(-EIO,
			       "remoteproc '%s': coredump '%s' is not one of "
			       "'disabled', 'enabled', 'inline'",
			       rs->name, val);
	*mode = (enum amp_rproc_coredump)i;
	return 0;
}

int amp_rproc_sysfs_set_coredump(struct amp_rproc_sysfs *rs,
				 enum amp_rproc_coredump mode)
{
	if (!rs)
		return amp_err(-EINVAL, "rproc sysfs: NULL argument");
	if ((unsigned)mode >= N_ELEMS(coredump_names))
		return amp_err(-EINVAL, "remoteproc '%s': bad coredump mode %d",
			       rs->name, (int)mode);
	return write_attr(rs, "coredump", coredump_names[mode]);
}

int amp_rproc_sysfs_crash(struct amp_rproc_sysfs *rs, const char *kind)
{
	char path[PATH_MAX];

	if (!rs)
		return amp_err(-EINVAL, "rproc sysfs: NULL argument");
	if (!kind)
		kind = "fatal-error";
	if (strcmp(kind, "mmu-fault") && strcmp(kind, "watchdog") &&
	    strcmp(kind, "fatal-error"))
		return amp_err(-EINVAL,
			       "remoteproc '%s': crash kind must be "
			       "'mmu-fault', 'watchdog' or 'fatal-error'",
			       rs->name);
	if (!fmt(path, sizeof(path), "%s/kernel/debug/remoteproc/%s/crash",
		 rs->root, rs->id))
		return amp_err(-ENAMETOOLONG, "rproc sysfs: path too long");
	if (access(path, F_OK) && errno == ENOENT)
		return amp_err(-ENOTSUP,
			       "remoteproc '%s': no %s (debugfs not mounted at "
			       "%s/kernel/debug, or the kernel lacks "
			       "CONFIG_DEBUG_FS)",
			       rs->name, path, rs->root);
	return write_file(path, kind);
}

/* Is @path (resolved) under this remoteproc's device directory? */
static bool under_rproc(const struct amp_rproc_sysfs *rs, const char *path)
{
	char real[PATH_MAX];
	size_t l = strlen(rs->real);

	if (!realpath(path, real))
		return false;
	return !strncmp(real, rs->real, l) && real[l] == '/';
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/*
 * The entries of @dir (resolving under the remoteproc) for which @keep
 * says yes, sorted, each in a 64-byte slot of a new array (*out).
 */
static int list_under(const struct amp_rproc_sysfs *rs, const char *dir,
		      bool (*keep)(const char *), char (**out)[64], size_t *n)
{
	char path[PATH_MAX];
	char(*names)[64] = NULL;
	size_t cap = 0, cnt = 0;
	struct dirent *de;
	DIR *d;

	*out = NULL;
	*n = 0;
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0; /* no rpmsg at all: none of ours */
		return amp_err(-errno, "cannot list '%s': %s", dir,
			       strerror(errno));
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= 64 ||
		    !keep(de->d_name))
			continue;
		if (!fmt(path, sizeof(path), "%s/%s", dir, de->d_name) ||
		    !under_rproc(rs, path))
			continue;
		if (cnt == cap) {
			size_t nc = cap ? 2 * cap : 8;
			char(*nn)[64] = realloc(names, nc * sizeof(*names));

			if (!nn) {
				closedir(d);
				free(names);
				return amp_err(-ENOMEM,
					       "rproc sysfs: out of memory");
			}
			names = nn;
			cap = nc;
		}
		fmt(names[cnt++], 64, "%s", de->d_name);
	}
	closedir(d);
	if (cnt)
		qsort(names, cnt, sizeof(*names), cmp_name);
	*out = names;
	*n = cnt;
	return 0;
}

/* "<prefix>" followed by decimal digits only. */
static bool prefix_digits(const char *s, const char *prefix)
{
	size_t l = strlen(prefix);

	if (strncmp(s, prefix, l) || !s[l])
		return false;
	for (s += l; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static bool is_chrdev(const char *s)
{
	return prefix_digits(s, "rpmsg_ctrl") || prefix_digits(s, "rpmsg");
}

static bool is_channel(const char *s)
{
	for (; *s; s++)
		if (!isgraph((unsigned char)*s))
			return false;
	return true;
}

int amp_rproc_sysfs_rpmsg_devs(struct amp_rproc_sysfs *rs,
			       struct amp_rproc_rpmsg_dev *devs, size_t max,
			       size_t *n)
{
	char dir[PATH_MAX];
	char(*names)[64];
	size_t cnt;
	int ret;

	if (!rs || !n || (max && !devs))
		return amp_err(-EINVAL, "rproc sysfs: NULL argument");
	fmt(dir, sizeof(dir), "%s/class/rpmsg", rs->root);
	ret = list_under(rs, dir, is_chrdev, &names, &cnt);
	if (ret)
		return ret;
	for (size_t i = 0, j = 0; i < cnt && j < max; i++) {
		if (strlen(names[i]) >= sizeof(devs[j].name))
			continue;
		memset(&devs[j], 0, sizeof(devs[j]));
		fmt(devs[j].name, sizeof(devs[j].name), "%s", names[i]);
		fmt(devs[j].dev, sizeof(devs[j].dev), "/dev/%s", names[i]);
		devs[j].ctrl = prefix_digits(names[i], "rpmsg_ctrl");
		j++;
	}
	free(names);
	*n = cnt;
	return 0;
}

int amp_rproc_sysfs_rpmsg_channels(struct amp_rproc_sysfs *rs,
				   char (*names)[64], size_t max, size_t *n)
{
	char dir[PATH_MAX];
	char(*all)[64];
	size_t cnt;
	int ret;

	if (!rs || !n || (max && !names))
		return amp_err(-EINVAL, "rproc sysfs: NULL argument");
	fmt(dir, sizeof(dir), "%s/bus/rpmsg/devices", rs->root);
	ret = list_under(rs, dir, is_channel, &all, &cnt);
	if (ret)
		return ret;
	for (size_t i = 0; i < cnt && i < max; i++)
		memcpy(names[i], all[i], 64);
	free(all);
	*n = cnt;
	return 0;
}
