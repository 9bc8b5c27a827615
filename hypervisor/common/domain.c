// SPDX-License-Identifier: GPL-2.0
/*
 * Domains: creation, shutdown, crash and destruction.
 *
 * A domain starts with a shared_info page (a hypervisor page that the
 * guest may map: it is how the guest and we share event and time state)
 * with every vCPU's events masked, as Xen hands it over.  Its memory and
 * vCPUs are added by the builder (pv/domain-build.c).
 *
 * Shutdown is the end of a domain's story.  For dom0 it is also the end
 * of the machine's: the test runners need to know how dom0 ended, so we
 * print one line "d0 shutdown: <reason>" and leave QEMU through
 * isa-debug-exit with a status per reason (docs/hypervisor.md): poweroff
 * 33, crash 35, reboot 37, anything else 39.
 *
 * A boot-time domU that shuts down or crashes is destroyed (a domain the
 * toolstack made stays until dom0 destroys it): its vCPUs stop on every
 * CPU, its event channels close, its memory goes back to the heap, it
 * leaves domain_list, and dom0 gets VIRQ_DOM_EXC.  Taking the memory
 * back is the delicate part, because the page-type engine holds
 * references inside the domain's own frames (pinned tables, base
 * pointers, table entries; mm/pagetype.c).  We drop the roots (base
 * pointers, pins, the vcpu_info frames) with the engine's own calls, so
 * that devalidation gives back every reference the tables held, and only
 * then give each frame's allocation reference back: a frame that still
 * has a reference after that is held by someone else (a grant mapping);
 * it stays out of the heap until that reference goes, and is freed then.
 * The frames go back through common/memory.c's free path: one TLB flush
 * of every CPU that may hold a guest translation, then each is scrubbed
 * and leaves the M2P, so nothing of the domain can be seen or reached
 * afterwards.  All of that is long (a scan of the frame table, a scrub
 * of every frame), so it runs in bounded steps: see "teardown, in
 * bounded steps" below for who runs them.
 *
 * Before the memory goes, the grant table ends (gnttab_domain_destroy():
 * the pins the domain held on others' grants are dropped).  Last goes
 * the domain's shell: struct domain, its vCPUs and shared_info.  The
 * vCPU that asked for the shutdown is still
 * running on its way out when its teardown is queued, so the shell
 * waits in a graveyard that a timer on CPU0 visits until every vCPU's
 * state is saved (sched.is_running false); then they leave the scheduler
 * and everything is freed.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/grant_table.h>
#include <hv/pv.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/panic.h>
#include <hv/sched.h>
#include <hv/shutdown.h>
#include <hv/smp.h>
#include <hv/time.h>
#include <hv/timer.h>

#include <asm/page.h>
#include <asm/processor.h>
#include <asm/setup.h>

#include <veneer/sched.h>

#define M2P_RW		((unsigned long *)M2P_RW_VIRT)
#define M2P_INVALID	(~0UL)

static const char *const reason_name[] = {
	[SHUTDOWN_poweroff] = "poweroff",
	[SHUTDOWN_reboot] = "reboot",
	[SHUTDOWN_suspend] = "suspend",
	[SHUTDOWN_crash] = "crash",
	[SHUTDOWN_watchdog] = "watchdog",
	[SHUTDOWN_soft_reset] = "soft_reset",
};

struct domain *domain_list[MAX_DOMAINS];

/* Taken around every change of domain_list and by domain_get(). */
static spinlock_t domlist_lock = SPINLOCK_INIT;

/**
 * domain_by_id() - the domain with id @id, or NULL
 *
 * A bare pointer: good while the caller's own domain is the one it
 * names, or for a glance (debug keys).  Code that keeps the pointer
 * while the domain could be destroyed on another CPU (the management
 * interface) takes a reference with domain_get() instead.
 */
struct domain *domain_by_id(domid_t id)
{
	return id < MAX_DOMAINS ? READ_ONCE(domain_list[id]) : NULL;
}

/**
 * domain_get() - the domain with id @id, with a reference, or NULL
 *
 * The reference keeps struct domain and its vCPU structures (not its
 * memory: a destroy still takes that) until domain_put().  A domain that
 * is dying may be returned: callers look at d->is_dying.
 */
struct domain *domain_get(domid_t id)
{
	unsigned long flags;
	struct domain *d;

	if (id >= MAX_DOMAINS)
		return NULL;
	flags = spin_lock_irqsave(&domlist_lock);
	d = domain_list[id];
	if (d)
		__atomic_add_fetch(&d->refcnt, 1, __ATOMIC_ACQ_REL);
	spin_unlock_irqrestore(&domlist_lock, flags);
	return d;
}

