/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler's share of struct vcpu and struct domain (common/sched.c).
 */
#ifndef HV_SCHED_TYPES_H
#define HV_SCHED_TYPES_H

#include <hv/types.h>

#define SCHED_DEFAULT_WEIGHT	256

struct sched_vcpu {
	u64 run_ns;			/* CPU time used */
	u64 nr_runs;			/* times switched in */
	u64 nr_blocks;			/* times blocked */
	s64 last_start;			/* NOW() when switched in */
	u64 affinity;			/* hard affinity: CPU mask, 0 = any */
};

struct sched_domain {
	unsigned int weight;		/* proportional share, default 256 */
	unsigned int cap;		/* % of one CPU, 0 = none */
};

#endif /* HV_SCHED_TYPES_H */
