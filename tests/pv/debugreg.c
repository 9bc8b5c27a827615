// SPDX-License-Identifier: GPL-2.0
/*
 * debugreg: hardware breakpoints through set_debugreg, as on Xen 4.17.
 *
 *   1. The values set_debugreg accepts and refuses, and what get_debugreg
 *      reads back: DR0-DR3 anywhere but the hypervisor's range and the
 *      non-canonical hole (-EPERM); DR6/DR7 with their upper half clear
 *      (-EINVAL) and their reserved bits forced; DR7.GD and I/O
 *      breakpoints (the guest's CR4 has no DE) -EPERM; DR4/DR5 the
 *      aliases of DR6/DR7; registers above 7 -ENODEV.
 *   2. A write watchpoint, then a read watchpoint, fire in the guest
 *      kernel: a #DB trap with rip after the access, and get_debugreg(6)
 *      gives the B bit of the breakpoint that hit.
 *   3. An execute breakpoint: a #DB fault at the instruction, which runs
 *      once the handler returns with RF set.
 *   4. The hypervisor reading a watched buffer (console_io) raises #DB
 *      in the hypervisor: dropped there, the guest sees nothing and goes
 *      on; DR6 unchanged.
 *   5. Two vCPUs (the runner boots this kernel with two): vCPU 1 has its
 *      own watchpoint, which fires only on its own accesses and survives
 *      VCPUOP_down/up (a switch to idle and back), while vCPU 0's does
 *      not fire for vCPU 1's accesses.
 */
#include "pvmm.h"

#include <veneer/vcpu.h>

#define ENODEV		19
#define EINVAL		22
#define EPERM		1

#define X86_EFLAGS_RF	0x00010000UL

const char test_name[] = "debugreg";

static long set_dr(unsigned long reg, unsigned long val)
{
	return hypercall5(__HYPERVISOR_set_debugreg, reg, val, 0, 0, 0);
}

static unsigned long get_dr(unsigned long reg)
{
	return hypercall5(__HYPERVISOR_get_debugreg, reg, 0, 0, 0, 0);
}

/* DR7 for one breakpoint: local enable, R/W and LEN fields. */
static unsigned long dr7_bp(unsigned int n, unsigned int rw, unsigned int len)
{
	return (1UL << (2 * n)) | ((unsigned long)(rw | len << 2) << (16 + 4 * n));
}

#define RW_X	0
#define RW_W	1
#define RW_IO	2
#define RW_RW	3
#define LEN_1	0
#define LEN_4	3
#define LEN_8	2

static struct {
	const char *what;
	unsigned long reg, val;
	long rc;
	unsigned long reads;	/* what get_debugreg(reg) gives after */
} values[] = {
	{ "DR0 user address", 0, 0x1000, 0, 0x1000 },
	{ "DR0 top of the lower half", 0, 0x00007ffffffffff8UL, 0,
	  0x00007ffffffffff8UL },
	{ "DR1 non-canonical", 1, 0x0000800000000000UL, -EPERM, 0 },
	{ "DR1 hypervisor start", 1, 0xffff800000000000UL, -EPERM, 0 },
	{ "DR2 hypervisor, last 8 bytes", 2, 0xffff87fffffffff8UL, -EPERM, 0 },
	{ "DR2 first byte after the hypervisor", 2, 0xffff880000000000UL, 0,
	  0xffff880000000000UL },
	{ "DR3 kernel address", 3, VIRT_BASE, 0, VIRT_BASE },
	{ "DR6 zero: reserved bits forced", 6, 0, 0, 0xffff0ff0UL },
	{ "DR6 upper half", 6, 1UL << 32, -EINVAL, 0xffff0ff0UL },
	{ "DR6 B0 and bit 12", 6, 0x1001, 0, 0xffff0ff1UL },
	{ "DR7 zero", 7, 0, 0, 0x400 },
	{ "DR7 reserved bits 11/12/14/15", 7, 0xd800, 0, 0x400 },
	{ "DR7 upper half", 7, 1UL << 32, -EINVAL, 0x400 },
	{ "DR7 GD", 7, 1UL << 13, -EPERM, 0x400 },
	{ "DR7 I/O breakpoint", 7, (1UL << 0) | (2UL << 16), -EPERM, 0x400 },
	{ "DR7 I/O bits, not enabled", 7, 2UL << 16, 0, 0x20400 },
	{ "DR7 LE/GE", 7, 0x300, 0, 0x700 },
	{ "DR7 zero again", 7, 0, 0, 0x400 },
	{ "DR4 (DR6 alias)", 4, 0x2, 0, 0xffff0ff2UL },
	{ "DR5 (DR7 alias)", 5, 0, 0, 0x400 },
	{ "DR8", 8, 0, -ENODEV, 0 },
};

