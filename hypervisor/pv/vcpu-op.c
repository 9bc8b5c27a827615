// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu_op (hypercall 24): what a guest kernel asks about, and of, each of
 * its vCPUs.
 *
 * Linux's first vcpu_op comes very early, right after "about to get
 * started...": it registers a runstate area and BUG()s unless that
 * returns 0 (contract §5 step 13).  Then it asks which vCPUs exist
 * (is_up for every possible CPU id: ours answer 1, the rest -ENOENT),
 * moves each vCPU's vcpu_info out of shared_info into its per-CPU data
 * (register_vcpu_info, panic on failure), stops the periodic timer Xen
 * would run by default (we never run one) and drives its clockevent with
 * set_singleshot_timer (BUG unless 0).
 *
 * The runstate (running, runnable, blocked, offline, with the time
 * spent in each) is kept for every vCPU as the scheduler switches it in
 * and out (pv_runstate_switch()), and copied to the registered area
 * each time the vCPU is switched in and when the area is registered:
 * Linux's steal time is the time its vCPUs were runnable but not
 * running.
 *
 * Secondary vCPUs exist from the start (the builder creates them) but are
 * down: VCPUOP_is_up says 0, which is how Linux learns that they are
 * possible CPUs.  To start one, Linux fills a vcpu_guest_context
 * (arch/x86/xen/smp_pv.c: cpu_initialize_context) and calls
 * VCPUOP_initialise, then VCPUOP_up; a CPU going offline calls VCPUOP_down
 * on itself.  initialise checks the context as the matching hypercalls
 * would check each piece (trap table, GDT, callbacks, base pointer) and
 * works only once per vCPU and only while it is down.  The sub-ops we do
 * not implement answer -ENOSYS, logged once each.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/page.h>
#include <hv/pv.h>
#include <hv/sched.h>
#include <hv/time.h>

#include <asm/page.h>
#include <asm/processor.h>

#include <veneer/callback.h>
#include <veneer/sched.h>
#include <veneer/vcpu.h>

static struct vcpu *vcpu_of(struct domain *d, unsigned long id)
{
	if (id >= MAX_VIRT_CPUS || id >= d->max_vcpus)
		return NULL;
	return d->vcpu[id];
}

#define X86_EFLAGS_IF	(1UL << 9)
#define X86_EFLAGS_IOPL	(3UL << 12)
#define X86_EFLAGS_VM	(1UL << 17)

/*
 * The register and segment part of VCPUOP_initialise: what the vCPU's
 * first return to the guest loads.  Selectors get RPL 3 (a 64-bit PV
 * kernel runs in ring 3) and must name a code/stack descriptor of the
 * GDT just installed, or the flat ones.
 */
/*
 * Why VCPUOP_initialise refused a context (each check says which), kept
 * for the one log line vcpu_initialise() prints once the vCPU's lock is
 * dropped.  Per CPU: the hypercall runs to its end on this CPU.
 */
static char refuse_why[MAX_CPUS][120];

static long __attribute__((format(printf, 3, 4)))
refuse(struct vcpu *v, long rc, const char *fmt, ...)
{
	va_list ap;

	(void)v;
	va_start(ap, fmt);
	vsnprintf(refuse_why[smp_processor_id()],
		  sizeof(refuse_why[0]), fmt, ap);
	va_end(ap);
	return rc;
}

static long check_user_regs(struct vcpu *v, const struct vcpu_guest_context *c,
			    struct cpu_regs *r)
{
	const struct cpu_user_regs *u = &c->user_regs;
	u16 cs = u->cs | 3, ss = u->ss | 3;

