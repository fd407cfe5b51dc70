/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AMP_TOOLS_READFILE_H
#define AMP_TOOLS_READFILE_H

#include <stddef.h>

/* Read a whole file into memory (free() it); 0 or a negative errno. */
int amp_cli_read_file(const char *path, unsigned char **buf, size_t *size);

#endif
