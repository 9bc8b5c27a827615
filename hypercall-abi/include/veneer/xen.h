/* SPDX-License-Identifier: MIT */
/*
 * The core of the PV ABI: hypercall numbers, the pages every guest shares
 * with the hypervisor (start_info, shared_info and its per-vCPU vcpu_info),
 * and the argument formats of the memory-management hypercalls.
 *
 * Layouts are those of Xen 4.17's public headers for 64-bit x86 guests
 * (interface version 0x00040e00); tests/unit/test_abi_conformance.c checks
 * every constant, size and offset here against Debian's libxen-dev.
 */
#ifndef VENEER_XEN_H
#define VENEER_XEN_H

#include <veneer/types.h>
#include <veneer/arch-x86_64.h>

/* Version of the Xen public interface whose layouts these headers follow. */
#define __XEN_LATEST_INTERFACE_VERSION__ 0x00040e00

/*
 * Hypercall numbers.  64-bit PV guests put the number in %rax and the
 * arguments in %rdi, %rsi, %rdx, %r10, %r8 and issue `syscall`.
 */
#define __HYPERVISOR_set_trap_table                0
#define __HYPERVISOR_mmu_update                    1
#define __HYPERVISOR_set_gdt                       2
#define __HYPERVISOR_stack_switch                  3
#define __HYPERVISOR_set_callbacks                 4
#define __HYPERVISOR_fpu_taskswitch                5
#define __HYPERVISOR_sched_op_compat               6 /* superseded by 29 */
#define __HYPERVISOR_platform_op                   7
#define __HYPERVISOR_set_debugreg                  8
#define __HYPERVISOR_get_debugreg                  9
#define __HYPERVISOR_update_descriptor            10
#define __HYPERVISOR_memory_op                    12
#define __HYPERVISOR_multicall                    13
#define __HYPERVISOR_update_va_mapping            14
#define __HYPERVISOR_set_timer_op                 15
#define __HYPERVISOR_event_channel_op_compat      16 /* superseded by 32 */
#define __HYPERVISOR_xen_version                  17
#define __HYPERVISOR_console_io                   18
#define __HYPERVISOR_physdev_op_compat            19 /* superseded by 33 */
#define __HYPERVISOR_grant_table_op               20
#define __HYPERVISOR_vm_assist                    21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                         23
#define __HYPERVISOR_vcpu_op                      24
#define __HYPERVISOR_set_segment_base             25
#define __HYPERVISOR_mmuext_op                    26
#define __HYPERVISOR_xsm_op                       27
#define __HYPERVISOR_nmi_op                       28
#define __HYPERVISOR_sched_op                     29
#define __HYPERVISOR_callback_op                  30
#define __HYPERVISOR_xenoprof_op                  31
#define __HYPERVISOR_event_channel_op             32
#define __HYPERVISOR_physdev_op                   33
#define __HYPERVISOR_hvm_op                       34
#define __HYPERVISOR_sysctl                       35
#define __HYPERVISOR_domctl                       36
#define __HYPERVISOR_kexec_op                     37
#define __HYPERVISOR_tmem_op                      38
#define __HYPERVISOR_argo_op                      39
#define __HYPERVISOR_xenpmu_op                    40
#define __HYPERVISOR_dm_op                        41
#define __HYPERVISOR_hypfs_op                     42

/* Numbers reserved for architecture-specific hypercalls. */
#define __HYPERVISOR_arch_0                       48
#define __HYPERVISOR_arch_1                       49
#define __HYPERVISOR_arch_2                       50
#define __HYPERVISOR_arch_3                       51
#define __HYPERVISOR_arch_4                       52
#define __HYPERVISOR_arch_5                       53
#define __HYPERVISOR_arch_6                       54
#define __HYPERVISOR_arch_7                       55

/*
 * Virtual interrupts, bound to event channels with EVTCHNOP_bind_virq.
 * TIMER, DEBUG and XENPMU are per vCPU; the others are global.
 */
