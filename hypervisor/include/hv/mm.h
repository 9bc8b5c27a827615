/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory management interface: the frame table and the page allocator.
 *
 * frame_table[mfn] is the struct page_info of machine frame mfn, mapped at
 * FRAMETABLE_VIRT.  alloc_pages() hands out frames from the buddy pool;
 * alloc_heap_pages() does the same and returns the direct-map address,
 * for the hypervisor's own data.
 */
#ifndef HV_MM_H
#define HV_MM_H

#include <hv/layout.h>
#include <hv/page.h>
#include <hv/types.h>

#define frame_table	((struct page_info *)FRAMETABLE_VIRT)

extern unsigned long max_page;		/* highest RAM frame + 1 */
extern unsigned long total_pages;	/* usable RAM frames */

static inline struct page_info *mfn_to_page(unsigned long mfn)
{
	return &frame_table[mfn];
}

static inline unsigned long page_to_mfn(const struct page_info *pg)
{
	return (unsigned long)(pg - frame_table);
}

/* mm/page_alloc.c */
void reserve_range(paddr_t start, paddr_t end, const char *what);
void boot_alloc_init(void);
paddr_t boot_alloc(unsigned long size, unsigned long align);
void frame_table_init(void);
void page_alloc_init(void);
struct page_info *alloc_pages(unsigned int order);
void free_pages(struct page_info *pg, unsigned int order);
void *alloc_heap_pages(unsigned int order);
void free_heap_pages(void *va, unsigned int order);
unsigned long free_page_count(void);
bool mfn_is_reserved(unsigned long mfn);

/*
 * common/memory.c: frames leaving their owner go back to the heap only
 * after every TLB that may still translate them is flushed; a batch
 * shares one flush.
 */
struct frame_batch {
	struct list_head frames;
	unsigned long n;
};
void frame_batch_init(struct frame_batch *b);
void frame_batch_add(struct frame_batch *b, struct page_info *pg);
void frame_batch_free(struct frame_batch *b);
void frame_batch_flush(struct frame_batch *b);
unsigned long frame_batch_free_flushed(struct frame_batch *b,
				       unsigned long max);
void guest_frame_free(struct page_info *pg);
struct domain;
unsigned long domain_set_max_pages(struct domain *d, unsigned long max);
unsigned long domain_tot_pages(const struct domain *d);
void memory_domain_dying(struct domain *d);
void put_page_and_free(struct page_info *pg);
unsigned long frames_given_back(unsigned long *flushes,
				unsigned long *flush_ns);

#endif /* HV_MM_H */
