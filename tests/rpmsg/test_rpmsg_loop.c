/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host and remote in one process over one memfd (two mappings): round
 * trips, name service, addresses, zero copy, held buffers, buffer sizes,
 * index wrap-around, cache maintenance.
 */
#include "rp_pair.h"

#include <ampshm/cache.h>

struct rec {
	int n;
	uint32_t src;
	size_t len;
	char data[4096];
	void *ptr;
	bool hold;
	bool echo;
};

static int rec_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
		  uint32_t src, void *priv)
{
	struct rec *r = priv;

	r->n++;
	r->src = src;
	r->len = len;
	r->ptr = data;
	memcpy(r->data, data, len < sizeof(r->data) ? len : sizeof(r->data));
	if (r->hold)
		assert_int_equal(amp_rpmsg_hold_rx_buffer(ept, data), 0);
	if (r->echo)
		assert_int_equal(amp_rpmsg_sendto(ept, data, len, src),
				 (int)len);
	return 0;
}

struct bind_ctx {
	struct amp_rpmsg_endpoint ept;
	struct rec rec;
	char name[32];
	uint32_t dest;
	int calls;
};

static void bind_cb(struct amp_rpmsg_dev *rdev, const char *name, uint32_t dest,
		    void *priv)
{
	struct bind_ctx *b = priv;

	b->calls++;
	strcpy(b->name, name);
	b->dest = dest;
	assert_int_equal(amp_rpmsg_create_ept(&b->ept, rdev, name,
					      AMP_RPMSG_ADDR_ANY, dest, rec_cb,
					      NULL, &b->rec),
			 0);
}

static void test_ns_and_echo(void **state)
{
	struct amp_rpmsg_endpoint rept;
	struct bind_ctx b;
	struct rec rrec;
	struct rp_pair p;
	struct amp_rpmsg_stats st;

	(void)state;
	memset(&b, 0, sizeof(b));
	memset(&rrec, 0, sizeof(rrec));
	rrec.echo = true;
	rp_pair_open(&p, NULL);
	amp_rpmsg_set_ns_bind_cb(&p.hd, bind_cb, &b);

	/* Remote announces "echo"; the host binds a new endpoint to it. */
	assert_int_equal(
		amp_rpmsg_create_ept(&rept, &p.rd, "echo", AMP_RPMSG_ADDR_ANY,
				     AMP_RPMSG_ADDR_ANY, rec_cb, NULL, &rrec),
		0);
	assert_true(rept.addr >= 1024);
	assert_true(rept.announced);
	rp_pair_pump(&p);
	assert_int_equal(b.calls, 1);
	assert_string_equal(b.name, "echo");
	assert_int_equal(b.dest, rept.addr);
	/* Linux does not announce endpoints created in reply. */
	assert_false(b.ept.announced);
	assert_false(amp_rpmsg_ept_is_bound(&rept));

	/* First message binds the remote endpoint; the echo comes back. */
	assert_int_equal(amp_rpmsg_send(&b.ept, "ping", 4), 4);
	rp_pair_pump(&p);
	assert_int_equal(rrec.n, 1);
	assert_int_equal(rrec.src, b.ept.addr);
	assert_int_equal(rept.dest_addr, b.ept.addr);
	assert_int_equal(b.rec.n, 1);
	assert_int_equal(b.rec.len, 4);
	assert_memory_equal(b.rec.data, "ping", 4);
	assert_int_equal(b.rec.src, rept.addr);

	/* Zero-length message. */
	assert_int_equal(amp_rpmsg_send(&b.ept, NULL, 0), 0);
	rp_pair_pump(&p);
	assert_int_equal(b.rec.n, 2);
	assert_int_equal(b.rec.len, 0);

	amp_rpmsg_get_stats(&p.hd, &st);
	assert_int_equal(st.tx_msgs, 2);
	assert_int_equal(st.rx_msgs, 3); /* the announcement too */
	for (int i = 0; i < AMP_IPC_ERR_MAX; i++)
		assert_int_equal(st.ipc.err[i], 0);
	rp_pair_close(&p);
}