static void reap(void *unused);

/**
 * domain_put() - drop a domain_get() reference
 * @d: the domain
 *
 * The last reference of a destroyed domain frees its shell now, if no
 * CPU holds one of its vCPUs any more and it was buried REAP_NS ago
 * (else the reaper's timer does).
 */
void domain_put(struct domain *d)
{
	/* Read before our reference goes: after it, @d may be freed.  If
	 * it is buried after this read, the reaper's timer (armed while we
	 * held it) frees it. */
	bool buried = READ_ONCE(d->next_dead) != NULL;

	if (__atomic_sub_fetch(&d->refcnt, 1, __ATOMIC_ACQ_REL) == 0 && buried)
		reap(NULL);
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
 * It has shared_info, event channels and a grant table, no memory and no
 * vCPUs, and no memory limit (d->max_pages: the builder or the toolstack
 * sets one).  Returns NULL when out of memory or @id is taken or too
 * large; nothing is left allocated then.
 */
struct domain *domain_create(domid_t id, bool privileged)
{
	unsigned long flags;
	struct domain *d;

	_Static_assert(sizeof(*d) <= PAGE_SIZE, "struct domain");
	if (id >= MAX_DOMAINS || READ_ONCE(domain_list[id]))
		return NULL;
	/* With the count at its shell's freeing, tests see that every
	 * page came back. */
	log_info("d%u: creating, %lu pages free", id, free_page_count());
	d = alloc_heap_pages(0);
	if (!d)
		return NULL;
	d->id = id;
	d->is_privileged = privileged;
	d->max_pages = ~0UL;
	spin_lock_init(&d->lock);
	spin_lock_init(&d->state_lock);
	d->shared_info = alloc_heap_pages(0);
	if (!d->shared_info)
		goto fail;
	d->shared_info_mfn = __pa(d->shared_info) >> PAGE_SHIFT;
	for (unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
		d->shared_info->vcpu_info[i].evtchn_upcall_mask = 1;
	d->sched.weight = SCHED_DEFAULT_WEIGHT;
	if (evtchn_domain_init(d) || gnttab_domain_init(d)) {
		log_err("d%u: no memory for its event channels or grants", id);
		goto fail;
	}
	flags = spin_lock_irqsave(&domlist_lock);
	if (domain_list[id]) {
		/* Taken meanwhile by a caller on another CPU. */
		spin_unlock_irqrestore(&domlist_lock, flags);
		goto fail;
	}
	WRITE_ONCE(domain_list[id], d);
	spin_unlock_irqrestore(&domlist_lock, flags);
	return d;

fail:
	gnttab_domain_destroy(d);
	evtchn_domain_destroy(d);
	if (d->shared_info)
		free_heap_pages(d->shared_info, 0);
	free_heap_pages(d, 0);
	return NULL;
}

/*
 * Stop every vCPU of @d, wherever it runs.  is_dying already keeps them
 * off the CPUs (vcpu_runnable()); vcpu_sleep_sync() makes a CPU running
 * one reschedule (an IPI) and waits until its state is saved.  The
 * caller's own vCPU, if it is one of @d's, stops when the caller calls
 * schedule().  Called with interrupts on (domain_shutdown()): the other
 * CPU may be waiting for this one (smp_call()).
 */
static void stop_vcpus(struct domain *d)
{
	struct vcpu *curr = current_vcpu();

	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];

		if (!v)
			continue;
		WRITE_ONCE(v->runnable, false);
		if (v != curr)
			vcpu_sleep_sync(v);
	}
	/* Only now: a vCPU that was running could still set its timer. */
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpu[i])
			pv_stop_singleshot(d->vcpu[i]);
}

