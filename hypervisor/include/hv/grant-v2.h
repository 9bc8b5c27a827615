/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pure data of grant tables v2 (common/grant-v2.c): pinning a v2
 * entry through its status word, and the conversion of the reserved
 * entries when a domain switches versions.  Like grant-v1.h, no
 * hypervisor state, so the host unit tests build it as it is.
 */
#ifndef HV_GRANT_V2_H
#define HV_GRANT_V2_H

#include <hv/grant-v1.h>

/* Entries per table frame, and status words per status frame. */
#define GNT_V1_PER_FRAME	(4096 / sizeof(struct grant_entry_v1))
#define GNT_V2_PER_FRAME	(4096 / sizeof(union grant_entry_v2))
#define GNT_STATUS_PER_FRAME	(4096 / sizeof(grant_status_t))

/* How many status frames a v2 table of @nr_frames table frames needs. */
static inline unsigned int gnt_status_frames(unsigned int nr_frames)
{
	return (nr_frames * GNT_V2_PER_FRAME + GNT_STATUS_PER_FRAME - 1) /
	       GNT_STATUS_PER_FRAME;
}

/*
 * What pinning a v2 entry asks of its caller (common/grant_table.c),
 * with the caller's @ctx (the granter):
 *
 *   - frame_ok(): on a first pin, may the entry name @frame (does the
 *     granter own it)?
 *   - trans_pin(): a copy uses a transitive entry: pin entry @tref of
 *     domain @tdom for a use by the granter (never itself transitive),
 *     writable if @write, and give its frame and range; a GNTST_*
 *     status.  NULL: transitive entries are refused.
 *   - trans_unpin(): undo one trans_pin().
 */
struct gnt_v2_ops {
	bool (*frame_ok)(unsigned long frame, void *ctx);
	int (*trans_pin)(domid_t tdom, u32 tref, bool write, void *ctx,
			 unsigned long *mfn, u16 *start, u16 *length);
	void (*trans_unpin)(domid_t tdom, u32 tref, bool write, void *ctx);
};

/*
 * Pin v2 entry @e, whose status word is @st, for a use by @grantee
 * (@map: a mapping, which a GTF_sub_page or transitive entry does not
 * allow; a copy may use one).  The granter writes @e, we write only @st:
 * GTF_reading (and GTF_writing) go into @st, then, after a full barrier,
 * @e is read again, so a granter that cleared @e's flags and then read
 * @st either sees our bits (its revocation fails) or makes this pin
 * fail.  On the first pin the frame (and a sub-page's range), or a
 * transitive entry's target, is read once and kept in @act.  Each pin of
 * a transitive entry pins its target once more (@ops->trans_pin), as on
 * Xen 4.17, and fails with that pin's status.  Returns a GNTST_* status;
 * on failure @st and @act are as they were.
 */
int gnt_pin_v2(union grant_entry_v2 *e, grant_status_t *st,
	       struct active_grant *act, domid_t grantee, bool write, bool map,
	       const struct gnt_v2_ops *ops, void *ctx, unsigned long *mfn);
/*
 * Undo one gnt_pin_v2(), a transitive entry's pin of its target too; the
 * last use of a kind clears its bit in @st.
 */
void gnt_unpin_v2(grant_status_t *st, struct active_grant *act, bool write,
		  const struct gnt_v2_ops *ops, void *ctx);
/*
 * The reserved entries (0..GNTTAB_NR_RESERVED_ENTRIES-1) survive a
 * version switch, converted as Xen converts them; every other entry is
 * zeroed.  gnt_v2_representable(): may @e become a v1 entry (not a
 * transitive entry, nor one whose frame needs more than 32 bits)?
 * gnt_v2_to_v1(): the v1 entry for @e and its status @st (a permitted
 * entry keeps its flags, in-use bits included; anything else becomes
 * invalid).  gnt_v1_to_v2(): the v2 entry and status for @e.
 */
bool gnt_v2_representable(const union grant_entry_v2 *e);
struct grant_entry_v1 gnt_v2_to_v1(const union grant_entry_v2 *e,
				   grant_status_t st);
void gnt_v1_to_v2(struct grant_entry_v1 e, union grant_entry_v2 *out,
		  grant_status_t *st);

#endif /* HV_GRANT_V2_H */
