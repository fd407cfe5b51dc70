/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ampshm: command-line tool. Subcommands are entries of cmds[]; add one by
 * writing tools/ampshm/<name>.c with a struct amp_cli_cmd and listing it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct amp_cli_cmd *const cmds[] = {
	&amp_cli_demo,
	&amp_cli_inspect,
	&amp_cli_bench,
	&amp_cli_run,
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

void amp_cli_usage(FILE *f, const struct amp_cli_cmd *cmd)
{
	fprintf(f, "ampshm %s: %s\n\nusage: ampshm %s\n", cmd->name,
		cmd->summary, cmd->usage);
}

static void help(FILE *f)
{
	size_t i;

	fprintf(f, "usage: ampshm COMMAND [ARGS...]\n"
		   "       ampshm COMMAND --help\n\n"
		   "Tools for ampshm and remoteproc firmware.\n\ncommands:\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "  %-10s %s\n", cmds[i]->name, cmds[i]->summary);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		help(stderr);
		return AMP_CLI_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		help(stdout);
		return AMP_CLI_OK;
	}
	for (i = 0; i < NCMDS; i++) {
		if (strcmp(argv[1], cmds[i]->name))
			continue;
		if (argc > 2 &&
		    (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
			amp_cli_usage(stdout, cmds[i]);
			return AMP_CLI_OK;
		}
		return cmds[i]->run(argc - 1, argv + 1);
	}
	fprintf(stderr, "ampshm: unknown command '%s'\n\n", argv[1]);
	help(stderr);
	return AMP_CLI_USAGE;
}
