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
 * Continuations (SECURITY.md invariant 7): a handler that has done its
 * bounded share of a long job calls hypercall_continue() with the
 * arguments of what is left, and returns.  Instead of a result, the guest
 * then gets its `syscall` again: rip goes back over the 2-byte
 * instruction and the argument registers hold the new arguments, so the
 * call re-enters with the rest, after the scheduler and any pending
 * event had their turn (Xen does the same).  Inside a multicall the
 * entry's arguments are rewritten in the guest's array and the multicall
 * itself continues from that entry.
 *
 * iret is the one hypercall that does not return a result: it replaces
 * the whole register frame (pv/iret.c), so it is dispatched on its own.
 * multicall runs a batch of the others, each with its own result, and
 * never nests or irets.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/log.h>
#include <hv/pv.h>
#include <hv/trace.h>

#include <asm/processor.h>

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
};

/* Per CPU: a continuation the running handler asked for.  No hypercall
 * is preempted within the hypervisor, so the CPU identifies the call. */
static struct {
	bool pending;
	unsigned int n;
	unsigned long a[3];
} cont[MAX_CPUS];

/**
 * hypercall_continue() - re-enter the running hypercall with these args
 * @n:            how many of the first arguments change (1-3)
 * @a0, @a1, @a2: the first @n arguments for the rest of the job (the
 *                others are passed again unchanged)
 *
 * Return: 0, for the handler to return (the value is not seen).
 */
long hypercall_continue(unsigned int n, unsigned long a0, unsigned long a1,
			unsigned long a2)
{
	unsigned int cpu = smp_processor_id();

	cont[cpu].pending = true;
	cont[cpu].n = n;
	cont[cpu].a[0] = a0;
	cont[cpu].a[1] = a1;
	cont[cpu].a[2] = a2;
	return 0;
}

/* Take the continuation the last dispatch asked for, if any: the
 * changed arguments go into @a. */
static bool take_continuation(unsigned long a[6])
{
	unsigned int cpu = smp_processor_id();

	if (!cont[cpu].pending)
		return false;
	cont[cpu].pending = false;
	for (unsigned int i = 0; i < cont[cpu].n && i < 3; i++)
		a[i] = cont[cpu].a[i];
	return true;
}

/* Numbers >= 64 that were already logged (a few are enough). */
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
		for (i = 0; i < nr_big_unknown_logged; i++)
			if (big_unknown_logged[i] == nr)
				return;
		if (i == ARRAY_SIZE(big_unknown_logged))
			return;
		big_unknown_logged[nr_big_unknown_logged++] = nr;
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
	if (nr == __HYPERVISOR_iret) {
		do_iret();
		return;
	}
	local_irq_enable();
	r->rax = dispatch(v, nr, a);
	/* A bad guest pointer is always a guest bug: say so, once per call
	 * (with interrupts still on: a line takes a while to print). */
	if ((long)r->rax == -EFAULT)
		gprintk(LOG_WARN, v, "hypercall %lu(%#lx, %#lx, %#lx): -EFAULT",
			nr, a[0], a[1], a[2]);
	local_irq_disable();
	if (take_continuation(a)) {
		r->rip -= 2;		/* the `syscall` again */
		r->rax = nr;
		r->rdi = a[0];		/* unchanged ones are copies */
		r->rsi = a[1];
		r->rdx = a[2];
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
long do_multicall(unsigned long calls, unsigned long nr)
{
	struct vcpu *v = current_vcpu();
	struct multicall_entry e;

	for (unsigned long i = 0; i < (unsigned int)nr; i++) {
		unsigned long addr = calls + i * sizeof(e);
		unsigned long a[6];

		if (copy_from_guest(&e, addr, sizeof(e)))
			return -EFAULT;
		for (int j = 0; j < 6; j++)
			a[j] = e.args[j];
		if (e.op == __HYPERVISOR_iret || e.op == __HYPERVISOR_multicall)
			e.result = -EINVAL;
		else
			e.result = dispatch(v, e.op, a);
		if (take_continuation(a)) {
			/* The entry goes on with its new arguments, and the
			 * multicall from this entry. */
			for (int j = 0; j < 3; j++)
				e.args[j] = a[j];	/* a[] began as e.args */
			if (copy_to_guest(addr + __builtin_offsetof(
					  struct multicall_entry, args),
					  e.args, 3 * sizeof(e.args[0])))
				return -EFAULT;
			return hypercall_continue(2, addr,
						  (unsigned int)nr - i, 0);
		}
		if (copy_to_guest(addr + __builtin_offsetof(
				  struct multicall_entry, result),
				  &e.result, sizeof(e.result)))
			return -EFAULT;
	}
	return 0;
}
