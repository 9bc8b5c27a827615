/* SPDX-License-Identifier: MIT */
/*
 * The x86-64 half of the PV ABI: the hypervisor's hole in every address
 * space, the flat segment selectors it provides, the register frame and
 * full vCPU context a guest hands over (vcpu_guest_context, 5168 bytes),
 * the trap table format and the iret hypercall frame.
 *
 * Included by <veneer/xen.h>; it can also be included on its own.
 */
#ifndef VENEER_ARCH_X86_64_H
#define VENEER_ARCH_X86_64_H

#include <veneer/types.h>

/*
 * Flat segments in the hypervisor-owned part of the GDT.  Both guest
 * kernel and guest user run in ring 3, so kernel and user selectors are
 * the same values.
 */
#define FLAT_RING3_CS32  0xe023 /* 32-bit code, ring 3 */
#define FLAT_RING3_CS64  0xe033 /* 64-bit code, ring 3 */
#define FLAT_RING3_DS32  0xe02b /* data, ring 3 */
#define FLAT_RING3_DS64  0x0000 /* long mode needs no data segment */
#define FLAT_RING3_SS32  0xe02b
#define FLAT_RING3_SS64  0xe02b

#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_DS32 FLAT_RING3_DS32
#define FLAT_KERNEL_DS   FLAT_KERNEL_DS64
#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_CS32 FLAT_RING3_CS32
#define FLAT_KERNEL_CS   FLAT_KERNEL_CS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_SS32 FLAT_RING3_SS32
#define FLAT_KERNEL_SS   FLAT_KERNEL_SS64

#define FLAT_USER_DS64   FLAT_RING3_DS64
#define FLAT_USER_DS32   FLAT_RING3_DS32
#define FLAT_USER_DS     FLAT_USER_DS64
#define FLAT_USER_CS64   FLAT_RING3_CS64
#define FLAT_USER_CS32   FLAT_RING3_CS32
#define FLAT_USER_CS     FLAT_USER_CS64
#define FLAT_USER_SS64   FLAT_RING3_SS64
#define FLAT_USER_SS32   FLAT_RING3_SS32
#define FLAT_USER_SS     FLAT_USER_SS64

/*
 * The guest may not map anything in L4 slots 256..271; the hypervisor
 * lives there and puts the read-only M2P table at the bottom.
 */
#define HYPERVISOR_VIRT_START 0xFFFF800000000000UL
#define HYPERVISOR_VIRT_END   0xFFFF880000000000UL
#define MACH2PHYS_VIRT_START  0xFFFF800000000000UL
#define MACH2PHYS_VIRT_END    0xFFFF804000000000UL
/* Entries in the M2P table: 8 bytes per machine frame. */
#define MACH2PHYS_NR_ENTRIES  ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)

/*
 * The guest GDT may use frames 0..13; the 14th frame onwards (selectors
 * from 0xe000) is the hypervisor's, which is where FLAT_* live.
 */
#define FIRST_RESERVED_GDT_PAGE  14
#define FIRST_RESERVED_GDT_BYTE  (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY (FIRST_RESERVED_GDT_BYTE / 8)

/* vcpu_info slots in shared_info; later vCPUs register their own. */
#define XEN_LEGACY_MAX_VCPUS 32

/* set_segment_base: which base the second argument sets. */
#define SEGBASE_FS          0 /* FS base */
#define SEGBASE_GS_USER     1 /* user GS base (the swapgs shadow) */
#define SEGBASE_GS_KERNEL   2 /* kernel GS base */
#define SEGBASE_GS_USER_SEL 3 /* load a user GS selector */

/*
 * Forced emulation: this byte sequence (ud2 and "xen") in front of cpuid
 * makes the hypervisor emulate the cpuid with its own leaves visible.
 */
#define XEN_EMULATE_PREFIX ".byte 0x0f,0x0b,0x78,0x65,0x6e ; "
#define XEN_CPUID          XEN_EMULATE_PREFIX "cpuid"

/* One entry of the set_trap_table list; a zero address ends the list. */
struct trap_info {
	uint8_t vector;   /* exception vector */
	uint8_t flags;    /* bits 0-1: lowest DPL allowed to raise it with int;
	                     bit 2: mask events on entry (an interrupt gate) */
	uint16_t cs;      /* code selector of the handler */
	uint64_t address; /* handler entry point */
};

/*
 * General registers as saved on entry to the hypervisor.  It is both the
 * user_regs part of vcpu_guest_context and what VCPUOP_initialise loads.
 */
