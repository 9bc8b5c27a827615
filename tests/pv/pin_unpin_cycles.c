// SPDX-License-Identifier: GPL-2.0
/*
 * pin_unpin_cycles: a four-level tree of our own (L4 -> L3 -> L2 -> L1 ->
 * data pages) pinned and unpinned 60 times, in three orders: the L4
 * alone (recursive validation), L1 + L2 + L4 with the explicit pins
 * dropped out of order, L3 + L4.  While any root is pinned, every table
 * below it is a page table (a writable mapping of the L1 is refused);
 * once all are unpinned the counts are back at zero: every table page
 * can be mapped writable and written again.  On Veneer the runner's
 * pt_audit recounts every reference after each pin and unpin.
 */
#include "pvmm.h"

const char test_name[] = "pin_unpin_cycles";

#define CYCLES	60
#define TABLE_FLAGS	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)

static uint64_t t4[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t t3[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t t2[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t t1[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t data[4][512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t *const tables[4] = { t1, t2, t3, t4 };

static void pin(uint64_t *t, unsigned int level)
{
	long rc = pin_table(t, level);

	if (rc)
		fail("pin L%u = %ld", level, rc);
}

static void unpin(uint64_t *t)
{
	long rc = unpin_table(t);

	if (rc)
		fail("unpin = %ld", rc);
}

void test_main(void)
{
	unsigned int i, k;

	for (i = 0; i < 4; i++)
		t1[i] = (virt_to_mfn(data[i]) << 12) | PTE_FLAGS_RW;
	t1[4] = (virt_to_mfn(data[0]) << 12) | PTE_FLAGS_RO;
	t2[0] = (virt_to_mfn(t1) << 12) | TABLE_FLAGS;
	t3[0] = (virt_to_mfn(t2) << 12) | TABLE_FLAGS;
	t3[1] = (virt_to_mfn(t2) << 12) | TABLE_FLAGS;	/* shared L2 */
	t4[0] = (virt_to_mfn(t3) << 12) | TABLE_FLAGS;
	for (i = 0; i < 4; i++)
		make_page_readonly(tables[i]);

	printk("%u pin/unpin cycles\n", CYCLES);
	for (k = 0; k < CYCLES; k++) {
		switch (k % 3) {
		case 0:
			pin(t4, 4);
			check(remap(t1, virt_to_mfn(t1), PTE_FLAGS_RW) < 0);
			unpin(t4);
			break;
		case 1:
			pin(t1, 1);
			pin(t2, 2);
			pin(t4, 4);
			unpin(t2);
			check(remap(t2, virt_to_mfn(t2), PTE_FLAGS_RW) < 0);
			unpin(t4);
			unpin(t1);
			break;
		case 2:
			pin(t3, 3);
			pin(t4, 4);
			unpin(t3);
			unpin(t4);
			break;
		}
	}
	printk("all unpinned: every table page is ordinary memory again\n");
	for (i = 0; i < 4; i++) {
		check_rc(remap(tables[i], virt_to_mfn(tables[i]),
			       PTE_FLAGS_RW), 0);
		tables[i][100] = 0x77;
		check_eq(tables[i][100], 0x77);
	}
	data[3][0] = 1;
	check_eq(data[3][0], 1);
}