	if (!pv_guest_code_address_ok(u->rip))
		return refuse(v, -EINVAL, "rip %#lx is not guest code", u->rip);
	if (!is_canonical(u->rsp))
		return refuse(v, -EINVAL, "rsp %#lx is not canonical", u->rsp);
	if (!pv_selector_ok(v, cs, true))
		return refuse(v, -EINVAL, "cs %#x is not a code selector", cs);
	if (!pv_selector_ok(v, ss, false))
		return refuse(v, -EINVAL, "ss %#x is not a stack selector", ss);
	memset(r, 0, sizeof(*r));
	r->r15 = u->r15; r->r14 = u->r14; r->r13 = u->r13; r->r12 = u->r12;
	r->rbp = u->rbp; r->rbx = u->rbx; r->r11 = u->r11; r->r10 = u->r10;
	r->r9 = u->r9; r->r8 = u->r8; r->rax = u->rax; r->rcx = u->rcx;
	r->rdx = u->rdx; r->rsi = u->rsi; r->rdi = u->rdi;
	r->rip = u->rip;
	r->rsp = u->rsp;
	r->cs = cs;
	r->ss = ss;
	/* As for iret: no IOPL or VM; IF is always on in ring 3 (the
	 * guest's "interrupt flag" is its vcpu_info upcall mask). */
	r->rflags = (u->rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)) |
		    X86_EFLAGS_IF;
	return 0;
}

/*
 * VCPUOP_initialise for a down vCPU @v, from @c (hypervisor copy), and
 * VENEER_MGMT_setvcpucontext for a vCPU of a domain dom0 builds
 * (@toolstack): the same checks, since dom0's context is untrusted too.
 * The one difference is the base pointer: the guest's own may be any L4
 * of its own (validated now, restartably); dom0's must be a table it
 * already pinned for the domain.  Refuses what we do not support rather
 * than ignoring it: user mode starts, an FPU image, debug registers.
 */
