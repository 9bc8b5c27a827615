// SPDX-License-Identifier: GPL-2.0
/*
 * A user-space instruction fuzzer: each case runs a random instruction
 * (random prefixes, any opcode map, random ModRM/SIB/displacement and
 * immediates, then random bytes) with random registers and a stack that
 * may be fine, misaligned, unmapped, cut to 32 bits or non-canonical, in
 * a child of its own, and records how it ended: the signal, si_code,
 * si_addr, the trap number and error code from the signal frame, and
 * where RIP was.  Run the same seed in a dom0 on Veneer and on Xen 4.17
 * (tests/system/test_user_conformance.py): the records must match case
 * by case, and no kernel may complain.
 *
 * The child is locked in with seccomp's strict mode before it jumps, so
 * a random `syscall` or `int $0x80` ends it (SIGKILL) instead of doing
 * something; instructions whose results depend on the host and that a
 * following instruction could act on (rdtsc, rdrand, cpuid, ...) are not
 * generated, so a record depends only on the seed.  What the fuzzer
 * prints, per case:  "IF <case> <sig>/<code>/<trap>/<err> rip=<where>
 * addr=<si_addr> op=<two bytes at rip>"
 *
 * Usage: insn_fuzz [seed [cases]]   (default 1 20000)
 */
#include "ut.h"

#include <asm/prctl.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

const char ut_program[] = "insn_fuzz";

#define CODE	((unsigned char *)0x10000000UL)	/* 2 pages: code, guard */
#define STACK	((unsigned char *)0x10010000UL)	/* 2 pages of stack */
#define MAXLEN	24
#define FIXED_FS_BASE	0x10020000UL	/* unmapped */
#define FIXED_GS_BASE	0x10010000UL	/* the stack */

struct fuzz_regs {
	unsigned long rax, rbx, rcx, rdx, rsi, rbp, r8, r9, r10, r11, r12,
		      r13, r14, r15, rflags, rsp, rdi;
};

struct record {
	int sig, code;
	long trapno, err;
	unsigned long rip, addr;
	unsigned char op[2];
};

static unsigned long state;

