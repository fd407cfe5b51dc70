/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "static" provider: statically defined regions (reserved memory,
 * carveouts), each opened as the buffer "static/<region>".
 *
 * A region's bytes live in a file: a fresh memfd by default, or a given
 * file (a QEMU guest RAM file, /dev/mem on a board) at an offset.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ampshm/error.h>

#include "core/error.h"
#include "core/parse.h"
#include "core/phys.h"
#include "core/shm_internal.h"
#include "port/linux/mem.h"

struct static_region {
	struct amp_list node;
	char name[64];
	amp_pa_t pa;
	uint64_t size;
	unsigned flags;
	int fd;
	uint64_t fd_off;
	void *map;
	size_t page_size;
	bool in_use;
};

static struct amp_list regions = AMP_LIST_INIT(regions);

static struct static_region *find_region(const char *name)
{
	struct amp_list *n;

	amp_list_for_each(n, &regions)
	{
		struct static_region *r =
			amp_container_of(n, struct static_region, node);

		if (!strcmp(r->name, name))
			return r;
	}
	return NULL;
}

static int open_backing(struct static_region *r, const char *path, uint64_t off)
{
	struct stat st;

	if (!path) {
		r->fd = amp_linux_memfd(r->name, r->size, false, &r->page_size);
		r->fd_off = 0;
		return r->fd < 0 ? r->fd : 0;
	}
	r->fd = open(path, O_RDWR | O_CLOEXEC);
	if (r->fd < 0)
		return amp_err(-errno,
			       "static: cannot open '%s' for region "
			       "'%s'",
			       path, r->name);
	if (fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (off > (uint64_t)st.st_size ||
	     r->size > (uint64_t)st.st_size - off)) {
		close(r->fd);
		return amp_err(-EINVAL,
			       "static: '%s' is %lld bytes, too small "
			       "for region '%s' at offset 0x%llx",
			       path, (long long)st.st_size, r->name,
			       (unsigned long long)off);
	}
	r->fd_off = off;
	r->page_size = amp_linux_fd_page_size(r->fd);
	return 0;
}

static int region_add_locked(const char *name, amp_pa_t pa, uint64_t size,
			     unsigned flags, const char *path, uint64_t off)
{
	struct amp_phys_region pr = { 0 };
	struct static_region *r;
	int ret;

	if (!name || !*name || strlen(name) >= sizeof(r->name) ||
	    strchr(name, '/'))
		return amp_err(-EINVAL, "static: bad region name");
	if (!size || (size & 0xfff) || (pa & 0xfff) || (off & 0xfff) ||
	    pa + (size - 1) < pa)
		return amp_err(-EINVAL,
			       "static: region '%s' must be page "
			       "aligned, non-empty and below 2^64",
			       name);
	if (find_region(name))
		return amp_err(-EEXIST, "static: region '%s' exists", name);
	if (amp_phys_overlaps(pa, size)) {
		/* Let the map say which region is in the way. */
		pr = (struct amp_phys_region){ .pa = pa, .size = size };
		snprintf(pr.what, sizeof(pr.what), "static/%s", name);
		return amp_phys_add(&pr);
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->pa = pa;
	r->size = size;
	r->flags = flags;
	ret = open_backing(r, path, off);
	if (ret)
		goto err_free;
	ret = amp_linux_map_fd(r->fd, r->fd_off, size, &r->map);
	if (ret) {
		amp_err(ret, "static: cannot map region '%s'", name);
		goto err_fd;
	}
	pr.pa = pa;
	pr.size = size;
	pr.map = r->map;
	pr.fd = r->fd;
	pr.fd_off = r->fd_off;
	snprintf(pr.what, sizeof(pr.what), "static/%s", name);
	ret = amp_phys_add(&pr);
	if (ret)
		goto err_map;
	amp_list_add_tail(&regions, &r->node);
	return 0;
err_map:
	amp_linux_unmap(r->map, size);
err_fd:
	close(r->fd);
err_free:
	free(r);
	return ret;
}

int amp_static_region_add(const char *name, amp_pa_t pa, uint64_t size,
			  unsigned flags, const char *backing_path,
			  uint64_t backing_offset)
{
	int ret;

	amp_global_lock();
	ret = region_add_locked(name, pa, size, flags, backing_path,
				backing_offset);
	amp_global_unlock();
	return ret;
}

/* Remove a region; global lock held. */
static int region_remove_locked(const char *name)
{
	struct static_region *r = find_region(name);

	if (!r)
		return amp_err(-ENOENT, "static: no region '%s'", name);
	if (r->in_use)
		return amp_err(-EBUSY, "static: region '%s' is open", name);
	amp_list_del(&r->node);
	amp_phys_remove(r->pa);
	amp_linux_unmap(r->map, r->size);
	close(r->fd);
	free(r);
	return 0;
}

int amp_static_region_remove(const char *name)
{
	int ret;

	if (!name)
		return amp_err(-EINVAL, "static: NULL region name");
	amp_global_lock();
	ret = region_remove_locked(name);
	amp_global_unlock();
	return ret;
}

#define CFG_SYNTAX "'name pa size [uncached|cached] [file=PATH [offset=N]]'"

/* One config line: 1 if it added a region (named in @added), 0 if empty. */
static int parse_line(char *line, unsigned lineno, const char *path,
		      char *added, size_t added_len)
{
	char *tok[8], *save = NULL, *file = NULL;
	uint64_t pa, size, off = 0;
	unsigned flags = 0;
	bool have_off = false;
	int n = 0, ret;
	char *t;

	for (t = strtok_r(line, " \t\r\n", &save); t;
	     t = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == 8)
			return amp_err(-EINVAL,
				       "%s:%u: too many fields at '%s': "
				       "expected " CFG_SYNTAX,
				       path, lineno, t);
		tok[n++] = t;
	}
	if (!n)
		return 0;
	if (n < 3)
		return amp_err(-EINVAL,
			       "%s:%u: incomplete line (%d field%s): "
			       "expected " CFG_SYNTAX,
			       path, lineno, n, n == 1 ? "" : "s");
	if (amp_parse_size(tok[1], &pa))
		return amp_err(-EINVAL,
			       "%s:%u: pa '%s' is not a 64-bit number "
			       "(0x..., decimal, or with a K/M/G suffix)",
			       path, lineno, tok[1]);
	if (amp_parse_size(tok[2], &size))
		return amp_err(-EINVAL,
			       "%s:%u: size '%s' is not a 64-bit number "
			       "(0x..., decimal, or with a K/M/G suffix)",
			       path, lineno, tok[2]);
	for (int i = 3; i < n; i++) {
		if (!strcmp(tok[i], "uncached")) {
			flags |= AMP_REGION_F_UNCACHED;
		} else if (!strcmp(tok[i], "cached")) {
			flags &= ~AMP_REGION_F_UNCACHED;
		} else if (!strncmp(tok[i], "file=", 5) && tok[i][5]) {
			file = tok[i] + 5;
		} else if (!strncmp(tok[i], "offset=", 7)) {
			if (amp_parse_size(tok[i] + 7, &off))
				return amp_err(-EINVAL,
					       "%s:%u: '%s': the offset is "
					       "not a 64-bit number",
					       path, lineno, tok[i]);
			have_off = true;
		} else {
			return amp_err(
				-EINVAL,
				"%s:%u: unknown option '%s': expected " CFG_SYNTAX,
				path, lineno, tok[i]);
		}
	}
	if (have_off && !file)
		return amp_err(-EINVAL, "%s:%u: offset= needs file=PATH", path,
			       lineno);
	ret = region_add_locked(tok[0], pa, size, flags, file, off);
	if (ret) {
		char why[200];

		snprintf(why, sizeof(why), "%s", amp_last_error());
		return amp_err(ret, "%s:%u: %s", path, lineno, why);
	}
	snprintf(added, added_len, "%s", tok[0]);
	return 1;
}

