// SPDX-License-Identifier: GPL-2.0
/*
 * modify_ldt(2): a process's own segments, as runtimes that use segments
 * (Wine, old threading libraries, emulators) install them.  The
 * kernel writes the LDT and hands it to the hypervisor (MMUEXT_SET_LDT);
 * the CPU must then load the process's LDT selectors and the hypervisor
 * must keep them: in FS and GS (GS through set_segment_base), DS and ES,
 * SS, CS (a far return and jump into a 32-bit code segment), across
 * context switches on both CPUs and across a signal handler, as natively.
 * An entry that is not present loaded gives SIGBUS (#NP), one removed
 * gives SIGSEGV (#GP), as natively.
 *
 * A 16-bit segment is refused by the kernel itself in a PV guest, Xen or
 * Veneer alike (Linux's allow_16bit_segments(): no ESPFIX64, so an iret
 * to a 16-bit stack would leak the top of the kernel's stack pointer):
 * modify_ldt must say EINVAL, and %fs gets a byte-granular 32-bit data
 * segment of 64 KiB instead.
 *
 * While %fs holds an LDT selector its base is the segment's, not the C
 * library's thread pointer: between segs_on() and segs_off() only raw
 * system calls (raw3()) are made, and segs_off() puts the base back.
 */
#include "ut.h"

#include <asm/ldt.h>
#include <asm/prctl.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <sys/wait.h>
#include <unistd.h>

const char ut_program[] = "modify_ldt";

#define SEL(i)		(((i) << 3) | 7)	/* LDT entry i, RPL 3 */
#define E_DATA16	0	/* byte granular, 64 KiB (but 32-bit) */
#define E_DATA32	1
#define E_FLAT32	2	/* flat, 32-bit, writable: for SS, DS, ES */
#define E_CODE32	3
#define E_NOTPRESENT	4
#define E_REMOVED	5

#define MAGIC16		0x1616161616161616UL
#define MAGIC32		0x3232323232323232UL

/* The two data segments' contents, below 4 GiB (a descriptor's base has
 * 32 bits). */
static volatile uint64_t *buf16, *buf32;

static int set_entry(unsigned int entry, unsigned long base,
		     unsigned int limit, int seg32, int contents,
		     int pages, int not_present)
{
	struct user_desc d;

	memset(&d, 0, sizeof(d));
	d.entry_number = entry;
	d.base_addr = (unsigned int)base;
	d.limit = limit;
	d.seg_32bit = seg32;
	d.contents = contents;
	d.limit_in_pages = pages;
	d.seg_not_present = not_present;
	d.useable = 1;
	return (int)syscall(SYS_modify_ldt, 0x11, &d, sizeof(d));
}

/*
 * modify_ldt(2) returns an int: the kernel gives -errno in the low 32
 * bits of %rax only, which syscall(2) does not take for an error.  So
 * set_entry() and clear_entry() return 0 or -errno.
 */

/* modify_ldt's "empty" descriptor: the entry becomes all zero. */
static int clear_entry(unsigned int entry)
{
	struct user_desc d;

	memset(&d, 0, sizeof(d));
	d.entry_number = entry;
	d.read_exec_only = 1;
	d.seg_not_present = 1;
	return (int)syscall(SYS_modify_ldt, 0x11, &d, sizeof(d));
}

static long raw3(long nr, long a, long b, long c)
{
	long rc;

	__asm__ __volatile__("syscall" : "=a"(rc)
			     : "0"(nr), "D"(a), "S"(b), "d"(c)
			     : "rcx", "r11", "memory");
	return rc;
}

#define GET_SEG(seg) ({ unsigned short _s; \
	__asm__ __volatile__("movw %%" seg ", %0" : "=r"(_s)); _s; })
#define SET_SEG(seg, v) \
	__asm__ __volatile__("movw %w0, %%" seg : : "r"((unsigned short)(v)) \
			     : "memory")

static uint64_t read_fs0(void)
{
	uint64_t v;

	__asm__ __volatile__("movq %%fs:0, %0" : "=r"(v));
	return v;
}

static uint64_t read_gs0(void)
{
	uint64_t v;

	__asm__ __volatile__("movq %%gs:0, %0" : "=r"(v));
	return v;
}

/* What the process's segments should be; 0 if they are, else a code. */
static int check_segs(void)
{
	if (GET_SEG("fs") != SEL(E_DATA16))
		return 1;
	if (GET_SEG("gs") != SEL(E_DATA32))
		return 2;
	if (GET_SEG("ds") != SEL(E_FLAT32))
		return 3;
	if (GET_SEG("es") != SEL(E_FLAT32))
		return 4;
	if (read_fs0() != MAGIC16)
		return 5;
	if (read_gs0() != MAGIC32)
		return 6;
	return 0;
}

static unsigned long tls_base;

