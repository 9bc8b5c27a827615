// SPDX-License-Identifier: GPL-2.0
/*
 * Switching a CPU from one vCPU (or idle) to another: the architectural
 * state that is not in the register frame.
 *
 * common/sched.c copies the guest register frame; this file does the
 * rest: FPU/SSE/AVX state (fpu.c), the GDT and LDT, the data segment
 * selectors, the FS base and both GS bases, and CR3.
 *
 * The selectors matter although 64-bit code hardly uses them: a guest
 * kernel reads %fs and %gs when it switches tasks and, finding a
 * non-null selector, takes the base to come from the descriptor (Linux's
 * save_base_legacy()), so one vCPU must never see another's selectors.
 * Linux on an AMD-like CPU loads __USER_DS and then the null selector
 * into %fs on a task switch: preempted between the two, it would hand
 * __USER_DS to whatever ran next, whose process then loses its TLS base.
 * Loading a selector resets the segment base, so the bases are written
 * after the selectors, and the hypervisor's own GS base (its per-CPU
 * pointer) is put back after %gs is loaded.  While the hypervisor runs, the guest's active GS base is parked
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
#include <hv/guest_access.h>
#include <hv/log.h>
#include <hv/pv.h>
#include <hv/smp.h>

#include <asm/desc.h>
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

/*
 * Load a data segment register with a selector the guest left there.  It
 * may no longer load: the guest can make its descriptor not present
 * (#NP) or system or out of its GDT (#GP, or #PF on an unused page of the
 * GDT window) with update_descriptor or set_gdt while the selector sits
 * in a register.  A fault loads the null selector instead (traps.c sends
 * all four vectors through the exception table) and clears @ok.
 */
#define LOAD_SEG(seg, sel, ok)						\
	__asm__ __volatile__("1: movw %w0, %%" seg "\n"		\
			     "2:\n\t"					\
			     ".pushsection .text.fixup, \"ax\"\n"	\
			     "3: xorl %k0, %k0\n\t"			\
			     "movl %k0, %1\n\t"				\
			     "movw %w0, %%" seg "\n\t"		\
			     "jmp 2b\n\t"				\
			     ".popsection\n\t"			\
			     _ASM_EXTABLE(1b, 3b)			\
			     : "+r"(sel), "+r"(ok) : : "memory")

static void save_selectors(struct pv_vcpu *pv)
{
	__asm__ __volatile__("movw %%ds, %0; movw %%es, %1; "
			     "movw %%fs, %2; movw %%gs, %3"
			     : "=m"(pv->ds_sel), "=m"(pv->es_sel),
			       "=m"(pv->fs_sel), "=m"(pv->gs_sel));
}

/* A guest can make every switch fail a load: log only the first few. */
#define RELOAD_LOG_LIMIT	16
static unsigned int reload_logged;

/*
 * Load @v's data selectors.  Interrupts are off: nothing may run with
 * the guest's %gs base.
 *
 * A selector that no longer loads becomes null, and, as on Xen, the
 * guest hears of it through its failsafe callback, with the selectors
 * that were tried in the frame: they are kept in reload_sel[] and
 * pv_return_to_guest() makes the bounce once @v is the running vCPU (it
 * writes the guest's stack, which needs @v's page tables and mode).
 * Linux's handler (xen_failsafe_callback) sees them differ from the
 * registers, takes it for a bad segment and returns to where it was,
 * with the null selector.
 */
static void load_selectors_of(struct vcpu *v)
{
	struct pv_vcpu *pv = &v->pv;
	u64 hv_gs = rdmsr(MSR_GS_BASE);
	u16 ds = pv->ds_sel, es = pv->es_sel, fs = pv->fs_sel;
	u16 gs = pv->gs_sel;
	u32 ok_ds = 1, ok_es = 1, ok_fs = 1, ok_gs = 1;

	LOAD_SEG("ds", ds, ok_ds);
	LOAD_SEG("es", es, ok_es);
	LOAD_SEG("fs", fs, ok_fs);
	LOAD_SEG("gs", gs, ok_gs);
	wrmsr(MSR_GS_BASE, hv_gs);
	if (ok_ds & ok_es & ok_fs & ok_gs)
		return;
	pv->reload_sel[0] = pv->ds_sel;
	pv->reload_sel[1] = pv->es_sel;
	pv->reload_sel[2] = pv->fs_sel;
	pv->reload_sel[3] = pv->gs_sel;
	pv->reload_failed = true;
	if (__atomic_fetch_add(&reload_logged, 1, __ATOMIC_RELAXED) <
	    RELOAD_LOG_LIMIT)
		gprintk(LOG_WARN, v, "selectors ds %#x es %#x fs %#x gs %#x: "
			"%s%s%s%sno longer load, null loaded, failsafe "
			"callback", pv->ds_sel, pv->es_sel, pv->fs_sel,
			pv->gs_sel, ok_ds ? "" : "ds ", ok_es ? "" : "es ",
			ok_fs ? "" : "fs ", ok_gs ? "" : "gs ");
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
		save_selectors(&prev->pv);
		prev->pv.fs_base = rdmsr(MSR_FS_BASE);
		if (prev->pv.in_kernel)
			prev->pv.gs_base_kernel = read_guest_gs_base();
		else
			prev->pv.gs_base_user = read_guest_gs_base();
	}
	pv_load_debugregs(next);	/* prev's breakpoints off first */
	if (!next) {
		load_ldt(NULL, 0);	/* map no frame of an idle vCPU */
		write_cr3(__pa(idle_l4));
		if (prev)
			clear_dirty(prev->domain);
		return;
	}
	__atomic_fetch_or(&next->domain->dirty_cpus,
			  1ULL << smp_processor_id(), __ATOMIC_SEQ_CST);
	pv_load_cr3(next);
	if (prev && prev->domain != next->domain)
		clear_dirty(prev->domain);
	pv_load_gdt(next);	/* the selectors below are looked up there */
	load_ldt(next->pv.ldt_frames, next->pv.ldt_ents);	/* and there */
	load_selectors_of(next);
	wrmsr(MSR_FS_BASE, next->pv.fs_base);
	pv_load_tsc_aux(next);
	write_guest_gs_base(next->pv.in_kernel ? next->pv.gs_base_kernel :
			    next->pv.gs_base_user);
	fpu_restore(next);
}
