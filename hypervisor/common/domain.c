// SPDX-License-Identifier: GPL-2.0
/*
 * Domains: creation, shutdown and crash.
 *
 * A domain starts with a shared_info page (a hypervisor page that the
 * guest may map: it is how the guest and we share event and time state)
 * with every vCPU's events masked, as Xen hands it over.  Its memory and
 * vCPUs are added by the builder (pv/dom0-build.c for dom0).
 *
 * Shutdown is the end of a domain's story.  For dom0 it is also the end
 * of the machine's: there is nothing else to run yet, and the test
 * runners need to know how dom0 ended, so we print one line
 * "d0 shutdown: <reason>" and leave QEMU through isa-debug-exit with a
 * status per reason (docs/hypervisor.md): poweroff 33, crash 35,
 * reboot 37, anything else 39.
 */
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/pv.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/panic.h>
#include <hv/sched.h>
#include <hv/shutdown.h>

#include <asm/page.h>

#include <veneer/sched.h>

static const char *const reason_name[] = {
	[SHUTDOWN_poweroff] = "poweroff",
	[SHUTDOWN_reboot] = "reboot",
	[SHUTDOWN_suspend] = "suspend",
	[SHUTDOWN_crash] = "crash",
	[SHUTDOWN_watchdog] = "watchdog",
	[SHUTDOWN_soft_reset] = "soft_reset",
};

struct domain *domain_list[MAX_DOMAINS];

/**
 * domain_by_id() - the domain with id @id, or NULL
 */
struct domain *domain_by_id(domid_t id)
{
	return id < MAX_DOMAINS ? READ_ONCE(domain_list[id]) : NULL;
}

const char *shutdown_reason_name(unsigned int reason)
{
	return reason < ARRAY_SIZE(reason_name) ? reason_name[reason] : "?";
}

/**
 * domain_create() - a new, empty domain
 * @id:         its domain id
 * @privileged: dom0: may use privileged operations
 *
 * Returns NULL when out of memory or @id is taken or too large.
 */
struct domain *domain_create(domid_t id, bool privileged)
{
	struct domain *d;

	_Static_assert(sizeof(*d) <= PAGE_SIZE, "struct domain");
	if (id >= MAX_DOMAINS || domain_list[id])
		return NULL;
	d = alloc_heap_pages(0);
	if (!d)
		return NULL;
	d->id = id;
	d->is_privileged = privileged;
	spin_lock_init(&d->lock);
	d->shared_info = alloc_heap_pages(0);
	if (!d->shared_info) {
		free_heap_pages(d, 0);
		return NULL;
	}
	d->shared_info_mfn = __pa(d->shared_info) >> PAGE_SHIFT;
	for (unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
		d->shared_info->vcpu_info[i].evtchn_upcall_mask = 1;
	d->sched.weight = SCHED_DEFAULT_WEIGHT;
	if (evtchn_domain_init(d) || gnttab_domain_init(d)) {
		log_err("d%u: no memory for its event channels or grants", id);
		return NULL;	/* the pages stay allocated: boot is failing */
	}
	WRITE_ONCE(domain_list[id], d);
	return d;
}

/**
 * domain_shutdown() - a domain stops, for @reason
 * @d:      the domain
 * @reason: SHUTDOWN_*
 *
 * Returns only if @d is not running on this CPU.
 */
void domain_shutdown(struct domain *d, unsigned int reason)
{
	unsigned int code;

	log_info("d%u shutdown: %s", d->id, shutdown_reason_name(reason));
	if (opt_pt_audit && d->pt.mem) {
		spin_lock(&d->pt_lock);
		pv_mm_audit(d, "shutdown");
		spin_unlock(&d->pt_lock);
	}
	d->is_dying = true;
	d->shutdown_code = reason;
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpu[i])
			d->vcpu[i]->runnable = false;
	if (d->id == 0) {
		sched_report();
		switch (reason) {
		case SHUTDOWN_poweroff:
			code = EXIT_SUCCESS_CODE;
			break;
		case SHUTDOWN_crash:
			code = EXIT_FAILURE_CODE;
			break;
		case SHUTDOWN_reboot:
			code = EXIT_DOM0_REBOOT_CODE;
			break;
		default:
			code = EXIT_DOM0_OTHER_CODE;
			break;
		}
		machine_exit(code);
	}
	if (current_vcpu() && current_vcpu()->domain == d)
		schedule();
}

/**
 * domain_crash() - the guest did something it cannot survive
 * @d:   the domain
 * @why: one line for the log
 */
void domain_crash(struct domain *d, const char *why)
{
	log_err("d%u crashed: %s", d->id, why);
	domain_shutdown(d, SHUTDOWN_crash);
	schedule();
}
