// SPDX-License-Identifier: GPL-2.0
/*
 * A static 32-bit program (gcc -m32) under the 64-bit PV kernel: the
 * IA32 entry points (int $0x80 and the vDSO's __kernel_vsyscall, which
 * uses sysenter or syscall on the 32-bit callbacks), compat selectors,
 * 32-bit signal frames and sigreturn, fork and exit.
 */
#include "ut.h"

#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

const char ut_program[] = "compat32";

static long int80(long nr, long a, long b, long c)
{
	long ret;

	__asm__ __volatile__("int $0x80" : "=a"(ret)
			     : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

static sigjmp_buf jb;
static volatile int got_sig;
static volatile unsigned long fault_addr;
/* A pointer the compiler cannot see through. */
int *volatile bad = (int *)0x10;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	fault_addr = (unsigned long)si->si_addr;
	siglongjmp(jb, 1);
}

static unsigned short cs(void)
{
	unsigned short s;

	__asm__ __volatile__("movw %%cs, %0" : "=r"(s));
	return s;
}

int main(void)
{
	static const char msg[] = "  compat32: hello through int $0x80\n";
	struct sigaction sa;
	struct timeval tv;
	int status;
	pid_t pid;

	fflush(stdout);
	if (int80(SYS_write, 1, (long)msg, sizeof(msg) - 1) == sizeof(msg) - 1 &&
	    int80(SYS_getpid, 0, 0, 0) == getpid())
		ut_pass("int80", "write and getpid through int $0x80");
	else
		ut_fail("int80", "int $0x80 system calls gave wrong results");

	/* libc's syscall() goes through the vDSO's __kernel_vsyscall. */
	if (syscall(SYS_getpid) == int80(SYS_getpid, 0, 0, 0) &&
	    gettimeofday(&tv, NULL) == 0 && tv.tv_sec > 0)
		ut_pass("vsyscall", "getpid and gettimeofday via the vDSO");
	else
		ut_fail("vsyscall", "vDSO system calls failed");

	/* A 32-bit code selector with RPL 3 (0x23 natively, 0xe023 on PV). */
	if ((cs() & 3) == 3 && cs() != 0x33 && cs() != 0xe033)
		ut_pass("selector", "cs %#x", cs());
	else
		ut_fail("selector", "cs %#x is not a 32-bit user selector", cs());

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	if (!sigsetjmp(jb, 1))
		*bad = 1;
	if (got_sig == SIGSEGV && fault_addr == 0x10)
		ut_pass("signal", "SIGSEGV at 0x10, handler ran, sigreturn");
	else
		ut_fail("signal", "signal %d at %#lx", got_sig, fault_addr);

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(42);
	if (pid > 0 && waitpid(pid, &status, 0) == pid &&
	    WIFEXITED(status) && WEXITSTATUS(status) == 42)
		ut_pass("fork", "child exited 42");
	else
		ut_fail("fork", "fork/wait failed");
	return ut_status();
}