static int unbinds;
static void unbind_cb(struct amp_rpmsg_endpoint *ept)
{
	(void)ept;
	unbinds++;
}

static void test_ns_binds_waiting_ept(void **state)
{
	struct amp_rpmsg_endpoint hept, rept;
	struct rec hrec, rrec;
	struct rp_pair p;

	(void)state;
	memset(&hrec, 0, sizeof(hrec));
	memset(&rrec, 0, sizeof(rrec));
	unbinds = 0;
	rp_pair_open(&p, NULL);
	/* The remote waits for "svc" with destination ANY. */
	assert_int_equal(amp_rpmsg_create_ept(&rept, &p.rd, "svc", 600,
					      AMP_RPMSG_ADDR_ANY, rec_cb,
					      unbind_cb, &rrec),
			 0);
	rp_pair_pump(&p);
	/* The host announces "svc": the remote endpoint binds to it. */
	assert_int_equal(
		amp_rpmsg_create_ept(&hept, &p.hd, "svc", AMP_RPMSG_ADDR_ANY,
				     AMP_RPMSG_ADDR_ANY, rec_cb, NULL, &hrec),
		0);
	rp_pair_pump(&p);
	assert_int_equal(rept.dest_addr, hept.addr);
	/* The remote announced before the host had "svc": still unbound. */
	assert_int_equal(hept.dest_addr, AMP_RPMSG_ADDR_ANY);
	assert_int_equal(amp_rpmsg_send(&rept, "x", 1), 1);
	rp_pair_pump(&p);
	/* Bound by the first message. */
	assert_int_equal(hept.dest_addr, 600);
	assert_int_equal(hrec.n, 1);
	assert_int_equal(hrec.src, 600);

	/* Destroy announcement unbinds the remote endpoint. */
	amp_rpmsg_destroy_ept(&hept);
	rp_pair_pump(&p);
	assert_int_equal(unbinds, 1);
	assert_int_equal(rept.dest_addr, AMP_RPMSG_ADDR_ANY);
	rp_pair_close(&p);
}

static void test_addresses(void **state)
{
	struct amp_rpmsg_endpoint e[4];
	struct rp_pair p;

	(void)state;
	rp_pair_open(&p, NULL);
	assert_int_equal(amp_rpmsg_create_ept(&e[0], &p.hd, NULL,
					      AMP_RPMSG_ADDR_ANY, 5, NULL, NULL,
					      NULL),
			 0);
	assert_int_equal(e[0].addr, 1024);
	assert_int_equal(amp_rpmsg_create_ept(&e[1], &p.hd, NULL, 1025, 5, NULL,
					      NULL, NULL),
			 0);
	assert_int_equal(amp_rpmsg_create_ept(&e[2], &p.hd, NULL,
					      AMP_RPMSG_ADDR_ANY, 5, NULL, NULL,
					      NULL),
			 0);
	assert_int_equal(e[2].addr, 1026);
	assert_int_equal(amp_rpmsg_create_ept(&e[3], &p.hd, NULL, 1025, 5, NULL,
					      NULL, NULL),
			 -EADDRINUSE);
	assert_int_equal(amp_rpmsg_create_ept(&e[3], &p.hd, NULL,
					      AMP_RPMSG_NS_ADDR, 5, NULL, NULL,
					      NULL),
			 -EADDRINUSE);
	assert_int_equal(
		amp_rpmsg_create_ept(&e[3], &p.hd,
				     "this-name-is-way-too-long-for-rpmsg",
				     AMP_RPMSG_ADDR_ANY, 5, NULL, NULL, NULL),
		-EINVAL);
	/* Reserved addresses can be taken explicitly. */
	assert_int_equal(amp_rpmsg_create_ept(&e[3], &p.hd, NULL, 100, 5, NULL,
					      NULL, NULL),
			 0);
	/* Unbound endpoint cannot send. */
	amp_rpmsg_destroy_ept(&e[3]);
	assert_int_equal(amp_rpmsg_create_ept(&e[3], &p.hd, NULL, 100,
					      AMP_RPMSG_ADDR_ANY, NULL, NULL,
					      NULL),
			 0);
	assert_int_equal(amp_rpmsg_trysend(&e[3], "a", 1), -ENOTCONN);
	rp_pair_close(&p);
}

