// SPDX-License-Identifier: GPL-2.0
/*
 * fault_user_after_int_n: every exception raised in guest user mode
 * reaches the guest kernel as a user-mode exception, whatever the
 * hypervisor refused or emulated just before (project issue 22).
 *
 * A stress run of random instruction bytes in Linux user processes made
 * dom0's kernel Oops on a page fault whose frame said "user mode" and
 * whose error code said "supervisor".  The user code below runs, in one
 * stay in user mode, a sequence of instructions that each trap; the
 * kernel's handlers record what arrived and resume user mode after the
 * instruction:
 *   1. `int $0xcd` with an empty trap-table entry: #GP(0xcd * 8 + 2);
 *   2. a read of an unmapped user address: #PF, error code 4 (user);
 *   2a. the same `int $0xcd` behind an operand-size prefix, and #PF;
 *   3. `inb $0x80` (user mode has no I/O privilege): #GP(0);
 *   4. #PF again;
 *   5. forced-emulation cpuid (`ud2; .ascii "xen"; cpuid`): emulated,
 *      no trap, the hypervisor leaf answers;
 *   6. #PF again;
 *   7. `mov %cx, %ds` with a selector whose descriptor lies in a page of
 *      the GDT the guest did not give: the CPU's descriptor read is a
 *      supervisor access, and the fault it takes must reach the guest
 *      as #GP(selector), as Xen delivers it (this was issue 22's cause:
 *      Veneer bounced the hardware's #PF, with the U bit clear, at a
 *      hypervisor address, with a user frame);
 *   8. #PF again.
 * Every frame must be a user frame: rip of the faulting instruction, CS
 * 0xe033 (RPL 3, mask 0 in bits 32-39), the user rsp and SS 0xe02b, on
 * the stack given by stack_switch.  Then, back in kernel mode, a read of
 * an unmapped address must still have the U bit clear, an emulated
 * instruction run with TF set must be followed by its single-step #DB
 * (DR6.BS set), and a bad selector gives #GP(selector) there too.
 *
 * QEMU 7.2's TCG pushes #GP(n * 16 + 2) for `int $n`, and Xen passes
 * that error code on; Veneer decodes the instruction.  So on Xen, and
 * only there, step 1 also accepts QEMU's value (the one part of this
 * test QEMU breaks; see QEMU_INT_N_BUG in tests/system/test_pv_on_xen.py).
 */
#include "pv.h"

const char test_name[] = "fault_user_after_int_n";

#define PFEC_USER	0x04UL
#define UNMAPPED	0x1000UL	/* nothing in the low half */
#define INT_N		0xcd
#define BAD_SEL		0x2003UL	/* GDT page 2: not the guest's */
#define SYS_EXIT	2

extern char fu_entry[], fu_int[], fu_pf1[], fu_int66[], fu_pf0[], fu_in[], fu_pf2[], fu_cpuid[],
	fu_pf3[], fu_sel[], fu_pf4[], fu_end[];
uint64_t fu_cpuid_ebx;

/* User code: each faulting instruction is followed by its resume label. */
asm(".pushsection .text\n"
    "fu_entry:\n"
    "fu_int:\n\t int $0xcd\n"
    "fu_pf1:\n\t movq (%rbx), %rax\n"
    "fu_int66:\n\t .byte 0x66\n\t int $0xcd\n"
    "fu_pf0:\n\t movq 32(%rbx), %rax\n"
    "fu_in:\n\t inb $0x80, %al\n"
    "fu_pf2:\n\t movq 8(%rbx), %rax\n"
    "fu_cpuid:\n\t movl $0x40000000, %eax\n\t xorl %ecx, %ecx\n\t"
    "ud2\n\t .ascii \"xen\"\n\t cpuid\n\t"
    "movq %rbx, fu_cpuid_ebx(%rip)\n\t"
    "movq %r13, %rbx\n"
    "fu_pf3:\n\t movq 16(%rbx), %rax\n"
    "fu_sel:\n\t movl $0x2003, %ecx\n\t movl %ecx, %ds\n"
    "fu_pf4:\n\t movq 24(%rbx), %rax\n"
    "fu_end:\n\t movq $2, %rax\n\t syscall\n\t ud2\n"
    ".popsection");

