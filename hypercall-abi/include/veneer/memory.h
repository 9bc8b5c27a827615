/* SPDX-License-Identifier: MIT */
/*
 * memory_op (hypercall 12): giving memory back and getting it again
 * (the balloon driver), the guest's view of the M2P table, the memory map,
 * and adding special frames (shared_info, grant table) to a guest's physmap.
 */
#ifndef VENEER_MEMORY_H
#define VENEER_MEMORY_H

#include <veneer/xen.h>

/* memory_op commands. */
#define XENMEM_increase_reservation      0
#define XENMEM_decrease_reservation      1
#define XENMEM_maximum_ram_page          2
#define XENMEM_current_reservation       3
#define XENMEM_maximum_reservation       4
#define XENMEM_machphys_mfn_list         5
#define XENMEM_populate_physmap          6
#define XENMEM_add_to_physmap            7
#define XENMEM_memory_map                9
#define XENMEM_machine_memory_map       10
#define XENMEM_exchange                 11
#define XENMEM_machphys_mapping         12
#define XENMEM_set_memory_map           13
#define XENMEM_maximum_gpfn             14
#define XENMEM_remove_from_physmap      15
#define XENMEM_add_to_physmap_batch     23
#define XENMEM_claim_pages              24
#define XENMEM_machphys_compat_mfn_list 25
#define XENMEM_acquire_resource         28

/* Flag bits of xen_memory_reservation.mem_flags above the address width. */
#define XENMEMF_populate_on_demand (1 << 16)
#define XENMEMF_exact_node_request (1 << 17)
#define XENMEMF_vnode              (1 << 18)

/* increase/decrease_reservation and populate_physmap. */
struct xen_memory_reservation {
	xen_guest_handle_t extent_start; /* IN/OUT: array of xen_pfn_t */
	xen_ulong_t nr_extents;          /* IN: entries in that array */
	uint32_t extent_order;           /* IN: each extent is 2^order pages */
	uint32_t mem_flags;              /* IN: address bits (0-7), XENMEMF_* */
	domid_t domid;                   /* IN: usually DOMID_SELF */
};

/* Swap a set of pages for another (e.g. to get contiguous memory). */
struct xen_memory_exchange {
	struct xen_memory_reservation in;  /* pages given up */
	struct xen_memory_reservation out; /* pages wanted */
	xen_ulong_t nr_exchanged;          /* OUT: input extents done */
};

/* Argument of current/maximum_reservation and maximum_gpfn. */
struct xen_memory_domain {
	domid_t domid;
};

/* List the frames that hold the M2P table. */
struct xen_machphys_mfn_list {
	uint32_t max_extents;            /* IN: room in extent_start */
	xen_guest_handle_t extent_start; /* OUT: array of xen_pfn_t */
	uint32_t nr_extents;             /* OUT */
};

/* Where the read-only M2P table is mapped in the guest. */
struct xen_machphys_mapping {
	xen_ulong_t v_start;  /* OUT: first virtual address */
	xen_ulong_t v_end;    /* OUT: end (exclusive) */
	xen_ulong_t max_mfn;  /* OUT: highest MFN it covers */
};

/* Spaces that add_to_physmap takes idx from. */
#define XENMAPSPACE_shared_info   0 /* the shared_info page */
#define XENMAPSPACE_grant_table   1 /* a grant-table frame */
#define XENMAPSPACE_gmfn          2 /* another frame of the guest */
#define XENMAPSPACE_gmfn_range    3 /* size frames of the guest */
#define XENMAPSPACE_gmfn_foreign  4 /* a frame of a foreign domain */
#define XENMAPSPACE_dev_mmio      5 /* device MMIO (Arm) */

/* With XENMAPSPACE_grant_table: idx names a status frame. */
#define XENMAPIDX_grant_table_status 0x80000000

/* Put a frame at a guest physical address (translated guests). */
struct xen_add_to_physmap {
	domid_t domid;     /* IN */
	uint16_t size;     /* IN: count for XENMAPSPACE_gmfn_range */
	uint32_t space;    /* IN: XENMAPSPACE_* */
	xen_ulong_t idx;   /* IN: index within the space */
	xen_pfn_t gpfn;    /* IN: where to put it */
};

/* Many add_to_physmap operations in one call. */
struct xen_add_to_physmap_batch {
	domid_t domid;     /* IN */
	uint16_t space;    /* IN: XENMAPSPACE_* */
	uint16_t size;     /* IN: number of entries */
	union xen_add_to_physmap_batch_extra {
		domid_t foreign_domid; /* for XENMAPSPACE_gmfn_foreign */
		uint16_t res0;
	} u;
	xen_guest_handle_t idxs;   /* IN: array of xen_ulong_t */
	xen_guest_handle_t gpfns;  /* IN: array of xen_pfn_t */
	xen_guest_handle_t errs;   /* OUT: array of int */
};

/* Remove whatever is at gpfn. */
struct xen_remove_from_physmap {
	domid_t domid;     /* IN */
	xen_pfn_t gpfn;    /* IN */
};

/* memory_map / machine_memory_map: an E820-style table. */
struct xen_memory_map {
	uint32_t nr_entries;        /* IN: room; OUT: entries written */
	xen_guest_handle_t buffer;  /* IN: array of 20-byte E820 entries */
};

/* set_memory_map: the memory map of another domain. */
struct xen_foreign_memory_map {
	domid_t domid;
	struct xen_memory_map map;
};

/* acquire_resource: resource types and grant-table ids. */
#define XENMEM_resource_ioreq_server          0
#define XENMEM_resource_grant_table           1
#define XENMEM_resource_vmtrace_buf           2
#define XENMEM_resource_grant_table_id_shared 0
#define XENMEM_resource_grant_table_id_status 1
#define XENMEM_resource_ioreq_server_frame_bufioreq 0

/* Map frames of a domain's resource (e.g. its grant table) into the caller. */
struct xen_mem_acquire_resource {
	domid_t domid;      /* IN: owner */
	uint16_t type;      /* IN: XENMEM_resource_* */
	uint32_t id;        /* IN: which instance */
	uint32_t nr_frames; /* IN/OUT */
	uint32_t pad;
	uint64_t frame;     /* IN: first frame within the resource */
	xen_guest_handle_t frame_list; /* IN/OUT: array of xen_pfn_t */
};

#endif /* VENEER_MEMORY_H */
