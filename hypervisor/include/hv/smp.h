/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU state and cross-CPU calls.
 *
 * Each CPU has one struct percpu, found through arch_this_cpu() (the GS
 * base on x86).  It holds the CPU's identity, its stack bounds (for safe
 * backtraces), its timer queue, its recent-event ring, and the mailbox
 * through which other CPUs ask it to run a function (smp_call()).
 */
#ifndef HV_SMP_H
#define HV_SMP_H

#include <asm/percpu.h>
#include <hv/spinlock.h>
#include <hv/timer.h>
#include <hv/trace.h>
#include <hv/types.h>

struct vcpu;

#define MAX_CPUS	64

struct call_request {
	void (*fn)(void *data);
	void *data;
	volatile bool pending;
	volatile bool done;
};

struct percpu {
	struct percpu *self;		/* must stay first: %gs:0 */
	unsigned long scratch;		/* guest rsp on syscall entry (entry.S) */
	unsigned int cpu;
	u32 apic_id;
	volatile bool online;
	unsigned long stack_lo, stack_hi;
	struct timer_queue timers;
	struct trace_ring trace;
	spinlock_t call_lock;		/* one caller at a time */
	struct call_request call;
	struct vcpu *curr;		/* running vCPU, NULL when idle */
	bool need_resched;		/* a vCPU became runnable here */
};

/* Offsets entry.S uses (checked in arch/x86/traps.c). */
#define PERCPU_SCRATCH		8
#define PERCPU_STACK_HI		40

extern struct percpu percpu[MAX_CPUS];
extern unsigned int nr_cpus;		/* CPUs found */
extern volatile unsigned int nr_cpus_online;

static inline struct percpu *this_cpu(void)
{
	return arch_this_cpu();
}

static inline unsigned int smp_processor_id(void)
{
	return this_cpu()->cpu;
}

void percpu_init(unsigned int cpu, u32 apic_id);
int smp_call(unsigned int cpu, void (*fn)(void *), void *data, bool wait);
void smp_call_interrupt(void);

/* Provided by the architecture. */
void arch_send_call_ipi(unsigned int cpu);
void arch_stop_other_cpus(void);
void smp_boot_cpus(void);

#endif /* HV_SMP_H */
