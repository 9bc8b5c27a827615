// SPDX-License-Identifier: GPL-2.0
/*
 * dbg_cross_domain: one domain's breakpoints never fire in another.
 *
 * Two domUs share one CPU (veneer.affinity=1) and run the same image, so
 * a function and a variable of this kernel are at the same guest virtual
 * address in both.  d1 (role 1) arms an instruction breakpoint on
 * target_fn() (DR1) and a write watchpoint on target_var (DR0), then
 * yields to d2 a few thousand times and finally checks that its own
 * watchpoint still fires for itself.  d2 (role 2) meanwhile calls
 * target_fn() and writes target_var between yields: every switch from d1
 * to d2 must clear the CPU's DR7 (and d2 must read back its own, empty,
 * debug registers), so d2 must take no #DB at all.  On Xen (dom0, alone)
 * role 1 runs.
 *
 * domus: 2
 * domu-args: veneer.affinity=1
 */
#include "isolation.h"

const char test_name[] = "dbg_cross_domain";

#define ROUNDS		3000
#define RF		(1UL << 16)
#define DR7_W0		(0x1UL | (0xdUL << 16))	/* L0, write, 8 bytes */
#define DR7_X1		0x4UL			/* L1, execute */

static volatile unsigned long target_var;
static volatile unsigned int db_count;
static volatile unsigned long db_rip;

__attribute__((noinline)) void target_fn(void)
{
	asm volatile("nop" ::: "memory");
}

static long set_dr(unsigned long reg, unsigned long val)
{
	return hypercall5(__HYPERVISOR_set_debugreg, reg, val, 0, 0, 0);
}

static unsigned long get_dr(unsigned long reg)
{
	return hypercall5(__HYPERVISOR_get_debugreg, reg, 0, 0, 0, 0);
}

/* Count a #DB; resume past an instruction breakpoint with RF. */
static void on_db(struct trap_regs *r, struct bounce *b)
{
	(void)r;
	if (!db_count)
		db_rip = b->rip;
	db_count++;
	b->rflags |= RF;
}

static void arm(void)
{
	check_rc(set_dr(0, (unsigned long)&target_var), 0);
	check_rc(set_dr(1, (unsigned long)target_fn), 0);
	check_rc(set_dr(7, DR7_W0 | DR7_X1), 0);
	check_eq(get_dr(0), (unsigned long)&target_var);
	check_eq(get_dr(1), (unsigned long)target_fn);
}

static void role1(void)
{
	arm();
	printk("d1: DR0 watches 0x%lx (write), DR1 0x%lx (execute); "
	       "yielding %u times\n", (unsigned long)&target_var,
	       (unsigned long)target_fn, ROUNDS);
	for (unsigned int i = 0; i < ROUNDS; i++)
		hyp_sched_op(SCHEDOP_yield, NULL);
	check_eq(db_count, 0);
	/* Still armed for us: our own write traps once. */
	target_var = 1;
	check_eq(db_count, 1);
	check_rc(set_dr(7, 0), 0);
	target_var = 2;
	check_eq(db_count, 1);
}

static void role2(void)
{
	/* Let d1 arm first. */
	for (unsigned int i = 0; i < 20; i++)
		hyp_sched_op(SCHEDOP_yield, NULL);
	for (unsigned int i = 0; i < ROUNDS; i++) {
		target_fn();
		target_var = i;
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	for (unsigned int reg = 0; reg < 4; reg++)
		check_eq(get_dr(reg), 0);
	check_eq(get_dr(7), 0x400);
	if (db_count)
		fail("d2 took %u #DB from d1's breakpoints (first at 0x%lx)",
		     db_count, db_rip);
	printk("d2: %u calls and writes on d1's watched addresses, no #DB\n",
	       ROUNDS);
}

void test_main(void)
{
	iso_begin();
	set_handler(1, on_db);
	if (iso_role() == 2)
		role2();
	else
		role1();
}
