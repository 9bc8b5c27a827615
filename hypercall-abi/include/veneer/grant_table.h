/* SPDX-License-Identifier: MIT */
/*
 * Grant tables: how one domain lets another map or copy one of its pages.
 * The granting domain writes an entry in its own grant table (an array of
 * grant_entry_v1 in frames it got from GNTTABOP_setup_table); the grantee
 * names the page by (domain, grant reference) in grant_table_op calls.
 *
 * Veneer implements version 1 entries; version 2 layouts are here so that
 * the guest's probing calls can be decoded.
 */
#ifndef VENEER_GRANT_TABLE_H
#define VENEER_GRANT_TABLE_H

#include <veneer/xen.h>

/* Index into a domain's grant table. */
typedef uint32_t grant_ref_t;

/* Handle of an established mapping, returned by map_grant_ref. */
typedef uint32_t grant_handle_t;

/* Version 2 status word (status frames are separate from the entries). */
typedef uint16_t grant_status_t;

/* A version 1 grant entry, written by the granting domain. */
struct grant_entry_v1 {
	uint16_t flags;  /* GTF_*; the hypervisor sets reading/writing */
	domid_t domid;   /* domain allowed to use the grant */
	uint32_t frame;  /* granted frame (or transfer target) */
};

/* References below this are reserved for the toolstack. */
#define GNTTAB_NR_RESERVED_ENTRIES 8
#define GNTTAB_RESERVED_CONSOLE    0 /* console ring page */
#define GNTTAB_RESERVED_XENSTORE   1 /* xenstore ring page */

/* grant_entry_v1.flags: the type in the low two bits. */
#define GTF_invalid         (0U << 0) /* entry grants nothing */
#define GTF_permit_access   (1U << 0) /* domid may map or copy frame */
#define GTF_accept_transfer (2U << 0) /* domid may transfer a page here */
#define GTF_transitive      (3U << 0) /* v2 only: re-grant of another grant */
#define GTF_type_mask       (3U << 0)

/* ...and the flag bits above it (the _GTF_* are the bit numbers). */
#define _GTF_readonly   (2)
#define GTF_readonly    (1U << _GTF_readonly) /* grantee may only read */
#define _GTF_reading    (3)
#define GTF_reading     (1U << _GTF_reading)  /* set while mapped/copied for read */
#define _GTF_writing    (4)
#define GTF_writing     (1U << _GTF_writing)  /* set while mapped for write */
#define _GTF_PWT        (5)
#define GTF_PWT         (1U << _GTF_PWT)      /* cache attributes of the mapping */
#define _GTF_PCD        (6)
#define GTF_PCD         (1U << _GTF_PCD)
#define _GTF_PAT        (7)
#define GTF_PAT         (1U << _GTF_PAT)
#define _GTF_sub_page   (8)
#define GTF_sub_page    (1U << _GTF_sub_page) /* v2 only: part of a page */

/* For GTF_accept_transfer entries: progress of the transfer. */
#define _GTF_transfer_committed (2)
#define GTF_transfer_committed  (1U << _GTF_transfer_committed)
#define _GTF_transfer_completed (3)
#define GTF_transfer_completed  (1U << _GTF_transfer_completed)

/* Version 2: the part common to every entry kind. */
struct grant_entry_header {
	uint16_t flags;  /* GTF_* */
	domid_t domid;   /* grantee */
};

/* Version 2 entry, 16 bytes. */
union grant_entry_v2 {
	struct grant_entry_header hdr;
	struct {
		struct grant_entry_header hdr;
		uint32_t pad0;
		uint64_t frame;      /* whole page */
	} full_page;
	struct {
		struct grant_entry_header hdr;
		uint16_t page_off;   /* byte range within the page */
		uint16_t length;
		uint64_t frame;
	} sub_page;
	struct {
		struct grant_entry_header hdr;
		domid_t trans_domid; /* domain that granted to us */
		uint16_t pad0;
		grant_ref_t gref;    /* its grant reference */
	} transitive;
	uint32_t __spacer[4];
};

/* grant_table_op commands. */
#define GNTTABOP_map_grant_ref        0
#define GNTTABOP_unmap_grant_ref      1
#define GNTTABOP_setup_table          2
#define GNTTABOP_dump_table           3
#define GNTTABOP_transfer             4
#define GNTTABOP_copy                 5
#define GNTTABOP_query_size           6
#define GNTTABOP_unmap_and_replace    7
#define GNTTABOP_set_version          8
#define GNTTABOP_get_status_frames    9
#define GNTTABOP_get_version         10
#define GNTTABOP_swap_grant_ref      11
#define GNTTABOP_cache_flush         12

/* Map a foreign granted page. */
struct gnttab_map_grant_ref {
	uint64_t host_addr;     /* IN: VA, or PTE address with GNTMAP_contains_pte */
	uint32_t flags;         /* IN: GNTMAP_* */
	grant_ref_t ref;        /* IN */
	domid_t dom;            /* IN: granting domain */
	int16_t status;         /* OUT: GNTST_* */
	grant_handle_t handle;  /* OUT: for unmap */
	uint64_t dev_bus_addr;  /* OUT: bus address with GNTMAP_device_map */
};

/* Undo a map_grant_ref. */
struct gnttab_unmap_grant_ref {
	uint64_t host_addr;     /* IN */
	uint64_t dev_bus_addr;  /* IN */
	grant_handle_t handle;  /* IN */
	int16_t status;         /* OUT: GNTST_* */
};

