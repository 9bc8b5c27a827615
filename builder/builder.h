/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The domain builder: turns a 64-bit PV kernel image into a guest that is
 * ready to run.
 *
 * One freestanding library, two callers: the hypervisor builds dom0 with it
 * from a Multiboot module, and the dom0 toolstack builds every other guest
 * with it through foreign mappings. Neither caller's memory is touched
 * directly: the caller hands in the guest's P2M and a function that maps
 * one of the guest's pseudo-physical pages.
 *
 * The steps, in the order a caller runs them:
 *   1. vb_parse_image()    check the ELF and read its Xen notes;
 *   2. vb_plan_layout()    decide where kernel, initrd, P2M, start_info,
 *                          rings, page tables and stack go (contract §3.1);
 *   3. the caller allocates nr_pages frames and fills the P2M;
 *   4. vb_build()          copies the kernel and initrd in, writes the P2M,
 *                          start_info, hypercall page and bootstrap page
 *                          tables, and returns the initial register state.
 * Every step returns 0 or a negative errno, with a one-line reason in the
 * vb_error the caller passed: an image is untrusted input.
 */
#ifndef VENEER_BUILDER_H
#define VENEER_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VB_PAGE_SIZE  4096ULL
#define VB_PAGE_SHIFT 12

/* Why a step failed, for the log or for vctl's error message. */
struct vb_error {
	char msg[160];
};

/* What vb_parse_image() learned from an image. */
struct vb_image {
	const uint8_t *elf;        /* the image, as given */
	size_t elf_len;

	uint64_t virt_base;        /* VIRT_BASE note: virtual address of PFN 0 */
	uint64_t paddr_offset;     /* PADDR_OFFSET note */
	uint64_t entry;            /* ENTRY note, else e_entry */
	uint64_t hypercall_page;   /* HYPERCALL_PAGE note (virtual), 0 if none */
	uint64_t kern_start;       /* lowest loaded pseudo-physical address */
	uint64_t kern_end;         /* end of the highest segment (not rounded) */
	uint32_t supported_features; /* XENFEAT_* bits the kernel can use */
	uint32_t required_features;  /* XENFEAT_* bits it cannot run without */
	bool supported_note;       /* a SUPPORTED_FEATURES note was present */
	bool mod_start_pfn;        /* MOD_START_PFN note: mod_start may be a PFN */
	char guest_os[32];         /* GUEST_OS note, informational */
	char loader[32];           /* LOADER note: "generic" or "linux" */
};

/*
 * Parse and check a kernel image. for_dom0 also requires the dom0 feature,
 * as Xen does: only from a kernel that has a SUPPORTED_FEATURES note (one
 * without the note predates it and is taken as dom0-capable).
 */
int vb_parse_image(const void *elf, size_t len, bool for_dom0,
		   struct vb_image *img, struct vb_error *err);

/* What the caller wants built. */
struct vb_request {
	uint64_t nr_pages;         /* memory of the domain, in 4 KiB pages */
	uint64_t initrd_len;       /* 0: no initrd */
	const void *initrd;
	const char *cmdline;       /* NULL or at most 1023 bytes */
	uint32_t sif_flags;        /* SIF_PRIVILEGED, SIF_INITDOMAIN, ... */
	uint64_t shared_info_maddr;/* machine address of the shared_info page */
	bool with_rings;           /* domU: allocate store and console ring pages */
	uint32_t store_evtchn;     /* ports to put in start_info (domU) */
	uint32_t console_evtchn;
};

/*
 * Where everything goes. All *_pfn values are pseudo-physical frames of the
 * new domain; virtual addresses are in the bootstrap region, which maps
 * PFN 0 upwards at virt_base.
 */
struct vb_layout {
	uint64_t v_start;          /* = virt_base */
	uint64_t v_end;            /* end of the mapped bootstrap region */
	uint64_t kern_pfn, kern_pages;
	uint64_t initrd_pfn, initrd_pages;
	uint64_t p2m_pfn, p2m_pages;
	uint64_t start_info_pfn;
	uint64_t store_pfn, console_pfn; /* 0 when !with_rings */
	uint64_t pt_pfn, pt_pages; /* L4, L3, L2, then the L1s */
	uint64_t nr_l1;
	uint64_t stack_pfn;
	uint64_t used_pages;       /* PFNs [0, used_pages) hold the above */
};

int vb_plan_layout(const struct vb_image *img, const struct vb_request *req,
		   struct vb_layout *lay, struct vb_error *err);

/* How the builder reaches the new domain's memory. */
struct vb_guest_mem {
	const uint64_t *p2m;       /* p2m[pfn] = mfn, nr_pages entries */
	uint64_t nr_pages;
	/* A writable pointer to page pfn; NULL fails the build. */
	void *(*map)(void *ctx, uint64_t pfn);
	void (*unmap)(void *ctx, void *va);
	void *ctx;
};

/* The first vCPU's state at entry (contract §3.3). */
struct vb_boot_state {
	uint64_t rip, rsp, rsi, rflags;
	uint16_t cs, ss;
	uint64_t cr3_mfn;          /* the bootstrap L4, to be pinned as L4 */
	uint64_t kernel_sp;
	uint16_t kernel_ss;
	uint64_t start_info_va;
	/* Frames holding bootstrap page tables: [pt_first_pfn, +nr) */
	uint64_t pt_first_pfn, nr_pt_frames;
};

int vb_build(const struct vb_image *img, const struct vb_request *req,
	     const struct vb_layout *lay, const struct vb_guest_mem *mem,
	     struct vb_boot_state *boot, struct vb_error *err);

/* Write the 128 hypercall stubs of a legacy hypercall page into page. */
void vb_write_hypercall_page(uint8_t *page);

#endif /* VENEER_BUILDER_H */
