/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-thread detail of the last error, for amp_last_error(). */
#include <ampshm/error.h>

#include <stdarg.h>
#include <stdio.h>

#include "core/error.h"

static _Thread_local char last_error[256];

const char *amp_last_error(void)
{
	return last_error;
}

int amp_err(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return err;
}
