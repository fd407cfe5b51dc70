/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the host and the simulated core's launcher (ampshm-core) share:
 * the start message sent over the UNIX socket, and the board page (one
 * page of shared memory, mapped by the launcher outside the device's
 * address space: the firmware never sees it, only its board services do).
 *
 * Protocol on a SOCK_SEQPACKET socket (the launcher's fd is argv[1]):
 *   host -> core: struct amp_simcore_start, with the board page's memfd
 *                 (SCM_RIGHTS);
 *   host -> core: nruns runs (amp_linux_send_run(), mapped = true);
 *   core:         maps the page, maps each run at its device address,
 *                 makes the executable ranges R-X, then jumps to entry.
 */
#ifndef AMP_SIMCORE_PROTO_H
#define AMP_SIMCORE_PROTO_H

#include <stdint.h>

#define AMP_SIMCORE_MAGIC 0x45524f43u /* "CORE" */
#define AMP_SIMCORE_MAX_EXEC 4u
#define AMP_SIMCORE_PAGE_SIZE 4096u

/* state of the core, in the board page */
enum {
	AMP_SIMCORE_BOOTING = 0, /* launcher mapping the runs */
	AMP_SIMCORE_RUNNING = 1, /* jumped to the entry */
	AMP_SIMCORE_EXITED = 2, /* firmware called exit() */
	AMP_SIMCORE_FAULTED = 3, /* fault recorded, about to die */
};

struct amp_simcore_start {
	uint32_t magic;
	uint32_t nruns; /* runs that follow */
	uint64_t entry; /* device address to jump to */
	uint32_t nexec; /* entries of exec[] used */
	uint32_t pad;
	struct {
		uint64_t da, len; /* page aligned, mapped R-X */
	} exec[AMP_SIMCORE_MAX_EXEC];
};

/* The board page (first bytes of a zeroed 4 KiB memfd). */
struct amp_simcore_page {
	uint8_t bell_core[64]; /* the core waits here, the host rings */
	uint8_t bell_host[64]; /* the host waits here, the core rings */
	uint64_t heartbeat; /* bumped by the firmware's heartbeat() */
	uint32_t state; /* AMP_SIMCORE_* */
	int32_t exit_code; /* AMP_SIMCORE_EXITED */
	uint32_t fault_sig; /* AMP_SIMCORE_FAULTED: signal */
	uint32_t fault_code; /* si_code */
	uint64_t fault_addr; /* si_addr: the device address at fault */
	uint64_t fault_pc; /* program counter (a device address) */
	uint64_t notifies; /* kicks the core sent */
};

#endif /* AMP_SIMCORE_PROTO_H */
