// SPDX-License-Identifier: GPL-2.0
/*
 * Hardware breakpoints for a debugger, as on bare metal: what gdb's
 * `watch` and `hbreak` do through ptrace, and what perf counts.
 *
 *   - dr0_write: a traced child; the tracer puts a variable's address in
 *     DR0 and a 4-byte write watchpoint in DR7 with PTRACE_POKEUSER on
 *     u_debugreg; the child's write stops it with SIGTRAP, si_code
 *     TRAP_HWBKPT, the write done and rip after it, DR6 with B0;
 *   - dr1_exec: an execute breakpoint (DR1) on a function: SIGTRAP
 *     TRAP_HWBKPT with rip at the function and DR6 with B1; cleared, the
 *     child runs on and exits normally;
 *   - perf_write: perf_event_open(PERF_TYPE_BREAKPOINT) on a variable
 *     counts 100 writes as 100 and no reads.
 * Under a PV kernel these reach the hypervisor's set_debugreg and #DB
 * bounce (docs/hypervisor.md).
 */
#include "ut.h"

#include <errno.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

const char ut_program[] = "watchpoint";

#ifndef TRAP_HWBKPT
#define TRAP_HWBKPT	4
#endif

static volatile uint32_t target __attribute__((aligned(8)));

/* Where an execute breakpoint goes: a function of its own, not inlined. */
__attribute__((noinline)) void bp_func(void)
{
	__asm__ __volatile__("" ::: "memory");
}

#define DR_OFF(n)	(offsetof(struct user, u_debugreg) + (n) * sizeof(long))

static int poke_dr(pid_t pid, int n, unsigned long v)
{
	return ptrace(PTRACE_POKEUSER, pid, (void *)DR_OFF(n), (void *)v);
}

static unsigned long peek_dr(pid_t pid, int n)
{
	return ptrace(PTRACE_PEEKUSER, pid, (void *)DR_OFF(n), NULL);
}

/* The traced child: stop, then write target, call bp_func, exit. */
static void child(void)
{
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
		_exit(90);
	raise(SIGSTOP);
	target = 0x1234;
	bp_func();
	_exit(target == 0x1234 ? 0 : 91);
}

/* Wait for a SIGTRAP stop; its siginfo and registers. */
static int wait_trap(pid_t pid, siginfo_t *si, struct user_regs_struct *regs,
		     char *why, size_t len)
{
	int status;

	if (waitpid(pid, &status, 0) != pid) {
		snprintf(why, len, "waitpid: %s", strerror(errno));
		return -1;
	}
	if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGTRAP) {
		snprintf(why, len, "child %s, not stopped by SIGTRAP",
			 ut_status_str(status));
		return -1;
	}
	if (ptrace(PTRACE_GETSIGINFO, pid, NULL, si) ||
	    ptrace(PTRACE_GETREGS, pid, NULL, regs)) {
		snprintf(why, len, "GETSIGINFO/GETREGS: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void ptrace_cases(void)
{
	struct user_regs_struct regs;
	siginfo_t si;
	char why[160];
	unsigned long dr6, val;
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		child();
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) {
		ut_fail("dr0_write", "no stopped child");
		ut_fail("dr1_exec", "no stopped child");
		return;
	}

	/* DR7: L0, R/W 01 (write), LEN 11 (4 bytes). */
	if (poke_dr(pid, 0, (unsigned long)&target) ||
	    poke_dr(pid, 7, 0x1UL | (0xdUL << 16)) ||
	    ptrace(PTRACE_CONT, pid, NULL, NULL)) {
		ut_fail("dr0_write", "POKEUSER/CONT: %s", strerror(errno));
		goto kill;
	}
	if (wait_trap(pid, &si, &regs, why, sizeof(why))) {
		ut_fail("dr0_write", "%s", why);
		goto kill;
	}
	dr6 = peek_dr(pid, 6);
	errno = 0;
	val = ptrace(PTRACE_PEEKDATA, pid, (void *)&target, NULL);
	if (si.si_code != TRAP_HWBKPT || (dr6 & 0xf) != 0x1 ||
	    (uint32_t)val != 0x1234)
		ut_fail("dr0_write", "si_code %d dr6 %#lx target %#lx rip %#llx",
			si.si_code, dr6, val, regs.rip);
	else
		ut_pass("dr0_write", "SIGTRAP TRAP_HWBKPT, dr6 %#lx, write done",
			dr6);

	/* DR7: only L1, R/W 00 (execute), LEN 00. */
	if (poke_dr(pid, 7, 0) || poke_dr(pid, 6, 0) ||
	    poke_dr(pid, 1, (unsigned long)bp_func) ||
	    poke_dr(pid, 7, 0x4UL) || ptrace(PTRACE_CONT, pid, NULL, NULL)) {
		ut_fail("dr1_exec", "POKEUSER/CONT: %s", strerror(errno));
		goto kill;
	}
	if (wait_trap(pid, &si, &regs, why, sizeof(why))) {
		ut_fail("dr1_exec", "%s", why);
		goto kill;
	}
	dr6 = peek_dr(pid, 6);
	if (si.si_code != TRAP_HWBKPT || (dr6 & 0xf) != 0x2 ||
	    regs.rip != (unsigned long)bp_func) {
		ut_fail("dr1_exec", "si_code %d dr6 %#lx rip %#llx (bp_func %p)",
			si.si_code, dr6, regs.rip, (void *)bp_func);
		goto kill;
	}
	if (poke_dr(pid, 7, 0) || ptrace(PTRACE_CONT, pid, NULL, NULL) ||
	    waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		ut_fail("dr1_exec", "the child did not run on to exit 0 (%s)",
			ut_status_str(status));
		return;
	}
	ut_pass("dr1_exec", "SIGTRAP TRAP_HWBKPT at bp_func, dr6 %#lx, "
		"child exited 0", dr6);
	return;
kill:
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

static void perf_case(void)
{
	struct perf_event_attr a;
	uint64_t count = 0;
	uint32_t sink = 0;
	int fd;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_BREAKPOINT;
	a.size = sizeof(a);
	a.bp_type = HW_BREAKPOINT_W;
	a.bp_addr = (unsigned long)&target;
	a.bp_len = HW_BREAKPOINT_LEN_4;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	if (fd < 0) {
		ut_fail("perf_write", "perf_event_open: %s", strerror(errno));
		return;
	}
	for (int i = 0; i < 100; i++)
		target = i;
	for (int i = 0; i < 100; i++)
		sink += target;
	if (read(fd, &count, sizeof(count)) != sizeof(count)) {
		ut_fail("perf_write", "read: %s", strerror(errno));
	} else if (count != 100) {
		ut_fail("perf_write", "counted %llu writes, want 100 (sink %u)",
			(unsigned long long)count, sink);
	} else {
		ut_pass("perf_write", "100 writes counted, reads not");
	}
	close(fd);
}

int main(void)
{
	ptrace_cases();
	perf_case();
	return ut_status();
}
