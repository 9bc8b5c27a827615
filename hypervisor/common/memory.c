// SPDX-License-Identifier: GPL-2.0
/*
 * memory_op: what a guest may learn about, and later change in, its
 * memory reservation.
 *
 * XENMEM_machphys_mapping says where the read-only M2P is (Linux reads
 * machine_to_phys_mapping[] directly) and how far it goes.
 *
 * The memory maps: a domain's pseudo-physical map is one RAM range,
 * [0, nr_pages) pages, with no holes, so Linux never has to release or
 * remap anything (contract §5 step 18).  The initial domain asks for the
 * machine's map instead (XENMEM_machine_memory_map).  On Xen that is the
 * real E820, and Linux then identity-maps the firmware holes below its
 * memory size (the ISA hole at 640 KiB) to machine frames it does not
 * own.  Veneer's dom0 has no devices and no firmware to talk to (it
 * boots with acpi=off pci=off), so it gets the same single RAM range:
 * no identity frames, nothing to remap, nothing dom0 maps that is not
 * its own.  The reservation queries report the
 * domain's size.
 *
 * Ballooning: decrease_reservation takes frames back from a PV guest
 * (it names them by MFN: a PV guest's frame numbers are machine ones),
 * but only frames nothing maps or uses any more (the allocation is their
 * only reference, checked in the same compare-and-swap that lets the
 * frame go, so a mapping made meanwhile makes it fail), so a guest
 * cannot free memory out from under a page table; populate_physmap gives
 * frames back, up to the size the domain was built with, and writes
 * their MFNs over the PFNs the guest asked for.  Both keep the P2M and
 * M2P in step.  Hypervisor pages the guest may map (PGC_heap: its grant
 * table) are not its to give back.  increase_reservation hands out frames
 * with no PFN (the M2P says so), as Xen does for a PV guest.  The rest
 * (exchange, add_to_physmap, ...) answers -ENOSYS, logged once.
 *
 * dom0 may name another domain in the three reservation calls: that is
 * how a toolstack gives a domain it created its memory (populate_physmap
 * returns the MFNs, for the foreign mappings that load the guest) and
 * takes it back.  A domain created empty gets a P2M of max_pages PFNs,
 * all ballooned, the first time; its limit (max_pages) holds at every
 * extent; a domain being destroyed takes no frame (memory_domain_dying()
 * and the is_dying check under balloon_lock).  Anyone else naming
 * another domain gets nothing done (0 extents, as Xen), logged once.
 *
 * Frames leaving their owner (here, at domain destroy, or at the last
 * reference of a frame its owner let go while something still held it)
 * all go back to the heap the same way, through guest_frame_free() or a
 * struct frame_batch: no CPU may keep a translation of the frame once
 * the next owner gets it.  Removing a mapping does not flush (as on Xen:
 * the guest flushes when it wants to), and the stale entry may sit in
 * another domain's TLB (a grant mapping cleared by mmu_update), so
 * before a frame goes back we flush every CPU that may hold any guest
 * translation -- those in some domain's dirty_cpus -- once per batch.
 * Then the frame is scrubbed, leaves the M2P and is freed.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/mm.h>
#include <hv/event.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/page.h>
#include <hv/pv.h>
#include <hv/smp.h>
#include <hv/spinlock.h>
#include <hv/time.h>

#include <asm/page.h>
#include <asm/processor.h>

#include <veneer/memory.h>

/**
 * do_memory_op() - XENMEM_*
 * @cmd: the sub-operation
 * @arg: its guest argument structure
 */
/* An E820 entry as the guest reads it: 20 bytes, packed. */
struct e820_entry {
	u64 addr, size;
	u32 type;
} __packed;

/* Copy @n entries to the guest's xen_memory_map at @arg. */
static long put_map(unsigned long arg, const struct e820_entry *e,
		    unsigned int n)
{
	struct xen_memory_map map;
	unsigned int i;

	if (copy_from_guest(&map, arg, sizeof(map)))
		return -EFAULT;
	if (map.nr_entries < n)
		n = map.nr_entries;
	for (i = 0; i < n; i++)
		if (copy_to_guest(map.buffer + i * sizeof(*e), &e[i],
				  sizeof(*e)))
			return -EFAULT;
	map.nr_entries = n;
	return copy_to_guest(arg, &map, sizeof(map));
}

