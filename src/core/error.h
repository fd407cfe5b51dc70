/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AMP_CORE_ERROR_H
#define AMP_CORE_ERROR_H

/*
 * Record a sentence for amp_last_error() and return @err (a negative
 * errno), so that error paths read: return amp_err(-EBUSY, "...", ...);
 */
int amp_err(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
