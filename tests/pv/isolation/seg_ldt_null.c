// SPDX-License-Identifier: GPL-2.0
/*
 * The LDT a CPU leaves reset with: base 0, limit 0xffff.  If the
 * hypervisor never loads LDTR, whatever a guest keeps at linear address
 * 0 (a domU kernel may map a page of its own there) is a live LDT that
 * nothing checks: a DPL-3 data segment, or a 64-bit call gate to the
 * hypervisor's ring-0 code segment, which is a direct way into ring 0.
 *
 * This kernel maps a page of its own at linear 0 and writes there, as
 * LDT entries: a DPL-3 data segment (selector 0x07), a call gate to the
 * hypervisor's code selector 0xe008 (0x0f) and a call gate to its own
 * flat code selector (0x1f).  With the null LDT every CPU must run on,
 * none of them exists: lar and lsl leave ZF clear, loading the data
 * selector into %fs or %ds raises #GP, and a far call through either
 * gate raises #GP in the guest, running nothing.  Xen 4.17 runs a vCPU
 * without an LDT (MMUEXT_SET_LDT not called) on the null LDT too.
 */
#include "isolation.h"
#include "pvmm.h"

const char test_name[] = "seg_ldt_null";

#define HV_CS		0xe008UL	/* the hypervisor's ring-0 code */
#define SEL_DATA	0x07		/* LDT entry 0, RPL 3 */
#define SEL_GATE_HV	0x0f		/* LDT entries 1-2 */
#define SEL_GATE_OWN	0x1f		/* LDT entries 3-4 */

static uint64_t ldt_page[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t l1[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t l2[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t l3[512] __attribute__((aligned(PAGE_SIZE)));

/* Set by the gate targets, should they ever run. */
volatile uint64_t ran_ring0, ran_own;
extern char ring0_payload[], own_payload[];

/*
 * What a gate would reach.  The ring-0 one would run with CPL 0 (or,
 * with SMEP, fault in the hypervisor); both return with lretq, which is
 * what a far call through a call gate needs.
 */
asm(".pushsection .text\n"
    "ring0_payload:\n\t"
    "movq $1, ran_ring0(%rip)\n\t"
    "lretq\n"
    "own_payload:\n\t"
    "movq $1, ran_own(%rip)\n\t"
    "lretq\n"
    ".popsection");

/* A 64-bit call gate, DPL 3, present: two descriptor slots. */
static void set_gate(unsigned int idx, uint64_t sel, uint64_t off)
{
	ldt_page[idx] = (off & 0xffff) | (sel << 16) | (0xecUL << 40) |
			((off >> 16) & 0xffff) << 48;
	ldt_page[idx + 1] = off >> 32;
}

/* Map ldt_page at linear 0 through new L3/L2/L1 tables in L4 slot 0. */
static void map_at_zero(void)
{
	uint64_t l4e = entry_maddr((const void *)0, 4);

	check_eq(*table_of((const void *)0, 4), 0);
	l1[0] = (virt_to_mfn(ldt_page) << 12) | PTE_FLAGS_RW;
	l2[0] = (virt_to_mfn(l1) << 12) | PTE_FLAGS_RW;
	l3[0] = (virt_to_mfn(l2) << 12) | PTE_FLAGS_RW;
	make_page_readonly(l1);
	make_page_readonly(l2);
	make_page_readonly(l3);
	check_rc(mmu_update1(l4e, (virt_to_mfn(l3) << 12) | PTE_FLAGS_RW), 0);
	/* The same frame, seen at 0: the CPU would read the LDT there. */
	{
		volatile uint64_t *zero = (volatile uint64_t *)0;

		asm volatile("" : "+r"(zero));
		check_eq(zero[0], ldt_page[0]);
		check_eq(zero[1], ldt_page[1]);
	}
}

static void unmap_zero(void)
{
	check_rc(mmu_update1(entry_maddr((const void *)0, 4), 0), 0);
}

/* lar and lsl: ZF set means "valid selector". */
static int lar_ok(uint16_t sel)
{
	uint64_t r = 0;
	uint8_t zf;

	asm volatile("larq %q2, %0\n\tsetz %1" : "+r"(r), "=q"(zf)
		     : "r"((uint64_t)sel) : "cc");
	return zf;
}

static int lsl_ok(uint16_t sel)
{
	uint64_t r = 0;
	uint8_t zf;

	asm volatile("lslq %q2, %0\n\tsetz %1" : "+r"(r), "=q"(zf)
		     : "r"((uint64_t)sel) : "cc");
	return zf;
}

static uint16_t get_fs(void)
{
	uint16_t s;

	asm volatile("movw %%fs, %0" : "=r"(s));
	return s;
}

static uint16_t get_ds(void)
{
	uint16_t s;

	asm volatile("movw %%ds, %0" : "=r"(s));
	return s;
}

static void far_call_faults(uint16_t sel, const char *what)
{
	struct {
		uint32_t off;
		uint16_t sel;
	} __attribute__((packed)) fp = { .off = 0, .sel = sel };

	printk("far call through LDT selector 0x%x (%s): #GP\n", sel, what);
	probe_arm(13);
	PROBE("lcall *%[fp]", , [fp] "m"(fp));
	check_kernel_frame(13, 1, sel & ~3, probe_rec.fault_rip);
}

void test_main(void)
{
	uint16_t ds = get_ds();

	iso_begin();
	ldt_page[0] = 0x00cff3000000ffffUL;	/* flat data, DPL 3 */
	set_gate(1, HV_CS, (uint64_t)ring0_payload);
	set_gate(3, FLAT_RING3_CS64 & ~3, (uint64_t)own_payload);
	map_at_zero();

	printk("lar/lsl on the LDT selectors: invalid\n");
	check(!lar_ok(SEL_DATA));
	check(!lsl_ok(SEL_DATA));
	check(!lar_ok(SEL_GATE_HV));
	check(!lar_ok(SEL_GATE_OWN));

	printk("mov 0x%x to %%fs: #GP\n", SEL_DATA);
	probe_arm(13);
	PROBE("movw %w[s], %%fs", , [s] "r"((uint16_t)SEL_DATA));
	check_kernel_frame(13, 1, SEL_DATA & ~3, probe_rec.fault_rip);
	check_eq(get_fs(), 0);

	printk("mov 0x%x to %%ds: #GP\n", SEL_DATA);
	probe_arm(13);
	PROBE("movw %w[s], %%ds", , [s] "r"((uint16_t)SEL_DATA));
	check_kernel_frame(13, 1, SEL_DATA & ~3, probe_rec.fault_rip);
	check_eq(get_ds(), ds);

	far_call_faults(SEL_GATE_OWN, "gate to our own code");
	check_eq(ran_own, 0);
	far_call_faults(SEL_GATE_HV, "gate to the hypervisor's ring 0");
	check_eq(ran_ring0, 0);

	unmap_zero();
	printk("seg_ldt_null: no LDT entry at linear 0 was usable\n");
}
