// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercall dispatch: from a guest kernel's `syscall` to do_<name>().
 *
 * pv_syscall() (pv/traps.c) sends a `syscall` made in guest kernel mode
 * here.  The ABI (contract §4): number in rax, arguments in rdi, rsi,
 * rdx, r10, r8, r9, result in rax; every other register the guest sees
 * again unchanged, except rcx and r11, which the `syscall` instruction
 * itself already overwrote.  The table below is the whole list of what a
 * guest can call; a number that is not in it, or is beyond it, gets
 * -ENOSYS, and is logged once per number so that a guest probing for
 * features does not flood the console.  A call that fails with -EFAULT
 * (a guest pointer we could not use) is logged every time, within the
 * domain's log rate limit (common/log.c): it is always a guest bug, and
 * the line shows the hypervisor survived it.
 *
 * iret is the one hypercall that does not return a result: it replaces
 * the whole register frame (pv/iret.c), so it is dispatched on its own.
 * multicall runs a batch of the others, each with its own result, and
 * never nests or irets.
 *
 * Preemption (SECURITY.md invariant 7): no hypercall may hold the CPU
 * for more than a bounded amount of work.  A handler working through a
 * guest-sized batch asks hypercall_preempt_check() between items; when
 * the hypercall has run for HYPERCALL_BUDGET_NS, or the scheduler wants
 * the CPU, it records where to go on with hypercall_continuation() and
 * returns.  We then rewind the guest's rip onto its `syscall` (2 bytes)
 * and put the continuation's number and arguments into the registers,
 * so the guest re-enters the same hypercall with the rest of the work
 * once it runs again, after whatever the scheduler and interrupts
 * needed: Xen's scheme, invisible to the guest.  Inside a multicall the
 * continuation's arguments go back into the guest's entry instead, and
 * the multicall itself continues from that entry.  A continuation's
 * arguments are ordinary hypercall arguments: the guest may change them
 * before it re-enters, and they are checked again like any others.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/log.h>
#include <hv/pv.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <hv/time.h>
#include <hv/trace.h>

#include <asm/processor.h>

#include <veneer/mgmt.h>

typedef long (*hypercall_fn_t)(unsigned long, unsigned long, unsigned long,
			       unsigned long, unsigned long, unsigned long);

/* Handlers take fewer arguments than six; the extra registers are ignored
 * (the x86-64 calling convention makes that safe). */
#define HC(nr, fn)	[__HYPERVISOR_##nr] = (hypercall_fn_t)(void (*)(void))(fn)

static const hypercall_fn_t hypercall_table[] = {
	HC(set_trap_table, do_set_trap_table),
	HC(mmu_update, do_mmu_update),
	HC(set_gdt, do_set_gdt),
	HC(stack_switch, do_stack_switch),
	HC(set_callbacks, do_set_callbacks),
	HC(fpu_taskswitch, do_fpu_taskswitch),
	HC(set_debugreg, do_set_debugreg),
	HC(get_debugreg, do_get_debugreg),
	HC(update_descriptor, do_update_descriptor),
	HC(memory_op, do_memory_op),
	HC(multicall, do_multicall),
	HC(update_va_mapping, do_update_va_mapping),
	HC(xen_version, do_xen_version),
	HC(console_io, do_console_io),
	HC(vm_assist, do_vm_assist),
	HC(set_segment_base, do_set_segment_base),
	HC(mmuext_op, do_mmuext_op),
	HC(sched_op, do_sched_op),
	HC(callback_op, do_callback_op),
	HC(platform_op, do_platform_op),
	HC(set_timer_op, do_set_timer_op),
	HC(grant_table_op, do_grant_table_op),
	HC(vcpu_op, do_vcpu_op),
	HC(event_channel_op, do_event_channel_op),
	HC(physdev_op, do_physdev_op),
	HC(veneer_mgmt, do_veneer_mgmt),
};

/* A hypercall's slice of the CPU before it must make way (1 ms). */
#define HYPERCALL_BUDGET_NS	1000000

