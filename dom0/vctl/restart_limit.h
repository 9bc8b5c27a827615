/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restart_limit.c: how often the monitor (cmd_monitor.c) may restart a
 * domain of one name.  A guest that crashes or reboots at once would
 * otherwise be rebuilt forever; past the limit the monitor leaves the
 * shut-down domain as it is (preserve) and says so in its log.
 *
 * The rule: at most VCTL_RESTART_MAX restarts of one name within any
 * VCTL_RESTART_WINDOW_MS.  Pure (the caller gives the time), so that
 * the host unit tests reach it.
 */
#ifndef VCTL_RESTART_LIMIT_H
#define VCTL_RESTART_LIMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "vctl.h"

#define VCTL_RESTART_MAX       3
#define VCTL_RESTART_WINDOW_MS (60 * 1000ULL)
/* Names remembered at once; the one idle longest makes room. */
#define VCTL_RESTART_NAMES     32

struct vctl_restart_entry {
	char name[VCTL_NAME_MAX + 1];   /* "" when unused */
	uint64_t when[VCTL_RESTART_MAX]; /* restarts in the window, oldest
					  * first */
	unsigned int n;
};

struct vctl_restart_limit {
	struct vctl_restart_entry e[VCTL_RESTART_NAMES];
};

/*
 * May `name` be restarted at now_ms (a monotonic clock)?  If so the
 * restart is counted and true returned; if not, nothing changes.  A
 * name longer than VCTL_NAME_MAX or empty is refused.
 */
bool vctl_restart_allowed(struct vctl_restart_limit *l, const char *name,
			  uint64_t now_ms);
/* Restarts of `name` counted in the window ending at now_ms. */
unsigned int vctl_restart_count(struct vctl_restart_limit *l,
				const char *name, uint64_t now_ms);

#endif /* VCTL_RESTART_LIMIT_H */
