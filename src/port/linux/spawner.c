// SPDX-License-Identifier: BSD-3-Clause
/* Children forked from one long-lived thread: see spawner.h. */
#include "port/linux/spawner.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "core/error.h"

/* In the child: descriptors in place, then exec. Never returns. */
static void child(const struct amp_spawn_req *r, pid_t host)
{
	int tmp[AMP_SPAWN_MAX_FDS];
	int null;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != host)
		_exit(127); /* the host died before prctl */
	/* Out of the way first, so that dup2 to 3 + i clobbers nothing. */
	for (unsigned i = 0; i < r->nfds; i++) {
		tmp[i] = fcntl(r->fds[i], F_DUPFD_CLOEXEC,
			       3 + AMP_SPAWN_MAX_FDS);
		if (tmp[i] < 0)
			_exit(127);
	}
	for (unsigned i = 0; i < r->nfds; i++)
		if (dup2(tmp[i], 3 + (int)i) != 3 + (int)i)
			_exit(127);
	close_range(3 + r->nfds, ~0u, 0);
	null = open("/dev/null", O_RDONLY);
	if (null >= 0 && null != 0) {
		dup2(null, 0);
		close(null);
	}
	execvp(r->path, r->argv);
	_exit(127);
}

static void *spawner_main(void *arg)
{
	struct amp_spawner *sp = arg;
	pid_t host = getpid();

	pthread_mutex_lock(&sp->mu);
	for (;;) {
		const struct amp_spawn_req *r;
		pid_t p;

		while (!sp->quit && !sp->req)
			pthread_cond_wait(&sp->cv, &sp->mu);
		if (!sp->req)
			break; /* told to quit, nothing pending */
		r = sp->req;
		pthread_mutex_unlock(&sp->mu);
		p = fork();
		if (p == 0)
			child(r, host);
		pthread_mutex_lock(&sp->mu);
		sp->pid = p < 0 ? -errno : p;
		sp->req = NULL;
		sp->done = true;
		pthread_cond_broadcast(&sp->cv);
	}
	pthread_mutex_unlock(&sp->mu);
	return NULL;
}

int amp_spawner_start(struct amp_spawner *sp)
{
	int ret;

	memset(sp, 0, sizeof(*sp));
	pthread_mutex_init(&sp->mu, NULL);
	pthread_cond_init(&sp->cv, NULL);
	ret = pthread_create(&sp->thread, NULL, spawner_main, sp);
	if (ret) {
		pthread_cond_destroy(&sp->cv);
		pthread_mutex_destroy(&sp->mu);
		return amp_err(-ret, "spawner: thread");
	}
	sp->started = true;
	return 0;
}

pid_t amp_spawner_run(struct amp_spawner *sp, const struct amp_spawn_req *req)
{
	pid_t p;

	if (req->nfds > AMP_SPAWN_MAX_FDS)
		return -EINVAL;
	pthread_mutex_lock(&sp->mu);
	while (sp->busy && !sp->quit) /* one request at a time */
		pthread_cond_wait(&sp->cv, &sp->mu);
	if (sp->quit) {
		pthread_mutex_unlock(&sp->mu);
		return -ESHUTDOWN;
	}
	sp->busy = true;
	sp->req = req;
	sp->done = false;
	pthread_cond_broadcast(&sp->cv);
	while (!sp->done) /* the spawner answers even when told to quit */
		pthread_cond_wait(&sp->cv, &sp->mu);
	p = sp->pid;
	sp->done = false;
	sp->busy = false;
	pthread_cond_broadcast(&sp->cv);
	pthread_mutex_unlock(&sp->mu);
	return p;
}

void amp_spawner_stop(struct amp_spawner *sp)
{
	if (!sp->started)
		return;
	pthread_mutex_lock(&sp->mu);
	sp->quit = true;
	pthread_cond_broadcast(&sp->cv);
	pthread_mutex_unlock(&sp->mu);
	pthread_join(sp->thread, NULL);
	pthread_cond_destroy(&sp->cv);
	pthread_mutex_destroy(&sp->mu);
	sp->started = false;
}
