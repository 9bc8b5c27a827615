// SPDX-License-Identifier: GPL-2.0
/*
 * The management interface: how dom0's toolstack drives the hypervisor
 * (hypercall __HYPERVISOR_veneer_mgmt, hypercall-abi/include/veneer/
 * mgmt.h; docs/management-abi.md is the reference).
 *
 * One entry, do_veneer_mgmt(), in the order every call takes:
 *   1. the caller must be privileged (dom0): anyone else gets -EPERM,
 *      and one log line per domain, not per call (SECURITY.md 9);
 *   2. the structure is copied in once; only that copy is used
 *      (invariant 4);
 *   3. the version's major must be ours: else -EPROTONOSUPPORT, with our
 *      version written back into `version` (the one field written);
 *   4. the sub-operation checks every field it uses, and its reserved
 *      and padding fields must be zero (-EINVAL);
 *   5. only the sub-operation's output goes back.
 *
 * A domain named by id is held with domain_get() for the whole call, so
 * a destroy or shutdown on another CPU cannot free it under us; its
 * is_dying says whether it is still there in any useful sense.  Guest
 * buffers (the domain list, the log) go through the checked copy
 * helpers: a bad pointer is -EFAULT.  Work is bounded by MAX_DOMAINS,
 * MAX_VIRT_CPUS and the log ring's size, never by a caller's number.
 * The one long operation is a destroy: each call runs one bounded step
 * of the domain's teardown (common/domain.c) and, while more is left,
 * re-enters itself with the same argument through a hypercall
 * continuation, as Xen's destroydomain does; dom0's kernel never sees
 * the intermediate returns.
 *
 * Domains made here are toolstack domains: created paused (a pause
 * count of 1, so unpausedomain starts them), and when they shut down or
 * crash they stay, shut down, until dom0 destroys them (common/domain.c).
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/pv.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <hv/spinlock.h>

#include <veneer/mgmt.h>
#include <veneer/sched.h>
#include <veneer/vcpu.h>

_Static_assert(NR_HYPERCALL_COUNTERS == VENEER_NR_HYPERCALL_COUNTERS,
	       "hypercall counters");
_Static_assert(NR_TRAP_COUNTERS == VENEER_NR_TRAP_COUNTERS, "trap counters");
_Static_assert(MAX_VIRT_CPUS <= VENEER_MGMT_MAX_VCPUS, "vCPUs");

extern u64 tsc_khz;			/* arch/x86/time.c */

#define OFF(f)	__builtin_offsetof(struct veneer_mgmt, f)

/* What goes back to the caller: [out_off, out_off + out_len) of op. */
struct mgmt_call {
	struct veneer_mgmt op;
	unsigned long out_off, out_len;
};

static void set_out(struct mgmt_call *c, unsigned long off, unsigned long len)
{
	c->out_off = off;
	c->out_len = len;
}

/* Creates are serialized: the id check and the insertion are one step
 * for us (domain_create() checks again).  A destroy and an affinity
 * change wait for a create in progress, whose domain is already in the
 * list while its vCPUs are still being made. */
static spinlock_t create_lock = SPINLOCK_INIT;
static domid_t last_auto_id;

/* --- physinfo ------------------------------------------------------------ */

static long mgmt_physinfo(struct mgmt_call *c)
{
	struct veneer_mgmt_physinfo *p = &c->op.u.physinfo;

	memset(p, 0, sizeof(*p));
	p->nr_cpus = nr_cpus_online;
	p->max_domains = MAX_DOMAINS;
	p->total_pages = total_pages;
	p->free_pages = free_page_count();
	p->cpu_khz = tsc_khz;
	p->version_major = VENEER_XEN_VERSION >> 16;
	p->version_minor = VENEER_XEN_VERSION & 0xffff;
	p->capabilities = VENEER_CAP_PV64 | VENEER_CAP_GRANT_V2 |
			  VENEER_CAP_FOREIGN_MAP;
	memcpy(p->extra, ".0-veneer", sizeof(".0-veneer"));
	set_out(c, OFF(u.physinfo), sizeof(*p));
	return 0;
}