/* Per CPU: when the current hypercall started, and its continuation. */
static struct hypercall_state {
	s_time_t start;
	bool cont;			/* hypercall_continuation() was called */
	bool in_multicall;		/* do_multicall() is running entries */
	unsigned long op;
	unsigned int nargs;
	unsigned long args[6];
} hc_state[MAX_CPUS];

/**
 * hypercall_preempt_check() - should a long hypercall stop here?
 *
 * Return: true once the hypercall has used its budget or the scheduler
 * wants this CPU; the caller then calls hypercall_continuation().
 */
bool hypercall_preempt_check(void)
{
	return sched_need_resched() ||
	       NOW() - hc_state[smp_processor_id()].start >= HYPERCALL_BUDGET_NS;
}

/* Is this CPU running the entries of a multicall (sched_make_way())? */
bool hypercall_in_multicall(void)
{
	return hc_state[smp_processor_id()].in_multicall;
}

/**
 * hypercall_continuation() - have the guest re-enter hypercall @op
 * @op:    the hypercall number to re-enter (usually the current one)
 * @nargs: how many of @a0..@a4 to set; the other argument registers keep
 *         what the guest had in them
 *
 * Return: @op, which the caller returns: the guest never sees it, as rax
 * is replaced by @op for the re-entry.
 */
long hypercall_continuation(unsigned long op, unsigned int nargs,
			    unsigned long a0, unsigned long a1,
			    unsigned long a2, unsigned long a3,
			    unsigned long a4)
{
	struct hypercall_state *h = &hc_state[smp_processor_id()];

	h->cont = true;
	h->op = op;
	h->nargs = nargs;
	h->args[0] = a0;
	h->args[1] = a1;
	h->args[2] = a2;
	h->args[3] = a3;
	h->args[4] = a4;
	return (long)op;
}

/* A handler returned inside a multicall with interrupts off (a bug). */
static bool irq_off_logged;

/* Numbers >= 64 that were already logged (a few are enough), under
 * big_unknown_lock: guests on several CPUs may race here. */
static spinlock_t big_unknown_lock = SPINLOCK_INIT;
static unsigned long big_unknown_logged[8];
static unsigned int nr_big_unknown_logged;

static void log_unknown(struct vcpu *v, unsigned long nr)
{
	struct domain *d = v->domain;
	unsigned int i;

	if (nr < 64) {
		if (d->unknown_hypercall_logged[0] & (1UL << nr))
			return;
		d->unknown_hypercall_logged[0] |= 1UL << nr;
	} else {
		unsigned long flags = spin_lock_irqsave(&big_unknown_lock);
		bool seen = false;

		for (i = 0; i < nr_big_unknown_logged; i++)
			if (big_unknown_logged[i] == nr)
				seen = true;
		if (!seen && i < ARRAY_SIZE(big_unknown_logged))
			big_unknown_logged[nr_big_unknown_logged++] = nr;
		else
			seen = true;
		spin_unlock_irqrestore(&big_unknown_lock, flags);
		if (seen)
			return;
	}
	gprintk(LOG_WARN, v, "unknown hypercall %lu: -ENOSYS", nr);
}

static long dispatch(struct vcpu *v, unsigned long nr, const unsigned long a[6])
{
	if (nr >= ARRAY_SIZE(hypercall_table) || !hypercall_table[nr]) {
		log_unknown(v, nr);
		return -ENOSYS;
	}
	return hypercall_table[nr](a[0], a[1], a[2], a[3], a[4], a[5]);
}

/**
 * pv_hypercall() - run the hypercall the guest asked for in @r
 * @v: the running vCPU, in guest kernel mode
 * @r: its registers; rax gets the result
 */
