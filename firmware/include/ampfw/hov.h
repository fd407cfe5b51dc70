/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The coprocessor side of the hand-over protocol (docs/handover-protocol.md):
 * accept the buffers the host shares, turn their device addresses into
 * local pointers through the board's address map, receive hand-overs,
 * let the application process the range in place, and give it back, with
 * the cache maintenance the port needs (amp_cache_*, the board's ops).
 *
 * Everything the host sends is checked against the table of what was
 * shared before it is used; a refused message is answered with an ERROR
 * and changes nothing. Freestanding: no allocation, the caller gives the
 * storage.
 */
#ifndef AMPFW_HOV_H
#define AMPFW_HOV_H

#include <ampshm/handover.h>
#include <ampshm/rpmsg.h>

/* What the work callback returns to give the range back later. */
#define AMPFW_HOV_LATER 1

/* A hand-over the host made (copy of the checked HANDOVER). */
struct ampfw_hov_req {
	uint32_t id; /* buffer id */
	uint8_t dir; /* enum amp_dir */
	uint64_t offset; /* range in the buffer */
	uint64_t length;
	uint64_t tag; /* the host's tag */
	uint64_t size; /* the buffer's size */
};

struct ampfw_hov;

/*
 * Process @r in place (ampfw_hov_ptr() gives the bytes). Return 0 or a
 * negative errno to give the range back at once with that status and the
 * @result_len bytes written to @result (at most AMP_HOV_RESULT_MAX), or
 * AMPFW_HOV_LATER to give it back later with ampfw_hov_giveback().
 */
typedef int (*ampfw_hov_work_fn)(struct ampfw_hov *h,
				 const struct ampfw_hov_req *r, uint8_t *result,
				 uint8_t *result_len, void *priv);

/*
 * The board's address map: a local pointer to [da, da+len), contiguous,
 * or NULL if the core cannot reach it that way. NULL map: the identity
 * (the core runs at its device addresses).
 */
typedef void *(*ampfw_hov_map_fn)(void *priv, uint64_t da, uint64_t len);

struct ampfw_hov {
	struct amp_rpmsg_endpoint ept;
	struct amp_hov_table tab;
	ampfw_hov_work_fn work;
	ampfw_hov_map_fn map;
	void *priv;
	uint32_t seq;
	uint32_t refused; /* host messages refused */
	int last_refusal; /* negated code of the last one */
	uint32_t send_errors; /* replies that could not be sent */
};

/*
 * Create the service endpoint @name (announced to the host) over @rdev,
 * with a table of @nbufs buffers of at most @seg_cap segments each.
 * Returns 0 or a negative errno.
 */
int ampfw_hov_init(struct ampfw_hov *h, struct amp_rpmsg_dev *rdev,
		   const char *name, struct amp_hov_buf *bufs, size_t nbufs,
		   struct amp_sg *segs, uint32_t seg_cap,
		   ampfw_hov_work_fn work, ampfw_hov_map_fn map, void *priv);

/*
 * Local pointer to byte @off of shared buffer @id; *len is cut to the
 * bytes contiguous from there. NULL if the buffer is not shared or @off is
 * past its end.
 */
void *ampfw_hov_ptr(struct ampfw_hov *h, uint32_t id, uint64_t off,
		    uint64_t *len);

/*
 * Give back a range received earlier (work returned AMPFW_HOV_LATER).
 * Refused (negated enum amp_hov_err) unless @r is exactly a range the
 * host handed over and not yet given back.
 */
int ampfw_hov_giveback(struct ampfw_hov *h, const struct ampfw_hov_req *r,
		       int status, const void *result, uint8_t result_len);

#endif /* AMPFW_HOV_H */
