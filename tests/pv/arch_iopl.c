// SPDX-License-Identifier: GPL-2.0
/*
 * arch_iopl: the virtual IOPL, without and with
 * VMASST_TYPE_architectural_iopl, as Xen 4.17 keeps it.
 *
 * The guest kernel runs at a virtual CPL of 1 (0 with the assist), its
 * user space at 3; `in`/`out`, `cli` and `sti` are allowed when that CPL
 * is at most the virtual IOPL (else #GP(0)); allowed `cli`/`sti` change
 * nothing.  PHYSDEVOP_set_iopl sets the IOPL; with the assist an iret
 * frame's IOPL sets it too, and every bounce frame's rflags carries it
 * (0 there without the assist).
 *
 * Port 0x80 (POST codes) is the target: writing it is harmless on Xen,
 * where dom0's allowed I/O is real.
 */
#include "pv.h"

#include <veneer/physdev.h>

const char test_name[] = "arch_iopl";

#define IOPL(n)		((unsigned long)(n) << 12)
#define IOPL_MASK	IOPL(3)

static long set_iopl(unsigned int l)
{
	struct physdev_set_iopl s = { .iopl = l };

	return hypercall2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, &s);
}

static long assist(int cmd)
{
	return hypercall2(__HYPERVISOR_vm_assist, cmd,
			  VMASST_TYPE_architectural_iopl);
}

/* Kernel mode: does `insn` raise #GP(0)?  Checks it raises nothing else. */
#define KERNEL_GP(insn)							\
	({								\
		probe_arm(13);						\
		PROBE(insn);						\
		if (probe_rec.count)					\
			check_kernel_frame(13, 1, 0, probe_rec.fault_rip); \
		probe_rec.count;					\
	})

/* --- user mode: int3, out, cli, sti, then back ---------------------------- */

asm(".pushsection .text\n"
    "user_io:\n\t"
    "int3\n\t"
    "outb %al, $0x80\n\t"
    "cli\n\t"
    "sti\n\t"
    "movq $2, %rax\n\t"
    "syscall\n\t"
    "ud2\n"
    ".popsection");
extern char user_io[];

static uint8_t user_stack[4096] __attribute__((aligned(16)));
static unsigned int user_gp;

static void on_user_gp(struct trap_regs *r, struct bounce *b)
{
	check_eq(b->error_code, 0);
	user_gp++;
	b->rip += *(const uint8_t *)b->rip == 0xe6 ? 2 : 1;
}

static void on_syscall(struct trap_regs *r, struct bounce *b)
{
	user_return(r, b);
}

static void on_int3(struct trap_regs *r, struct bounce *b);
static long iret_iopl = -1;	/* >= 0: int3's handler returns with it */

/*
 * How many of out, cli, sti raise #GP in user mode, after an int3 whose
 * handler returns with IOPL @iopl_at_int3 in the frame (-1: unchanged).
 */
static unsigned int user_faults(long iopl_at_int3)
{
	struct gprs p;

	iret_iopl = iopl_at_int3;
	set_handler(3, on_int3);
	memset(&p, 0, sizeof(p));
	p.rsp = (uint64_t)user_stack + sizeof(user_stack);
	user_gp = 0;
	set_handler(13, on_user_gp);
	set_handler(VEC_SYSCALL, on_syscall);
	user_run((uint64_t)user_io, &p, 0);
	iret_iopl = -1;
	return user_gp;
}

/* --- int3: the bounce frame's IOPL, and an iret that sets one ---------- */

static uint64_t int3_rflags;

static void on_int3(struct trap_regs *r, struct bounce *b)
{
	int3_rflags = b->rflags;
	if (iret_iopl >= 0)
		b->rflags = (b->rflags & ~IOPL_MASK) | IOPL(iret_iopl);
}

static uint64_t frame_iopl(long set_by_iret)
{
	iret_iopl = set_by_iret;
	set_handler(3, on_int3);
	asm volatile("int3" ::: "memory");
	iret_iopl = -1;
	return int3_rflags & IOPL_MASK;
}

void test_main(void)
{
	uint8_t mask = vcpu0()->evtchn_upcall_mask;
	unsigned int n;

	user_setup();

	printk("no assist, IOPL 0: kernel out and cli are #GP(0)\n");
	check_rc(set_iopl(0), 0);
	check_eq(KERNEL_GP("outb %%al, $0x80"), 1);
	check_eq(KERNEL_GP("cli"), 1);

	printk("no assist, IOPL 1: kernel out, cli, sti allowed, no effect\n");
	check_rc(set_iopl(1), 0);
	check_eq(KERNEL_GP("outb %%al, $0x80"), 0);
	check_eq(KERNEL_GP("cli"), 0);
	check_eq(vcpu0()->evtchn_upcall_mask, mask);
	check_eq(KERNEL_GP("sti"), 0);
	check_eq(vcpu0()->evtchn_upcall_mask, mask);
	n = user_faults(-1);
	printk("  bounce frame IOPL 0x%lx; user out/cli/sti #GP: %u\n",
	       frame_iopl(-1), n);
	check_eq(frame_iopl(-1), 0);
	check_eq(n, 3);
	printk("  an iret frame's IOPL changes nothing without the assist\n");
	check_eq(user_faults(3), 3);
	check_eq(frame_iopl(3), 0);
	check_eq(frame_iopl(-1), 0);

	printk("no assist, IOPL 3: user out, cli, sti allowed\n");
	check_rc(set_iopl(3), 0);
	check_eq(user_faults(-1), 0);
	check_eq(user_faults(0), 0);

	printk("assist on, IOPL 0: the kernel is CPL 0, user space is not\n");
	check_rc(assist(VMASST_CMD_enable), 0);
	check_rc(set_iopl(0), 0);
	check_eq(KERNEL_GP("outb %%al, $0x80"), 0);
	check_eq(KERNEL_GP("cli"), 0);
	check_eq(user_faults(-1), 3);

	printk("assist on: the bounce frame carries the virtual IOPL\n");
	check_rc(set_iopl(2), 0);
	check_eq(frame_iopl(-1), IOPL(2));
	printk("  an iret sets it: 3, then 0\n");
	check_eq(frame_iopl(3), IOPL(2));
	check_eq(frame_iopl(-1), IOPL(3));
	check_eq(frame_iopl(0), IOPL(3));
	check_eq(frame_iopl(-1), 0);

	printk("assist on: an iret with IOPL 3 gives user space I/O\n");
	check_eq(user_faults(3), 0);
	printk("  and the iret into user mode with IOPL 0 takes it away\n");
	check_eq(user_faults(-1), 3);
	check_eq(frame_iopl(-1), 0);	/* user_return's iret: IOPL 0 */
	check_eq(KERNEL_GP("outb %%al, $0x80"), 0);

	printk("assist off again, IOPL 1\n");
	check_rc(assist(VMASST_CMD_disable), 0);
	check_rc(set_iopl(1), 0);
	check_eq(frame_iopl(-1), 0);
	check_eq(KERNEL_GP("cli"), 0);
}
