/* SPDX-License-Identifier: BSD-3-Clause */
/* Golden bytes: RPMsg header, name-service message, vring layout, VDEV. */
#include "rp_pair.h"

#include <ampshm/rsc_table.h>
#include <ampshm/virtio_ring.h>

static void test_vring_layout(void **state)
{
	(void)state;
	assert_int_equal(amp_vring_size(256, 4096), 0x2806);
	assert_int_equal(amp_vring_avail_offset(256), 4096);
	assert_int_equal(amp_vring_used_offset(256, 4096), 0x2000);
	/* Linux vring_size(4, 16): 64 + 14 -> 80, + 6 + 32 = 118. */
	assert_int_equal(amp_vring_size(4, 16), 118);
	assert_int_equal(amp_vring_size(1, 4), 16 + 6 + 2 + 6 + 8);

	static _Alignas(4096) uint8_t mem[0x3000];
	struct amp_vring vr;

	amp_vring_init(&vr, 256, mem, 4096);
	assert_ptr_equal(vr.desc, mem);
	assert_ptr_equal(vr.avail, mem + 4096);
	assert_ptr_equal(vr.used, mem + 0x2000);
	assert_ptr_equal(amp_vring_used_event(&vr), mem + 4096 + 4 + 512);
	assert_ptr_equal(amp_vring_avail_event(&vr), mem + 0x2000 + 4 + 2048);
	assert_int_equal((uint8_t *)amp_vring_avail_event(&vr) + 2 - mem,
			 0x2806);
}

static void test_hdr_bytes(void **state)
{
	static const uint8_t golden[16] = { 0x00, 0x04, 0x00, 0x00, 0x35, 0x00,
					    0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
					    0x05, 0x00, 0x00, 0x00 };
	struct amp_rpmsg_hdr h = { .src = 1024, .dst = 53, .len = 5 };

	(void)state;
	assert_int_equal(sizeof(h), 16);
	assert_memory_equal(&h, golden, 16);
}

static void test_ns_bytes(void **state)
{
	uint8_t golden[40] = { 'r', 'p', 'm', 's', 'g', '-', 't', 't', 'y' };
	struct amp_rpmsg_ns_msg m;

	(void)state;
	golden[32] = 0x01;
	golden[33] = 0x04; /* addr 0x401 */
	golden[36] = 0x01; /* destroy */
	memset(&m, 0, sizeof(m));
	strcpy(m.name, "rpmsg-tty");
	m.addr = 0x401;
	m.flags = AMP_RPMSG_NS_DESTROY;
	assert_int_equal(sizeof(m), 40);
	assert_memory_equal(&m, golden, 40);
}

static void test_vdev_bytes(void **state)
{
	/* clang-format off */
	static const uint8_t golden[28 + 40] = {
		3, 0, 0, 0, 7, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, /* type..df */
		1, 0, 0, 0, 0, 0, 0, 0, 0x07, 2, 0, 0,          /* gf..rsv */
		0x00, 0x10, 0x00, 0x10, 0x00, 0x10, 0, 0,       /* da, align */
		0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,       /* num, nid, r */
		0x00, 0x40, 0x00, 0x10, 0x00, 0x10, 0, 0,       /* vring1 */
		0x00, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
	};
	/* clang-format on */
	_Alignas(8) uint8_t buf[28 + 40];
	struct amp_rsc_vdev *v = (struct amp_rsc_vdev *)buf;

	(void)state;
	memset(buf, 0, sizeof(buf));
	v->type = AMP_RSC_VDEV;
	v->id = AMP_VIRTIO_ID_RPMSG;
	v->notifyid = 2;
	v->dfeatures = 1u << AMP_VIRTIO_RPMSG_F_NS;
	v->gfeatures = 1;
	v->status = AMP_VIRTIO_S_ACKNOWLEDGE | AMP_VIRTIO_S_DRIVER |
		    AMP_VIRTIO_S_DRIVER_OK;
	v->num_of_vrings = 2;
	v->vring[0] = (struct amp_rsc_vring){ 0x10001000, 4096, 256, 0, 0 };
	v->vring[1] = (struct amp_rsc_vring){ 0x10004000, 4096, 256, 1, 0 };
	assert_memory_equal(buf, golden, sizeof(golden));
}

