// SPDX-License-Identifier: GPL-2.0
/*
 * Grant tables v2, the bookkeeping (common/grant-v1.c is v1's).
 *
 * In v2 an entry is 16 bytes (full page, sub-page or transitive) and the
 * "in use" bits are not in it: they are in a separate array of status
 * words, in status frames that the hypervisor owns and the domain maps.
 * So the granter alone writes its entries and we alone write the status
 * words, and revocation is a handshake instead of one cmpxchg: the
 * granter clears the entry's flags, issues a full barrier and reads the
 * status; we set the status bits, issue a full barrier and read the
 * entry again.  One of the two sees the other.  Everything we use of the
 * entry (flags and domid in one load, then the frame and a sub-page's
 * range) is read once into the active entry; the granter may change the
 * entry at any moment and we never read it again for this pin.
 *
 * A transitive entry re-grants a grant another domain made to the
 * granter: as on Xen 4.17, a copy may use it (never a map), and it is
 * followed one level only (its target may not be transitive), so a loop
 * A -> B -> A ends at the second step.  Its active entry keeps the
 * target, and each pin of it holds one pin of the target (XSA-226 was a
 * mismatch there: the pins of the two levels must move together).
 */
#include <hv/grant-v2.h>
#include <hv/layout.h>

static bool is_transitive(u32 hdr)
{
	return ((u16)hdr & GTF_type_mask) == GTF_transitive;
}

/*
 * May @grantee use an entry whose first word is @hdr, for this use?  Once
 * the entry is @pinned only GTF_readonly counts, as on Xen: a granter
 * that cleared the flags to revoke it saw it in use (its revocation
 * failed), and the frame is fixed in the active entry until the last
 * use ends.  @trans: a transitive entry will do (a copy).
 */
static bool usable(u32 hdr, domid_t grantee, bool write, bool map,
		   bool pinned, bool trans)
{
	u16 flags = (u16)hdr, mask = GTF_type_mask;

	if (write && (flags & GTF_readonly))
		return false;
	if (pinned)
		return true;
	if ((domid_t)(hdr >> 16) != grantee)
		return false;
	if (map)
		mask |= GTF_sub_page;
	return (flags & mask) == GTF_permit_access ||
	       (trans && is_transitive(hdr));
}

static u32 read_hdr(union grant_entry_v2 *e)
{
	return __atomic_load_n(&e->__spacer[0], __ATOMIC_ACQUIRE);
}

/* The frame and range a full-page or sub-page entry names now. */
static void read_frame(union grant_entry_v2 *e, u32 hdr, u64 *frame,
		       u16 *start, u16 *length)
{
	*frame = __atomic_load_n(&e->full_page.frame, __ATOMIC_RELAXED);
	*start = 0;
	*length = PAGE_SIZE;
	if ((u16)hdr & GTF_sub_page) {
		*start = __atomic_load_n(&e->sub_page.page_off,
					 __ATOMIC_RELAXED);
		*length = __atomic_load_n(&e->sub_page.length,
					  __ATOMIC_RELAXED);
	}
}

/* The grant a transitive entry names now. */
static void read_target(union grant_entry_v2 *e, domid_t *tdom, u32 *tref)
{
	*tdom = __atomic_load_n(&e->transitive.trans_domid, __ATOMIC_RELAXED);
	*tref = __atomic_load_n(&e->transitive.gref, __ATOMIC_RELAXED);
}

/*
 * A first pin: take what the entry names into @act.  A transitive entry
 * is followed one level (the target is pinned for the granter, and may
 * not be transitive itself: ops->trans_pin() is called with the
 * granter's ops, which the target's pin is given without trans_pin).
 */
static int first_pin(union grant_entry_v2 *e, u32 hdr,
		     struct active_grant *act, domid_t grantee, bool write,
		     const struct gnt_v2_ops *ops, void *ctx)
{
	unsigned long tmfn;
	u16 start, length;
	domid_t tdom;
	u32 tref;
	u64 frame;
	int rc;

	if (is_transitive(hdr)) {
		read_target(e, &tdom, &tref);
		/* No table has that many entries (Xen: bad_gntref too). */
		if (tref > 0xffff)
			return GNTST_bad_gntref;
		rc = ops->trans_pin(tdom, tref, write, ctx, &tmfn, &start,
				    &length);
		if (rc != GNTST_okay)
			return rc;
		act->mfn = tmfn;
		act->trans_domid = tdom;
		act->trans_ref = (u16)tref;
	} else {
		read_frame(e, hdr, &frame, &start, &length);
		if (frame >= (1ULL << 32) || !ops->frame_ok(frame, ctx))
			return GNTST_bad_page;
		act->mfn = frame;
		act->trans_domid = DOMID_INVALID;
	}
	act->domid = grantee;
	act->start = start;
	act->length = length;
	return GNTST_okay;
}

/*
 * A first writable use of a pinned entry is a new permission, which the
 * entry gives only for what it names now: the pinned frame and range, or
 * the pinned transitive target.
 */