/* --- createdomain, destroydomain ---------------------------------------- */

/* A free id for a new domain: round robin from the last one, so an id
 * just freed is not handed out again at once. */
static domid_t pick_id(void)
{
	for (unsigned int i = 1; i < MAX_DOMAINS; i++) {
		domid_t id = (last_auto_id + i) % MAX_DOMAINS;

		if (id && !domain_by_id(id))
			return id;
	}
	return 0;
}

static long mgmt_createdomain(struct mgmt_call *c)
{
	const struct veneer_mgmt_createdomain *cr = &c->op.u.create;
	unsigned long max_pages = cr->max_pages;
	unsigned int nr_vcpus = cr->max_vcpus;
	domid_t id = c->op.domid;
	struct domain *d;
	long rc = 0;

	if (cr->flags)
		return -EINVAL;
	if (!max_pages || max_pages > max_page)
		return -EINVAL;
	/* The interface allows VENEER_MGMT_MAX_VCPUS; we have room for
	 * MAX_VIRT_CPUS. */
	if (!nr_vcpus || nr_vcpus > MAX_VIRT_CPUS)
		return -EINVAL;
	if (id >= MAX_DOMAINS)
		return -EINVAL;

	spin_lock(&create_lock);
	if (!id) {
		id = pick_id();
		if (!id) {
			rc = -ENOSPC;
			goto out;
		}
	} else if (domain_by_id(id)) {
		rc = -EEXIST;
		goto out;
	}
	d = domain_create(id, false);
	if (!d) {
		rc = -ENOMEM;
		goto out;
	}
	/* Paused and ending only when dom0 says so, before anything can
	 * run (no vCPU has a context yet anyway). */
	d->toolstack = true;
	d->pause_count = 1;
	d->max_pages = max_pages;
	pv_mm_init(d);
	/* Spread over the online CPUs (the scheduler moves them anyway). */
	for (unsigned int i = 0, cpu = 0; i < nr_vcpus; i++, cpu++) {
		struct vcpu *v;

		while (!percpu[cpu % nr_cpus].online)
			cpu++;
		v = vcpu_create(d, i, cpu % nr_cpus);
		if (!v) {
			log_err("d%u: no memory for vCPU %u: not created", id,
				i);
			domain_destroy(d);
			rc = -ENOMEM;
			goto out;
		}
		/* No context until dom0 gives it one (setvcpucontext). */
		v->initialised = false;
	}
	last_auto_id = id;
	c->op.domid = id;
	set_out(c, OFF(domid), sizeof(c->op.domid));
	log_info("d%u: created by the toolstack: %u vCPU%s, at most %lu "
		 "pages, paused", id, nr_vcpus, nr_vcpus == 1 ? "" : "s",
		 max_pages);
out:
	spin_unlock(&create_lock);
	return rc;
}

/* The domain the call names, referenced; dom0 (or the caller) refused
 * with -EINVAL where @no_dom0. */
static long get_target(struct mgmt_call *c, bool no_dom0, struct domain **dp)
{
	struct domain *d;

	if (c->op.domid >= MAX_DOMAINS)
		return -ESRCH;
	d = domain_get(c->op.domid);
	if (!d)
		return -ESRCH;
	if (no_dom0 && (d->is_privileged || d == current_vcpu()->domain)) {
		domain_put(d);
		return -EINVAL;
	}
	*dp = d;
	return 0;
}

static long mgmt_destroydomain(struct mgmt_call *c)
{
	struct domain *d;
	long rc = get_target(c, true, &d);

	if (rc)
		return rc;
	/* Not in the middle of its creation on another CPU; and one
	 * teardown step at a time (domain_kill()). */
	spin_lock(&create_lock);
	rc = domain_kill(d);
	spin_unlock(&create_lock);
	domain_put(d);
	return rc;		/* -ERESTART: do_veneer_mgmt() continues */
}