static void zero_copy_one_way(struct rp_pair *p, struct amp_rpmsg_dev *from,
			      struct amp_rpmsg_dev *to)
{
	struct amp_rpmsg_endpoint a, b;
	struct rec rec;
	uint32_t size = 0;
	char *buf, *buf2;

	memset(&rec, 0, sizeof(rec));
	assert_int_equal(amp_rpmsg_create_ept(&b, to, NULL, 2000,
					      AMP_RPMSG_ADDR_ANY, rec_cb, NULL,
					      &rec),
			 0);
	assert_int_equal(amp_rpmsg_create_ept(&a, from, NULL, 2001, 2000, NULL,
					      NULL, NULL),
			 0);
	buf = amp_rpmsg_get_tx_payload_buffer(&a, &size, true);
	assert_non_null(buf);
	assert_int_equal(size, 496);
	strcpy(buf, "zero copy");
	/* Not a TX buffer: refused. */
	assert_int_equal(amp_rpmsg_send_nocopy(&a, buf + 1, 10), -EINVAL);
	assert_int_equal(amp_rpmsg_send_nocopy(&a, buf, 497), -EMSGSIZE);
	assert_int_equal(amp_rpmsg_send_nocopy(&a, buf, 10), 10);
	/* Already sent: refused. */
	assert_int_equal(amp_rpmsg_send_nocopy(&a, buf, 10), -EINVAL);
	rp_pair_pump(p);
	assert_int_equal(rec.n, 1);
	assert_string_equal(rec.data, "zero copy");
	assert_int_equal(rec.src, 2001);

	/* Released unsent buffer comes back for the next send. */
	buf2 = amp_rpmsg_get_tx_payload_buffer(&a, &size, false);
	assert_non_null(buf2);
	assert_int_equal(amp_rpmsg_release_tx_buffer(&a, buf2), 0);
	assert_int_equal(amp_rpmsg_release_tx_buffer(&a, buf2), -EINVAL);
	assert_int_equal(amp_rpmsg_send_offchannel(&a, 3000, 2000, "off", 4),
			 4);
	rp_pair_pump(p);
	assert_int_equal(rec.n, 2);
	assert_int_equal(rec.src, 3000);
	amp_rpmsg_destroy_ept(&a);
	amp_rpmsg_destroy_ept(&b);
}

static void test_zero_copy(void **state)
{
	struct rp_pair p;

	(void)state;
	rp_pair_open(&p, NULL);
	zero_copy_one_way(&p, &p.hd, &p.rd);
	zero_copy_one_way(&p, &p.rd, &p.hd);
	rp_pair_close(&p);
}

/* The receiver holds every buffer: the sender runs dry, never carves. */
static void held_one_way(struct rp_pair *p, struct amp_rpmsg_dev *from,
			 struct amp_rpmsg_dev *to)
{
	struct amp_rpmsg_endpoint a, b;
	struct amp_rpmsg_stats st;
	static void *held[256];
	struct rec rec;
	uint32_t bad_release;
	int i, n;

