// SPDX-License-Identifier: GPL-2.0
/*
 * What an LDT may hold.  The LDT's frames are what the CPU reads (typed
 * as descriptor pages, as on Xen), so every descriptor in them must be
 * checked as for the GDT, at MMUEXT_SET_LDT and at every update_descriptor
 * into a live LDT page.
 *
 *  1. A page holding a call gate to the hypervisor's ring-0 code selector
 *     0xe008 (beside a harmless data segment) never becomes an LDT:
 *     Veneer refuses set_ldt (-EINVAL); Xen 4.17 accepts it and refuses
 *     the page at its lazy fault-in, so the first selector load gives the
 *     guest #PF at the LDT's address.  Either way the data selector does
 *     not load and a far call through the gate runs nothing.
 *  2. DPL 0 code and data descriptors are made DPL 3 (the guest kernel is
 *     in ring 3 too), in the frame itself: lar says DPL 3, the data
 *     selector loads into %fs, and a far return into the 64-bit code
 *     segment runs there, in ring 3, and comes back.
 *  3. update_descriptor into the live LDT page: a call gate is refused
 *     and the entry stays 0; a data descriptor is accepted and loads at
 *     once; a not-present one is accepted and then gives #NP(selector)
 *     when loaded, as the CPU does.
 *
 * veneer-log: set_ldt 0x[0-9a-f]+, 3 entries refused: page 0: a system descriptor
 * veneer-log: update_descriptor: bad descriptor
 */
#include "isolation.h"
#include "pvmm.h"

const char test_name[] = "ldt_bad_desc";

#define EINVAL		22
#define HV_CS		0xe008UL
#define DATA_DPL0	0x00cf93000000ffffUL	/* flat data, DPL 0 */
#define DATA_DPL3	0x00cff3000000ffffUL	/* flat data, DPL 3 */
#define CODE64_DPL0	0x00af9b000000ffffUL	/* 64-bit code, DPL 0 */
#define DATA_NP		0x00cf73000000ffffUL	/* DPL 3, not present */
#define SEL(i)		(((i) << 3) | 7)	/* LDT entry i, RPL 3 */