static long initialise(struct vcpu *v, const struct vcpu_guest_context *c,
		       bool toolstack)
{
	struct domain *d = v->domain;
	unsigned long gdt[16];
	struct cpu_regs r;
	long rc;

	if (!(c->flags & VGCF_in_kernel))
		return refuse(v, -EINVAL, "flags %#lx: a start in user mode is not "
			      "supported", (unsigned long)c->flags);
	if (c->flags & VGCF_i387_valid)
		return refuse(v, -EINVAL, "flags %#lx: an FPU image is not supported",
			      (unsigned long)c->flags);
	for (unsigned int i = 0; i < 8; i++)
		if (c->debugreg[i] && i != 6)
			return refuse(v, -EINVAL, "debugreg[%u] %#lx: debug registers "
				      "are not supported", i,
				      (unsigned long)c->debugreg[i]);
	if (c->gdt_ents > FIRST_RESERVED_GDT_ENTRY)
		return refuse(v, -EINVAL, "gdt_ents %lu > %u",
			      (unsigned long)c->gdt_ents,
			      FIRST_RESERVED_GDT_ENTRY);
	if (!is_canonical(c->fs_base) || !is_canonical(c->gs_base_kernel) ||
	    !is_canonical(c->gs_base_user))
		return refuse(v, -EINVAL, "fs/gs base %#lx %#lx %#lx not canonical",
			      (unsigned long)c->fs_base,
			      (unsigned long)c->gs_base_kernel,
			      (unsigned long)c->gs_base_user);
	if (!is_canonical(c->kernel_sp))
		return refuse(v, -EINVAL, "kernel_sp %#lx not canonical",
			      (unsigned long)c->kernel_sp);
	for (unsigned int i = 0; i < 256; i++)
		if (c->trap_ctxt[i].address &&
		    !pv_guest_code_address_ok(c->trap_ctxt[i].address))
			return refuse(v, -EINVAL, "trap_ctxt[%u] %#lx is not guest "
				      "code", i,
				      (unsigned long)c->trap_ctxt[i].address);
	for (unsigned int i = 0; i < 16; i++)
		gdt[i] = c->gdt_frames[i];
	rc = pv_set_gdt(v, gdt, c->gdt_ents);
	if (rc)
		return refuse(v, rc, "gdt (%lu entries) refused: %ld",
			      (unsigned long)c->gdt_ents, rc);
	rc = pv_register_callback(v, CALLBACKTYPE_event, 0,
				  c->event_callback_eip);
	if (!rc)
		rc = pv_register_callback(v, CALLBACKTYPE_failsafe,
			(c->flags & VGCF_failsafe_disables_events) ?
			CALLBACKF_mask_events : 0, c->failsafe_callback_eip);
	if (!rc)
		rc = pv_register_callback(v, CALLBACKTYPE_syscall,
			(c->flags & VGCF_syscall_disables_events) ?
			CALLBACKF_mask_events : 0, c->syscall_callback_eip);
	if (rc)
		return refuse(v, rc, "a callback address refused: %ld", rc);
	/*
	 * Validating a new L4 is restartable: -PT_ERESTART goes up to
	 * vcpu_initialise(), which has the guest call again; everything
	 * above is simply done again then, and nothing below has happened.
	 */
	rc = toolstack ?
	     pv_new_baseptr_pinned(v, c->ctrlreg[3] >> PAGE_SHIFT, false) :
	     pv_new_baseptr_job(v, c->ctrlreg[3] >> PAGE_SHIFT, false);
	if (rc == -PT_ERESTART)
		return rc;
	if (rc)
		return refuse(v, rc, "ctrlreg[3] %#lx: not a usable L4: %ld",
			      (unsigned long)c->ctrlreg[3], rc);
	if (c->ctrlreg[1])
		rc = toolstack ?
		     pv_new_baseptr_pinned(v, c->ctrlreg[1] >> PAGE_SHIFT,
					   true) :
		     pv_new_baseptr_job(v, c->ctrlreg[1] >> PAGE_SHIFT, true);
	if (rc == -PT_ERESTART)
		return rc;
	if (rc)
		return refuse(v, rc, "ctrlreg[1] %#lx: not a usable user L4: %ld",
			      (unsigned long)c->ctrlreg[1], rc);
	/* The LDT is read through the kernel page tables just set, and the
	 * code and stack selectors may be in it. */
	if (c->ldt_ents > 8192)
		return refuse(v, -EINVAL, "ldt_ents %lu > 8192",
			      (unsigned long)c->ldt_ents);
	rc = pv_set_ldt(v, c->ldt_base, c->ldt_ents);
	if (rc)
		return refuse(v, rc, "ldt %#lx (%lu entries) refused: %ld",
			      (unsigned long)c->ldt_base,
			      (unsigned long)c->ldt_ents, rc);
	rc = check_user_regs(v, c, &r);
	if (rc)
		return rc;
	memcpy(v->pv.trap_ctxt, c->trap_ctxt, sizeof(v->pv.trap_ctxt));
	v->pv.kernel_ss = c->kernel_ss | 3;
	v->pv.kernel_sp = c->kernel_sp;
	v->pv.fs_base = c->fs_base;
	v->pv.gs_base_kernel = c->gs_base_kernel;
	v->pv.gs_base_user = c->gs_base_user;
	/* The data selectors the first switch to @v loads, as Xen does: one
	 * that does not load then goes to the failsafe callback
	 * (arch/x86/context.c). */
	v->pv.ds_sel = c->user_regs.ds;
	v->pv.es_sel = c->user_regs.es;
	v->pv.fs_sel = c->user_regs.fs;
	v->pv.gs_sel = c->user_regs.gs;
	v->pv.in_kernel = true;
	/* The domain's assists: the caller's own for VCPUOP_initialise;
	 * for the toolstack, what vCPU 0 has (none before it runs). */
	v->pv.vm_assist = toolstack ? (v == d->vcpu[0] ? 0 :
				       d->vcpu[0]->pv.vm_assist) :
			  current_vcpu()->pv.vm_assist;
	/* As Xen: the context's IOPL is the vCPU's virtual IOPL (what
	 * PHYSDEVOP_set_iopl sets); Linux starts its CPUs with IOPL 1. */
	vcpu_evt(v)->iopl = (c->user_regs.rflags & X86_EFLAGS_IOPL) >> 12;
	v->regs = r;
	v->initialised = true;
	return 0;
}