/*
 * --- teardown, in bounded steps ------------------------------------------
 *
 * Taking a domain's memory back means scanning the frame table twice
 * (once to unpin its tables, once to give each frame's allocation
 * reference back) and scrubbing every frame freed: tens of milliseconds
 * for a domU of a few dozen MiB under emulation.  No hypervisor entry
 * may hold a CPU that long (SECURITY.md, invariant 7), so the work is
 * cut into steps of at most TD_BUDGET_NS, and where it stands is kept
 * in d->td:
 *
 *   TD_VCPUS    each vCPU's walk left half done, base pointers, LDT and
 *               vcpu_info frames; then dom0's foreign walk on the tables
 *   TD_UNPIN    frame table scan: every pinned table of @d is unpinned
 *   TD_RELEASE  frame table scan: every frame's allocation reference
 *               goes; frames with no reference left wait in d->td.dead,
 *               and one TLB flush covers them all at the end of the scan
 *   TD_SCRUB    those frames are scrubbed and freed, TD_SCRUB_CHUNK
 *               between two looks at the clock
 *   TD_FINISH   the P2M, event channels, the domain list, VIRQ_DOM_EXC,
 *               and the shell into the graveyard
 *
 * A release of a page-table tree stops inside the engine's walk too (the
 * engine asks ops->preempt(), which asks domain_teardown_preempt() while
 * a step runs) and the step after goes on with d->td.job.
 *
 * Who runs the steps: a destroy from dom0 (domain_kill()) runs one per
 * entry of VENEER_MGMT_destroydomain, which re-enters itself through a
 * hypercall continuation until it is done, as Xen's toolstack does.  A
 * domU that ends itself (shutdown, crash) cannot wait for its own
 * teardown: it joins the deferred queue, and every CPU, on its way back
 * to a guest (pv_return_to_guest()) and in its idle loop, runs one step
 * of the queue's first domain -- the hypervisor's softirq, in effect,
 * with interrupts on and no lock held.  Only one CPU at a time works on
 * the queue.
 */
enum { TD_VCPUS = 1, TD_UNPIN, TD_RELEASE, TD_SCRUB, TD_FINISH };

static const char *const td_phase_name[] = {
	[TD_VCPUS] = "vcpus", [TD_UNPIN] = "unpin", [TD_RELEASE] = "release",
	[TD_SCRUB] = "scrub", [TD_FINISH] = "finish",
};

#define TD_BUDGET_NS	500000		/* a step's work before it stops */
#define TD_SCAN_CHECK	256		/* frames scanned between clock reads */
#define TD_SCRUB_CHUNK	8		/* frames scrubbed between clock reads */

/* Per CPU: when the step running here must stop; 0 when none runs. */
static s_time_t td_deadline[MAX_CPUS];
static s_time_t td_worst_ns;		/* the longest step since boot */

/**
 * domain_teardown_preempt() - should the page-type walk of a teardown
 * step stop here?
 *
 * Return: -1 when no teardown step runs on this CPU (ask the hypercall's
 * budget instead), else 1 when the step's time is up, 0 when not.
 */
int domain_teardown_preempt(void)
{
	s_time_t end = td_deadline[smp_processor_id()];

	if (!end)
		return -1;
	return NOW() >= end;
}

/* The longest teardown step since boot (logged with each teardown). */
static s_time_t domain_teardown_worst_ns(void)
{
	return __atomic_load_n(&td_worst_ns, __ATOMIC_RELAXED);
}

static bool td_time_up(void)
{
	return domain_teardown_preempt() == 1;
}

/* Is @pg a guest frame of @d (not a hypervisor page, not free)? */
static bool owned_by(const struct page_info *pg, domid_t id)
{
	u64 c = READ_ONCE(pg->count_info);

	return READ_ONCE(pg->owner) == id && (c & PGC_allocated) &&
	       !(c & (PGC_free | PGC_reserved | PGC_heap));
}

/* A vCPU's reference on vcpu_info's frame goes, and vcpu_info goes back
 * into shared_info, which stays: nothing may write into the old frame
 * once it is freed. */
static void release_vcpu_info(struct domain *d, struct vcpu *v)
{
	struct page_info *pg;

	if (!v->evt.vcpu_info_registered)
		return;
	pg = mfn_to_page(__pa(v->vcpu_info) >> PAGE_SHIFT);
	/* A peer may still raise one of our ports meanwhile. */
	evtchn_vcpu_info_move(v, &d->shared_info->vcpu_info[v->id]);
	v->evt.vcpu_info_registered = false;
	put_page_type(pg);
	put_page_and_free(pg);
}

/* Drop a base pointer's references through the teardown's job: true
 * when the release is done, false when it goes on at the next step. */
static bool put_base(struct domain *d, unsigned long *l4)
{
	unsigned long mfn = *l4;

	if (!mfn)
		return true;
	*l4 = 0;
	pt_put_type_job(&d->pt, &d->td.job, mfn);
	return !pt_job_pending(&d->td.job);
}

/*
 * TD_VCPUS, under pt_lock: drop what @d's vCPUs hold (base pointers, LDT
 * and vcpu_info frames) and end the walks left half done.  True when
 * done.
 */