#define M2P_RW		((unsigned long *)M2P_RW_VIRT)
#define M2P_INVALID	(~0UL)
#define MAX_EXTENT_ORDER 9	/* 2 MiB: what Linux's balloon asks for at most */

static spinlock_t balloon_lock = SPINLOCK_INIT;

/* --- frames leaving their owner ---------------------------------------- */

static unsigned long nr_free_flushes;	/* flush rounds for freed frames */
static unsigned long free_flush_ns;	/* time they took, all together */
static unsigned long nr_frames_given_back;

static void flush_here(void *unused)
{
	(void)unused;
	flush_tlb_local();
}

/*
 * Flush every CPU that may hold a guest translation (it is in some
 * domain's dirty_cpus: arch/x86/context.c), and this one.  The frames
 * are already unreachable through any page table: the fence orders that
 * before we read the masks, so a CPU not in them loads tables without
 * the frames.
 */
static void flush_guest_tlbs(void)
{
	s_time_t start = NOW();
	u64 cpus = 0;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned int id = 0; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);

		if (d)
			cpus |= __atomic_load_n(&d->dirty_cpus,
						__ATOMIC_SEQ_CST);
	}
	flush_tlb_local();
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
		if (cpu != smp_processor_id() && (cpus & (1ULL << cpu)))
			smp_call(cpu, flush_here, NULL, true);
	__atomic_fetch_add(&nr_free_flushes, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&free_flush_ns, (unsigned long)(NOW() - start),
			   __ATOMIC_RELAXED);
}

/* Word stores: the byte loop of memset() is slow under emulation. */
static void scrub_page(void *va)
{
	u64 *p = va;

	for (unsigned int i = 0; i < PAGE_SIZE / sizeof(*p); i++)
		WRITE_ONCE(p[i], 0);
}

/**
 * frame_batch_init() - an empty batch of frames to give back
 * @b: the batch
 */
void frame_batch_init(struct frame_batch *b)
{
	list_init(&b->frames);
	b->n = 0;
}

/**
 * frame_batch_add() - a frame with no reference left joins @b
 * @b:  the batch
 * @pg: the frame: put_page(), put_allocation() or
 *      put_allocation_if_unused() just said it has no reference left
 *
 * Nothing of the frame is touched before frame_batch_free(): a stale
 * TLB entry may still reach it.
 */
void frame_batch_add(struct frame_batch *b, struct page_info *pg)
{
	list_add_tail(&pg->list, &b->frames);
	b->n++;
}

/**
 * frame_batch_flush() - the one TLB flush @b's frames need
 * @b: the batch; nothing may join it afterwards before it is freed
 *
 * May send IPIs: no lock held with interrupts off that another CPU could
 * wait on with them off too (smp_call() answers our own mailbox while it
 * waits).
 */
void frame_batch_flush(struct frame_batch *b)
{
	if (b->n)
		flush_guest_tlbs();
}

/**
 * frame_batch_free_flushed() - give up to @max of @b's frames back
 * @b:   a batch frame_batch_flush() flushed after its last frame joined
 * @max: at most this many (a teardown frees a few per step)
 *
 * Each is scrubbed, leaves the M2P and its owner, and is freed.
 * Return: how many were freed; b->n is what is left.
 */
unsigned long frame_batch_free_flushed(struct frame_batch *b,
				       unsigned long max)
{
	unsigned long done = 0;

	while (done < max && !list_empty(&b->frames)) {
		struct page_info *pg = list_entry(b->frames.next,
						  struct page_info, list);
		unsigned long mfn = page_to_mfn(pg);

		list_del(&pg->list);
		scrub_page(__va((paddr_t)mfn << PAGE_SHIFT));
		WRITE_ONCE(M2P_RW[mfn], M2P_INVALID);
		pg->owner = DOMID_NONE;
		free_pages(pg, 0);
		done++;
	}
	b->n -= done;
	__atomic_fetch_add(&nr_frames_given_back, done, __ATOMIC_RELAXED);
	return done;
}

/**
 * frame_batch_free() - give @b's frames back to the heap
 * @b: the batch; empty afterwards
 *
 * One flush for the whole batch (frame_batch_flush()), then each frame
 * is scrubbed, leaves the M2P and its owner, and is freed.
 */
void frame_batch_free(struct frame_batch *b)
{
	if (!b->n)
		return;
	frame_batch_flush(b);
	frame_batch_free_flushed(b, b->n);
}

