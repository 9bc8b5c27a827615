// SPDX-License-Identifier: GPL-2.0
/*
 * mov_dr: `mov` to and from the debug registers by the guest kernel is
 * emulated with the hypercalls' semantics, as Xen emulates it:
 *   - a value set_debugreg accepts is written (and read back by `mov`
 *     and get_debugreg alike), any GPR r0-r15 as operand;
 *   - a value it refuses (hypervisor address, GD, upper half of DR6) is
 *     #GP(0) at the instruction, nothing written;
 *   - DR4/DR5 read DR6/DR7 (the guest's CR4 has no DE);
 *   - REX.R (DR8-DR15) is #UD;
 *   - a watchpoint armed by `mov` fires;
 *   - from guest user mode both directions stay #GP(0).
 */
#include "pv.h"

const char test_name[] = "mov_dr";

static volatile uint32_t watched __attribute__((aligned(8)));

static unsigned long get_dr(unsigned long reg)
{
	return hypercall5(__HYPERVISOR_get_debugreg, reg, 0, 0, 0, 0);
}

/* User mode: two debug-register moves, then back to the kernel. */
asm(".pushsection .text\n"
    "user_movdr:\n\t"
    "movq %dr0, %rax\n"
    "user_movdr2:\n\t"
    "movq %rax, %dr7\n"
    "user_movdr_end:\n\t"
    "movq $2, %rax\n\t"
    "syscall\n\t"
    "ud2\n"
    ".popsection");
extern char user_movdr[], user_movdr2[], user_movdr_end[];

static uint8_t user_stack[4096] __attribute__((aligned(16)));
static unsigned int user_gp;
static uint64_t user_gp_rip[2], user_gp_err[2];

static void on_user_gp(struct trap_regs *r, struct bounce *b)
{
	if (user_gp < 2) {
		user_gp_rip[user_gp] = b->rip;
		user_gp_err[user_gp] = b->error_code;
	}
	user_gp++;
	b->rip += 3;
}

static void on_syscall(struct trap_regs *r, struct bounce *b)
{
	user_return(r, b);
}

void test_main(void)
{
	unsigned long out;
	struct gprs p;

	printk("mov %%rax, %%dr0 and back, and get_debugreg agrees\n");
	asm volatile("movq %1, %%dr0\n\tmovq %%dr0, %0"
		     : "=r"(out) : "a"(0x123458UL));
	check_eq(out, 0x123458UL);
	check_eq(get_dr(0), 0x123458UL);

	printk("r9 into dr1, dr1 into r10\n");
	asm volatile("movq %1, %%r9\n\tmovq %%r9, %%dr1\n\t"
		     "movq %%dr1, %%r10\n\tmovq %%r10, %0"
		     : "=r"(out) : "r"(0x7ffffffff000UL) : "r9", "r10");
	check_eq(out, 0x7ffffffff000UL);
	check_eq(get_dr(1), 0x7ffffffff000UL);

	printk("dr7 reads its reset value; dr4 and dr5 read dr6 and dr7\n");
	asm volatile("movq %%dr7, %0" : "=r"(out));
	check_eq(out, 0x400);
	asm volatile("movq %%dr4, %0" : "=r"(out));
	check_eq(out, get_dr(6));
	asm volatile("movq %%dr5, %0" : "=r"(out));
	check_eq(out, 0x400);

	printk("a hypervisor address into dr2: #GP(0), not written\n");
	probe_arm(13);
	PROBE("movq %%rax, %%dr2", , "a"(0xffff830000000000UL));
	check_kernel_frame(13, 1, 0, probe_rec.fault_rip);
	check_eq(get_dr(2), 0);

	printk("dr7 with GD: #GP(0)\n");
	probe_arm(13);
	PROBE("movq %%rax, %%dr7", , "a"(0x2000UL));
	check_kernel_frame(13, 1, 0, probe_rec.fault_rip);
	check_eq(get_dr(7), 0x400);

	printk("dr6 with its upper half set: #GP(0)\n");
	probe_arm(13);
	PROBE("movq %%rax, %%dr6", , "a"(1UL << 32));
	check_kernel_frame(13, 1, 0, probe_rec.fault_rip);

	printk("mov from dr8 (REX.R): #UD\n");
	probe_arm(6);
	PROBE(".byte 0x44, 0x0f, 0x21, 0xc0");
	check_kernel_frame(6, 0, 0, probe_rec.fault_rip);

	printk("a write watchpoint armed with mov fires\n");
	asm volatile("movq %0, %%dr3" : : "r"((unsigned long)&watched));
	asm volatile("movq %0, %%dr7" : : "r"((1UL << 6) | (0xdUL << 28)));
	probe_arm(1);
	PROBE("movl $5, (%%rax)", , "a"(&watched));
	check_kernel_frame(1, 0, 0, probe_rec.resume_rip);
	asm volatile("movq %%dr6, %0" : "=r"(out));
	printk("  dr6 0x%lx\n", out);
	check_eq(out, 0xffff0ff8UL);
	asm volatile("movq %0, %%dr7" : : "r"(0UL));
	check_eq(get_dr(7), 0x400);

	printk("user mode: mov from dr0 and to dr7 are #GP(0)\n");
	user_setup();
	set_handler(13, on_user_gp);
	set_handler(VEC_SYSCALL, on_syscall);
	memset(&p, 0, sizeof(p));
	p.rax = 0x2000;
	p.rsp = (uint64_t)user_stack + sizeof(user_stack);
	user_run((uint64_t)user_movdr, &p, 0);
	printk("  %u #GP: at 0x%lx err 0x%lx, at 0x%lx err 0x%lx\n", user_gp,
	       user_gp_rip[0], user_gp_err[0], user_gp_rip[1],
	       user_gp_err[1]);
	check_eq(user_gp, 2);
	check_eq(user_gp_rip[0], (unsigned long)user_movdr);
	check_eq(user_gp_rip[1], (unsigned long)user_movdr2);
	check_eq(user_gp_err[0], 0);
	check_eq(user_gp_err[1], 0);
	check_eq(get_dr(7), 0x400);
}