static bool td_release_vcpus(struct domain *d)
{
	struct domain_teardown *td = &d->td;

	for (; td->vcpu < d->max_vcpus; td->vcpu++) {
		struct vcpu *v = d->vcpu[td->vcpu];

		if (!v)
			continue;
		if (td_time_up())
			return false;
		/* A walk left half done gives back what it took. */
		v->pv.ptjob.preemptible = true;
		if (pt_job_settle(&d->pt, &v->pv.ptjob))
			return false;
		if (!put_base(d, &v->pv.kernel_l4) ||
		    !put_base(d, &v->pv.user_l4))
			return false;
		pv_release_ldt(v);
		release_vcpu_info(d, v);
	}
	/* dom0's walk on our tables, if one was left. */
	d->foreign_job.preemptible = true;
	return pt_job_settle(&d->pt, &d->foreign_job) == 0;
}

/* TD_UNPIN, under pt_lock: unpin @d's pinned tables.  True when done. */
static bool td_unpin(struct domain *d)
{
	struct domain_teardown *td = &d->td;
	unsigned int n = 0;

	while (td->next < max_page) {
		unsigned long mfn = td->next;
		struct page_info *pg = mfn_to_page(mfn);

		if (++n % TD_SCAN_CHECK == 0 && td_time_up())
			return false;
		td->next++;
		if (owned_by(pg, d->id) &&
		    (READ_ONCE(pg->type_info) & PGT_pinned)) {
			pt_unpin_job(&d->pt, &td->job, mfn);
			if (pt_job_pending(&td->job))
				return false;
		}
	}
	return true;
}

/*
 * TD_RELEASE: let @d's frames go.  A frame that still has a reference
 * after its allocation reference went is held by someone else (a grant
 * or foreign mapping): it has left @d (no new reference can be taken)
 * and goes back at its last reference.  The others wait in td->dead;
 * once the scan is over, one TLB flush covers them all (as before the
 * teardown was cut into steps: a flush waits for every CPU that ran a
 * guest, which is slow on a busy host) and TD_SCRUB frees them.  True
 * when done.
 */
static bool td_release_frames(struct domain *d)
{
	struct domain_teardown *td = &d->td;
	unsigned int n = 0;

	while (td->next < max_page) {
		unsigned long mfn = td->next;
		struct page_info *pg = mfn_to_page(mfn);

		if (++n % TD_SCAN_CHECK == 0 && td_time_up())
			return false;
		td->next++;
		if (!owned_by(pg, d->id))
			continue;
		WRITE_ONCE(M2P_RW[mfn], M2P_INVALID);
		if (put_allocation(pg)) {
			frame_batch_add(&td->dead, pg);
			td->freed++;
		} else {
			td->held++;
		}
	}
	frame_batch_flush(&td->dead);
	return true;
}

/* TD_SCRUB: scrub and free what td->dead holds, a few at a time (the
 * scrub is most of a teardown's time).  True when none is left. */
static bool td_scrub(struct domain *d)
{
	struct frame_batch *b = &d->td.dead;

	while (b->n) {
		if (td_time_up())
			return false;
		frame_batch_free_flushed(b, TD_SCRUB_CHUNK);
	}
	return true;
}

static void td_finish(struct domain *d);
static void bury(struct domain *d);

/*
 * One step of @d's teardown, at most about TD_BUDGET_NS of work.  The
 * caller makes sure no other CPU runs a step of @d at the same time.
 * With @may_spin false (the deferred work) a busy pt_lock means no
 * progress this time.  Return: true when the teardown is over (the shell
 * is buried).
 */