/**
 * guest_frame_free() - give back one frame that has no reference left
 * @pg: the frame (see frame_batch_add())
 */
void guest_frame_free(struct page_info *pg)
{
	struct frame_batch b;

	frame_batch_init(&b);
	frame_batch_add(&b, pg);
	frame_batch_free(&b);
}

/**
 * put_page_and_free() - drop a general reference, freeing on the last
 * @pg: a frame the caller holds a reference on
 */
void put_page_and_free(struct page_info *pg)
{
	if (put_page(pg))
		guest_frame_free(pg);
}

/**
 * frames_given_back() - what the free path has done since boot
 * @flushes:  out, its TLB flush rounds
 * @flush_ns: out, the time they took, all together
 *
 * Return: the frames it gave back to the heap.
 */
unsigned long frames_given_back(unsigned long *flushes,
				unsigned long *flush_ns)
{
	*flushes = __atomic_load_n(&nr_free_flushes, __ATOMIC_RELAXED);
	*flush_ns = __atomic_load_n(&free_flush_ns, __ATOMIC_RELAXED);
	return __atomic_load_n(&nr_frames_given_back, __ATOMIC_RELAXED);
}

/* --- the reservation ---------------------------------------------------- */

/*
 * Let one frame of @d go into @b, if nothing else holds it.  The owner
 * check and the compare-and-swap are not one step, but under balloon_lock
 * only we drop allocation references of a live domain's frames, so the
 * frame cannot change hands in between.
 */
static bool release_frame(struct domain *d, unsigned long mfn,
			  struct frame_batch *b)
{
	struct page_info *pg;
	unsigned long pfn;

	if (mfn >= max_page)
		return false;
	pg = mfn_to_page(mfn);
	if (READ_ONCE(pg->owner) != d->id)
		return false;
	if (READ_ONCE(pg->count_info) & PGC_heap) {
		static bool logged;

		if (!logged)
			gprintk(LOG_WARN, current_vcpu(), "decrease_reservation:"
				" frame %#lx is a hypervisor page the domain "
				"may map (its grant table), not its to give "
				"back (logged once)", mfn);
		logged = true;
		return false;
	}
	if (page_type_count(pg) != 0 || !put_allocation_if_unused(pg))
		return false;
	pfn = M2P_RW[mfn];
	if (pfn < d->nr_pages && d->p2m[pfn] == mfn)
		d->p2m[pfn] = M2P_INVALID;
	WRITE_ONCE(M2P_RW[mfn], M2P_INVALID);
	frame_batch_add(b, pg);
	return true;
}

/*
 * Preemption (SECURITY.md invariant 7): a reservation call works through
 * a guest-sized list of extents, so it stops between two extents when
 * hypercall_preempt_check() says so, or once it has let FREE_BATCH_MAX
 * frames go (scrubbing them is work too), and has the guest re-enter
 * with the next extent's index in cmd above MEMOP_EXTENT_SHIFT, as Xen
 * does.  The frames let go so far are freed before the continuation,
 * and the final return value counts every extent done, across all the
 * continuations.
 */
#define MEMOP_EXTENT_SHIFT	6
#define MEMOP_CMD_MASK		((1UL << MEMOP_EXTENT_SHIFT) - 1)
#define FREE_BATCH_MAX		512

static long reservation_continue(unsigned long cmd, unsigned long arg,
				 unsigned long next)
{
	return hypercall_continuation(__HYPERVISOR_memory_op, 2,
				      (cmd & MEMOP_CMD_MASK) |
				      (next << MEMOP_EXTENT_SHIFT), arg, 0, 0, 0);
}

static long decrease_reservation(struct domain *d,
				 struct xen_memory_reservation *r,
				 unsigned long cmd, unsigned long arg,
				 unsigned long start)
{
	struct frame_batch b;
	unsigned long i, j;
	xen_pfn_t mfn;
	long rc = 0;
	bool more = false;

	if (r->extent_order > MAX_EXTENT_ORDER)
		return -EINVAL;
	frame_batch_init(&b);
	for (i = start; i < r->nr_extents; i++) {
		if (i > start && (hypercall_preempt_check() ||
				  b.n >= FREE_BATCH_MAX)) {
			more = true;
			break;
		}
		if (copy_from_guest(&mfn, r->extent_start + i * sizeof(mfn),
				    sizeof(mfn))) {
			rc = i ? 0 : -EFAULT;
			break;
		}
		if (mfn >= max_page || (1UL << r->extent_order) > max_page - mfn)
			break;
		spin_lock(&balloon_lock);
		/* Its frames and P2M are going (memory_domain_dying()). */
		if (READ_ONCE(d->is_dying)) {
			spin_unlock(&balloon_lock);
			break;
		}
		for (j = 0; j < (1UL << r->extent_order); j++)
			if (!release_frame(d, mfn + j, &b))
				break;
		d->ballooned += j;
		spin_unlock(&balloon_lock);
		if (j != (1UL << r->extent_order))
			break;
	}
	/* The frames left the domain; no TLB may reach them once freed. */
	frame_batch_free(&b);
	if (more)
		return reservation_continue(cmd, arg, i);
	return rc ? rc : (long)i;
}

