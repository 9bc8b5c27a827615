// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the writable-pagetable instruction decoder and
 * emulator (hypervisor/pv/ptwr-decode.c, built as it is).
 *
 * The input is the instruction bytes, copied into a heap buffer of
 * exactly that size, so that AddressSanitizer catches any read past the
 * bytes the decoder was given.  Then:
 *   - the status is 0, -EINVAL or -ERANGE (out of bytes, only possible
 *     with fewer than 15 of them);
 *   - a decoded instruction is 1..15 bytes long and no longer than the
 *     input, its fields are in range, and the same bytes decode the same
 *     with exactly @len of them, with trailing bytes added, and not at
 *     all (-ERANGE) with one byte fewer; a refusal stays a refusal with
 *     more bytes;
 *   - its length, operand size and operation agree with ref_decode()
 *     below, a second decoder written separately in another shape
 *     (table lookups and straight arithmetic, no state machine) from
 *     the Intel SDM's encoding rules for the same forms;
 *   - the address computation and the emulation of the write run on
 *     registers derived from the input, edge values included, under
 *     UndefinedBehaviorSanitizer.
 * hypervisor/pv/emul-priv-op.c's decode_int_n() and emul-cr-io.c's
 * decoding read guest memory themselves (copy_from_guest) and are static
 * functions of files that need the whole domain and vCPU model, so they
 * are not built on the host; see docs/fuzzing.md.
 */
#include <stdlib.h>
#include <string.h>

#include <hv/errno.h>
#include <hv/x86-decode.h>

#include "machine.h"	/* fuzz_fail() */

/* ---- the reference: length, size and operation from the SDM ---------- */

struct ref {
	unsigned int len, size, op;
};

static bool is_legacy_prefix(u8 b)
{
	return b == 0xf0 || b == 0x66 || b == 0x26 || b == 0x2e ||
	       b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65;
}

/*
 * Only called on bytes the decoder accepted, so it need not refuse
 * anything; it must only agree.  Returns false for an opcode it does
 * not know (which the decoder must then not have accepted).
 */
static bool ref_decode(const u8 *b, unsigned int n, struct ref *r)
{
	unsigned int p = 0, opsize16 = 0, rexw = 0, imm = 0, modrm, mod, rm;
	unsigned int opc, two_byte = 0, reg;

	while (p < n && is_legacy_prefix(b[p]))
		opsize16 |= b[p++] == 0x66;
	if (p < n && (b[p] & 0xf0) == 0x40)
		rexw = b[p++] & 8;
	if (p >= n)
		return false;
	opc = b[p++];
	if (opc == 0x0f) {
		if (p >= n)
			return false;
		two_byte = 1;
		opc = b[p++];
	}
	if (p >= n)
		return false;
	modrm = b[p++];
	mod = modrm >> 6;
	rm = modrm & 7;
	reg = (modrm >> 3) & 7;
	r->size = rexw ? 8 : opsize16 ? 2 : 4;
	if (!two_byte) {
		switch (opc) {
		case 0x88: case 0x89: r->op = X86_OP_MOV; break;
		case 0x86: case 0x87: r->op = X86_OP_XCHG; break;
		case 0x08: case 0x09: r->op = X86_OP_OR; break;
		case 0x20: case 0x21: r->op = X86_OP_AND; break;
		case 0x30: case 0x31: r->op = X86_OP_XOR; break;
		case 0xc6: case 0xc7: r->op = X86_OP_MOV; break;
		case 0x80: case 0x81: case 0x83: {
			static const int grp1[8] = { -1, X86_OP_OR, -1, -1,
				X86_OP_AND, -1, X86_OP_XOR, -1 };

			if (grp1[reg] < 0)
				return false;
			r->op = grp1[reg];
			break;
		}
		default:
			return false;
		}
		if (opc == 0xc6 || opc == 0x80 || opc == 0x83)
			imm = 1;
		if (opc == 0xc7 || opc == 0x81)
			imm = r->size == 2 ? 2 : 4;
		if (!(opc & 1) && opc != 0x80)
			r->size = 1;
		if (opc == 0x80)
			r->size = 1;
	} else {
		switch (opc) {
		case 0xb0: r->op = X86_OP_CMPXCHG; r->size = 1; break;
		case 0xb1: r->op = X86_OP_CMPXCHG; break;
		case 0xab: r->op = X86_OP_BTS; break;
		case 0xb3: r->op = X86_OP_BTR; break;
		case 0xbb: r->op = X86_OP_BTC; break;
		case 0xba:
			if (reg < 5)
				return false;
			r->op = X86_OP_BTS + (reg - 5);
			imm = 1;
			break;
		default:
			return false;
		}
	}
	/* SIB when rm = 100b; disp8 for mod 01, disp32 for mod 10, and for
	 * mod 00 with rm = 101b (RIP-relative) or a SIB base of 101b. */
	if (mod != 3 && rm == 4) {
		if (p >= n)
			return false;
		if (mod == 0 && (b[p] & 7) == 5)
			p += 4;
		p++;
	}
	p += mod == 1 ? 1 : mod == 2 ? 4 : (mod == 0 && rm == 5) ? 4 : 0;
	r->len = p + imm;
	return r->len <= n;
}

