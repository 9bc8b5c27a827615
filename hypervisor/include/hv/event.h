/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events, time and vCPU operations for PV guests: the parts of the Xen
 * ABI that turn a running PV kernel into one that can sleep, be woken,
 * take a timer tick and read the time.
 *
 * Event channels (common/event_channel.c, bookkeeping in
 * common/evtchn-2l.c) are ports 1..4095 of a domain, each bound to a
 * VIRQ, an IPI or a peer port; raising one sets its bit in shared_info
 * and, through vcpu_info, asks for an upcall on the next return to the
 * guest.  Time (common/time-pv.c, scaling in common/pvclock.c) keeps each
 * vCPU's pvclock record and the wallclock, and runs the one-shot timer
 * that raises VIRQ_TIMER.  vcpu_op (pv/vcpu-op.c) is the guest's handle
 * on all of that per vCPU.
 */
#ifndef HV_EVENT_H
#define HV_EVENT_H

#include <hv/domain.h>
#include <hv/timer.h>
#include <hv/types.h>

#include <veneer/xen.h>

#include <hv/evtchn-2l.h>

static inline struct vcpu_evt *vcpu_evt(struct vcpu *v)
{
	return &v->evt;
}

/* ---- common/event_channel.c ---- */
int evtchn_domain_init(struct domain *d);
void evtchn_domain_destroy(struct domain *d);
void evtchn_vcpu_info_move(struct vcpu *v, struct vcpu_info *to);
int gnttab_domain_init(struct domain *d);
void send_guest_virq(struct vcpu *v, unsigned int virq);
void send_global_virq(struct domain *d, unsigned int virq);
long evtchn_poll(struct vcpu *v, unsigned long arg);
long do_event_channel_op(unsigned long cmd, unsigned long arg);

/* ---- common/time-pv.c ---- */
void pv_time_init_vcpu(struct vcpu *v);
void pv_time_update(struct vcpu *v);
void pv_wallclock_init(struct domain *d);
int pv_set_singleshot(struct vcpu *v, s_time_t deadline);
void pv_stop_singleshot(struct vcpu *v);
void pv_time_migrate(struct vcpu *v);

/* ---- pv/ handlers ---- */
long do_vcpu_op(unsigned long cmd, unsigned long vcpuid, unsigned long arg);
void pv_runstate_init(struct vcpu *v);
void pv_runstate_switch(struct vcpu *prev, struct vcpu *next, s_time_t now);
long do_set_timer_op(unsigned long deadline);
long do_grant_table_op(unsigned long cmd, unsigned long uop,
		       unsigned long count);
long do_physdev_op(unsigned long cmd, unsigned long arg);
long do_platform_op(unsigned long arg);

/* pv/emul-cr-io.c: mov to/from CR0/CR4, port I/O, wbinvd */
bool pv_emulate_cr_io(struct vcpu *v, struct cpu_regs *r);

/* pv/unimpl.c: -ENOSYS for a sub-operation, logged once per (call, sub) */
long pv_enosys_once(const char *call, unsigned int nr, unsigned long sub);

/* pv/console_io.c: serial input for dom0's console */
void console_input_start(struct domain *d);
void domu_console_gone(struct domain *d);

/* arch/x86: wall clock from the CMOS RTC, seconds since 1970 */
u64 arch_rtc_seconds(void);
/* arch/x86/time.c: system time of a given TSC value */
s_time_t tsc_to_s_time(u64 tsc);

#endif /* HV_EVENT_H */
