/* SPDX-License-Identifier: BSD-3-Clause */
/* What the remoteproc image tests share. */
#ifndef AMP_TEST_RPROC_H
#define AMP_TEST_RPROC_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <ampshm/error.h>
#include <ampshm/remoteproc_image.h>

#include "imgbuild.h"

/* @call fails with @err and amp_last_error() contains @substr. */
#define expect_err(call, err, substr)                                        \
	do {                                                                 \
		int r_ = (call);                                             \
		if (r_ != (err))                                             \
			fail_msg("%s: got %d, want %d (%s)", #call, r_, err, \
				 amp_last_error());                          \
		if (!strstr(amp_last_error(), substr))                       \
			fail_msg("%s: message '%s' lacks '%s'", #call,       \
				 amp_last_error(), substr);                  \
	} while (0)

#endif
