// SPDX-License-Identifier: GPL-2.0
/*
 * The few instructions a PV guest kernel executes that trap, and that we
 * emulate rather than bounce (contract §9).
 *
 * The guest kernel runs in ring 3, so `rdmsr`, `wrmsr` and `int $n`
 * through a DPL-0 gate raise #GP; `ud2` raises #UD.  pv_guest_trap()
 * (pv/traps.c) asks here first:
 *   - #UD at `ud2; .ascii "xen"; cpuid` is Linux's forced-emulation
 *     CPUID: we answer with our policy, including the hypervisor leaves
 *     at 0x40000000 that make Linux recognise a Xen-ABI hypervisor, and
 *     without the features a ring-3 kernel cannot use (SMEP/SMAP above
 *     all: Linux would patch stac/clac in and they #UD in ring 3);
 *   - #GP at `int $n` (cd nn): the software interrupt the guest asked for
 *     if its trap-table entry allows it, else #GP(n*8+2).  We decode the
 *     instruction instead of trusting the error code, because QEMU 7.2's
 *     TCG reports n*16+2 there;
 *   - #GP at rdmsr/wrmsr from guest kernel mode: the segment-base MSRs
 *     (with the canonical check hardware would do), a few read-only ones
 *     Linux reads, and #GP(0) for everything else, which Linux's _safe
 *     accessors turn into an error return.
 * Everything else goes back to pv_guest_trap() to be bounced unchanged.
 */
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/pv.h>
#include <hv/x86-decode.h>

#include <asm/processor.h>

#define MSR_IA32_UCODE_REV	0x0000008b
#define MSR_IA32_PAT		0x00000277
#define MSR_IA32_MISC_ENABLE	0x000001a0
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SFMASK		0xc0000084
#define MSR_SYSENTER_CS		0x00000174
#define MSR_SYSENTER_ESP	0x00000175
#define MSR_SYSENTER_EIP	0x00000176
#define MSR_TSC_AUX		0xc0000103

#define XEN_PV_PAT		0x050100070406UL
#define XEN_CPUID_BASE		0x40000000
#define XEN_CPUID_MAX		(XEN_CPUID_BASE + 2)

static const u8 forced_cpuid[7] = { 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2 };

/* leaf 1 */
#define ECX_MASK_1 ((1U << 3) | (1U << 4) | (1U << 5) | (1U << 6) |	\
		    (1U << 7) | (1U << 8) | (1U << 12) | (1U << 15) |	\
		    (1U << 17) | (1U << 18) | (1U << 21) | (1U << 24) |	\
		    (1U << 26) | (1U << 27) | (1U << 28) | (1U << 29))
#define EDX_MASK_1 ((1U << 3) | (1U << 7) | (1U << 9) | (1U << 12) |	\
		    (1U << 13) | (1U << 14) | (1U << 17) | (1U << 21) |	\
		    (1U << 22) | (1U << 29) | (1U << 31))
/* leaf 7.0: FSGSBASE, HLE, AVX2, SMEP, INVPCID, RTM, PQM, MPX, PQE,
 * AVX-512*, SMAP, Intel PT */
#define EBX_MASK_7 ((1U << 0) | (1U << 4) | (1U << 5) | (1U << 7) |	\
		    (1U << 10) | (1U << 11) | (1U << 12) | (1U << 14) |	\
		    (1U << 15) | (1U << 16) | (1U << 17) | (1U << 20) |	\
		    (1U << 21) | (1U << 25) | (1U << 26) | (1U << 27) |	\
		    (1U << 28) | (1U << 30) | (1U << 31))
/* UMIP, PKU, OSPKE, CET shadow stacks, LA57, AVX-512 extras */
#define ECX_MASK_7 ((1U << 1) | (1U << 2) | (1U << 3) | (1U << 4) |	\
		    (1U << 6) | (1U << 7) | (1U << 11) | (1U << 12) |	\
		    (1U << 14) | (1U << 16))
/* IBT, and the speculation-control MSRs we do not emulate */
#define EDX_MASK_7 ((1U << 20) | (1U << 26) | (1U << 27) | (1U << 28) |	\
		    (1U << 29) | (1U << 31))

/**
 * pv_cpuid() - the CPUID a PV guest sees
 * @leaf, @sub: eax and ecx
 * @r: eax, ebx, ecx, edx out
 */
