// SPDX-License-Identifier: GPL-2.0
/*
 * The IDT, and what happens after entry.S has saved the registers.
 *
 * All 256 vectors, and the guest's `syscall` (entry.S), lead to
 * do_entry().  Vectors 0-31 are CPU exceptions.  Raised by a guest (CS
 * RPL 3) they go to pv/traps.c, which emulates the few instructions a PV
 * kernel may trap on and bounces everything else to the guest's own
 * handler.  Raised by the hypervisor they are fatal (name, error code,
 * registers, backtrace, event rings via panic_regs()), except a fault
 * at an instruction listed in the exception table (fixup_vector()): a
 * guest-memory copy hitting a bad guest pointer (usercopy.c), or a
 * segment load of a guest selector (context.c, pv/descriptor-tables.c),
 * which resumes at its fixup.  Vectors 32 and up are interrupts, dispatched
 * through irq_handlers[] (timer, IPIs, APIC error, spurious); an
 * interrupt nobody registered is reported, not swallowed.  Whatever the
 * entry, a return to the guest passes pv_return_to_guest() last, which
 * delivers a pending event upcall.
 *
 * Gates 3 (#BP) and 4 (#OF) have DPL 3, so that a guest's int3 arrives
 * as #BP, as on hardware; every other `int $n` from ring 3 raises #GP and
 * is decoded in pv/emul-priv-op.c.
 *
 * Double fault, NMI and machine check run on their own IST stacks (see
 * desc.c), so even a stack overflow produces a report.  NMI and machine
 * check can land on any instruction, the first of syscall_entry
 * included, where CS is ours but GS base the guest's: their entry sets
 * our GS base from the word above the IST stack and puts back what it
 * found (entry.S, nmi_mce_entry), and both are fatal (do_nmi_mce()).  So does #DB,
 * for a different reason: a guest's breakpoints stay armed while we run
 * (pv/debugreg.c), so a guest can raise #DB in ring 0, even on a guest
 * stack with the guest's GS base (entry.S says how, and how db_entry
 * copes).  do_debug_hypervisor() takes those: each is a trap after one of
 * our accesses to guest memory, or a `mov ss` #DB on the first
 * instruction of an entry; it is noted and dropped, and the interrupted
 * instruction goes on, as Xen 4.17 drops a #DB in its own context.
 */
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/log.h>
#include <hv/pv.h>
#include <hv/panic.h>
#include <hv/smp.h>
#include <hv/symbols.h>
#include <hv/trace.h>

#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/entry-stubs.h>
#include <asm/processor.h>
#include <asm/regs.h>
#include <asm/setup.h>

struct idt_gate {
	u16 off_lo;
	u16 selector;
	u8 ist;
	u8 type;		/* present, DPL, gate type */
	u16 off_mid;
	u32 off_hi;
	u32 reserved;
} __packed;

struct desc_ptr {
	u16 limit;
	u64 base;
} __packed;

#define GATE_INTERRUPT	0x8e	/* present, DPL 0, 64-bit interrupt gate */
#define GATE_DPL3	0x60

#define MSR_STAR	0xc0000081
#define MSR_LSTAR	0xc0000082
#define MSR_CSTAR	0xc0000083
#define MSR_SFMASK	0xc0000084
#define EFER_SCE	(1UL << 0)
/* Flags syscall clears on entry: TF, IF, DF, IOPL, NT, AC. */
#define SYSCALL_FMASK	0x47700UL

_Static_assert(__builtin_offsetof(struct percpu, scratch) == PERCPU_SCRATCH,
	       "entry.S per-CPU offsets");
_Static_assert(__builtin_offsetof(struct percpu, stack_hi) == PERCPU_STACK_HI,
	       "entry.S per-CPU offsets");

extern char syscall_entry[], syscall32_entry[], guest_iretq[];

static struct idt_gate idt[256] __aligned(16);
static irq_handler_t irq_handlers[256];

static const char *const exception_name[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"bound range exceeded", "invalid opcode", "device not available",
	"double fault", "coprocessor segment overrun", "invalid TSS",
	"segment not present", "stack-segment fault", "general protection",
	"page fault", "reserved", "x87 floating point", "alignment check",
	"machine check", "SIMD floating point", "virtualization",
	"control protection", "reserved", "reserved", "reserved", "reserved",
	"reserved", "reserved", "hypervisor injection", "VMM communication",
	"security", "reserved",
};

