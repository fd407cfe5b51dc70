// SPDX-License-Identifier: BSD-3-Clause
/* Reading a whole file (firmware images): the CLI and the benchmarks. */
#include "readfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int amp_cli_read_file(const char *path, unsigned char **buf, size_t *size)
{
	struct stat st;
	unsigned char *b;
	FILE *f;
	int err;

	f = fopen(path, "rb");
	if (!f)
		return -errno;
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		err = S_ISREG(st.st_mode) ? -errno : -EINVAL;
		fclose(f);
		return err;
	}
	b = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!b) {
		fclose(f);
		return -ENOMEM;
	}
	if (fread(b, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		free(b);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*buf = b;
	*size = (size_t)st.st_size;
	return 0;
}