	amp_rpmsg_get_stats(to, &st);
	bad_release = st.ipc.err[AMP_IPC_ERR_BAD_RELEASE];
	memset(&rec, 0, sizeof(rec));
	rec.hold = true;
	assert_int_equal(amp_rpmsg_create_ept(&b, to, NULL, 2000,
					      AMP_RPMSG_ADDR_ANY, rec_cb, NULL,
					      &rec),
			 0);
	assert_int_equal(amp_rpmsg_create_ept(&a, from, NULL, 2001, 2000, NULL,
					      NULL, NULL),
			 0);
	for (i = 0; i < 256; i++) {
		assert_int_equal(amp_rpmsg_trysend(&a, &i, sizeof(i)),
				 sizeof(i));
		assert_int_equal(amp_rpmsg_process(to), 1);
		held[i] = rec.ptr;
	}
	/* Ring exhausted: no new buffer appears, however often we try. */
	for (i = 0; i < 1000; i++) {
		assert_int_equal(amp_rpmsg_trysend(&a, &i, sizeof(i)), -EAGAIN);
		assert_int_equal(amp_rpmsg_process(to), 0);
	}
	assert_null(amp_rpmsg_get_tx_payload_buffer(&a, NULL, false));
	amp_rpmsg_get_stats(to, &st);
	assert_int_equal(st.rx_held, 256);
	/* Blocking send gives up after the timeout. */
	amp_rpmsg_set_tx_timeout(from, 2000);
	assert_int_equal(amp_rpmsg_send(&a, "x", 1), -ETIMEDOUT);

	/* Release them in a scrambled order; each frees one buffer. */
	for (i = 0; i < 256; i++) {
		n = (i * 37) % 256;
		assert_int_equal(amp_rpmsg_release_rx_buffer(&b, held[n]), 0);
	}
	assert_int_equal(amp_rpmsg_release_rx_buffer(&b, held[0]), -EINVAL);
	rec.hold = false;
	for (i = 0; i < 256; i++)
		assert_int_equal(amp_rpmsg_trysend(&a, &i, sizeof(i)),
				 sizeof(i));
	assert_int_equal(amp_rpmsg_trysend(&a, &i, sizeof(i)), -EAGAIN);
	rp_pair_pump(p);
	assert_int_equal(rec.n, 512);
	amp_rpmsg_get_stats(to, &st);
	assert_int_equal(st.rx_held, 0);
	assert_int_equal(st.ipc.err[AMP_IPC_ERR_BAD_RELEASE], bad_release + 1);
	for (i = 0; i < AMP_IPC_ERR_MAX; i++)
		if (i != AMP_IPC_ERR_BAD_RELEASE)
			assert_int_equal(st.ipc.err[i], 0);
	amp_rpmsg_get_stats(from, &st);
	for (i = 0; i < AMP_IPC_ERR_MAX; i++)
		if (i != AMP_IPC_ERR_BAD_RELEASE)
			assert_int_equal(st.ipc.err[i], 0);
	amp_rpmsg_destroy_ept(&a);
	amp_rpmsg_destroy_ept(&b);
}

static void test_held_buffers(void **state)
{
	struct rp_pair p;

	(void)state;
	rp_pair_open(&p, NULL);
	held_one_way(&p, &p.hd, &p.rd);
	held_one_way(&p, &p.rd, &p.hd);
	rp_pair_close(&p);
}

static void test_buffer_sizes(void **state)
{
	struct amp_linux_ipc_cfg cfg;
	struct amp_rpmsg_endpoint h, r;
	struct rec hrec, rrec;
	struct rp_pair p;
	static char big[8192];

	(void)state;
	memset(&hrec, 0, sizeof(hrec));
	memset(&rrec, 0, sizeof(rrec));
	amp_linux_ipc_cfg_default(&cfg);
	cfg.num = 64;
	cfg.h2r_buf_size = 4096;
	cfg.r2h_buf_size = 1024;
	rp_pair_open(&p, &cfg);
	assert_int_equal(amp_rpmsg_max_payload(&p.hd), 4080);
	assert_int_equal(amp_rpmsg_create_ept(&h, &p.hd, NULL, 3000, 3001,
					      rec_cb, NULL, &hrec),
			 0);
	assert_int_equal(amp_rpmsg_create_ept(&r, &p.rd, NULL, 3001, 3000,
					      rec_cb, NULL, &rrec),
			 0);
	memset(big, 0xA5, sizeof(big));
	assert_int_equal(amp_rpmsg_trysend(&h, big, 4081), -EMSGSIZE);
	assert_int_equal(amp_rpmsg_trysend(&h, big, 4080), 4080);
	rp_pair_pump(&p);
	assert_int_equal(rrec.len, 4080);
	assert_memory_equal(rrec.data, big, 4080);
	/* The remote learns its size from the host's buffers. */
	assert_int_equal(amp_rpmsg_trysend(&r, big, 1009), -EMSGSIZE);
	assert_int_equal(amp_rpmsg_max_payload(&p.rd), 1008);
	assert_int_equal(amp_rpmsg_trysend(&r, big, 1008), 1008);
	rp_pair_pump(&p);
	assert_int_equal(hrec.len, 1008);
	/* The refused buffer was kept: the ring still has all 64. */
	for (int i = 0; i < 64; i++)
		assert_int_equal(amp_rpmsg_trysend(&r, big, 8), 8);
	assert_int_equal(amp_rpmsg_trysend(&r, big, 8), -EAGAIN);
	rp_pair_close(&p);
}