static volatile uint32_t watched_w __attribute__((aligned(8)));
static volatile uint64_t watched_r __attribute__((aligned(8)));
static char console_buf[8] __attribute__((aligned(8))) = "dbgbuf\n";

/* The execute-breakpoint target. */
void xbp_target(void);
asm(".text\n.globl xbp_target\nxbp_target:\n\tnop\n\tret\n");

static unsigned int xbp_hits;
static uint64_t xbp_rip, xbp_dr6;

static void xbp_handler(struct trap_regs *r, struct bounce *b)
{
	xbp_hits++;
	xbp_rip = b->rip;
	xbp_dr6 = get_dr(6);
	if (xbp_hits > 3) {
		set_dr(7, 0);	/* RF ignored: do not loop for ever */
		return;
	}
	b->rflags |= X86_EFLAGS_RF;
}

/* vCPU 0's #DB during the two-vCPU part: a trap, rip already past. */
static volatile unsigned int v0_db_count;

static void v0_db_handler(struct trap_regs *r, struct bounce *b)
{
	v0_db_count++;
}

static void check_values(void)
{
	for (unsigned int i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		long rc = set_dr(values[i].reg, values[i].val);

		printk("  set_debugreg(%lu, 0x%lx) %s = %ld", values[i].reg,
		       values[i].val, values[i].what, rc);
		if (values[i].reg <= 7)
			printk(", reads 0x%lx", get_dr(values[i].reg));
		printk("\n");
		check_eq(rc, values[i].rc);
		if (!rc && values[i].reg <= 7)
			check_eq(get_dr(values[i].reg), values[i].reads);
	}
	check_eq(get_dr(8), -ENODEV);
	for (unsigned int i = 0; i < 4; i++)
		check_rc(set_dr(i, 0), 0);
	check_rc(set_dr(6, 0), 0);
}

/* --- vCPU 1 ------------------------------------------------------------ */

static uint8_t vcpu1_stack[8192] __attribute__((aligned(16)));
static volatile int vcpu1_stage;
static volatile unsigned int vcpu1_db_count;
static volatile unsigned long vcpu1_dr7, vcpu1_dr1;
static volatile uint32_t v1_watched __attribute__((aligned(8)));
static struct vcpu_guest_context ctx;

/* vCPU 1's #DB: count it and return through HYPERVISOR_iret. */
void vcpu1_db(void);
asm(".text\n.globl vcpu1_db\nvcpu1_db:\n"
    "\tlock incl vcpu1_db_count(%rip)\n"
    "\tpopq %rcx\n\tpopq %r11\n"
    "\tpushq $0\n\tpushq %rcx\n\tpushq %r11\n\tpushq %rax\n"
    "\tmovl $23, %eax\n\tsyscall\n\tud2\n");

static long vcpu_op(int cmd, unsigned int id, void *arg)
{
	return hypercall3(__HYPERVISOR_vcpu_op, cmd, id, arg);
}

static void __attribute__((noreturn, used)) vcpu1_main(void)
{
	set_dr(1, (unsigned long)&v1_watched);
	set_dr(7, dr7_bp(1, RW_W, LEN_4));
	v1_watched = 1;			/* its own watchpoint: #DB */
	watched_w = 1;			/* vCPU 0's: nothing here */
	vcpu1_stage = 1;
	vcpu_op(VCPUOP_down, 1, NULL);
	/* Back on a CPU: the same breakpoints. */
	vcpu1_dr7 = get_dr(7);
	vcpu1_dr1 = get_dr(1);
	v1_watched = 2;
	vcpu1_stage = 2;
	for (;;)
		vcpu_op(VCPUOP_down, 1, NULL);
}

