// SPDX-License-Identifier: GPL-2.0
/*
 * Writable page tables, step 1: understand the faulting instruction.
 *
 * A guest kernel that writes a pinned page table directly (Linux does,
 * with xchg, lock btr, lock andb and early plain movs: contract §7.3)
 * takes a page fault, because the table is mapped read-only.  The fault
 * handler must then do what the instruction would have done, but through
 * the page-type engine, which validates the new entry.  This file
 * decodes the few instruction forms that can do such a write and
 * computes their effect on one 8-byte entry; it never reads or writes
 * guest memory itself, so it is pure and host-tested.
 *
 * Why a small decoder and not a general one: the set of instructions
 * that write a page-table entry is small and fixed by what compilers
 * emit for the kernel's PTE helpers; anything else is refused, and the
 * fault is bounced to the guest as a normal page fault.
 */
#include <hv/errno.h>
#include <hv/x86-decode.h>

#define REX_W	8
#define REX_R	4
#define REX_X	2
#define REX_B	1

struct cursor {
	const u8 *buf;
	unsigned int avail, pos;
};

/* Next byte, or -1 when the bytes run out. */
static int next(struct cursor *c)
{
	if (c->pos >= c->avail || c->pos >= X86_MAX_INSN_LEN)
		return -1;
	return c->buf[c->pos++];
}

static int fetch(struct cursor *c, unsigned int n, u64 *v)
{
	unsigned int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		int b = next(c);

		if (b < 0)
			return -ERANGE;
		*v |= (u64)b << (8 * i);
	}
	return 0;
}

static s64 sign_extend(u64 v, unsigned int bytes)
{
	unsigned int shift = 64 - 8 * bytes;

	return (s64)(v << shift) >> shift;
}

/* ModRM (and SIB, displacement) of a memory operand. */
static int decode_modrm(struct cursor *c, u8 rex, u8 *reg,
			struct x86_mem_insn *in)
{
	int modrm = next(c), sib;
	unsigned int mod, rm;
	u64 disp;
	int rc;

	if (modrm < 0)
		return -ERANGE;
	mod = modrm >> 6;
	rm = modrm & 7;
	*reg = ((modrm >> 3) & 7) | (rex & REX_R ? 8 : 0);
	if (mod == 3)
		return -EINVAL;			/* register operand: no write */
	in->base = X86_REG_NONE;
	in->index = X86_REG_NONE;
	in->scale = 1;
	in->disp = 0;
	if (rm == 4) {
		unsigned int base, index;

		sib = next(c);
		if (sib < 0)
			return -ERANGE;
		base = sib & 7;
		index = ((sib >> 3) & 7) | (rex & REX_X ? 8 : 0);
		in->scale = 1 << (sib >> 6);
		if (index != 4)
			in->index = index;
		if (base == 5 && mod == 0) {
			rc = fetch(c, 4, &disp);
			if (rc)
				return rc;
			in->disp = sign_extend(disp, 4);
			return 0;
		}
		in->base = base | (rex & REX_B ? 8 : 0);
	} else if (rm == 5 && mod == 0) {
		in->base = X86_REG_RIP;
		rc = fetch(c, 4, &disp);
		if (rc)
			return rc;
		in->disp = sign_extend(disp, 4);
		return 0;
	} else {
		in->base = rm | (rex & REX_B ? 8 : 0);
	}
	if (mod == 1) {
		rc = fetch(c, 1, &disp);
		if (rc)
			return rc;
		in->disp = sign_extend(disp, 1);
	} else if (mod == 2) {
		rc = fetch(c, 4, &disp);
		if (rc)
			return rc;
		in->disp = sign_extend(disp, 4);
	}
	return 0;
}

static void set_src_reg(struct x86_mem_insn *in, u8 reg, u8 rex, bool seen_rex)
{
	in->src_imm = false;
	in->src_reg = reg;
	/* Without a REX prefix, byte registers 4-7 are ah, ch, dh, bh. */
	if (in->size == 1 && !seen_rex && reg >= 4 && reg < 8) {
		in->src_high8 = true;
		in->src_reg = reg - 4;
	}
}

static int set_imm(struct cursor *c, struct x86_mem_insn *in,
		   unsigned int bytes)
{
	u64 v;
	int rc = fetch(c, bytes, &v);

	if (rc)
		return rc;
	in->src_imm = true;
	in->imm = (u64)sign_extend(v, bytes);
	return 0;
}

