/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Coredump of a coprocessor: an ELF64 core file with one PT_LOAD per
 * memory area (carveouts and the vdev area; not DEVMEM registers), at its
 * device address (p_vaddr) and physical address (p_paddr), read through
 * the coprocessor's own address space. Readable with `readelf -l` and
 * loadable in a debugger at the device's addresses.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "remoteproc/rproc_internal.h"

#define CHUNK (1u << 20)

static int write_all(FILE *f, const void *p, size_t n)
{
	return fwrite(p, 1, n, f) == n ? 0 : -EIO;
}

static int dump(struct amp_rproc *rp, FILE *f)
{
	Elf64_Ehdr eh = { 0 };
	Elf64_Phdr ph[AMP_RPROC_MAX_AREAS];
	uint64_t off = sizeof(eh);
	size_t n = 0;
	char *buf;
	int ret;

	for (size_t i = 0; i < rp->narea; i++) {
		if (rp->area[i].devmem)
			continue;
		memset(&ph[n], 0, sizeof(ph[n]));
		ph[n].p_type = PT_LOAD;
		ph[n].p_flags = PF_R | PF_W | PF_X;
		ph[n].p_vaddr = rp->area[i].da;
		ph[n].p_paddr = rp->area[i].pa;
		ph[n].p_filesz = ph[n].p_memsz = rp->area[i].len;
		ph[n].p_align = 4096;
		n++;
	}
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = (Elf64_Half)amp_rproc_image_info(rp->img)->machine;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (Elf64_Half)n;
	off += n * sizeof(Elf64_Phdr);
	for (size_t i = 0; i < n; i++) {
		ph[i].p_offset = off;
		off += ph[i].p_filesz;
	}
	ret = write_all(f, &eh, sizeof(eh));
	if (!ret)
		ret = write_all(f, ph, n * sizeof(ph[0]));
	buf = malloc(CHUNK);
	if (!buf)
		return -ENOMEM;
	for (size_t i = 0; i < n && !ret; i++) {
		for (uint64_t o = 0; o < ph[i].p_filesz && !ret; o += CHUNK) {
			size_t k = ph[i].p_filesz - o < CHUNK ?
					   (size_t)(ph[i].p_filesz - o) :
					   CHUNK;

			ret = amp_dev_read(rp->dev, ph[i].p_vaddr + o, buf, k);
			if (!ret)
				ret = write_all(f, buf, k);
		}
	}
	free(buf);
	return ret;
}

int amp_rproc__coredump_locked(struct amp_rproc *rp, const char *path)
{
	FILE *f;
	int ret;

	if (!rp->dev)
		return amp_err(-ENODEV,
			       "rproc '%s' is offline: nothing to "
			       "dump",
			       rp->name);
	f = fopen(path, "we");
	if (!f)
		return amp_err(-errno, "rproc '%s': cannot create '%s'",
			       rp->name, path);
	ret = dump(rp, f);
	if (fclose(f) && !ret)
		ret = -errno;
	if (ret)
		amp_err(ret, "rproc '%s': writing '%s' failed", rp->name, path);
	return ret;
}

int amp_rproc_coredump(struct amp_rproc *rp, const char *path)
{
	int ret;

	if (!rp || !path)
		return amp_err(-EINVAL, "rproc: NULL argument");
	pthread_mutex_lock(&rp->lock);
	ret = amp_rproc__coredump_locked(rp, path);
	pthread_mutex_unlock(&rp->lock);
	return ret;
}