static void test_rsc_find(void **state)
{
	_Alignas(8) uint8_t t[256];
	struct amp_rsc_table *tbl = (struct amp_rsc_table *)t;
	struct amp_rsc_carveout *co;
	struct amp_rsc_vdev *v, *found = NULL;

	(void)state;
	memset(t, 0, sizeof(t));
	tbl->ver = 1;
	tbl->num = 2;
	tbl->offset[0] = 24;
	tbl->offset[1] = 24 + 56;
	co = (struct amp_rsc_carveout *)(t + 24);
	co->type = AMP_RSC_CARVEOUT;
	v = (struct amp_rsc_vdev *)(t + 80);
	v->type = AMP_RSC_VDEV;
	v->id = AMP_VIRTIO_ID_RPMSG;
	v->num_of_vrings = 2;
	assert_int_equal(amp_rsc_find_vdev(t, sizeof(t), 7, &found), 0);
	assert_ptr_equal(found, v);
	assert_int_equal(amp_rsc_find_vdev(t, sizeof(t), 5, &found), -ENOENT);
	/* Entry running past the table. */
	assert_int_equal(amp_rsc_find_vdev(t, 80 + 28 + 20, 7, &found),
			 -EINVAL);
	v->config_len = 0xFFFFFFF0u;
	assert_int_equal(amp_rsc_find_vdev(t, sizeof(t), 7, &found), -EINVAL);
	v->config_len = 0;
	tbl->offset[1] = 4000;
	assert_int_equal(amp_rsc_find_vdev(t, sizeof(t), 7, &found), -EINVAL);
	tbl->offset[1] = 80;
	tbl->num = 1000;
	assert_int_equal(amp_rsc_find_vdev(t, sizeof(t), 7, &found), -EINVAL);
	tbl->num = 2;
	tbl->ver = 2;
	assert_int_equal(amp_rsc_find_vdev(t, sizeof(t), 7, &found), -EINVAL);
}

/* What the host really puts in shared memory. */
static void test_host_shared_layout(void **state)
{
	struct amp_linux_ipc_cfg cfg;
	struct amp_rpmsg_endpoint ept;
	struct rp_pair p;
	struct amp_rsc_vdev *v;
	struct amp_vring vr;
	uint8_t *shm, *buf;
	size_t size;
	unsigned int i;

	(void)state;
	amp_linux_ipc_cfg_default(&cfg);
	rp_pair_open(&p, &cfg);
	shm = amp_linux_ipc_shm(p.h, &size);
	v = amp_linux_ipc_vdev(p.h);
	assert_int_equal(v->status, 0x0F);
	assert_int_equal(v->gfeatures, 1);
	/* vrings placed by the host, da written back (32-bit). */
	assert_int_equal(v->vring[0].da, cfg.da_base + 0x1000);
	assert_int_equal(v->vring[1].da, cfg.da_base + 0x4000);
	amp_vring_init(&vr, 256, shm + 0x1000, 4096);
	assert_int_equal(vr.avail->idx, 256);
	for (i = 0; i < 256; i++) {
		assert_int_equal(vr.avail->ring[i], i);
		/* 64-bit bus addresses above 4 GiB. */
		assert_true(vr.desc[i].addr >= 0x100000000ull);
		assert_int_equal(vr.desc[i].addr,
				 cfg.pa_base + 0x7000 + i * 512u);
		assert_int_equal(vr.desc[i].len, 512);
		assert_int_equal(vr.desc[i].flags, AMP_VRING_DESC_F_WRITE);
	}
	/* Remote's NO_NOTIFY on vring0 (its TX queue) is set when idle. */
	assert_int_equal(vr.used->flags, AMP_VRING_USED_F_NO_NOTIFY);

	/* A host message on the wire: header + payload in the TX buffer. */
	assert_int_equal(amp_rpmsg_create_ept(&ept, &p.hd, "", 1030, 1031, NULL,
					      NULL, NULL),
			 0);
	assert_int_equal(amp_rpmsg_trysend(&ept, "hello", 5), 5);
	amp_vring_init(&vr, 256, shm + 0x4000, 4096);
	assert_int_equal(vr.avail->idx, 1);
	i = vr.avail->ring[0];
	assert_int_equal(vr.desc[i].len, 16 + 5);
	assert_int_equal(vr.desc[i].flags, 0);
	buf = shm + (vr.desc[i].addr - cfg.pa_base);
	{
		static const uint8_t golden[21] = {
			0x06, 0x04, 0, 0, 0x07, 0x04, 0,   0,	0,   0,	 0,
			0,    5,    0, 0, 0,	'h',  'e', 'l', 'l', 'o'
		};
		assert_memory_equal(buf, golden, sizeof(golden));
	}
	rp_pair_close(&p);
}

