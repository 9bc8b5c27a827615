// SPDX-License-Identifier: GPL-2.0
/*
 * Control-register and port-I/O instructions of a PV guest kernel.
 *
 * The guest kernel runs in ring 3, so `mov %cr4,%rax` or `in` raise #GP,
 * which pv_emulate_gp() (pv/emul-priv-op.c) hands here once it has ruled
 * out int $n and the MSRs.  Linux reads CR0 and CR4 natively early in
 * boot (cr4_init_shadow, contract §5 step 15) and writes CR4 after
 * removing the bits a PV guest may not have.  It sees virtual values: CR0
 * with PE, MP, ET, NE, WP, AM, PG and its own TS (fpu_taskswitch); CR4
 * with PAE and the SSE bits, consistent with the CPUID we show (no
 * XSAVE, no PGE).  CR2 reads give the address of the last page fault we
 * bounced (the value also in vcpu_info.arch.cr2): Linux's early page
 * fault handler reads %cr2 natively before its exception-table fixup.  Writes to CR4 change nothing; writes to CR0 set TS.
 *
 * Port I/O, `cli` and `sti` follow the virtual IOPL as Xen 4.17 checks
 * it (iopl_ok() below): the guest kernel runs at a virtual CPL of 1, or
 * of 0 once it enabled VMASST_TYPE_architectural_iopl, its user space at
 * 3, and the instruction is allowed when that CPL is at most the vCPU's
 * IOPL (PHYSDEVOP_set_iopl, pv/physdev.c; with the assist also the IOPL
 * of each iret frame, pv/iret.c).  Port I/O the IOPL does not allow is
 * still allowed where the I/O bitmap the kernel gave us
 * (PHYSDEVOP_set_iobitmap) clears every bit of the access, in either
 * mode, as the TSS bitmap would natively and as Xen checks it
 * (guest_io_okay()).  Allowed I/O behaves as on Xen for a domain without
 * devices: reads return all ones, writes are dropped, so probes simply
 * find nothing (contract §9.4).  Anything else is the #GP the CPU would
 * give.  Allowed `cli` and `sti` do nothing, as on Xen: a guest could not
 * undo them with `popf` (which never traps), so they must not mask
 * events.
 * The stock Debian kernel runs `pushf; cli; ...; popf` in its cmpxchg16b
 * emulation before alternatives are patched.  Anything else is not ours
 * and the caller bounces the #GP.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/layout.h>
#include <hv/log.h>
#include <hv/pv.h>

#include <asm/processor.h>

#define VCR0	0x80050033UL	/* PG AM WP NE ET MP PE */
#define CR0_TS	0x8UL
#define VCR4	0x620UL		/* OSXMMEXCPT OSFXSR PAE */

static u64 *gpr(struct cpu_regs *r, unsigned int n)
{
	u64 *map[16] = {
		&r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp,
		&r->rsi, &r->rdi, &r->r8, &r->r9, &r->r10, &r->r11,
		&r->r12, &r->r13, &r->r14, &r->r15,
	};
	return map[n & 15];
}

static bool emulate_mov_cr(struct vcpu *v, struct cpu_regs *r, u8 rex,
			   bool to_cr, u8 modrm, unsigned int len)
{
	unsigned int cr = ((modrm >> 3) & 7) | (rex & 4 ? 8 : 0);
	u64 *reg = gpr(r, (modrm & 7) | (rex & 1 ? 8 : 0));

	if ((modrm >> 6) != 3)
		return false;
	if (!to_cr && cr == 0)
		*reg = VCR0 | (v->pv.ts ? CR0_TS : 0);
	else if (!to_cr && cr == 2)	/* Linux's early #PF handler */
		*reg = v->vcpu_info->arch.cr2;
	else if (!to_cr && cr == 3)
		*reg = v->pv.kernel_l4 << 12;
	else if (!to_cr && cr == 4)
		*reg = VCR4;
	else if (to_cr && cr == 0)
		v->pv.ts = *reg & CR0_TS;
	else if (to_cr && cr == 4) {
		if ((*reg & ~VCR4) & ~0x80UL)	/* PGE is stripped anyway */
			gprintk(LOG_DEBUG, v, "mov to cr4 %#lx ignored", *reg);
	} else
		return false;
	r->rip += len;
	return true;
}

/*
 * `mov %drN, %reg` (0f 21) and `mov %reg, %drN` (0f 23) from the guest
 * kernel: the same values and checks as get_debugreg and set_debugreg
 * (pv/debugreg.c), with the outcome the CPU would give: a register that
 * does not exist (REX.R: DR8-DR15) is #UD, a refused value #GP(0).  The
 * operand is always a whole 64-bit register; mod is ignored, as by the
 * CPU.  From guest user mode these stay the #GP they are.
 */
