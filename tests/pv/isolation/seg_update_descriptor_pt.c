// SPDX-License-Identifier: GPL-2.0
/*
 * update_descriptor into a live page table.  A descriptor whose present
 * bit (47) is clear passes every descriptor check whatever its other
 * bits, and as a page-table entry that is any PTE of a frame below
 * 2^35: written into one of the guest's own pinned tables it is an entry
 * nobody validated (an L1 entry mapping the L1 itself writable, from
 * which the guest maps whatever it likes, the hypervisor included).  The
 * write must hold a type reference that allows it: descriptor page or
 * writable; a page-table frame is refused and left unchanged.
 *
 * This kernel aims such a value (a PTE mapping the image's L1 writable)
 * at a free entry of an L1 it pins itself and of the L2, L3 and L4 that
 * map its image (live under the pinned L4), and checks -EINVAL and the
 * entry still 0.  Then what must keep working:
 * a descriptor into an ordinary page of its own, and into its GDT frame
 * after set_gdt (where the new descriptor is the one the CPU uses), and
 * a call gate is still refused there.
 *
 * veneer-log: update_descriptor: frame 0x[0-9a-f]+ refused: frame is in use as another type
 */
#include "isolation.h"
#include "pvmm.h"

const char test_name[] = "seg_update_descriptor_pt";

#define EINVAL		22
#define DATA_DPL3	0x00cff3000000ffffUL	/* flat data, accessed */
#define CALL_GATE	0x0000ec00e0080000UL	/* to 0xe008:0 */

static uint64_t gdt[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t plain[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t my_l1[512] __attribute__((aligned(PAGE_SIZE)));

static long update_descriptor(uint64_t maddr, uint64_t desc)
{
	return hypercall2(__HYPERVISOR_update_descriptor, maddr, desc);
}

/* A free slot of a table (the image uses a handful of each). */
static unsigned int free_slot(const uint64_t *t, unsigned int level)
{
	for (unsigned int i = 1; i < (level == 4 ? 256 : 512); i++)
		if (!t[i])
			return i;
	fail("no free entry in the L%u table", level);
}

static void attack_at(const uint64_t *t, unsigned int level, unsigned int i,
		      uint64_t pte)
{
	uint64_t maddr = (virt_to_mfn(t) << 12) + i * 8;

	printk("L%u table (mfn 0x%lx), entry %u <- 0x%lx\n", level,
	       (unsigned long)virt_to_mfn(t), i, (unsigned long)pte);
	check_rc(update_descriptor(maddr, pte), -EINVAL);
	check_eq(t[i], 0);
}

/* A free entry of a table that maps the image. */
static void attack(unsigned int level, uint64_t pte)
{
	const uint64_t *t = table_of(plain, level);

	attack_at(t, level, free_slot(t, level), pte);
}

static uint16_t get_fs(void)
{
	uint16_t s;

	asm volatile("movw %%fs, %0" : "=r"(s));
	return s;
}

void test_main(void)
{
	/* The image's L1 mapped writable: bit 47 clear, so a "not-present
	 * descriptor" that update_descriptor's check accepts. */
	uint64_t pte = (virt_to_mfn(table_of(plain, 1)) << 12) | PTE_FLAGS_RW;
	unsigned long frames[1];

	iso_begin();
	check_eq(pte & (1UL << 47), 0);
	/* The image's L1 is full: an L1 of our own, pinned. */
	my_l1[0] = (virt_to_mfn(plain) << 12) | PTE_FLAGS_RO;
	make_page_readonly(my_l1);
	check_rc(pin_table(my_l1, 1), 0);
	attack_at(my_l1, 1, 7, pte);
	check_rc(unpin_table(my_l1), 0);
	for (unsigned int level = 2; level <= 4; level++)
		attack(level, pte);

	printk("an ordinary page of ours: accepted\n");
	check_rc(update_descriptor((virt_to_mfn(plain) << 12) + 8, DATA_DPL3),
		 0);
	check_eq(plain[1], DATA_DPL3);
	check_rc(update_descriptor((virt_to_mfn(plain) << 12) + 20, DATA_DPL3),
		 -EINVAL);

	printk("our GDT frame: accepted, and live\n");
	gdt[1] = DATA_DPL3;
	make_page_readonly(gdt);
	frames[0] = virt_to_mfn(gdt);
	check_rc(hypercall2(__HYPERVISOR_set_gdt, frames, 4), 0);
	check_rc(update_descriptor((frames[0] << 12) + 16, DATA_DPL3), 0);
	check_eq(gdt[2], DATA_DPL3);
	asm volatile("movw %w0, %%fs" : : "r"((uint16_t)0x13));
	check_eq(get_fs(), 0x13);
	asm volatile("movw %w0, %%fs" : : "r"((uint16_t)0));
	check_rc(update_descriptor((frames[0] << 12) + 24, CALL_GATE),
		 -EINVAL);
	check_eq(gdt[3], 0);
	printk("seg_update_descriptor_pt: no page table took a descriptor\n");
}
