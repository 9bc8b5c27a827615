// SPDX-License-Identifier: GPL-2.0
/*
 * Page faults in user mode are user faults, whatever came before them.
 * On Veneer, a user `int $n` whose IDT gate forbids it (#GP) was followed
 * by user page faults that reached the guest kernel as supervisor faults
 * (error code without the U bit), and Linux oopsed.  Here each way of
 * getting a #GP or #UD (and an emulated instruction) from user mode is
 * followed by a user page fault, whose signal must say: SIGSEGV,
 * SEGV_MAPERR at the address, trap 14, error code with the U bit.
 */
#include "ut.h"

#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

const char ut_program[] = "user_fault_after_int";

static sigjmp_buf jb;
static volatile int sig, code;
static volatile long trapno, err;
static void *volatile addr;

static void handler(int s, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;

	sig = s;
	code = si->si_code;
	addr = si->si_addr;
	trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
	err = uc->uc_mcontext.gregs[REG_ERR];
	siglongjmp(jb, 1);
}

static void before_int_cd(void) { __asm__ __volatile__("int $0xcd"); }
static void before_int_3f(void) { __asm__ __volatile__("int $0x3f"); }
static void before_ud2(void) { __asm__ __volatile__("ud2"); }
static void before_hlt(void) { __asm__ __volatile__("hlt"); }
static void before_in(void)
{
	__asm__ __volatile__("inb $0x80, %%al" : : : "eax");
}
static void before_cli(void) { __asm__ __volatile__("cli"); }
static void before_cpuid(void)
{
	unsigned int a = 0, b, c = 0, d;

	__asm__ __volatile__("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
}

static const struct {
	const char *name;
	void (*fn)(void);
	int want_sig;		/* 0: the instruction completes */
} first[] = {
	{ "int_cd", before_int_cd, SIGSEGV },
	{ "int_3f", before_int_3f, SIGSEGV },
	{ "ud2", before_ud2, SIGILL },
	{ "hlt", before_hlt, SIGSEGV },
	{ "in_port80", before_in, SIGSEGV },
	{ "cli", before_cli, SIGSEGV },
	{ "cpuid", before_cpuid, 0 },
};

static int run(void *arg)
{
	unsigned int i = (unsigned int)(unsigned long)arg;
	struct sigaction sa;
	volatile char *hole;
	const int rounds = 200;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	hole = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap((void *)hole, 4096);	/* now a hole at a known address */

	for (volatile int r = 0; r < rounds; r++) {
		sig = 0;
		if (!sigsetjmp(jb, 1))
			first[i].fn();
		if (sig != first[i].want_sig) {
			printf("  %s: signal %d, want %d\n", first[i].name, sig,
			       first[i].want_sig);
			return 10;
		}
		sig = 0;
		if (!sigsetjmp(jb, 1))
			(void)*hole;
		if (sig != SIGSEGV || code != SEGV_MAPERR ||
		    addr != (void *)hole || trapno != 14 || !(err & 4)) {
			printf("  after %s: signal %d code %d addr %p (want "
			       "%p) trap %ld err %#lx\n", first[i].name, sig,
			       code, addr, (void *)hole, trapno,
			       (unsigned long)err);
			return 11;
		}
	}
	printf("  %s x%d: then #PF err %#lx\n", first[i].name, rounds,
	       (unsigned long)err);
	return 0;
}

int main(void)
{
	for (unsigned int i = 0; i < sizeof(first) / sizeof(first[0]); i++) {
		int st = ut_child(run, (void *)(unsigned long)i, 60);

		if (st == 0)
			ut_pass(first[i].name, "user #PF after it is a user "
				"fault (SIGSEGV, U bit)");
		else
			ut_fail(first[i].name, "%s", ut_status_str(st));
	}
	return ut_status();
}
