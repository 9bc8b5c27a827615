// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU data, cross-CPU function calls.
 *
 * percpu_init() runs on each CPU as it comes up (the boot CPU from
 * start_hypervisor(), the others from ap_main()).  smp_call() is the
 * one cross-CPU primitive for now: it posts a function in the target's
 * mailbox and sends it an IPI; the target runs the function in its IPI
 * handler.  A CPU with nothing to do halts in the scheduler's idle loop
 * (common/sched.c) until an interrupt arrives.
 */
#include <hv/errno.h>
#include <hv/log.h>
#include <hv/panic.h>
#include <hv/smp.h>

#include <asm/processor.h>

struct percpu percpu[MAX_CPUS];
unsigned int nr_cpus = 1;
volatile unsigned int nr_cpus_online;

/**
 * percpu_init() - set up and install this CPU's struct percpu
 * @cpu:     logical CPU number
 * @apic_id: its local APIC id
 */
void percpu_init(unsigned int cpu, u32 apic_id)
{
	struct percpu *p = &percpu[cpu];

	p->self = p;
	p->cpu = cpu;
	p->apic_id = apic_id;
	spin_lock_init(&p->timers.lock);
	spin_lock_init(&p->call_lock);
	arch_set_this_cpu(p);
}

/*
 * Spin while another CPU works for us.  It may be spinning for us at the
 * same time (two CPUs flushing each other's TLBs from fault handlers,
 * interrupts off): with interrupts off, answer our own mailbox meanwhile,
 * or neither would ever see the other's IPI.  With them on, the IPI
 * handler does it.
 */
static void wait_a_little(void)
{
	if (!local_irq_is_enabled())
		smp_call_interrupt();
	cpu_relax();
}

/**
 * smp_call() - run a function on another CPU, in its interrupt context
 * @cpu:  target CPU (not the caller)
 * @fn:   function
 * @data: its argument
 * @wait: wait until @fn has returned on @cpu
 *
 * Returns 0, or -EINVAL for a bad or offline target.  Without @wait the
 * caller must keep @data alive until @fn has run.  Callers are serialized
 * per target.  Safe with interrupts off: while waiting, the caller runs
 * what others posted in its own mailbox.
 */
int smp_call(unsigned int cpu, void (*fn)(void *), void *data, bool wait)
{
	struct percpu *p;
	unsigned long flags;

	if (cpu >= nr_cpus || cpu == smp_processor_id() ||
	    !percpu[cpu].online)
		return -EINVAL;
	p = &percpu[cpu];
	spin_lock(&p->call_lock);
	/* A previous no-wait call may still be pending on the target. */
	while (p->call.pending)
		wait_a_little();
	flags = local_irq_save();
	p->call.fn = fn;
	p->call.data = data;
	p->call.done = false;
	__atomic_store_n(&p->call.pending, true, __ATOMIC_RELEASE);
	arch_send_call_ipi(cpu);
	local_irq_restore(flags);
	if (wait)
		while (!__atomic_load_n(&p->call.done, __ATOMIC_ACQUIRE))
			wait_a_little();
	spin_unlock(&p->call_lock);
	return 0;
}

/**
 * smp_call_interrupt() - run the function posted in this CPU's mailbox
 *
 * Called by the architecture's call-function IPI handler.
 */
void smp_call_interrupt(void)
{
	struct call_request *c = &this_cpu()->call;
	void (*fn)(void *);
	void *data;

	if (!__atomic_load_n(&c->pending, __ATOMIC_ACQUIRE))
		return;
	fn = c->fn;
	data = c->data;
	trace_event(TRACE_IPI, 0, (u64)fn);
	fn(data);
	__atomic_store_n(&c->done, true, __ATOMIC_RELEASE);
	__atomic_store_n(&c->pending, false, __ATOMIC_RELEASE);
}