/* --- pause, unpause ------------------------------------------------------ */

static long mgmt_pause(struct mgmt_call *c, bool pause)
{
	struct domain *d;
	long rc = get_target(c, true, &d);

	if (rc)
		return rc;
	rc = pause ? domain_pause_by_toolstack(d)
		   : domain_unpause_by_toolstack(d);
	domain_put(d);
	return rc;
}

/* --- getdomaininfo, getdomaininfolist ----------------------------------- */

static void fill_info(struct domain *d, struct veneer_domaininfo *info)
{
	unsigned int online = 0, blocked = 0;
	bool running = false;
	u64 ns = 0;

	memset(info, 0, sizeof(*info));
	info->domid = d->id;
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];

		if (!v)
			continue;
		ns += vcpu_run_ns(v);
		if (vcpu_is_on_cpu(v))
			running = true;
		if (READ_ONCE(v->down))
			continue;
		online++;
		if (READ_ONCE(v->blocked))
			blocked++;
	}
	if (running)
		info->flags |= VENEER_DOMINF_running;
	else if (online && blocked == online)
		info->flags |= VENEER_DOMINF_blocked;
	if (READ_ONCE(d->pause_count))
		info->flags |= VENEER_DOMINF_paused;
	if (READ_ONCE(d->is_dying))
		info->flags |= VENEER_DOMINF_dying;
	if (READ_ONCE(d->is_shutdown)) {
		info->flags |= VENEER_DOMINF_shutdown;
		info->shutdown_reason = READ_ONCE(d->shutdown_code);
		if (info->shutdown_reason == SHUTDOWN_crash)
			info->flags |= VENEER_DOMINF_crashed;
	}
	if (d->is_privileged)
		info->flags |= VENEER_DOMINF_privileged;
	info->nr_online_vcpus = online;
	info->max_vcpus = d->max_vcpus;
	info->tot_pages = domain_tot_pages(d);
	info->max_pages = READ_ONCE(d->max_pages);
	info->cpu_time_ns = ns;
	info->shared_info_frame = d->shared_info_mfn;
}

static long mgmt_getdomaininfo(struct mgmt_call *c)
{
	struct domain *d;
	long rc = get_target(c, false, &d);

	if (rc)
		return rc;
	fill_info(d, &c->op.u.info);
	domain_put(d);
	set_out(c, OFF(u.info), sizeof(c->op.u.info));
	return 0;
}

static long mgmt_getdomaininfolist(struct mgmt_call *c)
{
	struct veneer_mgmt_getdomaininfolist *l = &c->op.u.list;
	unsigned int n = 0;

	if (l->pad[0] || l->pad[1] || l->pad[2])
		return -EINVAL;
	/* Bounded by MAX_DOMAINS whatever max_domains says. */
	for (unsigned int id = l->first_domid;
	     id < MAX_DOMAINS && n < l->max_domains; id++) {
		struct veneer_domaininfo info;
		struct domain *d = domain_get(id);

		if (!d)
			continue;
		fill_info(d, &info);
		domain_put(d);
		if (copy_to_guest(l->buffer + (unsigned long)n * sizeof(info),
				  &info, sizeof(info)))
			return -EFAULT;
		n++;
	}
	l->nr_domains = n;
	set_out(c, OFF(u.list.nr_domains), sizeof(l->nr_domains));
	return 0;
}

/* --- getvcpuinfo, setvcpuaffinity ---------------------------------------- */

/* vCPU @id of @d: -EINVAL beyond its vCPUs (as Xen), -ESRCH if none. */
static long get_vcpu(struct domain *d, u32 id, struct vcpu **vp)
{
	if (id >= d->max_vcpus || id >= MAX_VIRT_CPUS)
		return -EINVAL;
	*vp = d->vcpu[id];
	return *vp ? 0 : -ESRCH;
}

