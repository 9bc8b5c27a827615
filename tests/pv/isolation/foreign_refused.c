// SPDX-License-Identifier: GPL-2.0
/*
 * An unprivileged domain reaches for another domain's memory the way a
 * dom0 toolstack does: mmu_update with dom0 as the foreign domain (how
 * Linux's privcmd maps another domain's frames), mmuext_op naming dom0
 * (pinning another domain's table), and populate_physmap,
 * increase_reservation and decrease_reservation for dom0.  Only a
 * privileged domain may (SECURITY.md invariant 9).  As Xen 4.17 answers
 * under its default policy: the MMU calls -EPERM with nothing done
 * (*done 0, our entry unchanged), the reservation calls 0 extents.
 * Naming ourselves by id is -ESRCH for the MMU calls (Xen's rule: only
 * DOMID_SELF is oneself there) and the same as DOMID_SELF for a
 * reservation, which then works.
 *
 * On Xen the kernel runs as dom0, alone: there it names a domain that
 * does not exist instead of dom0 (-ESRCH; 0 extents) and itself as 0.
 *
 * veneer-log: mmu_update naming d0's frames refused: not a privileged domain
 * veneer-log: memory_op 6 for d0 refused: not a privileged domain
 */
#include "isolation.h"
#include "pvmm.h"

#include <veneer/memory.h>

const char test_name[] = "foreign_refused";

#define EPERM	1
#define ESRCH	3

static volatile uint64_t victim[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint8_t spare[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static long memop(int cmd, domid_t dom, xen_pfn_t *frame)
{
	struct xen_memory_reservation r = {
		.nr_extents = 1, .extent_order = 0, .domid = dom,
	};

	r.extent_start = (unsigned long)frame;
	return hypercall2(__HYPERVISOR_memory_op, cmd, &r);
}

static domid_t self(void)
{
	return iso_is_dom0() ? 0 : (domid_t)iso_role();
}

/* The domain we must not touch: dom0, or on Xen one that is not there. */
static domid_t other(void)
{
	return iso_is_dom0() ? 9 : 0;
}

static void mmu_calls(void)
{
	uint64_t vmfn = virt_to_mfn((const void *)victim);
	uint64_t vptr = entry_maddr((const void *)victim, 1);
	long want = iso_is_dom0() ? -ESRCH : -EPERM;
	struct mmu_update u = {
		.ptr = vptr | MMU_NORMAL_PT_UPDATE,
		.val = (vmfn << 12) | PTE_FLAGS_RO,
	};
	struct mmuext_op op = { .cmd = MMUEXT_PIN_L1_TABLE };
	unsigned int done = 99;

	printk("mmu_update naming d%u as the foreign domain\n", other());
	check_rc(hyp_mmu_update(&u, 1, &done, other()), want);
	check_eq(done, 0);
	u.ptr = virt_to_mfn((const void *)start_info->pt_base) << 12 |
		MMU_MACHPHYS_UPDATE;
	u.val = 0;
	done = 99;
	check_rc(hyp_mmu_update(&u, 1, &done, other()), want);
	check_eq(done, 0);
	printk("mmu_update naming ourselves (d%u) by id\n", self());
	u.ptr = vptr | MMU_NORMAL_PT_UPDATE;
	check_rc(hyp_mmu_update(&u, 1, NULL, self()), -ESRCH);
	/* Our entry is as it was: writable, our own frame. */
	check_eq(pte_mfn(table_of((const void *)victim, 1)
			 [((uint64_t)victim >> 12) & 511]), vmfn);
	victim[0] = 0x666f726569676eULL;
	check_eq(victim[0], 0x666f726569676eULL);

	printk("mmuext_op pin naming d%u, and ourselves by id\n", other());
	op.arg1.mfn = virt_to_mfn((const void *)spare);
	check_rc(hyp_mmuext_op(&op, 1, NULL, other()), want);
	check_rc(hyp_mmuext_op(&op, 1, NULL, self()), -ESRCH);
	spare[0] = 1;	/* still ordinary writable memory: not pinned */
}

static void reservations(void)
{
	xen_pfn_t f;

	/* Make room, so a populate that reached any domain could succeed. */
	f = virt_to_mfn((const void *)spare);
	check_rc(hyp_update_va_mapping((unsigned long)spare, 0, UVMF_INVLPG),
		 0);
	check_rc(memop(XENMEM_decrease_reservation, DOMID_SELF, &f), 1);

	printk("populate_physmap, increase_reservation, "
	       "decrease_reservation for d%u\n", other());
	f = virt_to_pfn((const void *)spare);
	check_rc(memop(XENMEM_populate_physmap, other(), &f), 0);
	check_eq(f, virt_to_pfn((const void *)spare));	/* nothing written */
	check_rc(memop(XENMEM_increase_reservation, other(), &f), 0);
	check_eq(f, virt_to_pfn((const void *)spare));
	f = virt_to_mfn((const void *)victim);
	check_rc(memop(XENMEM_decrease_reservation, other(), &f), 0);
	victim[1] = 2;	/* still ours */

	printk("populate_physmap naming ourselves (d%u) by id\n", self());
	f = virt_to_pfn((const void *)spare);
	check_rc(memop(XENMEM_populate_physmap, self(), &f), 1);
	check_rc(hyp_update_va_mapping((unsigned long)spare,
				       (f << 12) | PTE_FLAGS_RW, UVMF_INVLPG),
		 0);
	spare[0] = 2;	/* ours again (Xen may hand back the same frame
			 * unscrubbed: no check of its contents) */
	check_eq(spare[0], 2);
}

void test_main(void)
{
	iso_begin();
	mmu_calls();
	reservations();
	printk("foreign_refused: every use of another domain's memory "
	       "refused\n");
}
