// SPDX-License-Identifier: GPL-2.0
/*
 * Debug registers of a PV guest: set_debugreg and get_debugreg
 * (hypercalls 8 and 9), the same for a guest kernel's `mov` to and from
 * %drN (emulated on its #GP, pv/emul-cr-io.c), and their place on the
 * CPU.
 *
 * A vCPU's DR0-DR3 and DR7 are the real ones while it runs, so its
 * breakpoints and watchpoints fire in the guest as natively: the #DB is
 * bounced with the CPU's DR6 merged into the virtual DR6 (pv/traps.c).
 * They stay armed while the hypervisor runs for it, which is why #DB has
 * its own IST stack and entry (arch/x86/entry.S): our own accesses to a
 * watched guest address raise #DB in ring 0, noted and dropped there.
 *
 * What a guest may put there, as Xen 4.17 checks it:
 *   - DR0-DR3: an address in the lower canonical half or above the
 *     hypervisor's slots (>= 0xffff880000000000); anything else, the
 *     hypervisor's range and non-canonical values, is -EPERM.  A
 *     breakpoint's length masks the low address bits (it is naturally
 *     aligned, at most 8 bytes), and both ends of the refused range are
 *     far more aligned than that, so no length reaches into it;
 *   - DR6, DR7: the upper 32 bits must be clear (-EINVAL); the reserved
 *     bits are forced (DR6: 0xffff0ff0 set, bit 12 clear; DR7: bit 10
 *     set, bits 11, 12, 14, 15 clear);
 *   - DR7.GD (general detect) is -EPERM: the guest is not to see our
 *     own debug-register accesses, and it would fault in ring 0;
 *   - an I/O breakpoint (R/W = 10b) needs CR4.DE in the guest's CR4,
 *     which our virtual CR4 does not have (pv/emul-cr-io.c): -EPERM;
 *   - DR4 and DR5 are DR6 and DR7 under the same CR4.DE=0 rule; other
 *     numbers are -ENODEV (a #UD for the `mov`).
 *
 * Switching (pv_load_debugregs(), from the context switch): a CPU whose
 * DR7 enables nothing is the cheap case, and a switch between two such
 * vCPUs touches no debug register.  Otherwise DR7 is cleared first, then
 * the next vCPU's DR0-DR3 and DR7 are loaded if it enables any.  The CPU
 * remembers whether its DR7 is armed, so a vCPU that died while loaded
 * still leaves a clean CPU behind.  DR6 on the CPU is always at its
 * default between two #DBs; the guest's DR6 is the virtual one.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/log.h>
#include <hv/pv.h>
#include <hv/smp.h>

#define DR7_DEFAULT	0x00000400UL
#define DR7_ACTIVE	0xffUL		/* L0-L3, G0-G3 */
#define DR7_ZEROS	0x0000d800UL	/* reserved, read as zero */
#define DR7_GD		(1UL << 13)
#define DR6_ZEROS	0x00001000UL	/* reserved, read as zero */
#define DR_RW_IO	2
#define BP_ADDR_HV_END	0xffff880000000000UL
#define BP_ADDR_LOW_END	0x0000800000000000UL

/* Is this CPU's DR7 arming anything (a vCPU's breakpoints loaded)? */
static bool dr7_armed[MAX_CPUS];

static void write_dr(unsigned int reg, unsigned long val)
{
	switch (reg) {
	case 0: __asm__ __volatile__("mov %0, %%dr0" : : "r"(val)); break;
	case 1: __asm__ __volatile__("mov %0, %%dr1" : : "r"(val)); break;
	case 2: __asm__ __volatile__("mov %0, %%dr2" : : "r"(val)); break;
	case 3: __asm__ __volatile__("mov %0, %%dr3" : : "r"(val)); break;
	case 7: __asm__ __volatile__("mov %0, %%dr7" : : "r"(val)); break;
	}
}

/* The value a vCPU reads before writing: the architectural reset. */
static unsigned long dr_value(const struct vcpu *v, unsigned int reg)
{
	if (reg == 6 && !v->pv.dr_written[6])
		return DR6_DEFAULT;
	if (reg == 7 && !v->pv.dr_written[7])
		return DR7_DEFAULT;
	return v->pv.dr[reg];
}

static bool dr7_active(const struct vcpu *v)
{
	return v && v->pv.dr_written[7] && (v->pv.dr[7] & DR7_ACTIVE);
}

/**
 * pv_load_debugregs() - give the CPU the debug registers of @next
 * @next: the vCPU about to run here, or NULL (idle)
 *
 * Called by the context switch with interrupts off.
 */
