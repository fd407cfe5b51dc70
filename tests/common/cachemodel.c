/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Write-back data-cache model for tests: see cachemodel.h and
 * docs/cache-model.md.
 */
#include "cachemodel.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ampshm/cache.h>

#define CM_VALID 1u
#define CM_DIRTY 2u

struct cm_region {
	uintptr_t base; /* first byte (line aligned) */
	size_t nlines;
	unsigned char *state; /* CM_VALID | CM_DIRTY, per line */
	unsigned char *data; /* the cached copy, nlines * line bytes */
};

struct cachemodel {
	size_t line;
	size_t nregions;
	struct cm_region r[CM_MAX_REGIONS];
};

struct cachemodel *cm_create(size_t line_size)
{
	struct cachemodel *m;

	if (!line_size)
		line_size = 64;
	if (line_size & (line_size - 1))
		return NULL;
	m = calloc(1, sizeof(*m));
	if (m)
		m->line = line_size;
	return m;
}

void cm_destroy(struct cachemodel *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nregions; i++) {
		free(m->r[i].state);
		free(m->r[i].data);
	}
	free(m);
}

int cm_add_region(struct cachemodel *m, void *va, size_t len)
{
	uintptr_t a = (uintptr_t)va;
	struct cm_region *r;

	if (!len || (a | len) & (m->line - 1) || a + len < a)
		return -EINVAL;
	for (size_t i = 0; i < m->nregions; i++) {
		uintptr_t b = m->r[i].base;

		if (a < b + m->r[i].nlines * m->line && b < a + len)
			return -EINVAL;
	}
	if (m->nregions == CM_MAX_REGIONS)
		return -ENOSPC;
	r = &m->r[m->nregions];
	r->base = a;
	r->nlines = len / m->line;
	r->state = calloc(r->nlines, 1);
	r->data = malloc(len);
	if (!r->state || !r->data) {
		free(r->state);
		free(r->data);
		return -ENOMEM;
	}
	m->nregions++;
	return 0;
}

size_t cm_line_size(const struct cachemodel *m)
{
	return m->line;
}

/* The region holding @a, and the index of its line there; NULL if none. */
static struct cm_region *lookup(const struct cachemodel *m, uintptr_t a,
				size_t *idx)
{
	for (size_t i = 0; i < m->nregions; i++) {
		const struct cm_region *r = &m->r[i];

		if (a >= r->base && a - r->base < r->nlines * m->line) {
			*idx = (a - r->base) / m->line;
			return (struct cm_region *)r;
		}
	}
	return NULL;
}

static unsigned char *line_data(const struct cachemodel *m, struct cm_region *r,
				size_t i)
{
	return r->data + i * m->line;
}

static void *line_mem(const struct cachemodel *m, struct cm_region *r, size_t i)
{
	return (void *)(r->base + i * m->line);
}

static void fill(struct cachemodel *m, struct cm_region *r, size_t i)
{
	if (r->state[i] & CM_VALID)
		return;
	memcpy(line_data(m, r, i), line_mem(m, r, i), m->line);
	r->state[i] = CM_VALID;
}

static void write_back(struct cachemodel *m, struct cm_region *r, size_t i)
{
	if (r->state[i] != (CM_VALID | CM_DIRTY))
		return;
	memcpy(line_mem(m, r, i), line_data(m, r, i), m->line);
	r->state[i] = CM_VALID;
}

static void drop(struct cachemodel *m, struct cm_region *r, size_t i)
{
	(void)m;
	r->state[i] = 0;
}

/*
 * Apply @op to every line [va, va+len) touches, skipping lines outside
 * every region.
 */
static void each_line(struct cachemodel *m, const void *va, size_t len,
		      void (*op)(struct cachemodel *, struct cm_region *,
				 size_t))
{
	uintptr_t a = (uintptr_t)va & ~(m->line - 1);
	uintptr_t end = (uintptr_t)va + len;

	if (!len)
		return;
	for (; a < end; a += m->line) {
		struct cm_region *r;
		size_t i;

		r = lookup(m, a, &i);
		if (r)
			op(m, r, i);
		if (a + m->line < a)
			break;
	}
}

/*
 * A CPU access: fill each line [va, va+len) touches if needed, call @fn on
 * the piece of the access inside that line (@pos in the line, @off in the
 * access), and mark the line dirty if @write.
 */