/* ---- checks ---------------------------------------------------------- */

static bool same(const struct x86_mem_insn *a, const struct x86_mem_insn *b)
{
	return a->len == b->len && a->op == b->op && a->size == b->size &&
	       a->lock == b->lock && a->seg == b->seg && a->base == b->base &&
	       a->index == b->index && a->scale == b->scale &&
	       a->disp == b->disp && a->src_imm == b->src_imm &&
	       a->src_reg == b->src_reg && a->src_high8 == b->src_high8 &&
	       a->imm == b->imm;
}

static int decode_copy(const u8 *data, unsigned int n,
		       struct x86_mem_insn *in)
{
	u8 *buf = malloc(n ? n : 1);
	int rc;

	memcpy(buf, data, n);
	rc = x86_decode_mem_write(n ? buf : buf + 1, n, in);
	free(buf);
	return rc;
}

static void check_fields(const struct x86_mem_insn *in, unsigned int n)
{
	unsigned int s = in->size;

	if (in->len < 1 || in->len > X86_MAX_INSN_LEN || in->len > n)
		fuzz_fail("decoded length %u of %u bytes", in->len, n);
	if ((s != 1 && s != 2 && s != 4 && s != 8) ||
	    (in->scale != 1 && in->scale != 2 && in->scale != 4 &&
	     in->scale != 8))
		fuzz_fail("size %u scale %u", s, in->scale);
	if (in->op > X86_OP_BTC || in->seg > X86_SEG_GS ||
	    (in->base >= 16 && in->base != X86_REG_NONE &&
	     in->base != X86_REG_RIP) ||
	    (in->index >= 16 && in->index != X86_REG_NONE) ||
	    (in->base == X86_REG_RIP && in->index != X86_REG_NONE) ||
	    (!in->src_imm && in->src_reg >= 16) ||
	    (in->src_high8 && (in->src_reg > 3 || s != 1)))
		fuzz_fail("fields out of range: op %u seg %u base %u index %u "
			  "src %u high8 %d", in->op, in->seg, in->base,
			  in->index, in->src_reg, in->src_high8);
	if (in->lock && in->op == X86_OP_MOV)
		fuzz_fail("lock mov accepted");
}

