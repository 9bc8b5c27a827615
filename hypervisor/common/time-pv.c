// SPDX-License-Identifier: GPL-2.0
/*
 * Guest time: the pvclock record of each vCPU, the wallclock, and the
 * one-shot timer.
 *
 * A PV guest never asks us the time: it reads vcpu_info.time and the TSC
 * and does the arithmetic itself (common/pvclock.c says how).  So what
 * we publish must agree with our own NOW(), which is also a linear
 * function of the TSC: one record, written when the vCPU is created and
 * refreshed whenever it arms its timer or moves its vcpu_info, stays
 * right for ever; the refreshes only wash out rounding.  The record is
 * written with the version protocol (odd while we write), and the copy
 * in shared_info's own vcpu_info slot is kept too, because Linux takes
 * the TSC frequency from there even after it moved vcpu_info elsewhere.
 *
 * The wallclock in shared_info is UTC at system time 0, from the CMOS
 * clock; the guest adds system time to it.  The one-shot timer is a
 * hypervisor timer on the vCPU's CPU that raises VIRQ_TIMER (it moves
 * with the vCPU when the scheduler migrates it); a deadline in the past
 * fires at once, as Linux expects.
 */
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/log.h>
#include <hv/time.h>
#include <hv/timer.h>

#include <asm/processor.h>

extern u64 tsc_khz;

static void write_time(struct vcpu_time_info *t, u64 tsc, s_time_t now)
{
	u32 mul;
	s8 shift;

	pvclock_scale(tsc_khz * 1000, &mul, &shift);
	WRITE_ONCE(t->version, t->version + 1);	/* odd: in flux */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->tsc_timestamp = tsc;
	t->system_time = now;
	t->tsc_to_system_mul = mul;
	t->tsc_shift = shift;
	t->flags = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	WRITE_ONCE(t->version, t->version + 1);	/* even: stable */
}

/**
 * pv_time_update() - refresh @v's pvclock record(s)
 */
void pv_time_update(struct vcpu *v)
{
	struct vcpu_info *own = &v->domain->shared_info->vcpu_info[v->id];
	unsigned long flags = local_irq_save();
	u64 tsc = rdtsc();
	s_time_t now = tsc_to_s_time(tsc);

	write_time(&v->vcpu_info->time, tsc, now);
	if (v->vcpu_info != own && v->id < XEN_LEGACY_MAX_VCPUS)
		write_time(&own->time, tsc, now);
	local_irq_restore(flags);
}

static void singleshot_fired(void *data)
{
	send_guest_virq(data, VIRQ_TIMER);
}

/**
 * pv_time_init_vcpu() - a new vCPU: its clock, its (idle) timer
 */
void pv_time_init_vcpu(struct vcpu *v)
{
	struct vcpu_evt *e = vcpu_evt(v);

	init_timer(&e->singleshot, singleshot_fired, v, v->processor);
	e->timer_ready = true;
	pv_time_update(v);
}

/**
 * pv_wallclock_init() - shared_info's wallclock, from the CMOS RTC
 */
void pv_wallclock_init(struct domain *d)
{
	struct shared_info *si = d->shared_info;
	u64 secs = arch_rtc_seconds();
	s_time_t now = NOW();
	u64 boot_ns = secs * 1000000000ULL - (u64)now;

	WRITE_ONCE(si->wc_version, si->wc_version + 1);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	si->wc_sec = (u32)(boot_ns / 1000000000ULL);
	si->wc_sec_hi = (u32)((boot_ns / 1000000000ULL) >> 32);
	si->wc_nsec = (u32)(boot_ns % 1000000000ULL);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	WRITE_ONCE(si->wc_version, si->wc_version + 1);
}

/**
 * pv_set_singleshot() - raise VIRQ_TIMER on @v at system time @deadline
 */
int pv_set_singleshot(struct vcpu *v, s_time_t deadline)
{
	struct vcpu_evt *e = vcpu_evt(v);

	if (!e->timer_ready)
		pv_time_init_vcpu(v);
	set_timer(&e->singleshot, deadline);
	return 0;
}

/**
 * pv_stop_singleshot() - cancel @v's one-shot timer
 */
void pv_stop_singleshot(struct vcpu *v)
{
	struct vcpu_evt *e = vcpu_evt(v);

	if (e->timer_ready)
		stop_timer(&e->singleshot);
}

/**
 * pv_time_migrate() - @v now runs on v->processor: its one-shot timer
 * moves to that CPU's queue, so that it fires where @v runs
 *
 * Called by the scheduler while @v is off every CPU.
 */
void pv_time_migrate(struct vcpu *v)
{
	struct vcpu_evt *e = vcpu_evt(v);

	if (e->timer_ready)
		migrate_timer(&e->singleshot, v->processor);
}

/**
 * do_set_timer_op() - the old one-shot timer call (hypercall 15)
 * @deadline: absolute system time; 0 cancels
 */
long do_set_timer_op(unsigned long deadline)
{
	struct vcpu *v = current_vcpu();

	if (!deadline) {
		pv_stop_singleshot(v);
		return 0;
	}
	return pv_set_singleshot(v, (s_time_t)deadline);
}
