/* SPDX-License-Identifier: BSD-3-Clause */
/* ampshm demo: the README's main job, with its options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/parse.h"
#include "demo.h"

#define MiB (1ull << 20)

static int run(int argc, char **argv)
{
	struct demo_opts o = { .size = 256 * MiB, .source = DEMO_SRC_SYSMEM };

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			amp_cli_usage(stdout, &amp_cli_demo);
			return AMP_CLI_OK;
		} else if (!strcmp(a, "--size") && i + 1 < argc) {
			if (amp_parse_size(argv[++i], &o.size) ||
			    o.size < 8 * MiB) {
				fprintf(stderr,
					"ampshm demo: --size '%s': give at "
					"least 8M (e.g. 256M, 1G)\n",
					argv[i]);
				return AMP_CLI_USAGE;
			}
			/* whole 4 MiB chunks in each half */
			o.size = (o.size + 8 * MiB - 1) & ~(8 * MiB - 1);
		} else if (!strcmp(a, "--source") && i + 1 < argc) {
			const char *v = argv[++i];

			if (!strcmp(v, "sysmem"))
				o.source = DEMO_SRC_SYSMEM;
			else if (!strcmp(v, "static"))
				o.source = DEMO_SRC_STATIC;
			else if (!strcmp(v, "user"))
				o.source = DEMO_SRC_USER;
			else {
				fprintf(stderr,
					"ampshm demo: --source '%s': one of "
					"sysmem, static, user\n",
					v);
				return AMP_CLI_USAGE;
			}
		} else {
			fprintf(stderr, "ampshm demo: unknown option '%s'\n",
				a);
			amp_cli_usage(stderr, &amp_cli_demo);
			return AMP_CLI_USAGE;
		}
	}
	return demo_run(&o) ? AMP_CLI_FAIL : AMP_CLI_OK;
}

const struct amp_cli_cmd amp_cli_demo = {
	.name = "demo",
	.summary = "share a large frame zero copy with simulated coprocessors",
	.usage = "demo [--size N[K|M|G]] [--source sysmem|static|user]\n"
		 "  --size    frame size (default 256M; rounded up to 8M)\n"
		 "  --source  where the frame comes from: system memory "
		 "(default),\n"
		 "            a static region (carveout), or the "
		 "application's own\n"
		 "            memory (a memfd it imports)\n"
		 "The coprocessors are simulated: a DSP behind an IOMMU, a "
		 "32-bit R5\nthat gets a bounce copy, and a coprocessor "
		 "process linked by RPMsg.",
	.run = run,
};
