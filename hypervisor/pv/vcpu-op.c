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
 * The runstate area is written once, when registered: the vCPU is
 * "running" and has been since then, which makes Linux's steal time 0.
 * That is true while every vCPU has a CPU to itself.  Bringing up more
 * vCPUs (initialise, up, down) waits for more than one vCPU per domain;
 * those sub-ops and the rest answer -ENOSYS, logged once each.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/page.h>
#include <hv/pv.h>
#include <hv/time.h>

#include <asm/page.h>
#include <asm/processor.h>

#include <veneer/vcpu.h>

static struct vcpu *vcpu_of(struct domain *d, unsigned long id)
{
	if (id >= MAX_VIRT_CPUS || id >= d->max_vcpus)
		return NULL;
	return d->vcpu[id];
}

static void write_runstate(struct vcpu *v)
{
	struct vcpu_evt *e = vcpu_evt(v);
	struct vcpu_runstate_info r = {
		.state = RUNSTATE_running,
		.state_entry_time = 0,
	};

	r.time[RUNSTATE_running] = NOW();
	if (e->runstate_va && v == current_vcpu())
		copy_to_guest(e->runstate_va, &r, sizeof(r));
}

/* register_vcpu_info: move @v's vcpu_info into the guest frame @mfn. */
static long register_vcpu_info(struct vcpu *v, unsigned long arg)
{
	struct domain *d = v->domain;
	struct vcpu_register_vcpu_info info;
	struct vcpu_info *new;
	struct page_info *pg;
	unsigned long flags;

	if (copy_from_guest(&info, arg, sizeof(info)))
		return -EFAULT;
	if (info.rsvd || info.offset > PAGE_SIZE - sizeof(struct vcpu_info) ||
	    (info.offset & 7))
		return -EINVAL;
	if (vcpu_evt(v)->vcpu_info_registered)
		return -EINVAL;
	if (info.mfn >= max_page)
		return -EINVAL;
	pg = mfn_to_page(info.mfn);
	/* The frame stays the guest's, and ordinary memory, while we
	 * write into it: a general and a writable type reference. */
	if (!get_page(pg, d->id))
		return -EINVAL;
	if (get_page_type(pg, PGT_writable_page) < 0) {
		put_page(pg);
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
	struct vcpu_runstate_info r = { .state = RUNSTATE_running };

	if (!v)
		return -ENOENT;
	switch (cmd) {
	case VCPUOP_is_up:
		return 1;		/* every vCPU we have is up */
	case VCPUOP_register_runstate_memory_area:
		if (copy_from_guest(&ra, arg, sizeof(ra)))
			return -EFAULT;
		vcpu_evt(v)->runstate_va = ra.addr.p;
		write_runstate(v);
		return 0;
	case VCPUOP_get_runstate_info:
		r.time[RUNSTATE_running] = NOW();
		return copy_to_guest(arg, &r, sizeof(r));
	case VCPUOP_register_vcpu_info:
		if (v != cur)
			return -EINVAL;
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
