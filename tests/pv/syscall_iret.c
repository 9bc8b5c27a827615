// SPDX-License-Identifier: GPL-2.0
/*
 * syscall_iret: guest kernel <-> guest user round trips.
 *
 * The kernel builds and pins a user L4 (lib/user.c) and enters user mode
 * with HYPERVISOR_iret and every register set to a known value.  User
 * code records what it got, loads new values and does `syscall`; the
 * kernel's syscall callback checks the frame (rcx/r11 = user return rip
 * and rflags, rip, cs with RPL 3, user rsp, on the kernel stack given by
 * stack_switch) and the registers, then irets back to user mode with a
 * third set of values.  User code records those and exits with a second
 * syscall.  Done twice: iret flags 0 (rcx and r11 come from the iret
 * frame) and VGCF_in_syscall (Xen returns by sysret: rcx = rip,
 * r11 = rflags).  Finally an int3 from user mode bounces to the kernel
 * on the stack_switch stack with RPL 3 in the saved cs.
 */
#include "pv.h"

const char test_name[] = "syscall_iret";

#define SYS_ROUNDTRIP	1
#define SYS_EXIT	2
#define ALIAS_MAGIC	0x5a5a1234a5a5cafeUL

struct gprs user_seen1, user_seen2;
uint64_t user_rflags1, user_rflags2, user_alias_addr, user_alias_val;
static uint64_t alias_magic = ALIAS_MAGIC;
static char user_stack[4096] __attribute__((aligned(16)));

extern char user_entry[], user_after_syscall[], user_trap_entry[],
	user_after_int3[];

/* Store every register into a struct gprs at `sym`. */
#define SAVE_ALL(sym)							\
	"movq %rax, " sym "+0\n\t movq %rbx, " sym "+8\n\t"		\
	"movq %rcx, " sym "+16\n\t movq %rdx, " sym "+24\n\t"		\
	"movq %rsi, " sym "+32\n\t movq %rdi, " sym "+40\n\t"		\
	"movq %rbp, " sym "+48\n\t movq %rsp, " sym "+56\n\t"		\
	"movq %r8, " sym "+64\n\t movq %r9, " sym "+72\n\t"		\
	"movq %r10, " sym "+80\n\t movq %r11, " sym "+88\n\t"		\
	"movq %r12, " sym "+96\n\t movq %r13, " sym "+104\n\t"		\
	"movq %r14, " sym "+112\n\t movq %r15, " sym "+120\n\t"

/* What user code loads before its syscall: 0x22..0<index in gprs>. */
#define P2(n) "0x220000000000000" #n

/* User-mode code; it runs at its kernel address, present in both L4s. */
asm(".pushsection .text\n"
    "user_entry:\n\t"
    SAVE_ALL("user_seen1")
    "pushfq\n\t popq user_rflags1\n\t"
    /* Only the user L4 maps the alias. */
    "movq user_alias_addr, %rax\n\t movq (%rax), %rax\n\t"
    "movq %rax, user_alias_val\n\t"
    "movabsq $" P2(1) ", %rbx\n\t movabsq $" P2(3) ", %rdx\n\t"
    "movabsq $" P2(4) ", %rsi\n\t movabsq $" P2(5) ", %rdi\n\t"
    "movabsq $" P2(6) ", %rbp\n\t movabsq $" P2(8) ", %r8\n\t"
    "movabsq $" P2(9) ", %r9\n\t movabsq $" P2(a) ", %r10\n\t"
    "movabsq $" P2(c) ", %r12\n\t movabsq $" P2(d) ", %r13\n\t"
    "movabsq $" P2(e) ", %r14\n\t movabsq $" P2(f) ", %r15\n\t"
    "movq $1, %rax\n\t"
    "stc\n\t"
    "syscall\n"
    "user_after_syscall:\n\t"
    SAVE_ALL("user_seen2")
    "pushfq\n\t popq user_rflags2\n\t"
    "movq $2, %rax\n\t"
    "syscall\n\t"
    "ud2\n"
    "user_trap_entry:\n\t"
    "int3\n"
    "user_after_int3:\n\t"
    "movq $2, %rax\n\t"
    "syscall\n\t"
    "ud2\n"
    ".popsection");

static struct trap_regs sc_regs;
static struct bounce sc_b;
static uint8_t sc_mask;
static uint64_t return_flags;
static struct gprs p3;

static void on_syscall(struct trap_regs *r, struct bounce *b)
{
	if (r->rax == SYS_EXIT) {
		user_return(r, b);
		return;
	}
	check_eq(r->rax, SYS_ROUNDTRIP);
	sc_regs = *r;
	sc_b = *b;
	sc_mask = vcpu0()->evtchn_upcall_mask;
	/* Back to user mode after the syscall, with the p3 registers. */
	r->rax = p3.rax; r->rbx = p3.rbx; r->rcx = p3.rcx; r->rdx = p3.rdx;
	r->rsi = p3.rsi; r->rdi = p3.rdi; r->rbp = p3.rbp; r->r8 = p3.r8;
	r->r9 = p3.r9; r->r10 = p3.r10; r->r11 = p3.r11; r->r12 = p3.r12;
	r->r13 = p3.r13; r->r14 = p3.r14; r->r15 = p3.r15;
	b->iret_flags = return_flags;
}

static void fill(struct gprs *g, uint64_t base)
{
	uint64_t *w = (uint64_t *)g;
	unsigned int i;

	for (i = 0; i < 16; i++)
		w[i] = base + i;
	g->rsp = (uint64_t)user_stack + sizeof(user_stack);
}

