/* SPDX-License-Identifier: BSD-3-Clause */
/* The concurrent hostile peer (see hostile.h). */
#include "hostile.h"

#include <sched.h>
#include <string.h>

void hostile_init(struct hostile *h, uint32_t seed, uint32_t num)
{
	memset(h, 0, sizeof(*h));
	h->seed = seed ? seed : 1;
	h->num = num;
}

void hostile_add(struct hostile *h, void *p, size_t size, unsigned int weight)
{
	if (h->n == HOSTILE_MAX_TARGETS || size < 4 || !weight)
		return;
	h->t[h->n++] = (struct hostile_target){ p, size & ~(size_t)3, weight };
	h->total_weight += weight;
}

static uint32_t rnd(uint32_t *s)
{
	/* xorshift32 */
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static uint32_t value(struct hostile *h, uint32_t *s)
{
	static const uint32_t fixed[] = { 0,	   1,	       2,
					  4,	   16,	       0xFFFF,
					  0x10000, 0x7FFFFFFF, 0xFFFFFFFF,
					  1024,	   53 };
	uint32_t r = rnd(s);

	switch (r % 6) {
	case 0:
		return fixed[(r >> 8) % (sizeof(fixed) / sizeof(fixed[0]))];
	case 1:
		return h->num + (r >> 8) % 3 - 1; /* num - 1, num, num + 1 */
	case 2:
		return (r >> 8) % (2 * h->num + 1); /* plausible index/id */
	default:
		return rnd(s);
	}
}

static void *hostile_main(void *arg)
{
	struct hostile *h = arg;
	uint32_t s = h->seed;

	while (!atomic_load_explicit(&h->stop, memory_order_relaxed)) {
		uint32_t w = rnd(&s) % h->total_weight;
		struct hostile_target *t = h->t;
		size_t off;
		uint32_t v;

		while (w >= t->weight) {
			w -= t->weight;
			t++;
		}
		off = (rnd(&s) % (t->size / 2)) * 2;
		v = value(h, &s);
		if (rnd(&s) & 1 && off + 4 <= t->size && !(off & 3))
			__atomic_store_n((uint32_t *)((char *)t->p + off), v,
					 __ATOMIC_RELAXED);
		else
			__atomic_store_n((uint16_t *)((char *)t->p + off),
					 (uint16_t)v, __ATOMIC_RELAXED);
		if ((atomic_fetch_add_explicit(&h->writes, 1,
					       memory_order_relaxed) &
		     63) == 0)
			sched_yield();
	}
	return NULL;
}

void hostile_start(struct hostile *h)
{
	atomic_store(&h->stop, false);
	pthread_create(&h->th, NULL, hostile_main, h);
}

unsigned long hostile_stop(struct hostile *h)
{
	atomic_store(&h->stop, true);
	pthread_join(h->th, NULL);
	return atomic_load(&h->writes);
}

void hostile_wait_busy(struct hostile *h)
{
	while (atomic_load(&h->writes) < 16)
		sched_yield();
}