static void set_gate(unsigned int vec, unsigned long addr, unsigned int ist)
{
	struct idt_gate *g = &idt[vec];

	g->off_lo = addr & 0xffff;
	g->selector = HYPERVISOR_CS;
	g->ist = ist;
	g->type = GATE_INTERRUPT;
	g->off_mid = (addr >> 16) & 0xffff;
	g->off_hi = addr >> 32;
	g->reserved = 0;
}

/**
 * traps_init() - fill the IDT: every vector to its entry stub
 */
void traps_init(void)
{
	for (unsigned int v = 0; v < 256; v++) {
		unsigned int ist = v == 8 ? 1 : v == 2 ? 2 : v == 18 ? 3 :
				   v == 1 ? 4 : 0;

		set_gate(v, entry_stub(v), ist);
		if (v == 3 || v == 4)
			idt[v].type |= GATE_DPL3;
	}
}

/**
 * syscall_init_cpu() - route `syscall` on the running CPU to entry.S
 *
 * STAR gives the hypervisor's selectors for entry (0xe008/0xe010) and the
 * flat ring-3 ones for sysret (0xe023 + 16 = 0xe033, + 8 = 0xe02b).
 */
void syscall_init_cpu(void)
{
	wrmsr(MSR_STAR, ((u64)(FLAT_RING3_CS32 & ~3) << 48) |
	      ((u64)HYPERVISOR_CS << 32));
	wrmsr(MSR_LSTAR, (u64)syscall_entry);
	wrmsr(MSR_CSTAR, (u64)syscall32_entry);
	wrmsr(MSR_SFMASK, SYSCALL_FMASK);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

/**
 * idt_load() - load the shared IDT on the running CPU
 */
void idt_load(void)
{
	struct desc_ptr p = { sizeof(idt) - 1, (u64)idt };

	__asm__ __volatile__("lidt %0" : : "m"(p));
}

/**
 * set_irq_handler() - route an interrupt vector to a function
 * @vector: 32-255
 * @fn:     called in interrupt context; the EOI is sent after it returns
 */
void set_irq_handler(unsigned int vector, irq_handler_t fn)
{
	ASSERT(vector >= 32 && vector < 256);
	irq_handlers[vector] = fn;
}

/**
 * dump_regs() - print a register frame with control registers
 * @r: the frame
 */
void dump_regs(const struct cpu_regs *r)
{
	printk("CPU:    %u\n", smp_processor_id());
	print_symbol("RIP:    ", r->rip);
	printk("CS:     %04llx  RFLAGS: %016llx  SS: %04llx\n",
	       (unsigned long long)r->cs, (unsigned long long)r->rflags,
	       (unsigned long long)r->ss);
	printk("rax: %016llx  rbx: %016llx  rcx: %016llx\n",
	       (unsigned long long)r->rax, (unsigned long long)r->rbx,
	       (unsigned long long)r->rcx);
	printk("rdx: %016llx  rsi: %016llx  rdi: %016llx\n",
	       (unsigned long long)r->rdx, (unsigned long long)r->rsi,
	       (unsigned long long)r->rdi);
	printk("rbp: %016llx  rsp: %016llx  r8:  %016llx\n",
	       (unsigned long long)r->rbp, (unsigned long long)r->rsp,
	       (unsigned long long)r->r8);
	printk("r9:  %016llx  r10: %016llx  r11: %016llx\n",
	       (unsigned long long)r->r9, (unsigned long long)r->r10,
	       (unsigned long long)r->r11);
	printk("r12: %016llx  r13: %016llx  r14: %016llx\n",
	       (unsigned long long)r->r12, (unsigned long long)r->r13,
	       (unsigned long long)r->r14);
	printk("r15: %016llx  vector: %llu  error code: %#llx\n",
	       (unsigned long long)r->r15, (unsigned long long)r->vector,
	       (unsigned long long)r->error_code);
	printk("cr0: %016lx  cr2: %016lx  cr3: %016lx  cr4: %016lx\n",
	       read_cr0(), read_cr2(), read_cr3(), read_cr4());
}

static void __noreturn fatal_trap(const struct cpu_regs *r)
{
	unsigned long v = r->vector;

	if (v == 14) {
		unsigned long e = r->error_code;

		panic_regs(r, "FATAL TRAP: vector 14 (page fault) at %#lx: "
			   "%s %s%s, error code %#lx", read_cr2(),
			   e & 2 ? "write" : e & 16 ? "instruction fetch" : "read",
			   e & 1 ? "protection violation" : "not-present page",
			   e & 4 ? " from user mode" : "", e);
	}
	panic_regs(r, "FATAL TRAP: vector %lu (%s), error code %#lx", v,
		   exception_name[v], (unsigned long)r->error_code);
}

/*
 * The exceptions an instruction of the exception table may raise in ring
 * 0: a guest-memory copy (#PF, and #GP for a non-canonical pointer), a
 * segment load from a guest selector or descriptor (#GP for a bad type,
 * limit or privilege, #NP for a not-present descriptor, #SS for a
 * not-present stack segment, #PF for an unmapped page of the GDT
 * window).  #AC is not among them: alignment is checked only at CPL 3.
 * Any other exception at such an instruction is a hypervisor bug.
 */
static bool fixup_vector(unsigned long v)
{
	return v == 11 || v == 12 || v == 13 || v == 14;
}

/* The guest context a faulting guest_iretq could not load, per CPU. */
static struct cpu_regs iret_fault_regs[MAX_CPUS];

static void __noreturn deliver_iret_fault(void)
{
	struct cpu_regs *g = guest_regs();

	*g = iret_fault_regs[smp_processor_id()];
	pv_inject_exception(current_vcpu(), g, g->vector, g->error_code);
	pv_return_to_guest(g);
	enter_guest(g);
}

/*
 * Our iretq to the guest faulted (#NP, #SS, #GP: a selector of an LDT
 * that another vCPU rewrote after it was checked).  The GPRs in @r are
 * the guest's (restore_all popped them) and the iret frame is at r->rsp,
 * on our stack: the fault goes to the guest at the context it could not
 * load, as Xen does, on a fresh stack (ours overlaps guest_regs()).
 */
static void __noreturn iret_fault_to_guest(struct cpu_regs *r)
{
	struct cpu_regs *g = &iret_fault_regs[smp_processor_id()];
	const u64 *f = (const u64 *)r->rsp;
	static bool logged;

	if (!logged) {
		logged = true;
		log_info("iretq to the guest faulted (vector %lu, error code "
			 "%#lx): delivered to the guest (logged once)",
			 (unsigned long)r->vector,
			 (unsigned long)r->error_code);
	}
	*g = *r;
	g->rip = f[0];
	g->cs = f[1];
	g->rflags = f[2];
	g->rsp = f[3];
	g->ss = f[4];
	reset_stack_and_call((unsigned long)guest_regs() - 16,
			     deliver_iret_fault);
}

#define DR6_B0_B3	0xfUL
#define DR6_BD		(1UL << 13)
#define DR6_BS		(1UL << 14)
#define DR6_DEFAULT_HW	0xffff0ff0UL
#define X86_EFLAGS_TF	(1UL << 8)

/**
 * do_debug_hypervisor() - a #DB raised while the hypervisor ran (entry.S)
 * @r: the interrupted ring-0 context, on the #DB IST stack
 *
 * GS base is ours (entry.S made sure), interrupts are off, and the stack
 * is this CPU's #DB stack, so nothing here may block or touch guest
 * memory.  The guest armed what fired: a data breakpoint on a guest
 * address we read or wrote (a trap: the access is done, rip is past it),
 * or a single step or breakpoint held back by `mov ss` until the first
 * instruction of our entry.  An instruction breakpoint cannot match our
 * code (set_debugreg refuses hypervisor addresses) and GD is never set
 * (set_debugreg refuses it): either would be a fault that repeats
 * forever, so it is fatal.  TF cannot be set in ring 0 (the gates and
 * SFMASK clear it); if it were, it is cleared.  DR6 is reset for the
 * next #DB; the event is not the guest's to see, as on Xen 4.17.
 */
static struct db_note {
	unsigned long rip, dr6;
} db_note[MAX_CPUS];

/*
 * A #DB on the first instruction of the #DB stub itself: `mov ss` held a
 * data breakpoint or single step back across a guest's `int1` (icebp),
 * whose own #DB went through the same IST gate, so the CPU wrote this
 * frame over the guest's (both read the same TSS slot, with no
 * instruction between).  The guest's context is gone and returning
 * would re-enter the stub for ever with interrupts off: the guest that
 * did it crashes, on a fresh stack.  (Hardware only: TCG makes `int1`
 * a #UD.)
 */
static void crash_after_nested_db(void)
{
	struct vcpu *v = current_vcpu();

	domain_crash(v->domain, "#DB held back by mov ss onto the #DB entry "
		     "(int1): the guest's frame was overwritten");
}

void do_debug_hypervisor(struct cpu_regs *r)
{
	unsigned long dr6, dr7;

	__asm__ __volatile__("mov %%dr6, %0" : "=r"(dr6));
	__asm__ __volatile__("mov %%dr7, %0" : "=r"(dr7));
	__asm__ __volatile__("mov %0, %%dr6" : : "r"(DR6_DEFAULT_HW));
	if (r->rip == entry_stub(1) &&	/* #DB's own stub */
	    current_vcpu() && current_vcpu()->domain) {
		__asm__ __volatile__("mov %0, %%dr7" : : "r"(0UL));
		reset_stack_and_call((unsigned long)guest_regs() - 16,
				     crash_after_nested_db);
	}
	if (dr6 & DR6_BD)
		panic_regs(r, "#DB in the hypervisor: general detect "
			   "(dr6 %#lx, dr7 %#lx)", dr6, dr7);
	for (unsigned int bp = 0; bp < 4; bp++) {
		bool hit = dr6 & (1UL << bp);
		bool on = dr7 & (3UL << (2 * bp));
		bool exec = !((dr7 >> (16 + 4 * bp)) & 3);

		if (hit && on && exec)
			panic_regs(r, "#DB in the hypervisor: instruction "
				   "breakpoint %u (dr6 %#lx, dr7 %#lx)", bp,
				   dr6, dr7);
	}
	if (r->rflags & X86_EFLAGS_TF) {
		log_err("#DB in the hypervisor with TF set at %#lx: "
			"TF cleared", (unsigned long)r->rip);
		r->rflags &= ~X86_EFLAGS_TF;
	}
	trace_event(TRACE_TRAP, 1, r->rip);
	/* Not logged here: we may hold the console lock (a console_io copy
	 * from a watched buffer).  The next entry from the guest logs it. */
	if (!db_note[smp_processor_id()].rip) {
		db_note[smp_processor_id()].rip = r->rip;
		db_note[smp_processor_id()].dr6 = dr6;
	}
}

/* Log what do_debug_hypervisor() noted; a guest can cause it at will. */
static void log_db_note(void)
{
	static unsigned int logged;
	struct db_note *n = &db_note[smp_processor_id()];

	if (logged < 8) {
		logged++;
		log_info("#DB in hypervisor context at %#lx, dr6 %#lx: a guest "
			 "breakpoint, dropped%s", n->rip, n->dr6,
			 logged == 8 ? " (no more of these logged)" : "");
	}
	n->rip = 0;
}

/**
 * arch_selftest_db_entry() - a ring-0 #DB with a guest's GS base loaded
 *
 * What a `mov ss` + `syscall` does on hardware that holds the #DB back
 * (QEMU's TCG delivers it at the `mov ss`, so the PV test kernels cannot
 * reach this path there): swap a bogus GS base in, as syscall_entry's
 * first instruction would see it, and raise #DB in ring 0 with a data
 * watchpoint on a variable of ours.  db_entry must swap our GS base in
 * for do_debug_hypervisor() and the bogus one back before returning;
 * with the wrong GS the handler faults and panics.
 *
 * Return: 0, or -1 if the #DB was not seen.
 */
int arch_selftest_db_entry(void)
{
	static volatile unsigned long target;
	unsigned long flags = local_irq_save();
	u64 saved = rdmsr(MSR_KERNEL_GS_BASE), gs_inside, saved_gs, gs_after;
	u32 lo = 0x00003000U, hi = 0x00007f00U;
	struct db_note *n = &db_note[smp_processor_id()];
	unsigned long dr7 = 0x401UL | (0xdUL << 16);	/* L0, write, 4 bytes */
	int ret;

	n->rip = 0;
	__asm__ __volatile__("mov %0, %%dr0" : : "r"(&target));
	__asm__ __volatile__("mov %0, %%dr7" : : "r"(dr7));
	wrmsr(MSR_KERNEL_GS_BASE, 0x00007f0000001000UL);
	__asm__ __volatile__("swapgs\n\t"
			     "movl $1, %0\n\t"	/* #DB after this */
			     "swapgs" : "=m"(target) : : "memory");
	gs_inside = rdmsr(MSR_KERNEL_GS_BASE);
	ret = n->rip && gs_inside == 0x00007f0000001000UL ? 0 : -1;
	log_info("selftest db_entry: #DB at %#lx with a guest GS base, "
		 "handled on its IST stack", n->rip);
	/*
	 * The window of a guest selector load (load_user_gs_sel()): a
	 * guest's base in GS and another in KERNEL_GS_BASE, neither ours.
	 * A swapgs would run the handler on the second; it must run on
	 * ours and leave both as they were.
	 */
	n->rip = 0;
	saved_gs = rdmsr(MSR_GS_BASE);
	wrmsr(MSR_KERNEL_GS_BASE, 0x00007f0000002000UL);
	__asm__ __volatile__("wrmsr\n\t"
			     "movl $2, %0\n\t"	/* #DB after this */
			     "rdmsr\n\t"
			     : "=m"(target), "+a"(lo), "+d"(hi)
			     : "c"(MSR_GS_BASE) : "memory");
	gs_after = ((u64)hi << 32) | lo;
	wrmsr(MSR_GS_BASE, saved_gs);
	gs_inside = rdmsr(MSR_KERNEL_GS_BASE);
	__asm__ __volatile__("mov %0, %%dr7" : : "r"(0x400UL));
	wrmsr(MSR_KERNEL_GS_BASE, saved);
	if (!n->rip || gs_after != 0x00007f0000003000UL ||
	    gs_inside != 0x00007f0000002000UL)
		ret = -1;
	log_info("selftest db_entry: #DB at %#lx with guest bases in GS and "
		 "KERNEL_GS, handled on ours, both kept", n->rip);
	n->rip = 0;
	local_irq_restore(flags);
	return ret;
}

/* Per CPU: the next NMI or #MC is arch_selftest_nmi_mce_entry()'s `int`,
 * and what its handler saw. */
static struct nmi_probe {
	bool armed;
	unsigned long vector;
	struct percpu *seen;		/* this_cpu() in the handler */
} nmi_probe[MAX_CPUS];

/*
 * NMI and machine check, on their IST stacks with our GS base whatever
 * they interrupted (entry.S, nmi_mce_entry).  Neither is handled yet: a
 * report, and the end (also when they hit guest_iretq: nothing to crash
 * a domain for).  The self-test's own `int $2` / `int $18` return.
 */
static void do_nmi_mce(struct cpu_regs *r)
{
	struct nmi_probe *p = &nmi_probe[smp_processor_id()];

	if (p->armed && !(r->cs & 3)) {
		p->armed = false;
		p->vector = r->vector;
		p->seen = this_cpu();
		return;
	}
	fatal_trap(r);
}

/* One `int $vec` from ring 0 with the bases @gs and @kgs loaded (MSR
 * values; 0: ours).  Return: 0 if the handler ran on this CPU's struct
 * percpu and both bases were as they were when it returned. */
static int probe_nmi_mce(unsigned int vec, u64 gs, u64 kgs)
{
	struct nmi_probe *p = &nmi_probe[smp_processor_id()];
	struct percpu *me = this_cpu();
	u64 saved_gs = rdmsr(MSR_GS_BASE);
	u64 saved_kgs = rdmsr(MSR_KERNEL_GS_BASE);
	u32 lo = (u32)gs, hi = (u32)(gs >> 32);
	u64 kgs_after;

	p->seen = NULL;
	p->vector = 0;
	p->armed = true;
	wrmsr(MSR_KERNEL_GS_BASE, kgs);
	/* No C between the writes and the reads: GS may not be ours. */
	if (vec == 2)
		__asm__ __volatile__("wrmsr\n\t"
				     "int $2\n\t"
				     "rdmsr"
				     : "+a"(lo), "+d"(hi)
				     : "c"(MSR_GS_BASE) : "memory");
	else
		__asm__ __volatile__("wrmsr\n\t"
				     "int $18\n\t"
				     "rdmsr"
				     : "+a"(lo), "+d"(hi)
				     : "c"(MSR_GS_BASE) : "memory");
	wrmsr(MSR_GS_BASE, saved_gs);
	kgs_after = rdmsr(MSR_KERNEL_GS_BASE);
	wrmsr(MSR_KERNEL_GS_BASE, saved_kgs);
	p->armed = false;
	return p->vector == vec && p->seen == me &&
	       (((u64)hi << 32) | lo) == gs && kgs_after == kgs ? 0 : -1;
}

/**
 * arch_selftest_nmi_mce_entry() - NMI and #MC entries with a guest's GS
 * base loaded
 *
 * An NMI or a machine check can land on syscall_entry's first
 * instruction, in ring 0 with the guest's GS base, and on the few
 * instructions of a selector load with a guest's base in both GS and
 * KERNEL_GS_BASE.  `int $2` and `int $18` from ring 0 take the same
 * gates and IST stacks: with bogus bases loaded, the handler must run
 * on ours (with the wrong one, this_cpu() faults and the host panics)
 * and find both bases as they were when it returns.
 *
 * Return: 0, or -1 if a handler did not run or ran on the wrong base.
 */
int arch_selftest_nmi_mce_entry(void)
{
	static const unsigned int vecs[] = { 2, 18 };
	unsigned long flags = local_irq_save();
	int ret = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(vecs); i++) {
		/* syscall_entry's first instruction: the guest's base in
		 * GS, ours waiting in KERNEL_GS_BASE. */
		if (probe_nmi_mce(vecs[i], 0x00007f0000001000UL,
				  rdmsr(MSR_GS_BASE)))
			ret = -1;
		/* A selector load's window: guest bases in both. */
		if (probe_nmi_mce(vecs[i], 0x00007f0000003000UL,
				  0x00007f0000002000UL))
			ret = -1;
	}
	local_irq_restore(flags);
	log_info("selftest nmi_mce_entry: NMI and #MC entries with guest GS "
		 "bases run on ours and keep both: %s", ret ? "FAILED" : "ok");
	return ret;
}

