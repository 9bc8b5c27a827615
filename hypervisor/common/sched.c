// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler: a run list per CPU, round robin, no time slices yet.
 *
 * Every vCPU belongs to one CPU.  schedule() is called when the running
 * vCPU stops (block, shutdown), gives way (yield), or, on an idle CPU,
 * when a vCPU became runnable.  It never returns: it saves the running
 * vCPU's register frame (the struct cpu_regs at the top of the CPU's
 * stack, see entry.S), switches the rest of the CPU state
 * (arch_context_switch(): FPU, segment bases, CR3), then either copies
 * the next vCPU's frame to the top of the stack and returns to it with
 * enter_guest(), or runs the idle loop on a fresh stack just below that
 * frame.  Nothing on the hypervisor stack survives a switch, which is why
 * a hypercall that blocks sets its return value before calling here.
 *
 * With one vCPU per domain and dom0 alone, the only switches are dom0 <->
 * idle; the structure is what more domains and vCPUs will use.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/log.h>
#include <hv/panic.h>
#include <hv/pv.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <hv/time.h>

#include <asm/processor.h>

#define MAX_VCPUS_PER_CPU	8

struct runlist {
	struct vcpu *vcpu[MAX_VCPUS_PER_CPU];
	unsigned int nr, next;
};

static struct runlist runlists[MAX_CPUS];

struct vcpu *current_vcpu(void)
{
	return this_cpu()->curr;
}

/**
 * sched_add_vcpu() - put a new vCPU on its CPU's run list
 * @v: the vCPU; runnable once the builder says so
 */
void sched_add_vcpu(struct vcpu *v)
{
	struct runlist *rl = &runlists[v->processor];

	if (rl->nr == MAX_VCPUS_PER_CPU)
		panic("too many vCPUs on CPU%u", v->processor);
	rl->vcpu[rl->nr++] = v;
}

/* Move a vCPU that has never run to @cpu's run list. */
static void sched_move_new_vcpu(struct vcpu *v, unsigned int cpu)
{
	struct runlist *rl = &runlists[v->processor];

	for (unsigned int i = 0; i < rl->nr; i++) {
		if (rl->vcpu[i] != v)
			continue;
		rl->vcpu[i] = rl->vcpu[--rl->nr];
		rl->next = 0;
		break;
	}
	v->processor = cpu;
	sched_add_vcpu(v);
}

static struct vcpu *pick_next(unsigned int cpu)
{
	struct runlist *rl = &runlists[cpu];

	for (unsigned int i = 0; i < rl->nr; i++) {
		struct vcpu *v = rl->vcpu[(rl->next + i) % rl->nr];

		if (v->runnable && !v->domain->is_dying) {
			rl->next = (rl->next + i + 1) % rl->nr;
			return v;
		}
	}
	return NULL;
}

static void __noreturn idle(void)
{
	for (;;) {
		local_irq_disable();
		if (this_cpu()->need_resched)
			schedule();
		safe_halt();
	}
}

/**
 * schedule() - run the next runnable vCPU of this CPU, or idle
 */
void schedule(void)
{
	struct percpu *p = this_cpu();
	struct vcpu *prev = p->curr, *next;
	struct cpu_regs *frame = guest_regs();

	local_irq_disable();
	p->need_resched = false;
	next = pick_next(p->cpu);
	if (prev && prev != next)
		prev->regs = *frame;
	if (prev != next) {
		s_time_t now = NOW();

		if (prev)
			prev->sched.run_ns += now - prev->sched.last_start;
		if (next) {
			next->sched.nr_runs++;
			next->sched.last_start = now;
		}
		arch_context_switch(prev, next);
		p->curr = next;
		if (next)
			*frame = next->regs;
	}
	if (!next)
		reset_stack_and_call((unsigned long)frame - 16, idle);
	pv_return_to_guest(frame);
	enter_guest(frame);
}

/**
 * sched_start() - the boot CPU leaves bring-up and starts scheduling
 */
void sched_start(void)
{
	this_cpu()->curr = NULL;
	schedule();
}

/**
 * vcpu_sleep() - @v must stop running (it went down or its domain died)
 * @v: the vCPU; the caller set the flag that keeps it off the CPU
 *
 * If it is running on another CPU, that CPU reschedules on its next way
 * back to the guest.
 */
void vcpu_sleep(struct vcpu *v)
{
	v->runnable = false;
	if (v->processor != smp_processor_id()) {
		percpu[v->processor].need_resched = true;
		arch_send_call_ipi(v->processor);
	}
}

