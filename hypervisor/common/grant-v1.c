// SPDX-License-Identifier: GPL-2.0
/*
 * Grant tables v1, the bookkeeping: whether an entry lets a domain use
 * it, how its GTF_reading/GTF_writing flags follow the uses, the
 * mapper's handles and the L1 entry of a grant mapping.
 *
 * The granter owns the entries (they are in its memory) and may change
 * them at any time; we only ever change the two flags that say "in use",
 * with atomic operations.  A granter ends a grant with a cmpxchg of the
 * flags from "permit access" to 0, which fails while we have a flag set:
 * that is what makes revocation safe, so the flag is set in the same
 * cmpxchg that checked the entry.  common/grant_table.c calls these with
 * its lock held; this file knows nothing of domains or frames, so the
 * host unit tests (tests/unit/test_hv_grant.c) build it as it is.
 */
#include <hv/grant-v1.h>
#include <hv/layout.h>
#include <hv/pagetype.h>

int gnt_pin(struct grant_entry_v1 *e, struct active_grant *act,
	    domid_t grantee, bool write,
	    bool (*frame_ok)(unsigned long frame, void *ctx), void *ctx,
	    unsigned long *mfn)
{
	bool pinned = act->ro_pins || act->rw_pins;
	u16 flags, want;

	if (pinned && (act->domid != grantee || act->ro_pins >= GNT_MAX_PINS ||
		       act->rw_pins >= GNT_MAX_PINS))
		return GNTST_general_error;
	want = write ? GTF_reading | GTF_writing : GTF_reading;
	flags = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);
	do {
		if ((flags & GTF_type_mask) != GTF_permit_access ||
		    __atomic_load_n(&e->domid, __ATOMIC_RELAXED) != grantee ||
		    (write && (flags & GTF_readonly)))
			return GNTST_general_error;
	} while (!__atomic_compare_exchange_n(&e->flags, &flags, flags | want,
					      false, __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE));
	if (!pinned) {
		unsigned long frame = __atomic_load_n(&e->frame,
						      __ATOMIC_RELAXED);

		if (!frame_ok(frame, ctx)) {
			/* Nothing else used it: both flags were ours. */
			__atomic_fetch_and(&e->flags, (u16)~want,
					   __ATOMIC_RELEASE);
			return GNTST_bad_page;
		}
		act->mfn = frame;
		act->domid = grantee;
		act->start = 0;
		act->length = PAGE_SIZE;
		act->trans_domid = DOMID_INVALID;	/* v1 has none */
	}
	if (write)
		act->rw_pins++;
	else
		act->ro_pins++;
	*mfn = act->mfn;
	return GNTST_okay;
}

void gnt_unpin(struct grant_entry_v1 *e, struct active_grant *act,
	       bool write)
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
		__atomic_fetch_and(&e->flags, (u16)~clear, __ATOMIC_RELEASE);
}

int gnt_alloc_handle(const struct maptrack *mt, unsigned int n)
{
	for (unsigned int h = 0; h < n; h++)
		if (!mt[h].flags)
			return h;
	return -1;
}

bool gnt_maps_frame(const struct maptrack *mt, unsigned int n,
		    unsigned long mfn, bool writable)
{
	for (unsigned int h = 0; h < n; h++)
		if ((mt[h].flags & GNTMAP_host_map) && mt[h].mfn == mfn &&
		    (!writable || !(mt[h].flags & GNTMAP_readonly)))
			return true;
	return false;
}

u64 gnt_pte(unsigned long mfn, u32 flags)
{
	u64 e = ((u64)mfn << 12) | PTE_P | PTE_A | PTE_D | PTE_NX;

	if (!(flags & GNTMAP_readonly))
		e |= PTE_RW;
	if (flags & GNTMAP_application_map)
		e |= PTE_US;
	e |= (u64)((flags >> _GNTMAP_guest_avail0) & 7) << 9;
	return e;
}
