// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU descriptor tables: GDT, LDT and TSS.
 *
 * Each CPU has a 16-page GDT window at GDT_WINDOW_VIRT + cpu * 64 KiB.
 * Pages 0-13 are where a PV guest's own GDT frames will be mapped (Linux
 * puts its per-CPU GDT there); page 14 is the hypervisor's page holding
 * the selectors of asm/desc.h: our ring-0 code and data, the flat ring-3
 * segments guests run on, this CPU's TSS and its LDT descriptor.  GDTR
 * covers pages 0-14.
 *
 * Each CPU also has a 16-page LDT window at LDT_WINDOW_VIRT + cpu * 64
 * KiB, where load_ldt() maps the descriptor frames of the vCPU running
 * here (pv/descriptor-tables.c took and checked them) and nothing else:
 * a switch away unmaps what the next vCPU does not use, so no CPU maps a
 * frame whose type reference is gone.  LDTR is null from bring-up on and
 * whenever the running vCPU has no LDT (asm/desc.h says why).
 *
 * The TSS carries the interrupt stacks: IST1 for double faults, IST2 for
 * NMIs, IST3 for machine checks, so that these can be reported even when
 * the normal stack is the problem, and IST4 for #DB, which a guest can
 * raise in ring 0 on a stack of its choosing (entry.S says how).  The two
 * words above the NMI, #MC and #DB stacks hold this CPU's struct percpu,
 * which entry.S makes the GS base for the handler (none of the three
 * can trust CS to say whose base is loaded), and the GS base it found.
 * rsp0 (the ring-0 stack used on entry from a guest) is the CPU's own
 * stack.
 *
 * The boot CPU cannot wait for page tables and the heap before it has a
 * GDT with our selectors (the IDT refers to HYPERVISOR_CS), so
 * desc_early_init() loads its static hypervisor page directly, with a GDT
 * base chosen so that selector 0xe000 lands at the start of that page.
 */
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/panic.h>
#include <hv/smp.h>

#include <asm/desc.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/setup.h>