/*
 * May @d gain @n pages?  Its holding (nr_pages - ballooned) stays within
 * max_pages (VENEER_MGMT_setmaxmem), which may be below what it holds
 * already: it can then only give memory back.  balloon_lock held.
 */
static bool within_max_pages(const struct domain *d, unsigned long n)
{
	unsigned long held = d->nr_pages - d->ballooned;
	unsigned long max = READ_ONCE(d->max_pages);

	return held <= max && n <= max - held;
}

/**
 * domain_set_max_pages() - a new memory limit for @d
 * @d:   the domain
 * @max: pages, >= 1
 *
 * Return: the pages it holds now (it may be more than @max).
 */
unsigned long domain_set_max_pages(struct domain *d, unsigned long max)
{
	unsigned long held;

	spin_lock(&balloon_lock);
	WRITE_ONCE(d->max_pages, max);
	held = d->nr_pages - d->ballooned;
	spin_unlock(&balloon_lock);
	return held;
}

/**
 * domain_tot_pages() - the pages @d holds now
 * @d: the domain
 */
unsigned long domain_tot_pages(const struct domain *d)
{
	unsigned long nr = READ_ONCE(d->nr_pages), b = READ_ONCE(d->ballooned);

	return nr > b ? nr - b : 0;
}

/*
 * One extent of 2^@order frames for @d, zeroed, or NULL: the domain has
 * no ballooned room left, would pass its limit, is dying, or the heap is
 * empty.  The frames are given to @d (and the P2M and M2P say so, at
 * @pfn on, unless @pfn is ~0: increase_reservation's frames have no
 * PFN, as on Xen for a PV guest) under balloon_lock, after a last look
 * at is_dying: teardown (memory_domain_dying()) then either waits for
 * us or we see it and give the frames back, so no frame ever joins a
 * domain whose memory has been taken back.
 */
static struct page_info *give_extent(struct domain *d, unsigned int order,
				     xen_pfn_t pfn)
{
	unsigned long j, n = 1UL << order;
	struct page_info *pg = NULL;
	unsigned long mfn;

	spin_lock(&balloon_lock);
	if (!READ_ONCE(d->is_dying) && d->ballooned >= n) {
		if (!within_max_pages(d, n))
			gprintk(LOG_WARN, current_vcpu(), "populate_physmap: "
				"%lu more pages would take the domain (d%u) past "
				"its limit of %lu", n, d->id,
				READ_ONCE(d->max_pages));
		else
			pg = alloc_pages(order);
	}
	if (pg)
		d->ballooned -= n;
	spin_unlock(&balloon_lock);
	if (!pg)
		return NULL;
	mfn = page_to_mfn(pg);
	for (j = 0; j < n; j++)
		scrub_page(__va((mfn + j) << PAGE_SHIFT));
	spin_lock(&balloon_lock);
	if (READ_ONCE(d->is_dying)) {
		d->ballooned += n;
		spin_unlock(&balloon_lock);
		free_pages(pg, order);
		return NULL;
	}
	for (j = 0; j < n; j++) {
		assign_page(pg + j, d->id);
		if (pfn != (xen_pfn_t)~0UL)
			d->p2m[pfn + j] = mfn + j;
		WRITE_ONCE(M2P_RW[mfn + j], pfn != (xen_pfn_t)~0UL ?
			   pfn + j : M2P_INVALID);
	}
	spin_unlock(&balloon_lock);
	return pg;
}

/*
 * The extent give_extent() just gave @d goes back: its caller could not
 * be told its MFN.  A frame something took a reference on meanwhile (a
 * racing vCPU that guessed it) stays @d's; a dying @d's frames are
 * teardown's to take.
 */