static unsigned long rnd(void)
{
	/* splitmix64 */
	unsigned long z = (state += 0x9e3779b97f4a7c15UL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
	return z ^ (z >> 31);
}

static const unsigned char prefixes[] = {
	0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65,
	0x40, 0x41, 0x44, 0x48, 0x49, 0x4c, 0x4f,
};

/* Byte pairs that start an instruction we do not want (see above). */
static int unwanted(const unsigned char *b, unsigned int n)
{
	for (unsigned int i = 0; i + 1 < n; i++) {
		if (b[i] == 0xcd && b[i + 1] == 0x80)
			return 1;
		/*
		 * 0f 38 0c without a 66 prefix (VPERMILPS has no such form:
		 * #UD) kills QEMU 7.2's TCG itself -- its decoder lets it
		 * through and calls a NULL helper (fixed upstream in QEMU
		 * commit ebd9ea29, "target/i386: Mark VPERMILPS as not valid
		 * with prefix 0").  The whole machine dies, natively too, so
		 * it is not generated (anywhere: a later byte may be run).
		 */
		if (i + 2 < n && b[i] == 0x0f && b[i + 1] == 0x38 &&
		    b[i + 2] == 0x0c)
			return 1;
		/*
		 * VEX (c5 or c4, map 0f) pinsrw/pextrw (c4/c5) without the
		 * 66 form: QEMU 7.2 asserts in gen_pinsr() ("vec_len ==
		 * 16") and dies, where the CPU raises #UD.
		 */
		/* lock bt/bts/btr/btc with a register operand: QEMU 7.2
		 * dies ("tcg fatal error"), the CPU raises #UD. */
		if (b[i] == 0xf0 && i + 3 < n) {
			unsigned int j = i + 1;

			while (j + 2 < n && (b[j] & 0xf0) == 0x40)
				j++;		/* REX */
			if (b[j] == 0x0f && (b[j + 1] == 0xab ||
			    b[j + 1] == 0xb3 || b[j + 1] == 0xbb ||
			    b[j + 1] == 0xba || b[j + 1] == 0xa3) &&
			    j + 2 < n && (b[j + 2] >> 6) == 3)
				return 1;
		}
		if (b[i] == 0xc5 && i + 2 < n && (b[i + 2] & 0xfe) == 0xc4 &&
		    (b[i + 1] & 3) != 1)
			return 1;
		if (b[i] == 0xc4 && i + 3 < n && (b[i + 1] & 0x1f) == 1 &&
		    (b[i + 3] & 0xfe) == 0xc4 && (b[i + 2] & 3) != 1)
			return 1;
		if (b[i] != 0x0f)
			continue;
		switch (b[i + 1]) {
		case 0x05: case 0x07: case 0x34: case 0x35:	/* syscall.. */
		case 0x31: case 0x33: case 0xa2:	/* rdtsc rdpmc cpuid */
		case 0x01:		/* rdtscp, monitor, xgetbv, ... */
		case 0xc7:		/* rdrand, rdseed, rdpid */
		case 0xae:		/* rdfsbase.., fences, xsave */
			return 1;
		}
	}
	return 0;
}

static unsigned int gen_insn(unsigned char *b)
{
	unsigned int n;

	do {
		n = 0;
		for (unsigned int p = rnd() % 4; p; p--)
			b[n++] = prefixes[rnd() % sizeof(prefixes)];
		switch (rnd() % 8) {
		case 0: case 1: case 2: case 3:
			break;			/* one-byte map */
		case 4: case 5:
			b[n++] = 0x0f;
			break;
		case 6:
			b[n++] = 0x0f;
			b[n++] = rnd() & 1 ? 0x38 : 0x3a;
			break;
		case 7:
			b[n++] = (unsigned char[]){ 0xc4, 0xc5, 0x62,
						    0x8f }[rnd() % 4];
			break;
		}
		while (n < MAXLEN)
			b[n++] = (unsigned char)rnd();
	} while (unwanted(b, n));
	return n;
}

static unsigned long gen_rsp(void)
{
	unsigned long top = (unsigned long)STACK + 2 * 4096;

	switch (rnd() % 8) {
	case 0: return top - 8 * (rnd() % 64) - 1;	/* misaligned */
	case 1: return rnd();				/* anywhere */
	case 2: return rnd() & 0xffffffffUL;		/* 32-bit cut */
	case 3: return 0x800000000000UL + (rnd() & 0xffff); /* non-canon. */
	default: return top - 16 * (rnd() % 64);	/* fine */
	}
}

/* rdi -> registers, then jump to CODE with all of them loaded. */
void fuzz_enter(const struct fuzz_regs *r) __attribute__((noreturn));
__asm__(".text\n"
	".globl fuzz_enter\n"
	"fuzz_enter:\n\t"
	"pushq 112(%rdi)\n\t"
	"popfq\n\t"
	"movq 0(%rdi), %rax\n\t"
	"movq 8(%rdi), %rbx\n\t"
	"movq 16(%rdi), %rcx\n\t"
	"movq 24(%rdi), %rdx\n\t"
	"movq 32(%rdi), %rsi\n\t"
	"movq 40(%rdi), %rbp\n\t"
	"movq 48(%rdi), %r8\n\t"
	"movq 56(%rdi), %r9\n\t"
	"movq 64(%rdi), %r10\n\t"
	"movq 72(%rdi), %r11\n\t"
	"movq 80(%rdi), %r12\n\t"
	"movq 88(%rdi), %r13\n\t"
	"movq 96(%rdi), %r14\n\t"
	"movq 104(%rdi), %r15\n\t"
	"movq 120(%rdi), %rsp\n\t"
	"movq 128(%rdi), %rdi\n\t"
	"jmp *fuzz_target(%rip)\n");
unsigned long fuzz_target = (unsigned long)CODE;

static int out_fd;

static long raw_syscall3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ __volatile__("syscall" : "=a"(ret)
			     : "a"(nr), "D"(a), "S"(b), "d"(c)
			     : "rcx", "r11", "memory");
	return ret;
}

/* Runs on the alternate stack; uses no libc (FS may be anything now). */
__attribute__((no_stack_protector))
static void handler(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	struct record rec;
	unsigned long rip = uc->uc_mcontext.gregs[REG_RIP];

	rec.sig = sig;
	rec.code = si->si_code;
	rec.trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
	rec.err = uc->uc_mcontext.gregs[REG_ERR];
	rec.rip = rip;
	rec.addr = (unsigned long)si->si_addr;
	rec.op[0] = rec.op[1] = 0;
	if (rip >= (unsigned long)CODE && rip + 1 < (unsigned long)CODE + 4096) {
		rec.op[0] = ((unsigned char *)rip)[0];
		rec.op[1] = ((unsigned char *)rip)[1];
	}
	raw_syscall3(SYS_write, out_fd, (long)&rec, sizeof(rec));
	raw_syscall3(SYS_exit, 0, 0, 0);
}