/* The C side of entry.S: every exception, interrupt and syscall. */
void do_entry(struct cpu_regs *r)
{
	unsigned long v = r->vector;
	bool from_guest = r->cs & 3;

	/* Before anything that logs or takes a lock. */
	if (v == 2 || v == 18) {
		trace_event(TRACE_TRAP, v, r->rip);
		do_nmi_mce(r);
		return;
	}
	if (from_guest && db_note[smp_processor_id()].rip)
		log_db_note();
	if (v >= 256) {
		pv_syscall(r);
		pv_return_to_guest(r);
		return;
	}
	if (v < 32) {
		trace_event(TRACE_TRAP, v, r->rip);
		if (from_guest && v != 8) {
			pv_guest_trap(r);
			pv_return_to_guest(r);
			return;
		}
		if (!from_guest && r->rip == (unsigned long)guest_iretq &&
		    current_vcpu() && (v == 11 || v == 12 || v == 13))
			iret_fault_to_guest(r);
		if (!from_guest && r->rip == (unsigned long)guest_iretq) {
			struct vcpu *vc = current_vcpu();

			log_err("iretq to the guest faulted: vector %lu, "
				"error code %#lx", v, (unsigned long)r->error_code);
			if (vc)
				domain_crash(vc->domain, "bad return frame");
		}
		if (!from_guest && fixup_vector(v)) {
			unsigned long fixup = search_extable(r->rip);

			if (fixup) {
				r->rip = fixup;
				return;
			}
		}
		fatal_trap(r);
	}
	trace_event(TRACE_IRQ, v, r->rip);
	if (irq_handlers[v])
		irq_handlers[v]();
	else
		log_warn("CPU%u: unexpected interrupt on vector %lu",
			 smp_processor_id(), v);
	if (v != SPURIOUS_VECTOR)
		apic_eoi();
	if (from_guest)
		pv_return_to_guest(r);
}
