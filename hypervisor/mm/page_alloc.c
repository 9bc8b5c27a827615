// SPDX-License-Identifier: GPL-2.0
/*
 * From the memory map to a working page allocator.
 *
 * Boot order (driven by start_hypervisor()):
 *   1. reserve_range() for everything that must never be handed out:
 *      the first MiB (firmware, AP trampoline), the image, boot modules;
 *   2. boot_alloc_init(): a bump allocator in free RAM of the first GiB
 *      (the only memory mapped so far) for page tables, frame table, M2P;
 *   3. paging_init() (arch) maps the frame table; frame_table_init()
 *      marks every frame reserved, module frames as modules;
 *   4. page_alloc_init() gives every usable frame that is not reserved and
 *      not used by the boot allocator to the buddy allocator.
 * After that alloc_pages()/free_pages() are the only way to get memory;
 * one lock protects the buddy state.  Module frames stay reserved (and
 * flagged) for the domain builder, which finds them in bootinfo.mods.
 */
#include <hv/bootinfo.h>
#include <hv/buddy.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/panic.h>
#include <hv/spinlock.h>
#include <hv/errno.h>

#include <asm/page.h>

#define MAX_RESERVED	(MAX_MODULES + 8)

struct reserved {
	paddr_t start, end;
	const char *what;
};

static struct reserved reserved[MAX_RESERVED];
static unsigned int nr_reserved;
static paddr_t boot_start, boot_cur, boot_end;

static struct buddy heap;
static spinlock_t heap_lock = SPINLOCK_INIT;
bool heap_ready;

unsigned long max_page;
unsigned long total_pages;

/**
 * reserve_range() - keep machine memory out of the free pool for good
 * @start: first byte
 * @end:   end (exclusive)
 * @what:  name for the log
 */
void reserve_range(paddr_t start, paddr_t end, const char *what)
{
	if (nr_reserved == MAX_RESERVED)
		panic("too many reserved ranges");
	reserved[nr_reserved++] = (struct reserved){
		ALIGN_DOWN(start, PAGE_SIZE), ALIGN_UP(end, PAGE_SIZE), what };
	log_info("reserved 0x%012lx-0x%012lx %s", ALIGN_DOWN(start, PAGE_SIZE),
		 ALIGN_UP(end, PAGE_SIZE), what);
}

/**
 * boot_alloc_init() - find room for the boot allocator
 *
 * Takes the first usable range of the first GiB above every reserved
 * range, from a 2 MiB boundary (the frame table wants large pages).
 */
void boot_alloc_init(void)
{
	paddr_t floor = 0;

	for (unsigned int i = 0; i < nr_reserved; i++)
		if (reserved[i].end <= (1UL << 30))
			floor = MAX(floor, reserved[i].end);
	floor = ALIGN_UP(floor, L2_PAGE_SIZE);
	for (unsigned int i = 0; i < bootinfo.nr_mem; i++) {
		const struct mem_range *r = &bootinfo.mem[i];
		paddr_t s = MAX(ALIGN_UP(r->start, L2_PAGE_SIZE), floor);
		paddr_t e = MIN(ALIGN_DOWN(r->end, PAGE_SIZE), 1UL << 30);

		if (r->type == MEM_USABLE && s + (8UL << 20) <= e) {
			boot_start = boot_cur = s;
			boot_end = e;
			return;
		}
	}
	panic("no memory for the boot allocator");
}

/**
 * boot_alloc() - carve memory out of the boot region; never freed
 * @size:  bytes
 * @align: power of two
 *
 * Returns the machine address.  Panics when the region is exhausted.
 */
paddr_t boot_alloc(unsigned long size, unsigned long align)
{
	paddr_t pa = ALIGN_UP(boot_cur, align);

	if (heap_ready)
		panic("boot_alloc after the heap is up");
	if (pa + size > boot_end)
		panic("boot allocator exhausted (%lu bytes wanted)", size);
	boot_cur = pa + size;
	return pa;
}

static bool in_range(paddr_t pa, paddr_t s, paddr_t e)
{
	return pa >= s && pa < e;
}

/**
 * mfn_is_reserved() - is the frame one of the never-free ranges?
 * @mfn: machine frame number
 */
bool mfn_is_reserved(unsigned long mfn)
{
	paddr_t pa = (paddr_t)mfn << PAGE_SHIFT;

	for (unsigned int i = 0; i < nr_reserved; i++)
		if (in_range(pa, reserved[i].start, reserved[i].end))
			return true;
	return in_range(pa, boot_start, ALIGN_UP(boot_cur, PAGE_SIZE));
}

/**
 * frame_table_init() - every frame starts reserved and owned by us
 *
 * Module frames are flagged so the domain builder (and the self-tests)
 * can tell them apart.  The M2P starts all invalid.
 */