/* The group-1 ModRM reg field: /1 or, /4 and, /6 xor; the rest no. */
static int group1_op(u8 reg)
{
	switch (reg & 7) {
	case 1:
		return X86_OP_OR;
	case 4:
		return X86_OP_AND;
	case 6:
		return X86_OP_XOR;
	default:
		return -1;
	}
}

/* The decoder proper; x86_decode_mem_write() below. */
static int decode(struct cursor *cp, struct x86_mem_insn *insn)
{
	struct x86_mem_insn in = { 0 };
	bool opsize = false, seen_rex = false;
	u8 rex = 0, reg;
	int b, rc, op;

	in.seg = X86_SEG_NONE;
	for (;;) {
		b = next(cp);
		if (b < 0)
			return -ERANGE;
		if (seen_rex && !(b >= 0x40 && b <= 0x4f))
			break;			/* REX must come last */
		switch (b) {
		case 0xf0:
			in.lock = true;
			continue;
		case 0x66:
			opsize = true;
			continue;
		case 0x26: case 0x2e: case 0x36: case 0x3e:
			continue;		/* null segments in long mode */
		case 0x64:
			in.seg = X86_SEG_FS;
			continue;
		case 0x65:
			in.seg = X86_SEG_GS;
			continue;
		case 0xf2: case 0xf3: case 0x67:
			return -EINVAL;
		}
		if (b >= 0x40 && b <= 0x4f) {
			if (seen_rex)
				return -EINVAL;	/* two REX prefixes */
			rex = b;
			seen_rex = true;
			continue;
		}
		break;
	}
	in.size = rex & REX_W ? 8 : opsize ? 2 : 4;

	switch (b) {
	case 0x88: case 0x89:			/* mov r/m, r */
	case 0x86: case 0x87:			/* xchg r/m, r */
	case 0x08: case 0x09:			/* or r/m, r */
	case 0x20: case 0x21:			/* and r/m, r */
	case 0x30: case 0x31:			/* xor r/m, r */
		if (!(b & 1))
			in.size = 1;
		in.op = b >= 0x86 && b <= 0x87 ? X86_OP_XCHG :
			b >= 0x88 ? X86_OP_MOV :
			b >= 0x30 ? X86_OP_XOR :
			b >= 0x20 ? X86_OP_AND : X86_OP_OR;
		rc = decode_modrm(cp, rex, &reg, &in);
		if (rc)
			return rc;
		set_src_reg(&in, reg, rex, seen_rex);
		break;
	case 0xc6: case 0xc7:			/* mov r/m, imm */
		if (b == 0xc6)
			in.size = 1;
		in.op = X86_OP_MOV;
		rc = decode_modrm(cp, rex, &reg, &in);
		if (rc)
			return rc;
		if ((reg & 7) != 0)
			return -EINVAL;
		rc = set_imm(cp, &in, in.size == 8 ? 4 : in.size);
		if (rc)
			return rc;
		break;
	case 0x80: case 0x81: case 0x83:	/* group 1 r/m, imm */
		if (b == 0x80)
			in.size = 1;
		rc = decode_modrm(cp, rex, &reg, &in);
		if (rc)
			return rc;
		op = group1_op(reg);
		if (op < 0)
			return -EINVAL;
		in.op = op;
		rc = set_imm(cp, &in, b != 0x81 ? 1 : in.size == 8 ? 4 : in.size);
		if (rc)
			return rc;
		break;
	case 0x0f:
		b = next(cp);
		if (b < 0)
			return -ERANGE;
		switch (b) {
		case 0xb0: case 0xb1:		/* cmpxchg r/m, r */
			if (b == 0xb0)
				in.size = 1;
			in.op = X86_OP_CMPXCHG;
			rc = decode_modrm(cp, rex, &reg, &in);
			if (rc)
				return rc;
			set_src_reg(&in, reg, rex, seen_rex);
			break;
		case 0xab: case 0xb3: case 0xbb: /* bts/btr/btc r/m, r */
			in.op = b == 0xab ? X86_OP_BTS :
				b == 0xb3 ? X86_OP_BTR : X86_OP_BTC;
			rc = decode_modrm(cp, rex, &reg, &in);
			if (rc)
				return rc;
			set_src_reg(&in, reg, rex, seen_rex);
			break;
		case 0xba:			/* bts/btr/btc r/m, imm8 */
			rc = decode_modrm(cp, rex, &reg, &in);
			if (rc)
				return rc;
			switch (reg & 7) {
			case 5:
				in.op = X86_OP_BTS;
				break;
			case 6:
				in.op = X86_OP_BTR;
				break;
			case 7:
				in.op = X86_OP_BTC;
				break;
			default:
				return -EINVAL;	/* bt only reads */
			}
			rc = fetch(cp, 1, &in.imm);
			if (rc)
				return rc;
			in.src_imm = true;
			break;
		default:
			return -EINVAL;
		}
		break;
	default:
		return -EINVAL;
	}
	/* lock on mov is #UD; the other forms are read-modify-write. */
	if (in.lock && in.op == X86_OP_MOV)
		return -EINVAL;
	in.len = cp->pos;
	*insn = in;
	return 0;
}

