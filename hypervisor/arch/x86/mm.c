// SPDX-License-Identifier: GPL-2.0
/*
 * The hypervisor's own page tables: the layout of hv/layout.h made real.
 *
 * start_hypervisor() calls paging_init() once the memory map is known and
 * the boot allocator is set up.  It builds idle_l4, the L4 every CPU runs
 * on when no guest is loaded (and whose slots 256-271 will be copied into
 * every guest L4 later):
 *   - the image in 4 KiB pages: text executable and read-only, the rest
 *     writable and not executable;
 *   - the direct map of [0, max(4 GiB, top of RAM)) in 2 MiB pages,
 *     uncached where a 2 MiB page is not entirely RAM or firmware tables
 *     (the local APIC and other MMIO live there);
 *   - the frame table and the M2P table, backed by boot-allocated memory;
 *     the M2P once read-only and user-visible (slot 256, for guests), once
 *     writable for the hypervisor (slot 257);
 *   - slot 0 still pointing at the boot identity map, which the secondary
 *     CPUs' trampoline needs; paging_drop_identity() removes it once they
 *     are all up.
 * Page-table pages come from the boot allocator until the heap exists.
 */
#include <hv/bootinfo.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/panic.h>

#include <asm/page.h>
#include <asm/processor.h>
#include <asm/setup.h>

#include <veneer/arch-x86_64.h>

/* Our layout must be the one the ABI promises guests. */
_Static_assert(HV_VIRT_START == HYPERVISOR_VIRT_START, "hypervisor hole");
_Static_assert(HV_VIRT_END == HYPERVISOR_VIRT_END, "hypervisor hole");
_Static_assert(M2P_RO_VIRT == MACH2PHYS_VIRT_START, "M2P start");
_Static_assert(M2P_RO_VIRT_END == MACH2PHYS_VIRT_END, "M2P end");

extern char __rodata_start[], __data_start[];
extern bool heap_ready;

pte_t idle_l4[512] __aligned(4096);
u64 x86_nx_mask;

static paddr_t alloc_table(void)
{
	paddr_t pa;

	if (heap_ready)
		pa = __pa(alloc_heap_pages(0));
	else
		pa = boot_alloc(PAGE_SIZE, PAGE_SIZE);
	memset(__va(pa), 0, PAGE_SIZE);
	return pa;
}

/* Entry flags of a table entry that must allow everything @leaf allows. */
static u64 table_flags(u64 leaf)
{
	return _PAGE_PRESENT | _PAGE_ACCESSED | (leaf & (_PAGE_RW | _PAGE_USER));
}

static pte_t *next_level(pte_t *table, unsigned int idx, u64 leaf)
{
	if (!(table[idx] & _PAGE_PRESENT))
		table[idx] = alloc_table() | table_flags(leaf);
	else if (table[idx] & _PAGE_PSE)
		panic("mapping over a large page at index %u", idx);
	else
		table[idx] |= table_flags(leaf);
	return __va(table[idx] & PTE_ADDR_MASK);
}

static void map_one(unsigned long va, paddr_t pa, u64 flags, bool large)
{
	pte_t *l3 = next_level(idle_l4, l4_index(va), flags);
	pte_t *l2 = next_level(l3, l3_index(va), flags);
	pte_t *l1;

	flags &= ~_PAGE_NX | x86_nx_mask;
	if (large) {
		l2[l2_index(va)] = pa | flags | _PAGE_PSE;
		return;
	}
	l1 = next_level(l2, l2_index(va), flags);
	l1[l1_index(va)] = pa | flags;
}

/**
 * map_pages() - map machine frames into the hypervisor's address space
 * @va:    virtual address, page aligned
 * @pa:    machine address, page aligned
 * @nr:    number of 4 KiB pages
 * @flags: leaf entry flags (PAGE_HV_*)
 *
 * Uses 2 MiB pages where both addresses allow it.  The caller flushes
 * the TLB if it replaced a live mapping.
 */
void map_pages(unsigned long va, paddr_t pa, unsigned long nr, u64 flags)
{
	while (nr) {
		bool large = !(va & (L2_PAGE_SIZE - 1)) &&
			     !(pa & (L2_PAGE_SIZE - 1)) && nr >= 512;

		map_one(va, pa, flags, large);
		va += large ? L2_PAGE_SIZE : PAGE_SIZE;
		pa += large ? L2_PAGE_SIZE : PAGE_SIZE;
		nr -= large ? 512 : 1;
	}
}

/**
 * unmap_pages() - remove 4 KiB mappings made by map_pages()
 * @va: virtual address, page aligned
 * @nr: number of pages
 */
void unmap_pages(unsigned long va, unsigned long nr)
{
	for (; nr; nr--, va += PAGE_SIZE) {
		pte_t *t = idle_l4;
		int shift;

		for (shift = 39; shift > 12; shift -= 9) {
			pte_t e = t[(va >> shift) & 511];

			if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
				break;
			t = __va(e & PTE_ADDR_MASK);
		}
		if (shift != 12)
			continue;
		t[l1_index(va)] = 0;
		__asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
	}
}

