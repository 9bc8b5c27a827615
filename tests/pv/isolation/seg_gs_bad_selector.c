// SPDX-License-Identifier: GPL-2.0
/*
 * set_segment_base(SEGBASE_GS_USER_SEL, sel) with selectors that cannot
 * be loaded.  Linux's xen_load_gs_index() passes the selector a user
 * program left in %gs and BUGs if the call fails, so an error here lets
 * any program kill its kernel.  Xen 4.17 never fails it: a non-null
 * selector gets RPL 3, one that faults is replaced by the null selector,
 * and the call returns 0 with the user GS base 0 (the flat data
 * selector is loaded first, so even a CPU that keeps the base on a null
 * load leaves 0 there, not the hypervisor's per-CPU pointer).
 *
 * Refused by the CPU, each must leave %gs = 0, user GS base 0 and the
 * kernel GS base as it was: a not-present descriptor (#NP), an entry
 * past the GDT's end in its last page and one in the next page (#GP, or
 * #PF on an unmapped page of the hypervisor's GDT window), an
 * execute-only code segment, the hypervisor's TSS (a system descriptor),
 * its ring-0 data selector (DPL 0 < RPL 3), an LDT selector with no LDT.
 * Loaded: a data selector, also when given with RPL 0 (it gets RPL 3),
 * with its descriptor's base as the user GS base; the null selector.
 *
 * veneer-log: set_segment_base\(GS_USER_SEL\): selector 0xe043 cannot be loaded: null selector
 */
#include "isolation.h"
#include "pvmm.h"

const char test_name[] = "seg_gs_bad_selector";

#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define NOT_PRESENT	(1UL << 47)
/* Flat 4 GiB data, DPL 3, accessed, with a base of 0x12345000. */
#define DATA_BASE	0x12345000UL
#define DATA_DPL3	0x12cff3345000ffffUL
#define CODE_XONLY	0x00cff9000000ffffUL	/* execute-only code, DPL 3 */
#define SEL_OK		0x0b		/* entry 1 */
#define SEL_NP		0x13		/* entry 2, not present */
#define SEL_XONLY	0x1b		/* entry 3 */
#define SEL_PAST	0x23		/* entry 4: past the 4-entry GDT */
#define SEL_NEXT_PAGE	0x1003		/* entry 512 */
#define SEL_LDT		0x07
#define SEL_HV_DS	0xe010		/* the hypervisor's ring-0 data */
#define SEL_TSS		0xe043		/* the hypervisor's TSS */

static uint64_t gdt[512] __attribute__((aligned(PAGE_SIZE)));

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static uint16_t get_gs(void)
{
	uint16_t s;

	asm volatile("movw %%gs, %0" : "=r"(s));
	return s;
}

/* Load @sel as the user %gs: it must read back @want, with @base. */
static void gs_user_sel(uint16_t sel, uint16_t want, uint64_t base)
{
	uint64_t kernel_gs = rdmsr(MSR_GS_BASE);

	check_rc(hyp_set_segment_base(SEGBASE_GS_USER, 0x5678000), 0);
	check_rc(hyp_set_segment_base(SEGBASE_GS_USER_SEL, sel), 0);
	printk("  0x%x: %%gs = 0x%x, user GS base 0x%lx\n", sel, get_gs(),
	       (unsigned long)rdmsr(MSR_KERNEL_GS_BASE));
	check_eq(get_gs(), want);
	check_eq(rdmsr(MSR_KERNEL_GS_BASE), base);
	check_eq(rdmsr(MSR_GS_BASE), kernel_gs);
}

void test_main(void)
{
	unsigned long frames[1];

	iso_begin();
	gdt[1] = DATA_DPL3;
	gdt[2] = DATA_DPL3 & ~NOT_PRESENT;
	gdt[3] = CODE_XONLY;
	make_page_readonly(gdt);
	frames[0] = virt_to_mfn(gdt);
	check_rc(hypercall2(__HYPERVISOR_set_gdt, frames, 4), 0);

	printk("set_segment_base(GS_USER_SEL): what loads\n");
	gs_user_sel(SEL_OK, SEL_OK, DATA_BASE);
	gs_user_sel(SEL_OK & ~3, SEL_OK, DATA_BASE);
	gs_user_sel(0, 0, 0);
	printk("what does not: the null selector, success\n");
	gs_user_sel(SEL_NP, 0, 0);
	gs_user_sel(SEL_XONLY, 0, 0);
	gs_user_sel(SEL_PAST, 0, 0);
	gs_user_sel(SEL_NEXT_PAGE, 0, 0);
	gs_user_sel(SEL_LDT, 0, 0);
	gs_user_sel(SEL_HV_DS, 0, 0);
	gs_user_sel(SEL_TSS, 0, 0);
	/* A good one still loads after all that. */
	gs_user_sel(SEL_OK, SEL_OK, DATA_BASE);
	gs_user_sel(0, 0, 0);
	printk("seg_gs_bad_selector: every call returned 0\n");
}