/* Allocate nr_frames of grant table and return their frame numbers. */
struct gnttab_setup_table {
	domid_t dom;                   /* IN */
	uint32_t nr_frames;            /* IN */
	int16_t status;                /* OUT: GNTST_* */
	xen_guest_handle_t frame_list; /* OUT: array of xen_pfn_t */
};

/* Print a domain's grant table on the hypervisor console. */
struct gnttab_dump_table {
	domid_t dom;       /* IN */
	int16_t status;    /* OUT */
};

/* Give a page to another domain's GTF_accept_transfer entry. */
struct gnttab_transfer {
	xen_pfn_t mfn;     /* IN: page to give away */
	domid_t domid;     /* IN: receiver */
	grant_ref_t ref;   /* IN: receiver's entry */
	int16_t status;    /* OUT */
};

/* gnttab_copy.flags: which side is named by a grant reference. */
#define _GNTCOPY_source_gref (0)
#define GNTCOPY_source_gref  (1 << _GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref   (1)
#define GNTCOPY_dest_gref    (1 << _GNTCOPY_dest_gref)

/* Hypervisor-side copy between granted and/or local pages. */
struct gnttab_copy {
	struct gnttab_copy_ptr {
		union {
			grant_ref_t ref;   /* with GNTCOPY_*_gref */
			xen_pfn_t gmfn;    /* otherwise: caller's own frame */
		} u;
		domid_t domid;             /* owner of the page */
		uint16_t offset;           /* byte offset in the page */
	} source, dest;
	uint16_t len;      /* bytes; must not cross a page */
	uint16_t flags;    /* GNTCOPY_* */
	int16_t status;    /* OUT: GNTST_* */
};

/* Ask how big a domain's grant table is and may grow. */
struct gnttab_query_size {
	domid_t dom;            /* IN */
	uint32_t nr_frames;     /* OUT */
	uint32_t max_nr_frames; /* OUT */
	int16_t status;         /* OUT */
};

/* Unmap a grant and put another mapping in its place. */
struct gnttab_unmap_and_replace {
	uint64_t host_addr;     /* IN */
	uint64_t new_addr;      /* IN */
	grant_handle_t handle;  /* IN */
	int16_t status;         /* OUT */
};

/* Switch the grant-table entry format (1 or 2). */
struct gnttab_set_version {
	uint32_t version;       /* IN/OUT */
};

/* Version 2: frames of the status array. */
struct gnttab_get_status_frames {
	uint32_t nr_frames;             /* IN */
	domid_t dom;                    /* IN */
	int16_t status;                 /* OUT */
	xen_guest_handle_t frame_list;  /* OUT: array of uint64_t */
};

/* Ask which entry format a domain uses. */
struct gnttab_get_version {
	domid_t dom;       /* IN */
	uint16_t pad;
	uint32_t version;  /* OUT */
};

/* Swap two entries of the caller's table. */
struct gnttab_swap_grant_ref {
	grant_ref_t ref_a; /* IN */
	grant_ref_t ref_b; /* IN */
	int16_t status;    /* OUT */
};

/* gnttab_cache_flush.op bits. */
#define GNTTAB_CACHE_CLEAN       (1u << 0)
#define GNTTAB_CACHE_INVAL       (1u << 1)
#define GNTTAB_CACHE_SOURCE_GREF (1u << 31)

/* Clean/invalidate caches for a range (meant for Arm). */
struct gnttab_cache_flush {
	union {
		uint64_t dev_bus_addr;
		grant_ref_t ref;
	} a;               /* IN: what to flush */
	uint16_t offset;   /* IN */
	uint16_t length;   /* IN */
	uint32_t op;       /* IN: GNTTAB_CACHE_* */
};

/* gnttab_map_grant_ref.flags (the _GNTMAP_* are the bit numbers). */
#define _GNTMAP_device_map      (0)
#define GNTMAP_device_map       (1 << _GNTMAP_device_map) /* for device DMA */
#define _GNTMAP_host_map        (1)
#define GNTMAP_host_map         (1 << _GNTMAP_host_map)   /* into the CPU page tables */
#define _GNTMAP_readonly        (2)
#define GNTMAP_readonly         (1 << _GNTMAP_readonly)
#define _GNTMAP_application_map (3)
#define GNTMAP_application_map  (1 << _GNTMAP_application_map) /* user accessible */
#define _GNTMAP_contains_pte    (4)
#define GNTMAP_contains_pte     (1 << _GNTMAP_contains_pte) /* host_addr is a PTE */
/* Bits from here up are copied into the PTE's available bits. */
#define _GNTMAP_guest_avail0    (16)
#define GNTMAP_guest_avail_mask ((uint32_t)~0 << _GNTMAP_guest_avail0)

/* Status codes in the status fields above. */
#define GNTST_okay              (0)
#define GNTST_general_error     (-1)
#define GNTST_bad_domain        (-2)
#define GNTST_bad_gntref        (-3)
#define GNTST_bad_handle        (-4)
#define GNTST_bad_virt_addr     (-5)
#define GNTST_bad_dev_addr      (-6)
#define GNTST_no_device_space   (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page          (-9)
#define GNTST_bad_copy_arg      (-10) /* copy crosses a page boundary */
#define GNTST_address_too_big   (-11)
#define GNTST_eagain            (-12) /* try again later */
#define GNTST_no_space          (-13)

#endif /* VENEER_GRANT_TABLE_H */
