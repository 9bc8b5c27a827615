/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler (common/sched.c): which vCPU runs on which CPU, for how
 * long, and the points where that changes (block, yield, shutdown,
 * wake-up, VCPUOP_up/down, the tick).
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include <hv/domain.h>

/*
 * May @v run?  The builder (or VCPUOP_initialise) sets v->runnable once
 * it has a context; down, blocked (SCHEDOP_block, SCHEDOP_poll), a dying
 * domain, a toolstack domain that shut down and a toolstack pause
 * (VENEER_MGMT_pausedomain) each keep it off the CPUs.  Whoever clears one of these
 * calls vcpu_wake(); whoever sets one for a vCPU that may be running
 * calls vcpu_sleep() (or stops it by calling schedule() itself).
 */
static inline bool vcpu_runnable(const struct vcpu *v)
{
	const struct domain *d = v->domain;

	return READ_ONCE(v->runnable) && !READ_ONCE(v->down) &&
	       !READ_ONCE(v->blocked) && !READ_ONCE(d->is_dying) &&
	       !READ_ONCE(d->is_shutdown) && !READ_ONCE(d->pause_count);
}

void sched_add_vcpu(struct vcpu *v);
void sched_remove_vcpu(struct vcpu *v);
void __noreturn schedule(void);
void __noreturn sched_start(void);
void vcpu_wake(struct vcpu *v);
void vcpu_sleep(struct vcpu *v);
void vcpu_sleep_sync(struct vcpu *v);
void vcpu_stop_sync(struct vcpu *v);
void vcpu_kick(struct vcpu *v);
u64 vcpu_run_ns(const struct vcpu *v);
bool vcpu_is_on_cpu(const struct vcpu *v);
void vcpu_block(struct vcpu *v);
void vcpu_yield(struct vcpu *v);
int sched_set_params(struct domain *d, unsigned int weight, unsigned int cap);
int sched_set_affinity(struct vcpu *v, u64 cpumask);
bool sched_need_resched(void);
void sched_make_way(void);
void sched_dump(void);
void sched_report(void);

#endif /* HV_SCHED_H */
