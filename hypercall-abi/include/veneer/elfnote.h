/* SPDX-License-Identifier: MIT */
/*
 * Types of the ELF notes (owner name "Xen") in which a PV kernel tells
 * the domain builder where to load it and what it needs.
 */
#ifndef VENEER_ELFNOTE_H
#define VENEER_ELFNOTE_H

#define XEN_ELFNOTE_INFO                0 /* unused */
#define XEN_ELFNOTE_ENTRY               1 /* virtual entry point */
#define XEN_ELFNOTE_HYPERCALL_PAGE      2 /* VA for the hypercall stub page */
#define XEN_ELFNOTE_VIRT_BASE           3 /* virtual address the image is linked at */
#define XEN_ELFNOTE_PADDR_OFFSET        4 /* VA minus this = pseudo-physical */
#define XEN_ELFNOTE_XEN_VERSION         5 /* string: "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS            6 /* string: "linux" */
#define XEN_ELFNOTE_GUEST_VERSION       7 /* string: kernel version */
#define XEN_ELFNOTE_LOADER              8 /* string: "generic" */
#define XEN_ELFNOTE_PAE_MODE            9 /* string: "yes", "bimodal", ... */
#define XEN_ELFNOTE_FEATURES           10 /* string: XENFEAT names, "|"-separated */
#define XEN_ELFNOTE_BSD_SYMTAB         11 /* string: "yes" to load symbols */
#define XEN_ELFNOTE_HV_START_LOW       12 /* 32-bit: lowest hypervisor VA */
#define XEN_ELFNOTE_L1_MFN_VALID       13 /* mask and value of a valid L1 entry */
#define XEN_ELFNOTE_SUSPEND_CANCEL     14 /* supports suspend cancellation */
#define XEN_ELFNOTE_INIT_P2M           15 /* VA for the P2M (or none) */
#define XEN_ELFNOTE_MOD_START_PFN      16 /* wants mod_start as a PFN */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17 /* 32-bit bitmap of XENFEAT_* */
#define XEN_ELFNOTE_PHYS32_ENTRY       18 /* PVH 32-bit physical entry */
#define XEN_ELFNOTE_MAX                XEN_ELFNOTE_PHYS32_ENTRY

/* Notes found in crash dumps rather than in kernels. */
#define XEN_ELFNOTE_CRASH_INFO              0x1000001
#define XEN_ELFNOTE_CRASH_REGS              0x1000002
#define XEN_ELFNOTE_DUMPCORE_NONE           0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER         0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION    0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION 0x2000003

#endif /* VENEER_ELFNOTE_H */
