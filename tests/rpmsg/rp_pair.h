/* SPDX-License-Identifier: BSD-3-Clause */
/* Test helpers: host and remote over one memfd in one process. */
#ifndef AMP_TEST_RP_PAIR_H
#define AMP_TEST_RP_PAIR_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <ampshm/linux_ipc.h>
#include <ampshm/rpmsg.h>

struct rp_pair {
	struct amp_linux_ipc *h, *r;
	struct amp_rpmsg_dev hd, rd;
};

static inline void rp_pair_open(struct rp_pair *p,
				const struct amp_linux_ipc_cfg *cfg)
{
	memset(p, 0, sizeof(*p));
	assert_int_equal(amp_linux_ipc_host_create(cfg, &p->h), 0);
	assert_int_equal(amp_linux_ipc_remote_attach(
				 dup(amp_linux_ipc_memfd(p->h)), cfg, &p->r),
			 0);
	assert_int_equal(amp_linux_ipc_rpmsg_start(p->h, &p->hd, 0), 0);
	assert_int_equal(amp_linux_ipc_rpmsg_start(p->r, &p->rd, 0), 0);
	amp_rpmsg_set_tx_timeout(&p->hd, 100000);
	amp_rpmsg_set_tx_timeout(&p->rd, 100000);
}

static inline void rp_pair_close(struct rp_pair *p)
{
	amp_rpmsg_deinit(&p->hd);
	amp_rpmsg_deinit(&p->rd);
	amp_linux_ipc_destroy(p->h);
	amp_linux_ipc_destroy(p->r);
}

/* Process both sides until neither has anything left. */
static inline void rp_pair_pump(struct rp_pair *p)
{
	int a, b;

	do {
		a = amp_rpmsg_process(&p->hd);
		b = amp_rpmsg_process(&p->rd);
	} while (a > 0 || b > 0);
}

#endif