struct cpu_user_regs {
	uint64_t r15;
	uint64_t r14;
	uint64_t r13;
	uint64_t r12;
	uint64_t rbp;
	uint64_t rbx;
	uint64_t r11;
	uint64_t r10;
	uint64_t r9;
	uint64_t r8;
	uint64_t rax;
	uint64_t rcx;
	uint64_t rdx;
	uint64_t rsi;
	uint64_t rdi;
	uint32_t error_code;        /* hardware error code, if any */
	uint32_t entry_vector;      /* how we entered (hypervisor-private) */
	uint64_t rip;
	uint16_t cs;
	uint16_t _pad0[1];
	uint8_t saved_upcall_mask;  /* evtchn_upcall_mask at the time of entry */
	uint8_t _pad1[3];
	uint64_t rflags;
	uint64_t rsp;
	uint16_t ss;
	uint16_t _pad2[3];
	uint16_t es;
	uint16_t _pad3[3];
	uint16_t ds;
	uint16_t _pad4[3];
	uint16_t fs;
	uint16_t _pad5[3];
	uint16_t gs;
	uint16_t _pad6[3];
};

/* vcpu_guest_context.flags bits (the _VGCF_* are the bit numbers). */
#define VGCF_I387_VALID                (1 << 0)
#define VGCF_IN_KERNEL                 (1 << 2)
#define _VGCF_i387_valid               0
#define VGCF_i387_valid                (1 << _VGCF_i387_valid) /* fpu_ctxt is valid */
#define _VGCF_in_kernel                2
#define VGCF_in_kernel                 (1 << _VGCF_in_kernel) /* start in kernel mode */
#define _VGCF_failsafe_disables_events 3
#define VGCF_failsafe_disables_events  (1 << _VGCF_failsafe_disables_events)
#define _VGCF_syscall_disables_events  4
#define VGCF_syscall_disables_events   (1 << _VGCF_syscall_disables_events)
#define _VGCF_online                   5
#define VGCF_online                    (1 << _VGCF_online) /* vCPU starts up */
/* Only in iret_context.flags: return through the sysret path. */
#define _VGCF_in_syscall               8
#define VGCF_in_syscall                (1 << _VGCF_in_syscall)
#define VGCF_IN_SYSCALL                VGCF_in_syscall

/*
 * Full state of one vCPU, as given to VCPUOP_initialise and the domain
 * builder.  64-bit layout: 5168 bytes.
 */
struct vcpu_guest_context {
	struct {
		char x[512];
	} fpu_ctxt;                       /* FXSAVE image */
	uint64_t flags;                   /* VGCF_* */
	struct cpu_user_regs user_regs;   /* general registers */
	struct trap_info trap_ctxt[256];  /* trap table, indexed by vector */
	uint64_t ldt_base;                /* LDT virtual address */
	uint64_t ldt_ents;                /* LDT entries */
	uint64_t gdt_frames[16];          /* frames of the guest GDT */
	uint64_t gdt_ents;                /* GDT entries */
	uint64_t kernel_ss;               /* stack selector on kernel entry */
	uint64_t kernel_sp;               /* stack pointer on kernel entry */
	uint64_t ctrlreg[8];              /* CR0..CR7; CR3 holds an MFN << 12 */
	uint64_t debugreg[8];             /* DR0..DR7 */
	uint64_t event_callback_eip;      /* event upcall entry */
	uint64_t failsafe_callback_eip;   /* failsafe (bad segment) entry */
	uint64_t syscall_callback_eip;    /* 64-bit syscall entry */
	uint64_t vm_assist;               /* VMASST_TYPE_* bitmap */
	uint64_t fs_base;
	uint64_t gs_base_kernel;
	uint64_t gs_base_user;
};

/* Architecture part of shared_info: where the guest keeps its P2M. */
struct arch_shared_info {
	uint64_t max_pfn;                    /* highest PFN + 1 of the P2M */
	xen_pfn_t pfn_to_mfn_frame_list_list; /* frame of the P2M frame-list list */
	uint64_t nmi_reason;                 /* XEN_NMIREASON_* bits */
	uint64_t p2m_cr3;                    /* page table holding the virtual P2M */
	uint64_t p2m_vaddr;                  /* virtual address of the P2M */
	uint64_t p2m_generation;             /* bumped on every P2M change */
};

/* Architecture part of vcpu_info. */
struct arch_vcpu_info {
	uint64_t cr2;  /* faulting address of the last bounced page fault */
	uint64_t pad;
};

/*
 * What the guest pushes before HYPERVISOR_iret: the hypervisor pops it,
 * restores rax/r11/rcx and returns to rip/cs/rflags/rsp/ss.
 */
struct iret_context {
	uint64_t rax;
	uint64_t r11;
	uint64_t rcx;
	uint64_t flags;  /* VGCF_in_syscall */
	uint64_t rip;
	uint64_t cs;
	uint64_t rflags;
	uint64_t rsp;
	uint64_t ss;
};

#endif /* VENEER_ARCH_X86_64_H */
