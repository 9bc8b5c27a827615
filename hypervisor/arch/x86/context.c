// SPDX-License-Identifier: GPL-2.0
/*
 * Switching a CPU from one vCPU (or idle) to another: the architectural
 * state that is not in the register frame.
 *
 * common/sched.c copies the guest register frame; this file does the
 * rest: FPU/SSE/AVX state (fpu.c), the FS base and both GS bases, and
 * CR3.  While the hypervisor runs, the guest's active GS base is parked
 * in MSR_KERNEL_GS_BASE (entry.S swaps it in on the way out), so that is
 * where read_guest_gs_base() looks.  The FS base lives in MSR_FS_BASE the
 * whole time, because the hypervisor never uses FS.
 *
 * When a CPU goes idle it moves to idle_l4, which maps nothing of any
 * guest, so a dying domain's page tables can go away under it.
 *
 * d->dirty_cpus says which CPUs may hold TLB entries of domain d: a CPU
 * sets its bit before it loads one of d's page tables and clears it after
 * it loaded a table of another domain (or idle_l4; the hypervisor never
 * sets CR4.PGE, so a CR3 load drops every guest translation).  A flush
 * for d (pv/mm-ops.c) needs to reach only those CPUs.
 */
#include <hv/domain.h>
#include <hv/pv.h>
#include <hv/smp.h>

#include <asm/page.h>
#include <asm/processor.h>
#include <asm/setup.h>

/* The guest's active GS base, while the hypervisor runs. */
u64 read_guest_gs_base(void)
{
	return rdmsr(MSR_KERNEL_GS_BASE);
}

void write_guest_gs_base(u64 base)
{
	wrmsr(MSR_KERNEL_GS_BASE, base);
}

/* This CPU no longer holds translations of @d (its CR3 moved away). */
static void clear_dirty(struct domain *d)
{
	__atomic_fetch_and(&d->dirty_cpus, ~(1ULL << smp_processor_id()),
			   __ATOMIC_SEQ_CST);
}

/**
 * arch_context_switch() - move the CPU's non-frame state from prev to next
 * @prev: the vCPU that ran, or NULL (idle)
 * @next: the vCPU to run, or NULL (idle)
 */
void arch_context_switch(struct vcpu *prev, struct vcpu *next)
{
	if (prev) {
		fpu_save(prev);
		prev->pv.fs_base = rdmsr(MSR_FS_BASE);
		if (prev->pv.in_kernel)
			prev->pv.gs_base_kernel = read_guest_gs_base();
		else
			prev->pv.gs_base_user = read_guest_gs_base();
	}
	if (!next) {
		write_cr3(__pa(idle_l4));
		if (prev)
			clear_dirty(prev->domain);
		return;
	}
	wrmsr(MSR_FS_BASE, next->pv.fs_base);
	write_guest_gs_base(next->pv.in_kernel ? next->pv.gs_base_kernel :
			    next->pv.gs_base_user);
	__atomic_fetch_or(&next->domain->dirty_cpus,
			  1ULL << smp_processor_id(), __ATOMIC_SEQ_CST);
	pv_load_cr3(next);
	if (prev && prev->domain != next->domain)
		clear_dirty(prev->domain);
	pv_load_gdt(next);
	fpu_restore(next);
}