/**
 * x86_decode_mem_write() - decode one page-table-writing instruction
 * @buf:   instruction bytes fetched at the guest's rip
 * @avail: how many bytes of @buf are valid (up to 15)
 * @insn:  out: the decoded instruction
 *
 * Return: 0; -ERANGE if @avail bytes end before the instruction does;
 * -EINVAL for anything that is not one of the supported forms (see
 * hv/x86-decode.h), including register destinations, a lock prefix on
 * mov, rep/repne prefixes and 32-bit addressing.
 */
int x86_decode_mem_write(const u8 *buf, unsigned int avail,
			 struct x86_mem_insn *insn)
{
	struct cursor c = { buf, avail, 0 };
	int rc = decode(&c, insn);

	/* Out of bytes at the architectural limit: too long, not short. */
	if (rc == -ERANGE && c.pos >= X86_MAX_INSN_LEN)
		rc = -EINVAL;
	return rc;
}

static u64 size_mask(unsigned int size)
{
	return size == 8 ? ~0UL : (1UL << (8 * size)) - 1;
}

static u64 read_reg(const u64 gpr[16], unsigned int reg, bool high8,
		    unsigned int size)
{
	if (high8)
		return (gpr[reg] >> 8) & 0xff;
	return gpr[reg] & size_mask(size);
}

/* A register write of @size bytes, with x86-64's zero-extension of
 * 32-bit results and merging of 8- and 16-bit ones. */
static void write_reg(u64 gpr[16], unsigned int reg, bool high8,
		      unsigned int size, u64 v)
{
	if (high8)
		gpr[reg] = (gpr[reg] & ~0xff00UL) | ((v & 0xff) << 8);
	else if (size == 8)
		gpr[reg] = v;
	else if (size == 4)
		gpr[reg] = v & 0xffffffffUL;
	else
		gpr[reg] = (gpr[reg] & ~size_mask(size)) | (v & size_mask(size));
}

/* The bit offset of a register-source bt*: a signed operand-size value. */
static s64 bit_offset(const struct x86_mem_insn *in, const u64 gpr[16])
{
	return sign_extend(read_reg(gpr, in->src_reg, false, in->size),
			   in->size);
}

/**
 * x86_insn_linear_addr() - the linear address the instruction writes
 * @insn:     a decoded instruction
 * @gpr:      the guest's general registers
 * @rip:      the address of the instruction
 * @seg_base: the fs or gs base when @insn->seg says so, else 0
 *
 * For bts/btr/btc with a register source, the bit offset may reach
 * beyond the addressed operand; the returned address is the operand that
 * holds the bit, as the hardware computes it.
 */
u64 x86_insn_linear_addr(const struct x86_mem_insn *insn, const u64 gpr[16],
			 u64 rip, u64 seg_base)
{
	u64 ea = (u64)insn->disp + seg_base;

	if (insn->base == X86_REG_RIP)
		ea += rip + insn->len;
	else if (insn->base != X86_REG_NONE)
		ea += gpr[insn->base];
	if (insn->index != X86_REG_NONE)
		ea += gpr[insn->index] * insn->scale;
	if (!insn->src_imm && (insn->op == X86_OP_BTS ||
			       insn->op == X86_OP_BTR ||
			       insn->op == X86_OP_BTC)) {
		s64 bits = 8 * insn->size;
		s64 off = bit_offset(insn, gpr);
		/* Floor division, as the hardware does; negating @off
		 * would overflow at -2^63. */
		s64 units = off / bits - (off % bits < 0);

		ea += (u64)(units * (s64)insn->size);
	}
	return ea;
}

