// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC: interrupts between CPUs and the per-CPU timer.
 *
 * x2APIC mode (registers as MSRs, 32-bit APIC ids, one-write ICR) is used
 * when the CPU has it; otherwise the xAPIC registers are reached through
 * the uncached direct map of their MMIO page.  The boot CPU decides in its
 * apic_init_cpu() and the others follow.  The 8259 PICs are masked: every
 * interrupt the hypervisor handles comes through the local APIC.
 */
#include <hv/log.h>
#include <hv/smp.h>

#include <asm/apic.h>
#include <asm/page.h>
#include <asm/processor.h>

#define APIC_BASE_EXTD		(1UL << 10)
#define APIC_BASE_ENABLE	(1UL << 11)
#define APIC_BASE_ADDR		0xfffff000UL
#define X2APIC_MSR(reg)		(0x800 + ((reg) >> 4))
#define APIC_SVR_ENABLE		(1 << 8)
#define APIC_TDCR_DIV1		0xb

bool x2apic_enabled;
static bool x2apic_decided;
static volatile u32 *apic_mmio;

/**
 * apic_read() - read a local APIC register
 * @reg: xAPIC register offset (APIC_*)
 */
u32 apic_read(unsigned int reg)
{
	if (x2apic_enabled)
		return (u32)rdmsr(X2APIC_MSR(reg));
	return apic_mmio[reg / 4];
}

/**
 * apic_write() - write a local APIC register
 * @reg: xAPIC register offset (APIC_*)
 * @v:   value
 */
void apic_write(unsigned int reg, u32 v)
{
	if (x2apic_enabled)
		wrmsr(X2APIC_MSR(reg), v);
	else
		apic_mmio[reg / 4] = v;
}

/**
 * apic_id() - the running CPU's local APIC id
 */
u32 apic_id(void)
{
	u32 id = apic_read(APIC_ID);

	return x2apic_enabled ? id : id >> 24;
}

/**
 * apic_eoi() - acknowledge the interrupt being handled
 */
void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

/**
 * apic_send_ipi() - send an interprocessor interrupt
 * @dest:     destination APIC id
 * @icr_low:  low ICR word: vector, delivery mode, level
 */
void apic_send_ipi(u32 dest, u32 icr_low)
{
	if (x2apic_enabled) {
		wrmsr(X2APIC_MSR(APIC_ICR), ((u64)dest << 32) | icr_low);
		return;
	}
	while (apic_read(APIC_ICR) & APIC_ICR_BUSY)
		cpu_relax();
	apic_write(APIC_ICR2, dest << 24);
	apic_write(APIC_ICR, icr_low);
	while (apic_read(APIC_ICR) & APIC_ICR_BUSY)
		cpu_relax();
}

static void decide_mode(void)
{
	u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	x2apic_enabled = c & (1 << 21);
	x2apic_decided = true;
	/* The 8259s stay masked for good. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

/**
 * apic_init_cpu() - enable and set up the running CPU's local APIC
 *
 * LINT0 (where the 8259 would be) is masked, LINT1 delivers NMIs, errors
 * go to ERROR_VECTOR, the timer is set up masked, one-shot, divide by 1.
 */
void apic_init_cpu(void)
{
	u64 base = rdmsr(MSR_APIC_BASE);

	if (!x2apic_decided)
		decide_mode();
	base |= APIC_BASE_ENABLE;
	if (x2apic_enabled) {
		wrmsr(MSR_APIC_BASE, base);
		base |= APIC_BASE_EXTD;
	} else {
		apic_mmio = __va(base & APIC_BASE_ADDR);
	}
	wrmsr(MSR_APIC_BASE, base);

	apic_write(APIC_TPR, 0);
	apic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS_VECTOR);
	apic_write(APIC_LVT0, APIC_LVT_MASKED);
	apic_write(APIC_LVT1, APIC_DM_NMI);
	apic_write(APIC_LVTERR, ERROR_VECTOR);
	apic_write(APIC_ESR, 0);
	apic_write(APIC_ESR, 0);
	apic_write(APIC_TDCR, APIC_TDCR_DIV1);
	apic_write(APIC_LVTT, APIC_LVT_MASKED | TIMER_VECTOR);
	apic_eoi();
}

/**
 * arch_send_call_ipi() - kick a CPU to run its smp_call() mailbox
 * @cpu: target
 */
void arch_send_call_ipi(unsigned int cpu)
{
	apic_send_ipi(percpu[cpu].apic_id, APIC_INT_ASSERT | CALL_VECTOR);
}

/**
 * arch_stop_other_cpus() - send an NMI to every other online CPU
 *
 * For panic: an NMI is an unexpected exception, so each CPU enters the
 * panic path, finds another CPU already reporting, and halts.
 */
void arch_stop_other_cpus(void)
{
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
		if (cpu != smp_processor_id() && percpu[cpu].online)
			apic_send_ipi(percpu[cpu].apic_id,
				      APIC_DM_NMI | APIC_INT_ASSERT);
}

/**
 * arch_send_timer_ipi() - make a CPU look at its timer queue
 * @cpu: target
 */
void arch_send_timer_ipi(unsigned int cpu)
{
	apic_send_ipi(percpu[cpu].apic_id, APIC_INT_ASSERT | TIMER_VECTOR);
}
