/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pure data of grant tables v1: pinning a granted entry, the
 * mapper's handles, the L1 entry a grant mapping gets.  No hypervisor
 * state, so that host unit tests (tests/unit/test_hv_grant.c) build
 * common/grant-v1.c as it is; common/grant_table.c is the hypercall side.
 */
#ifndef HV_GRANT_V1_H
#define HV_GRANT_V1_H

#include <hv/types.h>

#include <veneer/grant_table.h>

#define GNT_MAX_PINS	0x7f	/* uses of one entry, per kind */

/* How a granted entry is in use (Xen's "active" entry). */
struct active_grant {
	u32 mfn;		/* the frame, fixed while pinned */
	domid_t domid;		/* the grantee the pins belong to */
	u8 ro_pins;		/* read-only mappings and copies from it */
	u8 rw_pins;		/* writable mappings and copies into it */
	/* The bytes of the frame it grants, fixed while pinned: the whole
	 * page, or a v2 GTF_sub_page entry's range (copies only). */
	u16 start;
	u16 length;
	/*
	 * A v2 transitive entry, pinned by copies only: the grant it names
	 * (entry @trans_ref of domain @trans_domid, granted to this
	 * table's domain), pinned once for each pin of this one; the frame
	 * and range above are that grant's.  DOMID_INVALID: not one.
	 * Set on the first pin, as the rest.
	 */
	domid_t trans_domid;
	u16 trans_ref;
};

/*
 * One grant mapping of the mapping domain; its index is the handle.  Its
 * live parts are its flags' GNTMAP_host_map (an L1 entry) and
 * GNTMAP_device_map (a reference for device use); each holds its own pin
 * of the entry, and the handle is free once neither is left.
 */
struct maptrack {
	u32 flags;		/* GNTMAP_* as mapped, less parts gone; 0: free */
	u32 ref;		/* the granter's entry */
	u32 mfn;		/* the frame its L1 entry maps */
	domid_t granter;
	u16 granter_gen;	/* the granter's table (struct gnttab gen) */
};

/*
 * Pin entry @e (its use @act) for a use by domain @grantee: the entry
 * must grant @grantee access, writable if @write; GTF_reading (and
 * GTF_writing) are set in it atomically with those checks, so a granter
 * revoking it at the same moment either fails or makes us fail.  On the
 * first pin the entry's frame is taken if @frame_ok(frame, @ctx) says
 * so.  @mfn: out, the frame.  Returns a GNTST_* status; on failure the
 * entry and @act are as they were.
 */
int gnt_pin(struct grant_entry_v1 *e, struct active_grant *act,
	    domid_t grantee, bool write,
	    bool (*frame_ok)(unsigned long frame, void *ctx), void *ctx,
	    unsigned long *mfn);

/* Undo one gnt_pin(); the last use of a kind clears its flag. */
void gnt_unpin(struct grant_entry_v1 *e, struct active_grant *act,
	       bool write);

/* The first free handle of @mt[0..@n-1], or -1. */
int gnt_alloc_handle(const struct maptrack *mt, unsigned int n);

/* Does a live host mapping in @mt[0..@n-1] map @mfn (writable if
 * @writable)? */
bool gnt_maps_frame(const struct maptrack *mt, unsigned int n,
		    unsigned long mfn, bool writable);

/*
 * The L1 entry a grant mapping of @mfn with GNTMAP_* @flags gets:
 * present, accessed, dirty, no-execute; writable unless read-only;
 * user-accessible with GNTMAP_application_map; the guest's three
 * available bits (from _GNTMAP_guest_avail0) in bits 9-11.
 */
u64 gnt_pte(unsigned long mfn, u32 flags);

#endif /* HV_GRANT_V1_H */