#define VIRQ_TIMER        0  /* the vCPU's one-shot or periodic timer fired */
#define VIRQ_DEBUG        1  /* debug key pressed on the hypervisor console */
#define VIRQ_CONSOLE      2  /* input for the initial domain's console */
#define VIRQ_DOM_EXC      3  /* some domain crashed or shut down */
#define VIRQ_TBUF         4  /* trace buffers need draining */
#define VIRQ_DEBUGGER     6  /* a domain paused for the debugger */
#define VIRQ_XENOPROF     7  /* profiling samples ready */
#define VIRQ_CON_RING     8  /* hypervisor log ring has new data */
#define VIRQ_PCPU_STATE   9  /* a physical CPU changed state */
#define VIRQ_MEM_EVENT   10  /* memory event ring has work */
#define VIRQ_ARGO        11  /* Argo interdomain message arrived */
#define VIRQ_ENOMEM      12  /* hypervisor heap ran low */
#define VIRQ_XENPMU      13  /* PMU interrupt for this vCPU */
#define VIRQ_ARCH_0      16
#define VIRQ_ARCH_1      17
#define VIRQ_ARCH_2      18
#define VIRQ_ARCH_3      19
#define VIRQ_ARCH_4      20
#define VIRQ_ARCH_5      21
#define VIRQ_ARCH_6      22
#define VIRQ_ARCH_7      23
#define NR_VIRQS         24

/*
 * mmu_update: the low two bits of mmu_update.ptr say what kind of update
 * it is; the rest is a machine address.
 */
#define MMU_NORMAL_PT_UPDATE       0 /* write val into the PTE at ptr */
#define MMU_MACHPHYS_UPDATE        1 /* M2P[ptr >> PAGE_SHIFT] = val */
#define MMU_PT_UPDATE_PRESERVE_AD  2 /* as NORMAL, keep hardware A/D bits */
#define MMU_PT_UPDATE_NO_TRANSLATE 3 /* as NORMAL, ptr is not translated */

/* One request of the mmu_update hypercall. */
struct mmu_update {
	uint64_t ptr; /* machine address of the PTE, command in bits 0-1 */
	uint64_t val; /* new PTE contents (or PFN for MACHPHYS_UPDATE) */
};

/* mmuext_op commands. */
#define MMUEXT_PIN_L1_TABLE        0 /* validate and pin arg1.mfn as an L1 */
#define MMUEXT_PIN_L2_TABLE        1
#define MMUEXT_PIN_L3_TABLE        2
#define MMUEXT_PIN_L4_TABLE        3
#define MMUEXT_UNPIN_TABLE         4 /* drop the pin on arg1.mfn */
#define MMUEXT_NEW_BASEPTR         5 /* switch kernel L4 to arg1.mfn */
#define MMUEXT_TLB_FLUSH_LOCAL     6
#define MMUEXT_INVLPG_LOCAL        7 /* flush arg1.linear_addr here */
#define MMUEXT_TLB_FLUSH_MULTI     8 /* flush the vCPUs in arg2.vcpumask */
#define MMUEXT_INVLPG_MULTI        9
#define MMUEXT_TLB_FLUSH_ALL      10
#define MMUEXT_INVLPG_ALL         11
#define MMUEXT_FLUSH_CACHE        12 /* wbinvd on this CPU */
#define MMUEXT_SET_LDT            13 /* LDT at arg1.linear_addr, arg2.nr_ents */
#define MMUEXT_NEW_USER_BASEPTR   15 /* switch user L4 to arg1.mfn */
#define MMUEXT_CLEAR_PAGE         16 /* zero frame arg1.mfn */
#define MMUEXT_COPY_PAGE          17 /* copy arg2.src_mfn to arg1.mfn */
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER         19
#define MMUEXT_UNMARK_SUPER       20

/* One request of the mmuext_op hypercall. */
struct mmuext_op {
	uint32_t cmd;                    /* MMUEXT_* */
	union {
		xen_pfn_t mfn;           /* frame for PIN/UNPIN/BASEPTR/page ops */
		uint64_t linear_addr;    /* guest VA for INVLPG and SET_LDT */
	} arg1;
	union {
		uint32_t nr_ents;        /* SET_LDT: number of descriptors */
		xen_guest_handle_t vcpumask; /* *_MULTI: bitmap of vCPUs */
		xen_pfn_t src_mfn;       /* COPY_PAGE: source frame */
	} arg2;
};

/*
 * update_va_mapping flags (third argument): the low two bits pick the
 * flush, bit 2 picks its scope, or the whole word is a vcpumask pointer.
 */