static void pv_cpuid(u32 leaf, u32 sub, u32 r[4])
{
	if (leaf >= XEN_CPUID_BASE && leaf < XEN_CPUID_BASE + 0x10000) {
		r[0] = r[1] = r[2] = r[3] = 0;
		switch (leaf) {
		case XEN_CPUID_BASE:
			r[0] = XEN_CPUID_MAX;
			r[1] = 0x566e6558;	/* "XenV" */
			r[2] = 0x65584d4d;	/* "MMXe" */
			r[3] = 0x4d4d566e;	/* "nVMM" */
			break;
		case XEN_CPUID_BASE + 1:
			r[0] = VENEER_XEN_VERSION;
			break;
		case XEN_CPUID_BASE + 2:
			r[0] = 1;		/* hypercall pages */
			r[1] = XEN_CPUID_BASE;	/* their MSR */
			break;
		}
		return;
	}
	cpuid(leaf, sub, &r[0], &r[1], &r[2], &r[3]);
	switch (leaf) {
	case 1:
		/* No APIC to speak of: initial APIC id 0 on every vCPU, as
		 * Xen does for PV (not the id of whichever CPU runs it). */
		r[1] &= 0x00ffffff;
		r[2] = (r[2] & ~ECX_MASK_1) | (1U << 31); /* hypervisor */
		r[3] &= ~EDX_MASK_1;
		break;
	case 7:
		if (sub == 0) {
			r[1] &= ~EBX_MASK_7;
			r[2] &= ~ECX_MASK_7;
			r[3] &= ~EDX_MASK_7;
		}
		break;
	case 0xd:			/* XSAVE is hidden */
		r[0] = r[1] = r[2] = r[3] = 0;
		break;
	case 0x80000001:
		r[2] &= ~(1U << 2);	/* SVM */
		break;
	}
}

/**
 * pv_emulate_forced_cpuid() - #UD: was it `ud2; .ascii "xen"; cpuid`?
 * @v: the running vCPU
 * @r: its registers; on success eax-edx are set and rip moves past
 */
bool pv_emulate_forced_cpuid(struct vcpu *v, struct cpu_regs *r)
{
	u8 insn[sizeof(forced_cpuid)];
	u32 out[4];

	if (copy_from_guest(insn, r->rip, sizeof(insn)) ||
	    memcmp(insn, forced_cpuid, sizeof(insn)))
		return false;
	pv_cpuid(r->rax, r->rcx, out);
	r->rax = out[0];
	r->rbx = out[1];
	r->rcx = out[2];
	r->rdx = out[3];
	r->rip += sizeof(forced_cpuid);
	return true;
}

/*
 * TSC_AUX is per vCPU, as on Xen: Linux puts its CPU number there
 * (setup_getcpu()) for rdtscp and rdpid in the vDSO's getcpu, so each
 * vCPU's value goes with it to whichever CPU runs it.  The MSR exists
 * when the CPU has rdtscp or rdpid (which CPUID passes through); without
 * them an access is the #GP the CPU would give.
 */
static int tsc_aux_present = -1;	/* unknown yet */

static bool have_tsc_aux(void)
{
	if (tsc_aux_present < 0) {
		u32 a, b, c, d, max;
		bool rdtscp = false, rdpid = false;

		cpuid(0x80000000, 0, &max, &b, &c, &d);
		if (max >= 0x80000001) {
			cpuid(0x80000001, 0, &a, &b, &c, &d);
			rdtscp = d & (1U << 27);
		}
		cpuid(0, 0, &max, &b, &c, &d);
		if (max >= 7) {
			cpuid(7, 0, &a, &b, &c, &d);
			rdpid = c & (1U << 22);
		}
		WRITE_ONCE(tsc_aux_present, rdtscp || rdpid);
	}
	return tsc_aux_present;
}

void pv_load_tsc_aux(struct vcpu *v)
{
	if (have_tsc_aux())
		wrmsr(MSR_TSC_AUX, v->pv.tsc_aux);
}

