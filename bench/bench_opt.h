/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The command line every benchmark program shares (used by `ampshm bench`):
 *
 *   --quick           a short run (seconds), same measurements, fewer
 *                     repetitions and smaller sizes
 *   --summary         also print a human summary on stderr (the JSON
 *                     document stays alone on stdout)
 *   --plot-data DIR   also write gnuplot-ready tables DIR/<name>.dat: the
 *                     first line names the columns (for `columnhead`),
 *                     then one row per point, "-" for a missing value
 *
 * Units (JSON keys, summaries, tables, docs/benchmarks.md): a figure's key
 * ends in its unit: _ns, _us, _s, _bytes, _mbps (MB/s, 10^6 bytes per
 * second), _per_s (events per second), _pct. Counts and ratios carry none.
 */
#ifndef AMP_BENCH_OPT_H
#define AMP_BENCH_OPT_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bench_opt {
	bool quick;
	bool summary;
	const char *plot_dir;
	const char *arg; /* one positional argument, if the program takes it */
};

static struct bench_opt bopt;

/* Parses argv into bopt; exits 2 with a usage line on a bad option. */
static inline void bench_parse(int argc, char **argv, bool positional)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			bopt.quick = true;
		} else if (!strcmp(argv[i], "--summary")) {
			bopt.summary = true;
		} else if (!strcmp(argv[i], "--plot-data") && i + 1 < argc) {
			bopt.plot_dir = argv[++i];
		} else if (positional && argv[i][0] != '-' && !bopt.arg) {
			bopt.arg = argv[i];
		} else {
			fprintf(stderr,
				"usage: %s [--quick] [--summary] "
				"[--plot-data DIR]%s\n",
				argv[0], positional ? " [SCALE]" : "");
			exit(2);
		}
	}
}

/* A summary line (printf-like), on stderr when --summary was given. */
static inline __attribute__((format(printf, 1, 2))) void
bench_sum(const char *fmt, ...)
{
	va_list ap;

	if (!bopt.summary)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/*
 * Opens DIR/<name>.dat for writing and writes its header line, or returns
 * NULL when no --plot-data was given. Exits on an error.
 */
static inline FILE *bench_dat(const char *name, const char *header)
{
	char path[4096];
	FILE *f;

	if (!bopt.plot_dir)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s.dat", bopt.plot_dir, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		exit(1);
	}
	fprintf(f, "%s\n", header);
	return f;
}

/* Closes a table from bench_dat() (NULL is fine); exits on an error. */
static inline void bench_dat_close(FILE *f)
{
	if (f && fclose(f)) {
		fprintf(stderr, "plot data: %s\n", strerror(errno));
		exit(1);
	}
}

#endif