static long vcpu_initialise(struct vcpu *v, unsigned long arg)
{
	struct vcpu_guest_context *c = alloc_heap_pages(1);
	long rc;

	_Static_assert(sizeof(*c) <= 2 * PAGE_SIZE, "vcpu_guest_context");
	if (!c)
		return -ENOMEM;
	refuse_why[smp_processor_id()][0] = 0;
	rc = copy_from_guest(c, arg, sizeof(*c)) ? -EFAULT : 0;
	if (!rc) {
		spin_lock(&v->ctx_lock);
		rc = v->initialised ? -EEXIST : !v->down ? -EINVAL :
		     initialise(v, c, false);
		spin_unlock(&v->ctx_lock);
	}
	free_heap_pages(c, 1);
	if (rc == -PT_ERESTART)
		return hypercall_continuation(__HYPERVISOR_vcpu_op, 3,
					      VCPUOP_initialise, v->id, arg,
					      0, 0);
	if (rc)
		gprintk(LOG_WARN, current_vcpu(), "VCPUOP_initialise of vCPU "
			"%u refused: %ld%s%s", v->id, rc,
			refuse_why[smp_processor_id()][0] ? ": " : "",
			refuse_why[smp_processor_id()]);
	return rc;
}

/**
 * pv_toolstack_set_context() - VENEER_MGMT_setvcpucontext
 * @v: a vCPU of a domain dom0 holds (not dom0's own)
 * @c: the context, already copied into hypervisor memory
 *
 * Only once per vCPU, and only while it cannot run: its domain paused
 * by the toolstack (a new domain is created paused) or the vCPU down.
 * vCPU 0 of a new domain then runs once the domain is unpaused; a down
 * vCPU waits for the guest's VCPUOP_up.
 *
 * Return: 0, -EEXIST (it has a context), -EBUSY (it may be running), or
 * the refusal of a check (logged with the reason).
 */
long pv_toolstack_set_context(struct vcpu *v,
			      const struct vcpu_guest_context *c)
{
	struct domain *d = v->domain;
	long rc;

	refuse_why[smp_processor_id()][0] = 0;
	spin_lock(&v->ctx_lock);
	if (v->initialised)
		rc = -EEXIST;
	else if ((!v->down && !READ_ONCE(d->pause_count)) ||
		 vcpu_is_on_cpu(v))
		rc = -EBUSY;
	else
		rc = initialise(v, c, true);
	if (!rc && !v->down)
		WRITE_ONCE(v->runnable, true);	/* runs once unpaused */
	spin_unlock(&v->ctx_lock);
	/* An unpause that came after the check above found it not yet
	 * runnable and left it: look again (nothing while still paused). */
	if (!rc)
		vcpu_kick(v);
	if (rc)
		gprintk(LOG_WARN, current_vcpu(), "setvcpucontext of d%uv%u "
			"refused: %ld%s%s", d->id, v->id, rc,
			refuse_why[smp_processor_id()][0] ? ": " : "",
			refuse_why[smp_processor_id()]);
	return rc;
}

/* VCPUOP_up: an initialised vCPU starts running. */
static long vcpu_up(struct vcpu *v)
{
	long rc = 0;

	spin_lock(&v->ctx_lock);
	if (!v->initialised)
		rc = -EINVAL;
	else if (v->down) {
		v->down = false;
		vcpu_wake(v);
	}
	spin_unlock(&v->ctx_lock);
	return rc;
}

/* Are all of @d's vCPUs down? */
static bool all_vcpus_down(struct domain *d)
{
	for (unsigned int i = 0; i < MAX_VIRT_CPUS; i++)
		if (d->vcpu[i] && !READ_ONCE(d->vcpu[i]->down))
			return false;
	return true;
}

