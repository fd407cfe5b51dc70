/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Futex doorbell in shared memory with adaptive spinning (Linux port).
 */
#ifndef AMP_PORT_LINUX_DOORBELL_H
#define AMP_PORT_LINUX_DOORBELL_H

#include <stdatomic.h>
#include <stdint.h>

#include <ampshm/linux_notify.h>

/* One side's bell, in shared memory, alone in its cache line. */
struct amp_bell {
	_Atomic uint32_t seq; /* bumped by every notify */
	_Atomic uint32_t sleepers; /* waiters blocked in FUTEX_WAIT */
	uint32_t pad[14];
};

/*
 * Local state of the side that waits on a bell. Several threads may wait
 * at once: each waits on its own snapshot of seq (amp_bell_prepare()), so
 * none can consume another's notification.
 */
struct amp_bell_waiter {
	struct amp_bell *bell;
	_Atomic uint32_t spin_ns; /* current spin budget */
	uint32_t spin_max_ns; /* upper bound (cfg.spin_us) */
	struct amp_linux_ipc_stats st;
};

void amp_bell_waiter_init(struct amp_bell_waiter *w, struct amp_bell *bell,
			  uint32_t spin_us);
/* Snapshot to pass to amp_bell_wait(), taken before the last check. */
uint32_t amp_bell_prepare(struct amp_bell_waiter *w);
/*
 * 0 once the bell rang after @token was taken, -ETIMEDOUT when
 * *remaining_us ran out; the time spent is subtracted from *remaining_us
 * (UINT32_MAX: forever).
 */
int amp_bell_wait(struct amp_bell_waiter *w, uint32_t token,
		  uint32_t *remaining_us);
/* Ring @bell; counts into @st. */
void amp_bell_ring(struct amp_bell *bell, struct amp_linux_ipc_stats *st);

#endif
