// SPDX-License-Identifier: GPL-2.0
/*
 * Old static binaries (glibc before 2.14, some Go and other runtimes)
 * call the fixed vsyscall page at 0xffffffffff600000: gettimeofday at
 * +0, time at +0x400, getcpu at +0x800.  Linux 6.1 built with
 * X86_VSYSCALL_EMULATION in its default execute-only mode maps nothing
 * there: the call faults, and the kernel's page-fault handler emulates
 * the system call and returns to the caller.  In a PV guest that fault
 * is the hypervisor's first (a user instruction fetch at the top of the
 * address space) and must reach the kernel as the user-mode #PF it is.
 * Reading the page (rather than calling it) is a plain SIGSEGV in that
 * mode.  Calling it anywhere but at an entry point is SIGSEGV too.
 */
#include "ut.h"

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

const char ut_program[] = "vsyscall";

#define VSYSCALL	0xffffffffff600000UL

static sigjmp_buf jb;
static volatile int segv;

static void on_segv(int sig)
{
	(void)sig;
	segv++;
	siglongjmp(jb, 1);
}

int main(void)
{
	long (*vgettimeofday)(struct timeval *, void *) = (void *)VSYSCALL;
	long (*vtime)(time_t *) = (void *)(VSYSCALL + 0x400);
	long (*vgetcpu)(unsigned int *, unsigned int *, void *) =
		(void *)(VSYSCALL + 0x800);
	struct timeval tv = { 0, 0 }, now;
	time_t t = 0;
	unsigned int cpu = 999, node = 999;
	struct sigaction sa;
	long rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_segv;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);

	gettimeofday(&now, NULL);
	segv = 0;
	if (!sigsetjmp(jb, 1)) {
		rc = vgettimeofday(&tv, NULL);
		if (rc == 0 && tv.tv_sec >= now.tv_sec &&
		    tv.tv_sec <= now.tv_sec + 60)
			ut_pass("gettimeofday", "emulated: %ld s", (long)tv.tv_sec);
		else
			ut_fail("gettimeofday", "rc %ld, %ld s (now %ld)", rc,
				(long)tv.tv_sec, (long)now.tv_sec);
	} else {
		ut_fail("gettimeofday", "SIGSEGV calling the vsyscall page");
	}

	if (!sigsetjmp(jb, 1)) {
		rc = vtime(&t);
		if (rc == (long)t && t >= now.tv_sec && t <= now.tv_sec + 60)
			ut_pass("time", "emulated: %ld", (long)t);
		else
			ut_fail("time", "rc %ld, t %ld", rc, (long)t);
	} else {
		ut_fail("time", "SIGSEGV calling the vsyscall page");
	}

	if (!sigsetjmp(jb, 1)) {
		rc = vgetcpu(&cpu, &node, NULL);
		if (rc == 0 && cpu < 64 && node == 0)
			ut_pass("getcpu", "emulated: cpu %u node %u", cpu, node);
		else
			ut_fail("getcpu", "rc %ld, cpu %u node %u", rc, cpu,
				node);
	} else {
		ut_fail("getcpu", "SIGSEGV calling the vsyscall page");
	}

	/* Execute-only: a read is a fault, not the page's contents. */
	segv = 0;
	if (!sigsetjmp(jb, 1)) {
		volatile uint8_t b = *(volatile uint8_t *)VSYSCALL;

		(void)b;
	}
	if (segv == 1)
		ut_pass("read_xonly", "reading the page is SIGSEGV");
	else
		ut_fail("read_xonly", "the page could be read");

	/* Only the three entry points are calls. */
	segv = 0;
	if (!sigsetjmp(jb, 1))
		((void (*)(void))(VSYSCALL + 0x10))();
	if (segv == 1)
		ut_pass("misaligned_call", "a call to +0x10 is SIGSEGV");
	else
		ut_fail("misaligned_call", "a call to +0x10 returned");
	return ut_status();
}
