/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file handover.h
 * @brief The buffer hand-over protocol over RPMsg: wire format, encoders,
 *        validating decoders and the per-buffer table of what was shared.
 *
 * Freestanding (both the host and the coprocessor firmware use it): no
 * allocation, the caller gives every piece of storage. The wire is
 * little-endian and documented byte by byte in docs/handover-protocol.md.
 *
 * Every function that refuses a message returns the negative of one of
 * the distinct codes of enum amp_hov_err (all above the errno range);
 * misuse of the API (NULL pointers, an output buffer too small) returns
 * -EINVAL or -EMSGSIZE.
 */
#ifndef AMPSHM_HANDOVER_H
#define AMPSHM_HANDOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ampshm/export.h>
#include <ampshm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Magic of every message: the bytes 'A' 'H' 'O' 'V' on the wire. */
#define AMP_HOV_MAGIC 0x564F4841u
/** Protocol version this code speaks. */
#define AMP_HOV_VERSION 1u
/** Common header size in bytes. */
#define AMP_HOV_HDR_SIZE 16u
/** Largest message: the default RPMsg payload (512 - 16 bytes). */
#define AMP_HOV_MAX_MSG 496u
/** Largest payload after the common header. */
#define AMP_HOV_MAX_PAYLOAD (AMP_HOV_MAX_MSG - AMP_HOV_HDR_SIZE)
/** Fixed part of a SHARE payload, before its segments. */
#define AMP_HOV_SHARE_FIXED 32u
/** Size of one scatter-list entry on the wire ({addr, len}, 2 x 64 bit). */
#define AMP_HOV_SEG_SIZE 16u
/** Segments one SHARE message carries at most: (480 - 32) / 16 = 28. */
#define AMP_HOV_SHARE_MAX_SEGS \
	((AMP_HOV_MAX_PAYLOAD - AMP_HOV_SHARE_FIXED) / AMP_HOV_SEG_SIZE)
/** Fixed part of a GIVEBACK payload, before its result bytes. */
#define AMP_HOV_GIVEBACK_FIXED 40u
/** Largest result payload of a GIVEBACK. */
#define AMP_HOV_RESULT_MAX 32u
/** Hand-overs one buffer can have outstanding at once. */
#define AMP_HOV_MAX_RANGES 8u

/** Message types. */
enum amp_hov_type {
	AMP_HOV_SHARE = 1, /**< host -> remote: a buffer and its segments */
	AMP_HOV_SHARE_ACK = 2, /**< remote -> host: last SHARE part taken */
	AMP_HOV_HANDOVER = 3, /**< host -> remote: a range goes to the device */
	AMP_HOV_GIVEBACK = 4, /**< remote -> host: a range comes back */
	AMP_HOV_UNSHARE = 5, /**< host -> remote: forget the buffer */
	AMP_HOV_UNSHARE_ACK = 6, /**< remote -> host: buffer forgotten */
	AMP_HOV_ERROR = 7, /**< either way: a message was refused */
};

/** Header flag of a SHARE part: the first part (first index 0). */
#define AMP_HOV_F_FIRST 0x1u
/** Header flag of a SHARE part: the last part (ends the list). */
#define AMP_HOV_F_LAST 0x2u

/** Buffer flag: the buffer is cacheable, the remote maintains caches. */
#define AMP_HOV_BUF_CACHED 0x1u
/** Every buffer flag this version knows. */
#define AMP_HOV_BUF_MASK 0x1u

/** Allowed-direction bits of a SHARE (same values as enum amp_dir). */
#define AMP_HOV_DIRS_MASK 0x3u

/** Role of this side: which message types it receives. */
enum amp_hov_role {
	AMP_HOV_ROLE_HOST = 0, /**< receives SHARE_ACK, GIVEBACK,
				    UNSHARE_ACK, ERROR */
	AMP_HOV_ROLE_REMOTE = 1, /**< receives SHARE, HANDOVER, UNSHARE,
				      ERROR */
};

