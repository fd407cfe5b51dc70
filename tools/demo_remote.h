/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef AMP_DEMO_REMOTE_H
#define AMP_DEMO_REMOTE_H

#include <ampshm/ampshm.h>

/*
 * Start a coprocessor process linked by RPMsg, give it the system memory,
 * and have it checksum [0, len) of @frame in place, through its own
 * mapping. Prints what happens; returns 0 if its checksum equals @expect.
 */
int demo_remote_run(struct amp_shm *frame, uint64_t len, uint64_t expect);

#endif