static bool teardown_step(struct domain *d, bool may_spin)
{
	struct domain_teardown *td = &d->td;
	unsigned int cpu = smp_processor_id();
	s_time_t start = NOW(), outer = td_deadline[cpu], took;
	u8 phase = td->phase;
	bool done = false;

	td_deadline[cpu] = start + TD_BUDGET_NS;
	if (td->phase == TD_VCPUS || td->phase == TD_UNPIN) {
		if (may_spin)
			spin_lock(&d->pt_lock);
		else if (!spin_trylock(&d->pt_lock))
			goto out;
		/* A release the last step left goes on first. */
		if (!pt_job_finish_put(&d->pt, &td->job)) {
			if (td->phase == TD_VCPUS && td_release_vcpus(d)) {
				td->phase = TD_UNPIN;
				td->next = 0;
			}
			if (td->phase == TD_UNPIN && !td_time_up() &&
			    td_unpin(d)) {
				td->phase = TD_RELEASE;
				td->next = 0;
			}
		}
		spin_unlock(&d->pt_lock);
	} else if (td->phase == TD_RELEASE) {
		if (td_release_frames(d))
			td->phase = TD_SCRUB;
	}
	if (td->phase == TD_SCRUB && td_scrub(d))
		td->phase = TD_FINISH;
	if (td->phase == TD_FINISH && !td_time_up()) {
		td_finish(d);
		done = true;
	}
out:
	took = NOW() - start;
	td->steps++;
	if (took > MILLISECS(1))
		td->long_steps++;
	if (took > td->worst_ns) {
		td->worst_ns = took;
		td->worst_phase = phase;
	}
	for (s_time_t w = domain_teardown_worst_ns(); took > w;)
		if (__atomic_compare_exchange_n(&td_worst_ns, &w, took, false,
						__ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			break;
	td_deadline[cpu] = outer;
	/* Last: once buried the shell is the reaper's, freed REAP_NS on
	 * at the last reference; nothing here may touch it after that. */
	if (done)
		bury(d);
	return done;
}

/*
 * Domains destroyed whose shell is not freed yet, a list through
 * next_dead (its end is GRAVEYARD_END, so that a buried domain's
 * next_dead is never NULL): the id is free again at once, while the
 * old shell waits for its vCPUs to leave the CPUs and for the last
 * domain_get() reference.
 */
#define GRAVEYARD_END	((struct domain *)1)
static struct domain *graveyard = GRAVEYARD_END;
static spinlock_t graveyard_lock = SPINLOCK_INIT;
static struct timer reaper;
static bool reaper_ready;

#define REAP_NS	MILLISECS(20)

/*
 * A shell stays at least REAP_NS in the graveyard, also when its last
 * domain_get() reference goes earlier: code elsewhere holds a bare
 * domain_by_id() pointer for a short while (the grant and event-channel
 * paths of another domU, flush_guest_tlbs(), the debug keys), and a
 * destroy by dom0 must not free the shell under it sooner than a
 * domain's own shutdown does.
 */
static bool shell_in_use(struct domain *d)
{
	if (NOW() - d->buried_at < REAP_NS)
		return true;
	if (__atomic_load_n(&d->refcnt, __ATOMIC_ACQUIRE))
		return true;
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpu[i] &&
		    __atomic_load_n(&d->vcpu[i]->sched.is_running,
				    __ATOMIC_ACQUIRE))
			return true;
	return false;
}

static void free_shell(struct domain *d)
{
	struct page_info *si = mfn_to_page(d->shared_info_mfn);

	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpu[i])
			vcpu_free(d->vcpu[i]);
	/* pv_mm_init() gave shared_info an owner's reference; a mapping
	 * left anywhere would keep it until that mapping goes (only the
	 * domain's own tables, all gone by now, can map it).  No flush:
	 * no CPU has the domain's tables loaded any more. */
	if (!(si->count_info & PGC_allocated) || put_allocation(si))
		free_heap_pages(d->shared_info, 0);
	free_heap_pages(d, 0);
}

/* Free the shells nothing uses any more: the reaper's timer on CPU0, and
 * domain_put() of a destroyed domain's last reference. */
static void reap(void *unused)
{
	unsigned long flags = spin_lock_irqsave(&graveyard_lock);
	struct domain **pp = &graveyard, *d;
	bool again = false;

	while ((d = *pp) != GRAVEYARD_END) {
		domid_t id = d->id;

		if (shell_in_use(d)) {
			again = true;
			pp = &d->next_dead;
			continue;
		}
		*pp = d->next_dead;
		free_shell(d);
		log_info("d%u: domain and vCPU structures freed, %lu pages "
			 "free", id, free_page_count());
	}
	spin_unlock_irqrestore(&graveyard_lock, flags);
	if (again)
		set_timer(&reaper, NOW() + REAP_NS);
}

static void bury(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&graveyard_lock);

	if (!reaper_ready) {
		init_timer(&reaper, reap, NULL, 0);
		reaper_ready = true;
	}
	d->buried_at = NOW();
	d->next_dead = graveyard;
	graveyard = d;
	spin_unlock_irqrestore(&graveyard_lock, flags);
	set_timer(&reaper, NOW() + REAP_NS);
}

/*
 * What is done at once when a domain starts dying: it takes no new
 * console output, grant mapping or frame, and its grants on others go.
 * Then the steps (teardown_step()) take the rest.
 */
