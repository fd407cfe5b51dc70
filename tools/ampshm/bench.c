/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ampshm bench: runs the benchmark programs (bench/bench_*.c), prints each
 * one's human summary, writes their JSON documents as one file and, with
 * --plot, draws PNG plots with gnuplot.
 *
 * No JSON parsing here: every benchmark program prints its JSON on stdout,
 * its summary on stderr when given --summary, and gnuplot-ready tables
 * (<DIR>/<table>.dat, first line = column names) when given --plot-data
 * DIR. This file only writes the gnuplot scripts for the tables it knows.
 *
 * Where the programs are (the first directory holding bench_<name>):
 * $AMPSHM_BENCH_DIR; <dir of the ampshm executable>/../bench (a build
 * tree); <dir of the ampshm executable>/../libexec/ampshm (an install);
 * the build tree's bench directory compiled in (AMP_BENCH_DIR).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#ifndef AMP_BENCH_DIR
#define AMP_BENCH_DIR ""
#endif
#ifndef AMP_BENCH_NAMES
#define AMP_BENCH_NAMES "iommu rpmsg shm"
#endif
#define DEFAULT_JSON "ampshm-bench.json"
#define MAX_BENCHES 32

struct bench_opts {
	bool quick, list;
	const char *json, *plot_dir;
};

/* ---------------------------------------------------------------------
 * Finding the programs
 */

static bool is_exec(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
}

/* The short name ("shm") of "shm" or "bench_shm". */
static const char *short_name(const char *name)
{
	return strncmp(name, "bench_", 6) ? name : name + 6;
}

/* Fills @path with where bench_<name> is; 0 or -ENOENT. */
static int find_bench(const char *name, char *path, size_t size)
{
	char exe[PATH_MAX], dirs[4][PATH_MAX];
	const char *env = getenv("AMPSHM_BENCH_DIR");
	ssize_t n;
	int nd = 0;

	if (env && *env)
		snprintf(dirs[nd++], PATH_MAX, "%s", env);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(dirs[nd++], PATH_MAX, "%.*s/../bench",
				 PATH_MAX - 16, exe);
			snprintf(dirs[nd++], PATH_MAX, "%.*s/../libexec/ampshm",
				 PATH_MAX - 32, exe);
		}
	}
	if (*AMP_BENCH_DIR)
		snprintf(dirs[nd++], PATH_MAX, "%s", AMP_BENCH_DIR);
	for (int i = 0; i < nd; i++) {
		if ((size_t)snprintf(path, size, "%s/bench_%s", dirs[i],
				     name) >= size)
			continue;
		if (is_exec(path)) {
			char *real = realpath(path, NULL);

			if (real && strlen(real) < size)
				strcpy(path, real);
			free(real);
			return 0;
		}
	}
	return -ENOENT;
}

