// SPDX-License-Identifier: GPL-2.0
/*
 * Which frames an LDT may live in.  The CPU reads the LDT from the
 * guest's frames, so they must hold the descriptor-page type: no
 * writable mapping of them may exist while they are an LDT, or the guest
 * could write a call gate into a descriptor the hypervisor checked once.
 *
 *  1. A page mapped writable is not made an LDT: Veneer refuses set_ldt
 *     (-EINVAL); Xen 4.17 accepts it and refuses the page at its lazy
 *     fault-in, so the first selector load gives #PF at the LDT's
 *     address.  Either way the selector does not load, and the page stays
 *     writable (the refused type changed nothing).
 *  2. A read-only page is made an LDT (a 2-page one, with a descriptor in
 *     the second page); then it cannot be mapped writable (type
 *     conflict); once the LDT is gone (set_ldt with 0 entries) it can.
 *  3. set_ldt at the hypervisor's addresses, or over 8192 entries, or at
 *     an address that is not page aligned, is refused.
 *  4. An LDT still set when the domain goes: its frames' references are
 *     dropped at destroy (the runner checks the page-type audit at
 *     shutdown, which counts them, and that every page came back).
 *
 * veneer-log: set_ldt 0x[0-9a-f]+, 1 entries refused: page 0: frame is in use as another type
 * veneer-log: set_ldt 0xffff800000000000, 1 entries refused: bad arguments
 */
#include "isolation.h"
#include "pvmm.h"

const char test_name[] = "ldt_frames";

#define EINVAL		22
#define DATA_DPL3	0x00cff3000000ffffUL	/* flat data, DPL 3 */
#define SEL(i)		(((i) << 3) | 7)	/* LDT entry i, RPL 3 */

static uint64_t wpage[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t ldt[1024] __attribute__((aligned(PAGE_SIZE)));

static long set_ldt(uint64_t base, unsigned int ents)
{
	struct mmuext_op op = { .cmd = MMUEXT_SET_LDT };

	op.arg1.linear_addr = base;
	op.arg2.nr_ents = ents;
	return hyp_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static uint16_t get_fs(void)
{
	uint16_t s;

	asm volatile("movw %%fs, %0" : "=r"(s));
	return s;
}

static void set_fs(uint16_t s)
{
	asm volatile("movw %w0, %%fs" : : "r"(s));
}

static void writable_page_refused(void)
{
	long rc;

	printk("1. an LDT page mapped writable\n");
	wpage[0] = DATA_DPL3;
	rc = set_ldt((uint64_t)wpage, 1);
	printk("  set_ldt = %ld\n", rc);
	if (rc == 0) {
		/* Xen 4.17: accepted, the page refused at the first use. */
		probe_arm(14);
		PROBE("movw %w[s], %%fs", , [s] "r"((uint16_t)SEL(0)));
		printk("  #PF at 0x%lx\n", (unsigned long)probe_rec.cr2);
		check_eq(probe_rec.count, 1);
		check_eq(probe_rec.vector, 14);
		check_eq(probe_rec.cr2, (uint64_t)wpage);
	} else {
		check_eq(rc, -EINVAL);
		probe_arm(13);
		PROBE("movw %w[s], %%fs", , [s] "r"((uint16_t)SEL(0)));
		check_kernel_frame(13, 1, SEL(0) & ~3, probe_rec.fault_rip);
	}
	check_eq(get_fs(), 0);
	check_rc(set_ldt(0, 0), 0);
	wpage[1] = 0x1234;		/* still ours to write */
	check_eq(wpage[1], 0x1234);
}

static void live_page_stays_readonly(void)
{
	uint64_t rw = (virt_to_mfn(ldt) << 12) | PTE_FLAGS_RW;
	uint64_t rw2 = (virt_to_mfn(&ldt[512]) << 12) | PTE_FLAGS_RW;

	printk("2. a 2-page LDT, read-only\n");
	ldt[0] = DATA_DPL3;
	ldt[600] = DATA_DPL3;
	make_page_readonly(ldt);
	make_page_readonly(&ldt[512]);
	check_rc(set_ldt((uint64_t)ldt, 1024), 0);
	set_fs(SEL(0));			/* Xen faults page 0 in here */
	check_eq(get_fs(), SEL(0));
	set_fs(SEL(600));		/* and page 1 here */
	check_eq(get_fs(), SEL(600));
	set_fs(0);
	printk("  the live LDT pages cannot be mapped writable\n");
	check_refused(hyp_update_va_mapping((unsigned long)ldt, rw,
					    UVMF_INVLPG));
	check_refused(hyp_update_va_mapping((unsigned long)&ldt[512], rw2,
					    UVMF_INVLPG));
	printk("  no LDT: they can\n");
	check_rc(set_ldt(0, 0), 0);
	check_rc(hyp_update_va_mapping((unsigned long)ldt, rw, UVMF_INVLPG), 0);
	check_rc(hyp_update_va_mapping((unsigned long)&ldt[512], rw2,
				       UVMF_INVLPG), 0);
	ldt[1] = 0x5678;
	check_eq(ldt[1], 0x5678);
}

static void bad_arguments(void)
{
	printk("3. bad arguments\n");
	check_rc(set_ldt(0xffff800000000000UL, 1), -EINVAL);
	check_rc(set_ldt(0xffff820000000000UL, 512), -EINVAL);
	check_rc(set_ldt((uint64_t)ldt, 8193), -EINVAL);
	check_rc(set_ldt((uint64_t)ldt + 8, 1), -EINVAL);
}

void test_main(void)
{
	iso_begin();
	writable_page_refused();
	live_page_stays_readonly();
	bad_arguments();
	printk("4. an LDT left set at exit\n");
	make_page_readonly(wpage);
	check_rc(set_ldt((uint64_t)wpage, 1), 0);
	set_fs(SEL(0));
	check_eq(get_fs(), SEL(0));
	printk("ldt_frames: no writable page became an LDT\n");
}
