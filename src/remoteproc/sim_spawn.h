/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Spawning the simulated core's launcher (ampshm-core) and reading its
 * board page, for the sim backend (sim.c).
 */
#ifndef AMP_REMOTEPROC_SIM_SPAWN_H
#define AMP_REMOTEPROC_SIM_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <ampshm/device.h>
#include <ampshm/remoteproc_image.h>

#include "remoteproc/sim_proto.h"

/* The image's code ranges (PF_X PT_LOAD segments, page-rounded) into @st. */
int amp_simcore_exec_ranges(const struct amp_rproc_image *img,
			    struct amp_simcore_start *st);

/*
 * Fork and exec @launcher with a socket as fd 3, send it @st (its nruns
 * filled here) with the board page @pagefd, then every run of @dev. On
 * success *pid is the core's process (not reaped) and, if @sock is not
 * NULL, *sock the host's end of the socket, for the launcher's IOMMU agent
 * (amp_linux_send_run(), answered by an int32_t status); otherwise it is
 * closed. On failure no process is left.
 */
int amp_simcore_spawn(const char *launcher, struct amp_dev *dev,
		      struct amp_simcore_start *st, int pagefd, pid_t *pid,
		      int *sock);

/*
 * Why a core stopped, from its board page and its wait status:
 * "device fault at da 0x..., pc 0x... (signal N)", "firmware exited with
 * code N", "core killed by signal N", ...
 */
void amp_simcore_describe(const struct amp_simcore_page *p, int status,
			  char *buf, size_t len);

#endif