/* ---------------------------------------------------------------------
 * Running one
 */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Runs @argv; with @out_fd >= 0, its stdout goes there and its stderr (a
 * benchmark's summary) on our stdout. Returns the exit status, or -1 if it
 * could not run or died.
 */
static int run(char *const argv[], int out_fd)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (out_fd >= 0 && (dup2(STDOUT_FILENO, STDERR_FILENO) < 0 ||
				    dup2(out_fd, STDOUT_FILENO) < 0))
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "ampshm bench: %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Copies @in (from its start) to @out; the document must be an object. */
static int copy_doc(FILE *in, FILE *out)
{
	char buf[4096];
	size_t n, total = 0;
	int c;

	rewind(in);
	while ((c = fgetc(in)) == ' ' || c == '\n' || c == '\t')
		;
	if (c != '{')
		return -EINVAL;
	fputc(c, out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		/* Drop the trailing newline, keep the rest as it is. */
		total += n;
		if (buf[n - 1] == '\n' && feof(in))
			n--;
		fwrite(buf, 1, n, out);
	}
	return total ? 0 : -EINVAL;
}

/* ---------------------------------------------------------------------
 * Plots: one gnuplot script per table a benchmark wrote
 */

#define SIZE_TICS                                                    \
	"set xtics (\"4K\" 4096, \"64K\" 65536, \"1M\" 1048576, "    \
	"\"16M\" 16777216, \"256M\" 268435456, \"1G\" 1073741824)\n" \
	"set offsets graph 0.04, graph 0.04\n"

static const struct plot {
	const char *table; /* <table>.dat -> <table>.png */
	const char *script; /* "D" is the data file */
} plots[] = {
	{ "iommu_map",
	  "set title 'IOMMU: mapping 1 GiB, cost vs page size'\n"
	  "set logscale x 2\nset logscale y\nset logscale y2\n" SIZE_TICS
	  "set ytics nomirror\nset y2tics\nset xtics add (\"2M\" 2097152)\n"
	  "set xlabel 'page size'\nset ylabel 'per page (ns)'\nset key top center\n"
	  "set y2label '1 GiB in total (us)'\n"
	  "plot D using 1:2 with linespoints title 'map, per page', "
	  "D using 1:3 with linespoints title 'unmap, per page', "
	  "D using 1:4 axes x1y2 with linespoints title 'map 1 GiB, total', "
	  "D using 1:5 axes x1y2 with linespoints "
	  "title 'unmap 1 GiB, total'\n" },
	{ "shm_cycle",
	  "set title 'open + attach + detach + close, per provider / device'\n"
	  "set logscale xy\n" SIZE_TICS "set xlabel 'buffer size'\n"
	  "set ylabel 'median per cycle (us)'\nset key left top\n"
	  "plot for [i=2:*] D using 1:i with linespoints\n" },
	{ "shm_sync",
	  "set title '4 KiB range sync pair vs buffer size "
	  "(flat = size-independent)'\n"
	  "set logscale xy\n" SIZE_TICS "set xlabel 'buffer size'\n"
	  "set ylabel 'median per pair (ns)'\nset key outside right\n"
	  "plot for [i=2:4] D using 1:i with linespoints\n" },
	{ "shm_bounce",
	  "set title 'Bounce copies vs memcpy'\nset ylabel 'MB/s'\n"
	  "set style data histograms\nset style fill solid 0.6 border -1\n"
	  "set yrange [0:*]\nset boxwidth 0.7\nunset key\n"
	  "plot D using 2:xtic(1)\n" },
	{ "rpmsg_rtt",
	  "set title 'RPMsg round trip, 16 B, two processes'\n"
	  "set ylabel 'round trip (us)'\nset style data histograms\n"
	  "set style histogram clustered gap 1\n"
	  "set style fill solid 0.6 border -1\nset yrange [0:*]\n"
	  "set xtics rotate by -20\n"
	  "plot D using 2:xtic(1), D using 3\n" },
	{ "hov_rtt",
	  "set title 'Hand-over round trip vs buffer size (simulated core)'\n"
	  "set logscale xy\n" SIZE_TICS "set xlabel 'buffer size'\n"
	  "set ylabel 'us'\nset key left top\n"
	  "plot D using 1:2 with linespoints title 'hand-over round trip', "
	  "D using 1:3 with lines title 'RPMsg round trip, 16 B', "
	  "D using 1:4 with linespoints "
	  "title 'copying it through 496 B RPMsg messages'\n" },
	{ "hov_rate", "set title 'In-place processing (sum + invert)'\n"
		      "set ylabel 'GB/s'\nset style data histograms\n"
		      "set style fill solid 0.6 border -1\nset yrange [0:*]\n"
		      "set boxwidth 0.7\nunset key\n"
		      "plot D using 2:xtic(1)\n" },
	{ "rpmsg_stream",
	  "set title 'RPMsg streaming, host to remote'\nset ylabel 'MB/s'\n"
	  "set style data histograms\nset style fill solid 0.6 border -1\n"
	  "set yrange [0:*]\nset boxwidth 0.7\nunset key\n"
	  "set xtics rotate by -20\n"
	  "plot D using 2:xtic(1)\n" },
};

#define NPLOTS (sizeof(plots) / sizeof(plots[0]))

static int write_script(const char *gp, const char *dir, const struct plot *p)
{
	FILE *f = fopen(gp, "w");

	if (!f)
		return -errno;
	fprintf(f,
		"# %s.png from %s.dat, written by `ampshm bench --plot`\n"
		"set terminal pngcairo size 960,600 noenhanced font 'sans,10'\n"
		"set output '%s/%s.png'\n"
		"D = '%s/%s.dat'\n"
		"set datafile missing '-'\n"
		"set key autotitle columnhead\n"
		"set grid\n%s",
		p->table, p->table, dir, p->table, dir, p->table, p->script);
	return fclose(f) ? -errno : 0;
}

/* Removes the tables, scripts and plots of an earlier run from @dir. */
static void clean(const char *dir)
{
	static const char *const ext[] = { "dat", "gp", "png" };
	char path[PATH_MAX];

	for (size_t i = 0; i < NPLOTS; i++)
		for (size_t k = 0; k < 3; k++) {
			snprintf(path, sizeof(path), "%s/%s.%s", dir,
				 plots[i].table, ext[k]);
			unlink(path);
		}
}

/* Writes and runs the scripts for the tables in @dir; 0 or -1. */
static int draw(const char *dir)
{
	char dat[PATH_MAX], gp[PATH_MAX], png[PATH_MAX];
	int ret = 0;
	struct stat st;

	for (size_t i = 0; i < NPLOTS; i++) {
		char *argv[] = { "gnuplot", gp, NULL };

		snprintf(dat, sizeof(dat), "%s/%s.dat", dir, plots[i].table);
		snprintf(gp, sizeof(gp), "%s/%s.gp", dir, plots[i].table);
		snprintf(png, sizeof(png), "%s/%s.png", dir, plots[i].table);
		if (access(dat, R_OK))
			continue;
		if (write_script(gp, dir, &plots[i])) {
			fprintf(stderr, "ampshm bench: %s: %s\n", gp,
				strerror(errno));
			return -1;
		}
		unlink(png);
		if (run(argv, -1) || stat(png, &st) || !st.st_size) {
			fprintf(stderr, "ampshm bench: gnuplot %s failed%s\n",
				gp,
				access("/usr/bin/gnuplot", X_OK) ?
					" (is gnuplot installed? Debian: "
					"gnuplot-nox)" :
					"");
			ret = -1;
			continue;
		}
		printf("plot: %s\n", png);
	}
	return ret;
}

static int mkdirs(const char *path)
{
	char p[PATH_MAX];

	if (snprintf(p, sizeof(p), "%s", path) >= (int)sizeof(p))
		return -ENAMETOOLONG;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, 0777) && errno != EEXIST)
		return -errno;
	return 0;
}