static bool names_pinned(union grant_entry_v2 *e, u32 hdr,
			 const struct active_grant *act)
{
	u16 start, length;
	domid_t tdom;
	u32 tref;
	u64 frame;

	if (is_transitive(hdr) != (act->trans_domid != DOMID_INVALID))
		return false;
	if (is_transitive(hdr)) {
		read_target(e, &tdom, &tref);
		return tdom == act->trans_domid && tref == act->trans_ref;
	}
	read_frame(e, hdr, &frame, &start, &length);
	return frame == act->mfn && start == act->start &&
	       length == act->length;
}

int gnt_pin_v2(union grant_entry_v2 *e, grant_status_t *st,
	       struct active_grant *act, domid_t grantee, bool write, bool map,
	       const struct gnt_v2_ops *ops, void *ctx, unsigned long *mfn)
{
	bool pinned = act->ro_pins || act->rw_pins;
	bool pinned_trans = pinned && act->trans_domid != DOMID_INVALID;
	bool trans = ops->trans_pin && !map;
	u16 want = write ? GTF_reading | GTF_writing : GTF_reading;
	/* A first writable use is a new permission: the entry decides. */
	bool recheck = !pinned || (write && !act->rw_pins);
	unsigned long tmfn;
	u16 undo, start, length;
	int rc = GNTST_general_error;
	u32 hdr;

	if (pinned && (act->domid != grantee || act->ro_pins >= GNT_MAX_PINS ||
		       act->rw_pins >= GNT_MAX_PINS))
		return GNTST_general_error;
	/* A sub-page grant pinned by a copy is never mapped, a transitive
	 * one never mapped nor used as another's target. */
	if (pinned && map && (act->start || act->length != PAGE_SIZE))
		return GNTST_general_error;
	if (pinned_trans && !trans)
		return GNTST_general_error;
	if (!usable(read_hdr(e), grantee, write, map, !recheck, trans))
		return GNTST_general_error;
	/* Only the bits no other pin of this entry needs are ours to undo. */
	undo = pinned ? (write && !act->rw_pins ? GTF_writing : 0) : want;
	__atomic_fetch_or(st, want, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	hdr = read_hdr(e);
	if (!usable(hdr, grantee, write, map, !recheck, trans))
		goto fail;
	if (pinned && recheck && !names_pinned(e, hdr, act))
		goto fail;
	if (!pinned) {
		rc = first_pin(e, hdr, act, grantee, write, ops, ctx);
		if (rc != GNTST_okay)
			goto fail;
	} else if (pinned_trans) {
		/* Each use holds the target too (and it cannot have moved:
		 * our pins have held it since the first). */
		rc = ops->trans_pin(act->trans_domid, act->trans_ref, write,
				    ctx, &tmfn, &start, &length);
		if (rc != GNTST_okay)
			goto fail;
		if (tmfn != act->mfn || start != act->start ||
		    length != act->length) {
			ops->trans_unpin(act->trans_domid, act->trans_ref,
					 write, ctx);
			rc = GNTST_general_error;
			goto fail;
		}
	}
	if (write)
		act->rw_pins++;
	else
		act->ro_pins++;
	*mfn = act->mfn;
	return GNTST_okay;
fail:
	if (undo)
		__atomic_fetch_and(st, (u16)~undo, __ATOMIC_RELEASE);
	return rc;
}

void gnt_unpin_v2(grant_status_t *st, struct active_grant *act, bool write,
		  const struct gnt_v2_ops *ops, void *ctx)
{
	u16 clear = 0;

	if (act->trans_domid != DOMID_INVALID)
		ops->trans_unpin(act->trans_domid, act->trans_ref, write, ctx);
	if (write) {
		if (!--act->rw_pins)
			clear |= GTF_writing;
	} else {
		act->ro_pins--;
	}
	if (!act->ro_pins && !act->rw_pins)
		clear |= GTF_reading;
	if (clear)
		__atomic_fetch_and(st, (u16)~clear, __ATOMIC_RELEASE);
}

bool gnt_v2_representable(const union grant_entry_v2 *e)
{
	switch (e->hdr.flags & GTF_type_mask) {
	case GTF_permit_access:
		return !(e->full_page.frame >> 32);
	case GTF_transitive:
		return false;
	}
	return true;
}

struct grant_entry_v1 gnt_v2_to_v1(const union grant_entry_v2 *e,
				   grant_status_t st)
{
	struct grant_entry_v1 v1 = { 0 };

	if ((e->hdr.flags & GTF_type_mask) == GTF_permit_access) {
		v1.flags = e->hdr.flags | (st & (GTF_reading | GTF_writing));
		v1.domid = e->hdr.domid;
		v1.frame = (u32)e->full_page.frame;
	}
	return v1;
}

void gnt_v1_to_v2(struct grant_entry_v1 e, union grant_entry_v2 *out,
		  grant_status_t *st)
{
	*out = (union grant_entry_v2){ 0 };
	out->hdr.flags = e.flags & ~(GTF_reading | GTF_writing);
	out->hdr.domid = e.domid;
	out->full_page.frame = e.frame;
	*st = e.flags & (GTF_reading | GTF_writing);
}