static void cpu_access(struct cachemodel *m, uintptr_t va, size_t len,
		       bool write,
		       void (*fn)(unsigned char *line, size_t pos, size_t off,
				  size_t n, void *arg),
		       void *arg)
{
	size_t done = 0;

	while (done < len) {
		uintptr_t a = va + done;
		size_t in = a & (m->line - 1);
		size_t n = m->line - in;
		struct cm_region *r;
		size_t i;

		r = lookup(m, a, &i);
		if (!r) {
			fprintf(stderr,
				"cachemodel: CPU access at %p is outside "
				"every region of the model\n",
				(void *)a);
			abort();
		}
		if (n > len - done)
			n = len - done;
		fill(m, r, i);
		fn(line_data(m, r, i), in, done, n, arg);
		if (write)
			r->state[i] |= CM_DIRTY;
		done += n;
	}
}

struct cm_io {
	unsigned char *buf; /* for reads and writes */
	int c; /* for memset */
};

static void do_read(unsigned char *line, size_t pos, size_t off, size_t n,
		    void *arg)
{
	struct cm_io *io = arg;

	memcpy(io->buf + off, line + pos, n);
}

static void do_write(unsigned char *line, size_t pos, size_t off, size_t n,
		     void *arg)
{
	struct cm_io *io = arg;

	memcpy(line + pos, io->buf + off, n);
}

static void do_set(unsigned char *line, size_t pos, size_t off, size_t n,
		   void *arg)
{
	struct cm_io *io = arg;

	(void)off;
	memset(line + pos, io->c, n);
}

void cm_write(struct cachemodel *m, void *va, const void *src, size_t len)
{
	struct cm_io io = { .buf = (unsigned char *)src };

	cpu_access(m, (uintptr_t)va, len, true, do_write, &io);
}

void cm_memset(struct cachemodel *m, void *va, int c, size_t len)
{
	struct cm_io io = { .c = c };

	cpu_access(m, (uintptr_t)va, len, true, do_set, &io);
}

void cm_read(struct cachemodel *m, const void *va, void *dst, size_t len)
{
	struct cm_io io = { .buf = dst };

	cpu_access(m, (uintptr_t)va, len, false, do_read, &io);
}

void cm_prefetch(struct cachemodel *m, const void *va, size_t len)
{
	each_line(m, va, len, fill);
}

static void evict(struct cachemodel *m, struct cm_region *r, size_t i)
{
	write_back(m, r, i);
	drop(m, r, i);
}

void cm_evict_all(struct cachemodel *m)
{
	for (size_t k = 0; k < m->nregions; k++)
		for (size_t i = 0; i < m->r[k].nlines; i++)
			evict(m, &m->r[k], i);
}

void cm_clean(struct cachemodel *m, const void *va, size_t len)
{
	each_line(m, va, len, write_back);
}

void cm_invalidate(struct cachemodel *m, const void *va, size_t len)
{
	each_line(m, va, len, drop);
}

void cm_flush(struct cachemodel *m, const void *va, size_t len)
{
	each_line(m, va, len, evict);
}

static void op_clean(void *va, size_t len, void *priv)
{
	cm_clean(priv, va, len);
}

static void op_invalidate(void *va, size_t len, void *priv)
{
	cm_invalidate(priv, va, len);
}

static void op_flush(void *va, size_t len, void *priv)
{
	cm_flush(priv, va, len);
}

void cm_install(struct cachemodel *m)
{
	struct amp_cache_ops ops = {
		.clean = op_clean,
		.invalidate = op_invalidate,
		.flush = op_flush,
		.line_size = m->line,
		.priv = m,
	};

	amp_cache_set_ops(&ops);
}

void cm_uninstall(void)
{
	amp_cache_set_ops(NULL);
}

bool cm_line_valid(const struct cachemodel *m, const void *va)
{
	struct cm_region *r;
	size_t i;

	r = lookup(m, (uintptr_t)va, &i);
	return r && (r->state[i] & CM_VALID);
}

bool cm_line_dirty(const struct cachemodel *m, const void *va)
{
	struct cm_region *r;
	size_t i;

	r = lookup(m, (uintptr_t)va, &i);
	return r && (r->state[i] & CM_DIRTY);
}

size_t cm_dirty_lines(const struct cachemodel *m, const void *va, size_t len)
{
	uintptr_t a = (uintptr_t)va & ~(m->line - 1);
	uintptr_t end = (uintptr_t)va + len;
	size_t n = 0;

	for (; a < end; a += m->line)
		n += cm_line_dirty(m, (const void *)a);
	return n;
}