/*
 * VCPUOP_down: @v stops until VCPUOP_up; its state is kept.  When the
 * last of the domain's vCPUs goes down, the domain is shut down
 * (poweroff), as Xen 4.17 does: nothing could ever bring it back, and it
 * would otherwise keep its memory until destroyed.
 */
static long vcpu_down(struct vcpu *v)
{
	struct domain *d = v->domain;

	spin_lock(&v->ctx_lock);
	v->down = true;
	spin_unlock(&v->ctx_lock);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (all_vcpus_down(d)) {
		gprintk(LOG_INFO, current_vcpu(), "VCPUOP_down of the last "
			"vCPU: the domain shuts down (poweroff), as on Xen");
		domain_shutdown(d, SHUTDOWN_poweroff);
		return 0;	/* a caller outside @d: it is gone */
	}
	if (v == current_vcpu()) {
		guest_regs()->rax = 0;
		vcpu_sleep(v);
		/* Inside a multicall it stops at the next entry, and the rest
		 * runs after VCPUOP_up, as on Xen. */
		sched_make_way();
		return 0;
	}
	vcpu_sleep(v);
	return 0;
}

/* Copy @v's runstate to its area; @v's page tables must be loaded. */
static void publish_runstate(struct vcpu *v)
{
	struct vcpu_evt *e = vcpu_evt(v);

	if (e->runstate_va)
		copy_to_guest(e->runstate_va, &e->runstate,
			      sizeof(e->runstate));
}

static void runstate_enter(struct vcpu *v, int state, s_time_t now)
{
	struct vcpu_runstate_info *r = &vcpu_evt(v)->runstate;

	r->time[r->state] += now - r->state_entry_time;
	r->state = state;
	r->state_entry_time = now;
}

/**
 * pv_runstate_init() - a new vCPU's runstate: offline if down, else runnable
 * @v: the vCPU, from vcpu_create()
 */
void pv_runstate_init(struct vcpu *v)
{
	struct vcpu_runstate_info *r = &vcpu_evt(v)->runstate;

	r->state = v->down ? RUNSTATE_offline : RUNSTATE_runnable;
	r->state_entry_time = NOW();
}

/**
 * pv_runstate_switch() - account a context switch
 * @prev: the vCPU leaving the CPU, or NULL
 * @next: the vCPU about to run, or NULL; its page tables are loaded
 * @now:  the time of the switch
 */
void pv_runstate_switch(struct vcpu *prev, struct vcpu *next, s_time_t now)
{
	if (prev)
		runstate_enter(prev, prev->down ? RUNSTATE_offline :
			       prev->blocked ? RUNSTATE_blocked :
			       RUNSTATE_runnable, now);
	if (next) {
		runstate_enter(next, RUNSTATE_running, now);
		publish_runstate(next);
	}
}

