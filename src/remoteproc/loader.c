/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loader: PT_LOAD segments written at their device address (p_paddr, as
 * Linux remoteproc does) through the caller's callbacks, .bss zeroed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "remoteproc/rproc.h"

#include <ampshm/error.h>

/* Zeros written with write() when the caller has no zero(). */
static int zero_by_write(const struct amp_rproc_load_ops *ops, void *priv,
			 uint64_t da, uint64_t len)
{
	static const uint8_t zeros[4096];
	int ret;

	while (len) {
		size_t n = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);

		ret = ops->write(priv, da, zeros, n);
		if (ret)
			return ret;
		da += n;
		len -= n;
	}
	return 0;
}

static int failed(int ret, size_t i, const char *what, uint64_t len,
		  uint64_t da)
{
	char why[160];

	/* Keep the callback's own message (it may have set one). */
	snprintf(why, sizeof(why), "%s", amp_last_error());
	return amp_err(ret < 0 ? ret : -EIO,
		       "segment %zu: %s of 0x%" PRIx64 " bytes at da 0x%" PRIx64
		       " failed (%d)%s%s",
		       i, what, len, da, ret, why[0] ? ": " : "", why);
}

int amp_rproc_image_load(const struct amp_rproc_image *img,
			 const struct amp_rproc_load_ops *ops, void *priv)
{
	size_t i;
	int ret;

	if (!img || !ops || !ops->write)
		return amp_err(-EINVAL,
			       "rproc load: no image or no write callback");
	for (i = 0; i < img->info.nsegments; i++) {
		const struct amp_rproc_segment *s = &img->seg[i];
		uint64_t bss = s->memsz - s->filesz;

		if (s->type != AMP_RPROC_PT_LOAD || !s->memsz)
			continue;
		/* parse: filesz <= memsz, the file bytes inside the image */
		if (s->filesz) {
			amp_err(0, "%s", "");
			ret = ops->write(priv, s->paddr, img->buf + s->offset,
					 (size_t)s->filesz);
			if (ret)
				return failed(ret, i, "write", s->filesz,
					      s->paddr);
		}
		if (!bss)
			continue;
		amp_err(0, "%s", "");
		if (ops->zero && bss <= SIZE_MAX)
			ret = ops->zero(priv, s->paddr + s->filesz,
					(size_t)bss);
		else
			ret = zero_by_write(ops, priv, s->paddr + s->filesz,
					    bss);
		if (ret)
			return failed(ret, i, "zero-fill", bss,
				      s->paddr + s->filesz);
	}
	return 0;
}
