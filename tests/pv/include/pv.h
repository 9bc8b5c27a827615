/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PV test-kernel framework: what a test kernel can use.
 *
 * A test kernel is one C file that defines test_main().  The framework
 * (lib/) boots it: head.S takes start_info in %rsi, sets up a stack and
 * calls pv_start(), which maps shared_info, installs the trap table and
 * the event/failsafe/syscall callbacks, then runs test_main().  When
 * test_main() returns the framework prints "Test result: SUCCESS" and
 * powers off; any failed check prints "Test result: FAILURE <why>" and
 * shuts down with reason crash (see docs/pv-tests.md).
 */
#ifndef PV_H
#define PV_H

#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>
#include <veneer/xen.h>
#include "hypercall.h"

#define PAGE_SIZE	4096UL
#define VIRT_BASE	0xffffffff80000000UL

#define _PAGE_PRESENT	0x001UL
#define _PAGE_RW	0x002UL
#define _PAGE_USER	0x004UL
#define _PAGE_ACCESSED	0x020UL
#define _PAGE_DIRTY	0x040UL

#define X86_EFLAGS_CF	0x00000001UL
#define X86_EFLAGS_TF	0x00000100UL
#define X86_EFLAGS_IF	0x00000200UL
#define X86_EFLAGS_DF	0x00000400UL
#define X86_EFLAGS_AC	0x00040000UL

/* Our own vector numbers for the callbacks, above the 256 real ones. */
#define VEC_SYSCALL	256
#define VEC_EVENT	257
#define VEC_FAILSAFE	258
#define NR_VECS		259

/* Set by the framework before test_main() runs. */
extern struct start_info *start_info;
extern struct shared_info *shared_info;
extern const char test_name[];

void test_main(void);

/* Console: everything goes through console_io(CONSOLEIO_write). */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* System time in ns, from vCPU 0's pvclock record and the TSC
 * (lib/time.c). */
uint64_t pv_now(void);

/* Ending the test. */
void pass(void) __attribute__((noreturn));
void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void shutdown(unsigned int reason) __attribute__((noreturn));