#define UVMF_NONE           (0UL << 0) /* no flush at all */
#define UVMF_TLB_FLUSH      (1UL << 0) /* flush the whole TLB */
#define UVMF_INVLPG         (2UL << 0) /* flush just this address */
#define UVMF_FLUSHTYPE_MASK (3UL << 0)
#define UVMF_MULTI          (0UL << 2) /* upper bits point to a vcpumask */
#define UVMF_LOCAL          (0UL << 2) /* flush this vCPU only */
#define UVMF_ALL            (1UL << 2) /* flush every vCPU of the domain */

/* console_io commands. */
#define CONSOLEIO_write 0 /* write a buffer to the hypervisor console */
#define CONSOLEIO_read  1 /* read console input (initial domain only) */

/* vm_assist commands and the assists a guest can switch on. */
#define VMASST_CMD_enable                 0
#define VMASST_CMD_disable                1
#define VMASST_TYPE_4gb_segments          0 /* 32-bit only */
#define VMASST_TYPE_4gb_segments_notify   1 /* 32-bit only */
#define VMASST_TYPE_writable_pagetables   2 /* emulate direct PTE writes */
#define VMASST_TYPE_pae_extended_cr3      3 /* 32-bit only */
#define VMASST_TYPE_architectural_iopl    4 /* IOPL acts as on hardware */
#define VMASST_TYPE_runstate_update_flag  5 /* XEN_RUNSTATE_UPDATE in entry time */
#define VMASST_TYPE_m2p_strict           32 /* user L4 gets no M2P mapping */

/* Domain ids with a special meaning in hypercall arguments. */
#define DOMID_FIRST_RESERVED 0x7FF0U /* lowest special id */
#define DOMID_SELF           0x7FF0U /* the calling domain */
#define DOMID_IO             0x7FF1U /* owner of I/O memory */
#define DOMID_XEN            0x7FF2U /* owner of hypervisor memory */
#define DOMID_COW            0x7FF3U /* owner of shared copy-on-write pages */
#define DOMID_INVALID        0x7FF4U /* "no domain" */
#define DOMID_IDLE           0x7FFFU /* the idle domain */
#define DOMID_MASK           0x7FFFU /* bits of a domid_t that carry the id */

/* One hypercall of a multicall batch; result is written back in place. */
struct multicall_entry {
	xen_ulong_t op;      /* hypercall number */
	xen_ulong_t result;  /* return value, filled in by the hypervisor */
	xen_ulong_t args[6]; /* arguments, as in registers */
};

/*
 * Time record for one vCPU (pvclock).  The guest computes
 *   now = system_time + scale(rdtsc() - tsc_timestamp)
 * where scale shifts by tsc_shift and multiplies by tsc_to_system_mul/2^32.
 * version is odd while the hypervisor updates the record.
 */
struct vcpu_time_info {
	uint32_t version;            /* update counter, odd while in flux */
	uint32_t pad0;
	uint64_t tsc_timestamp;      /* TSC at the time of the last update */
	uint64_t system_time;        /* ns since boot at that TSC */
	uint32_t tsc_to_system_mul;  /* 32.32 fixed-point TSC-to-ns factor */
	int8_t tsc_shift;            /* shift applied to the TSC delta first */
	uint8_t flags;               /* XEN_PVCLOCK_* */
	uint8_t pad1[2];
};

#define XEN_PVCLOCK_TSC_STABLE_BIT (1 << 0) /* TSC is synchronised across CPUs */
#define XEN_PVCLOCK_GUEST_STOPPED  (1 << 1) /* guest was paused, for watchdogs */

/* Per-vCPU state shared with the hypervisor (64 bytes, 32 in shared_info). */
struct vcpu_info {
	uint8_t evtchn_upcall_pending; /* set when any event is pending */
	uint8_t evtchn_upcall_mask;    /* the guest's "interrupts off" flag */
	xen_ulong_t evtchn_pending_sel; /* which words of evtchn_pending to scan */
	struct arch_vcpu_info arch;    /* cr2 of the last page fault */
	struct vcpu_time_info time;    /* this vCPU's clock */
};

/* The page every domain maps to talk to the hypervisor. */
struct shared_info {
	struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS]; /* vCPUs 0..31 */
	xen_ulong_t evtchn_pending[64]; /* one bit per port: event is pending */
	xen_ulong_t evtchn_mask[64];    /* one bit per port: port is masked */
	uint32_t wc_version;  /* odd while the wall clock is being updated */
	uint32_t wc_sec;      /* wall-clock seconds at system time 0 (low 32) */
	uint32_t wc_nsec;     /* nanoseconds part of that time */
	uint32_t wc_sec_hi;   /* upper 32 bits of wc_sec */
	struct arch_shared_info arch; /* P2M location and NMI reason */
};