static void teardown_begin(struct domain *d, bool by_toolstack)
{
	struct domain_teardown *td = &d->td;

	WRITE_ONCE(d->is_dying, true);
	domu_console_gone(d);
	gnttab_domain_destroy(d);
	/* dom0 may be populating it: that stops before we take its memory. */
	memory_domain_dying(d);
	td->by_toolstack = by_toolstack;
	td->started = NOW();
	td->job.preemptible = true;
	frame_batch_init(&td->dead);
	td->next = 0;
	WRITE_ONCE(td->phase, d->pt.mem ? TD_VCPUS : TD_RELEASE);
}

/* The last step: what others can see goes last, so that a peer whose
 * channel went unbound, or dom0 woken by VIRQ_DOM_EXC, finds the domain
 * all gone. */
static void td_finish(struct domain *d)
{
	struct domain_teardown *td = &d->td;
	unsigned long back, flushes, flush_ns, flags;
	struct domain *d0;

	if (d->p2m)
		free_heap_pages(d->p2m, d->p2m_order);
	d->p2m = NULL;
	d->nr_pages = 0;
	if (td->held)
		log_warn("d%u destroyed: %lu pages freed, %lu still "
			 "referenced elsewhere, freed at their last reference",
			 d->id, td->freed, td->held);
	else
		log_info("d%u destroyed: %lu pages freed", d->id, td->freed);
	/* Wall time: under emulation on a busy host a step may be
	 * stretched by the host, so the count over 1 ms says more. */
	log_info("d%u: teardown in %u steps over %lu us, the longest "
		 "%lu us (%s), %u over 1 ms", d->id, td->steps + 1,
		 (unsigned long)((NOW() - td->started) / 1000),
		 (unsigned long)(td->worst_ns / 1000),
		 td_phase_name[td->worst_phase], td->long_steps);
	back = frames_given_back(&flushes, &flush_ns);
	log_info("frames given back since boot: %lu, after %lu TLB flush "
		 "rounds taking %lu us in all; the longest teardown step "
		 "since boot %lu us", back, flushes, flush_ns / 1000,
		 (unsigned long)(domain_teardown_worst_ns() / 1000));
	evtchn_domain_destroy(d);
	flags = spin_lock_irqsave(&domlist_lock);
	WRITE_ONCE(domain_list[d->id], NULL);
	spin_unlock_irqrestore(&domlist_lock, flags);
	d0 = domain_by_id(0);
	if (d0 && d0 != d)
		send_global_virq(d0, VIRQ_DOM_EXC);
	/* The shell goes into the graveyard at the end of the step
	 * (teardown_step()), after the step's last look at it. */
}

/**
 * domain_destroy() - take a domU apart, all at once
 * @d: a domU that was never started (a failed build): it has no memory
 *     to speak of, so the steps are few
 *
 * Its vCPUs must not run anywhere and the caller must not be running on
 * its page tables.  dom0 gets VIRQ_DOM_EXC.
 */
void domain_destroy(struct domain *d)
{
	teardown_begin(d, false);
	while (!teardown_step(d, true))
		;
}

/*
 * --- the deferred work: teardowns no hypercall drives ------------------
 *
 * A queue of dying domains, oldest first.  td_busy is the one CPU that
 * works on it; the others pass by.
 */
static struct domain *td_queue;
static spinlock_t td_lock = SPINLOCK_INIT;
static bool td_busy;

static void td_defer(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&td_lock);
	struct domain **pp = &td_queue;

	while (*pp)
		pp = &(*pp)->td.next_queued;
	d->td.next_queued = NULL;
	*pp = d;
	spin_unlock_irqrestore(&td_lock, flags);
}

/* Has one of @d's vCPUs still its state on a CPU (the one that ended
 * the domain, on its way to schedule())? */
static bool vcpus_on_cpus(const struct domain *d)
{
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpu[i] &&
		    __atomic_load_n(&d->vcpu[i]->sched.is_running,
				    __ATOMIC_ACQUIRE))
			return true;
	return false;
}

/**
 * domain_teardown_work() - one step of the oldest deferred teardown
 *
 * Called on every CPU on its way back to a guest and in its idle loop,
 * holding no lock; interrupts are on while the step runs.  Cheap when
 * the queue is empty.
 *
 * Return: true when a step ran and the queue is not empty yet (the idle
 * loop calls again rather than halt).
 */