void pv_hypercall(struct vcpu *v, struct cpu_regs *r)
{
	unsigned long a[6] = { r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9 };
	unsigned long nr = r->rax;

	trace_event(TRACE_HYPERCALL, nr, a[0]);
	if (nr < NR_HYPERCALL_COUNTERS)
		v->stats.hypercalls[nr]++;
	struct hypercall_state *h = &hc_state[smp_processor_id()];

	if (nr == __HYPERVISOR_iret) {
		do_iret();
		return;
	}
	h->start = NOW();
	h->cont = false;
	h->in_multicall = false;	/* even if one was left by a schedule() */
	local_irq_enable();
	r->rax = dispatch(v, nr, a);
	if (!h->cont && (long)r->rax == -EFAULT)
		/* A bad guest pointer is always a guest bug: say so, once
		 * per call (with interrupts still on: a line takes a while
		 * to print). */
		gprintk(LOG_WARN, v, "hypercall %lu(%#lx, %#lx, %#lx): -EFAULT",
			nr, a[0], a[1], a[2]);
	local_irq_disable();
	if (h->cont) {
		/* Back onto the `syscall`, with the rest of the work. */
		u64 *reg[5] = { &r->rdi, &r->rsi, &r->rdx, &r->r10, &r->r8 };

		h->cont = false;
		r->rip -= 2;
		r->rax = h->op;
		for (unsigned int i = 0; i < h->nargs && i < 5; i++)
			*reg[i] = h->args[i];
		return;
	}
}

/**
 * do_multicall() - run @nr hypercalls described at guest address @calls
 * @calls: array of struct multicall_entry
 * @nr:    how many
 *
 * Each entry's result is written back into it.  Fails as a whole only
 * if the array itself cannot be read or written.
 */
static long run_multicall(struct hypercall_state *h, unsigned long calls,
			  unsigned long nr)
{
	struct vcpu *v = current_vcpu();
	struct multicall_entry e;
	unsigned int n = (unsigned int)nr;

	for (unsigned int i = 0; i < n; i++) {
		unsigned long addr = calls + (unsigned long)i * sizeof(e);
		unsigned long a[6];

		if (i && hypercall_preempt_check())
			return hypercall_continuation(__HYPERVISOR_multicall,
						      2, addr, n - i, 0, 0, 0);
		if (copy_from_guest(&e, addr, sizeof(e)))
			return -EFAULT;
		v->stats.multicall_entries++;
		for (int j = 0; j < 6; j++)
			a[j] = e.args[j];
		if (e.op == __HYPERVISOR_iret || e.op == __HYPERVISOR_multicall)
			e.result = -EINVAL;
		else
			e.result = dispatch(v, e.op, a);
		/* Every handler returns with interrupts on; if one did not,
		 * the next entry must not run (and spin on locks) without
		 * them: an IPI this CPU does not take hangs its sender. */
		if (!local_irq_is_enabled()) {
			local_irq_enable();
			if (!irq_off_logged) {
				irq_off_logged = true;
				log_err("multicall: hypercall %lu returned with "
					"interrupts off", (unsigned long)e.op);
			}
		}
		if (h->cont) {
			/*
			 * The entry stopped half way: it gets its own
			 * continuation's arguments, and the multicall goes
			 * on from it.  No result is written for it yet.
			 */
			h->cont = false;
			for (unsigned int j = 0; j < h->nargs && j < 5; j++)
				e.args[j] = h->args[j];
			e.op = h->op;
			if (copy_to_guest(addr, &e, sizeof(e)))
				return -EFAULT;
			return hypercall_continuation(__HYPERVISOR_multicall,
						      2, addr, n - i, 0, 0, 0);
		}
		if (copy_to_guest(addr + __builtin_offsetof(
				  struct multicall_entry, result),
				  &e.result, sizeof(e.result)))
			return -EFAULT;
	}
	return 0;
}

long do_multicall(unsigned long calls, unsigned long nr)
{
	struct hypercall_state *h = &hc_state[smp_processor_id()];
	long rc;

	h->in_multicall = true;
	rc = run_multicall(h, calls, nr);
	h->in_multicall = false;
	return rc;
}