/* ---------------------------------------------------------------------
 * The subcommand
 */

/* Splits AMP_BENCH_NAMES into @names; returns how many. */
static int all_benches(char *buf, size_t size, char **names)
{
	int n = 0;

	snprintf(buf, size, "%s", AMP_BENCH_NAMES);
	for (char *t = strtok(buf, " ;"); t && n < MAX_BENCHES;
	     t = strtok(NULL, " ;"))
		names[n++] = (char *)short_name(t);
	return n;
}

static int bench_one(const char *name, const char *path,
		     const struct bench_opts *o, FILE *json, bool first)
{
	char *argv[8];
	double t0 = now_s();
	FILE *out = tmpfile();
	int st, argc = 0;

	if (!out) {
		fprintf(stderr, "ampshm bench: tmpfile: %s\n", strerror(errno));
		return -1;
	}
	argv[argc++] = (char *)path;
	argv[argc++] = "--summary";
	if (o->quick)
		argv[argc++] = "--quick";
	if (o->plot_dir) {
		argv[argc++] = "--plot-data";
		argv[argc++] = (char *)o->plot_dir;
	}
	argv[argc] = NULL;

	printf("== %s%s\n", name, o->quick ? " (quick)" : "");
	st = run(argv, fileno(out));
	fprintf(json, "%s    \"%s\": ", first ? "" : ",\n", name);
	if (st || copy_doc(out, json)) {
		fputs("null", json);
		fclose(out);
		fprintf(stderr, "ampshm bench: %s failed (%s)\n", path,
			st ? "exit status" : "no JSON document");
		return -1;
	}
	fclose(out);
	printf("   (%.1f s)\n", now_s() - t0);
	return 0;
}

