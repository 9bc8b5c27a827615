// SPDX-License-Identifier: GPL-2.0
/*
 * machphys_update: MMU_MACHPHYS_UPDATE sets the M2P entry of a frame the
 * guest owns, and the guest sees it through the read-only M2P that
 * XENMEM_machphys_mapping describes.  The M2P entry of a frame it does
 * not own (a hypervisor frame) cannot be set (-EINVAL on Xen), and the
 * M2P itself cannot be mapped writable.
 */
#include <veneer/memory.h>

#include "pvmm.h"

const char test_name[] = "machphys_update";

static uint64_t page[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t victim[512] __attribute__((aligned(PAGE_SIZE)));

void test_main(void)
{
	struct xen_machphys_mapping mm = { 0 };
	uint64_t mfn = virt_to_mfn(page);
	uint64_t pfn = virt_to_pfn(page);
	uint64_t hv = pte_mfn(((uint64_t *)start_info->pt_base)[256]);

	printk("XENMEM_machphys_mapping\n");
	check_rc(hypercall2(__HYPERVISOR_memory_op, XENMEM_machphys_mapping,
			    &mm), 0);
	printk("  v_start 0x%lx v_end 0x%lx max_mfn 0x%lx\n",
	       (unsigned long)mm.v_start, (unsigned long)mm.v_end,
	       (unsigned long)mm.max_mfn);
	check_eq(mm.v_start, MACH2PHYS_VIRT_START);
	check(mm.max_mfn >= mfn);
	check_eq(m2p(mfn), pfn);

	printk("M2P update of our own frame 0x%lx\n", mfn);
	check_rc(mmu_update1((mfn << 12) | MMU_MACHPHYS_UPDATE, 0x12345), 0);
	check_eq(m2p(mfn), 0x12345);
	check_rc(mmu_update1((mfn << 12) | MMU_MACHPHYS_UPDATE, pfn), 0);
	check_eq(m2p(mfn), pfn);

	printk("M2P update of a hypervisor frame 0x%lx\n", hv);
	check_refused(mmu_update1((hv << 12) | MMU_MACHPHYS_UPDATE, pfn));
	printk("the M2P is read-only\n");
	probe_arm(14);
	PROBE("movq %%rdx, (%%rax)", ,
	      "a"(MACH2PHYS_VIRT_START + mfn * 8), "d"(0));
	check_eq(probe_rec.count, 1);
	check_eq(m2p(mfn), pfn);
	(void)victim;
}