static u64 online_cpu_mask(void)
{
	u64 m = 0;

	for (unsigned int cpu = 0; cpu < nr_cpus && cpu < 64; cpu++)
		if (percpu[cpu].online)
			m |= 1ULL << cpu;
	return m;
}

static long mgmt_getvcpuinfo(struct mgmt_call *c)
{
	struct veneer_mgmt_getvcpuinfo *vi = &c->op.u.vcpuinfo;
	struct domain *d;
	struct vcpu *v;
	long rc;

	if (vi->pad || vi->pad1)
		return -EINVAL;
	rc = get_target(c, false, &d);
	if (rc)
		return rc;
	rc = get_vcpu(d, vi->vcpu, &v);
	if (!rc) {
		vi->online = !READ_ONCE(v->down);
		vi->blocked = READ_ONCE(v->blocked);
		vi->running = vcpu_is_on_cpu(v);
		vi->cpu = READ_ONCE(v->processor);
		vi->cpu_time_ns = vcpu_run_ns(v);
		vi->affinity = READ_ONCE(v->sched.affinity);
		if (!vi->affinity)
			vi->affinity = online_cpu_mask();
		set_out(c, OFF(u.vcpuinfo.online),
			sizeof(*vi) - __builtin_offsetof(
				struct veneer_mgmt_getvcpuinfo, online));
	}
	domain_put(d);
	return rc;
}

static long mgmt_setvcpuaffinity(struct mgmt_call *c)
{
	const struct veneer_mgmt_setvcpuaffinity *a = &c->op.u.affinity;
	struct domain *d;
	struct vcpu *v;
	long rc;

	if (a->pad)
		return -EINVAL;
	rc = get_target(c, false, &d);
	if (rc)
		return rc;
	/* Not a vCPU still being created on another CPU: it is not on its
	 * CPU's list yet, which a move would take it off. */
	spin_lock(&create_lock);
	if (READ_ONCE(d->is_dying))
		rc = -EINVAL;
	else
		rc = get_vcpu(d, a->vcpu, &v);
	if (!rc)
		rc = sched_set_affinity(v, a->cpumask);
	spin_unlock(&create_lock);
	domain_put(d);
	return rc;
}

/* --- setmaxmem ----------------------------------------------------------- */

static long mgmt_setmaxmem(struct mgmt_call *c)
{
	unsigned long max = c->op.u.maxmem.max_pages;
	struct domain *d;
	long rc;

	if (!max || max > max_page)
		return -EINVAL;
	rc = get_target(c, false, &d);
	if (rc)
		return rc;
	if (READ_ONCE(d->is_dying)) {
		rc = -EINVAL;
	} else {
		unsigned long held = domain_set_max_pages(d, max);

		log_info("d%u: memory limit %lu pages (it holds %lu)", d->id,
			 max, held);
	}
	domain_put(d);
	return rc;
}

/* --- setvcpucontext ------------------------------------------------------ */

/*
 * The initial context of a vCPU of a domain dom0 is building: copied in
 * once and checked as VCPUOP_initialise checks a guest's own (pv/vcpu-
 * op.c), with a base pointer that must be an L4 dom0 pinned for the
 * domain.  Never dom0's own vCPUs, nor a dying domain's.
 */
static long mgmt_setvcpucontext(struct mgmt_call *c)
{
	const struct veneer_mgmt_setvcpucontext *sc = &c->op.u.vcpucontext;
	struct vcpu_guest_context *ctx;
	struct domain *d;
	struct vcpu *v;
	long rc;

	_Static_assert(sizeof(*ctx) <= 2 * PAGE_SIZE, "vcpu_guest_context");
	if (sc->pad)
		return -EINVAL;
	rc = get_target(c, true, &d);
	if (rc)
		return rc;
	ctx = alloc_heap_pages(1);
	if (!ctx) {
		rc = -ENOMEM;
		goto out;
	}
	if (copy_from_guest(ctx, sc->ctxt, sizeof(*ctx)))
		rc = -EFAULT;
	/* Not a domain being destroyed, nor one still being created. */
	spin_lock(&create_lock);
	if (!rc && READ_ONCE(d->is_dying))
		rc = -EINVAL;
	if (!rc)
		rc = get_vcpu(d, sc->vcpu, &v);
	if (!rc)
		rc = pv_toolstack_set_context(v, ctx);
	spin_unlock(&create_lock);
	free_heap_pages(ctx, 1);
	if (!rc)
		log_info("d%u: vCPU %u has its initial context from the "
			 "toolstack", d->id, v->id);
out:
	domain_put(d);
	return rc;
}