/* Checks: each failed check ends the test with its file:line and values. */
#define check(cond)							\
	do {								\
		if (!(cond))						\
			fail("%s:%d: check failed: %s", __FILE__,	\
			     __LINE__, #cond);				\
	} while (0)

#define check_eq(a, b)							\
	do {								\
		unsigned long _a = (unsigned long)(a);			\
		unsigned long _b = (unsigned long)(b);			\
		if (_a != _b)						\
			fail("%s:%d: %s == %s: got 0x%lx, want 0x%lx",	\
			     __FILE__, __LINE__, #a, #b, _a, _b);	\
	} while (0)

/* A hypercall result: print it, then compare. */
#define check_rc(call, want)						\
	do {								\
		long _rc = (call);					\
		printk("  %s = %ld\n", #call, _rc);			\
		if (_rc != (long)(want))				\
			fail("%s:%d: %s returned %ld, want %ld",	\
			     __FILE__, __LINE__, #call, _rc,		\
			     (long)(want));				\
	} while (0)

void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);

/* Frames and page tables. */
static inline unsigned long virt_to_pfn(const void *va)
{
	return ((unsigned long)va - VIRT_BASE) >> 12;
}

static inline uint64_t virt_to_mfn(const void *va)
{
	return ((uint64_t *)start_info->mfn_list)[virt_to_pfn(va)];
}

/* The machine frame of our top-level page table (what CR3 holds). */
static inline uint64_t kernel_l4_mfn(void)
{
	return virt_to_mfn((const void *)start_info->pt_base);
}

/* Fill @ctx to start a vCPU in kernel mode at @fn, on @stack (@size
 * bytes), on our page tables, events on (lib/vcpu.c). */
struct vcpu_guest_context;
void kernel_vcpu_context(struct vcpu_guest_context *ctx, void (*fn)(void),
			 void *stack, size_t size);

/* Make one page of the image read-only (needed before pinning it). */
void make_page_readonly(void *va);

/* --- traps ------------------------------------------------------------ */

/*
 * Registers saved by the common trap entry (lib/entry.S), lowest address
 * first, followed by the iret context the exit path hands to
 * HYPERVISOR_iret and the bounce frame the hypervisor wrote.
 */
struct trap_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	struct iret_context ctx;
	uint64_t vector;
	uint64_t frame[];	/* rcx, r11, [error code], rip, cs, ... */
};

/* The bounce frame, decoded (error_code only if has_error_code). */
struct bounce {
	uint64_t rcx, r11;
	int has_error_code;
	uint64_t error_code;
	uint64_t rip, cs, rflags, rsp, ss;
	uint64_t frame_addr;	/* where the frame's rcx word was */
	uint64_t iret_flags;	/* iret_context.flags for the return */
};

/* A test's handler for one vector; it may change b (rip...) and r. */
typedef void (*trap_handler_t)(struct trap_regs *r, struct bounce *b);

void set_handler(unsigned int vec, trap_handler_t h);
/* Install (or change) trap-table entry `vec` with this DPL and flags. */
long set_trap(unsigned int vec, unsigned int dpl, int mask_events);
int vector_has_error_code(unsigned int vec);

/*
 * Probes: run one instruction that should trap, catch the trap, resume
 * after the probe.  probe_arm(v) expects vector v; PROBE() runs the
 * instruction at label 1 and resumes at label 2; probe_rec says what
 * arrived.
 */
struct probe_record {
	unsigned int expected;
	unsigned int count;	/* traps of the expected vector taken */
	unsigned int vector;
	struct bounce b;
	uint64_t cr2;		/* vcpu_info.arch.cr2 at delivery */
	uint8_t upcall_mask;	/* vcpu_info.evtchn_upcall_mask at delivery */
	uint64_t fault_rip;	/* label 1 of the probe */
	uint64_t resume_rip;	/* label 2 of the probe */
	uint64_t rsp;		/* %rsp just before label 1 */
};
extern struct probe_record probe_rec;

void probe_arm(unsigned int vector);
/* The handler probe_arm() installs, for a second acceptable vector. */
void probe_catch(struct trap_regs *r, struct bounce *b);

#define PROBE_PRE(pre, insn, ...)					\
	asm volatile("movq $1f, probe_rec+%c[frip](%%rip)\n\t"		\
		     "movq $2f, probe_rec+%c[rrip](%%rip)\n\t"		\
		     "movq %%rsp, probe_rec+%c[rsp](%%rip)\n\t"		\
		     pre "\n\t"						\
		     "1: " insn "\n\t"					\
		     "2:\n\t"						\
		     : : [frip] "i"(offsetof(struct probe_record, fault_rip)), \
		       [rrip] "i"(offsetof(struct probe_record, resume_rip)), \
		       [rsp] "i"(offsetof(struct probe_record, rsp))	\
		       __VA_ARGS__ : "memory", "rcx")

#define PROBE(insn, ...) PROBE_PRE("", insn, ##__VA_ARGS__)

/* Check the common parts of a kernel-mode exception frame. */
void check_kernel_frame(unsigned int vector, int want_err, uint64_t err,
			uint64_t rip);

static inline struct vcpu_info *vcpu0(void)
{
	return &shared_info->vcpu_info[0];
}

/* --- user mode ------------------------------------------------------- */

/* Alias of the kernel image mapped only in the user L4 (slot 1). */
#define USER_ALIAS_BASE	0x0000008000000000UL
#define USER_ALIAS(p)	((unsigned long)(p) - VIRT_BASE + USER_ALIAS_BASE + \
			 (510UL << 30))

/* Build and pin a user L4 and register it with NEW_USER_BASEPTR. */
void user_setup(void);

/* Register values handed to user mode (or seen on return). */
struct gprs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

/*
 * Enter user mode at `rip` through HYPERVISOR_iret with these registers
 * and iret flags; returns when a syscall handler calls user_return().
 */
void user_run(uint64_t rip, const struct gprs *regs, uint64_t iret_flags);
/* From a trap handler: make the iret go back to user_run()'s caller. */
void user_return(struct trap_regs *r, struct bounce *b);

extern char entry_stack_top[];

#endif /* PV_H */
