// SPDX-License-Identifier: GPL-2.0
/*
 * ptwr_emulation: with VMASST_TYPE_writable_pagetables, a guest kernel
 * may write a pinned L1 table directly.  The write faults (the table is
 * read-only) and the hypervisor emulates it, validating the new entry
 * as mmu_update would: mov (register and immediate), xchg (old entry
 * returned), lock cmpxchg (ZF), lock btr / bts / btc (CF = old bit), lock
 * andb / orb / xorb on one byte of an entry.  An entry that would be refused through mmu_update -- the table
 * mapping itself writable, a hypervisor frame -- is refused here too:
 * the #PF reaches the guest and the entry is unchanged.
 *
 * Entries are compared on frame, present and writable bits only: the
 * hypervisor forces U/S and may tag supervisor mappings.
 */
#include "pvmm.h"

const char test_name[] = "ptwr_emulation";

#define CMP_MASK	(PTE_MFN_MASK | _PAGE_PRESENT | _PAGE_RW)

static uint64_t l1[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t data_a[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t data_b[512] __attribute__((aligned(PAGE_SIZE)));

static volatile uint64_t *slot(unsigned int i)
{
	return (volatile uint64_t *)&l1[i];
}

static void refused_mov(unsigned int i, uint64_t val)
{
	uint64_t before = *slot(i);

	probe_arm(14);
	PROBE("movq %%rdx, (%%rax)", , "a"(slot(i)), "d"(val));
	check_eq(probe_rec.count, 1);
	check_eq(probe_rec.cr2, (uint64_t)slot(i));
	check_eq(*slot(i), before);
}

void test_main(void)
{
	uint64_t a = (virt_to_mfn(data_a) << 12) | PTE_FLAGS_RW;
	uint64_t b = (virt_to_mfn(data_b) << 12) | PTE_FLAGS_RW;
	uint64_t self = (virt_to_mfn(l1) << 12) | PTE_FLAGS_RW;
	uint64_t hv = (pte_mfn(((uint64_t *)start_info->pt_base)[256]) << 12) |
		      PTE_FLAGS_RO;
	uint64_t v;
	uint8_t flag;

	check_rc(hypercall2(__HYPERVISOR_vm_assist, VMASST_CMD_enable,
			    VMASST_TYPE_writable_pagetables), 0);
	l1[0] = a;
	make_page_readonly(l1);
	check_rc(pin_table(l1, 1), 0);

	printk("mov\n");
	*slot(1) = b;
	check_eq(*slot(1) & CMP_MASK, b & CMP_MASK);

	printk("xchg returns the old entry\n");
	v = 0;
	asm volatile("xchgq %0, %1" : "+r"(v), "+m"(*slot(1)) : : "memory");
	check_eq(v & CMP_MASK, b & CMP_MASK);
	check_eq(*slot(1), 0);

	printk("lock cmpxchg\n");
	v = 0;
	asm volatile("lock cmpxchgq %3, %1; setz %2"
		     : "+a"(v), "+m"(*slot(2)), "=q"(flag) : "r"(a) : "memory");
	check_eq(flag, 1);
	check_eq(*slot(2) & CMP_MASK, a & CMP_MASK);
	v = 0;
	asm volatile("lock cmpxchgq %3, %1; setz %2"
		     : "+a"(v), "+m"(*slot(2)), "=q"(flag) : "r"(b) : "memory");
	check_eq(flag, 0);
	check_eq(v & CMP_MASK, a & CMP_MASK);
	check_eq(*slot(2) & CMP_MASK, a & CMP_MASK);

	printk("lock btr of the accessed bit\n");
	asm volatile("lock btrq $5, %0; setc %1"
		     : "+m"(*slot(2)), "=q"(flag) : : "memory");
	check_eq(flag, 1);
	check_eq(*slot(2) & _PAGE_ACCESSED, 0);

	printk("lock andb / lock orb on the low byte (RW)\n");
	asm volatile("lock andb $0xfd, %0" : "+m"(*(volatile uint8_t *)slot(2))
		     : : "memory");
	check_eq(*slot(2) & CMP_MASK, (a & CMP_MASK) & ~_PAGE_RW);
	asm volatile("lock orb $2, %0" : "+m"(*(volatile uint8_t *)slot(2))
		     : : "memory");
	check_eq(*slot(2) & CMP_MASK, a & CMP_MASK);

	printk("lock bts / lock btc, lock xorb\n");
	asm volatile("lock btsq $5, %0; setc %1"
		     : "+m"(*slot(2)), "=q"(flag) : : "memory");
	check_eq(flag, 0);
	check(*slot(2) & _PAGE_ACCESSED);
	asm volatile("lock btcq $5, %0; setc %1"
		     : "+m"(*slot(2)), "=q"(flag) : : "memory");
	check_eq(flag, 1);
	check_eq(*slot(2) & _PAGE_ACCESSED, 0);
	asm volatile("lock xorb $2, %0" : "+m"(*(volatile uint8_t *)slot(2))
		     : : "memory");
	check_eq(*slot(2) & _PAGE_RW, 0);
	asm volatile("lock xorb $2, %0" : "+m"(*(volatile uint8_t *)slot(2))
		     : : "memory");
	check_eq(*slot(2) & CMP_MASK, a & CMP_MASK);

	printk("mov of an immediate\n");
	asm volatile("movq $0, %0" : "=m"(*slot(2)) : : "memory");
	check_eq(*slot(2), 0);

	printk("refused: the table mapping itself writable\n");
	refused_mov(3, self);
	printk("refused: a hypervisor frame\n");
	refused_mov(3, hv);
	printk("refused: making the writable entry 0 map the table\n");
	refused_mov(0, self);
	check_eq(*slot(0) & CMP_MASK, a & CMP_MASK);

	check_rc(unpin_table(l1), 0);
}
