/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file export.h
 * @brief AMP_API marks the functions the library exports.
 *
 * The library is built with hidden visibility: only declarations marked
 * AMP_API are visible to programs linking the shared library; everything
 * else (internal helpers, test hooks) stays inside it.
 */
#ifndef AMPSHM_EXPORT_H
#define AMPSHM_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
/** Exported from the shared library. */
#define AMP_API __attribute__((visibility("default")))
#else
#define AMP_API
#endif

#endif /* AMPSHM_EXPORT_H */
