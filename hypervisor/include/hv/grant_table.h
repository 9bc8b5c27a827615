/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Grant tables (common/grant_table.c): what the rest of the hypervisor
 * asks of them.  gnttab_domain_init() is declared in hv/event.h, with
 * the other per-domain set-up calls.
 */
#ifndef HV_GRANT_TABLE_H
#define HV_GRANT_TABLE_H

#include <hv/types.h>

struct domain;

/*
 * The page-type engine's foreign hook (pv/mm-ops.c): may an L1 entry of
 * @d map @mfn, a frame another domain (or @d itself, through a grant)
 * owns?  True only for the one entry a grant map of @d is installing at
 * that moment, or, while @auditing, for a frame one of @d's live grant
 * mappings holds.  Called with @d's page-table lock held.
 */
bool gnttab_foreign_ok(struct domain *d, unsigned long mfn, bool writable,
		       bool auditing);

/* A dying domain's grant state ends (common/domain.c: domain_destroy()). */
void gnttab_domain_destroy(struct domain *d);

/*
 * pv/mm-audit.c: add to @slack[mfn] how many writable type references on
 * @d's frame @mfn others may hold through its grants (an upper bound).
 */
void gnttab_audit_writable_pins(struct domain *d, u32 *slack);

/* Debug key 'g' and friends: one line per live mapping of @d. */
void gnttab_dump(struct domain *d);

#endif /* HV_GRANT_TABLE_H */