static bool parity_even(u64 v)
{
	unsigned int n = 0, i;

	for (i = 0; i < 8; i++)
		n += (v >> i) & 1;
	return !(n & 1);
}

/* ZF, SF and PF of a result of @size bytes. */
static u64 result_flags(u64 r, unsigned int size)
{
	u64 f = 0;

	r &= size_mask(size);
	if (!r)
		f |= X86_FLAG_ZF;
	if (r >> (8 * size - 1))
		f |= X86_FLAG_SF;
	if (parity_even(r))
		f |= X86_FLAG_PF;
	return f;
}

/* The flags of cmp a, b (a - b), as cmpxchg sets them. */
static u64 cmp_flags(u64 a, u64 b, unsigned int size)
{
	u64 m = size_mask(size), r = (a - b) & m;
	u64 sign = 1UL << (8 * size - 1);
	u64 f = result_flags(r, size);

	if ((a & m) < (b & m))
		f |= X86_FLAG_CF;
	if ((a ^ b ^ r) & 0x10)
		f |= X86_FLAG_AF;
	if ((a ^ b) & (a ^ r) & sign)
		f |= X86_FLAG_OF;
	return f;
}

/**
 * x86_emulate_pte_write() - the effect of the instruction on one entry
 * @insn:    a decoded instruction
 * @addr:    the linear address it writes (x86_insn_linear_addr())
 * @old_pte: the current 8-byte entry that contains @addr
 * @new_pte: out: the entry after the instruction
 * @gpr:     in/out: general registers (xchg and cmpxchg write one)
 * @rflags:  in/out: the flags (cmpxchg, and/or/xor, bt* change some)
 *
 * The operand must be naturally aligned, which keeps it inside one
 * entry; a sub-entry write is merged into @old_pte.  Nothing is changed
 * on error.  The caller commits @gpr and @rflags only once the page-type
 * engine has accepted @new_pte.
 *
 * Return: 0, or -EINVAL for a misaligned operand.
 */
int x86_emulate_pte_write(const struct x86_mem_insn *insn, u64 addr,
			  u64 old_pte, u64 *new_pte, u64 gpr[16],
			  u64 *rflags)
{
	unsigned int size = insn->size, shift = 8 * (addr & 7);
	unsigned int bits = 8 * size, bit;
	u64 mask = size_mask(size);
	u64 old = (old_pte >> shift) & mask, src, res = old;
	u64 flags = *rflags;

	if (addr & (size - 1))
		return -EINVAL;
	src = insn->src_imm ? insn->imm & mask :
	      read_reg(gpr, insn->src_reg, insn->src_high8, size);

	switch (insn->op) {
	case X86_OP_MOV:
		res = src;
		break;
	case X86_OP_XCHG:
		res = src;
		write_reg(gpr, insn->src_reg, insn->src_high8, size, old);
		break;
	case X86_OP_CMPXCHG: {
		u64 acc = read_reg(gpr, X86_REG_RAX, false, size);

		flags = (flags & ~X86_FLAGS_ARITH) | cmp_flags(acc, old, size);
		if (acc == old)
			res = src;
		else
			write_reg(gpr, X86_REG_RAX, false, size, old);
		break;
	}
	case X86_OP_AND:
	case X86_OP_OR:
	case X86_OP_XOR:
		res = insn->op == X86_OP_AND ? old & src :
		      insn->op == X86_OP_OR ? old | src : old ^ src;
		flags = (flags & ~X86_FLAGS_ARITH) | result_flags(res, size);
		break;
	case X86_OP_BTS:
	case X86_OP_BTR:
	case X86_OP_BTC:
		bit = (insn->src_imm ? insn->imm :
		       (u64)bit_offset(insn, gpr)) & (bits - 1);
		flags &= ~X86_FLAG_CF;
		if ((old >> bit) & 1)
			flags |= X86_FLAG_CF;
		res = insn->op == X86_OP_BTS ? old | (1UL << bit) :
		      insn->op == X86_OP_BTR ? old & ~(1UL << bit) :
		      old ^ (1UL << bit);
		break;
	default:
		return -EINVAL;
	}
	*new_pte = (old_pte & ~(mask << shift)) | ((res & mask) << shift);
	*rflags = flags;
	return 0;
}
