// SPDX-License-Identifier: GPL-2.0
/*
 * Guest exceptions, system calls and event upcalls: the bounce frame.
 *
 * A 64-bit PV guest has no IDT of its own; it gives the hypervisor a trap
 * table (set_trap_table) and callbacks (callback_op).  When the guest
 * raises an exception, or its user mode makes a system call, or an event
 * is pending when we are about to return to it, we "bounce": write onto
 * the guest kernel stack the frame its handler expects and resume the
 * guest at that handler.
 *
 * The frame is the hardware's (ss, rsp, rflags, cs, rip, [error code])
 * with two more words below it, rcx and r11, because Linux's entry stubs
 * begin with `pop %rcx; pop %r11` (contract §8.1).  Three things are not
 * what hardware would write, and each is there for a reason:
 *   - the stack: from guest user mode we first switch the vCPU to kernel
 *     mode (other L4, other GS base) and use the kernel stack the guest
 *     gave us with stack_switch; from kernel mode we use the interrupted
 *     rsp, aligned down to 16 bytes;
 *   - cs: both guest modes run with RPL 3, so for an interruption of
 *     guest kernel mode we clear the RPL bits (Linux's user_mode() looks
 *     at them), and bits 32-39 carry the old evtchn_upcall_mask;
 *   - rflags: the hardware IF is always on in a guest; the frame's IF
 *     says whether *events* were enabled (the inverse of the mask), and
 *     its IOPL is the virtual one if the guest asked for architectural
 *     IOPL (VMASST_TYPE_architectural_iopl), else 0.
 * Two exceptions are not delivered as the CPU raised them, as on Xen:
 * the U bit of a #PF error code says which guest mode faulted (see
 * pv_toggle_guest_mode()), and a #PF on the CPU's own read of a GDT
 * page the guest gave no frame for becomes #GP(selector).
 * The frame is written through copy_to_guest(); a guest whose kernel
 * stack cannot take it is beyond help and is crashed.
 *
 * Also here: the kernel/user mode switch that every entry from guest user
 * mode and every iret to it goes through (contract §10).
 */
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/layout.h>
#include <hv/log.h>
#include <hv/pv.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <hv/trace.h>

#include <asm/desc.h>
#include <asm/page.h>
#include <asm/processor.h>

#define X86_EFLAGS_TF	(1UL << 8)
#define X86_EFLAGS_IOPL	(3UL << 12)
#define X86_EFLAGS_NT	(1UL << 14)
#define X86_EFLAGS_RF	(1UL << 16)
#define X86_EFLAGS_VM	(1UL << 17)
#define X86_EFLAGS_AC	(1UL << 18)

#define PFEC_USER	(1UL << 2)

#define DR6_EVENTS	0x1e00fUL	/* B0-B3, BD, BS, BT, RTM */
#define DR6_BS		(1UL << 14)	/* single step */

static const char *const trap_name[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#09",
	"#TS", "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM",
	"#VE", "#CP", "#22", "#23", "#24", "#25", "#26", "#27", "#HV", "#VC",
	"#SX", "#31",
};

/**
 * vector_has_error_code() - does the guest's frame for @vec have one?
 * @vec: exception vector
 */
bool vector_has_error_code(unsigned int vec)
{
	switch (vec) {
	case 8: case 10: case 11: case 12: case 13: case 14: case 17: case 21:
		return true;
	}
	return false;
}

/**
 * pv_load_cr3() - load the L4 of the vCPU's current guest mode
 * @v: the running vCPU
 */
void pv_load_cr3(struct vcpu *v)
{
	unsigned long mfn = v->pv.in_kernel ? v->pv.kernel_l4 : v->pv.user_l4;

	write_cr3(mfn << PAGE_SHIFT);
}

/**
 * pv_toggle_guest_mode() - switch the running vCPU between kernel and user
 * @v: the running vCPU
 *
 * What swapgs plus a CR3 load would do if the guest were allowed them:
 * the active GS base of one mode is parked and the other's loaded, and
 * the other mode's L4 goes into CR3.
 *
 * The guest-mode flag, v->pv.in_kernel.  Invariant: whenever the
 * hypervisor is entered from the guest, in_kernel says which guest mode
 * was interrupted, and CR3 holds that mode's L4 (kernel_l4 or user_l4)
 * and the active GS base is that mode's.  It changes only here, and this
 * is called only where the guest's mode really changes: a bounce from
 * user mode to a kernel handler (pv_bounce()) and an iret to RPL 3
 * (do_iret()); a vCPU is (re)started in kernel mode (vcpu_create(),
 * VCPUOP_initialise, the domain builder).  Nothing else says which mode
 * faulted: the CPU's ring is 3 in both modes, and the U bit of a #PF
 * error code is clear for the CPU's implicit supervisor accesses even
 * from user mode, so every bounce rebuilds what the guest sees (frame
 * CS RPL, #PF U bit) from this flag alone.
 */