static uint64_t gate_page[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t ldt[512] __attribute__((aligned(PAGE_SIZE)));

volatile uint64_t ran_ring0;
extern char ring0_payload[];

asm(".pushsection .text\n"
    "ring0_payload:\n\t"
    "movq $1, ran_ring0(%rip)\n\t"
    "lretq\n"
    ".popsection");

static long set_ldt(const void *base, unsigned int ents)
{
	struct mmuext_op op = { .cmd = MMUEXT_SET_LDT };

	op.arg1.linear_addr = (uint64_t)base;
	op.arg2.nr_ents = ents;
	return hyp_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static long update_descriptor(const void *va, uint64_t desc)
{
	uint64_t maddr = (virt_to_mfn(va) << 12) |
			 ((uint64_t)va & (PAGE_SIZE - 1));

	return hypercall2(__HYPERVISOR_update_descriptor, maddr, desc);
}

/* lar: the access rights of @sel, or -1 if it is not a valid selector. */
static long lar(uint16_t sel)
{
	uint64_t r = 0;
	uint8_t zf;

	asm volatile("larq %q2, %0\n\tsetz %1" : "+r"(r), "=q"(zf)
		     : "r"((uint64_t)sel) : "cc");
	return zf ? (long)r : -1;
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

/*
 * Loading @sel faults, with @vec and error code @err, or, if @pf_at is
 * non-zero, with a #PF at that address (Xen's lazy LDT fault-in refused
 * the page).
 */
static void load_faults(uint16_t sel, unsigned int vec, uint64_t err,
			uint64_t pf_at)
{
	probe_arm(pf_at ? 14 : vec);
	PROBE("movw %w[s], %%fs", , [s] "r"(sel));
	if (pf_at) {
		printk("  #PF at 0x%lx\n", (unsigned long)probe_rec.cr2);
		check_eq(probe_rec.count, 1);
		check_eq(probe_rec.vector, 14);
		check_eq(probe_rec.cr2, pf_at);
		check_eq(probe_rec.b.rip, probe_rec.fault_rip);
	} else {
		check_kernel_frame(vec, 1, err, probe_rec.fault_rip);
	}
	check_eq(get_fs(), 0);
}

static void gate_page_refused(void)
{
	long rc;

	printk("1. an LDT page holding a call gate to 0x%lx\n", HV_CS);
	gate_page[0] = DATA_DPL3;
	gate_page[1] = ((uint64_t)ring0_payload & 0xffff) | (HV_CS << 16) |
		       (0xecUL << 40) |
		       (((uint64_t)ring0_payload >> 16) & 0xffff) << 48;
	gate_page[2] = (uint64_t)ring0_payload >> 32;
	make_page_readonly(gate_page);
	rc = set_ldt(gate_page, 3);
	printk("  set_ldt = %ld\n", rc);
	if (rc == 0) {
		/* Xen 4.17: accepted, refused at the first use (every
		 * use: lar too would take a #PF, not say "invalid"). */
		load_faults(SEL(0), 0, 0, (uint64_t)gate_page);
	} else {
		check_eq(rc, -EINVAL);
		/* No LDT: the null LDT, #GP(selector). */
		load_faults(SEL(0), 13, SEL(0) & ~3, 0);
		check_eq(lar(SEL(1)), -1);
	}
	check_eq(ran_ring0, 0);
	check_rc(set_ldt(NULL, 0), 0);
	check_eq(gate_page[1] >> 40 & 0xff, 0xec);	/* untouched */
}

extern char in_ldt_code[], back_from_ldt[];

/* lretq to LDT entry 1 (64-bit code), read %cs there, lretq back. */
static uint16_t run_in_ldt_code(void)
{
	uint64_t cs_there;

	asm volatile("pushq %[ldt_cs]\n\t"
		     "leaq in_ldt_code(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "in_ldt_code:\n\t"
		     "movq %%cs, %[cs]\n\t"
		     "pushq %[flat_cs]\n\t"
		     "leaq back_from_ldt(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "back_from_ldt:"
		     : [cs] "=&r"(cs_there)
		     : [ldt_cs] "i"(SEL(1)), [flat_cs] "i"(FLAT_RING3_CS64)
		     : "rax", "memory");
	return (uint16_t)cs_there;
}

static void dpl0_made_dpl3(void)
{
	printk("2. DPL 0 code and data descriptors\n");
	ldt[0] = DATA_DPL0;
	ldt[1] = CODE64_DPL0;
	make_page_readonly(ldt);
	check_rc(set_ldt(ldt, 8), 0);
	set_fs(SEL(0));			/* Xen faults the page in here */
	check_eq(get_fs(), SEL(0));
	printk("  lar 0x%x = 0x%lx, lar 0x%x = 0x%lx\n", SEL(0), lar(SEL(0)),
	       SEL(1), lar(SEL(1)));
	check((lar(SEL(0)) >> 13 & 3) == 3);
	check((lar(SEL(1)) >> 13 & 3) == 3);
	check_eq(ldt[0] >> 45 & 3, 3);	/* fixed in the frame */
	check_eq(ldt[1] >> 45 & 3, 3);
	check_eq(run_in_ldt_code(), SEL(1));
	printk("  ran in LDT code segment 0x%x, in ring 3\n", SEL(1));
	set_fs(0);
}

static void live_updates(void)
{
	printk("3. update_descriptor into the live LDT page\n");
	check_rc(update_descriptor(&ldt[2], ((uint64_t)ring0_payload & 0xffff) |
				   (HV_CS << 16) | (0xecUL << 40)), -EINVAL);
	check_eq(ldt[2], 0);
	check_eq(lar(SEL(2)), -1);
	check_rc(update_descriptor(&ldt[3], DATA_DPL3), 0);
	check_eq(ldt[3], DATA_DPL3);
	set_fs(SEL(3));
	check_eq(get_fs(), SEL(3));
	set_fs(0);
	check_rc(update_descriptor(&ldt[0], DATA_NP), 0);
	load_faults(SEL(0), 11, SEL(0) & ~3, 0);
	check_rc(set_ldt(NULL, 0), 0);
	check_eq(lar(SEL(3)), -1);
}

void test_main(void)
{
	iso_begin();
	gate_page_refused();
	dpl0_made_dpl3();
	live_updates();
	printk("ldt_bad_desc: no unchecked descriptor reached the CPU\n");
}
