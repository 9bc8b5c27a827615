// SPDX-License-Identifier: GPL-2.0
/*
 * mmu_update_ownership: a guest maps only its own frames.  Refused: a
 * hypervisor frame (the L3 behind L4 slot 256), a frame that is not ours
 * (low RAM that the builder did not give us), a frame beyond any
 * physical address; a write into the hypervisor's L4 slots; a foreign
 * domid.  A batch stops at the first bad request and says how many went
 * through before it.
 *
 * Errno values differ between hypervisors for these refusals (Xen gives
 * -EINVAL or -EPERM depending on the path), so only "an error" is
 * checked, except where the ABI fixes it (-ESRCH for a domid).
 */
#include "pvmm.h"

const char test_name[] = "mmu_update_ownership";

#define ESRCH	3

static volatile uint64_t victim[512] __attribute__((aligned(PAGE_SIZE)));

static int we_own(uint64_t mfn)
{
	const uint64_t *list = (const uint64_t *)start_info->mfn_list;

	for (unsigned long i = 0; i < start_info->nr_pages; i++)
		if (list[i] == mfn)
			return 1;
	return 0;
}

void test_main(void)
{
	const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
	uint64_t vmfn = virt_to_mfn((void *)victim);
	uint64_t vptr = entry_maddr((void *)victim, 1);
	uint64_t l4ptr = virt_to_mfn(l4) << 12;
	uint64_t hv = pte_mfn(l4[256]);
	uint64_t low = 0x100;
	struct mmu_update batch[4];
	unsigned int done = 99;

	check(l4[256] & _PAGE_PRESENT);
	printk("a hypervisor frame (0x%lx), read-only and writable\n", hv);
	check_refused(mmu_update1(vptr, (hv << 12) | PTE_FLAGS_RO));
	check_refused(mmu_update1(vptr, (hv << 12) | PTE_FLAGS_RW));

	while (we_own(low))
		low++;
	printk("a RAM frame that is not ours (0x%lx)\n", low);
	check_refused(mmu_update1(vptr, (low << 12) | PTE_FLAGS_RW));
	printk("a frame beyond any physical address\n");
	check_refused(mmu_update1(vptr, PTE_MFN_MASK | PTE_FLAGS_RW));
	check_eq(pte_mfn(table_of((void *)victim, 1)
			 [((uint64_t)victim >> 12) & 511]), vmfn);

	printk("writes into the hypervisor's L4 slots\n");
	check_refused(mmu_update1(l4ptr + 256 * 8, l4[256]));
	check_refused(mmu_update1(l4ptr + 256 * 8, 0));
	check_refused(mmu_update1(l4ptr + 271 * 8, 0));
	check_eq(((const uint64_t *)start_info->pt_base)[256] & PTE_MFN_MASK,
		 hv << 12);

	printk("foreign domids\n");
	batch[0].ptr = vptr;
	batch[0].val = (vmfn << 12) | PTE_FLAGS_RW;
	/* Naming ourselves explicitly is not DOMID_SELF: -ESRCH on Xen. */
	check_rc(hyp_mmu_update(batch, 1, NULL, 0), -ESRCH);
	check_rc(hyp_mmu_update(batch, 1, NULL, 0x1234), -ESRCH);

	printk("a batch stops at its first bad request\n");
	batch[1] = batch[0];
	batch[2].ptr = vptr;
	batch[2].val = (hv << 12) | PTE_FLAGS_RW;
	batch[3] = batch[0];
	check_refused(hyp_mmu_update(batch, 4, &done, DOMID_SELF));
	check_eq(done, 2);
	check_rc(hyp_mmu_update(batch, 2, &done, DOMID_SELF), 0);
	check_eq(done, 2);
	victim[0] = 1;
	check_eq(victim[0], 1);
}