void pv_toggle_guest_mode(struct vcpu *v)
{
	u64 active = read_guest_gs_base();

	if (v->pv.in_kernel) {
		v->pv.gs_base_kernel = active;
		write_guest_gs_base(v->pv.gs_base_user);
	} else {
		v->pv.gs_base_user = active;
		write_guest_gs_base(v->pv.gs_base_kernel);
	}
	v->pv.in_kernel = !v->pv.in_kernel;
	pv_load_cr3(v);
}

/*
 * The IOPL field of a bounce frame's rflags: the virtual IOPL for a
 * guest that asked for architectural IOPL (its handler sees what a CPU
 * would have pushed), 0 otherwise, as Xen 4.17 folds it in.
 */
static unsigned long frame_iopl(struct vcpu *v)
{
	if (!(v->pv.vm_assist & (1UL << VMASST_TYPE_architectural_iopl)))
		return 0;
	return (unsigned long)(vcpu_evt(v)->iopl & 3) << 12;
}

/**
 * pv_bounce() - make the guest continue at a handler with a bounce frame
 * @v:          the running vCPU
 * @r:          its interrupted registers (guest_regs()), changed in place
 * @handler:    guest kernel address to continue at
 * @flags:      TBF_*
 * @error_code: pushed when TBF_ERRCODE
 */
void pv_bounce(struct vcpu *v, struct cpu_regs *r, unsigned long handler,
	       unsigned int flags, unsigned long error_code)
{
	struct vcpu_info *vi = v->vcpu_info;
	u8 old_mask = vi->evtchn_upcall_mask;
	bool was_kernel = v->pv.in_kernel;
	u64 w[13];
	unsigned int n = 0;
	unsigned long sp;

	trace_event(TRACE_BOUNCE, r->vector, handler);
	v->stats.bounces++;
	if (!was_kernel)
		pv_toggle_guest_mode(v);
	sp = (was_kernel ? r->rsp : v->pv.kernel_sp) & ~15UL;

	w[n++] = r->rcx;
	w[n++] = r->r11;
	if (flags & TBF_FAILSAFE) {
		u16 ds, es, fs, gs;

		__asm__ __volatile__("movw %%ds, %0; movw %%es, %1; "
				     "movw %%fs, %2; movw %%gs, %3"
				     : "=r"(ds), "=r"(es), "=r"(fs), "=r"(gs));
		if (flags & TBF_RELOAD) {
			/* The ones a context switch failed to load. */
			ds = v->pv.reload_sel[0];
			es = v->pv.reload_sel[1];
			fs = v->pv.reload_sel[2];
			gs = v->pv.reload_sel[3];
		}
		w[n++] = ds;
		w[n++] = es;
		w[n++] = fs;
		w[n++] = gs;
	}
	if (flags & TBF_ERRCODE)
		w[n++] = error_code;
	w[n++] = r->rip;
	w[n++] = (was_kernel ? (r->cs & ~3UL) : r->cs) | ((u64)old_mask << 32);
	w[n++] = (r->rflags & ~(X86_EFLAGS_IF | X86_EFLAGS_IOPL)) |
		 (old_mask ? 0 : X86_EFLAGS_IF) | frame_iopl(v);
	w[n++] = r->rsp;
	w[n++] = r->ss;
	sp -= n * 8;
	if (copy_to_guest(sp, w, n * 8)) {
		gprintk(LOG_ERR, v, "cannot write a bounce frame at %#lx",
			sp);
		domain_crash(v->domain, "bounce frame not writable");
	}
	if (flags & TBF_MASK_EVENTS)
		vi->evtchn_upcall_mask = 1;
	r->rip = handler;
	r->cs = FLAT_KERNEL_CS;
	r->ss = FLAT_KERNEL_SS;
	r->rsp = sp;
	r->rflags = (r->rflags & ~(X86_EFLAGS_TF | X86_EFLAGS_NT |
				   X86_EFLAGS_RF | X86_EFLAGS_AC |
				   X86_EFLAGS_VM | X86_EFLAGS_IOPL)) |
		    X86_EFLAGS_IF;
}