static bool read_msr(struct vcpu *v, u32 msr, u64 *val)
{
	switch (msr) {
	case MSR_TSC_AUX:
		if (!have_tsc_aux())
			return false;
		*val = v->pv.tsc_aux;
		return true;
	case MSR_FS_BASE:
		*val = rdmsr(MSR_FS_BASE);
		return true;
	case MSR_GS_BASE:
		*val = read_guest_gs_base();
		return true;
	case MSR_KERNEL_GS_BASE:
		*val = v->pv.gs_base_user;
		return true;
	case MSR_IA32_PAT:
		*val = XEN_PV_PAT;
		return true;
	case MSR_EFER:
		*val = rdmsr(MSR_EFER);
		return true;
	case MSR_IA32_UCODE_REV:
	case MSR_IA32_MISC_ENABLE:
		*val = 0;
		return true;
	}
	return false;
}

static bool write_msr(struct vcpu *v, u32 msr, u64 val)
{
	switch (msr) {
	case MSR_TSC_AUX:
		/* Bits 63:32 are reserved: the CPU gives #GP. */
		if (!have_tsc_aux() || (val >> 32))
			return false;
		v->pv.tsc_aux = (u32)val;
		wrmsr(MSR_TSC_AUX, val);
		return true;
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
		if (!is_canonical(val)) {
			gprintk(LOG_WARN, v, "wrmsr %#x: non-canonical base "
				"%#lx: #GP", msr, (unsigned long)val);
			return false;
		}
		if (msr == MSR_FS_BASE) {
			wrmsr(MSR_FS_BASE, val);
			v->pv.fs_base = val;
		} else if (msr == MSR_GS_BASE) {
			write_guest_gs_base(val);
		} else {
			v->pv.gs_base_user = val;
		}
		return true;
	case MSR_STAR: case MSR_LSTAR: case MSR_CSTAR: case MSR_SFMASK:
	case MSR_SYSENTER_CS: case MSR_SYSENTER_ESP: case MSR_SYSENTER_EIP:
	case MSR_IA32_UCODE_REV:
		return true;	/* ours to keep; the write is dropped */
	}
	return false;
}

static bool emulate_msr(struct vcpu *v, struct cpu_regs *r, bool write)
{
	u32 msr = r->rcx;
	u64 val;

	if (!v->pv.in_kernel)
		return false;
	if (write) {
		if (!write_msr(v, msr, (r->rdx << 32) | (u32)r->rax))
			return false;
	} else {
		if (!read_msr(v, msr, &val))
			return false;
		r->rax = (u32)val;
		r->rdx = val >> 32;
	}
	r->rip += 2;
	return true;
}

/*
 * `int $n` that hit our DPL-0 IDT gate: deliver vector n if the guest's
 * own trap-table entry allows it from the mode it is in, else #GP with
 * the error code hardware would have given for that gate.  @len is the
 * instruction's length, prefixes included: the software interrupt
 * returns after it.
 */
static bool emulate_int_n(struct vcpu *v, struct cpu_regs *r, u8 n,
			  unsigned int len)
{
	const struct trap_info *t = &v->pv.trap_ctxt[n];
	unsigned int need = v->pv.in_kernel ? 1 : 3;

	if (t->address && (t->flags & 3) >= need) {
		r->rip += len;
		pv_bounce(v, r, t->address, t->flags & 4 ? TBF_MASK_EVENTS : 0,
			  0);
		return true;
	}
	gprintk(LOG_INFO, v, "int $%#x at %#lx: trap-table entry %s: #GP(%#x)",
		n, (unsigned long)r->rip,
		t->address ? "has too low a DPL" : "is empty", n * 8 + 2);
	r->error_code = n * 8 + 2;
	return false;
}

/*
 * The `int $n` at rip, behind any prefixes (random bytes and hostile
 * code put them there; the CPU ignores them): n and the length, or false
 * if the bytes are not an `int $n` within the 15 an instruction may have.
 */
static bool decode_int_n(struct cpu_regs *r, u8 *n, unsigned int *len)
{
	u8 b[X86_MAX_INSN_LEN];
	unsigned int got, i;

	got = X86_MAX_INSN_LEN -
	      copy_from_guest_partial(b, r->rip, X86_MAX_INSN_LEN);
	for (i = 0; i + 1 < got; i++) {
		switch (b[i]) {
		case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64:
		case 0x65: case 0x66: case 0x67: case 0xf0: case 0xf2:
		case 0xf3:
			continue;
		}
		if ((b[i] & 0xf0) == 0x40)	/* REX */
			continue;
		if (b[i] != 0xcd)
			return false;
		*n = b[i + 1];
		*len = i + 2;
		return true;
	}
	return false;
}

