// SPDX-License-Identifier: BSD-3-Clause
/* Host side of the simulated core, minimal: see simcore.h. */
#include "simcore.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ampshm/linux_devmap.h>

#include "core/error.h"
#include "remoteproc/sim_spawn.h"

int simcore_setup(struct simcore *c, const char *region, amp_pa_t pa,
		  amp_da_t da, uint64_t size)
{
	struct amp_window w = { .da = da, .pa = pa, .size = size };
	struct amp_dev_config cfg = {
		.name = "simcore",
		.dma_bits = 32,
		.windows = &w,
		.nwindows = 1,
	};
	void *p;
	int ret;

	memset(c, 0, sizeof(*c));
	c->region = region;
	c->pa = pa;
	c->da = da;
	c->size = size;
	c->host_area = size - size / 4; /* top quarter: host buffers */
	c->pid = -1;
	ret = amp_static_region_add(region, pa, size, 0, NULL, 0);
	if (ret)
		return ret;
	ret = amp_dev_create(&cfg, &c->dev);
	if (ret)
		return ret;
	ret = amp_dev_ptr(c->dev, da, size, &p);
	if (ret)
		return ret;
	c->co = p;
	return 0;
}

void simcore_teardown(struct simcore *c)
{
	simcore_stop(c);
	amp_rproc_rsc_free(c->rsc);
	amp_rproc_image_free(c->img);
	free(c->fw);
	if (c->dev)
		amp_dev_destroy(c->dev);
	amp_static_region_remove(c->region);
	memset(c, 0, sizeof(*c));
	c->pid = -1;
}

static int dev_write(void *priv, uint64_t da, const void *src, size_t len)
{
	return amp_dev_write(priv, da, src, len);
}

static int read_file(const char *path, void **buf, size_t *size)
{
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return amp_err(-errno, "simcore: cannot open %s", path);
	if (fstat(fd, &st) || st.st_size <= 0) {
		close(fd);
		return amp_err(-EINVAL, "simcore: %s is empty", path);
	}
	*size = (size_t)st.st_size;
	*buf = malloc(*size);
	n = *buf ? read(fd, *buf, *size) : -1;
	close(fd);
	if (n != (ssize_t)*size) {
		free(*buf);
		*buf = NULL;
		return amp_err(-EIO, "simcore: cannot read %s", path);
	}
	return 0;
}

/* Vrings at "any" address: allocated in the host's area, written back. */
static int place_vrings(struct simcore *c)
{
	c->host_next = c->host_area;
	for (size_t i = 0; i < amp_rproc_rsc_count(c->rsc); i++) {
		const struct amp_rproc_rsc_entry *e =
			amp_rproc_rsc_entry(c->rsc, i);

		if (e->kind != AMP_RPROC_RSC_VDEV)
			continue;
		for (unsigned int v = 0; v < e->u.vdev.num_of_vrings; v++) {
			const struct amp_rproc_rsc_vring *vr =
				amp_rproc_rsc_vring(c->rsc, i, v);
			uint64_t align = vr->align > 4096 ? vr->align : 4096;
			uint64_t off = (c->host_next + align - 1) &
				       ~(align - 1);
			int ret;

			if (vr->da != AMP_ADDR_ANY)
				continue;
			if (off > c->size || vr->size > c->size - off)
				return amp_err(-ENOSPC,
					       "simcore: no room for "
					       "vring %u of entry %zu",
					       v, i);
			ret = amp_rproc_rsc_set_vring(c->rsc, i, v, c->da + off,
						      vr->notifyid, c->table,
						      c->table_size);
			if (ret)
				return ret;
			c->host_next = off + vr->size;
		}
	}
	return 0;
}