/* --- getschedparams, setschedparams -------------------------------------- */

static long mgmt_getschedparams(struct mgmt_call *c)
{
	struct domain *d;
	long rc = get_target(c, false, &d);

	if (rc)
		return rc;
	c->op.u.sched.weight = READ_ONCE(d->sched.weight);
	c->op.u.sched.cap = READ_ONCE(d->sched.cap);
	domain_put(d);
	set_out(c, OFF(u.sched), sizeof(c->op.u.sched));
	return 0;
}

static long mgmt_setschedparams(struct mgmt_call *c)
{
	const struct veneer_mgmt_sched *sp = &c->op.u.sched;
	struct domain *d;
	long rc = get_target(c, false, &d);

	if (rc)
		return rc;
	if (READ_ONCE(d->is_dying))
		rc = -EINVAL;
	else
		rc = sched_set_params(d, sp->weight, sp->cap);
	domain_put(d);
	return rc;
}

/* --- readconsole --------------------------------------------------------- */

#define CONSOLE_CHUNK	256
#define CONSOLE_MAX	(64 * 1024)	/* more than the ring holds */

static long mgmt_readconsole(struct mgmt_call *c)
{
	struct veneer_mgmt_readconsole *rd = &c->op.u.console;
	u32 size = rd->size < CONSOLE_MAX ? rd->size : CONSOLE_MAX;
	u64 index = rd->index;
	u32 count = 0;

	if (rd->pad || (rd->flags & ~VENEER_CONSOLE_clear))
		return -EINVAL;
	if (!guest_range_ok(rd->buffer, size))
		return -EFAULT;
	for (;;) {
		char chunk[CONSOLE_CHUNK];
		size_t want = size - count < sizeof(chunk) ? size - count
							    : sizeof(chunk);
		size_t n = log_ring_read(&index, chunk, want);

		if (!n)
			break;
		if (copy_to_guest(rd->buffer + count, chunk, n))
			return -EFAULT;
		count += n;
		if (count == size)
			break;
	}
	if (rd->flags & VENEER_CONSOLE_clear)
		log_ring_clear(index);
	rd->count = count;
	rd->index = index;
	/* count and index lie side by side. */
	_Static_assert(__builtin_offsetof(struct veneer_mgmt_readconsole,
					  index) ==
		       __builtin_offsetof(struct veneer_mgmt_readconsole,
					  count) + 4, "console layout");
	set_out(c, OFF(u.console.count), 4 + 8);
	return 0;
}

/* --- getcounters --------------------------------------------------------- */

static long mgmt_getcounters(struct mgmt_call *c)
{
	struct veneer_mgmt_getcounters *k = &c->op.u.counters;
	struct domain *d;
	long rc = get_target(c, false, &d);

	if (rc)
		return rc;
	memset(k, 0, sizeof(*k));
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		const struct vcpu_stats *s;

		if (!d->vcpu[i])
			continue;
		s = &d->vcpu[i]->stats;
		for (unsigned int n = 0; n < NR_HYPERCALL_COUNTERS; n++)
			k->hypercalls[n] += READ_ONCE(s->hypercalls[n]);
		for (unsigned int n = 0; n < NR_TRAP_COUNTERS; n++)
			k->traps[n] += READ_ONCE(s->traps[n]);
		k->pt_updates += READ_ONCE(s->pt_updates);
		k->events_sent += READ_ONCE(s->events_sent);
		k->ptwr_emulations += READ_ONCE(s->ptwr_emulations);
		k->tlb_flushes += READ_ONCE(s->tlb_flushes);
		k->multicall_entries += READ_ONCE(s->multicall_entries);
		k->bounces += READ_ONCE(s->bounces);
	}
	domain_put(d);
	set_out(c, OFF(u.counters), sizeof(*k));
	return 0;
}