/* register_vcpu_info: move @v's vcpu_info into the guest frame @mfn. */
static long register_vcpu_info(struct vcpu *v, unsigned long arg)
{
	struct domain *d = v->domain;
	struct vcpu_register_vcpu_info info;
	struct vcpu_info *new;
	struct page_info *pg;
	unsigned long flags;
	int rc;

	if (copy_from_guest(&info, arg, sizeof(info)))
		return -EFAULT;
	if (info.rsvd || info.offset > PAGE_SIZE - sizeof(struct vcpu_info) ||
	    (info.offset & 7))
		return -EINVAL;
	if (info.mfn >= max_page)
		return -EINVAL;
	pg = mfn_to_page(info.mfn);
	/* The frame stays the guest's, and ordinary memory, while we
	 * write into it: a general and a writable type reference. */
	if (!get_page(pg, d->id))
		return -EINVAL;
	rc = get_page_type(pg, PGT_writable_page);
	if (rc < 0) {
		put_page_and_free(pg);
		return -EINVAL;
	}
	if (rc == 1)
		__atomic_fetch_or(&pg->type_info, PGT_validated,
				  __ATOMIC_RELEASE);
	/*
	 * Two vCPUs may register the same third, down, vCPU at once: the
	 * checks and the move are one step under the domain's lock, or
	 * both would pass the check and one frame's references be lost.
	 * Like Xen: for another vCPU only while it is down, and its
	 * ctx_lock keeps it down (VCPUOP_up) until the move is done.
	 */
	spin_lock(&d->lock);
	spin_lock(&v->ctx_lock);
	if (vcpu_evt(v)->vcpu_info_registered ||
	    (v != current_vcpu() && !v->down)) {
		spin_unlock(&v->ctx_lock);
		spin_unlock(&d->lock);
		put_page_type(pg);
		put_page_and_free(pg);
		return -EINVAL;
	}
	new = (struct vcpu_info *)((char *)__va(info.mfn << PAGE_SHIFT) +
				   info.offset);
	flags = local_irq_save();
	*new = *v->vcpu_info;
	/* Make the guest rescan everything: nothing raised around the
	 * move is lost. */
	new->evtchn_pending_sel = ~0UL;
	new->evtchn_upcall_pending = 1;
	v->vcpu_info = new;
	vcpu_evt(v)->vcpu_info_registered = true;
	local_irq_restore(flags);
	spin_unlock(&v->ctx_lock);
	spin_unlock(&d->lock);
	pv_time_update(v);
	return 0;
}

/**
 * do_vcpu_op() - VCPUOP_*
 * @cmd:    the sub-op
 * @vcpuid: which vCPU of the calling domain
 * @arg:    guest address of the sub-op's argument
 */
long do_vcpu_op(unsigned long cmd, unsigned long vcpuid, unsigned long arg)
{
	struct vcpu *cur = current_vcpu();
	struct domain *d = cur->domain;
	struct vcpu *v = vcpu_of(d, vcpuid);
	struct vcpu_set_singleshot_timer sst;
	struct vcpu_register_runstate_memory_area ra;
	struct vcpu_runstate_info r;

	if (!v)
		return -ENOENT;
	switch (cmd) {
	case VCPUOP_is_up:
		return !READ_ONCE(v->down);
	case VCPUOP_initialise:
		return vcpu_initialise(v, arg);
	case VCPUOP_up:
		return vcpu_up(v);
	case VCPUOP_down:
		return vcpu_down(v);
	case VCPUOP_register_runstate_memory_area:
		if (copy_from_guest(&ra, arg, sizeof(ra)))
			return -EFAULT;
		vcpu_evt(v)->runstate_va = ra.addr.p;
		if (v == cur) {
			runstate_enter(v, RUNSTATE_running, NOW());
			publish_runstate(v);
		}
		return 0;
	case VCPUOP_get_runstate_info:
		r = vcpu_evt(v)->runstate;
		if (v == cur)	/* bring the running time up to now */
			r.time[RUNSTATE_running] += NOW() - r.state_entry_time;
		return copy_to_guest(arg, &r, sizeof(r)) ? -EFAULT : 0;
	case VCPUOP_register_vcpu_info:
		return register_vcpu_info(v, arg);
	case VCPUOP_stop_periodic_timer:
		return 0;		/* there is no periodic timer */
	case VCPUOP_set_singleshot_timer:
		if (v != cur)
			return -EINVAL;
		if (copy_from_guest(&sst, arg, sizeof(sst)))
			return -EFAULT;
		/* VCPU_SSHOTTMR_future is ignored, as by Xen 4.17: a past
		 * deadline always fires at once. */
		pv_time_update(v);
		return pv_set_singleshot(v, (s_time_t)sst.timeout_abs_ns);
	case VCPUOP_stop_singleshot_timer:
		if (v != cur)
			return -EINVAL;
		pv_stop_singleshot(v);
		return 0;
	}
	return pv_enosys_once("vcpu_op", 24, cmd);
}