int simcore_load(struct simcore *c, const char *path)
{
	struct amp_rproc_load_ops ops = { .write = dev_write };
	struct amp_sg mem = { .addr = c->da, .len = c->size };
	struct amp_rproc_layout lay = {
		.mem_limit = 1ull << 32,
		.mem = &mem,
		.nmem = 1,
	};
	const void *tbl;
	uint64_t tda;
	void *loaded;
	int ret;

	amp_rproc_rsc_free(c->rsc);
	amp_rproc_image_free(c->img);
	free(c->fw);
	c->rsc = NULL;
	c->img = NULL;
	c->fw = NULL;
	ret = read_file(path, &c->fw, &c->fw_size);
	if (ret)
		return ret;
	ret = amp_rproc_image_parse(c->fw, c->fw_size, &c->img);
	if (ret)
		return ret;
	ret = amp_rproc_image_rsc_table(c->img, &tbl, &c->table_size, &tda);
	if (ret)
		return ret;
	ret = amp_rproc_rsc_parse(tbl, c->table_size, &c->rsc);
	if (ret)
		return ret;
	ret = amp_rproc_check_layout(c->img, c->rsc, &lay);
	if (ret)
		return ret;
	/* A fresh core: no stale vrings or buffers from a previous run. */
	memset(c->co, 0, c->size);
	ret = amp_rproc_image_load(c->img, &ops, c->dev);
	if (ret)
		return ret;
	ret = amp_dev_ptr(c->dev, tda, c->table_size, &loaded);
	if (ret)
		return amp_err(ret,
			       "simcore: the loaded table at da 0x%llx "
			       "is not in the carveout",
			       (unsigned long long)tda);
	c->table = loaded;
	/* Carveouts: fixed da inside the window; write the pa back. */
	for (size_t i = 0; i < amp_rproc_rsc_count(c->rsc); i++) {
		const struct amp_rproc_rsc_entry *e =
			amp_rproc_rsc_entry(c->rsc, i);
		amp_pa_t pa;

		if (e->kind != AMP_RPROC_RSC_CARVEOUT)
			continue;
		if (e->u.mem.da == AMP_ADDR_ANY)
			return amp_err(-ENOTSUP,
				       "simcore: carveout %zu: "
				       "\"any\" da not supported",
				       i);
		ret = amp_dev_da_to_pa(c->dev, e->u.mem.da, &pa);
		if (ret)
			return amp_err(ret,
				       "simcore: carveout %zu at da "
				       "0x%llx outside the window",
				       i, (unsigned long long)e->u.mem.da);
		ret = amp_rproc_rsc_set_carveout(c->rsc, i, e->u.mem.da, pa,
						 c->table, c->table_size);
		if (ret)
			return ret;
	}
	ret = place_vrings(c);
	if (ret)
		return ret;
	c->entry = amp_rproc_image_info(c->img)->entry;
	return 0;
}

/* ---- the RPMsg host --------------------------------------------------- */

static int host_notify(void *priv, uint32_t id)
{
	struct simcore *c = priv;

	(void)id;
	return c->bell.ops->notify(c->bell.priv);
}

static uint32_t host_prepare(void *priv)
{
	struct simcore *c = priv;

	return c->bell.ops->prepare(c->bell.priv);
}

static int host_wait(void *priv, uint32_t token, uint32_t *remaining)
{
	struct simcore *c = priv;

	return c->bell.ops->wait(c->bell.priv, token, remaining);
}