/* Compare all registers but rsp (and rcx/r11 unless with_rcx_r11). */
static void check_gprs(const char *what, const struct gprs *got,
		       const struct gprs *want, int with_rcx_r11)
{
	const uint64_t *g = (const uint64_t *)got, *w = (const uint64_t *)want;
	unsigned int i;

	for (i = 0; i < 16; i++) {
		if (i == 7 || (!with_rcx_r11 && (i == 2 || i == 11)))
			continue;
		if (g[i] != w[i])
			fail("%s: register %u is 0x%lx, want 0x%lx", what, i,
			     g[i], w[i]);
	}
}

/* rflags after sysret: what the CPU keeps of r11. */
static uint64_t sysret_rflags(uint64_t r11)
{
	return (r11 & 0x3c7fd7UL) | 2;
}

static void round_trip(uint64_t flags)
{
	struct gprs p1, p2, sc;
	uint64_t stack_top = (uint64_t)user_stack + sizeof(user_stack);

	printk("round trip, iret flags 0x%lx\n", flags);
	fill(&p1, 0x1100000000000000UL);
	fill(&p2, 0x2200000000000000UL);
	fill(&p3, 0x3300000000000000UL);
	p2.rax = SYS_ROUNDTRIP;
	return_flags = flags;
	memset(&user_seen1, 0, sizeof(user_seen1));
	memset(&user_seen2, 0, sizeof(user_seen2));
	user_alias_val = 0;

	user_run((uint64_t)user_entry, &p1, flags);

	/* 1. Entry to user mode. */
	check_eq(user_seen1.rsp, stack_top);
	check_gprs("user entry", &user_seen1, &p1, !flags);
	check(user_rflags1 & X86_EFLAGS_IF);
	if (flags) {
		check_eq(user_seen1.rcx, user_entry);
		check_eq(sysret_rflags(user_seen1.r11), user_rflags1);
	}
	check_eq(user_alias_val, ALIAS_MAGIC);

	/* 2. The syscall as the kernel saw it. */
	printk("  syscall frame: rcx 0x%lx r11 0x%lx rip 0x%lx cs 0x%lx "
	       "rflags 0x%lx rsp 0x%lx ss 0x%lx at 0x%lx, mask %u\n",
	       sc_b.rcx, sc_b.r11, sc_b.rip, sc_b.cs, sc_b.rflags, sc_b.rsp,
	       sc_b.ss, sc_b.frame_addr, sc_mask);
	check_eq(sc_b.rcx, user_after_syscall);
	check_eq(sc_b.rip, user_after_syscall);
	/* The stc before syscall: r11 holds the user rflags, CF set. */
	check_eq(sc_b.r11 & ~X86_EFLAGS_CF, user_rflags1);
	check(sc_b.r11 & X86_EFLAGS_CF);
	check_eq(sc_b.rflags, sc_b.r11);
	check_eq(sc_b.cs & 0xffff, FLAT_USER_CS);
	check_eq((sc_b.cs >> 32) & 0xff, 0);
	check_eq(sc_b.ss, FLAT_USER_SS);
	check_eq(sc_b.rsp, stack_top);
	check_eq(sc_b.frame_addr, (uint64_t)entry_stack_top - 7 * 8);
	check_eq(sc_mask, 1);
	memcpy(&sc, &p2, sizeof(sc));
	sc.rax = SYS_ROUNDTRIP;
	{
		struct gprs k = {
			.rax = sc_regs.rax, .rbx = sc_regs.rbx,
			.rdx = sc_regs.rdx, .rsi = sc_regs.rsi,
			.rdi = sc_regs.rdi, .rbp = sc_regs.rbp,
			.r8 = sc_regs.r8, .r9 = sc_regs.r9,
			.r10 = sc_regs.r10, .r12 = sc_regs.r12,
			.r13 = sc_regs.r13, .r14 = sc_regs.r14,
			.r15 = sc_regs.r15,
		};
		check_gprs("syscall", &k, &sc, 0);
	}

	/* 3. Back in user mode after the iret. */
	check_eq(user_seen2.rsp, stack_top);
	check_gprs("after iret", &user_seen2, &p3, !flags);
	if (flags) {
		check_eq(user_seen2.rcx, user_after_syscall);
		check_eq(sysret_rflags(user_seen2.r11), user_rflags2);
	}
}

static struct bounce trap_b;

static void on_user_int3(struct trap_regs *r, struct bounce *b)
{
	trap_b = *b;		/* resume user mode after the int3 */
}

void test_main(void)
{
	struct gprs p1;

	user_setup();
	user_alias_addr = USER_ALIAS(&alias_magic);
	set_handler(VEC_SYSCALL, on_syscall);

	round_trip(0);
	round_trip(VGCF_in_syscall);

	printk("the user-only alias is not mapped in kernel mode\n");
	probe_arm(14);
	PROBE("movq (%%rax), %%rdx", , "a"(user_alias_addr));
	check_eq(probe_rec.count, 1);
	check_eq(probe_rec.cr2, user_alias_addr);

	printk("int3 in user mode\n");
	set_handler(3, on_user_int3);
	fill(&p1, 0x4400000000000000UL);
	user_run((uint64_t)user_trap_entry, &p1, 0);
	printk("  frame: rip 0x%lx cs 0x%lx rsp 0x%lx ss 0x%lx at 0x%lx\n",
	       trap_b.rip, trap_b.cs, trap_b.rsp, trap_b.ss,
	       trap_b.frame_addr);
	check_eq(trap_b.rip, user_after_int3);
	check_eq(trap_b.cs & 0xffff, FLAT_USER_CS);
	check_eq(trap_b.rsp, p1.rsp);
	check_eq(trap_b.ss, FLAT_USER_SS);
	check_eq(trap_b.frame_addr, (uint64_t)entry_stack_top - 7 * 8);
}
