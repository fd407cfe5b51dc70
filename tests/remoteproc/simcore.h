/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host side of the simulated core, minimal (a test helper, not the
 * remoteproc core of issue 7): a static region as the carveout, a device
 * whose window maps the firmware's carveout da to it, the image parsed,
 * checked and loaded through the device's address space, the loaded
 * resource table's carveout pa written back, the launcher (ampshm-core)
 * spawned with the device's runs and the entry, and the RPMsg host run
 * over the loaded table with futex doorbells in the board page.
 */
#ifndef AMP_TEST_SIMCORE_H
#define AMP_TEST_SIMCORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <ampshm/ampshm.h>
#include <ampshm/linux_notify.h>
#include <ampshm/remoteproc_image.h>
#include <ampshm/rpmsg.h>

#include "remoteproc/sim_proto.h"

#define SIMCORE_VRING_MAX 64u
#define SIMCORE_BUF_SIZE 512u

struct simcore {
	/* setup */
	const char *region; /* static region name */
	amp_pa_t pa; /* carveout pa */
	amp_da_t da; /* carveout da (the window) */
	uint64_t size;
	uint64_t host_area; /* carveout offset of the host's area */
	uint64_t host_next; /* next free byte of it (vrings, then buffers) */
	struct amp_dev *dev;
	uint8_t *co; /* host pointer to the carveout */
	/* image */
	void *fw;
	size_t fw_size;
	struct amp_rproc_image *img;
	struct amp_rproc_rsc *rsc;
	void *table; /* the loaded table (host pointer) */
	size_t table_size;
	uint64_t entry;
	/* core */
	pid_t pid;
	int status; /* wait status once reaped */
	bool reaped;
	struct amp_simcore_page *page;
	struct amp_linux_notifier bell;
	/* RPMsg host */
	struct amp_ipc_region ipc_region;
	struct amp_ipc_port_ops ops;
	struct amp_ipc_port port;
	struct amp_vq_slot slots[2][SIMCORE_VRING_MAX];
	struct amp_rpmsg_dev rdev;
	bool rpmsg_up;
};

/* Region, device with a window da -> pa. */
int simcore_setup(struct simcore *c, const char *region, amp_pa_t pa,
		  amp_da_t da, uint64_t size);
void simcore_teardown(struct simcore *c);
/*
 * Read, parse, check, load the image; write back the carveout pa and the
 * address of every "any" vring (allocated in the host's area).
 */
int simcore_load(struct simcore *c, const char *path);
/* RPMsg host over the loaded table, then spawn the core. */
int simcore_start(struct simcore *c, const char *launcher);
/* Reap the core if it died (non-blocking): true if it is gone. */
bool simcore_dead(struct simcore *c);
/* Kill the core (if alive), reap it, take the RPMsg host down. */
void simcore_stop(struct simcore *c);
/* "device fault at da 0x..., pc 0x... (signal N)" or why it stopped. */
void simcore_describe(struct simcore *c, char *buf, size_t len);

#endif /* AMP_TEST_SIMCORE_H */
