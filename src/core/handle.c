/* SPDX-License-Identifier: BSD-3-Clause */
/* Handle magic words and the quarantine of dead handles (see handle.h). */
#include "core/handle.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

#define QUARANTINE 1024

static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static void *quarantine[QUARANTINE];
static size_t q_next;

void *amp_handle_new(size_t size, uint32_t magic)
{
	uint32_t *h = calloc(1, size);

	if (h)
		__atomic_store_n(h, magic, __ATOMIC_RELEASE);
	return h;
}

void amp_handle_retire(void *h)
{
	void *old;

	if (!h)
		return;
	__atomic_store_n((uint32_t *)h, AMP_MAGIC_DEAD, __ATOMIC_RELEASE);
	pthread_mutex_lock(&q_lock);
	old = quarantine[q_next];
	quarantine[q_next] = h;
	q_next = (q_next + 1) % QUARANTINE;
	pthread_mutex_unlock(&q_lock);
	free(old);
}

static const char *kind(uint32_t magic)
{
	return magic == AMP_MAGIC_SHM ? "buffer" : "device";
}

int amp_handle_check(const void *h, uint32_t magic, const char *fn)
{
	uint32_t m;

	if (!h)
		return amp_err(-EINVAL, "%s: NULL %s", fn, kind(magic));
	m = __atomic_load_n((const uint32_t *)h, __ATOMIC_ACQUIRE);
	if (m == magic)
		return 0;
	if (m == AMP_MAGIC_DEAD)
		return amp_err(-EBADF,
			       "%s: %s %p was already %s (used after its last "
			       "%s)",
			       fn, kind(magic), h,
			       magic == AMP_MAGIC_SHM ? "freed" : "destroyed",
			       magic == AMP_MAGIC_SHM ? "close or detach" :
							"destroy");
	return amp_err(-EBADF, "%s: %p is not an ampshm %s", fn, h,
		       kind(magic));
}
