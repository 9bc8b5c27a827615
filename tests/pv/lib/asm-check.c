// SPDX-License-Identifier: GPL-2.0
/*
 * Compile-time checks that include/pv-asm.h, which the assembly files
 * use, agrees with the ABI headers and with include/pv.h.
 */
#include "pv.h"
#include "pv-asm.h"

_Static_assert(ASM_HYPERVISOR_iret == __HYPERVISOR_iret, "iret number");
_Static_assert(ASM_FLAT_USER_CS == FLAT_USER_CS, "user CS");
_Static_assert(ASM_FLAT_USER_SS == FLAT_USER_SS, "user SS");
_Static_assert(ASM_XENFEAT_dom0 == XENFEAT_dom0, "XENFEAT_dom0");
_Static_assert(ASM_NR_VECS == NR_VECS, "vector count");
_Static_assert(ASM_IRET_CTX_SIZE == sizeof(struct iret_context),
	       "iret_context size");
_Static_assert(offsetof(struct gprs, rax) == 0 &&
	       offsetof(struct gprs, rsp) == 56 &&
	       offsetof(struct gprs, r8) == 64 &&
	       offsetof(struct gprs, r15) == 120, "struct gprs layout");
_Static_assert(offsetof(struct trap_regs, ctx) == 15 * 8 &&
	       offsetof(struct trap_regs, frame) == 15 * 8 + 72 + 8,
	       "struct trap_regs layout");