/* Load the LDT selectors; the C library's TLS is out of reach after. */
static void segs_on(void)
{
	raw3(SYS_arch_prctl, ARCH_GET_FS, (long)&tls_base, 0);
	SET_SEG("fs", SEL(E_DATA16));
	SET_SEG("gs", SEL(E_DATA32));
	SET_SEG("ds", SEL(E_FLAT32));
	SET_SEG("es", SEL(E_FLAT32));
}

/* Null selectors, as the process started, and its TLS base back. */
static void segs_off(void)
{
	SET_SEG("ds", 0);
	SET_SEG("es", 0);
	SET_SEG("gs", 0);
	SET_SEG("fs", 0);
	raw3(SYS_arch_prctl, ARCH_SET_FS, (long)tls_base, 0);
}

static void case_data(void)
{
	int r;

	segs_on();
	r = check_segs();
	segs_off();
	if (r)
		ut_fail("data", "check %d: fs %#x gs %#x", r, SEL(E_DATA16),
			SEL(E_DATA32));
	else
		ut_pass("data", "64 KiB data in %%fs (%#x), 4 GiB data in %%gs "
			"(%#x), flat data in %%ds/%%es (%#x): loaded and read",
			SEL(E_DATA16), SEL(E_DATA32), SEL(E_FLAT32));
}

/* SS: loaded, used by push and pop, read back, put back. */
static void case_ss(void)
{
	unsigned short ss = GET_SEG("ss"), got;
	uint64_t popped;

	__asm__ __volatile__("movw %w2, %%ss\n\t"
			     "pushq $0x5a5a\n\t"
			     "popq %0\n\t"
			     "movw %%ss, %1\n\t"
			     "movw %w3, %%ss"
			     : "=&r"(popped), "=&r"(got)
			     : "r"((unsigned short)SEL(E_FLAT32)), "r"(ss)
			     : "memory");
	if (got == SEL(E_FLAT32) && popped == 0x5a5a)
		ut_pass("ss", "%%ss = %#x: push and pop through it", got);
	else
		ut_fail("ss", "%%ss read %#x, popped %#lx", got,
			(unsigned long)popped);
}

/* Selectors kept across many switches, the process moving between
 * CPUs, while a forked sibling (same LDT, copied) does the same. */
static int switch_loop(void *unused)
{
	unsigned long mask;
	int r = 0;

	(void)unused;
	segs_on();
	for (int i = 0; i < 400 && !r; i++) {
		mask = 1UL << (i & 1);	/* refused with one CPU: fine */
		raw3(SYS_sched_setaffinity, 0, sizeof(mask), (long)&mask);
		raw3(SYS_sched_yield, 0, 0, 0);
		r = check_segs();
	}
	segs_off();
	return r;
}