static u64 mix(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Address and emulation on registers with edge values (UBSan). */
static void run_emulation(const struct x86_mem_insn *in, const u8 *data,
			  size_t size)
{
	static const u64 edge[] = {
		0, 1, ~0UL, 1UL << 63, (1UL << 63) - 1, 0x80000000UL,
		0xffffffff80000000UL, 63, 64, -64UL,
	};
	u64 gpr[16], gpr2[16], s = 0x9e3779b97f4a7c15UL, rflags, addr;
	u64 old_pte, new_pte;
	unsigned int i;
	int rc;

	for (i = 0; i < size; i++)
		s = (s ^ data[i]) * 0x100000001b3UL;
	s |= 1;
	for (i = 0; i < 16; i++) {
		u64 r = mix(&s);

		gpr[i] = r & 1 ? edge[(r >> 1) % ARRAY_SIZE(edge)] : r;
	}
	old_pte = mix(&s);
	rflags = mix(&s) & 0x3fffff;
	addr = x86_insn_linear_addr(in, gpr, mix(&s), mix(&s));
	memcpy(gpr2, gpr, sizeof(gpr));
	rc = x86_emulate_pte_write(in, addr, old_pte, &new_pte, gpr2, &rflags);
	if (rc && rc != -EINVAL)
		fuzz_fail("emulation returned %d", rc);
	if (!rc && (addr & (in->size - 1)))
		fuzz_fail("misaligned operand emulated");
	/* Only xchg and cmpxchg write a register, and only one. */
	for (i = 0, rc = 0; i < 16; i++)
		rc += gpr[i] != gpr2[i];
	if (rc > 1 || (rc && in->op != X86_OP_XCHG &&
		       in->op != X86_OP_CMPXCHG))
		fuzz_fail("emulation changed %d registers", rc);
	if (!(addr & 7) && in->size == 8)
		return;
	/* A sub-entry write leaves the rest of the entry alone. */
	if (!x86_emulate_pte_write(in, addr, old_pte, &new_pte, gpr2, &rflags)) {
		u64 keep = ~((in->size == 8 ? ~0UL : (1UL << (8 * in->size)) - 1)
			     << (8 * (addr & 7)));

		if ((new_pte & keep) != (old_pte & keep))
			fuzz_fail("write of %u bytes at +%lu changed other "
				  "bytes", in->size, (unsigned long)(addr & 7));
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct x86_mem_insn in, again;
	u8 padded[X86_MAX_INSN_LEN + 1];
	unsigned int n = size > 64 ? 64 : size, i;
	struct ref r;
	int rc, rc2;

	rc = decode_copy(data, n, &in);
	if (rc && rc != -EINVAL && rc != -ERANGE)
		fuzz_fail("status %d", rc);
	if (rc == -ERANGE && n >= X86_MAX_INSN_LEN)
		fuzz_fail("out of bytes with %u of them", n);

	/* More bytes never turn a refusal into anything else. */
	if (n < X86_MAX_INSN_LEN) {
		memcpy(padded, data, n);
		for (i = n; i < sizeof(padded); i++)
			padded[i] = 0x90 + i;
		rc2 = x86_decode_mem_write(padded, sizeof(padded), &again);
		if (rc == -EINVAL && rc2 != -EINVAL)
			fuzz_fail("refused with %u bytes, %d with more", n, rc2);
		if (rc == 0 && (rc2 || !same(&in, &again)))
			fuzz_fail("trailing bytes changed the decoding");
	}
	if (rc)
		return 0;

	check_fields(&in, n);
	if (decode_copy(data, in.len, &again) || !same(&in, &again))
		fuzz_fail("not the same decoding from its own %u bytes", in.len);
	if (decode_copy(data, in.len - 1, &again) != -ERANGE)
		fuzz_fail("decoded with %u bytes, short one did not say so",
			  in.len);
	if (!ref_decode(data, n, &r))
		fuzz_fail("accepted an encoding the reference does not know");
	if (r.len != in.len || r.size != in.size || r.op != in.op)
		fuzz_fail("reference says len %u size %u op %u, decoder len %u "
			  "size %u op %u", r.len, r.size, r.op, in.len, in.size,
			  in.op);
	run_emulation(&in, data, size);
	return 0;
}