/* Free-running 16-bit indices wrap many times. */
static void test_index_wrap(void **state)
{
	struct amp_linux_ipc_cfg cfg;
	struct amp_rpmsg_endpoint h, r;
	struct rec hrec, rrec;
	struct rp_pair p;
	uint32_t i;

	(void)state;
	memset(&hrec, 0, sizeof(hrec));
	memset(&rrec, 0, sizeof(rrec));
	rrec.echo = true;
	amp_linux_ipc_cfg_default(&cfg);
	cfg.num = 4;
	rp_pair_open(&p, &cfg);
	assert_int_equal(amp_rpmsg_create_ept(&h, &p.hd, NULL, 3000, 3001,
					      rec_cb, NULL, &hrec),
			 0);
	assert_int_equal(amp_rpmsg_create_ept(&r, &p.rd, NULL, 3001, 3000,
					      rec_cb, NULL, &rrec),
			 0);
	for (i = 0; i < 140000; i++) {
		assert_int_equal(amp_rpmsg_trysend(&h, &i, sizeof(i)), 4);
		rp_pair_pump(&p);
		assert_int_equal(hrec.n, (int)i + 1);
		assert_memory_equal(hrec.data, &i, 4);
	}
	assert_int_equal(p.hd.tvq.vr.avail->idx, (uint16_t)140000);
	rp_pair_close(&p);
}

static void test_noncoherent_cache_ops(void **state)
{
	struct amp_linux_ipc_cfg cfg;
	struct amp_rpmsg_endpoint h, r;
	struct amp_cache_stats cs;
	struct rec hrec, rrec;
	struct rp_pair p;

	(void)state;
	memset(&hrec, 0, sizeof(hrec));
	memset(&rrec, 0, sizeof(rrec));
	rrec.echo = true;
	amp_linux_ipc_cfg_default(&cfg);
	cfg.noncoherent = true;
	rp_pair_open(&p, &cfg);
	assert_int_equal(amp_rpmsg_create_ept(&h, &p.hd, NULL, 3000, 3001,
					      rec_cb, NULL, &hrec),
			 0);
	assert_int_equal(amp_rpmsg_create_ept(&r, &p.rd, NULL, 3001, 3000,
					      rec_cb, NULL, &rrec),
			 0);
	amp_cache_reset_stats();
	assert_int_equal(amp_rpmsg_trysend(&h, "0123456789", 10), 10);
	amp_cache_get_stats(&cs);
	/* Descriptor, ring entry, index and the 26 message bytes cleaned. */
	assert_true(cs.clean_ops >= 4);
	assert_true(cs.clean_bytes >= 16 + 2 + 2 + 26);
	amp_cache_reset_stats();
	rp_pair_pump(&p);
	amp_cache_get_stats(&cs);
	assert_true(cs.inval_ops + cs.flush_ops > 0);
	assert_int_equal(hrec.n, 1);
	assert_memory_equal(hrec.data, "0123456789", 10);
	rp_pair_close(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ns_and_echo),
		cmocka_unit_test(test_ns_binds_waiting_ept),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_zero_copy),
		cmocka_unit_test(test_held_buffers),
		cmocka_unit_test(test_buffer_sizes),
		cmocka_unit_test(test_index_wrap),
		cmocka_unit_test(test_noncoherent_cache_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
