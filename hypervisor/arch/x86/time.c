// SPDX-License-Identifier: GPL-2.0
/*
 * Time: TSC calibration, system time, and the local APIC one-shot timer.
 *
 * time_init() runs on the boot CPU after its local APIC is up.  It counts
 * how far the TSC and the APIC timer advance while the PIT (whose input
 * clock is a fixed 1.193182 MHz on every PC) counts down 10 ms on channel
 * 2, the one whose output can be polled through port 0x61.  From then on
 *   - NOW() is the TSC since boot scaled to nanoseconds, with a 32.32
 *     fixed-point multiplier (the TSC is assumed invariant and in step on
 *     all CPUs, as it is on QEMU and on modern hardware);
 *   - arch_timer_program() turns a deadline into an APIC timer count.
 * TSC-deadline mode and CPUID leaf 0x15 would be more precise where
 * present; under TCG neither is reliable, so the PIT is the one source.
 */
#include <hv/log.h>
#include <hv/smp.h>
#include <hv/time.h>
#include <hv/timer.h>

#include <asm/apic.h>
#include <asm/processor.h>
#include <asm/setup.h>

#define PIT_HZ		1193182UL
#define CALIBRATE_MS	10

u64 tsc_khz;
static u64 apic_khz;		/* APIC timer ticks per millisecond */
static u64 tsc_boot;
static u64 ns_per_tsc_32;	/* ns per TSC tick, 32.32 fixed point */

/**
 * NOW() - system time: nanoseconds since time_init()
 */
s_time_t NOW(void)
{
	u64 d = rdtsc() - tsc_boot;

	return (s_time_t)(((unsigned __int128)d * ns_per_tsc_32) >> 32);
}

/**
 * udelay() - busy-wait
 * @us: microseconds
 */
void udelay(unsigned long us)
{
	u64 start = rdtsc(), ticks = us * tsc_khz / 1000;

	while (rdtsc() - start < ticks)
		cpu_relax();
}

/**
 * mdelay() - busy-wait
 * @ms: milliseconds
 */
void mdelay(unsigned long ms)
{
	udelay(ms * 1000);
}

static void calibrate(void)
{
	u32 count = PIT_HZ * CALIBRATE_MS / 1000;
	u64 tsc0, tsc1;
	u32 apic0, apic1;

	apic_write(APIC_LVTT, APIC_LVT_MASKED | TIMER_VECTOR);
	apic_write(APIC_TMICT, 0xffffffff);

	outb(0x61, (inb(0x61) & ~0x02) | 0x01);	/* gate on, speaker off */
	outb(0x43, 0xb0);			/* ch2, lo/hi, mode 0 */
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	tsc0 = rdtsc();
	apic0 = apic_read(APIC_TMCCT);
	while (!(inb(0x61) & 0x20))
		cpu_relax();
	tsc1 = rdtsc();
	apic1 = apic_read(APIC_TMCCT);
	apic_write(APIC_TMICT, 0);

	tsc_khz = (tsc1 - tsc0) / CALIBRATE_MS;
	apic_khz = (u64)(apic0 - apic1) / CALIBRATE_MS;
	if (!tsc_khz || !apic_khz)
		log_err("time: calibration failed (tsc %lu kHz, apic %lu kHz)",
			tsc_khz, apic_khz);
	if (!tsc_khz)
		tsc_khz = 1000000;
	if (!apic_khz)
		apic_khz = 1000000;
}

static void timer_irq(void)
{
	timer_interrupt();
}

/**
 * time_init() - calibrate the TSC and APIC timer; start system time
 */
void time_init(void)
{
	calibrate();
	ns_per_tsc_32 = (1000000ULL << 32) / tsc_khz;
	tsc_boot = rdtsc();
	set_irq_handler(TIMER_VECTOR, timer_irq);
	log_info("time: TSC %lu.%03lu MHz, APIC timer %lu.%03lu MHz (PIT)",
		 tsc_khz / 1000, tsc_khz % 1000, apic_khz / 1000,
		 apic_khz % 1000);
}

/**
 * arch_timer_program() - arm this CPU's one-shot for a deadline
 * @deadline: system time in ns; a past one fires almost at once
 *
 * The count saturates at 32 bits (over 4 s at 1 GHz); the queue rearms
 * on the early interrupt, so a far deadline just takes several steps.
 */
void arch_timer_program(s_time_t deadline)
{
	s_time_t delta = deadline - NOW();
	u64 count;

	if (delta < 1000)
		delta = 1000;
	if (delta > MILLISECS(10000))
		delta = MILLISECS(10000);
	count = (u64)delta * apic_khz / 1000000;
	if (count == 0)
		count = 1;
	if (count > 0xffffffffULL)
		count = 0xffffffffULL;
	apic_write(APIC_LVTT, TIMER_VECTOR);	/* one-shot, unmasked */
	apic_write(APIC_TMICT, (u32)count);
}

/**
 * tsc_to_s_time() - the system time a TSC value stands for
 * @tsc: a TSC reading taken on any CPU (they are in step)
 *
 * The same scaling as NOW(), for callers that need the TSC and the time
 * of one instant (the guests' pvclock records, common/time-pv.c).
 */
s_time_t tsc_to_s_time(u64 tsc)
{
	return (s_time_t)(((unsigned __int128)(tsc - tsc_boot) *
			   ns_per_tsc_32) >> 32);
}
