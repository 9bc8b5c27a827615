// SPDX-License-Identifier: GPL-2.0
/*
 * Which CPU am I on?  Pinned to each online CPU in turn, every way a
 * program can ask must give that CPU: the getcpu system call, the vDSO's
 * getcpu (sched_getcpu(); LSL on the CPU/node GDT entry, or RDPID),
 * RDTSCP's TSC_AUX and RDPID where the CPU has them, and LSL on the
 * CPU/node selector itself.  Linux 6.1's PV secondary CPUs never set the
 * GDT entry or TSC_AUX up (pv-guest/0007), so this failed on every vCPU
 * but the first, on Xen too.
 */
#include "ut.h"

#include <cpuid.h>
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

const char ut_program[] = "getcpu";

#define CPUNODE_SEL	((15 << 3) | 3)		/* GDT_ENTRY_CPUNODE, RPL 3 */

static int lsl_cpu(unsigned int *cpu)
{
	unsigned int limit;
	unsigned char ok;

	__asm__ __volatile__("lsl %2, %0; setz %1"
			     : "=r"(limit), "=q"(ok) : "r"(CPUNODE_SEL));
	*cpu = limit & 0xfff;
	return ok;
}

int main(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int a, b, c, d;
	int has_rdtscp = 0, has_rdpid = 0;

	if (__get_cpuid(0x80000001, &a, &b, &c, &d))
		has_rdtscp = !!(d & (1u << 27));
	if (__get_cpuid_count(7, 0, &a, &b, &c, &d))
		has_rdpid = !!(c & (1u << 22));
	printf("  %ld CPUs, rdtscp %d, rdpid %d\n", n, has_rdtscp, has_rdpid);
	for (long cpu = 0; cpu < n; cpu++) {
		char tcase[32];
		cpu_set_t set;
		unsigned int sys_cpu = ~0u, lsl = ~0u, aux = ~0u, pid = ~0u;
		int vdso;

		snprintf(tcase, sizeof(tcase), "cpu%ld", cpu);
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			ut_fail(tcase, "sched_setaffinity failed");
			continue;
		}
		sched_yield();
		syscall(SYS_getcpu, &sys_cpu, NULL, NULL);
		vdso = sched_getcpu();
		if (!lsl_cpu(&lsl))
			lsl = ~0u;
		if (has_rdtscp) {
			unsigned long lo, hi, cx;

			__asm__ __volatile__("rdtscp" : "=a"(lo), "=d"(hi),
					     "=c"(cx));
			aux = cx & 0xfff;
		}
		if (has_rdpid) {
			unsigned long p;

			__asm__ __volatile__("rdpid %0" : "=r"(p));
			pid = p & 0xfff;
		}
		if (sys_cpu == cpu && vdso == cpu && lsl == cpu &&
		    (!has_rdtscp || aux == cpu) && (!has_rdpid || pid == cpu))
			ut_pass(tcase, "getcpu, vDSO, lsl%s%s agree",
				has_rdtscp ? ", rdtscp" : "",
				has_rdpid ? ", rdpid" : "");
		else
			ut_fail(tcase, "syscall %u, vDSO %d, lsl %d, rdtscp %d, "
				"rdpid %d", sys_cpu, vdso, (int)lsl, (int)aux,
				(int)pid);
	}
	return ut_status();
}
