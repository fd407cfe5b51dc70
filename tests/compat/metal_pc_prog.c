/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Built by check_metal_pc.sh against the installed library with
 * `pkg-config ampshm-metal`, and linked with a stand-in for a real
 * libmetal that defines the upstream names with other signatures.
 */
#include <stdio.h>
#include <string.h>

#include <metal/shmem.h>

int main(void)
{
	struct metal_generic_shmem *shm;
	struct metal_scatter_list *sg;

	if (metal_shmem_open("/sysmem/pc", 1 << 16, 0, &shm))
		return 1;
	sg = metal_shmem_mmap(shm, 0);
	if (!sg || metal_io_region_size(&sg->ios[0]) != 1 << 16)
		return 2;
	strcpy(metal_io_virt(&sg->ios[0], 0), "ok");
	if (metal_shmem_close(shm) ||
	    strcmp(metal_io_virt(&sg->ios[0], 0), "ok"))
		return 3;
	metal_shmem_munmap(shm, sg);
	puts("ampshm-metal: proposal program built and run");
	return 0;
}
