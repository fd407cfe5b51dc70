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
	struct demo_opts o = { .source = DEMO_SRC_SYSMEM, .all = true };
	bool tour = false;

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

			o.all = false;
			if (!strcmp(v, "all"))
				o.all = true;
			else if (!strcmp(v, "sysmem"))
				o.source = DEMO_SRC_SYSMEM;
			else if (!strcmp(v, "static"))
				o.source = DEMO_SRC_STATIC;
			else if (!strcmp(v, "user"))
				o.source = DEMO_SRC_USER;
			else {
				fprintf(stderr,
					"ampshm demo: --source '%s': one of "
					"all, sysmem, static, user\n",
					v);
				return AMP_CLI_USAGE;
			}
		} else if (!strcmp(a, "--remote") && i + 1 < argc) {
			const char *v = argv[++i];

			o.qemu = !strcmp(v, "qemu");
			if (!o.qemu && strcmp(v, "sim")) {
				fprintf(stderr,
					"ampshm demo: --remote '%s': sim or "
					"qemu\n",
					v);
				return AMP_CLI_USAGE;
			}
		} else if (!strcmp(a, "--tour")) {
			tour = true;
		} else {
			fprintf(stderr, "ampshm demo: unknown option '%s'\n",
				a);
			amp_cli_usage(stderr, &amp_cli_demo);
			return AMP_CLI_USAGE;
		}
	}
	if (tour) {
		if (!o.size)
			o.size = 256 * MiB;
		return demo_run(&o) ? AMP_CLI_FAIL : AMP_CLI_OK;
	}
	if (o.qemu)
		return demo_qemu_run(&o) ? AMP_CLI_FAIL : AMP_CLI_OK;
	return demo_hov_run(&o) ? AMP_CLI_FAIL : AMP_CLI_OK;
}

const struct amp_cli_cmd amp_cli_demo = {
	.name = "demo",
	.summary = "huge buffers processed in place by coprocessor firmware",
	.usage = "demo [--size N[K|M|G]] [--source all|sysmem|static|user]\n"
		 "     [--remote sim|qemu] [--tour]\n"
		 "  --size    buffer size (default 1G, or a third of the "
		 "free memory;\n"
		 "            rounded up to 8M; a static region is at most "
		 "1G)\n"
		 "  --source  where buffers come from: every source in turn "
		 "(default),\n"
		 "            system memory, a static region (a reserved "
		 "carveout),\n"
		 "            or the application's own memory (a memfd)\n"
		 "  --remote  the coprocessor: sim (a simulated core, the "
		 "default), or\n"
		 "            qemu (real ARM firmware under "
		 "qemu-system-arm; one buffer\n"
		 "            in its RAM, default 256M, at most 496M)\n"
		 "  --tour    the shared-memory core instead: IOMMU, bounce, "
		 "checker,\n"
		 "            an RPMsg process (default size 256M)\n"
		 "Firmware images come from the build tree, or "
		 "$AMPSHM_FIRMWARE_DIR.\n",
	.run = run,
};
