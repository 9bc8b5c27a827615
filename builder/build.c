// SPDX-License-Identifier: GPL-2.0
/*
 * Step 4 of building a domain: fill its memory.
 *
 * The caller has allocated the domain's frames and chosen its P2M. This
 * file zeroes the bootstrap region, copies the kernel's segments and the
 * initrd in, writes the P2M list, start_info and (if the image asks for
 * one) the hypercall page, builds the bootstrap page tables and returns
 * the first vCPU's register state (contract §3.3).
 *
 * Page-table entries hold machine frames (direct paging). The page-table
 * pages themselves are mapped read-only, because the hypervisor will pin
 * the L4 and a pinned table may never be writable. Everything else is
 * mapped read-write: Linux patches its own text before doing anything.
 */
#include <veneer/arch-x86_64.h>
#include <veneer/xen.h>

#include "builder-internal.h"

#define PTE_PRESENT  0x001ULL
#define PTE_RW       0x002ULL
#define PTE_USER     0x004ULL
#define PTE_ACCESSED 0x020ULL
#define PTE_DIRTY    0x040ULL

/* Upper levels; user bit as Xen's toolstack sets it for 64-bit guests. */
#define PT_UPPER (PTE_PRESENT | PTE_RW | PTE_USER | PTE_ACCESSED | PTE_DIRTY)
#define PT_LEAF_RW (PTE_PRESENT | PTE_RW | PTE_ACCESSED | PTE_DIRTY)
#define PT_LEAF_RO (PTE_PRESENT | PTE_ACCESSED)

#define X86_EFLAGS_IF 0x200

struct ctx {
	const struct vb_guest_mem *mem;
	struct vb_error *err;
};

static int with_page(struct ctx *c, uint64_t pfn, void **va)
{
	if (pfn >= c->mem->nr_pages)
		return vb_fail(c->err, -VB_ERANGE,
			       "PFN %lx is beyond the domain's %lu pages", pfn,
			       c->mem->nr_pages);
	*va = c->mem->map(c->mem->ctx, pfn);
	if (!*va)
		return vb_fail(c->err, -VB_EFAULT, "cannot map PFN %lx", pfn);
	return 0;
}

static void done_page(struct ctx *c, void *va)
{
	if (c->mem->unmap)
		c->mem->unmap(c->mem->ctx, va);
}

/* Copy len bytes to pseudo-physical address paddr, page by page. */
static int copy_in(struct ctx *c, uint64_t paddr, const uint8_t *src,
		   uint64_t len)
{
	while (len) {
		uint64_t off = paddr & (VB_PAGE_SIZE - 1);
		uint64_t n = VB_PAGE_SIZE - off;
		void *va;
		int rc;

		if (n > len)
			n = len;
		rc = with_page(c, paddr >> VB_PAGE_SHIFT, &va);
		if (rc)
			return rc;
		vb_memcpy((uint8_t *)va + off, src, n);
		done_page(c, va);
		paddr += n;
		src += n;
		len -= n;
	}
	return 0;
}

static int zero_pages(struct ctx *c, uint64_t pfn, uint64_t count)
{
	for (uint64_t i = 0; i < count; i++) {
		void *va;
		int rc = with_page(c, pfn + i, &va);

		if (rc)
			return rc;
		vb_memset(va, 0, VB_PAGE_SIZE);
		done_page(c, va);
	}
	return 0;
}

/* The PT_LOAD segments; their bss tails stay zero from zero_pages(). */
static int load_segments(struct ctx *c, const struct vb_image *img)
{
	const uint8_t *elf = img->elf;
	uint64_t phoff;
	uint16_t phnum;

	/* vb_parse_image() checked these bounds. */
	vb_memcpy(&phoff, elf + 32, sizeof(phoff));
	vb_memcpy(&phnum, elf + 56, sizeof(phnum));
	for (unsigned int i = 0; i < phnum; i++) {
		struct {
			uint32_t type, flags;
			uint64_t offset, vaddr, paddr, filesz, memsz, align;
		} ph;
		int rc;

		vb_memcpy(&ph, elf + phoff + i * sizeof(ph), sizeof(ph));
		if (ph.type != 1 || ph.memsz == 0) /* PT_LOAD */
			continue;
		rc = copy_in(c, ph.paddr - img->paddr_offset,
			     elf + ph.offset, ph.filesz);
		if (rc)
			return rc;
	}
	return 0;
}

