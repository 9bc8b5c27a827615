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
 * the flat ring-3 ones or usable descriptors of the guest's own GDT
 * (pv_selector_ok()), and rip must be canonical.  A frame that fails is reported to the guest
 * through its failsafe callback, as Xen does for a bad iret.
 */
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/log.h>
#include <hv/pv.h>

#include <asm/desc.h>
#include <asm/processor.h>

#define X86_EFLAGS_IOPL	(3UL << 12)
#define X86_EFLAGS_VM	(1UL << 17)

static bool is_canonical(u64 a)
{
	return (u64)((s64)(a << 16) >> 16) == a;
}


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
	if (!pv_selector_ok(v, c.cs | 3, true) ||
	    !pv_selector_ok(v, c.ss | 3, false) ||
	    !is_canonical(c.rip)) {
		gprintk(LOG_WARN, v, "iret: bad frame rip %#lx cs %#lx ss "
			"%#lx: failsafe callback", (unsigned long)c.rip,
			(unsigned long)c.cs, (unsigned long)c.ss);
		if (!v->pv.failsafe_callback)
			domain_crash(v->domain, "bad iret frame, no failsafe");
		r->rsp += sizeof(c);
		r->rax = c.rax;
		pv_bounce(v, r, v->pv.failsafe_callback,
			  TBF_FAILSAFE | (v->pv.failsafe_mask_events ?
					  TBF_MASK_EVENTS : 0), 0);
		return r->rax;
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
	return r->rax;
}