static void case_switches(void)
{
	pid_t sib;
	int st, r;

	fflush(stdout);
	sib = fork();
	if (sib == 0)
		_exit(switch_loop(NULL));
	r = switch_loop(NULL);
	if (waitpid(sib, &st, 0) != sib)
		st = -1;
	if (!r && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		ut_pass("switches", "400 yields on alternating CPUs in two "
			"processes: fs/gs/ds/es and their bases kept");
	else
		ut_fail("switches", "parent check %d, sibling %s", r,
			ut_status_str(st));
}

static volatile int handler_ok = -1;

static void on_usr1(int sig)
{
	(void)sig;
	handler_ok = check_segs();
}

static void case_signal(void)
{
	int r;

	signal(SIGUSR1, on_usr1);
	segs_on();
	raw3(SYS_kill, raw3(SYS_getpid, 0, 0, 0), SIGUSR1, 0);
	r = check_segs();
	segs_off();
	signal(SIGUSR1, SIG_DFL);
	if (!r && handler_ok == 0)
		ut_pass("signal", "selectors and bases the same in the handler "
			"and after sigreturn");
	else
		ut_fail("signal", "handler check %d, after %d", handler_ok, r);
}

/*
 * Into the 32-bit code segment with a far return, set %eax there, and
 * back to 64-bit code with a far jump through memory; no stack in
 * between (ours is above 4 GiB).  The text and back_ptr are below 4 GiB
 * in a static binary.
 */
struct far32 {
	uint32_t off;
	uint16_t sel;
} __attribute__((packed));
struct far32 back_ptr;
extern char code32_entry[], code64_back[];

__asm__(".pushsection .text\n"
	".code32\n"
	"code32_entry:\n\t"
	"movl $0x32323232, %eax\n\t"
	"movw %cs, %dx\n\t"
	"ljmp *%cs:back_ptr\n"
	".code64\n"
	".popsection");

/*
 * The upper halves of the general registers are undefined after a
 * stretch in compatibility mode (SDM vol. 1, 3.4.1.1): an interrupt
 * there whose iret reloads a 32-bit stack segment truncates RSP to 32
 * bits (QEMU's TCG does; so may hardware).  So RSP and RBP are kept in
 * memory across the 32-bit code and every other register is clobbered.
 */
static uint64_t saved_rsp, saved_rbp;

static int run_code32(void *unused)
{
	uint64_t eax;
	uint16_t cs_there;

	(void)unused;
	back_ptr.off = (uint32_t)(uintptr_t)code64_back;
	back_ptr.sel = GET_SEG("cs");
	__asm__ __volatile__("movq %%rsp, %[sp]\n\t"
			     "movq %%rbp, %[bp]\n\t"
			     "pushq %[sel]\n\t"
			     "pushq %[entry]\n\t"
			     "lretq\n"
			     "code64_back:\n\t"
			     "movq %[sp], %%rsp\n\t"
			     "movq %[bp], %%rbp"
			     : "=a"(eax), "=d"(cs_there),
			       [sp] "+m"(saved_rsp), [bp] "+m"(saved_rbp)
			     : [sel] "i"(SEL(E_CODE32)),
			       [entry] "c"((uint64_t)(uintptr_t)code32_entry)
			     : "rbx", "rsi", "rdi", "r8", "r9", "r10", "r11",
			       "r12", "r13", "r14", "r15", "memory", "cc");
	if ((uint32_t)eax != 0x32323232)
		return 1;
	if (cs_there != SEL(E_CODE32))
		return 2;
	return 0;
}

static void case_code32(void)
{
	int st;

	if ((uintptr_t)code32_entry >> 32 || (uintptr_t)&back_ptr >> 32) {
		ut_fail("code32", "text or data above 4 GiB (%p, %p)",
			(void *)code32_entry, (void *)&back_ptr);
		return;
	}
	st = ut_child(run_code32, NULL, 10);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		ut_pass("code32", "lret to 32-bit LDT code %#x, ljmp back",
			SEL(E_CODE32));
	else
		ut_fail("code32", "child %s", ut_status_str(st));
}

/*
 * The child's fault, caught (an unhandled one would make the kernel log
 * it, which the runner takes for trouble): exit 100 + trap number for
 * SIGBUS, 200 + trap number for SIGSEGV.
 */
static void on_fault(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;

	(void)si;
	_exit((sig == SIGBUS ? 100 : sig == SIGSEGV ? 200 : 0) +
	      (int)uc->uc_mcontext.gregs[REG_TRAPNO]);
}

static int load_gs_child(void *sel)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	SET_SEG("gs", (uintptr_t)sel);
	SET_SEG("gs", 0);
	return 0;		/* loaded: wrong */
}

static void case_fault(const char *tcase, unsigned int entry, int want_sig,
		       int want_trap)
{
	int st = ut_child(load_gs_child, (void *)(uintptr_t)SEL(entry), 10);
	int want = (want_sig == SIGBUS ? 100 : 200) + want_trap;

	if (WIFEXITED(st) && WEXITSTATUS(st) == want)
		ut_pass(tcase, "%%gs = %#x: %s, trap %d", SEL(entry),
			strsignal(want_sig), want_trap);
	else
		ut_fail(tcase, "%%gs = %#x: %s, want exit %d (%s, trap %d)",
			SEL(entry), ut_status_str(st), want,
			strsignal(want_sig), want_trap);
}

int main(void)
{
	int r;
	void *low = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (low == MAP_FAILED) {
		ut_fail("setup", "mmap MAP_32BIT: %s", strerror(errno));
		return ut_status();
	}
	r = set_entry(E_DATA16, 0, 0xffff, 0, 0, 0, 0);
	if (r == -EINVAL)
		ut_pass("seg16_refused", "a 16-bit data segment: EINVAL, as "
			"Linux does in any PV guest");
	else
		ut_fail("seg16_refused", "a 16-bit data segment: %d", r);
	buf16 = low;
	buf32 = (uint64_t *)((char *)low + 4096);
	*buf16 = MAGIC16;
	*buf32 = MAGIC32;
	if (set_entry(E_DATA16, (uintptr_t)buf16, 0xffff, 1, 0, 0, 0) ||
	    set_entry(E_DATA32, (uintptr_t)buf32, 0xfffff, 1, 0, 1, 0) ||
	    set_entry(E_FLAT32, 0, 0xfffff, 1, 0, 1, 0) ||
	    set_entry(E_CODE32, 0, 0xfffff, 1, MODIFY_LDT_CONTENTS_CODE, 1, 0) ||
	    set_entry(E_NOTPRESENT, 0, 0xfffff, 1, 0, 1, 1) ||
	    set_entry(E_REMOVED, 0, 0xfffff, 1, 0, 1, 0) ||
	    clear_entry(E_REMOVED)) {
		ut_fail("setup", "modify_ldt refused an entry");
		return ut_status();
	}
	case_data();
	case_ss();
	case_switches();
	case_signal();
	case_code32();
	case_fault("not_present", E_NOTPRESENT, SIGBUS, 11);
	case_fault("removed", E_REMOVED, SIGSEGV, 13);
	case_fault("beyond_ldt", 200, SIGSEGV, 13);
	return ut_status();
}