static void take_back_extent(struct domain *d, struct page_info *pg,
			     unsigned int order)
{
	unsigned long j, mfn = page_to_mfn(pg);
	struct frame_batch b;

	frame_batch_init(&b);
	spin_lock(&balloon_lock);
	if (!READ_ONCE(d->is_dying))
		for (j = 0; j < (1UL << order); j++)
			if (release_frame(d, mfn + j, &b))
				d->ballooned++;
	spin_unlock(&balloon_lock);
	frame_batch_free(&b);
}

/*
 * populate_physmap (@with_pfn) and increase_reservation: each extent's
 * frames go to @d, and their first MFN is written back over the guest's
 * list entry (for a PV domain Xen does the same: the list is in the
 * caller's memory, so dom0 building a guest learns its MFNs).
 */
static long populate_physmap(struct domain *d,
			     struct xen_memory_reservation *r,
			     unsigned long cmd, unsigned long arg,
			     unsigned long start, bool with_pfn)
{
	unsigned long i, n = 1UL << r->extent_order;
	struct page_info *pg;
	xen_pfn_t pfn = ~0UL, mfn;

	if (r->extent_order > MAX_EXTENT_ORDER)
		return -EINVAL;
	for (i = start; i < r->nr_extents; i++) {
		if (i > start && hypercall_preempt_check())
			return reservation_continue(cmd, arg, i);
		if (with_pfn &&
		    copy_from_guest(&pfn, r->extent_start + i * sizeof(pfn),
				    sizeof(pfn)))
			return i ? (long)i : -EFAULT;
		/* Beyond the P2M we keep; written so nothing can wrap. */
		if (with_pfn && (pfn >= d->nr_pages || n > d->nr_pages - pfn)) {
			gprintk(LOG_WARN, current_vcpu(), "populate_physmap: "
				"pfn %#lx (order %u) is beyond the domain's "
				"%lu pages", (unsigned long)pfn,
				r->extent_order, d->nr_pages);
			break;
		}
		pg = give_extent(d, r->extent_order, pfn);
		if (!pg)
			break;
		mfn = page_to_mfn(pg);
		/*
		 * A list the MFN cannot be written to: that extent goes back
		 * (increase_reservation's frames have no PFN: nobody could
		 * ever find them again) and the answer counts the extents
		 * done before it, as the first copy's failure does.
		 */
		if (r->extent_start &&
		    copy_to_guest(r->extent_start + i * sizeof(mfn), &mfn,
				  sizeof(mfn))) {
			take_back_extent(d, pg, r->extent_order);
			return i ? (long)i : -EFAULT;
		}
	}
	return (long)i;
}

/**
 * memory_domain_dying() - no reservation call touches @d any more
 * @d: a domain whose is_dying is set
 *
 * dom0 may be populating or shrinking @d on another CPU (a reservation
 * naming it).  Each extent is handled under balloon_lock with a look at
 * is_dying, so once we have taken and dropped the lock, every call still
 * running sees @d dying and stops: teardown may then take @d's frames
 * and free its P2M knowing no frame joins it later.
 */
void memory_domain_dying(struct domain *d)
{
	(void)d;
	spin_lock(&balloon_lock);
	spin_unlock(&balloon_lock);
}

/*
 * A domain the toolstack created has no memory and no P2M: it gets a
 * P2M of max_pages PFNs, all empty (ballooned), when dom0 first names it
 * in a reservation call.  Its limit is checked again at every extent.
 */
static long ensure_p2m(struct domain *d)
{
	unsigned long max = READ_ONCE(d->max_pages), *p2m;
	unsigned int order = 0;
	long rc = 0;

	if (READ_ONCE(d->p2m))
		return 0;
	if (!max || max > max_page)
		return -EINVAL;
	while ((PAGE_SIZE << order) < max * sizeof(*p2m))
		order++;
	p2m = alloc_heap_pages(order);
	if (!p2m)
		return -ENOMEM;
	for (unsigned long i = 0; i < max; i++)
		p2m[i] = M2P_INVALID;
	spin_lock(&balloon_lock);
	if (d->p2m || d->nr_pages || READ_ONCE(d->is_dying)) {
		rc = d->p2m ? 0 : -ESRCH;
	} else {
		d->p2m_order = order;
		d->nr_pages = max;
		d->ballooned = max;
		WRITE_ONCE(d->p2m, p2m);
		p2m = NULL;
	}
	spin_unlock(&balloon_lock);
	if (p2m)
		free_heap_pages(p2m, order);
	return rc;
}

