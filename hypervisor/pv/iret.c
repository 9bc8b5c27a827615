// SPDX-License-Identifier: GPL-2.0
/*
 * HYPERVISOR_iret: how a PV guest returns from every interrupt, exception
 * and system call (contract §8.4).
 *
 * The guest cannot use iretq itself: it would return to ring 3 from ring
 * 3 just fine, but not switch page tables and GS base when going back to
 * user mode, and not restore the event mask.  So it pushes rax, r11, rcx
 * and a flags word below a normal iret frame and makes hypercall 23 with
 * rsp pointing at that struct iret_context.
 *
 * What makes this the delicate one: it is the only hypercall that does
 * not return to the instruction after the `syscall`, and the frame is
 * entirely guest-controlled and ends up in our iretq.  An iretq that
 * faults in ring 0 would do so with the guest's GS base loaded, so
 * everything iretq checks is checked here first: the selectors must be
 * the flat ring-3 ones or usable descriptors of the guest's own GDT or
 * LDT (pv_selector_ok()), and rip must be canonical, or within the code
 * segment's limit for a return to compatibility mode (pv_code_rip_ok()).  A frame that fails
 * gets the #GP the CPU would have raised, from the context it names, as
 * Xen 4.17 delivers it.
 */
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/log.h>
#include <hv/pv.h>

#include <asm/desc.h>
#include <asm/processor.h>

#define X86_EFLAGS_IOPL	(3UL << 12)
#define X86_EFLAGS_VM	(1UL << 17)

/**
 * do_iret() - return to the guest context at the guest's rsp
 *
 * Replaces guest_regs() entirely, rax included.
 */
long do_iret(void)
{
	struct vcpu *v = current_vcpu();
	struct cpu_regs *r = guest_regs();
	struct iret_context c;
	long gp = -1;			/* the #GP's error code, if bad */

	if (copy_from_guest(&c, r->rsp, sizeof(c))) {
		gprintk(LOG_ERR, v, "iret: frame at %#lx unreadable",
			(unsigned long)r->rsp);
		domain_crash(v->domain, "bad iret frame");
	}
	/* Only the selector bits count: bits 32-39 of cs carry the saved
	 * event mask in our own bounce frames. */
	c.cs &= 0xffff;
	c.ss &= 0xffff;
	/* Linux may return with a null SS; iretq to ring 3 cannot. */
	if (!(c.ss & ~3UL))
		c.ss = FLAT_KERNEL_SS;
	/*
	 * A frame the CPU could not return to: Xen loads it, lets its own
	 * iretq fault, and hands the guest that #GP at the context it
	 * failed to load (the error code the CPU gives: the selector, or 0
	 * for a rip that is non-canonical or beyond a 32- or 16-bit code
	 * segment's limit).  We check before our iretq (a fault
	 * there would run with the guest's GS base) and give the same: the
	 * context is loaded as below, a user one in user mode, and #GP is
	 * delivered from it, so a user program whose sigreturn frame holds
	 * a bad CS or SS gets SIGSEGV, never its kernel an Oops in xen_iret.
	 * The bad values only ever reach the guest's own stack, in the
	 * bounce frame; our iretq returns to the guest's #GP handler.
	 */
	if (!pv_selector_ok(v, c.cs | 3, true))
		gp = c.cs & 0xfffc;
	else if (!pv_selector_ok(v, c.ss | 3, false))
		gp = c.ss & 0xfffc;
	else if (!pv_code_rip_ok(v, c.cs | 3, c.rip))
		gp = 0;
	if (gp >= 0 && !v->domain->bad_iret_logged) {
		v->domain->bad_iret_logged = true;
		gprintk(LOG_WARN, v, "iret: bad frame rip %#lx cs %#lx ss "
			"%#lx: #GP(%#lx) to the guest (logged once)",
			(unsigned long)c.rip, (unsigned long)c.cs,
			(unsigned long)c.ss, (unsigned long)gp);
	}
	if ((c.cs & 3) == 3) {
		if (!v->pv.user_l4) {
			gprintk(LOG_ERR, v, "iret to user mode without a "
				"user L4");
			domain_crash(v->domain, "iret to user without user L4");
		}
		if (v->pv.in_kernel)
			pv_toggle_guest_mode(v);
	}
	r->rip = c.rip;
	r->cs = c.cs | 3;
	r->rsp = c.rsp;
	r->ss = c.ss | 3;
	/*
	 * The guest's own flags, NT included, as Xen keeps them (a user
	 * program's NT survives its syscalls, as natively).  NT is harmless
	 * to us: every way into the hypervisor clears it (the IDT gates,
	 * and SFMASK for syscall) before our own iretq could see it.
	 */
	r->rflags = (c.rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)) |
		    X86_EFLAGS_IF;
	/* With architectural IOPL the frame's IOPL is the new virtual
	 * one, as an iret would load it (pv/emul-cr-io.c checks it). */
	if (v->pv.vm_assist & (1UL << VMASST_TYPE_architectural_iopl))
		vcpu_evt(v)->iopl = (c.rflags & X86_EFLAGS_IOPL) >> 12;
	if (c.flags & VGCF_in_syscall) {
		/* What a sysret would leave behind. */
		r->rcx = r->rip;
		r->r11 = r->rflags;
	} else {
		r->rcx = c.rcx;
		r->r11 = c.r11;
	}
	r->rax = c.rax;
	v->vcpu_info->evtchn_upcall_mask = !(c.rflags & X86_EFLAGS_IF);
	if (gp >= 0)
		pv_inject_exception(v, r, 13, (unsigned long)gp);
	return r->rax;
}