/* --- the call ------------------------------------------------------------ */

static long refuse_unprivileged(struct vcpu *v)
{
	struct domain *d = v->domain;

	if (!__atomic_exchange_n(&d->mgmt_refused_logged, true,
				 __ATOMIC_RELAXED))
		gprintk(LOG_WARN, v, "veneer_mgmt refused: the domain is not "
			"privileged: -EPERM (logged once)");
	return -EPERM;
}

static long dispatch(struct mgmt_call *c)
{
	switch (c->op.cmd) {
	case VENEER_MGMT_physinfo:
		return mgmt_physinfo(c);
	case VENEER_MGMT_createdomain:
		return mgmt_createdomain(c);
	case VENEER_MGMT_destroydomain:
		return mgmt_destroydomain(c);
	case VENEER_MGMT_pausedomain:
		return mgmt_pause(c, true);
	case VENEER_MGMT_unpausedomain:
		return mgmt_pause(c, false);
	case VENEER_MGMT_getdomaininfo:
		return mgmt_getdomaininfo(c);
	case VENEER_MGMT_getdomaininfolist:
		return mgmt_getdomaininfolist(c);
	case VENEER_MGMT_getvcpuinfo:
		return mgmt_getvcpuinfo(c);
	case VENEER_MGMT_setmaxmem:
		return mgmt_setmaxmem(c);
	case VENEER_MGMT_setvcpucontext:
		return mgmt_setvcpucontext(c);
	case VENEER_MGMT_getschedparams:
		return mgmt_getschedparams(c);
	case VENEER_MGMT_setschedparams:
		return mgmt_setschedparams(c);
	case VENEER_MGMT_setvcpuaffinity:
		return mgmt_setvcpuaffinity(c);
	case VENEER_MGMT_readconsole:
		return mgmt_readconsole(c);
	case VENEER_MGMT_getcounters:
		return mgmt_getcounters(c);
	}
	return -EINVAL;
}

/**
 * do_veneer_mgmt() - __HYPERVISOR_veneer_mgmt
 * @arg: guest address of a struct veneer_mgmt
 *
 * Return: 0 or a negative errno (docs/management-abi.md).
 */
long do_veneer_mgmt(unsigned long arg)
{
	static struct mgmt_call calls[MAX_CPUS];	/* too big for the stack */
	struct vcpu *v = current_vcpu();
	struct mgmt_call *c = &calls[smp_processor_id()];
	long rc;

	if (!v->domain->is_privileged)
		return refuse_unprivileged(v);
	/* Per CPU, and this CPU runs nothing else until we return: no
	 * handler here blocks or schedules. */
	if (copy_from_guest(&c->op, arg, sizeof(c->op)))
		return -EFAULT;
	if ((c->op.version >> 16) != (VENEER_MGMT_VERSION >> 16)) {
		u32 ours = VENEER_MGMT_VERSION;

		if (copy_to_guest(arg + OFF(version), &ours, sizeof(ours)))
			return -EFAULT;
		return -EPROTONOSUPPORT;
	}
	if (c->op.pad[0] || c->op.pad[1] || c->op.pad[2])
		return -EINVAL;
	c->out_len = 0;
	rc = dispatch(c);
	if (rc == -ERESTART)
		return hypercall_continuation(__HYPERVISOR_veneer_mgmt, 1, arg,
					      0, 0, 0, 0);
	if (!rc && c->out_len &&
	    copy_to_guest(arg + c->out_off, (const u8 *)&c->op + c->out_off,
			  c->out_len))
		rc = -EFAULT;
	return rc;
}
