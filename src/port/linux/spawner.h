/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Child processes that die with the host: a long-lived thread forks them
 * with PR_SET_PDEATHSIG.
 *
 * Linux sends the parent-death signal when the *thread* that forked the
 * child exits, not the process. A child forked by whatever thread called
 * start (an application thread that may end, a monitor thread) would be
 * killed when that thread ends. So every fork happens on the spawner's
 * own thread, which lives as long as its owner; callers hand it the
 * request and wait. The spawner takes no other lock, so a caller may hold
 * any of its own.
 */
#ifndef AMP_PORT_LINUX_SPAWNER_H
#define AMP_PORT_LINUX_SPAWNER_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

#define AMP_SPAWN_MAX_FDS 4

struct amp_spawn_req {
	const char *path; /* searched in PATH if it has no '/' */
	char *const *argv;
	/* fds[i] becomes descriptor 3 + i in the child; nothing else leaks */
	int fds[AMP_SPAWN_MAX_FDS];
	unsigned nfds;
};

struct amp_spawner {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const struct amp_spawn_req *req; /* pending, under mu */
	pid_t pid; /* answer: child, or -errno */
	bool busy; /* a caller between submit and answer */
	bool done, quit, started;
};

int amp_spawner_start(struct amp_spawner *sp);
/* Fork and exec @req on the spawner's thread. Child pid or -errno. */
pid_t amp_spawner_run(struct amp_spawner *sp, const struct amp_spawn_req *req);
/* Join the thread (children already spawned keep running). */
void amp_spawner_stop(struct amp_spawner *sp);

#endif /* AMP_PORT_LINUX_SPAWNER_H */
