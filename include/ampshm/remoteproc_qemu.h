/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file remoteproc_qemu.h
 * @brief A coprocessor that is real ARM firmware running under QEMU
 *        (qemu-system-arm, machine "virt", Cortex-A15), driven by the
 *        remoteproc core like any other backend.
 *
 * The host owns the guest's RAM: a memfd of @c ram_size bytes at guest
 * physical address 0x4000_0000, registered in the physical map, so the
 * guest physical address of every byte is its device address and its
 * host "physical" address. Its first @c shm_offset bytes hold the
 * firmware's carveouts (registered for remoteproc only); the rest is the
 * static region @c shm_region (open it as "static/<shm_region>"): large
 * buffers live there, zero copy, and reach the core through the
 * firmware's "shm" carveout (firmware/boards/qemu-virt).
 *
 * Load writes the ELF's segments into that RAM (the remoteproc core);
 * start runs QEMU with a loader device that only sets the program
 * counter, or, if QEMU already runs (after a stop or a crash that left it
 * alive), resets the machine and continues it over QMP (no new process);
 * stop pauses it over QMP. The one PL011 UART is a socket: console text
 * and doorbell bytes (src/remoteproc/qemu_proto.h). QEMU dies with the
 * host (PR_SET_PDEATHSIG). A monitor thread reports a crash when QEMU
 * exits while running, when the firmware stops (a fault, with its
 * faulting address and pc from the board page, or an exit), or when its
 * heartbeat stops for @c watchdog_ms; recovery then reloads and restarts
 * it, as with the simulated core.
 */
#ifndef AMPSHM_REMOTEPROC_QEMU_H
#define AMPSHM_REMOTEPROC_QEMU_H

#include <stddef.h>
#include <stdint.h>

#include <ampshm/export.h>
#include <ampshm/remoteproc.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Guest physical address of the RAM on QEMU's virt machine. */
#define AMP_RPROC_QEMU_RAM_BASE 0x40000000ull

/** A line of the firmware's console (without its newline). */
typedef void (*amp_rproc_qemu_console_fn)(void *priv, const char *line);

/** Description of a QEMU coprocessor, for amp_rproc_qemu_create(). */
struct amp_rproc_qemu_config {
	const char *name; /**< name of the core and its device */
	/** QEMU binary. NULL: $AMPSHM_QEMU, else qemu-system-arm (PATH). */
	const char *qemu;
	/** Guest RAM bytes (0: 512 MiB); MiB multiple, at most 2 GiB. */
	uint64_t ram_size;
	/** Bytes of RAM kept for the firmware's carveouts (0: 16 MiB). */
	uint64_t shm_offset;
	/** Name of the static region over the rest (NULL: "<name>-shm"). */
	const char *shm_region;
	bool recovery; /**< reload and restart after a crash */
	/** Report a crash when the heartbeat stops this long (0: never). */
	unsigned watchdog_ms;
	/** Called from the monitor thread for each console line (or NULL). */
	amp_rproc_qemu_console_fn console;
	void *console_priv; /**< passed to @c console */
};

/** Counters of a QEMU coprocessor. */
struct amp_rproc_qemu_stats {
	unsigned spawns; /**< QEMU processes started */
	unsigned resets; /**< restarts by QMP reset (no new process) */
	uint64_t kicks_to_core; /**< doorbell bytes sent */
	uint64_t kicks_from_core; /**< doorbell bytes received */
	uint64_t console_bytes; /**< console text received */
	uint32_t last_start_us; /**< the last start op, spawn or reset */
};

/**
 * @brief Create a coprocessor run by QEMU (OFFLINE; QEMU starts at the
 *        first amp_rproc_start()).
 *
 * Registers the RAM (the firmware part and the static region) at once.
 * @return 0, -EINVAL (bad size), -ENOENT (no QEMU binary), -EEXIST (the
 *         RAM's addresses are taken), -ENOMEM, or the errno of a thread
 */
AMP_API int amp_rproc_qemu_create(const struct amp_rproc_qemu_config *cfg,
				  struct amp_rproc **rp);

/** @brief Process id of QEMU (running or paused), or -1. */
AMP_API int amp_rproc_qemu_pid(struct amp_rproc *rp);

/** @brief The firmware's heartbeat (its board page), 0 if not a QEMU core. */
AMP_API uint32_t amp_rproc_qemu_heartbeat(struct amp_rproc *rp);

/** @brief Copy of the counters. @return 0 or -EINVAL (not a QEMU core) */
AMP_API int amp_rproc_qemu_stats(struct amp_rproc *rp,
				 struct amp_rproc_qemu_stats *st);

/**
 * @brief The last console text of the firmware (up to 4 KiB, oldest
 *        first), NUL-terminated in @p buf.
 * @return bytes copied (without the NUL), or -EINVAL
 */
AMP_API int amp_rproc_qemu_console(struct amp_rproc *rp, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_REMOTEPROC_QEMU_H */
