/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding and emulating the instructions a PV guest uses to write its
 * own pinned page tables directly (writable-pagetable emulation,
 * contract §7.3).
 *
 * A pinned table is read-only to the guest, so such a write faults.  The
 * fault handler fetches the instruction bytes, decodes them here into a
 * struct x86_mem_insn, computes the operand's linear address, lets
 * x86_emulate_pte_write() compute the new 8-byte entry and the register
 * and flag results, has the entry validated by the page-type engine
 * (hv/pagetype.h) and only then commits the registers and skips the
 * instruction.  Nothing here touches guest state: it is pure, and
 * host-tested in tests/unit/test_hv_ptwr.c.
 *
 * Supported: memory-destination forms of mov (register or immediate),
 * xchg, cmpxchg, and, or, xor (register or immediate), bts, btr, btc
 * (register or imm8), with operand sizes 1, 2, 4, 8, any ModRM/SIB
 * addressing including RIP-relative, a lock prefix where the instruction
 * allows one, and fs/gs overrides.  Everything else is "unsupported".
 */
#ifndef HV_X86_DECODE_H
#define HV_X86_DECODE_H

#include <hv/types.h>

#define X86_MAX_INSN_LEN	15

enum x86_mem_op {
	X86_OP_MOV,
	X86_OP_XCHG,
	X86_OP_CMPXCHG,
	X86_OP_AND,
	X86_OP_OR,
	X86_OP_XOR,
	X86_OP_BTS,
	X86_OP_BTR,
	X86_OP_BTC,
};

/* General registers in encoding order: rax=0, rcx, rdx, rbx, rsp, rbp,
 * rsi, rdi, r8..r15. */
#define X86_REG_RAX	0
#define X86_REG_NONE	0xff	/* no base or no index */
#define X86_REG_RIP	0xfe	/* base of a RIP-relative operand */

enum x86_seg {
	X86_SEG_NONE,		/* flat: no base added */
	X86_SEG_FS,
	X86_SEG_GS,
};

/* RFLAGS bits the emulation may change. */
#define X86_FLAG_CF	(1UL << 0)
#define X86_FLAG_PF	(1UL << 2)
#define X86_FLAG_AF	(1UL << 4)
#define X86_FLAG_ZF	(1UL << 6)
#define X86_FLAG_SF	(1UL << 7)
#define X86_FLAG_OF	(1UL << 11)
#define X86_FLAGS_ARITH	(X86_FLAG_CF | X86_FLAG_PF | X86_FLAG_AF | \
			 X86_FLAG_ZF | X86_FLAG_SF | X86_FLAG_OF)

/**
 * struct x86_mem_insn - a decoded instruction that writes memory
 * @len:       length in bytes
 * @op:        enum x86_mem_op
 * @size:      operand size in bytes: 1, 2, 4 or 8
 * @lock:      a lock prefix was present (xchg is locked without one)
 * @seg:       enum x86_seg: the segment whose base the caller adds
 * @base:      base register, X86_REG_RIP, or X86_REG_NONE
 * @index:     index register, or X86_REG_NONE
 * @scale:     1, 2, 4 or 8
 * @disp:      displacement, sign-extended
 * @src_imm:   the source is @imm, not a register
 * @src_reg:   source register (0-15) when !@src_imm
 * @src_high8: the source is ah, ch, dh or bh (register @src_reg - 4)
 * @imm:       the immediate, sign-extended to 64 bits (for bts/btr/btc
 *             the bit number as encoded)
 */
struct x86_mem_insn {
	u8 len;
	u8 op;
	u8 size;
	bool lock;
	u8 seg;
	u8 base;
	u8 index;
	u8 scale;
	s64 disp;
	bool src_imm;
	u8 src_reg;
	bool src_high8;
	u64 imm;
};

int x86_decode_mem_write(const u8 *buf, unsigned int avail,
			 struct x86_mem_insn *insn);
u64 x86_insn_linear_addr(const struct x86_mem_insn *insn, const u64 gpr[16],
			 u64 rip, u64 seg_base);
int x86_emulate_pte_write(const struct x86_mem_insn *insn, u64 addr,
			  u64 old_pte, u64 *new_pte, u64 gpr[16],
			  u64 *rflags);

#endif /* HV_X86_DECODE_H */