static int write_p2m(struct ctx *c, const struct vb_layout *lay)
{
	uint64_t per_page = VB_PAGE_SIZE / sizeof(uint64_t);

	for (uint64_t i = 0; i < lay->p2m_pages; i++) {
		uint64_t first = i * per_page, n = per_page;
		void *va;
		int rc;

		if (first + n > c->mem->nr_pages)
			n = c->mem->nr_pages - first;
		rc = with_page(c, lay->p2m_pfn + i, &va);
		if (rc)
			return rc;
		vb_memcpy(va, c->mem->p2m + first, n * sizeof(uint64_t));
		done_page(c, va);
	}
	return 0;
}

static uint64_t pfn_va(const struct vb_layout *lay, uint64_t pfn)
{
	return lay->v_start + (pfn << VB_PAGE_SHIFT);
}

static int write_start_info(struct ctx *c, const struct vb_request *req,
			    const struct vb_layout *lay)
{
	static const char magic[] = "xen-3.0-x86_64";
	const uint64_t *p2m = c->mem->p2m;
	struct start_info *si;
	void *va;
	int rc;

	rc = with_page(c, lay->start_info_pfn, &va);
	if (rc)
		return rc;
	si = va;
	vb_memcpy(si->magic, magic, sizeof(magic));
	si->nr_pages = req->nr_pages;
	si->shared_info = req->shared_info_maddr;
	si->flags = req->sif_flags;
	if (req->with_rings) {
		si->store_mfn = p2m[lay->store_pfn];
		si->store_evtchn = req->store_evtchn;
		si->console.domU.mfn = p2m[lay->console_pfn];
		si->console.domU.evtchn = req->console_evtchn;
	}
	si->pt_base = pfn_va(lay, lay->pt_pfn);
	si->nr_pt_frames = lay->pt_pages;
	si->mfn_list = pfn_va(lay, lay->p2m_pfn);
	if (req->initrd_len) {
		si->mod_start = pfn_va(lay, lay->initrd_pfn);
		si->mod_len = req->initrd_len;
	}
	if (req->cmdline) {
		size_t n = 0;

		while (req->cmdline[n])
			n++;
		vb_memcpy(si->cmd_line, req->cmdline, n + 1);
	}
	done_page(c, va);
	return 0;
}

static int write_page_tables(struct ctx *c, const struct vb_layout *lay)
{
	const uint64_t *p2m = c->mem->p2m;
	uint64_t l4 = lay->pt_pfn, l3 = l4 + 1, l2 = l4 + 2, l1 = l4 + 3;
	uint64_t *t;
	void *va;
	int rc;

	rc = with_page(c, l4, &va);
	if (rc)
		return rc;
	t = va;
	t[(lay->v_start >> 39) & 511] = (p2m[l3] << VB_PAGE_SHIFT) | PT_UPPER;
	done_page(c, va);

	rc = with_page(c, l3, &va);
	if (rc)
		return rc;
	t = va;
	t[(lay->v_start >> 30) & 511] = (p2m[l2] << VB_PAGE_SHIFT) | PT_UPPER;
	done_page(c, va);

	rc = with_page(c, l2, &va);
	if (rc)
		return rc;
	t = va;
	for (uint64_t i = 0; i < lay->nr_l1; i++) {
		uint64_t slot = ((lay->v_start >> 21) & 511) + i;

		t[slot] = (p2m[l1 + i] << VB_PAGE_SHIFT) | PT_UPPER;
	}
	done_page(c, va);

	/* Every page of [v_start, v_end), in the L1 that covers it. */
	for (uint64_t va_ = lay->v_start; va_ < lay->v_end;
	     va_ += VB_PAGE_SIZE) {
		uint64_t pfn = (va_ - lay->v_start) >> VB_PAGE_SHIFT;
		uint64_t which = ((va_ >> 21) & 511) -
				 ((lay->v_start >> 21) & 511);
		bool is_pt = pfn >= lay->pt_pfn &&
			     pfn < lay->pt_pfn + lay->pt_pages;

		rc = with_page(c, l1 + which, &va);
		if (rc)
			return rc;
		t = va;
		t[(va_ >> 12) & 511] = (p2m[pfn] << VB_PAGE_SHIFT) |
				       (is_pt ? PT_LEAF_RO : PT_LEAF_RW);
		done_page(c, va);
	}
	return 0;
}