__attribute__((no_stack_protector))
static int run_case(const unsigned char *insn, unsigned int len,
		    const struct fuzz_regs *regs, int fd)
{
	static unsigned char altstack[65536];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct itimerval it = { .it_value = { 0, 200000 } };
	struct sigaction sa;

	out_fd = fd;
	memset(CODE, 0xcc, 4096);
	memcpy(CODE, insn, len);
	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigfillset(&sa.sa_mask);
	for (int s = 1; s < 32; s++)
		if (s != SIGKILL && s != SIGSTOP && s != SIGVTALRM)
			sigaction(s, &sa, NULL);
	/* An endless loop ends by this (CPU time, so load does not matter). */
	setitimer(ITIMER_VIRTUAL, &it, NULL);
	/* FS and GS bases the same on every run (libc's TLS is not): after
	 * this, no libc, only raw system calls. */
	raw_syscall3(SYS_arch_prctl, ARCH_SET_GS, FIXED_GS_BASE, 0);
	raw_syscall3(SYS_arch_prctl, ARCH_SET_FS, FIXED_FS_BASE, 0);
	if (raw_syscall3(SYS_prctl, PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0))
		raw_syscall3(SYS_exit, 99, 0, 0);
	fuzz_enter(regs);
}

static void one(unsigned long seed, unsigned long i, int verbose)
{
	unsigned char insn[MAXLEN];
	struct fuzz_regs regs;
	struct record rec;
	unsigned long *r = (unsigned long *)&regs;
	unsigned int len;
	int fds[2], status;
	ssize_t got;
	pid_t pid;

	state = seed * 0x100000001b3UL + i;
	len = gen_insn(insn);
	for (unsigned int k = 0; k < sizeof(regs) / sizeof(long); k++)
		r[k] = rnd();
	/* Arithmetic flags and DF at random; never TF, IF stays on. */
	regs.rflags = 0x202 | (rnd() & 0x8d5) | (rnd() & 1 ? 0x400 : 0);
	regs.rsp = gen_rsp();
	if (verbose) {
		printf("case %lu/%lu:", seed, i);
		for (unsigned int k = 0; k < len; k++)
			printf(" %02x", insn[k]);
		printf("  rsp=%#lx\n", regs.rsp);
	}
	if (pipe(fds)) {
		perror("pipe");
		exit(2);
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		_exit(run_case(insn, len, &regs, fds[1]));
	}
	close(fds[1]);
	memset(&rec, 0, sizeof(rec));
	got = read(fds[0], &rec, sizeof(rec));
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (got != sizeof(rec)) {
		/* No record: killed (seccomp: SIGKILL; timer: SIGVTALRM). */
		printf("IF %lu end/%s\n", i, ut_status_str(status));
		return;
	}
	printf("IF %lu %d/%d/%ld/%#lx rip=", i, rec.sig, rec.code, rec.trapno,
	       (unsigned long)rec.err);
	if (rec.rip >= (unsigned long)CODE && rec.rip < (unsigned long)CODE + 8192)
		printf("+%lu", rec.rip - (unsigned long)CODE);
	else
		printf("%#lx", rec.rip);
	printf(" addr=%#lx op=%02x%02x\n", rec.addr, rec.op[0], rec.op[1]);
}

int main(int argc, char **argv)
{
	unsigned long seed = argc > 1 ? strtoul(argv[1], NULL, 0) : 1;
	unsigned long cases = argc > 2 ? strtoul(argv[2], NULL, 0) : 20000;
	int verbose = argc > 3;

	/*
	 * The same address-space layout on every run: a random address a
	 * case jumps to or reads may otherwise land in the heap or stack of
	 * one boot and not of another (ASLR), and the records would differ.
	 */
	if (!(personality(0xffffffff) & ADDR_NO_RANDOMIZE)) {
		personality(ADDR_NO_RANDOMIZE);
		execv("/proc/self/exe", argv);
		ut_fail("run", "re-exec without ASLR: %s", strerror(errno));
		return 1;
	}

	if (mmap(CODE, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != CODE ||
	    mmap(STACK, 8192, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != STACK) {
		perror("mmap");
		return 2;
	}
	/* Without seccomp every child would exit 99 and nothing would be
	 * fuzzed: say so and fail, rather than print 'records'. */
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0) {
		ut_fail("run", "seccomp is not available (kernel without "
			"CONFIG_SECCOMP?): %s", strerror(errno));
		return 1;
	}
	printf("INSNFUZZ seed=%lu cases=%lu\n", seed, cases);
	for (unsigned long i = 0; i < cases; i++)
		one(seed, i, verbose);
	ut_pass("run", "seed %lu, %lu cases", seed, cases);
	printf("INSNFUZZ DONE seed=%lu cases=%lu\n", seed, cases);
	return ut_status();
}