/**
 * pv_inject_exception() - deliver an exception to the guest's trap table
 * @v:          the running vCPU
 * @r:          its registers
 * @vector:     0-255
 * @error_code: used if the vector has one
 */
void pv_inject_exception(struct vcpu *v, struct cpu_regs *r,
			 unsigned int vector, unsigned long error_code)
{
	const struct trap_info *t = &v->pv.trap_ctxt[vector & 255];
	unsigned int flags = 0;

	if (!t->address) {
		gprintk(LOG_ERR, v, "vector %u (%s) at %#lx, error code %#lx, "
			"and no handler for it", vector,
			vector < 32 ? trap_name[vector] : "int",
			(unsigned long)r->rip, error_code);
		domain_crash(v->domain, "unhandled exception");
	}
	if (vector < 32 && vector_has_error_code(vector))
		flags |= TBF_ERRCODE;
	if (t->flags & 4)
		flags |= TBF_MASK_EVENTS;
	pv_bounce(v, r, t->address, flags, error_code);
}

/*
 * What the guest reads from DR6 (get_debugreg) after a #DB: the events of
 * this one (positive polarity) accumulated into its value, as Xen 4.17
 * does: a bit the event sets is set, a bit whose default is 1 and that
 * the event clears is cleared, nothing else changes.  B0-B3 of an earlier
 * #DB stay until the guest writes DR6 (the `debugreg` test kernel showed
 * Xen 4.17.7 keeping B0 when B2 hit).
 */
static void merge_guest_dr6(struct vcpu *v, unsigned long events)
{
	unsigned long old = v->pv.dr_written[6] ? v->pv.dr[6] : DR6_DEFAULT;
	unsigned long hw = (events & DR6_EVENTS) ^ DR6_DEFAULT;

	v->pv.dr[6] = (old | (hw & ~DR6_DEFAULT)) & (hw | ~DR6_DEFAULT);
	v->pv.dr_written[6] = true;
}

/*
 * An instruction was emulated (or a write to a page table done for the
 * guest) and rip moved past it.  Had the CPU run it, a set TF would have
 * raised a single-step #DB after it: deliver that one too, as Xen does.
 * (A delivered `int $n` cleared TF in the bounce, and takes no #DB.)
 */
static void emulated_step(struct vcpu *v, struct cpu_regs *r)
{
	if (!(r->rflags & X86_EFLAGS_TF))
		return;
	merge_guest_dr6(v, DR6_BS);
	pv_inject_exception(v, r, 1, 0);
}

/**
 * pv_guest_trap() - an exception raised while the guest ran
 * @r: the guest's registers, with vector and error code
 */
void pv_guest_trap(struct cpu_regs *r)
{
	struct vcpu *v = current_vcpu();
	unsigned int vector = r->vector;
	unsigned long err = r->error_code;

	if (vector < NR_TRAP_COUNTERS)
		v->stats.traps[vector]++;
	switch (vector) {
	case 1: {
		/* The guest reads the cause with get_debugreg(6); the CPU's
		 * DR6 is sticky, so hand it over and reset it. */
		unsigned long dr6;

		__asm__ __volatile__("mov %%dr6, %0" : "=r"(dr6));
		__asm__ __volatile__("mov %0, %%dr6" : : "r"(DR6_DEFAULT));
		merge_guest_dr6(v, dr6 ^ DR6_DEFAULT);
		break;
	}
	case 6:
		if (pv_emulate_forced_cpuid(v, r)) {
			emulated_step(v, r);
			return;
		}
		break;
	case 7:
		/* Virtual CR0.TS: clear it, as a native #NM handler would
		 * with clts, and let the guest's handler run. */
		if (v->pv.ts) {
			v->pv.ts = false;
			write_cr0(read_cr0() & ~X86_CR0_TS);
		}
		break;
	case 13:
		if (pv_emulate_gp(v, r)) {
			emulated_step(v, r);
			return;
		}
		err = r->error_code;	/* int $n rewrites it */
		vector = r->vector;
		break;
	case 14: {
		/* Read cr2 first: emulation may fault on guest memory. */
		unsigned long cr2 = read_cr2();
		unsigned long gdt = GDT_WINDOW_VIRT +
				    smp_processor_id() * GDT_WINDOW_SIZE;
		bool emulated;

		/* The CPU's own read of a descriptor (a selector load) in a
		 * page of the GDT window the guest gave no frame for.  It is
		 * a supervisor access even from ring 3, so the U bit is
		 * clear and cr2 is ours: the guest must see what a GDT
		 * page of zeroes would give, #GP(selector), as on Xen. */
		if (!(err & PFEC_USER) && cr2 >= gdt &&
		    cr2 - gdt < FIRST_RESERVED_GDT_BYTE) {
			vector = 13;
			err = (cr2 - gdt) & ~7UL;
			break;
		}
		/* A write to a pinned L1 table: emulate and validate it;
		 * the guest sees nothing of the fault, not even cr2.  With
		 * interrupts on, as for a hypercall: it takes the domain's
		 * page-table lock, whose holder on another CPU may be
		 * waiting for this one to answer a TLB-flush IPI. */
		local_irq_enable();
		emulated = pv_ptwr_emulate(v, r, cr2, err);
		local_irq_disable();
		if (emulated) {
			v->stats.ptwr_emulations++;
			v->stats.pt_updates++;
			emulated_step(v, r);
			return;
		}
		v->vcpu_info->arch.cr2 = cr2;
		/* The U bit says which guest mode faulted, not the CPU's
		 * ring (3 in both), as Xen sets it: set for guest user
		 * mode, even where the hardware cleared it for an implicit
		 * supervisor access, and clear for guest kernel mode. */
		err &= ~PFEC_USER;
		if (!v->pv.in_kernel)
			err |= PFEC_USER;
		break;
	}
	}
	pv_inject_exception(v, r, vector, err);
}

