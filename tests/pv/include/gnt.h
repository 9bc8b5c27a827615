/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Grant-table helpers for the PV test kernels (lib/gnt.c): the table set
 * up and mapped, entries written in the order a granter must (the flags
 * last), and one-request forms of map, unmap, unmap_and_replace and
 * copy that return the request's GNTST_* status (the hypercall itself
 * must succeed).
 */
#ifndef GNT_H
#define GNT_H

#include "pvmm.h"

#include <veneer/grant_table.h>

/* One table frame: 512 v1 entries or 256 v2 entries. */
union gnt_table {
	struct grant_entry_v1 v1[512];
	union grant_entry_v2 v2[256];
};

long gnt_op(unsigned int cmd, void *op, unsigned int count);

/* setup_table for one frame, mapped writable at @table (page aligned). */
void gnt_setup(union gnt_table *table);
/* set_version(@v); its return value, the version now in *@now. */
long gnt_set_version(uint32_t v, uint32_t *now);
/* Our (one) v2 status frame, mapped read-only at @win (page aligned). */
void gnt_map_status(volatile grant_status_t *win);

/* Grant @page to @to (v1 or v2 full page), @flags written last. */
void gnt_grant_v1(struct grant_entry_v1 *e, domid_t to, uint16_t flags,
		  const volatile void *page);
void gnt_grant_v2(union grant_entry_v2 *e, domid_t to, uint16_t flags,
		  const volatile void *page);
/* A v2 sub-page grant of @len bytes at @off of @page. */
void gnt_grant_sub(union grant_entry_v2 *e, domid_t to, uint16_t flags,
		   const volatile void *page, uint16_t off, uint16_t len);
/* A v2 transitive grant to @to of entry @tref of domain @tdom;
 * @extra: GTF_readonly or 0. */
void gnt_grant_trans(union grant_entry_v2 *e, domid_t to, uint16_t extra,
		     domid_t tdom, uint32_t tref);

/* Map @dom's grant @ref at @host (a virtual address, or a PTE's machine
 * address with GNTMAP_contains_pte); the handle in *@h. */
int gnt_map(domid_t dom, uint32_t ref, uint64_t host, uint32_t flags,
	    grant_handle_t *h);
int gnt_unmap(uint64_t host, grant_handle_t h);
int gnt_replace(grant_handle_t h, uint64_t host, uint64_t new_addr);

/* One side of a copy: a grant (@dom, @ref), or, with @page, our frame. */
struct gnt_side {
	domid_t dom;
	uint32_t ref;
	const volatile void *page;
	uint16_t off;
};

#define GNT_REF(d, r, o)	((struct gnt_side){ .dom = (d), .ref = (r), .off = (o) })
#define GNT_OWN(p, o)		((struct gnt_side){ .dom = DOMID_SELF, .page = (p), .off = (o) })

/* One copy, its status; quiet (no line per call), fails the test if the
 * hypercall itself does. */
int gnt_copy(struct gnt_side src, struct gnt_side dst, uint16_t len);

/* Yield until *@p == @v; fail after 60 s, saying we waited for @what. */
void gnt_wait_eq(const volatile uint64_t *p, uint64_t v, const char *what);

#endif /* GNT_H */