/** Why a message was refused (returned negated; all distinct). */
enum amp_hov_err {
	AMP_HOV_E_TRUNCATED = 256, /**< shorter than its header says */
	AMP_HOV_E_TRAILING = 257, /**< bytes after the payload / too long */
	AMP_HOV_E_MAGIC = 258, /**< wrong magic */
	AMP_HOV_E_VERSION = 259, /**< unknown version */
	AMP_HOV_E_TYPE = 260, /**< unknown type, or not for this role */
	AMP_HOV_E_LENGTH = 261, /**< payload length wrong for the type */
	AMP_HOV_E_RESERVED = 262, /**< reserved field or unknown flag set */
	AMP_HOV_E_NSEG = 263, /**< segment count or part marking wrong */
	AMP_HOV_E_SEG = 264, /**< empty/overflowing segment, sum != size */
	AMP_HOV_E_DIR = 265, /**< direction out of range */
	AMP_HOV_E_OVERFLOW = 266, /**< offset + length overflows, or 0 */
	AMP_HOV_E_STATUS = 267, /**< status not 0 or -1..-4095 */
	AMP_HOV_E_ORDER = 268, /**< SHARE part out of order */
	AMP_HOV_E_DUP = 269, /**< SHARE part received twice */
	AMP_HOV_E_MISMATCH = 270, /**< SHARE part disagrees with the first */
	AMP_HOV_E_ID_REUSED = 271, /**< SHARE of an id already used */
	AMP_HOV_E_TABLE_FULL = 272, /**< no free slot in the table */
	AMP_HOV_E_SEG_CAP = 273, /**< more segments than the table stores */
	AMP_HOV_E_UNKNOWN_ID = 274, /**< id never shared */
	AMP_HOV_E_STALE_ID = 275, /**< id of a buffer already unshared */
	AMP_HOV_E_INCOMPLETE = 276, /**< buffer's SHARE not complete */
	AMP_HOV_E_RANGE = 277, /**< range outside the buffer */
	AMP_HOV_E_DIR_DENIED = 278, /**< direction the SHARE did not allow */
	AMP_HOV_E_OVERLAP = 279, /**< range already with the device */
	AMP_HOV_E_RANGES_FULL = 280, /**< too many outstanding hand-overs */
	AMP_HOV_E_NOT_HELD = 281, /**< give-back of a range not handed over */
	AMP_HOV_E_TAG = 282, /**< give-back with another tag */
	AMP_HOV_E_BUSY = 283, /**< unshare with hand-overs outstanding */
};

/** Common header on the wire (16 bytes, little-endian). */
struct amp_hov_wire_hdr {
	uint32_t magic; /**< AMP_HOV_MAGIC */
	uint8_t version; /**< AMP_HOV_VERSION */
	uint8_t type; /**< enum amp_hov_type */
	uint16_t flags; /**< AMP_HOV_F_* for SHARE, 0 otherwise */
	uint32_t seq; /**< sender's sequence number */
	uint32_t len; /**< payload bytes after this header */
};

/** SHARE payload on the wire, before its segments (32 bytes). */
struct amp_hov_wire_share {
	uint32_t id; /**< buffer id, non-zero, increasing per session */
	uint32_t buf_flags; /**< AMP_HOV_BUF_* */
	uint64_t size; /**< buffer size in bytes (sum of all segments) */
	uint32_t nseg_total; /**< segments in the whole list */
	uint32_t first; /**< index of this part's first segment */
	uint16_t nseg; /**< segments in this part (1..28) */
	uint8_t dirs; /**< allowed directions (AMP_HOV_DIRS_MASK bits) */
	uint8_t reserved0; /**< 0 */
	uint32_t reserved1; /**< 0 */
};

/** SHARE_ACK, UNSHARE and UNSHARE_ACK payload on the wire (8 bytes). */
struct amp_hov_wire_id {
	uint32_t id; /**< buffer id */
	uint32_t arg; /**< SHARE_ACK: nseg_total; otherwise 0 */
};

/** HANDOVER payload on the wire (32 bytes). */
struct amp_hov_wire_handover {
	uint32_t id; /**< buffer id */
	uint8_t dir; /**< enum amp_dir */
	uint8_t reserved[3]; /**< 0 */
	uint64_t offset; /**< first byte of the range in the buffer */
	uint64_t length; /**< bytes in the range, > 0 */
	uint64_t tag; /**< user tag, returned by the GIVEBACK */
};

/** GIVEBACK payload on the wire (40 bytes + result_len). */
struct amp_hov_wire_giveback {
	uint32_t id; /**< buffer id */
	int32_t status; /**< 0 or a negative errno (-1..-4095) */
	uint64_t offset; /**< the range handed over */
	uint64_t length; /**< the range handed over */
	uint64_t tag; /**< the tag of its HANDOVER */
	uint8_t result_len; /**< result bytes that follow (0..32) */
	uint8_t reserved[7]; /**< 0 */
};

