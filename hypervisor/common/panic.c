// SPDX-License-Identifier: GPL-2.0
/*
 * panic(): the end of the road, made as informative as possible.
 *
 * Called for ASSERT()/BUG() failures and for unexpected exceptions (by
 * arch/x86/traps.c with the trapped register frame).  It prints the
 * reason, the registers, a symbolized frame-pointer backtrace and the
 * recent-event ring of every CPU, then ends the machine: with the failure
 * status when a self-test run is in progress (so a test harness sees it),
 * by halting with "noreboot", by restarting otherwise.
 *
 * Only one CPU gets to panic.  It first sends the others an NMI, which
 * brings them here too, where they find the report taken and halt; a
 * fault inside panic itself exits at once.  Two interleaved dumps help
 * nobody.
 */
#include <hv/console.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/options.h>
#include <hv/panic.h>
#include <hv/selftest.h>
#include <hv/shutdown.h>
#include <hv/smp.h>
#include <hv/symbols.h>

#include <asm/processor.h>
#include <asm/regs.h>

static int panic_cpu = -1;
static unsigned int cpus_stopped;

/* Give the other CPUs a moment to take the NMI, so their rings are final. */
static void wait_for_others(void)
{
	unsigned int others = nr_cpus_online ? nr_cpus_online - 1 : 0;

	for (unsigned long i = 0; i < 100000000UL; i++) {
		if (__atomic_load_n(&cpus_stopped, __ATOMIC_ACQUIRE) >= others)
			return;
		cpu_relax();
	}
}

/**
 * in_panic() - has some CPU started to panic?
 */
bool in_panic(void)
{
	return READ_ONCE(panic_cpu) >= 0;
}

static void __noreturn panic_finish(void)
{
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
		if (percpu[cpu].online)
			trace_dump(cpu);
	printk("(veneer) ****************************************\n");
	if (opt_selftest) {
		const char *t = selftest_current();

		printk("selftest: FAIL %s\n", t ? t : "panic");
		machine_exit(EXIT_FAILURE_CODE);
	}
	if (opt_noreboot) {
		printk("(veneer) noreboot: halting\n");
		machine_halt();
	}
	printk("(veneer) rebooting\n");
	machine_restart();
}

static void __noreturn panic_common(const struct cpu_regs *regs,
				    const char *fmt, va_list ap)
{
	int me = (int)smp_processor_id();
	int expected = -1;

	local_irq_disable();
	if (!__atomic_compare_exchange_n(&panic_cpu, &expected, me, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		if (expected == me) {
			console_force_unlock();
			log_ring_force_unlock();
			printk("(veneer) recursive panic on CPU%d: ", me);
			vprintk(fmt, ap);
			printk("\n");
			machine_exit(EXIT_FAILURE_CODE);
		}
		/* Someone else is reporting (and probably sent us an NMI). */
		__atomic_fetch_add(&cpus_stopped, 1, __ATOMIC_RELEASE);
		machine_halt();
	}
	console_force_unlock();
	log_ring_force_unlock();
	arch_stop_other_cpus();
	wait_for_others();
	printk("(veneer) ****************************************\n");
	printk("(veneer) PANIC on CPU%d: ", me);
	vprintk(fmt, ap);
	printk("\n");
	dump_regs(regs);
	backtrace_from(regs->rip, regs->rbp);
	panic_finish();
}

/**
 * panic() - stop the hypervisor with a message and a full dump
 * @fmt: printf-style reason
 */
void panic(const char *fmt, ...)
{
	struct cpu_regs regs;
	va_list ap;

	capture_regs(&regs);
	va_start(ap, fmt);
	panic_common(&regs, fmt, ap);
}

/**
 * panic_regs() - panic showing a given register state (a trap frame)
 * @regs: the state to dump and to start the backtrace from
 * @fmt:  printf-style reason
 */
void panic_regs(const struct cpu_regs *regs, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	panic_common(regs, fmt, ap);
}