static int rpmsg_host_up(struct simcore *c)
{
	struct amp_rpmsg_host_cfg cfg;
	size_t nbuf = SIMCORE_VRING_MAX;
	uint64_t off;

	c->ipc_region = (struct amp_ipc_region){
		.va = c->co, .pa = c->pa, .da = c->da, .size = c->size
	};
	c->ops = (struct amp_ipc_port_ops){ .notify = host_notify,
					    .wait_prepare = host_prepare,
					    .wait = host_wait };
	c->port = (struct amp_ipc_port){ .ops = &c->ops,
					 .priv = c,
					 .regions = &c->ipc_region,
					 .nregions = 1,
					 .flags = AMP_IPC_F_COHERENT };
	off = (c->host_next + 63) & ~63ull;
	if (off > c->size || 2 * nbuf * SIMCORE_BUF_SIZE > c->size - off)
		return amp_err(-ENOSPC, "simcore: no room for the buffers");
	memset(&cfg, 0, sizeof(cfg));
	cfg.port = &c->port;
	cfg.rx_bufs = c->co + off;
	cfg.rx_buf_size = SIMCORE_BUF_SIZE;
	cfg.tx_bufs = c->co + off + nbuf * SIMCORE_BUF_SIZE;
	cfg.tx_buf_size = SIMCORE_BUF_SIZE;
	cfg.slots[0] = c->slots[0];
	cfg.slots[1] = c->slots[1];
	cfg.nslots[0] = SIMCORE_VRING_MAX;
	cfg.nslots[1] = SIMCORE_VRING_MAX;
	cfg.features = 1u << AMP_VIRTIO_RPMSG_F_NS;
	return amp_rpmsg_host_init_rsc(&c->rdev, &cfg, c->table, c->table_size);
}

/* ---- the core process (spawned as the sim backend does) ------------- */

int simcore_start(struct simcore *c, const char *launcher)
{
	struct amp_simcore_start st = { .magic = AMP_SIMCORE_MAGIC };
	int pfd, ret;

	if (!c->table)
		return amp_err(-EINVAL, "simcore: nothing loaded");
	pfd = memfd_create("ampshm-core-page", MFD_CLOEXEC);
	if (pfd < 0)
		return -errno;
	if (ftruncate(pfd, AMP_SIMCORE_PAGE_SIZE)) {
		close(pfd);
		return -errno;
	}
	c->page = mmap(NULL, AMP_SIMCORE_PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_SHARED, pfd, 0);
	if (c->page == MAP_FAILED) {
		c->page = NULL;
		close(pfd);
		return -errno;
	}
	ret = amp_linux_notifier_futex(c->page->bell_host, c->page->bell_core,
				       0, &c->bell);
	if (!ret) {
		ret = rpmsg_host_up(c);
		c->rpmsg_up = !ret;
	}
	if (!ret)
		ret = amp_simcore_exec_ranges(c->img, &st);
	if (ret)
		goto fail_page;
	st.entry = c->entry;
	ret = amp_simcore_spawn(launcher, c->dev, &st, pfd, &c->pid, NULL);
	if (ret)
		goto fail_page;
	c->reaped = false;
	close(pfd);
	return 0;

fail_page:
	if (c->rpmsg_up)
		amp_rpmsg_deinit(&c->rdev);
	c->rpmsg_up = false;
	amp_linux_notifier_close(&c->bell);
	munmap(c->page, AMP_SIMCORE_PAGE_SIZE);
	c->page = NULL;
	close(pfd);
	return ret;
}

bool simcore_dead(struct simcore *c)
{
	if (c->pid < 0 || c->reaped)
		return true;
	if (waitpid(c->pid, &c->status, WNOHANG) == c->pid) {
		c->reaped = true;
		return true;
	}
	return false;
}

void simcore_stop(struct simcore *c)
{
	if (c->pid > 0 && !c->reaped) {
		kill(c->pid, SIGKILL);
		while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
			;
		c->reaped = true;
	}
	if (c->rpmsg_up)
		amp_rpmsg_deinit(&c->rdev);
	c->rpmsg_up = false;
	if (c->page) {
		amp_linux_notifier_close(&c->bell);
		munmap(c->page, AMP_SIMCORE_PAGE_SIZE);
		c->page = NULL;
	}
}

void simcore_describe(struct simcore *c, char *buf, size_t len)
{
	if (!c->reaped)
		snprintf(buf, len, "core running");
	else
		amp_simcore_describe(c->page, c->status, buf, len);
}
