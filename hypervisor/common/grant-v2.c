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
 * Transitive grants (a re-grant of a grant another domain made) are
 * refused with the error Xen gives an unusable entry: Xen 4.17 lets a
 * copy use them, but their reference counting was the subject of
 * XSA-226 and we do not offer them (docs/hypervisor.md).
 */
#include <hv/grant-v2.h>
#include <hv/layout.h>

/*
 * May @grantee use an entry whose first word is @hdr, for this use?  Once
 * the entry is @pinned only GTF_readonly counts, as on Xen: a granter
 * that cleared the flags to revoke it saw it in use (its revocation
 * failed), and the frame is fixed in the active entry until the last
 * use ends.
 */
static bool usable(u32 hdr, domid_t grantee, bool write, bool map,
		   bool pinned)
{
	u16 flags = (u16)hdr, mask = GTF_type_mask;

	if (write && (flags & GTF_readonly))
		return false;
	if (pinned)
		return true;
	if (map)
		mask |= GTF_sub_page;
	return (flags & mask) == GTF_permit_access &&
	       (domid_t)(hdr >> 16) == grantee;
}

static u32 read_hdr(union grant_entry_v2 *e)
{
	return __atomic_load_n(&e->__spacer[0], __ATOMIC_ACQUIRE);
}

int gnt_pin_v2(union grant_entry_v2 *e, grant_status_t *st,
	       struct active_grant *act, domid_t grantee, bool write, bool map,
	       bool (*frame_ok)(unsigned long frame, void *ctx), void *ctx,
	       unsigned long *mfn)
{
	bool pinned = act->ro_pins || act->rw_pins;
	u16 want = write ? GTF_reading | GTF_writing : GTF_reading;
	/* A first writable use is a new permission: the entry decides. */
	bool recheck = !pinned || (write && !act->rw_pins);
	u16 undo;
	u32 hdr;

	if (pinned && (act->domid != grantee || act->ro_pins >= GNT_MAX_PINS ||
		       act->rw_pins >= GNT_MAX_PINS))
		return GNTST_general_error;
	/* A sub-page grant pinned by a copy is never mapped. */
	if (pinned && map && (act->start || act->length != PAGE_SIZE))
		return GNTST_general_error;
	if (!usable(read_hdr(e), grantee, write, map, !recheck))
		return GNTST_general_error;
	/* Only the bits no other pin of this entry needs are ours to undo. */
	undo = pinned ? (write && !act->rw_pins ? GTF_writing : 0) : want;
	__atomic_fetch_or(st, want, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	hdr = read_hdr(e);
	if (!usable(hdr, grantee, write, map, !recheck))
		goto fail;
	if (pinned && recheck) {
		/* The new permission is for what the entry names now: the
		 * pinned frame and range, or nothing. */
		u64 frame = __atomic_load_n(&e->full_page.frame,
					    __ATOMIC_RELAXED);
		unsigned int start = 0, length = PAGE_SIZE;

		if ((u16)hdr & GTF_sub_page) {
			start = __atomic_load_n(&e->sub_page.page_off,
						__ATOMIC_RELAXED);
			length = __atomic_load_n(&e->sub_page.length,
						 __ATOMIC_RELAXED);
		}
		if (frame != act->mfn || start != act->start ||
		    length != act->length)
			goto fail;
	}
	if (!pinned) {
		u64 frame = __atomic_load_n(&e->full_page.frame,
					    __ATOMIC_RELAXED);

		if (frame >= (1ULL << 32) || !frame_ok(frame, ctx)) {
			__atomic_fetch_and(st, (u16)~undo, __ATOMIC_RELEASE);
			return GNTST_bad_page;
		}
		act->mfn = frame;
		act->domid = grantee;
		act->start = 0;
		act->length = PAGE_SIZE;
		if ((u16)hdr & GTF_sub_page) {
			/* The same load as the check above decided it. */
			act->start = __atomic_load_n(&e->sub_page.page_off,
						     __ATOMIC_RELAXED);
			act->length = __atomic_load_n(&e->sub_page.length,
						      __ATOMIC_RELAXED);
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
	return GNTST_general_error;
}

void gnt_unpin_v2(grant_status_t *st, struct active_grant *act, bool write)
{
	u16 clear = 0;

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
