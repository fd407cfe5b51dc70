/* SPDX-License-Identifier: BSD-3-Clause */
/* The ampshm command-line tool: one table entry per subcommand. */
#ifndef AMP_TOOLS_CLI_H
#define AMP_TOOLS_CLI_H

#include <stdio.h>

#include "common/readfile.h" /* amp_cli_read_file() */

/* A subcommand: run() gets argv[0] = its name, returns the exit status. */
struct amp_cli_cmd {
	const char *name;
	const char *summary; /* one line for `ampshm --help` */
	const char *usage; /* for `ampshm NAME --help` */
	int (*run)(int argc, char **argv);
};

/* Exit statuses. */
#define AMP_CLI_OK 0
#define AMP_CLI_FAIL 1 /* the operation failed (bad image, ...) */
#define AMP_CLI_USAGE 2 /* bad command line */

extern const struct amp_cli_cmd amp_cli_inspect;
extern const struct amp_cli_cmd amp_cli_bench;
extern const struct amp_cli_cmd amp_cli_demo;
extern const struct amp_cli_cmd amp_cli_run;

/* Print a subcommand's usage to @f. */
void amp_cli_usage(FILE *f, const struct amp_cli_cmd *cmd);

#endif