int amp_static_load_config(const char *path)
{
	char line[512], (*added)[64] = NULL;
	unsigned lineno = 0;
	int count = 0, cap = 0, ret = 0;
	FILE *f;

	if (!path)
		return amp_err(-EINVAL, "static: NULL config path");
	f = fopen(path, "re");
	if (!f)
		return amp_err(-errno, "static: cannot open config '%s'", path);
	amp_global_lock();
	while (fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#');

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			ret = amp_err(-EINVAL,
				      "%s:%u: line longer than %zu "
				      "characters",
				      path, lineno, sizeof(line) - 2);
			break;
		}
		if (hash)
			*hash = '\0';
		if (count == cap) {
			int ncap = cap ? cap * 2 : 8;
			char(*n)[64] = realloc(added, (size_t)ncap * 64);

			if (!n) {
				ret = amp_err(-ENOMEM, "static: out of memory");
				break;
			}
			added = n;
			cap = ncap;
		}
		ret = parse_line(line, lineno, path, added[count], 64);
		if (ret < 0)
			break;
		count += ret;
	}
	/* All or nothing: a config that fails half way leaves nothing. */
	if (ret < 0)
		while (count)
			region_remove_locked(added[--count]);
	amp_global_unlock();
	fclose(f);
	free(added);
	return ret < 0 ? ret : count;
}

static int static_alloc(struct amp_shm *shm, const char *subname, uint64_t size,
			unsigned flags, const void *arg)
{
	struct static_region *r = find_region(subname);
	struct amp_map_piece p;
	int ret;

	if (!r)
		return amp_err(-ENOENT,
			       "static: no region '%s' (register it "
			       "with amp_static_region_add() or a "
			       "config file)",
			       subname);
	if (size > r->size)
		return amp_err(-EINVAL,
			       "static: region '%s' is 0x%llx bytes, "
			       "0x%llx asked",
			       subname, (unsigned long long)r->size,
			       (unsigned long long)size);
	size = size ? amp_align_up(size, r->page_size) : r->size;
	if (size > r->size)
		size = r->size;
	p = (struct amp_map_piece){ r->fd, r->fd_off, size };
	ret = amp_linux_map_pieces(&p, 1, size, 0, &shm->va);
	if (ret)
		return amp_err(ret, "static: cannot map region '%s'", subname);
	shm->segs = calloc(1, sizeof(*shm->segs));
	if (!shm->segs) {
		amp_linux_unmap(shm->va, size);
		return -ENOMEM;
	}
	shm->segs[0] = (struct amp_cpu_seg){ shm->va, r->pa, size, 0 };
	shm->nsegs = 1;
	shm->size = size;
	shm->page_size = r->page_size;
	if (r->flags & AMP_REGION_F_UNCACHED)
		shm->flags |= AMP_SHM_F_UNCACHED;
	shm->priv = r;
	r->in_use = true;
	return 0;
}

static void static_free(struct amp_shm *shm)
{
	struct static_region *r = shm->priv;

	amp_linux_unmap(shm->va, shm->size);
	free(shm->segs);
	r->in_use = false;
}

const struct amp_provider amp_provider_static = {
	.name = "static",
	.alloc = static_alloc,
	.free = static_free,
};