/** ERROR payload on the wire (12 bytes). */
struct amp_hov_wire_error {
	uint32_t bad_seq; /**< sequence number of the refused message */
	uint32_t code; /**< positive errno or enum amp_hov_err */
	uint8_t bad_type; /**< type of the refused message (0: unknown) */
	uint8_t reserved[3]; /**< 0 */
};

AMP_STATIC_ASSERT(sizeof(struct amp_hov_wire_hdr) == AMP_HOV_HDR_SIZE, "hdr");
AMP_STATIC_ASSERT(offsetof(struct amp_hov_wire_hdr, seq) == 8, "hdr.seq");
AMP_STATIC_ASSERT(offsetof(struct amp_hov_wire_hdr, len) == 12, "hdr.len");
AMP_STATIC_ASSERT(sizeof(struct amp_hov_wire_share) == AMP_HOV_SHARE_FIXED,
		  "share");
AMP_STATIC_ASSERT(offsetof(struct amp_hov_wire_share, nseg) == 24,
		  "share.nseg");
AMP_STATIC_ASSERT(offsetof(struct amp_hov_wire_share, dirs) == 26,
		  "share.dirs");
AMP_STATIC_ASSERT(AMP_HOV_SHARE_MAX_SEGS == 28, "segments per SHARE");
AMP_STATIC_ASSERT(sizeof(struct amp_hov_wire_id) == 8, "id");
AMP_STATIC_ASSERT(sizeof(struct amp_hov_wire_handover) == 32, "handover");
AMP_STATIC_ASSERT(offsetof(struct amp_hov_wire_handover, tag) == 24,
		  "handover.tag");
AMP_STATIC_ASSERT(sizeof(struct amp_hov_wire_giveback) ==
			  AMP_HOV_GIVEBACK_FIXED,
		  "giveback");
AMP_STATIC_ASSERT(offsetof(struct amp_hov_wire_giveback, result_len) == 32,
		  "giveback.result_len");
AMP_STATIC_ASSERT(sizeof(struct amp_hov_wire_error) == 12, "error");

/** A decoded SHARE part (host byte order). */
struct amp_hov_share {
	uint32_t id; /**< buffer id */
	uint32_t buf_flags; /**< AMP_HOV_BUF_* */
	uint64_t size; /**< buffer size */
	uint32_t nseg_total; /**< segments in the whole list */
	uint32_t first; /**< index of seg[0] in the whole list */
	uint16_t nseg; /**< valid entries of seg[] */
	uint8_t dirs; /**< allowed directions */
	struct amp_sg seg[AMP_HOV_SHARE_MAX_SEGS]; /**< device addresses */
};

/** A decoded SHARE_ACK, UNSHARE or UNSHARE_ACK. */
struct amp_hov_idmsg {
	uint32_t id; /**< buffer id */
	uint32_t arg; /**< SHARE_ACK: nseg_total; otherwise 0 */
};

/** A decoded HANDOVER. */
struct amp_hov_handover {
	uint32_t id; /**< buffer id */
	uint8_t dir; /**< enum amp_dir */
	uint64_t offset; /**< first byte of the range */
	uint64_t length; /**< bytes */
	uint64_t tag; /**< user tag */
};

/** A decoded GIVEBACK. */
struct amp_hov_giveback {
	uint32_t id; /**< buffer id */
	int32_t status; /**< 0 or a negative errno */
	uint64_t offset; /**< the range */
	uint64_t length; /**< the range */
	uint64_t tag; /**< tag of its HANDOVER */
	uint8_t result_len; /**< valid bytes of result[] */
	uint8_t result[AMP_HOV_RESULT_MAX]; /**< small result payload */
};

/** A decoded ERROR. */
struct amp_hov_error {
	uint32_t bad_seq; /**< sequence number of the refused message */
	uint32_t code; /**< positive errno or enum amp_hov_err */
	uint8_t bad_type; /**< its type, 0 if unknown */
};

/** One message, decoded or to encode. */
struct amp_hov_msg {
	uint8_t type; /**< enum amp_hov_type */
	uint16_t flags; /**< header flags (SHARE: AMP_HOV_F_*) */
	uint32_t seq; /**< sequence number */
	/** The payload, by type. */
	union {
		struct amp_hov_share share; /**< AMP_HOV_SHARE */
		struct amp_hov_idmsg idm; /**< SHARE_ACK, UNSHARE(_ACK) */
		struct amp_hov_handover handover; /**< AMP_HOV_HANDOVER */
		struct amp_hov_giveback giveback; /**< AMP_HOV_GIVEBACK */
		struct amp_hov_error error; /**< AMP_HOV_ERROR */
	} u;
};

