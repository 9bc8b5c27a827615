/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few ABI numbers the assembly files need.  The ABI headers in
 * hypercall-abi/ declare C structures and cannot be included from
 * assembly, so these are repeated here; lib/asm-check.c checks each one
 * against <veneer/...> at compile time.
 */
#ifndef PV_ASM_H
#define PV_ASM_H

#define ASM_HYPERVISOR_iret	23
#define ASM_FLAT_USER_CS	0xe033
#define ASM_FLAT_USER_SS	0xe02b
#define ASM_XENFEAT_dom0	11
#define ASM_NR_VECS		259
#define ASM_IRET_CTX_SIZE	72

#endif /* PV_ASM_H */