void pv_load_debugregs(const struct vcpu *next)
{
	unsigned int cpu = smp_processor_id();
	bool on = dr7_active(next);

	if (!on && !dr7_armed[cpu])
		return;
	if (dr7_armed[cpu])
		write_dr(7, DR7_DEFAULT);
	if (on) {
		for (unsigned int i = 0; i < 4; i++)
			write_dr(i, next->pv.dr[i]);
		write_dr(7, next->pv.dr[7]);
	}
	dr7_armed[cpu] = on;
}

/* A refusal is logged once per domain: a guest could repeat it for ever. */
static long refuse(struct vcpu *v, unsigned int reg, unsigned long value,
		   const char *why)
{
	if (!v->domain->dr7_refusal_logged) {
		v->domain->dr7_refusal_logged = true;
		gprintk(LOG_WARN, v, "set_debugreg %u = %#lx: %s: -EPERM "
			"(further refusals not logged)", reg, value, why);
	}
	return -EPERM;
}

/* Where a breakpoint may be: see the top of the file. */
static bool breakpoint_addr_ok(unsigned long a)
{
	return a < BP_ADDR_LOW_END || a >= BP_ADDR_HV_END;
}

/**
 * pv_set_debugreg() - write debug register @reg of the running vCPU
 * @v:     the running vCPU
 * @reg:   0-7
 * @value: the new value
 *
 * Return: 0; -EPERM for a value that is valid but not allowed, -EINVAL
 * for reserved bits, -ENODEV for a register that does not exist (the
 * `mov` emulation turns the first two into #GP(0), the last into #UD).
 */
long pv_set_debugreg(struct vcpu *v, unsigned int reg, unsigned long value)
{
	switch (reg) {
	case 0: case 1: case 2: case 3:
		if (!breakpoint_addr_ok(value))
			return refuse(v, reg, value, "a hypervisor or "
				      "non-canonical address");
		v->pv.dr[reg] = value;
		if (dr7_armed[smp_processor_id()])
			write_dr(reg, value);
		break;
	case 4:		/* DR6 while CR4.DE is clear */
	case 6:
		if (value >> 32)
			return -EINVAL;
		reg = 6;
		value = (value | DR6_DEFAULT) & ~DR6_ZEROS;
		v->pv.dr[6] = value;
		break;
	case 5:		/* DR7 while CR4.DE is clear */
	case 7:
		if (value >> 32)
			return -EINVAL;
		reg = 7;
		value = (value & ~DR7_ZEROS) | DR7_DEFAULT;
		if (value & DR7_GD)
			return refuse(v, reg, value, "general detect");
		if (value & DR7_ACTIVE) {
			for (unsigned int i = 0; i < 4; i++) {
				if (((value >> (16 + 4 * i)) & 3) == DR_RW_IO)
					return refuse(v, reg, value, "an I/O "
						      "breakpoint needs CR4.DE");
			}
		}
		v->pv.dr[7] = value;
		v->pv.dr_written[7] = true;
		/* The running vCPU: load the CPU as a switch would. */
		pv_load_debugregs(v);
		return 0;
	default:
		return -ENODEV;
	}
	v->pv.dr_written[reg] = true;
	return 0;
}

/**
 * pv_get_debugreg() - read debug register @reg of @v
 * @v:   the running vCPU
 * @reg: 0-7 (4 and 5 are 6 and 7, CR4.DE being clear)
 * @val: the value
 *
 * Return: 0, or -ENODEV for a register that does not exist.
 */
long pv_get_debugreg(const struct vcpu *v, unsigned int reg,
		     unsigned long *val)
{
	if (reg > 7)
		return -ENODEV;
	if (reg == 4 || reg == 5)
		reg += 2;
	*val = dr_value(v, reg);
	return 0;
}

/**
 * do_set_debugreg() - write debug register @reg of the running vCPU
 */
long do_set_debugreg(unsigned long reg, unsigned long value)
{
	/* The ABI's argument is an int: only the low 32 bits count. */
	return pv_set_debugreg(current_vcpu(), (unsigned int)reg, value);
}

/**
 * do_get_debugreg() - read debug register @reg of the running vCPU
 * @reg: 0-7
 *
 * Returns the value (a debug register value is never a small negative
 * number, so it cannot be mistaken for an error), or -ENODEV.
 */
long do_get_debugreg(unsigned long reg)
{
	unsigned long val;

	if (pv_get_debugreg(current_vcpu(), (unsigned int)reg, &val))
		return -ENODEV;
	return (long)val;
}