/* Does the one-byte or 0f-map opcode @op (modrm @m) accept LOCK? */
static bool lockable(bool two, u8 op, u8 m)
{
	unsigned int reg = (m >> 3) & 7;

	if ((m >> 6) == 3)
		return false;		/* only with a memory destination */
	if (two)
		return op == 0xab || op == 0xb3 || op == 0xbb ||
		       op == 0xb0 || op == 0xb1 || op == 0xc0 ||
		       op == 0xc1 || (op == 0xba && reg >= 5) ||
		       (op == 0xc7 && reg == 1);
	if (op < 0x40)			/* add or adc sbb and sub xor: r/m, r */
		return (op & 7) <= 1 && (op >> 3) != 7;	/* not cmp */
	if (op >= 0x80 && op <= 0x83)
		return reg != 7;	/* group 1 but cmp */
	if (op == 0x86 || op == 0x87)
		return true;		/* xchg */
	if (op == 0xf6 || op == 0xf7)
		return reg == 2 || reg == 3;	/* not, neg */
	if (op == 0xfe || op == 0xff)
		return reg <= 1;	/* inc, dec */
	return false;
}

/*
 * QEMU's TCG raises #GP(0) for some instructions the CPU answers with
 * #UD, which takes precedence: a LOCK prefix on an instruction that
 * cannot take it (in/out, mov to or from a control or debug register,
 * rdmsr, wbinvd: TCG checks privilege first) and opcode 8f with a ModRM
 * reg field other than 0 (pop r/m is /0; /1-/7 are #UD, or AMD's XOP).
 * Xen's #GP path re-decodes the instruction and answers #UD; so do we,
 * for 64-bit code, before anything else looks at the #GP.  On hardware
 * the CPU already says #UD and this never runs.  Returns true and
 * rewrites @r's vector if the answer is #UD.
 */
static bool ud_not_gp(struct vcpu *v, struct cpu_regs *r)
{
	u8 b[X86_MAX_INSN_LEN];
	unsigned int got, i = 0;
	bool lock = false, two = false;
	u8 op;

	if (r->error_code || !pv_code_is_64bit(v, (u16)r->cs))
		return false;
	got = X86_MAX_INSN_LEN -
	      copy_from_guest_partial(b, r->rip, X86_MAX_INSN_LEN);
	for (; i < got; i++) {
		switch (b[i]) {
		case 0xf0:
			lock = true;
			continue;
		case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64:
		case 0x65: case 0x66: case 0x67: case 0xf2: case 0xf3:
			continue;
		}
		if ((b[i] & 0xf0) == 0x40)	/* REX */
			continue;
		break;
	}
	if (i + 1 >= got)
		return false;
	op = b[i++];
	if (op == 0x0f) {
		two = true;
		op = b[i++];
		if (i >= got)
			return false;
	}
	if (!(lock ? !lockable(two, op, b[i]) :
	      !two && op == 0x8f && ((b[i] >> 3) & 7)))
		return false;
	r->vector = 6;
	r->error_code = 0;
	return true;
}

/**
 * pv_emulate_gp() - #GP from the guest: emulate, or leave it to bounce
 * @v: the running vCPU
 * @r: its registers; r->error_code may be corrected for `int $n`, and
 *     r->vector to #UD where QEMU's #GP should have been one
 *
 * Returns true if the instruction was handled (emulated or delivered).
 */
bool pv_emulate_gp(struct vcpu *v, struct cpu_regs *r)
{
	unsigned int len;
	u8 insn[2], n;

	/* Bit 1: the fault was on an IDT gate, i.e. a software interrupt
	 * through one of our DPL-0 gates. */
	if ((r->error_code & 3) == 2 && decode_int_n(r, &n, &len))
		return emulate_int_n(v, r, n, len);
	if (ud_not_gp(v, r))
		return false;		/* delivered as #UD */
	if (copy_from_guest(insn, r->rip, sizeof(insn)))
		return false;
	if (r->error_code || insn[0] != 0x0f)
		return pv_emulate_cr_io(v, r);	/* pv/emul-cr-io.c */
	if (insn[1] == 0x30)
		return emulate_msr(v, r, true);
	if (insn[1] == 0x32)
		return emulate_msr(v, r, false);
	return pv_emulate_cr_io(v, r);
}