/*
 * The domain a reservation call (populate, increase, decrease) names,
 * as Xen finds it (another domain than the caller with a domain_get()
 * reference): DOMID_SELF or the caller's own id
 * is the caller; another domain only for a privileged caller (dom0
 * building or shrinking a guest).  Xen answers a domain it cannot find,
 * or one the caller may not touch, with the number of extents done so
 * far and no error code: so do we (NULL), with one log line for a
 * refusal (SECURITY.md invariant 9).
 */
static struct domain *reservation_target(struct domain *d, domid_t id,
					 unsigned int cmd)
{
	struct domain *t;

	if (id == DOMID_SELF || id == d->id)
		return d;		/* no reference needed: we run in it */
	t = id < DOMID_FIRST_RESERVED ? domain_get(id) : NULL;
	if (t && !d->is_privileged) {
		if (!d->foreign_mem_logged)
			gprintk(LOG_WARN, current_vcpu(), "memory_op %u for "
				"d%u refused: not a privileged domain (logged "
				"once)", cmd, id);
		d->foreign_mem_logged = true;
		domain_put(t);
		return NULL;
	}
	if (t && t != d && ensure_p2m(t)) {
		domain_put(t);
		return NULL;
	}
	return t;
}

/* The domain a reservation query names: only the caller's own. */
static struct domain *query_domain(struct domain *d, unsigned long arg)
{
	domid_t id;

	if (copy_from_guest(&id, arg, sizeof(id)))
		return NULL;
	return id == DOMID_SELF || id == d->id ? d : NULL;
}

long do_memory_op(unsigned long cmd, unsigned long arg)
{
	struct domain *d = current_vcpu()->domain;
	struct e820_entry ram = { 0, 0, 1 /* E820 RAM */ };
	struct xen_memory_reservation r;

	unsigned long start = cmd >> MEMOP_EXTENT_SHIFT;

	switch (cmd & MEMOP_CMD_MASK) {	/* above it, a restart point */
	case XENMEM_memory_map:
		ram.size = (u64)d->nr_pages << PAGE_SHIFT;
		return put_map(arg, &ram, 1);
	case XENMEM_machine_memory_map:
		/* dom0 owns no firmware or device memory: it sees its own
		 * RAM, with no holes to identity-map (see above). */
		if (!d->is_privileged)
			return -EPERM;
		ram.size = (u64)d->nr_pages << PAGE_SHIFT;
		return put_map(arg, &ram, 1);
	case XENMEM_current_reservation:
		if (!query_domain(d, arg))
			return -ESRCH;
		return (long)(d->nr_pages - d->ballooned);
	case XENMEM_maximum_reservation:
		if (!query_domain(d, arg))
			return -ESRCH;
		return (long)d->nr_pages;
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap:
	case XENMEM_increase_reservation: {
		struct domain *t;
		long rc;

		if (copy_from_guest(&r, arg, sizeof(r)))
			return -EFAULT;
		/* A restart point past the end: nothing left (Xen's answer). */
		if (start >= r.nr_extents)
			return (long)start;
		t = reservation_target(d, r.domid, cmd & MEMOP_CMD_MASK);
		if (!t)
			return (long)start;
		switch (cmd & MEMOP_CMD_MASK) {
		case XENMEM_decrease_reservation:
			rc = decrease_reservation(t, &r, cmd, arg, start);
			break;
		case XENMEM_populate_physmap:
			rc = populate_physmap(t, &r, cmd, arg, start, true);
			break;
		default:
			rc = populate_physmap(t, &r, cmd, arg, start, false);
		}
		if (t != d)
			domain_put(t);
		return rc;
	}
	case XENMEM_maximum_ram_page:
		return (long)max_page;
	case XENMEM_machphys_mapping: {
		struct xen_machphys_mapping m = {
			.v_start = MACH2PHYS_VIRT_START,
			.v_end = MACH2PHYS_VIRT_START +
				 max_page * sizeof(unsigned long),
			.max_mfn = max_page - 1,
		};

		return copy_to_guest(arg, &m, sizeof(m));
	}
	}
	return pv_enosys_once("memory_op", 12, cmd & MEMOP_CMD_MASK);
}
