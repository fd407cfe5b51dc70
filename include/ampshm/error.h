/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file error.h
 * @brief Human-readable detail for the last error of the calling thread.
 */
#ifndef AMPSHM_ERROR_H
#define AMPSHM_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Sentence describing why the last failing call of this thread
 *        failed ("" if none has failed).
 */
const char *amp_last_error(void);

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_ERROR_H */