struct step {
	const char *what;
	uint64_t rip;		/* the instruction that must trap */
	unsigned int vector;
	uint64_t err;
	uint64_t cr2;		/* #PF only */
	/* what arrived */
	unsigned int count;
	unsigned int got_vector;
	struct bounce b;
	uint64_t got_cr2;
};

static struct step steps[12];
static unsigned int nr_steps;
static char user_stack[4096] __attribute__((aligned(16)));
static int on_veneer;

static unsigned int insn_len(uint64_t rip)
{
	const uint8_t *p = (const uint8_t *)rip;

	if (p[0] == 0xcd)			/* int $n */
		return 2;
	if (p[0] == 0x66 && p[1] == 0xcd)	/* the same, prefixed */
		return 3;
	if (p[0] == 0xe4)			/* inb $imm8 */
		return 2;
	if (p[0] == 0x48 && p[1] == 0x8b)	/* movq disp8(%rbx), %rax */
		return p[2] == 0x03 ? 3 : 4;
	if (p[0] == 0x8e)			/* mov %cx, %ds */
		return 2;
	fail("no known instruction at 0x%lx", rip);
}

/* #GP and #PF from user mode: record, then resume after the insn. */
static void on_user_trap(struct trap_regs *r, struct bounce *b)
{
	unsigned int i;

	for (i = 0; i < nr_steps; i++)
		if (steps[i].rip == b->rip)
			break;
	if (i == nr_steps)
		fail("vector %lu at rip 0x%lx (cs 0x%lx, error code 0x%lx, "
		     "cr2 0x%lx): no step expects it", r->vector, b->rip,
		     b->cs, b->error_code, vcpu0()->arch.cr2);
	steps[i].count++;
	steps[i].got_vector = r->vector;
	steps[i].b = *b;
	steps[i].got_cr2 = vcpu0()->arch.cr2;
	b->rip += insn_len(b->rip);
}

static void on_syscall(struct trap_regs *r, struct bounce *b)
{
	check_eq(r->rax, SYS_EXIT);
	user_return(r, b);
}

static void add_step(const char *what, const char *rip, unsigned int vector,
		     uint64_t err, uint64_t cr2)
{
	struct step *s = &steps[nr_steps++];

	s->what = what;
	s->rip = (uint64_t)rip;
	s->vector = vector;
	s->err = err;
	s->cr2 = cr2;
}

static void check_step(const struct step *s, uint64_t user_rsp)
{
	const struct bounce *b = &s->b;

	printk("  %s: vector %u err 0x%lx rip 0x%lx cs 0x%lx rflags 0x%lx "
	       "rsp 0x%lx ss 0x%lx frame 0x%lx cr2 0x%lx\n", s->what,
	       s->got_vector, b->error_code, b->rip, b->cs, b->rflags,
	       b->rsp, b->ss, b->frame_addr, s->got_cr2);
	check_eq(s->count, 1);
	check_eq(s->got_vector, s->vector);
	check_eq(b->has_error_code, 1);
	if (s->vector == 13 && s->err == INT_N * 8 + 2 && !on_veneer &&
	    b->error_code == INT_N * 16 + 2)
		printk("  (QEMU 7.2 TCG's error code for int $n, passed on by "
		       "Xen: known, accepted on Xen only)\n");
	else
		check_eq(b->error_code, s->err);
	if (s->vector == 14)
		check_eq(s->got_cr2, s->cr2);
	check_eq(b->rip, s->rip);
	check_eq(b->cs & 0xffff, FLAT_USER_CS);
	check_eq((b->cs >> 32) & 0xff, 0);
	check(b->rflags & X86_EFLAGS_IF);
	check_eq(b->rsp, user_rsp);
	check_eq(b->ss, FLAT_USER_SS);
	check_eq(b->frame_addr, (uint64_t)entry_stack_top - 8 * 8);
}

static int hypervisor_is_veneer(void)
{
	char extra[XEN_EXTRAVERSION_LEN];
	unsigned int i;

	memset(extra, 0, sizeof(extra));
	check_rc(hyp_xen_version(XENVER_extraversion, extra), 0);
	for (i = 0; i + 6 <= sizeof(extra); i++)
		if (!strncmp(extra + i, "veneer", 6))
			return 1;
	return 0;
}

