// SPDX-License-Identifier: GPL-2.0
/*
 * A user program controls the frame its kernel returns to after a
 * signal: sigreturn takes CS, SS and RIP from the signal frame (Linux
 * forces RPL 3 and, with UC_STRICT_RESTORE_SS, keeps the SS as given).
 * A frame the CPU cannot return to (a CS or SS beyond the GDT, an LDT
 * selector without an LDT, a non-canonical RIP) makes the return fault;
 * natively the kernel turns that into a #GP of the user context, and the
 * program gets SIGSEGV.  A PV kernel returns through the iret hypercall:
 * the hypervisor must hand it the same user-mode #GP, never a fault of
 * the kernel's own context (that would be an Oops in xen_iret, and one
 * user program would take dom0 down).  Each case runs in a child that
 * must see SIGSEGV for the bad frame and then exit normally.
 */
#include "ut.h"

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

const char ut_program[] = "bad_iret";

#ifndef UC_STRICT_RESTORE_SS
#define UC_STRICT_RESTORE_SS	0x4
#endif

enum what { BAD_CS, BAD_SS, LDT_SS, BAD_RIP };

static enum what what;
static sigjmp_buf jb;
static volatile int segv;
static volatile long segv_trapno;

/* REG_CSGSFS holds cs, gs, fs and ss, 16 bits each. */
static void set_sel(ucontext_t *uc, unsigned int shift, uint16_t sel)
{
	uint64_t v = (uint64_t)uc->uc_mcontext.gregs[REG_CSGSFS];

	v &= ~((uint64_t)0xffff << shift);
	v |= (uint64_t)sel << shift;
	uc->uc_mcontext.gregs[REG_CSGSFS] = (greg_t)v;
}

static void on_usr1(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;

	(void)sig;
	(void)si;
	uc->uc_flags |= UC_STRICT_RESTORE_SS;
	switch (what) {
	case BAD_CS:
		set_sel(uc, 0, 0xfff3);		/* far beyond any GDT */
		break;
	case BAD_SS:
		set_sel(uc, 48, 0xfff3);
		break;
	case LDT_SS:
		set_sel(uc, 48, 0x0007);	/* LDT entry 0, no LDT */
		break;
	case BAD_RIP:
		uc->uc_mcontext.gregs[REG_RIP] = (greg_t)0x8000000000001000ULL;
		break;
	}
}

static void on_segv(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;

	(void)sig;
	(void)si;
	segv++;
	segv_trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
	siglongjmp(jb, 1);
}

static int run_case(void *arg)
{
	struct sigaction sa;

	what = (enum what)(intptr_t)arg;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	if (!sigsetjmp(jb, 1))
		raise(SIGUSR1);		/* returns through the bad frame */
	if (segv != 1)
		return 10 + segv;		/* no SIGSEGV, or several */
	if (segv_trapno != 13)
		return 20;			/* not the #GP of the return */
	return 0;
}

int main(void)
{
	static const struct { const char *name; enum what what; } cases[] = {
		{ "bad_cs", BAD_CS }, { "bad_ss", BAD_SS },
		{ "ldt_ss", LDT_SS }, { "noncanonical_rip", BAD_RIP },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int st = ut_child(run_case, (void *)(intptr_t)cases[i].what,
				  60);

		if (st == 0)
			ut_pass(cases[i].name, "SIGSEGV (trap 13) from the "
				"return, then on");
		else
			ut_fail(cases[i].name, "%s", ut_status_str(st));
	}
	return ut_status();
}