/*
 * Handed to a PV guest at boot: %rsi points at it.  The domain builder
 * fills it in; the guest keeps it for its whole life.
 */
#define MAX_GUEST_CMDLINE 1024

struct start_info {
	char magic[32];         /* "xen-<version>-x86_64" */
	uint64_t nr_pages;      /* total pages given to the domain */
	uint64_t shared_info;   /* machine address of the shared_info page */
	uint32_t flags;         /* SIF_* */
	xen_pfn_t store_mfn;    /* machine frame of the xenstore ring */
	uint32_t store_evtchn;  /* event channel of the xenstore ring, or 0 */
	union {
		struct {
			xen_pfn_t mfn;   /* machine frame of the console ring */
			uint32_t evtchn; /* its event channel */
		} domU;                  /* for ordinary domains */
		struct {
			uint32_t info_off;  /* offset of dom0_vga_console_info */
			uint32_t info_size; /* its size, or 0 if none */
		} dom0;                  /* for the initial domain */
	} console;
	uint64_t pt_base;       /* virtual address of the initial L4 */
	uint64_t nr_pt_frames;  /* frames used by the initial page tables */
	uint64_t mfn_list;      /* virtual address of the P2M array */
	uint64_t mod_start;     /* VA (or PFN with SIF_MOD_START_PFN) of modules */
	uint64_t mod_len;       /* size of the modules in bytes */
	int8_t cmd_line[MAX_GUEST_CMDLINE]; /* kernel command line */
	uint64_t first_p2m_pfn; /* first PFN of a P2M placed outside the kernel */
	uint64_t nr_p2m_frames; /* number of such P2M frames */
};

/* start_info.flags */
#define SIF_PRIVILEGED      (1 << 0)  /* may use privileged operations */
#define SIF_INITDOMAIN      (1 << 1)  /* is the initial (control) domain */
#define SIF_MULTIBOOT_MOD   (1 << 2)  /* mod_start holds xen_multiboot_mod_list */
#define SIF_MOD_START_PFN   (1 << 3)  /* mod_start is a PFN, not a VA */
#define SIF_VIRT_P2M_4TOOLS (1 << 4)  /* P2M for tools is the virtual one */
#define SIF_PM_MASK         (0xFF << 8) /* power-management flags */

/* One entry of the module list when SIF_MULTIBOOT_MOD is set. */
struct xen_multiboot_mod_list {
	uint32_t mod_start; /* offset of the module from mod_start's base */
	uint32_t mod_end;   /* offset of its end */
	uint32_t cmdline;   /* offset of its command line */
	uint32_t pad;
};

/* Video modes in dom0_vga_console_info.video_type. */
#define XEN_VGATYPE_TEXT_MODE_3 0x03
#define XEN_VGATYPE_VESA_LFB    0x23
#define XEN_VGATYPE_EFI_LFB     0x70

/*
 * Firmware console description given to the initial domain, at
 * start_info + console.dom0.info_off.  Veneer sets info_size 0 and gives
 * none, but the layout is part of the contract.
 */
struct dom0_vga_console_info {
	uint8_t video_type; /* XEN_VGATYPE_* */
	union {
		struct {
			uint16_t font_height;
			uint16_t cursor_x;
			uint16_t cursor_y;
			uint16_t rows;
			uint16_t columns;
		} text_mode_3;
		struct {
			uint16_t width;          /* pixels */
			uint16_t height;
			uint16_t bytes_per_line;
			uint16_t bits_per_pixel;
			uint32_t lfb_base;       /* frame buffer address, low 32 bits */
			uint32_t lfb_size;       /* in 64 KiB units */
			uint8_t red_pos;
			uint8_t red_size;
			uint8_t green_pos;
			uint8_t green_size;
			uint8_t blue_pos;
			uint8_t blue_size;
			uint8_t rsvd_pos;
			uint8_t rsvd_size;
			uint32_t gbl_caps;       /* VESA capabilities */
			uint16_t mode_attrs;     /* VESA mode attributes */
			uint16_t pad;
			uint32_t ext_lfb_base;   /* frame buffer address, high 32 bits */
		} vesa_lfb;
	} u;
};

#endif /* VENEER_XEN_H */