static int bench_run(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "json", required_argument, NULL, 'j' },
		{ "plot", required_argument, NULL, 'p' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bench_opts o = { .json = DEFAULT_JSON };
	char names_buf[512], path[PATH_MAX], *names[MAX_BENCHES];
	int c, n, failed = 0, done = 0;
	FILE *json;

	optind = 1;
	while ((c = getopt_long(argc, argv, "qj:p:lh", lopts, NULL)) != -1) {
		switch (c) {
		case 'q':
			o.quick = true;
			break;
		case 'j':
			o.json = optarg;
			break;
		case 'p':
			o.plot_dir = optarg;
			break;
		case 'l':
			o.list = true;
			break;
		case 'h':
			amp_cli_usage(stdout, &amp_cli_bench);
			return AMP_CLI_OK;
		default:
			amp_cli_usage(stderr, &amp_cli_bench);
			return AMP_CLI_USAGE;
		}
	}
	if (optind < argc) {
		n = 0;
		for (int i = optind; i < argc && n < MAX_BENCHES; i++)
			names[n++] = (char *)short_name(argv[i]);
	} else {
		n = all_benches(names_buf, sizeof(names_buf), names);
	}

	if (o.list) {
		for (int i = 0; i < n; i++) {
			bool found = !find_bench(names[i], path, sizeof(path));

			printf("%-8s %s\n", names[i],
			       found ? path : "(not found)");
		}
		return AMP_CLI_OK;
	}
	for (int i = 0; i < n; i++) {
		if (!names[i][0] ||
		    strspn(names[i], "abcdefghijklmnopqrstuvwxyz0123456789_") !=
			    strlen(names[i]) ||
		    find_bench(names[i], path, sizeof(path))) {
			fprintf(stderr,
				"ampshm bench: no program bench_%s (see "
				"`ampshm bench --list`)\n",
				names[i]);
			return AMP_CLI_USAGE;
		}
	}
	if (o.plot_dir) {
		int err = mkdirs(o.plot_dir);

		if (err) {
			fprintf(stderr, "ampshm bench: %s: %s\n", o.plot_dir,
				strerror(-err));
			return AMP_CLI_FAIL;
		}
		clean(o.plot_dir);
	}
	json = fopen(o.json, "w");
	if (!json) {
		fprintf(stderr, "ampshm bench: %s: %s\n", o.json,
			strerror(errno));
		return AMP_CLI_FAIL;
	}
	fprintf(json,
		"{\n  \"tool\": \"ampshm bench\",\n  \"quick\": %s,\n"
		"  \"results\": {\n",
		o.quick ? "true" : "false");
	for (int i = 0; i < n; i++) {
		find_bench(names[i], path, sizeof(path));
		if (bench_one(names[i], path, &o, json, !done && !failed))
			failed++;
		else
			done++;
	}
	fprintf(json, "\n  }\n}\n");
	if (fclose(json)) {
		fprintf(stderr, "ampshm bench: %s: %s\n", o.json,
			strerror(errno));
		return AMP_CLI_FAIL;
	}
	printf("JSON: %s\n", o.json);
	if (o.plot_dir && draw(o.plot_dir))
		failed++;
	return failed ? AMP_CLI_FAIL : AMP_CLI_OK;
}

const struct amp_cli_cmd amp_cli_bench = {
	.name = "bench",
	.summary = "run the benchmarks: summary, JSON file, plots",
	.usage =
		"bench [--quick] [--json FILE] [--plot DIR] [--list] "
		"[NAME...]\n\n"
		"Runs the benchmark programs (all, or the NAMEs: iommu, rpmsg,\n"
		"shm), prints a summary of each, and writes their JSON\n"
		"documents as one file.\n\n"
		"  --quick      short runs (seconds; same measurements, fewer\n"
		"               repetitions, smaller sizes)\n"
		"  --json FILE  the combined JSON (default " DEFAULT_JSON ")\n"
		"  --plot DIR   also write DIR/*.dat tables, gnuplot scripts\n"
		"               and PNG plots (needs gnuplot, with pngcairo)\n"
		"  --list       where each benchmark program was found\n\n"
		"Programs are looked for in $AMPSHM_BENCH_DIR, then ../bench\n"
		"and ../libexec/ampshm next to this executable, then the build\n"
		"tree this tool was built in.\n\n"
		"Exit status: 0, 1 if a benchmark, the JSON file or gnuplot "
		"failed,\n2 for a bad command line or an unknown NAME.",
	.run = bench_run,
};