/*
 * amp_vq_init(): ring sizes and alignments are powers of two (0 is not),
 * sizes up to 32768; each role writes its own ring's flags and the device
 * resumes where the used ring stands.
 */
static void test_vq_geometry(void **state)
{
	static const unsigned int good_num[] = { 1, 2, 4, 256, 32768 };
	static const unsigned int bad_num[] = {
		0, 3, 6, 255, 257, 65536, 32769, 0x80000000u, 0xFFFFFFFFu
	};
	static const size_t good_align[] = { 4, 8, 16, 4096, 1u << 20 };
	static const size_t bad_align[] = { 0, 1, 2, 3, 12, 24, 4097 };
	struct amp_ipc_port port = { .flags = AMP_IPC_F_COHERENT };
	size_t sz = amp_vring_size(32768, 4096) + (1u << 20);
	uint8_t *mem = aligned_alloc(4096, (sz + 4095) & ~(size_t)4095);
	struct amp_vq_slot *slots = calloc(32768, sizeof(*slots));
	struct amp_virtqueue vq;
	size_t i;

	(void)state;
	assert_non_null(mem);
	assert_non_null(slots);
	for (i = 0; i < sizeof(good_num) / sizeof(good_num[0]); i++) {
		assert_int_equal(amp_vq_init(&vq, AMP_VQ_DRIVER, good_num[i],
					     mem, 4096, slots, &port, 0),
				 0);
		assert_int_equal(amp_vq_init(&vq, AMP_VQ_DEVICE, good_num[i],
					     mem, 4096, slots, &port, 0),
				 0);
	}
	for (i = 0; i < sizeof(bad_num) / sizeof(bad_num[0]); i++)
		assert_int_equal(amp_vq_init(&vq, AMP_VQ_DEVICE, bad_num[i],
					     mem, 4096, slots, &port, 0),
				 -EINVAL);
	for (i = 0; i < sizeof(good_align) / sizeof(good_align[0]); i++)
		assert_int_equal(amp_vq_init(&vq, AMP_VQ_DRIVER, 1, mem,
					     good_align[i], slots, &port, 0),
				 0);
	for (i = 0; i < sizeof(bad_align) / sizeof(bad_align[0]); i++)
		assert_int_equal(amp_vq_init(&vq, AMP_VQ_DRIVER, 1, mem,
					     bad_align[i], slots, &port, 0),
				 -EINVAL);
	assert_int_equal(amp_vq_init(&vq, (enum amp_vq_role)7, 4, mem, 16,
				     slots, &port, 0),
			 -EINVAL);
	assert_int_equal(amp_vq_init(&vq, AMP_VQ_DRIVER, 4, mem + 8, 16, slots,
				     &port, 0),
			 -EINVAL);

	/* The driver resets the ring and writes the avail flags... */
	assert_int_equal(amp_vq_init(&vq, AMP_VQ_DRIVER, 4, mem, 16, slots,
				     &port, 0),
			 0);
	vq.vr.used->idx = 3;
	amp_vq_disable_cb(&vq);
	assert_int_equal(vq.vr.avail->flags, AMP_VRING_AVAIL_F_NO_INTERRUPT);
	assert_int_equal(vq.vr.used->flags, 0);
	/* ... and reads the used ring's index. */
	assert_true(amp_vq_pending(&vq));
	/* The device adopts the used index and writes the used flags. */
	assert_int_equal(amp_vq_init(&vq, AMP_VQ_DEVICE, 4, mem, 16, slots,
				     &port, 0),
			 0);
	assert_int_equal(vq.last_seen, 3);
	assert_int_equal(vq.shadow_idx, 3);
	amp_vq_disable_cb(&vq);
	assert_int_equal(vq.vr.used->flags, AMP_VRING_USED_F_NO_NOTIFY);
	/* ... and reads the avail ring's index. */
	vq.vr.avail->idx = 3;
	assert_false(amp_vq_pending(&vq));
	vq.vr.avail->idx = 4;
	assert_true(amp_vq_pending(&vq));
	free(slots);
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vring_layout),
		cmocka_unit_test(test_hdr_bytes),
		cmocka_unit_test(test_ns_bytes),
		cmocka_unit_test(test_vdev_bytes),
		cmocka_unit_test(test_rsc_find),
		cmocka_unit_test(test_host_shared_layout),
		cmocka_unit_test(test_vq_geometry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
