/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A concurrent hostile peer for tests: a thread that keeps rewriting
 * chosen ranges of shared memory (VDEV entry, vring indices, descriptors,
 * used entries, message headers) with random and boundary values while
 * the side under test validates and uses them.
 */
#ifndef AMP_TEST_HOSTILE_H
#define AMP_TEST_HOSTILE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HOSTILE_MAX_TARGETS 16

struct hostile_target {
	void *p; /* first byte (4-byte aligned) */
	size_t size; /* bytes */
	unsigned int weight;
};

struct hostile {
	struct hostile_target t[HOSTILE_MAX_TARGETS];
	unsigned int n;
	unsigned int total_weight;
	uint32_t seed;
	uint32_t num; /* ring size, for boundary values */
	atomic_bool stop;
	atomic_ulong writes;
	pthread_t th;
};

/* Start with no target; @num is used for boundary values. */
void hostile_init(struct hostile *h, uint32_t seed, uint32_t num);

/* Rewrite [p, p + size) (weight: how often, relative to the others). */
void hostile_add(struct hostile *h, void *p, size_t size, unsigned int weight);

/* Start the thread. */
void hostile_start(struct hostile *h);

/* Wait until the thread is writing (so that the attack overlaps). */
void hostile_wait_busy(struct hostile *h);

/* Stop it and wait; returns the number of writes done. */
unsigned long hostile_stop(struct hostile *h);

#endif