static bool emulate_mov_dr(struct vcpu *v, struct cpu_regs *r, u8 rex,
			   bool to_dr, u8 modrm, unsigned int len)
{
	unsigned int dr = ((modrm >> 3) & 7) | (rex & 4 ? 8 : 0);
	u64 *reg = gpr(r, (modrm & 7) | (rex & 1 ? 8 : 0));
	unsigned long val;
	long rc;

	if (to_dr) {
		rc = pv_set_debugreg(v, dr, *reg);
	} else {
		rc = pv_get_debugreg(v, dr, &val);
		if (!rc)
			*reg = val;
	}
	if (rc == -ENODEV) {
		pv_inject_exception(v, r, 6, 0);
		return true;
	}
	if (rc) {
		gprintk(LOG_INFO, v, "mov %#lx to dr%u: %ld, #GP(0)",
			(unsigned long)*reg, dr, rc);
		return false;
	}
	r->rip += len;
	return true;
}

/*
 * Does the virtual IOPL allow I/O-sensitive instructions in the mode the
 * vCPU is in?  Xen 4.17's iopl_ok(): virtual CPL 3 for user space, 1 for
 * the kernel, 0 for a kernel that asked for architectural IOPL.
 */
static bool iopl_ok(struct vcpu *v)
{
	unsigned int cpl = 3;

	if (v->pv.in_kernel)
		cpl = v->pv.vm_assist & (1UL << VMASST_TYPE_architectural_iopl) ?
		      0 : 1;
	return vcpu_evt(v)->iopl >= cpl;
}

/*
 * May the vCPU touch @size ports from @port?  The IOPL first, then the
 * bitmap.  The bitmap lives in the guest kernel's memory (Linux: its
 * per-CPU TSS), which the user page tables do not map: read it through
 * the kernel's, with interrupts off so that nothing runs on them
 * meanwhile.  A byte that cannot be read counts as all ones (no access),
 * as natively beyond the TSS limit.
 */
static bool io_ok(struct vcpu *v, unsigned int port, unsigned int size)
{
	u8 b[2] = { 0xff, 0xff };
	unsigned long left, flags;
	unsigned int mask;

	if (iopl_ok(v))
		return true;
	if (port + size > v->pv.iobmp_limit)
		return false;
	flags = local_irq_save();
	write_cr3(v->pv.kernel_l4 << PAGE_SHIFT);
	left = copy_from_guest_partial(b, v->pv.iobmp + (port >> 3), 2);
	pv_load_cr3(v);
	local_irq_restore(flags);
	if (left == 2)
		b[0] = 0xff;
	if (left >= 1)
		b[1] = 0xff;
	mask = ((1U << size) - 1) << (port & 7);
	return !((b[0] | (b[1] << 8)) & mask);
}

static bool emulate_io(struct vcpu *v, struct cpu_regs *r, bool opsize16,
		       u8 op, unsigned int port, unsigned int len)
{
	bool in = !(op & 2);
	unsigned int size = (op & 1) ? (opsize16 ? 2 : 4) : 1;

	if (!io_ok(v, port, size))
		return false;
	if (in) {
		if (size == 4)
			r->rax = 0xffffffffUL;	/* 32-bit writes zero-extend */
		else if (size == 2)
			r->rax |= 0xffff;
		else
			r->rax |= 0xff;
	}
	r->rip += len;
	return true;
}

/**
 * pv_emulate_cr_io() - emulate a CR access or port I/O that raised #GP
 * @v: the running vCPU
 * @r: its registers; rip moves past the instruction when emulated
 *
 * Return: true if emulated; false to let the caller bounce the #GP.
 */
bool pv_emulate_cr_io(struct vcpu *v, struct cpu_regs *r)
{
	u8 b[6];
	unsigned int i = 0;
	bool opsize16 = false;
	u8 rex = 0;

	if (r->error_code || copy_from_guest(b, r->rip, sizeof(b)))
		return false;
	if (b[i] == 0x66) {
		opsize16 = true;
		i++;
	}
	if ((b[i] & 0xf0) == 0x40)
		rex = b[i++];
	switch (b[i]) {
	case 0x0f:
		if (b[i + 1] == 0x20 || b[i + 1] == 0x22)
			return v->pv.in_kernel &&
			       emulate_mov_cr(v, r, rex, b[i + 1] == 0x22,
					      b[i + 2], i + 3);
		if (b[i + 1] == 0x21 || b[i + 1] == 0x23)
			return v->pv.in_kernel &&
			       emulate_mov_dr(v, r, rex, b[i + 1] == 0x23,
					      b[i + 2], i + 3);
		if (b[i + 1] == 0x09 && v->pv.in_kernel) {	/* wbinvd */
			r->rip += i + 2;
			return true;
		}
		return false;
	case 0xfa: case 0xfb:		/* cli, sti: no-ops, as on Xen */
		if (!iopl_ok(v))
			return false;
		r->rip += i + 1;
		return true;
	case 0xe4: case 0xe5: case 0xe6: case 0xe7:	/* in/out imm8 */
		return emulate_io(v, r, opsize16, b[i], b[i + 1], i + 2);
	case 0xec: case 0xed: case 0xee: case 0xef:	/* in/out dx */
		return emulate_io(v, r, opsize16, b[i], (u16)r->rdx, i + 1);
	}
	return false;
}
