/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The local APIC: register offsets, the vectors the hypervisor uses, and
 * the functions of arch/x86/apic.c.
 */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <hv/types.h>

#define APIC_ID		0x020
#define APIC_TPR	0x080
#define APIC_EOI	0x0b0
#define APIC_SVR	0x0f0
#define APIC_ESR	0x280
#define APIC_ICR	0x300
#define APIC_ICR2	0x310
#define APIC_LVTT	0x320
#define APIC_LVT0	0x350
#define APIC_LVT1	0x360
#define APIC_LVTERR	0x370
#define APIC_TMICT	0x380
#define APIC_TMCCT	0x390
#define APIC_TDCR	0x3e0

#define APIC_LVT_MASKED		(1 << 16)
#define APIC_DM_NMI		(4 << 8)
#define APIC_DM_INIT		(5 << 8)
#define APIC_DM_STARTUP		(6 << 8)
#define APIC_ICR_BUSY		(1 << 12)
#define APIC_INT_ASSERT		(1 << 14)

/* Vectors: high ones have priority over anything a guest gets later. */
#define TIMER_VECTOR		0xef
#define CALL_VECTOR		0xf0
#define ERROR_VECTOR		0xfe
#define SPURIOUS_VECTOR		0xff

extern bool x2apic_enabled;

void apic_init_cpu(void);
u32 apic_read(unsigned int reg);
void apic_write(unsigned int reg, u32 v);
u32 apic_id(void);
void apic_eoi(void);
void apic_send_ipi(u32 dest, u32 icr_low);

#endif /* ASM_APIC_H */
