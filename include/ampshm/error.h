/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file error.h
 * @brief Human-readable detail for the last error of the calling thread.
 */
#ifndef AMPSHM_ERROR_H
#define AMPSHM_ERROR_H

#include <ampshm/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Sentence describing why the last failing call of this thread
 *        failed ("" if none has failed).
 */
AMP_API const char *amp_last_error(void);

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_ERROR_H */
