/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A core (simulated, or QEMU) running the bufproc firmware, with a hand-over session
 * and its "echo" and "stream" services bound, and the measurements the
 * demo and bench_handover both make on it.
 */
#ifndef AMP_TOOLS_HOVPROBE_H
#define AMP_TOOLS_HOVPROBE_H

#include <stddef.h>
#include <stdint.h>

#include <ampshm/ampshm.h>

struct hov_probe {
	const char *name;
	struct amp_rproc *rp;
	struct amp_hov_session *hs;
	/* the firmware's other services, bound from the session's thread */
	struct amp_rpmsg_endpoint echo, stream;
	unsigned echo_gen, stream_gen;
	unsigned replies; /* atomic: messages received on either */
	uint64_t reply; /* first 8 bytes of the last one */
};

/*
 * Create the core described by @cfg (recovery on), start its session,
 * load and start @image, wait until the hand-over service and "echo" and
 * "stream" are bound. 0, or a negative errno (-ETIMEDOUT: no "echo" or
 * "stream"; otherwise amp_last_error() says why).
 */
int hov_probe_boot(struct hov_probe *p, const struct amp_rproc_sim_config *cfg,
		   const void *image, size_t size);
/*
 * The same with a core already created (any backend, recovery as the
 * caller chose); @rp is the probe's from now on, even on failure.
 */
int hov_probe_boot_rp(struct hov_probe *p, const char *name,
		      struct amp_rproc *rp, const void *image, size_t size);
void hov_probe_shutdown(struct hov_probe *p);

/*
 * After a crash: until @rp counts @crashes crashes and runs again, then
 * until @hs is bound again, all within @timeout_ms (one deadline).
 * 0, -ETIMEDOUT (not running again in time: amp_rproc_last_crash() and
 * amp_rproc_state() say where it stood), or the error of
 * amp_hov_session_wait_ready().
 */
int hov_wait_recovered(struct amp_rproc *rp, struct amp_hov_session *hs,
		       unsigned crashes, unsigned timeout_ms);

/* Median of @n samples (sorts them). */
double hov_median(double *t, int n);

/* Median round trip, in us, of a 16-byte message to "echo"; -1 on error. */
double hov_probe_echo_rtt(struct hov_probe *p, int n);

/*
 * Bytes per second through 496-byte messages to "stream", @len bytes,
 * checked against the sum the firmware computed; -1 on error.
 */
double hov_probe_copy_rate(struct hov_probe *p, uint64_t len);

/*
 * Median round trip, in us, of a hand-over of [0, len) of @b (attached)
 * that the firmware gives back at once; -1 on error.
 */
double hov_probe_handover_rtt(struct hov_probe *p, struct amp_shm *b,
			      uint64_t len, int n);

/* One pass of the firmware's sum-and-invert loop over @n words at @w on
 * the host: seconds taken. */
double hov_host_pass(uint64_t *w, uint64_t n);

/* That loop over @len bytes of the host's own private memory, warm:
 * median GB/s of 5 passes; -1 on error. */
double hov_host_rate(uint64_t len);

#endif
