// SPDX-License-Identifier: GPL-2.0
/*
 * I/O privilege in user space, as on bare metal: ioperm() opens exactly
 * the ports asked for (others still #GP -> SIGSEGV), closing them closes
 * them, iopl(3) (emulated by Linux 6.1 through the I/O bitmap) opens every
 * port (cli/sti still trap, and the kernel skips them), and a process without permission that runs
 * on the same CPU right after one with it gets none.  A 64-bit PV kernel
 * hands its TSS I/O bitmap to the hypervisor (PHYSDEVOP_set_iobitmap).
 * Port 0x80 (POST diagnostics) is read, which is harmless; 0x84 too.
 */
#include "ut.h"

#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/io.h>
#include <sys/wait.h>
#include <unistd.h>

const char ut_program[] = "ioperm";

static sigjmp_buf jb;
static volatile int sig;

static void on_sig(int s)
{
	sig = s;
	siglongjmp(jb, 1);
}

/* Does `inb port` work (1) or raise SIGSEGV (0)? */
static int can_in(unsigned short port)
{
	sig = 0;
	if (!sigsetjmp(jb, 1))
		(void)inb(port);
	return sig == 0;
}

static int can_cli(void)
{
	sig = 0;
	if (!sigsetjmp(jb, 1))
		__asm__ __volatile__("cli; sti");
	return sig == 0;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static int with_ioperm(void *arg)
{
	(void)arg;
	if (can_in(0x80))
		return 10;			/* nothing given yet */
	if (ioperm(0x80, 1, 1))
		return 11;
	if (!can_in(0x80))
		return 12;
	if (can_in(0x84))
		return 13;			/* only what was asked for */
	if (ioperm(0x80, 1, 0))
		return 14;
	if (can_in(0x80))
		return 15;
	return 0;
}

static int with_iopl(void *arg)
{
	(void)arg;
	if (iopl(3))
		return 20;
	if (!can_in(0x80) || !can_in(0x84))
		return 21;
	if (iopl(0))
		return 23;
	if (can_in(0x80))
		return 24;
	return 0;
}

/*
 * Linux 6.1 emulates iopl(3) with the I/O bitmap: the real IOPL stays 0,
 * so cli and sti #GP.  Without iopl(3) that is SIGSEGV; under iopl(3)
 * the kernel's #GP handler (fixup_iopl_exception()) skips them as NOPs,
 * as on bare metal.  Either way the #GP must reach the kernel as a user
 * #GP at the cli, which is what this checks.
 */
static int cli_traps(void *arg)
{
	(void)arg;
	if (can_cli())
		return 40;
	if (iopl(3))
		return 41;
	if (!can_cli())
		return 42;
	if (iopl(0))
		return 43;
	if (can_cli())
		return 44;
	return 0;
}

/* One process holds port 0x80 open and yields; another on the same CPU
 * must not inherit it. */
static int neighbour(void *arg)
{
	int status, fails = 0;
	pid_t holder;

	(void)arg;
	pin(0);
	fflush(stdout);
	holder = fork();
	if (holder == 0) {
		if (ioperm(0x80, 1, 1))
			_exit(31);
		for (int i = 0; i < 2000; i++) {
			if (!can_in(0x80))
				_exit(32);
			sched_yield();
		}
		_exit(0);
	}
	usleep(1000);
	for (int i = 0; i < 2000; i++) {
		if (can_in(0x80))
			fails++;
		sched_yield();
	}
	waitpid(holder, &status, 0);
	if (fails)
		return 33;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 34;
}

static void run(const char *tcase, int (*fn)(void *), const char *what)
{
	int st = ut_child(fn, NULL, 60);

	if (st == 0)
		ut_pass(tcase, "%s", what);
	else
		ut_fail(tcase, "%s (step code in the exit status)",
			ut_status_str(st));
}

int main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	run("ioperm", with_ioperm, "port 0x80 opened alone, then closed");
	run("iopl3", with_iopl, "iopl(3): all ports; iopl(0) "
	    "closes them");
	run("cli", cli_traps, "cli/sti raise SIGSEGV; under iopl(3) the "
	    "kernel skips them");
	run("neighbour", neighbour, "a process on the same CPU does not "
	    "inherit another's ports");
	return ut_status();
}
