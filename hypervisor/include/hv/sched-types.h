/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler's share of struct vcpu and struct domain (common/sched.c
 * explains the algorithm these fields serve).
 */
#ifndef HV_SCHED_TYPES_H
#define HV_SCHED_TYPES_H

#include <hv/list.h>
#include <hv/types.h>

#define SCHED_DEFAULT_WEIGHT	256

struct sched_vcpu {
	/* Counters (sched_dump(), sched_report()). */
	u64 run_ns;			/* CPU time used */
	u64 nr_runs;			/* times switched in */
	u64 nr_blocks;			/* times blocked */
	u64 nr_migrations;		/* times moved to another CPU */
	s64 first_start;		/* NOW() when first switched in, 0 = never */
	s64 last_start;			/* NOW() when last charged */

	u64 affinity;			/* hard affinity: CPU mask, 0 = any */

	/* Scheduler state. */
	s64 credit;			/* ns it may still run at UNDER priority */
	u64 queued_seq;			/* order among equals: lower runs first */
	u64 acct_run_ns;		/* run_ns at the last accounting */
	bool acct_active;		/* gets credit this period */
	bool is_running;		/* its state is on a CPU (or being put
					 * there): no other CPU may pick it */
	bool yield;			/* SCHEDOP_yield: go behind its peers */
	struct list_head home;		/* in its CPU's list (sched_cpu.vcpus) */
};

struct sched_domain {
	unsigned int weight;		/* proportional share, default 256 */
	unsigned int cap;		/* % of one CPU, 0 = none */
	u64 cap_used_ns;		/* CPU time against the cap, this period */
	bool parked;			/* used its cap: off the CPUs until the
					 * next accounting period */
};

#endif /* HV_SCHED_TYPES_H */