static void nx_init(void)
{
	u32 a, b, c, d;

	cpuid(0x80000001, 0, &a, &b, &c, &d);
	if (d & (1 << 20)) {
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
		x86_nx_mask = _PAGE_NX;
	}
}

static void map_image(void)
{
	unsigned long text = (unsigned long)__image_start;
	unsigned long ro = (unsigned long)__rodata_start;
	unsigned long rw = (unsigned long)__data_start;
	unsigned long end = ALIGN_UP((unsigned long)__image_end, PAGE_SIZE);

	map_pages(text, __pa(__image_start), (ro - text) >> PAGE_SHIFT,
		  PAGE_HV_RX);
	map_pages(ro, __pa(__rodata_start), (rw - ro) >> PAGE_SHIFT, PAGE_HV_RO);
	map_pages(rw, __pa(__data_start), (end - rw) >> PAGE_SHIFT, PAGE_HV_RW);
}

/* RAM and firmware tables are cacheable; anything else may be MMIO. */
static bool chunk_is_memory(paddr_t start, paddr_t end)
{
	for (unsigned int i = 0; i < bootinfo.nr_mem; i++) {
		const struct mem_range *r = &bootinfo.mem[i];

		if (r->type != MEM_USABLE && r->type != MEM_ACPI &&
		    r->type != MEM_NVS)
			continue;
		if (r->start <= start && end <= r->end)
			return true;
	}
	return false;
}

static void map_direct(void)
{
	paddr_t top = MAX((paddr_t)max_page << PAGE_SHIFT, 1UL << 32);

	top = ALIGN_UP(top, 1UL << 30);
	if (top > DIRECTMAP_VIRT_END - DIRECTMAP_VIRT)
		panic("memory beyond the direct map (%#lx)", top);
	for (paddr_t pa = 0; pa < top; pa += L2_PAGE_SIZE) {
		u64 flags = chunk_is_memory(pa, pa + L2_PAGE_SIZE) ?
			    PAGE_HV_RW : PAGE_HV_UC;

		map_pages(DIRECTMAP_VIRT + pa, pa, 512, flags);
	}
}

static paddr_t map_table(unsigned long va, unsigned long bytes, u64 flags)
{
	unsigned long size = ALIGN_UP(bytes, L2_PAGE_SIZE);
	paddr_t pa = boot_alloc(size, L2_PAGE_SIZE);

	map_pages(va, pa, size >> PAGE_SHIFT, flags);
	return pa;
}

/**
 * paging_init() - build idle_l4 and switch every mapping over to it
 *
 * Needs max_page and the boot allocator.  Afterwards the frame table and
 * the M2P are mapped (but not yet initialized).
 */
void paging_init(void)
{
	paddr_t ft, m2p;

	if (max_page > MACH2PHYS_NR_ENTRIES)
		panic("%lu frames do not fit the M2P table", max_page);
	nx_init();
	map_image();
	map_direct();
	ft = map_table(FRAMETABLE_VIRT, max_page * sizeof(struct page_info),
		       PAGE_HV_RW);
	m2p = map_table(M2P_RW_VIRT, max_page * sizeof(unsigned long),
			PAGE_HV_RW);
	map_pages(M2P_RO_VIRT, m2p,
		  ALIGN_UP(max_page * sizeof(unsigned long), L2_PAGE_SIZE) >>
		  PAGE_SHIFT, PAGE_HV_RO | _PAGE_USER);
	idle_l4[0] = __pa(boot_l3) | _PAGE_PRESENT | _PAGE_RW;
	write_cr3(__pa(idle_l4));
	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
	log_info("paging: idle L4 at %#lx, frame table %#lx, M2P %#lx, NX %s",
		 __pa(idle_l4), ft, m2p, x86_nx_mask ? "on" : "off");
}

/**
 * smep_init_cpu() - forbid ring 0 to execute user pages on this CPU
 *
 * Every guest mapping is a user mapping (the guest kernel runs in ring
 * 3), so with SMEP a hypervisor bug that jumps into guest memory faults
 * instead of running guest-supplied code with ring-0 rights.
 */
void smep_init_cpu(void)
{
	u32 a, b, c, d;

	cpuid(0, 0, &a, &b, &c, &d);
	if (a < 7)
		return;
	cpuid(7, 0, &a, &b, &c, &d);
	if (b & (1U << 7))
		write_cr4(read_cr4() | X86_CR4_SMEP);
}

/**
 * paging_drop_identity() - remove the low identity map used by bring-up
 *
 * The caller makes the other CPUs flush their TLBs.
 */
void paging_drop_identity(void)
{
	idle_l4[0] = 0;
	flush_tlb_local();
}
