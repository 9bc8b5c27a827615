// SPDX-License-Identifier: GPL-2.0
/*
 * start_hypervisor(): the boot CPU's bring-up, in order.
 *
 * boot/head.S arrives here in long mode on the boot page tables and the
 * boot stack.  Each step below needs the ones before it:
 *   1. per-CPU pointer, our GDT selectors and the IDT, then the serial
 *      console: from here on any fault is reported, not a silent reset;
 *   2. what the loader gave us (bootinfo) and the command line;
 *   3. memory: reserved ranges, boot allocator, our own page tables,
 *      frame table, buddy allocator;
 *   4. this CPU's final GDT/TSS, the local APIC, calibrated time and the
 *      interrupt handlers, then interrupts on;
 *   5. the other CPUs;
 *   6. "ready", and the self-tests when asked for;
 *   7. dom0 and the boot-time domUs, built from the boot modules
 *      (pv/domain-build.c), and the scheduler, which runs them from here
 *      on (common/sched.c).
 */
#include <hv/bootinfo.h>
#include <hv/console.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/options.h>
#include <hv/panic.h>
#include <hv/pv.h>
#include <hv/sched.h>
#include <hv/selftest.h>
#include <hv/smp.h>
#include <hv/time.h>

#include <asm/apic.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/setup.h>

extern char boot_stack[], boot_stack_top[];
void desc_early_init(void);
void start_hypervisor(u32 magic, paddr_t info);

static const char *const mem_type[] = {
	"?", "usable", "reserved", "ACPI data", "ACPI NVS", "bad",
};

static void memory_map(void)
{
	log_info("memory map (from %s):", bootinfo.loader);
	for (unsigned int i = 0; i < bootinfo.nr_mem; i++) {
		const struct mem_range *r = &bootinfo.mem[i];

		log_info("  0x%012lx-0x%012lx %s", r->start, r->end,
			 r->type < ARRAY_SIZE(mem_type) ? mem_type[r->type] : "?");
		if (r->type != MEM_USABLE)
			continue;
		total_pages += (ALIGN_DOWN(r->end, PAGE_SIZE) -
				ALIGN_UP(r->start, PAGE_SIZE)) >> PAGE_SHIFT;
		max_page = MAX(max_page, (unsigned long)(r->end >> PAGE_SHIFT));
	}
	log_info("RAM: %lu MiB usable, highest frame %#lx",
		 total_pages >> (20 - PAGE_SHIFT), max_page - 1);
}

static void reserve_boot_memory(void)
{
	reserve_range(0, 1UL << 20, "first MiB (firmware, AP trampoline)");
	reserve_range(__pa(__image_start), __pa(__image_end), "hypervisor image");
	for (unsigned int i = 0; i < bootinfo.nr_mods; i++) {
		const struct boot_module *m = &bootinfo.mods[i];

		log_info("module %u: %#lx-%#lx (%lu KiB) '%s'", i, m->start,
			 m->end, (m->end - m->start) >> 10, m->cmdline);
		reserve_range(m->start, m->end, "boot module");
	}
	if (!bootinfo.nr_mods)
		log_info("no boot modules");
}

static void memory_init(void)
{
	memory_map();
	reserve_boot_memory();
	boot_alloc_init();
	paging_init();
	frame_table_init();
	page_alloc_init();
}

static void apic_error_irq(void)
{
	log_err("CPU%u: APIC error %#x", smp_processor_id(),
		apic_read(APIC_ESR));
	apic_write(APIC_ESR, 0);
}

static void spurious_irq(void)
{
}

static void call_irq(void)
{
	smp_call_interrupt();
}

static void interrupts_init(void)
{
	set_irq_handler(CALL_VECTOR, call_irq);
	set_irq_handler(ERROR_VECTOR, apic_error_irq);
	set_irq_handler(SPURIOUS_VECTOR, spurious_irq);
}

/**
 * start_hypervisor() - the boot CPU's C entry point
 * @magic: Multiboot magic from EAX
 * @info:  physical address of the Multiboot information (EBX)
 */
void start_hypervisor(u32 magic, paddr_t info)
{
	u64 tsc0 = rdtsc();

	percpu[0].stack_lo = (unsigned long)boot_stack;
	percpu[0].stack_hi = (unsigned long)boot_stack_top;
	percpu_init(0, 0);
	desc_early_init();
	traps_init();
	idt_load();
	console_init();
	printk("\n");
	log_info("Veneer hypervisor starting");

	multiboot_parse(magic, info);
	log_info("command line: '%s'", bootinfo.cmdline);
	options_parse(bootinfo.cmdline);

	memory_init();

	desc_init_cpu(0);
	desc_load_cpu(0);
	syscall_init_cpu();
	smep_init_cpu();
	fpu_init_cpu();
	apic_init_cpu();
	percpu[0].apic_id = apic_id();
	log_info("apic: %s mode, boot CPU APIC id %u",
		 x2apic_enabled ? "x2APIC" : "xAPIC", percpu[0].apic_id);
	time_init();
	interrupts_init();
	nr_cpus_online = 1;
	percpu[0].online = true;
	local_irq_enable();

	smp_boot_cpus();

	log_info("ready: %u CPUs, %lu MiB free (boot took %lu ms of TSC)",
		 nr_cpus_online, free_page_count() >> (20 - PAGE_SHIFT),
		 (unsigned long)((rdtsc() - tsc0) / tsc_khz));
	if (opt_selftest)
		selftest_run(opt_selftest_list);
	build_boot_domains();
	sched_start();
}
