/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the libmetal proposal has no call for: creating a device and doing
 * its accesses. Implemented with ampshm's own API in sim_device.c, so that
 * test_metal_proposal.c sees only the proposal's headers.
 */
#ifndef AMP_TEST_SIM_DEVICE_H
#define AMP_TEST_SIM_DEVICE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Create a simulated coprocessor behind an IOMMU that sees its own copy of
 * every buffer, brought up to date only by the syncs (a missing or wrong
 * sync shows as stale data), registered as @name for metal_device_open().
 */
int sim_device_create(const char *name);
/* Destroy it (after metal_device_close()). */
int sim_device_destroy(const char *name);
/* The device reads / writes @len bytes at its address @da. */
int sim_device_read(const char *name, uint64_t da, void *buf, size_t len);
int sim_device_write(const char *name, uint64_t da, const void *buf,
		     size_t len);

#endif