/** One outstanding hand-over of a buffer. */
struct amp_hov_range {
	uint64_t offset; /**< first byte */
	uint64_t length; /**< bytes (0: slot free) */
	uint64_t tag; /**< tag of the HANDOVER */
	uint8_t dir; /**< direction of the HANDOVER */
};

/** State of a table slot. */
enum amp_hov_state {
	AMP_HOV_FREE = 0, /**< slot unused */
	AMP_HOV_SHARING = 1, /**< SHARE parts still expected */
	AMP_HOV_SHARED = 2, /**< whole list received: usable */
};

/** What was shared of one buffer (one slot of the caller's table). */
struct amp_hov_buf {
	uint32_t id; /**< buffer id */
	uint8_t state; /**< enum amp_hov_state */
	uint8_t dirs; /**< allowed directions */
	uint32_t buf_flags; /**< AMP_HOV_BUF_* */
	uint64_t size; /**< buffer size */
	uint32_t nseg_total; /**< segments in the list */
	uint32_t nseg_rx; /**< segments received so far */
	uint64_t seg_sum; /**< bytes of the segments received so far */
	struct amp_sg *segs; /**< the list (table's storage), or NULL */
	uint32_t nranges; /**< outstanding hand-overs */
	struct amp_hov_range ranges[AMP_HOV_MAX_RANGES]; /**< them */
};

/** The per-buffer table of one side (all storage from the caller). */
struct amp_hov_table {
	struct amp_hov_buf *bufs; /**< slots */
	size_t nbufs; /**< number of slots */
	struct amp_sg *segs; /**< nbufs * seg_cap entries, or NULL */
	uint32_t seg_cap; /**< segments stored per buffer (0: none) */
	uint32_t max_id; /**< newest id ever shared */
};

/**
 * @brief Encode a message into its wire bytes, validating it first.
 * @param m the message (m->type says which payload is used)
 * @param out output buffer
 * @param cap bytes available at @p out
 * @return bytes written (16 + payload), -EINVAL, -EMSGSIZE, or the
 *         negated amp_hov_err the decoder would refuse it with
 */
AMP_API int amp_hov_encode(const struct amp_hov_msg *m, void *out, size_t cap);

/**
 * @brief Decode and validate one received message.
 *
 * Copies the bytes once into a private buffer (the sender may still write
 * to the shared buffer) and validates only that copy: magic, version, a
 * type this @p role receives, exact lengths, reserved fields, segment
 * counts and part marking, directions, overflow-free segments and ranges.
 * Checks against what was shared are the table's (amp_hov_check_*()).
 * @param data received bytes
 * @param len their number
 * @param role which side decodes (selects the acceptable types)
 * @param m result, fully written on success
 * @return 0, -EINVAL, or a negated enum amp_hov_err
 */
AMP_API int amp_hov_decode(const void *data, size_t len, enum amp_hov_role role,
			   struct amp_hov_msg *m);

/**
 * @brief Fill the ERROR reply to a refused message.
 *
 * Takes the refused message's sequence number and type from a copy of its
 * header when it has one with the right magic (0 otherwise). An ERROR must
 * never be answered with an ERROR: the caller drops those.
 * @param m message to fill
 * @param seq sequence number of the reply
 * @param bad the refused bytes (may be NULL when @p len is 0)
 * @param len their number
 * @param err the refusal (negated or not): an enum amp_hov_err or errno
 * @return 0, or -EINVAL (@p err is 0, or a NULL pointer)
 */
AMP_API int amp_hov_error_fill(struct amp_hov_msg *m, uint32_t seq,
			       const void *bad, size_t len, int err);

/**
 * @brief Messages a scatter list of @p nseg segments costs to share.
 * @param nseg segments (at least 1)
 * @return number of SHARE parts, 0 if @p nseg is 0
 */
AMP_API uint32_t amp_hov_share_parts(uint32_t nseg);

/**
 * @brief Fill SHARE part number @p part of a scatter list.
 * @param m message to fill (type, flags and payload)
 * @param seq sequence number
 * @param id buffer id
 * @param buf_flags AMP_HOV_BUF_*
 * @param size buffer size
 * @param dirs allowed directions
 * @param segs the whole scatter list (device addresses)
 * @param nseg its number of segments
 * @param part 0 .. amp_hov_share_parts(nseg) - 1
 * @return 0, or -EINVAL
 */