static void wait_for(int stage)
{
	for (unsigned long i = 0; vcpu1_stage != stage; i++) {
		if (i == 100000000UL)
			fail("vCPU 1 did not reach stage %d (at %d)", stage,
			     vcpu1_stage);
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
}

static void wait_down(void)
{
	for (unsigned long i = 0; vcpu_op(VCPUOP_is_up, 1, NULL) != 0; i++)
		if (i == 100000000UL)
			fail("vCPU 1 did not go down");
}

static void two_vcpus(void)
{
	kernel_vcpu_context(&ctx, vcpu1_main, vcpu1_stack, sizeof(vcpu1_stack));
	ctx.trap_ctxt[1].vector = 1;	/* indexed by vector */
	ctx.trap_ctxt[1].cs = FLAT_KERNEL_CS64;
	ctx.trap_ctxt[1].address = (unsigned long)vcpu1_db;
	/* vCPU 0 watches watched_w for writes; vCPU 1 must not trip it. */
	check_rc(set_dr(0, (unsigned long)&watched_w), 0);
	check_rc(set_dr(7, dr7_bp(0, RW_W, LEN_4)), 0);
	set_handler(1, v0_db_handler);
	check_rc(vcpu_op(VCPUOP_initialise, 1, &ctx), 0);
	check_rc(vcpu_op(VCPUOP_up, 1, NULL), 0);
	wait_for(1);
	wait_down();
	printk("  vCPU 1: %u #DB, vCPU 0: %u #DB\n", vcpu1_db_count,
	       v0_db_count);
	check_eq(vcpu1_db_count, 1);
	check_eq(v0_db_count, 0);
	v1_watched = 5;			/* vCPU 1's watchpoint: not ours */
	check_eq(v0_db_count, 0);
	check_rc(vcpu_op(VCPUOP_up, 1, NULL), 0);
	wait_for(2);
	wait_down();
	printk("  vCPU 1 after down/up: dr7 0x%lx dr1 0x%lx, %u #DB\n",
	       vcpu1_dr7, vcpu1_dr1, vcpu1_db_count);
	check_eq(vcpu1_dr7, 0x400 | dr7_bp(1, RW_W, LEN_4));
	check_eq(vcpu1_dr1, (unsigned long)&v1_watched);
	check_eq(vcpu1_db_count, 2);
	check_eq(v0_db_count, 0);
	/* And vCPU 0's own is still live. */
	watched_w = 3;
	check_eq(v0_db_count, 1);
	check_rc(set_dr(7, 0), 0);
}

void test_main(void)
{
	unsigned long dr6;

	printk("set_debugreg values, as Xen 4.17 checks them\n");
	check_values();

	printk("write watchpoint (DR0, 4 bytes) in kernel mode\n");
	check_rc(set_dr(0, (unsigned long)&watched_w), 0);
	check_rc(set_dr(7, dr7_bp(0, RW_W, LEN_4)), 0);
	probe_arm(1);
	PROBE("movl $7, (%%rax)", , "a"(&watched_w));
	dr6 = get_dr(6);
	printk("  #DB %u, rip 0x%lx (resume 0x%lx), dr6 0x%lx\n",
	       probe_rec.count, probe_rec.b.rip, probe_rec.resume_rip, dr6);
	check_kernel_frame(1, 0, 0, probe_rec.resume_rip);
	check_eq(watched_w, 7);
	check_eq(dr6, 0xffff0ff1UL);
	/* A read does not trip a write watchpoint. */
	probe_arm(1);
	PROBE("cmpl $0, (%%rax)", , "a"(&watched_w));
	check_eq(probe_rec.count, 0);

	printk("read/write watchpoint (DR2, 8 bytes) on a read, DR6 not "
	       "cleared since the last #DB\n");
	check_rc(set_dr(2, (unsigned long)&watched_r), 0);
	check_rc(set_dr(7, dr7_bp(2, RW_RW, LEN_8)), 0);
	probe_arm(1);
	PROBE("cmpq $0, (%%rax)", , "a"(&watched_r));
	dr6 = get_dr(6);
	printk("  #DB %u, rip 0x%lx, dr6 0x%lx\n", probe_rec.count,
	       probe_rec.b.rip, dr6);
	check_kernel_frame(1, 0, 0, probe_rec.resume_rip);
	check_eq(dr6, 0xffff0ff5UL);	/* B0 stays: bits accumulate */

	printk("execute breakpoint (DR1) on a function's first byte\n");
	check_rc(set_dr(6, 0), 0);
	check_rc(set_dr(1, (unsigned long)xbp_target), 0);
	check_rc(set_dr(7, dr7_bp(1, RW_X, LEN_1)), 0);
	set_handler(1, xbp_handler);
	xbp_target();
	printk("  #DB %u at 0x%lx (target 0x%lx), dr6 0x%lx\n", xbp_hits,
	       xbp_rip, (unsigned long)xbp_target, xbp_dr6);
	check_eq(xbp_hits, 1);
	check_eq(xbp_rip, (unsigned long)xbp_target);
	check_eq(xbp_dr6, 0xffff0ff2UL);

	printk("the hypervisor reads a watched buffer (console_io)\n");
	check_rc(set_dr(6, 0), 0);
	check_rc(set_dr(3, (unsigned long)console_buf), 0);
	check_rc(set_dr(7, dr7_bp(3, RW_RW, LEN_8)), 0);
	probe_arm(1);
	check_rc(hyp_console_write(console_buf, 7), 0);
	printk("  #DB in the guest: %u, dr6 0x%lx\n", probe_rec.count,
	       get_dr(6));
	check_eq(probe_rec.count, 0);
	check_eq(get_dr(6), 0xffff0ff0UL);
	check_rc(set_dr(7, 0), 0);

	printk("two vCPUs, each with its own breakpoints\n");
	if (vcpu_op(VCPUOP_is_up, 1, NULL) < 0)
		fail("no vCPU 1: the runner must give this kernel two vCPUs");
	two_vcpus();
}
