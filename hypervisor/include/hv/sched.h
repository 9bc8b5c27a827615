/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler (common/sched.c): which vCPU runs on which CPU, and the
 * points where that changes (block, yield, shutdown, wake-up).
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include <hv/domain.h>

void sched_add_vcpu(struct vcpu *v);
void __noreturn schedule(void);
void __noreturn sched_start(void);
void vcpu_wake(struct vcpu *v);
void vcpu_sleep(struct vcpu *v);
void vcpu_block(struct vcpu *v);
void vcpu_yield(struct vcpu *v);
int sched_set_params(struct domain *d, unsigned int weight, unsigned int cap);
int sched_set_affinity(struct vcpu *v, u64 cpumask);
void sched_dump(void);

#endif /* HV_SCHED_H */