void test_main(void)
{
	struct gprs p;
	unsigned int i;

	on_veneer = hypervisor_is_veneer();
	printk("on %s\n", on_veneer ? "Veneer" : "another hypervisor (Xen)");
	user_setup();
	set_handler(VEC_SYSCALL, on_syscall);
	set_handler(13, on_user_trap);
	set_handler(14, on_user_trap);

	add_step("int $0xcd, empty entry", fu_int, 13, INT_N * 8 + 2, 0);
	add_step("#PF after int $n", fu_pf1, 14, PFEC_USER, UNMAPPED);
	add_step("int $0xcd behind a 0x66 prefix", fu_int66, 13,
		 INT_N * 8 + 2, 0);
	add_step("#PF after it", fu_pf0, 14, PFEC_USER, UNMAPPED + 32);
	add_step("inb from user mode", fu_in, 13, 0, 0);
	add_step("#PF after inb", fu_pf2, 14, PFEC_USER, UNMAPPED + 8);
	add_step("#PF after forced cpuid", fu_pf3, 14, PFEC_USER,
		 UNMAPPED + 16);
	/* mov %cx, %ds is the second instruction at fu_sel. */
	add_step("selector in a GDT page not given", fu_sel + 5, 13,
		 BAD_SEL & ~7UL, 0);
	add_step("#PF after the selector", fu_pf4, 14, PFEC_USER,
		 UNMAPPED + 24);

	memset(&p, 0, sizeof(p));
	p.rbx = UNMAPPED;
	p.r13 = UNMAPPED;
	p.rsp = (uint64_t)user_stack + sizeof(user_stack);
	printk("user mode: int $0x%x, #PF, prefixed int, #PF, inb, #PF, "
	       "cpuid, #PF, bad selector, #PF\n", INT_N);
	user_run((uint64_t)fu_entry, &p, 0);
	for (i = 0; i < nr_steps; i++)
		check_step(&steps[i], p.rsp);
	printk("  forced cpuid 0x40000000 from user mode: ebx 0x%lx\n",
	       fu_cpuid_ebx);
	check_eq(fu_cpuid_ebx & 0xffffffffUL, 0x566e6558);	/* "XenV" */

	printk("kernel mode: #PF of an unmapped address has U clear\n");
	probe_arm(14);
	PROBE("movq (%%rax), %%rcx", , "a"(UNMAPPED));
	check_kernel_frame(14, 1, 0, probe_rec.fault_rip);
	check_eq(probe_rec.cr2, UNMAPPED);

	printk("kernel mode: forced cpuid with TF: #DB after it, DR6.BS\n");
	probe_arm(1);
	{
		uint32_t a = 0x40000000, b, c = 0, d;

		asm volatile("movq $1f, probe_rec+%c[rrip](%%rip)\n\t"
			     "pushfq; orq $0x100, (%%rsp); popfq\n\t"
			     "ud2; .ascii \"xen\"; cpuid\n"
			     "1:\n\t"
			     : "+a"(a), "=b"(b), "+c"(c), "=d"(d)
			     : [rrip] "i"(offsetof(struct probe_record,
						   resume_rip))
			     : "memory");
		check_eq(b, 0x566e6558);
	}
	printk("  vector %u at 0x%lx (resume 0x%lx), dr6 0x%lx\n",
	       probe_rec.vector, probe_rec.b.rip, probe_rec.resume_rip,
	       hypercall5(__HYPERVISOR_get_debugreg, 6, 0, 0, 0, 0));
	check_eq(probe_rec.count, 1);
	check_eq(probe_rec.b.rip, probe_rec.resume_rip);
	check(hypercall5(__HYPERVISOR_get_debugreg, 6, 0, 0, 0, 0) &
	      (1UL << 14));

	printk("kernel mode: selector in a GDT page not given: #GP(sel)\n");
	probe_arm(13);
	PROBE("movl %%edx, %%ds", , "d"(BAD_SEL));
	check_kernel_frame(13, 1, BAD_SEL & ~7UL, probe_rec.fault_rip);
}
