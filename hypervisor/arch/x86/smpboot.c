// SPDX-License-Identifier: GPL-2.0
/*
 * Starting the secondary CPUs.
 *
 * smp_boot_cpus() runs on the boot CPU at the end of bring-up, with the
 * heap, the APIC and calibrated time available.  It lists the CPUs from
 * the ACPI MADT (local APIC and x2APIC entries marked enabled), copies the
 * real-mode trampoline (boot/trampoline.S) below 1 MiB, and starts each
 * CPU in turn with the INIT-SIPI-SIPI sequence, giving it a stack, GDT
 * window, TSS and interrupt stacks first.  The new CPU comes out in
 * ap_main(), sets itself up and goes idle.  One CPU at a time, because
 * they share the trampoline's parameters.
 *
 * When all are up, the identity map of the first GiB that the trampoline
 * needed is removed from the shared page tables and every CPU flushes its
 * TLB: from then on the low half of the address space is empty, ready
 * for guests.
 */
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/panic.h>
#include <hv/pv.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <hv/time.h>

#include <asm/apic.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/setup.h>

#define MADT_LAPIC		0
#define MADT_X2APIC		9
#define MADT_ENABLED		1
#define AP_WAIT_MS		5000

extern char trampoline_start[], trampoline_end[];
extern char trampoline_cr3[], trampoline_efer[], trampoline_cpu[];
extern char trampoline_stack[];

static void add_cpu(u32 id)
{
	if (id == percpu[0].apic_id)
		return;
	if (nr_cpus == MAX_CPUS) {
		log_warn("more than %u CPUs; APIC id %u not used", MAX_CPUS, id);
		return;
	}
	percpu[nr_cpus++].apic_id = id;
}

static void find_cpus(void)
{
	const u8 *madt = acpi_find_table("APIC");
	u32 len;

	if (!madt) {
		log_warn("smp: no ACPI MADT; running on the boot CPU only");
		return;
	}
	len = *(const u32 *)(madt + 4);
	for (u32 off = 44; off + 2 <= len; off += madt[off + 1]) {
		const u8 *e = madt + off;

		if (e[1] < 2)
			break;
		if (e[0] == MADT_LAPIC && (*(const u32 *)(e + 4) & MADT_ENABLED))
			add_cpu(e[3]);
		else if (e[0] == MADT_X2APIC &&
			 (*(const u32 *)(e + 8) & MADT_ENABLED))
			add_cpu(*(const u32 *)(e + 4));
	}
}

static void set_param(char *field, u64 v, size_t size)
{
	u8 *t = __va(TRAMPOLINE_PHYS);

	memcpy(t + (field - trampoline_start), &v, size);
}

static bool start_cpu(unsigned int cpu)
{
	struct percpu *p = &percpu[cpu];
	void *stack = alloc_heap_pages(STACK_ORDER);
	u32 efer = (1 << 8) | (x86_nx_mask ? EFER_NXE : 0);

	if (!stack)
		panic("no memory for the stack of CPU%u", cpu);
	p->cpu = cpu;
	p->stack_lo = (unsigned long)stack;
	p->stack_hi = p->stack_lo + STACK_SIZE;
	desc_init_cpu(cpu);

	set_param(trampoline_cr3, __pa(idle_l4), 4);
	set_param(trampoline_efer, efer, 4);
	set_param(trampoline_cpu, cpu, 4);
	set_param(trampoline_stack, p->stack_hi, 8);

	apic_send_ipi(p->apic_id, APIC_DM_INIT | APIC_INT_ASSERT);
	mdelay(10);
	for (int i = 0; i < 2 && !p->online; i++) {
		apic_send_ipi(p->apic_id, APIC_DM_STARTUP |
			      (TRAMPOLINE_PHYS >> PAGE_SHIFT));
		udelay(200);
	}
	for (int ms = 0; ms < AP_WAIT_MS && !p->online; ms++)
		mdelay(1);
	return p->online;
}

static void flush_tlb_ipi(void *unused)
{
	flush_tlb_local();
}

/**
 * smp_boot_cpus() - find and start every other CPU
 */
void smp_boot_cpus(void)
{
	size_t size = trampoline_end - trampoline_start;

	find_cpus();
	log_info("smp: %u CPU%s in the MADT", nr_cpus, nr_cpus > 1 ? "s" : "");
	if (size > PAGE_SIZE)
		panic("trampoline too large (%zu bytes)", size);
	memcpy(__va(TRAMPOLINE_PHYS), trampoline_start, size);

	for (unsigned int cpu = 1; cpu < nr_cpus; cpu++)
		if (!start_cpu(cpu))
			log_err("smp: CPU%u (APIC id %u) did not come up",
				cpu, percpu[cpu].apic_id);

	paging_drop_identity();
	for (unsigned int cpu = 1; cpu < nr_cpus; cpu++)
		if (percpu[cpu].online)
			smp_call(cpu, flush_tlb_ipi, NULL, true);
	log_info("smp: %u of %u CPUs online", nr_cpus_online, nr_cpus);
}

/**
 * ap_main() - a secondary CPU's first C code
 * @cpu: its number, from the trampoline
 *
 * Runs on the stack start_cpu() gave it, with interrupts off.
 */
void ap_main(unsigned int cpu)
{
	desc_load_cpu(cpu);
	idt_load();
	syscall_init_cpu();
	smep_init_cpu();
	fpu_init_cpu();
	percpu_init(cpu, percpu[cpu].apic_id);
	apic_init_cpu();
	if (apic_id() != percpu[cpu].apic_id)
		log_warn("CPU%u: APIC id %u, MADT said %u", cpu, apic_id(),
			 percpu[cpu].apic_id);
	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
	__atomic_fetch_add(&nr_cpus_online, 1, __ATOMIC_SEQ_CST);
	log_info("CPU%u online (APIC id %u)", cpu, apic_id());
	__atomic_store_n(&percpu[cpu].online, true, __ATOMIC_RELEASE);
	local_irq_enable();
	sched_start();
}
