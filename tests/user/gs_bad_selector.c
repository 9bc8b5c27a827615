// SPDX-License-Identifier: GPL-2.0
/*
 * A debugger may put any selector with RPL 3 into a stopped process's GS
 * (PTRACE_POKEUSER; Linux checks only the RPL).  The kernel loads it when
 * the process next runs; natively a selector that cannot be loaded
 * faults, and the kernel's fixup loads the null selector instead, so the
 * process runs on with GS = 0.  A 64-bit PV kernel loads GS through
 * set_segment_base(SEGBASE_GS_USER_SEL), and Linux treats any error from
 * it as a BUG: the hypervisor must do what the CPU's fixup does (load
 * null and succeed), or one user program kills dom0.
 */
#include "ut.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

const char ut_program[] = "gs_bad_selector";

static unsigned short read_gs(void)
{
	unsigned short s;

	__asm__ __volatile__("movw %%gs, %0" : "=r"(s));
	return s;
}

/* The traced child: stop, then run through many context switches. */
static int child(void)
{
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
		return 90;
	raise(SIGSTOP);
	for (int i = 0; i < 200; i++) {
		sched_yield();
		usleep(100);
	}
	return read_gs() == 0 ? 0 : 91;
}

static void try_selector(const char *tcase, unsigned long sel)
{
	long off = offsetof(struct user, regs.gs);
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(child());
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) {
		ut_fail(tcase, "child did not stop: %s", ut_status_str(status));
		return;
	}
	if (ptrace(PTRACE_POKEUSER, pid, off, sel)) {
		ut_fail(tcase, "POKEUSER gs=%#lx: %s", sel, strerror(errno));
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return;
	}
	errno = 0;
	long got = ptrace(PTRACE_PEEKUSER, pid, off, NULL);
	if (ptrace(PTRACE_DETACH, pid, NULL, NULL)) {
		ut_fail(tcase, "DETACH: %s", strerror(errno));
		kill(pid, SIGKILL);
	}
	if (waitpid(pid, &status, 0) != pid) {
		ut_fail(tcase, "waitpid: %s", strerror(errno));
		return;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		ut_pass(tcase, "gs %#lx (read back %#lx): the process ran on "
			"with GS null", sel, got);
	else
		ut_fail(tcase, "gs %#lx: child %s (91: GS not null)", sel,
			ut_status_str(status));
}

int main(void)
{
	/* A GDT index beyond anything the kernel defines. */
	try_selector("gdt_beyond_limit", 0xfff3);
	/* An LDT selector in a process that has no LDT. */
	try_selector("ldt_without_ldt", 0x0007);
	/* A GDT index inside the table whose entry is unused (null). */
	try_selector("gdt_unused_entry", 0x0083);
	return ut_status();
}