bool domain_teardown_work(void)
{
	unsigned long flags;
	struct domain *d;
	bool done, more;

	if (!READ_ONCE(td_queue) ||
	    __atomic_exchange_n(&td_busy, true, __ATOMIC_ACQUIRE))
		return false;
	/* A reference for the step and the look at next_queued after it:
	 * the last step buries the shell, and the reaper may free it as
	 * soon as REAP_NS pass, which a step with interrupts on, or a host
	 * that stops this CPU a while, can outlast. */
	flags = spin_lock_irqsave(&td_lock);
	d = td_queue;
	if (d)
		__atomic_add_fetch(&d->refcnt, 1, __ATOMIC_ACQ_REL);
	spin_unlock_irqrestore(&td_lock, flags);
	if (!d || vcpus_on_cpus(d)) {
		__atomic_store_n(&td_busy, false, __ATOMIC_RELEASE);
		if (d)
			domain_put(d);
		return false;
	}
	flags = local_irq_save();
	local_irq_enable();
	done = teardown_step(d, false);
	local_irq_restore(flags);
	flags = spin_lock_irqsave(&td_lock);
	if (done)
		td_queue = d->td.next_queued;
	more = td_queue != NULL;
	spin_unlock_irqrestore(&td_lock, flags);
	__atomic_store_n(&td_busy, false, __ATOMIC_RELEASE);
	domain_put(d);
	return more;
}

/**
 * domain_shutdown() - a domain stops, for @reason
 * @d:      the domain
 * @reason: SHUTDOWN_*
 *
 * dom0's shutdown ends the machine; a domU's destroys the domain.
 * Returns only if the caller is not one of @d's vCPUs.
 */
/*
 * Set is_dying (@dying) or is_shutdown, with @reason, for @d unless one
 * of them is set already (someone else is ending it): true if we did.
 * Under state_lock, so that a destroy from dom0 and the domain's own
 * shutdown agree on who goes on, and a reader that sees is_shutdown
 * sees the reason.
 */
static bool claim_end(struct domain *d, bool dying, unsigned int reason)
{
	unsigned long flags = spin_lock_irqsave(&d->state_lock);
	bool ok = !d->is_dying && !d->is_shutdown;

	if (ok) {
		WRITE_ONCE(d->shutdown_code, reason);
		if (dying)
			WRITE_ONCE(d->is_dying, true);
		else
			WRITE_ONCE(d->is_shutdown, true);
	}
	spin_unlock_irqrestore(&d->state_lock, flags);
	return ok;
}

/*
 * A toolstack domain stops but stays: its vCPUs leave the CPUs (the
 * shutdown flag keeps them off, vcpu_runnable()), its memory, channels
 * and grants stay, and dom0 learns of it by VIRQ_DOM_EXC and sees the
 * reason in getdomaininfo; VENEER_MGMT_destroydomain ends it.  As Xen
 * does, so a toolstack can apply on_poweroff/on_reboot/on_crash.
 */
static void shutdown_toolstack_domain(struct domain *d, unsigned int reason)
{
	struct vcpu *curr = current_vcpu();
	struct domain *d0;

	log_info("d%u shutdown: %s (kept until the toolstack destroys it)",
		 d->id, shutdown_reason_name(reason));
	if (opt_pt_audit && d->pt.mem) {
		spin_lock(&d->pt_lock);
		pv_mm_audit(d, "shutdown");
		spin_unlock(&d->pt_lock);
	}
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpu[i] && d->vcpu[i] != curr)
			vcpu_stop_sync(d->vcpu[i]);
	d0 = domain_by_id(0);
	if (d0 && d0 != d)
		send_global_virq(d0, VIRQ_DOM_EXC);
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
	struct vcpu *curr = current_vcpu();
	unsigned long flags;
	unsigned int code;

	if (d->toolstack) {
		if (claim_end(d, false, reason)) {
			flags = local_irq_save();
			local_irq_enable();
			shutdown_toolstack_domain(d, reason);
			if (curr && curr->domain == d)
				schedule();
			local_irq_restore(flags);
			return;
		}
		if (curr && curr->domain == d)
			schedule();
		return;
	}
	if (!claim_end(d, true, reason)) {
		/* Another vCPU of @d (or dom0's destroy) got here first and
		 * is tearing it down. */
		if (curr && curr->domain == d)
			schedule();
		return;
	}
	/*
	 * The rest waits for other CPUs (vcpu_sleep_sync(), flush IPIs)
	 * and takes locks -- d->pt_lock for the audit and the teardown --
	 * whose holder may be another vCPU of @d waiting for this CPU to
	 * answer its TLB-flush IPI.  A crash comes here from a trap, with
	 * interrupts off: turn them on for all of it (SECURITY.md,
	 * invariant 8), and give a caller that is not one of @d's vCPUs
	 * its own state back.
	 */
	flags = local_irq_save();
	local_irq_enable();
	log_info("d%u shutdown: %s", d->id, shutdown_reason_name(reason));
	if (opt_pt_audit && d->pt.mem) {
		spin_lock(&d->pt_lock);
		pv_mm_audit(d, "shutdown");
		spin_unlock(&d->pt_lock);
	}
	d->shutdown_code = reason;
	if (d->id == 0) {
		sched_report();
		for (unsigned int i = 0; i < d->max_vcpus; i++)
			if (d->vcpu[i])
				d->vcpu[i]->runnable = false;
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
	stop_vcpus(d);
	/* Off @d's page tables before they go. */
	if (curr && curr->domain == d)
		write_cr3(__pa(idle_l4));
	/* The rest in steps, from the deferred work (the vCPU that ended
	 * the domain cannot wait for it). */
	teardown_begin(d, false);
	td_defer(d);
	if (curr && curr->domain == d)
		schedule();
	local_irq_restore(flags);
}

