/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PV guest interface, as seen from the rest of the hypervisor.
 *
 * Entry (arch/x86/traps.c) hands every guest exception to
 * pv_guest_trap() and every guest `syscall` to pv_syscall(); every return
 * to the guest passes pv_return_to_guest().  The frame they work on is
 * the struct cpu_regs at the top of the CPU's stack, guest_regs(): the
 * guest's registers, edited in place.
 */
#ifndef HV_PV_H
#define HV_PV_H

#include <hv/domain.h>
#include <hv/smp.h>
#include <hv/types.h>

#include <asm/regs.h>

/* We speak the ABI of Xen 4.17 and say so (xen_version, CPUID). */
#define VENEER_XEN_VERSION	0x00040011

/* DR6 with nothing hit: its reserved-1 bits (pv/debugreg.c, pv/traps.c). */
#define DR6_DEFAULT		0xffff0ff0UL

#define SYSCALL_VECTOR		0x100
#define SYSCALL32_VECTOR	0x101

/* Flags for pv_inject_trap(). */
#define TBF_ERRCODE		1	/* the vector has an error code */
#define TBF_MASK_EVENTS		2	/* set evtchn_upcall_mask */
#define TBF_FAILSAFE		4	/* failsafe frame: ds, es, fs, gs too */
#define TBF_RELOAD		8	/* ... those of pv.reload_sel[] */

static inline struct cpu_regs *guest_regs(void)
{
	return (struct cpu_regs *)(this_cpu()->stack_hi -
				   sizeof(struct cpu_regs));
}

/* arch/x86/traps.c and entry.S */
void __noreturn enter_guest(struct cpu_regs *regs);
void __noreturn reset_stack_and_call(unsigned long top, void (*fn)(void));

/* pv/traps.c */
void pv_guest_trap(struct cpu_regs *r);
void pv_syscall(struct cpu_regs *r);
void pv_return_to_guest(struct cpu_regs *r);
void pv_inject_exception(struct vcpu *v, struct cpu_regs *r,
			 unsigned int vector, unsigned long error_code);
void pv_bounce(struct vcpu *v, struct cpu_regs *r, unsigned long handler,
	       unsigned int flags, unsigned long error_code);
void pv_toggle_guest_mode(struct vcpu *v);
void pv_load_cr3(struct vcpu *v);
bool vector_has_error_code(unsigned int vec);

/* pv/emul-priv-op.c */
bool pv_emulate_gp(struct vcpu *v, struct cpu_regs *r);
bool pv_emulate_forced_cpuid(struct vcpu *v, struct cpu_regs *r);

/* pv/descriptor-tables.c */
void pv_load_gdt(struct vcpu *v);
bool pv_selector_ok(struct vcpu *v, u16 sel, bool code);
long pv_set_gdt(struct vcpu *v, const unsigned long *mfns,
		unsigned long entries);
long pv_register_callback(struct vcpu *v, unsigned int type,
			  unsigned int flags, unsigned long address);
bool pv_guest_code_address_ok(unsigned long a);
long pv_set_ldt(struct vcpu *v, unsigned long base, unsigned int ents);
void pv_release_ldt(struct vcpu *v);
int pv_validate_desc_page(struct pt_domain *pd, unsigned long mfn);
bool pv_code_is_64bit(struct vcpu *v, u16 cs);
bool pv_code_rip_ok(struct vcpu *v, u16 cs, u64 rip);

/* pv/hypercall.c */
void pv_hypercall(struct vcpu *v, struct cpu_regs *r);

/* pv/mm-ops.c */
void pv_mm_init(struct domain *d);
int pv_pin_table(struct domain *d, unsigned long mfn, unsigned int level);
int pv_new_baseptr(struct vcpu *v, unsigned long mfn, bool user);
int pv_new_baseptr_job(struct vcpu *v, unsigned long mfn, bool user);
int pv_new_baseptr_pinned(struct vcpu *v, unsigned long mfn, bool user);
struct vcpu_guest_context;
long pv_toolstack_set_context(struct vcpu *v,
			      const struct vcpu_guest_context *c);
struct pt_job *pv_ptjob(void);
void pv_ptjob_abandon(struct vcpu *v);
void pv_ptjob_abandon_foreign(struct domain *d);
bool pv_mfn_is_guest_page(struct domain *d, unsigned long mfn);
void pv_flush_domain(struct domain *d);

/* pv/mm-audit.c */
extern bool opt_pt_audit;
extern bool opt_pt_audit_pins;
int pv_mm_audit(struct domain *d, const char *why);

/* pv/ro-page-fault.c */
bool pv_ptwr_emulate(struct vcpu *v, struct cpu_regs *r, unsigned long cr2,
		     unsigned long err);

/* arch/x86/fpu.c */
void fpu_init_cpu(void);
void *fpu_alloc_area(void);
void fpu_free_area(void *area);
void fpu_save(struct vcpu *v);
void fpu_restore(struct vcpu *v);

/* arch/x86/context.c */
void arch_context_switch(struct vcpu *prev, struct vcpu *next);
u64 read_guest_gs_base(void);
void write_guest_gs_base(u64 base);

/* pv/domain-build.c */
void build_boot_domains(void);

/* Handlers, one per hypercall (see pv/hypercall.c for the table). */
long do_set_trap_table(unsigned long table);
long do_mmu_update(unsigned long reqs, unsigned long count,
		   unsigned long done, unsigned long domid);
long do_set_gdt(unsigned long frames, unsigned long entries);
long do_stack_switch(unsigned long ss, unsigned long sp);
long do_set_callbacks(unsigned long event, unsigned long failsafe,
		      unsigned long syscall);
long do_fpu_taskswitch(unsigned long set);
long do_set_debugreg(unsigned long reg, unsigned long value);
long do_get_debugreg(unsigned long reg);
/* Debug registers, for the hypercalls and the `mov` (pv/debugreg.c). */
long pv_set_debugreg(struct vcpu *v, unsigned int reg, unsigned long value);
long pv_get_debugreg(const struct vcpu *v, unsigned int reg,
		     unsigned long *val);
/* Put @next's breakpoints on this CPU, or clear them (context switch). */
void pv_load_debugregs(const struct vcpu *next);
long do_update_descriptor(unsigned long maddr, unsigned long desc);
long do_memory_op(unsigned long cmd, unsigned long arg);
long do_multicall(unsigned long calls, unsigned long nr);
/* The management interface (common/mgmt.c). */
long do_veneer_mgmt(unsigned long arg);
/* Long hypercalls make way (pv/hypercall.c). */
bool hypercall_preempt_check(void);
bool hypercall_in_multicall(void);
long hypercall_continuation(unsigned long op, unsigned int nargs,
			    unsigned long a0, unsigned long a1,
			    unsigned long a2, unsigned long a3,
			    unsigned long a4);
/* Load @v's TSC_AUX into this CPU, if it has one (pv/emul-priv-op.c). */
void pv_load_tsc_aux(struct vcpu *v);
long do_update_va_mapping(unsigned long va, unsigned long val,
			  unsigned long flags);
long do_xen_version(unsigned long cmd, unsigned long arg);
long do_console_io(unsigned long cmd, unsigned long count,
		   unsigned long buf);
long do_vm_assist(unsigned long cmd, unsigned long type);
long do_iret(void);
long do_set_segment_base(unsigned long which, unsigned long base);
long do_mmuext_op(unsigned long ops, unsigned long count,
		  unsigned long done, unsigned long domid);
long do_sched_op(unsigned long cmd, unsigned long arg);
long do_callback_op(unsigned long cmd, unsigned long arg);

#endif /* HV_PV_H */