void frame_table_init(void)
{
	unsigned long *m2p = (unsigned long *)M2P_RW_VIRT;

	memset(frame_table, 0, max_page * sizeof(struct page_info));
	for (unsigned long mfn = 0; mfn < max_page; mfn++) {
		frame_table[mfn].count_info = PGC_reserved;
		frame_table[mfn].owner = DOMID_XEN;
		m2p[mfn] = ~0UL;
	}
	for (unsigned int i = 0; i < bootinfo.nr_mods; i++) {
		unsigned long s = bootinfo.mods[i].start >> PAGE_SHIFT;
		unsigned long e = ALIGN_UP(bootinfo.mods[i].end, PAGE_SIZE) >>
				  PAGE_SHIFT;

		for (unsigned long mfn = s; mfn < e && mfn < max_page; mfn++)
			frame_table[mfn].count_info |= PGC_boot_module;
	}
}

/* Free [s, e) minus every reserved range, splitting around them. */
static void add_free(paddr_t s, paddr_t e)
{
	paddr_t bs = boot_start, be = ALIGN_UP(boot_cur, PAGE_SIZE);

	if (s >= e)
		return;
	for (unsigned int i = 0; i <= nr_reserved; i++) {
		paddr_t rs = i < nr_reserved ? reserved[i].start : bs;
		paddr_t re = i < nr_reserved ? reserved[i].end : be;

		if (rs < e && s < re) {
			add_free(s, rs);
			add_free(re, e);
			return;
		}
	}
	if (buddy_add_range(&heap, s >> PAGE_SHIFT, (e - s) >> PAGE_SHIFT))
		panic("cannot free %#lx-%#lx", s, e);
}

/**
 * page_alloc_init() - hand all free RAM to the buddy allocator
 */
void page_alloc_init(void)
{
	buddy_init(&heap, frame_table, max_page);
	for (unsigned int i = 0; i < bootinfo.nr_mem; i++) {
		const struct mem_range *r = &bootinfo.mem[i];

		if (r->type == MEM_USABLE)
			add_free(ALIGN_UP(r->start, PAGE_SIZE),
				 ALIGN_DOWN(MIN(r->end, (paddr_t)max_page << PAGE_SHIFT),
					    PAGE_SIZE));
	}
	heap_ready = true;
	log_info("page allocator: %lu of %lu frames free, boot allocator used %lu KiB",
		 heap.nr_free, total_pages, (boot_cur - boot_start) >> 10);
}

/**
 * alloc_pages() - allocate 2^@order contiguous machine frames
 * @order: log2 of the number of frames
 *
 * Returns the first frame's record, owned by nobody yet, or NULL.
 */
struct page_info *alloc_pages(unsigned int order)
{
	unsigned long flags = spin_lock_irqsave(&heap_lock);
	struct page_info *pg = buddy_alloc(&heap, order);

	spin_unlock_irqrestore(&heap_lock, flags);
	if (pg)
		for (unsigned long i = 0; i < (1UL << order); i++) {
			pg[i].owner = DOMID_NONE;
			pg[i].count_info &= ~PGC_count_mask;
			pg[i].type_info = 0;
		}
	return pg;
}

/**
 * free_pages() - give frames back; freeing what is free is a bug
 * @pg:    first frame, from alloc_pages()
 * @order: the order it was allocated with
 */
void free_pages(struct page_info *pg, unsigned int order)
{
	unsigned long flags = spin_lock_irqsave(&heap_lock);
	int rc;

	for (unsigned long i = 0; i < (1UL << order); i++)
		pg[i].count_info &= ~(PGC_heap | PGC_allocated);
	rc = buddy_free(&heap, pg, order);
	spin_unlock_irqrestore(&heap_lock, flags);
	if (rc)
		panic("free_pages(mfn %#lx, order %u): %s", page_to_mfn(pg),
		      order, rc == -EINVAL ? "double free or reserved frame"
					   : "bad block");
}

/**
 * alloc_heap_pages() - allocate hypervisor memory, zeroed
 * @order: log2 of the number of pages
 *
 * Returns the direct-map address, or NULL.
 */
void *alloc_heap_pages(unsigned int order)
{
	struct page_info *pg = alloc_pages(order);
	void *va;

	if (!pg)
		return NULL;
	for (unsigned long i = 0; i < (1UL << order); i++) {
		pg[i].owner = DOMID_XEN;
		pg[i].count_info |= PGC_heap;
	}
	va = __va((paddr_t)page_to_mfn(pg) << PAGE_SHIFT);
	memset(va, 0, PAGE_SIZE << order);
	return va;
}

/**
 * free_heap_pages() - free memory from alloc_heap_pages()
 * @va:    its direct-map address
 * @order: the order it was allocated with
 */
void free_heap_pages(void *va, unsigned int order)
{
	free_pages(mfn_to_page(__pa(va) >> PAGE_SHIFT), order);
}

/**
 * free_page_count() - frames currently in the pool
 */
unsigned long free_page_count(void)
{
	return READ_ONCE(heap.nr_free);
}