/**
 * domain_crash() - the guest did something it cannot survive
 * @d:   the domain
 * @why: one line for the log
 */
void domain_crash(struct domain *d, const char *why)
{
	if (!READ_ONCE(d->is_dying))
		log_err("d%u crashed: %s", d->id, why);
	domain_shutdown(d, SHUTDOWN_crash);
	schedule();
}

/**
 * domain_kill() - VENEER_MGMT_destroydomain: take a domU apart
 * @d: a domU, with a domain_get() reference held by the caller (who is
 *     not one of its vCPUs: dom0), under mgmt.c's create_lock
 *
 * Whether it runs, is paused or shut down: the first call stops its
 * vCPUs and starts the teardown; every call runs one bounded step of it
 * (see teardown_step()).  The shell goes at the last reference.  Called
 * with interrupts on.
 *
 * Return: 0 when the domain is gone; -ERESTART when more is left (call
 * again: the caller continues the hypercall); -ESRCH if it is being
 * destroyed already by its own shutdown.
 */
int domain_kill(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&d->state_lock);
	bool dying = d->is_dying;

	/* A domain that shut down is still ours to destroy; one that is
	 * shutting down on its own vCPU right now is waited for by
	 * stop_vcpus(). */
	WRITE_ONCE(d->is_dying, true);
	spin_unlock_irqrestore(&d->state_lock, flags);
	if (dying) {
		/* Ours, from an earlier call (create_lock orders them). */
		if (!READ_ONCE(d->td.by_toolstack) || !READ_ONCE(d->td.phase))
			return -ESRCH;
	} else {
		log_info("d%u: destroyed by the toolstack", d->id);
		stop_vcpus(d);
		teardown_begin(d, true);
	}
	if (READ_ONCE(d->next_dead))
		return -ESRCH;		/* finished by an earlier call */
	return teardown_step(d, true) ? 0 : -ERESTART;
}

#define MAX_PAUSE_COUNT	255

/**
 * domain_pause_by_toolstack() - VENEER_MGMT_pausedomain
 * @d: a domU (not the caller's), referenced
 *
 * Counts: each pause needs an unpause.  Once this returns, none of @d's
 * vCPUs is on a CPU, and none gets there until the count is back to 0;
 * the guest's own state (blocked, down) is not touched.
 *
 * Return: 0; -EINVAL for a dying domain; -EBUSY past MAX_PAUSE_COUNT.
 */
int domain_pause_by_toolstack(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&d->state_lock);
	int rc = 0;

	if (d->is_dying)
		rc = -EINVAL;
	else if (d->pause_count >= MAX_PAUSE_COUNT)
		rc = -EBUSY;
	else
		WRITE_ONCE(d->pause_count, d->pause_count + 1);
	spin_unlock_irqrestore(&d->state_lock, flags);
	if (rc)
		return rc;
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpu[i])
			vcpu_stop_sync(d->vcpu[i]);
	return 0;
}

/**
 * domain_unpause_by_toolstack() - VENEER_MGMT_unpausedomain
 * @d: a domU, referenced
 *
 * Return: 0; -EINVAL if it is not paused (or dying).
 */
int domain_unpause_by_toolstack(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&d->state_lock);
	unsigned int left = 0;
	int rc = 0;

	if (d->is_dying || !d->pause_count)
		rc = -EINVAL;
	else
		WRITE_ONCE(d->pause_count, left = d->pause_count - 1);
	spin_unlock_irqrestore(&d->state_lock, flags);
	if (rc || left)
		return rc;
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpu[i])
			vcpu_kick(d->vcpu[i]);
	return 0;
}