struct tss64 {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;

struct desc_ptr {
	u16 limit;
	u64 base;
} __packed;

#define IST_DF		1
#define IST_NMI		2
#define IST_MC		3
#define IST_DB		4
#define IST_ORDER	1	/* 8 KiB: enough to print a panic dump */

static struct tss64 tss[MAX_CPUS] __aligned(128);
static u64 *hv_gdt_page[MAX_CPUS];
/* What each CPU's LDT window maps: machine address | 1, or 0. */
static u64 ldt_mapped[MAX_CPUS][LDT_MAX_FRAMES];
static u64 boot_gdt_page[512] __aligned(4096);
unsigned long ist_stack_top[MAX_CPUS][NR_IST];

void load_selectors(u16 cs, u16 ds);

static void set_desc(u64 *page, unsigned int sel, u64 d)
{
	page[(sel - FIRST_RESERVED_GDT_BYTE) >> 3] = d;
}

static void fill_gdt_page(u64 *page, unsigned int cpu)
{
	u64 base = (u64)&tss[cpu], limit = sizeof(struct tss64) - 1;

	memset(page, 0, PAGE_SIZE);
	set_desc(page, HYPERVISOR_CS, 0x00af9b000000ffffUL);
	set_desc(page, HYPERVISOR_DS, 0x00cf93000000ffffUL);
	set_desc(page, HYPERVISOR_CS32, 0x00cf9b000000ffffUL);
	set_desc(page, FLAT_RING3_CS32 & ~3, 0x00cffb000000ffffUL);
	set_desc(page, FLAT_RING3_DS32 & ~3, 0x00cff3000000ffffUL);
	set_desc(page, FLAT_RING3_CS64 & ~3, 0x00affb000000ffffUL);
	/* 64-bit available TSS: type 9, present. */
	set_desc(page, TSS_SELECTOR,
		 (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89UL << 40) |
		 ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56);
	set_desc(page, TSS_SELECTOR + 8, base >> 32);
}

/* Loading the null selector into GS clears its base: keep the per-CPU one. */
static void load_gdt(unsigned long base, unsigned long limit)
{
	struct desc_ptr p = { .limit = (u16)limit, .base = base };
	u64 gs_base = rdmsr(MSR_GS_BASE);

	__asm__ __volatile__("lgdt %0" : : "m"(p));
	load_selectors(HYPERVISOR_CS, HYPERVISOR_DS);
	wrmsr(MSR_GS_BASE, gs_base);
}

static void load_tr(void)
{
	__asm__ __volatile__("ltr %w0" : : "r"(TSS_SELECTOR));
}

/**
 * desc_early_init() - give the boot CPU our selectors before paging_init
 */
void desc_early_init(void)
{
	fill_gdt_page(boot_gdt_page, 0);
	load_gdt((unsigned long)boot_gdt_page - FIRST_RESERVED_GDT_BYTE,
		 FIRST_RESERVED_GDT_BYTE + PAGE_SIZE - 1);
	load_null_ldt();
}

static unsigned long alloc_ist(void)
{
	void *p = alloc_heap_pages(IST_ORDER);

	if (!p)
		panic("no memory for interrupt stacks");
	return (unsigned long)p + (PAGE_SIZE << IST_ORDER);
}

/**
 * desc_init_cpu() - build a CPU's GDT window, TSS and interrupt stacks
 * @cpu: the CPU; runs on the boot CPU, before @cpu is started
 *
 * Needs the heap and percpu[cpu].stack_hi.
 */
void desc_init_cpu(unsigned int cpu)
{
	u64 *page = cpu ? alloc_heap_pages(0) : boot_gdt_page;
	unsigned long window = GDT_WINDOW_VIRT + cpu * GDT_WINDOW_SIZE;
	struct tss64 *t = &tss[cpu];

	if (!page)
		panic("no memory for the GDT of CPU%u", cpu);
	fill_gdt_page(page, cpu);
	hv_gdt_page[cpu] = page;
	map_pages(window + FIRST_RESERVED_GDT_BYTE, __pa(page), 1, PAGE_HV_RW);
	/* Build the page tables of the LDT window now: load_ldt() runs
	 * with interrupts off and must not allocate. */
	window = LDT_WINDOW_VIRT + cpu * LDT_WINDOW_SIZE;
	map_pages(window, __pa(page), LDT_MAX_FRAMES, PAGE_HV_RO);
	unmap_pages(window, LDT_MAX_FRAMES);

	memset(t, 0, sizeof(*t));
	t->rsp[0] = percpu[cpu].stack_hi;
	for (int i = 0; i < NR_IST; i++)
		ist_stack_top[cpu][i] = alloc_ist();
	t->ist[IST_DF - 1] = ist_stack_top[cpu][0];
	/* entry.S: DB_IST_PERCPU and DB_IST_GSBASE, above the frame, for
	 * the entries that set GS base from it (NMI, #MC, #DB). */
	for (int ist = IST_NMI; ist <= IST_DB; ist++) {
		unsigned long *top = (unsigned long *)
				     (ist_stack_top[cpu][ist - 1] - 16);

		top[0] = (unsigned long)&percpu[cpu];
		top[1] = 0;
		t->ist[ist - 1] = (unsigned long)top;
	}
	t->iomap_base = sizeof(*t);	/* no I/O bitmap: all ports trap */
}

/**
 * desc_load_cpu() - switch the running CPU to its GDT window and TSS
 * @cpu: the running CPU
 */
void desc_load_cpu(unsigned int cpu)
{
	load_gdt(GDT_WINDOW_VIRT + cpu * GDT_WINDOW_SIZE,
		 FIRST_RESERVED_GDT_BYTE + PAGE_SIZE - 1);
	load_null_ldt();
	load_tr();
}

/**
 * load_ldt() - make @mfns this CPU's LDT, or load the null LDT
 * @mfns: descriptor frames, (@ents * 8 + 4095) / 4096 of them; the
 *        caller holds a PGT_seg_desc_page reference on each, for as long
 *        as they stay loaded (until the next load_ldt() on this CPU)
 * @ents: descriptors, at most LDT_MAX_ENTS; 0 for the null LDT
 *
 * The window is mapped writable, as on Xen: the CPU sets the accessed
 * bit of a descriptor it loads, and the frame's type allows a write.
 * Every page under the limit is mapped, so the CPU's reads of the LDT
 * never fault: a selector beyond the limit gives #GP(selector).
 */
void load_ldt(const unsigned long *mfns, unsigned int ents)
{
	unsigned int cpu = smp_processor_id();
	unsigned long win = LDT_WINDOW_VIRT + cpu * LDT_WINDOW_SIZE;
	unsigned int n = (ents * 8 + PAGE_SIZE - 1) / PAGE_SIZE;
	unsigned long flags = local_irq_save();
	u64 *m = ldt_mapped[cpu];
	u64 limit = ents * 8UL - 1;

	if (!ents || n > LDT_MAX_FRAMES)
		load_null_ldt();
	for (unsigned int i = 0; i < LDT_MAX_FRAMES; i++) {
		u64 want = i < n ? ((u64)mfns[i] << PAGE_SHIFT) | 1 : 0;
		unsigned long va = win + i * PAGE_SIZE;

		if (m[i] == want)
			continue;
		if (want) {
			map_pages(va, want & ~1UL, 1, PAGE_HV_RW);
			__asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
		} else {
			unmap_pages(va, 1);	/* flushes it */
		}
		m[i] = want;
	}
	if (ents && n <= LDT_MAX_FRAMES) {
		/* 16-byte system descriptor: type 2 (LDT), present, DPL 0. */
		set_desc(hv_gdt_page[cpu], LDT_SELECTOR,
			 (limit & 0xffff) | ((win & 0xffffff) << 16) |
			 (0x82UL << 40) | ((limit >> 16) & 0xf) << 48 |
			 ((win >> 24) & 0xff) << 56);
		set_desc(hv_gdt_page[cpu], LDT_SELECTOR + 8, win >> 32);
		__asm__ __volatile__("lldt %w0" : : "r"(LDT_SELECTOR)
				     : "memory");
	}
	local_irq_restore(flags);
}

/**
 * arch_set_this_cpu() - point GS base at the running CPU's struct percpu
 * @p: its struct percpu
 */
void arch_set_this_cpu(struct percpu *p)
{
	wrmsr(MSR_GS_BASE, (u64)p);
}