/**
 * vcpu_wake() - a condition that kept @v off the CPU was cleared
 * (block ended, VCPUOP_up): make it runnable if nothing else holds it
 * @v: the vCPU
 */
void vcpu_wake(struct vcpu *v)
{
	v->blocked = false;
	if (v->runnable || v->down || v->domain->is_dying)
		return;
	v->runnable = true;
	percpu[v->processor].need_resched = true;
	if (v->processor != smp_processor_id())
		arch_send_call_ipi(v->processor);
}

/**
 * vcpu_block() - SCHEDOP_block: sleep until an event is pending
 * @v: the running vCPU; its hypercall result must already be set
 *
 * Blocking enables event delivery, as in Xen, so that the event that
 * wakes the vCPU is delivered at once.
 */
void vcpu_block(struct vcpu *v)
{
	v->vcpu_info->evtchn_upcall_mask = 0;
	/* Say we sleep before looking for events: a waker on another CPU
	 * sets the event first and then looks at v->blocked (kick_vcpu()),
	 * so one of us sees the other. */
	v->blocked = true;
	v->runnable = false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (READ_ONCE(v->vcpu_info->evtchn_upcall_pending)) {
		v->blocked = false;
		v->runnable = true;
		return;
	}
	v->sched.nr_blocks++;
	schedule();
}

/**
 * vcpu_yield() - SCHEDOP_yield: let another vCPU of this CPU run
 * @v: the running vCPU; its hypercall result must already be set
 */
void vcpu_yield(struct vcpu *v)
{
	if (runlists[v->processor].nr > 1)
		schedule();
}

/**
 * sched_set_params() - a domain's weight and cap
 * @d:      the domain
 * @weight: its share relative to other domains, 1..65535
 * @cap:    the most CPU it may use, in percent of one CPU; 0 for none
 *
 * Return: 0, or -EINVAL for a value out of range.
 */
int sched_set_params(struct domain *d, unsigned int weight, unsigned int cap)
{
	if (weight < 1 || weight > 65535 || cap > 100 * MAX_VIRT_CPUS)
		return -EINVAL;
	d->sched.weight = weight;
	d->sched.cap = cap;
	return 0;
}

/**
 * sched_set_affinity() - the CPUs a vCPU may run on
 * @v:       a vCPU that has not run yet
 * @cpumask: bit n for CPU n; must include an online CPU
 *
 * Return: 0, or -EINVAL for a mask without an online CPU.
 */
int sched_set_affinity(struct vcpu *v, u64 cpumask)
{
	for (unsigned int cpu = 0; cpu < nr_cpus && cpu < 64; cpu++) {
		if (!(cpumask & (1ULL << cpu)) || !percpu[cpu].online)
			continue;
		v->sched.affinity = cpumask;
		if (!(cpumask & (1ULL << v->processor)))
			sched_move_new_vcpu(v, cpu);
		return 0;
	}
	return -EINVAL;
}

/**
 * sched_dump() - every domain's vCPUs, where they are and what they did
 */
void sched_dump(void)
{
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		struct vcpu *c = percpu[cpu].curr;

		if (c)
			log_info("CPU%u: running d%uv%u", cpu, c->domain->id,
				 c->id);
		else
			log_info("CPU%u: idle", cpu);
	}
	for (unsigned int id = 0; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);

		if (!d)
			continue;
		log_info("d%u: weight %u cap %u%s", d->id, d->sched.weight,
			 d->sched.cap, d->is_dying ? " dying" : "");
		for (unsigned int i = 0; i < d->max_vcpus; i++) {
			struct vcpu *v = d->vcpu[i];
			u64 hc = 0;

			if (!v)
				continue;
			for (unsigned int n = 0; n < NR_HYPERCALL_COUNTERS; n++)
				hc += v->stats.hypercalls[n];
			log_info("  d%uv%u: CPU%u %s, ran %lu ms in %lu runs, "
				 "blocked %lu times, %lu hypercalls", d->id,
				 v->id, v->processor,
				 v->down ? "down" : v->blocked ? "blocked" :
				 v->runnable ? "runnable" : "paused",
				 (unsigned long)(v->sched.run_ns / 1000000),
				 (unsigned long)v->sched.nr_runs,
				 (unsigned long)v->sched.nr_blocks,
				 (unsigned long)hc);
		}
	}
}
