// SPDX-License-Identifier: GPL-2.0
/*
 * uvm_flush: update_va_mapping with each flush flag.  The window page is
 * switched between two data pages; after a call that flushes (INVLPG or
 * TLB_FLUSH, on LOCAL, ALL or a vcpumask naming vCPU 0) a read through
 * the window must see the new page.  UVMF_NONE flushes nothing, so the
 * read after it is only checked once we flush ourselves.  No L1 maps an
 * address in the empty low half, the hypervisor's range or a
 * non-canonical address: -EINVAL.
 */
#include "pvmm.h"

const char test_name[] = "uvm_flush";

#define EINVAL	22

static volatile uint64_t page_a[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t page_b[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t window[512] __attribute__((aligned(PAGE_SIZE)));
static unsigned long vcpumask = 1;

static const struct {
	const char *name;
	unsigned long flags;
} cases[] = {
	{ "INVLPG|LOCAL", UVMF_INVLPG | UVMF_LOCAL },
	{ "TLB_FLUSH|LOCAL", UVMF_TLB_FLUSH | UVMF_LOCAL },
	{ "INVLPG|ALL", UVMF_INVLPG | UVMF_ALL },
	{ "TLB_FLUSH|ALL", UVMF_TLB_FLUSH | UVMF_ALL },
	{ "INVLPG|MULTI", UVMF_INVLPG | UVMF_MULTI },
	{ "TLB_FLUSH|MULTI", UVMF_TLB_FLUSH | UVMF_MULTI },
};

static long map_window(volatile uint64_t *page, unsigned long flags)
{
	return hyp_update_va_mapping((unsigned long)window,
				     (virt_to_mfn((void *)page) << 12) |
				     PTE_FLAGS_RW, flags);
}

void test_main(void)
{
	page_a[0] = 0xaaaa;
	page_b[0] = 0xbbbb;
	window[0] = 0x7777;

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned long f = cases[i].flags;
		volatile uint64_t *p = (i & 1) ? page_b : page_a;

		if ((f & ~UVMF_FLUSHTYPE_MASK) == UVMF_MULTI)
			f |= (unsigned long)&vcpumask;
		printk("%s\n", cases[i].name);
		(void)window[0];	/* load the old translation */
		check_rc(map_window(p, f), 0);
		check_eq(window[0], p[0]);
	}

	printk("NONE, then our own flush\n");
	(void)window[0];
	check_rc(map_window(page_a, UVMF_NONE), 0);
	check_rc(mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0), 0);
	check_eq(window[0], 0xaaaa);

	printk("mmuext flushes: INVLPG_LOCAL, INVLPG_MULTI, TLB_FLUSH_MULTI, "
	       "TLB_FLUSH_ALL\n");
	check_rc(map_window(page_b, UVMF_NONE), 0);
	check_rc(mmuext1(MMUEXT_INVLPG_LOCAL, (uint64_t)window), 0);
	check_eq(window[0], 0xbbbb);
	{
		struct mmuext_op op = { .cmd = MMUEXT_INVLPG_MULTI };

		op.arg1.linear_addr = (uint64_t)window;
		op.arg2.vcpumask = (uint64_t)&vcpumask;
		check_rc(map_window(page_a, UVMF_NONE), 0);
		check_rc(hyp_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
		check_eq(window[0], 0xaaaa);
		op.cmd = MMUEXT_TLB_FLUSH_MULTI;
		check_rc(map_window(page_b, UVMF_NONE), 0);
		check_rc(hyp_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
		check_eq(window[0], 0xbbbb);
	}
	check_rc(map_window(page_a, UVMF_NONE), 0);
	check_rc(mmuext1(MMUEXT_TLB_FLUSH_ALL, 0), 0);
	check_eq(window[0], 0xaaaa);

	printk("no L1 maps the address; hypervisor range; non-canonical\n");
	check_rc(hyp_update_va_mapping(0x1000, 0, UVMF_INVLPG), -EINVAL);
	check_rc(hyp_update_va_mapping(0xffff830000000000UL, 0, UVMF_INVLPG),
		 -EINVAL);
	check_rc(hyp_update_va_mapping(0x0000800000000000UL, 0, UVMF_INVLPG),
		 -EINVAL);
}
