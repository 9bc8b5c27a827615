// SPDX-License-Identifier: GPL-2.0
/*
 * dbg_movss_int1: `mov ss` followed by `int1` (icebp, 0xf1), a #DB on the
 * #DB handler's own first instruction.
 *
 * `int1` raises vector 1 through the IDT without a DPL check, so a guest
 * in either mode reaches the hypervisor's #DB gate with it, and that gate
 * runs on the #DB IST stack.  After `mov ss`/`pop ss` the CPU holds back
 * a data breakpoint on the `mov ss` operand (or a single step) until the
 * next instruction completed; when that instruction is `int1`, the held
 * #DB is delivered on the first instruction of the #DB entry stub (the
 * same mechanism as CVE-2018-8897 with syscall or int3), and, the gate
 * being an IST gate, the CPU reloads rsp from the TSS: the second frame
 * is pushed exactly over the first one, the guest's.  The hypervisor
 * must survive this (the guest's own frame is gone: crashing the guest
 * is acceptable, hanging or panicking the host is not).
 *
 * QEMU's TCG (-cpu max) raises #UD for `int1`, on Veneer as on Xen, and
 * does not hold a data #DB back across `mov ss` anyway: there the test
 * checks only that the #UD reaches the guest at the `int1` and that the
 * hypervisor answers afterwards, and says that the nested case was not
 * reachable.  On hardware (or KVM) that runs `int1` and holds the #DB
 * back, it is the attack itself: the host must still answer.
 */
#include "isolation.h"

const char test_name[] = "dbg_movss_int1";

#define TF	0x100UL

static volatile unsigned int db_count, ud_count;
static volatile unsigned long db_rip[4];

static long set_dr(unsigned long reg, unsigned long val)
{
	return hypercall5(__HYPERVISOR_set_debugreg, reg, val, 0, 0, 0);
}

/* A #DB in the guest: note where, stop any single step, go on. */
static void on_db(struct trap_regs *r, struct bounce *b)
{
	(void)r;
	if (db_count < 4)
		db_rip[db_count] = b->rip;
	db_count++;
	b->rflags &= ~TF;
}

/* `int1` is #UD here (QEMU's TCG): step over it. */
static void on_ud(struct trap_regs *r, struct bounce *b)
{
	(void)r;
	ud_count++;
	b->rip += 1;
}

extern char after_int1[], after_int1_tf[];

static __attribute__((noinline)) void movss_int1(unsigned long *slot)
{
	asm volatile("movw (%[s]), %%ss\n\t"
		     ".byte 0xf1\n\t"
		     ".globl after_int1\n"
		     "after_int1:"
		     : : [s] "r"(slot) : "memory");
}

static __attribute__((noinline)) void movss_int1_tf(unsigned long *slot)
{
	asm volatile("pushfq\n\t"
		     "orq $0x100, (%%rsp)\n\t"
		     "popfq\n\t"
		     "movw (%[s]), %%ss\n\t"
		     ".byte 0xf1\n\t"
		     ".globl after_int1_tf\n"
		     "after_int1_tf:\n\t"
		     "pushfq\n\t"
		     "andq $~0x100, (%%rsp)\n\t"
		     "popfq"
		     : : [s] "r"(slot) : "memory");
}

void test_main(void)
{
	unsigned long slot[2] __attribute__((aligned(16)));
	long version;

	iso_begin();
	set_handler(1, on_db);
	set_handler(6, on_ud);
	version = hypercall2(__HYPERVISOR_xen_version, 0, 0);
	slot[0] = FLAT_KERNEL_SS;

	printk("int1 alone\n");
	movss_int1(slot);
	if (ud_count) {
		check_eq(ud_count, 1);
		check_eq(db_count, 0);
		printk("  int1 is #UD on this CPU: the nested #DB cannot be "
		       "reached here\n");
		check_eq(hypercall2(__HYPERVISOR_xen_version, 0, 0), version);
		return;
	}
	check_eq(db_count, 1);
	check_eq(db_rip[0], (unsigned long)after_int1);

	printk("mov ss from a watched slot, then int1\n");
	db_count = 0;
	check_rc(set_dr(0, (unsigned long)slot), 0);
	check_rc(set_dr(7, 0x1UL | (0xbUL << 16)), 0);	/* L0, rw, 8 bytes */
	movss_int1(slot);
	check_rc(set_dr(7, 0), 0);
	printk("  %u #DB, the last at 0x%lx\n", db_count,
	       db_rip[db_count ? (db_count - 1) & 3 : 0]);
	check(db_count >= 1);
	check_eq(db_rip[(db_count - 1) & 3], (unsigned long)after_int1);

	printk("mov ss with TF set, then int1\n");
	db_count = 0;
	movss_int1_tf(slot);
	printk("  %u #DB\n", db_count);
	check(db_count >= 1);

	printk("mov ss from a watched slot with TF, then int1\n");
	db_count = 0;
	check_rc(set_dr(7, 0x1UL | (0xbUL << 16)), 0);
	movss_int1_tf(slot);
	check_rc(set_dr(7, 0), 0);
	printk("  %u #DB\n", db_count);
	check(db_count >= 1);

	check_eq(hypercall2(__HYPERVISOR_xen_version, 0, 0), version);
}
