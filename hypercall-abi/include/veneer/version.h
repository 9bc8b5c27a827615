/* SPDX-License-Identifier: MIT */
/*
 * xen_version (hypercall 17): version strings, and the feature bitmap
 * (XENFEAT_*) that Linux reads first of all.  Linux panics unless
 * submap 0 has mmu_pt_update_preserve_ad and gnttab_map_avail_bits set;
 * a direct-paging PV hypervisor must leave bits 0-3 clear.
 */
#ifndef VENEER_VERSION_H
#define VENEER_VERSION_H

#include <veneer/xen.h>

/* xen_version commands; version returns (major << 16) | minor. */
#define XENVER_version             0
#define XENVER_extraversion        1 /* arg: xen_extraversion_t */
#define XENVER_compile_info        2 /* arg: xen_compile_info */
#define XENVER_capabilities        3 /* arg: xen_capabilities_info_t */
#define XENVER_changeset           4 /* arg: xen_changeset_info_t */
#define XENVER_platform_parameters 5 /* arg: xen_platform_parameters */
#define XENVER_get_features        6 /* arg: xen_feature_info */
#define XENVER_pagesize            7 /* returns the page size */
#define XENVER_guest_handle        8 /* arg: xen_domain_handle (16 bytes) */
#define XENVER_commandline         9 /* arg: xen_commandline_t */
#define XENVER_build_id           10 /* arg: xen_build_id */

/* Version suffix such as ".0" or "-rc". */
typedef char xen_extraversion_t[16];
#define XEN_EXTRAVERSION_LEN (sizeof(xen_extraversion_t))

/* How the hypervisor was built. */
struct xen_compile_info {
	char compiler[64];
	char compile_by[16];
	char compile_domain[32];
	char compile_date[32];
};

/* Space-separated guest types the hypervisor runs, e.g. "xen-3.0-x86_64". */
typedef char xen_capabilities_info_t[1024];
#define XEN_CAPABILITIES_INFO_LEN (sizeof(xen_capabilities_info_t))

/* Source revision string. */
typedef char xen_changeset_info_t[64];
#define XEN_CHANGESET_INFO_LEN (sizeof(xen_changeset_info_t))

/* Start of the hypervisor's reserved virtual area. */
struct xen_platform_parameters {
	xen_ulong_t virt_start;
};

/* One 32-bit word of the feature bitmap. */
struct xen_feature_info {
	uint32_t submap_idx;  /* IN: which word */
	uint32_t submap;      /* OUT: its bits, XENFEAT_* */
};

/* The hypervisor's command line. */
typedef char xen_commandline_t[1024];

/* Build id of the hypervisor image. */
struct xen_build_id {
	uint32_t len;         /* IN: room in buf; OUT: bytes written */
	unsigned char buf[];  /* the id bytes */
};

/* Feature bits in submap 0. */
#define XENFEAT_writable_page_tables        0 /* guest may write PTEs directly */
#define XENFEAT_writable_descriptor_tables  1 /* guest may write GDT/LDT directly */
#define XENFEAT_auto_translated_physmap     2 /* hypervisor translates PFN->MFN */
#define XENFEAT_supervisor_mode_kernel      3 /* guest kernel runs in ring 0 */
#define XENFEAT_pae_pgdir_above_4gb         4 /* 32-bit PAE L3 may be above 4 GiB */
#define XENFEAT_mmu_pt_update_preserve_ad   5 /* MMU_PT_UPDATE_PRESERVE_AD works */
#define XENFEAT_highmem_assist              6 /* 32-bit highmem helpers */
#define XENFEAT_gnttab_map_avail_bits       7 /* GNTMAP_guest_avail bits honoured */
#define XENFEAT_hvm_callback_vector         8 /* HVM only */
#define XENFEAT_hvm_safe_pvclock            9 /* HVM only */
#define XENFEAT_hvm_pirqs                  10 /* HVM only */
#define XENFEAT_dom0                       11 /* this is the hardware domain */
#define XENFEAT_memory_op_vnode_supported  13 /* XENMEMF_vnode understood */
#define XENFEAT_ARM_SMCCC_supported        14 /* Arm only */
#define XENFEAT_linux_rsdp_unrestricted    15 /* PVH dom0 only */
#define XENFEAT_not_direct_mapped          16 /* Arm: not 1:1 mapped */
#define XENFEAT_direct_mapped              17 /* memory is 1:1 mapped */
#define XENFEAT_NR_SUBMAPS                  1

#endif /* VENEER_VERSION_H */
