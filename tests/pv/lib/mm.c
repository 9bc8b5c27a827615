// SPDX-License-Identifier: GPL-2.0
/*
 * Page-table helpers for the PV memory-model test kernels: walking the
 * bootstrap tables, one-request MMU hypercalls.  See include/pvmm.h.
 */
#include "pvmm.h"

const uint64_t *table_of(const void *va, unsigned int level)
{
	const uint64_t *t = (const uint64_t *)start_info->pt_base;
	unsigned int l;

	for (l = 4; l > level; l--) {
		uint64_t e = t[((uint64_t)va >> (12 + 9 * (l - 1))) & 511];

		if (!(e & _PAGE_PRESENT))
			fail("no L%u entry maps %p", l, va);
		t = mfn_to_virt(pte_mfn(e));
	}
	return t;
}

uint64_t entry_maddr(const void *va, unsigned int level)
{
	const uint64_t *t = table_of(va, level);
	unsigned int i = ((uint64_t)va >> (12 + 9 * (level - 1))) & 511;

	return (virt_to_mfn(t) << 12) + i * 8;
}

long mmu_update1(uint64_t ptr, uint64_t val)
{
	struct mmu_update u = { .ptr = ptr, .val = val };

	return hyp_mmu_update(&u, 1, NULL, DOMID_SELF);
}

long mmuext1(unsigned int cmd, uint64_t arg1)
{
	struct mmuext_op op = { .cmd = cmd };

	op.arg1.mfn = arg1;
	return hyp_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

long pin_table(void *va, unsigned int level)
{
	return mmuext1(MMUEXT_PIN_L1_TABLE + level - 1, virt_to_mfn(va));
}

long unpin_table(void *va)
{
	return mmuext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(va));
}

long remap(void *va, uint64_t mfn, uint64_t flags)
{
	return hyp_update_va_mapping((unsigned long)va, (mfn << 12) | flags,
				     UVMF_INVLPG);
}