/**
 * vb_write_hypercall_page() - the legacy page of 128 32-byte stubs
 * @page: 4096 bytes to fill
 *
 * Stub i loads i into %eax and issues `syscall`, saving %rcx and %r11,
 * which `syscall` clobbers, around it. The iret stub is entered by a jump
 * and never returns, so it also pushes %rax and has no ret (contract §3.4).
 */
void vb_write_hypercall_page(uint8_t *page)
{
	vb_memset(page, 0xcc, VB_PAGE_SIZE); /* int3 in the padding */
	for (unsigned int i = 0; i < 128; i++) {
		uint8_t *p = page + i * 32;

		*p++ = 0x51;                       /* push %rcx */
		*p++ = 0x41; *p++ = 0x53;          /* push %r11 */
		if (i == __HYPERVISOR_iret)
			*p++ = 0x50;               /* push %rax */
		*p++ = 0xb8;                       /* mov $i, %eax */
		*p++ = i; *p++ = 0; *p++ = 0; *p++ = 0;
		*p++ = 0x0f; *p++ = 0x05;          /* syscall */
		if (i == __HYPERVISOR_iret)
			continue;
		*p++ = 0x41; *p++ = 0x5b;          /* pop %r11 */
		*p++ = 0x59;                       /* pop %rcx */
		*p++ = 0xc3;                       /* ret */
	}
}

/**
 * vb_build() - fill a new domain's memory and compute its boot state
 * @img: from vb_parse_image()
 * @req: the same request given to vb_plan_layout()
 * @lay: from vb_plan_layout()
 * @mem: the domain's P2M and a way to map its pages
 * @boot: the first vCPU's state, filled in on success
 * @err: the reason on failure
 *
 * The caller must have filled @mem->p2m for all @req->nr_pages pages with
 * frames it owns, and must pin the L4 (@boot->cr3_mfn) before the vCPU
 * runs. Pages outside the bootstrap region are not touched: scrubbing
 * them is the allocator's job.
 *
 * Return: 0 or a negative errno with @err set.
 */
int vb_build(const struct vb_image *img, const struct vb_request *req,
	     const struct vb_layout *lay, const struct vb_guest_mem *mem,
	     struct vb_boot_state *boot, struct vb_error *err)
{
	struct ctx c = { mem, err };
	uint64_t mapped = (lay->v_end - lay->v_start) >> VB_PAGE_SHIFT;
	int rc;

	if (mem->nr_pages != req->nr_pages || !mem->p2m || !mem->map)
		return vb_fail(err, -VB_EINVAL,
			       "guest memory does not match the request");
	if (req->cmdline) {
		size_t n = 0;

		while (req->cmdline[n] && n < MAX_GUEST_CMDLINE)
			n++;
		if (n >= MAX_GUEST_CMDLINE)
			return vb_fail(err, -VB_E2BIG,
				       "command line longer than %u bytes",
				       MAX_GUEST_CMDLINE - 1);
	}

	rc = zero_pages(&c, 0, mapped);
	if (!rc)
		rc = load_segments(&c, img);
	if (!rc && req->initrd_len)
		rc = copy_in(&c, lay->initrd_pfn << VB_PAGE_SHIFT,
			     req->initrd, req->initrd_len);
	if (!rc)
		rc = write_p2m(&c, lay);
	if (!rc)
		rc = write_start_info(&c, req, lay);
	if (!rc && img->hypercall_page) {
		void *va;

		rc = with_page(&c, (img->hypercall_page - lay->v_start) >>
				   VB_PAGE_SHIFT, &va);
		if (!rc) {
			vb_write_hypercall_page(va);
			done_page(&c, va);
		}
	}
	if (!rc)
		rc = write_page_tables(&c, lay);
	if (rc)
		return rc;

	vb_memset(boot, 0, sizeof(*boot));
	boot->rip = img->entry;
	boot->rsp = pfn_va(lay, lay->stack_pfn + 1);
	boot->rsi = pfn_va(lay, lay->start_info_pfn);
	boot->rflags = X86_EFLAGS_IF;
	boot->cs = FLAT_KERNEL_CS;
	boot->ss = FLAT_KERNEL_SS;
	boot->kernel_ss = FLAT_KERNEL_SS;
	boot->kernel_sp = boot->rsp;
	boot->cr3_mfn = mem->p2m[lay->pt_pfn];
	boot->start_info_va = boot->rsi;
	boot->pt_first_pfn = lay->pt_pfn;
	boot->nr_pt_frames = lay->pt_pages;
	return 0;
}
