// SPDX-License-Identifier: GPL-2.0
/*
 * RFLAGS across a system call, as on bare metal: NT, AC and DF set by the
 * program before `syscall` are set after it (SYSRET/IRET give back what
 * the program had; a PV hypervisor must clear only IOPL and VM), and a
 * program single-stepping itself with TF sees one SIGTRAP per instruction,
 * none for the `syscall` itself: the trap after `syscall` comes after the
 * instruction that follows it.
 */
#include "ut.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>

const char ut_program[] = "rflags";

#define NT	(1UL << 14)
#define AC	(1UL << 18)
#define DF	(1UL << 10)
#define TF	(1UL << 8)

/* Set @bit, getpid by syscall, read RFLAGS back, clear @bit. */
static unsigned long across_syscall(unsigned long bit)
{
	unsigned long after, nr = SYS_getpid;

	__asm__ __volatile__("pushfq\n\t"
			     "orq %2, (%%rsp)\n\t"
			     "popfq\n\t"
			     "syscall\n\t"
			     "pushfq\n\t"
			     "popq %1\n\t"
			     "pushfq\n\t"
			     "notq %2\n\t"
			     "andq %2, (%%rsp)\n\t"
			     "popfq"
			     : "+a"(nr), "=r"(after), "+r"(bit)
			     : : "rcx", "r11", "memory", "cc");
	return after;
}

extern const char step_start[], step_end[];
static unsigned long trace[32];
static volatile unsigned int ntrace;

static void on_trap(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	unsigned long rip = uc->uc_mcontext.gregs[REG_RIP];

	(void)sig;
	(void)si;
	if (ntrace < 32)
		trace[ntrace++] = rip - (unsigned long)step_start;
}

static void single_step(void)
{
	__asm__ __volatile__("pushfq\n\t"
			     "orq $0x100, (%%rsp)\n\t"
			     "popfq\n"		/* trap after the next one */
			     "step_start:\n\t"
			     "nop\n\t"			/* +0 */
			     "movl $39, %%eax\n\t"	/* +1: getpid */
			     "syscall\n\t"		/* +6 */
			     "nop\n\t"			/* +8 */
			     "nop\n\t"			/* +9 */
			     "pushfq\n\t"		/* +10 */
			     "andq $~0x100, (%%rsp)\n\t" /* +11: 8 bytes */
			     "popfq\n"			/* +19 */
			     "step_end:\n\t"		/* +20 */
			     "nop"
			     : : : "rax", "rcx", "r11", "memory", "cc");
}

int main(void)
{
	static const struct { const char *name; unsigned long bit; } flags[] = {
		{ "nt", NT }, { "ac", AC }, { "df", DF },
	};
	/* popf's trap lands after `nop`; no trap of the syscall's own. */
	static const unsigned long want[] = { 1, 6, 9, 10, 11, 19, 20 };
	struct sigaction sa;
	char got[256] = "";
	size_t n = 0;

	for (unsigned int i = 0; i < 3; i++) {
		unsigned long after = across_syscall(flags[i].bit);

		if (after & flags[i].bit)
			ut_pass(flags[i].name, "kept across syscall "
				"(rflags %#lx)", after);
		else
			ut_fail(flags[i].name, "lost across syscall (rflags "
				"%#lx)", after);
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_trap;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGTRAP, &sa, NULL);
	single_step();
	for (unsigned int i = 0; i < ntrace && n < sizeof(got) - 8; i++)
		n += snprintf(got + n, sizeof(got) - n, " +%lu", trace[i]);
	if (ntrace == sizeof(want) / sizeof(want[0]) &&
	    !memcmp(trace, want, sizeof(want)))
		ut_pass("tf_step", "traps at%s", got);
	else
		ut_fail("tf_step", "traps at%s; want +1 +6 +9 +10 +11 +19 +20",
			got);
	return ut_status();
}