/**
 * pv_syscall() - the guest executed `syscall`
 * @r: its registers; rcx and r11 hold what the instruction put there
 *
 * From guest kernel mode this is a hypercall.  From guest user mode it is
 * a system call for the guest kernel: bounce to its syscall callback,
 * with the user's rcx (return rip) and r11 (rflags) in the frame.
 */
void pv_syscall(struct cpu_regs *r)
{
	struct vcpu *v = current_vcpu();
	bool compat = r->vector == SYSCALL32_VECTOR;
	unsigned long cb;
	bool mask;

	if (!compat && v->pv.in_kernel) {
		pv_hypercall(v, r);
		return;
	}
	cb = compat ? v->pv.syscall32_callback : v->pv.syscall_callback;
	mask = compat ? v->pv.syscall32_mask_events :
			v->pv.syscall_mask_events;
	if (!cb) {
		/* Xen's answer: #UD at the syscall instruction. */
		r->rip -= 2;
		pv_inject_exception(v, r, 6, 0);
		return;
	}
	pv_bounce(v, r, cb, mask ? TBF_MASK_EVENTS : 0, 0);
}

/**
 * pv_return_to_guest() - last look before returning to the guest
 * @r: the registers we are about to return with
 *
 * The scheduler gets its turn first (need_resched).  Then a selector
 * that the switch to this vCPU could not load is reported to its
 * failsafe callback.  An event that
 * became pending while events were masked is delivered as soon as the
 * guest unmasks them (which it does either by iret or by clearing the
 * mask and making any hypercall).
 */
void pv_return_to_guest(struct cpu_regs *r)
{
	struct vcpu *v = current_vcpu();
	struct vcpu_info *vi;

	/* Deferred work first: one bounded step of a dying domain's
	 * teardown, if any waits (common/domain.c). */
	domain_teardown_work();
	/* A tick or a wake-up asked for the scheduler: it does not return,
	 * and comes back here for whichever vCPU runs next. */
	if (this_cpu()->need_resched)
		schedule();
	if (!v)
		return;
	/* A dying domain's vCPU never re-enters the guest: the CPU moves
	 * on, and domain_shutdown() (waiting on another CPU) sees it. */
	if (READ_ONCE(v->domain->is_dying))
		schedule();
	/* A selector the switch to @v could not load (arch/x86/context.c):
	 * Xen's failsafe bounce, before any event upcall, as on Xen. */
	if (v->pv.reload_failed) {
		v->pv.reload_failed = false;
		if (!v->pv.failsafe_callback)
			domain_crash(v->domain, "selectors do not load, "
				     "no failsafe callback");
		pv_bounce(v, r, v->pv.failsafe_callback,
			  TBF_FAILSAFE | TBF_RELOAD |
			  (v->pv.failsafe_mask_events ? TBF_MASK_EVENTS : 0),
			  0);
	}
	vi = v->vcpu_info;
	if (READ_ONCE(vi->evtchn_upcall_pending) &&
	    !READ_ONCE(vi->evtchn_upcall_mask) && v->pv.event_callback)
		pv_bounce(v, r, v->pv.event_callback, TBF_MASK_EVENTS, 0);
}