AMP_API int amp_hov_share_fill(struct amp_hov_msg *m, uint32_t seq, uint32_t id,
			       uint32_t buf_flags, uint64_t size, uint8_t dirs,
			       const struct amp_sg *segs, uint32_t nseg,
			       uint32_t part);

/**
 * @brief Prepare an empty table over caller storage.
 * @param t the table
 * @param bufs @p nbufs slots
 * @param nbufs number of slots (buffers live at once)
 * @param segs @p nbufs * @p seg_cap segment entries, or NULL with
 *        @p seg_cap 0 (lists are then checked but not stored)
 * @param seg_cap segments stored per buffer
 * @return 0, or -EINVAL
 */
AMP_API int amp_hov_table_init(struct amp_hov_table *t,
			       struct amp_hov_buf *bufs, size_t nbufs,
			       struct amp_sg *segs, uint32_t seg_cap);

/**
 * @brief The live (sharing or shared) slot of buffer @p id.
 * @param t the table
 * @param id buffer id
 * @return the slot, or NULL
 */
AMP_API const struct amp_hov_buf *amp_hov_find(const struct amp_hov_table *t,
					       uint32_t id);

/**
 * @brief Check that @p id names a live, completely shared buffer.
 * @param t the table
 * @param id buffer id
 * @return 0, or -AMP_HOV_E_UNKNOWN_ID / _STALE_ID / _INCOMPLETE
 */
AMP_API int amp_hov_check_id(const struct amp_hov_table *t, uint32_t id);

/**
 * @brief Check an acknowledgement from the remote against the host's table.
 *
 * SHARE_ACK: the buffer is live, completely shared, and the acknowledged
 * segment count is the one shared. UNSHARE_ACK: the buffer was shared and
 * has been unshared.
 * @param t the host's table
 * @param m a decoded SHARE_ACK or UNSHARE_ACK
 * @return 0, -EINVAL (another type), or a negated enum amp_hov_err
 *         (UNKNOWN_ID, STALE_ID, INCOMPLETE, MISMATCH)
 */
AMP_API int amp_hov_check_ack(const struct amp_hov_table *t,
			      const struct amp_hov_msg *m);

/**
 * @brief Take one SHARE part into the table (the host when it sends it,
 *        the remote when it receives it).
 *
 * Parts must come in order, each exactly once, and agree with the first.
 * @param t the table
 * @param s a decoded (or about to be encoded) SHARE part
 * @return 1 when the list is complete (send/expect SHARE_ACK), 0 when more
 *         parts are expected, or a negated enum amp_hov_err (the table is
 *         unchanged)
 */
AMP_API int amp_hov_check_share(struct amp_hov_table *t,
				const struct amp_hov_share *s);

/**
 * @brief Record a hand-over (the host when it sends it, the remote when it
 *        receives it): known complete buffer, range inside it, direction
 *        allowed by the share, not overlapping an outstanding range.
 * @param t the table
 * @param h the hand-over
 * @return 0, or a negated enum amp_hov_err (the table is unchanged)
 */
AMP_API int amp_hov_check_handover(struct amp_hov_table *t,
				   const struct amp_hov_handover *h);

/**
 * @brief Retire a give-back (the remote when it sends it, the host when it
 *        receives it): it must name exactly an outstanding range, with its
 *        tag.
 * @param t the table
 * @param g the give-back
 * @param dir if not NULL, receives the direction of the hand-over
 * @return 0, or a negated enum amp_hov_err (the table is unchanged)
 */
AMP_API int amp_hov_check_giveback(struct amp_hov_table *t,
				   const struct amp_hov_giveback *g,
				   uint8_t *dir);

/**
 * @brief Forget a buffer (the host when it sends UNSHARE, the remote when
 *        it receives it). A partial SHARE may be dropped this way; a shared
 *        buffer only with no hand-over outstanding. Its id is never valid
 *        again in this table.
 * @param t the table
 * @param id buffer id
 * @return 0, or a negated enum amp_hov_err
 */
AMP_API int amp_hov_check_unshare(struct amp_hov_table *t, uint32_t id);

/**
 * @brief Short name of a refusal code, for logs.
 * @param err a (positive or negative) enum amp_hov_err or errno value
 * @return a static string ("?" when unknown)
 */
AMP_API const char *amp_hov_strerror(int err);

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_HANDOVER_H */
