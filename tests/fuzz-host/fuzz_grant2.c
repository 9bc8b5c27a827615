// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for grant tables v2 and transitive grants:
 * hypervisor/common/grant-v2.c (and grant-v1.c) built as they are,
 * between three domains with small v2 tables.  It composes them as
 * common/grant_table.c does: a copy may follow a transitive entry one
 * level (trans_pin() below is grant_table.c's, step for step: no target
 * in the granter's own table or in no domain, the target pinned for the
 * granter with transitive entries refused), a map never.
 *
 * The granters are hostile: any entry is rewritten with any flags,
 * grantee, frame, sub-page range or transitive target at any time, and
 * revoked with the v2 handshake (clear the flags, read the status).
 * Operations: write an entry, revoke, pin (a copy's or a map's, read-only
 * or writable, by any grantee), unpin a held pin.  After every
 * operation:
 *   - each active entry's read-only and writable pins are exactly the
 *     held pins on it plus, for a transitive entry's target, the held
 *     pins on the transitive entries that name it (one each, of the same
 *     kind): the two levels never drift apart (XSA-226's class);
 *   - the status word has GTF_reading iff the entry is pinned,
 *     GTF_writing iff pinned writable;
 *   - a pinned transitive entry names a pinned target that is not
 *     transitive, in another domain's table, and has the target's frame
 *     and range; no map is held on a transitive or sub-page entry;
 *   - the pins of an entry belong to one grantee; a target's, to the
 *     transitive entry's domain.
 * At the end every held pin is dropped and every count and status word
 * must be zero.
 */
#include <stdint.h>
#include <string.h>

#include <hv/grant-v2.h>
#include <hv/layout.h>

#define NR_DOMS		3
#define NR_REFS		8
#define MAX_HOLDS	32
#define MAX_OPS		256
#define FRAME(d, i)	(100UL * ((d) + 1) + (i))	/* domain d's frames */

struct table {
	union grant_entry_v2 e[NR_REFS];
	grant_status_t st[NR_REFS];
	struct active_grant act[NR_REFS];
};

static struct table tab[NR_DOMS];

struct hold {
	uint8_t used, dom, ref, write, map, grantee;
};

static struct hold holds[MAX_HOLDS];

static void die(const char *why)
{
	__builtin_trap();
	(void)why;
}

#define CHECK(c)	do { if (!(c)) die(#c); } while (0)

/* granter_owns(): the frame is one of the granter's (ctx: its index). */
static bool frame_ok(unsigned long frame, void *ctx)
{
	unsigned long d = (unsigned long)ctx;

	return frame >= FRAME(d, 0) && frame < FRAME(d, NR_REFS);
}

static int trans_pin(domid_t tdom, u32 tref, bool write, void *ctx,
		     unsigned long *mfn, u16 *start, u16 *length);
static void trans_unpin(domid_t tdom, u32 tref, bool write, void *ctx);

static const struct gnt_v2_ops ops = {
	.frame_ok = frame_ok, .trans_pin = trans_pin,
	.trans_unpin = trans_unpin,
};
static const struct gnt_v2_ops ops_no_trans = { .frame_ok = frame_ok };

static int pin(unsigned int d, u32 ref, domid_t grantee, bool write,
	       bool map, bool trans, unsigned long *mfn)
{
	if (ref >= NR_REFS)
		return GNTST_bad_gntref;
	return gnt_pin_v2(&tab[d].e[ref], &tab[d].st[ref], &tab[d].act[ref],
			  grantee, write, map, trans ? &ops : &ops_no_trans,
			  (void *)(unsigned long)d, mfn);
}

static void unpin(unsigned int d, u32 ref, bool write)
{
	gnt_unpin_v2(&tab[d].st[ref], &tab[d].act[ref], write, &ops,
		     (void *)(unsigned long)d);
}

static int trans_pin(domid_t tdom, u32 tref, bool write, void *ctx,
		     unsigned long *mfn, u16 *start, u16 *length)
{
	unsigned long rd = (unsigned long)ctx;
	int st;

	if (tdom == rd || tdom >= NR_DOMS)
		return GNTST_general_error;
	st = pin(tdom, tref, (domid_t)rd, write, false, false, mfn);
	if (st == GNTST_okay) {
		*start = tab[tdom].act[tref].start;
		*length = tab[tdom].act[tref].length;
	}
	return st;
}

static void trans_unpin(domid_t tdom, u32 tref, bool write, void *ctx)
{
	CHECK(tdom < NR_DOMS && tdom != (unsigned long)ctx && tref < NR_REFS);
	unpin(tdom, tref, write);
}

static bool is_trans(const struct active_grant *a)
{
	return a->trans_domid != DOMID_INVALID;
}

static void check_all(void)
{
	unsigned int ro[NR_DOMS][NR_REFS] = { 0 }, rw[NR_DOMS][NR_REFS] = { 0 };
	int owner[NR_DOMS][NR_REFS];

	memset(owner, -1, sizeof(owner));
	for (unsigned int i = 0; i < MAX_HOLDS; i++) {
		const struct hold *h = &holds[i];
		const struct active_grant *a;

		if (!h->used)
			continue;
		a = &tab[h->dom].act[h->ref];
		(h->write ? rw : ro)[h->dom][h->ref]++;
		CHECK(owner[h->dom][h->ref] < 0 ||
		      owner[h->dom][h->ref] == h->grantee);
		owner[h->dom][h->ref] = h->grantee;
		CHECK(a->domid == h->grantee);
		if (h->map)
			CHECK(!is_trans(a) && !a->start &&
			      a->length == PAGE_SIZE);
		if (is_trans(a)) {
			unsigned int t = a->trans_domid, r = a->trans_ref;

			CHECK(t < NR_DOMS && t != h->dom && r < NR_REFS);
			(h->write ? rw : ro)[t][r]++;
		}
	}
	for (unsigned int d = 0; d < NR_DOMS; d++)
		for (unsigned int r = 0; r < NR_REFS; r++) {
			const struct active_grant *a = &tab[d].act[r];
			u16 st = tab[d].st[r];
			bool pinned = a->ro_pins || a->rw_pins;

			CHECK(a->ro_pins == ro[d][r]);
			CHECK(a->rw_pins == rw[d][r]);
			CHECK(!!(st & GTF_reading) == pinned);
			CHECK(!!(st & GTF_writing) == !!a->rw_pins);
			CHECK(!(st & ~(GTF_reading | GTF_writing)));
			if (pinned && is_trans(a)) {
				const struct active_grant *t =
					&tab[a->trans_domid].act[a->trans_ref];

				CHECK(t->ro_pins || t->rw_pins);
				CHECK(!is_trans(t));
				CHECK(t->domid == d);
				CHECK(t->mfn == a->mfn && t->start == a->start &&
				      t->length == a->length);
			}
		}
}

/* The input, a byte at a time (zero once it runs out). */
static const uint8_t *in;
static size_t in_left;

static uint8_t next(void)
{
	if (!in_left)
		return 0;
	in_left--;
	return *in++;
}

static void write_entry(void)
{
	unsigned int d = next() % NR_DOMS, r = next() % NR_REFS;
	union grant_entry_v2 *e = &tab[d].e[r];
	uint8_t kind = next();
	u16 flags;

	switch (kind & 3) {
	case 0:
		flags = GTF_permit_access;
		break;
	case 1:
		flags = GTF_permit_access | GTF_sub_page;
		break;
	case 2:
		flags = GTF_transitive;
		break;
	default:
		flags = (u16)(next() | next() << 8);
	}
	if (kind & 4)
		flags |= GTF_readonly;
	/* Body first, then the header, as a granter would; or not. */
	if ((flags & GTF_type_mask) == GTF_transitive) {
		e->transitive.trans_domid = next() % (NR_DOMS + 1);
		if (kind & 8)
			e->transitive.trans_domid = DOMID_SELF;
		e->transitive.pad0 = 0;
		e->transitive.gref = next() % (NR_REFS + 1);
		e->__spacer[3] = kind & 16 ? 0xffffffff : 0;
	} else {
		unsigned int owner = kind & 32 ? next() % NR_DOMS : d;

		e->sub_page.frame = FRAME(owner, next() % NR_REFS);
		e->sub_page.page_off = kind & 64 ? next() << 4 : 0;
		e->sub_page.length = kind & 64 ? next() << 4 : PAGE_SIZE;
	}
	e->hdr.domid = next() % (NR_DOMS + 1);
	e->hdr.flags = next() < 16 ? 0 : flags;
}

static void revoke(void)
{
	unsigned int d = next() % NR_DOMS, r = next() % NR_REFS;

	__atomic_store_n(&tab[d].e[r].hdr.flags, 0, __ATOMIC_SEQ_CST);
	/* The handshake: a status showing no use means nothing pins it. */
	if (!__atomic_load_n(&tab[d].st[r], __ATOMIC_SEQ_CST))
		CHECK(!tab[d].act[r].ro_pins && !tab[d].act[r].rw_pins);
}

static void take(void)
{
	unsigned int d = next() % NR_DOMS, r = next() % (NR_REFS + 1);
	uint8_t how = next();
	domid_t grantee = (how >> 3) % NR_DOMS;
	bool write = how & 1, map = how & 2;
	unsigned long mfn = 0;
	unsigned int i;
	struct active_grant before = { 0 };
	u16 st_before = 0;
	int st;

	for (i = 0; i < MAX_HOLDS && holds[i].used; i++)
		;
	if (i == MAX_HOLDS)
		return;
	if (r < NR_REFS) {
		before = tab[d].act[r];
		st_before = tab[d].st[r];
	}
	/* A copy may follow a transitive entry, a map never (trans true
	 * for both, as pin_entry() passes it: map turns it off). */
	st = pin(d, r, grantee, write, map, true, &mfn);
	if (st != GNTST_okay) {
		/* A failed pin changes nothing of its entry. */
		if (r < NR_REFS) {
			CHECK(tab[d].st[r] == st_before);
			CHECK(tab[d].act[r].ro_pins == before.ro_pins &&
			      tab[d].act[r].rw_pins == before.rw_pins);
		}
		return;
	}
	CHECK(mfn == tab[d].act[r].mfn);
	holds[i] = (struct hold){ .used = 1, .dom = d, .ref = r,
				  .write = write, .map = map,
				  .grantee = grantee };
}

static void drop(unsigned int i)
{
	struct hold *h = &holds[i % MAX_HOLDS];

	if (!h->used)
		return;
	unpin(h->dom, h->ref, h->write);
	h->used = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	in = data;
	in_left = size;
	memset(tab, 0, sizeof(tab));
	memset(holds, 0, sizeof(holds));
	for (unsigned int n = 0; n < MAX_OPS && in_left; n++) {
		switch (next() % 5) {
		case 0:
		case 1:
			write_entry();
			break;
		case 2:
			revoke();
			break;
		case 3:
			take();
			break;
		default:
			drop(next());
		}
		check_all();
	}
	for (unsigned int i = 0; i < MAX_HOLDS; i++)
		drop(i);
	check_all();
	for (unsigned int d = 0; d < NR_DOMS; d++)
		for (unsigned int r = 0; r < NR_REFS; r++)
			CHECK(!tab[d].st[r] && !tab[d].act[r].ro_pins &&
			      !tab[d].act[r].rw_pins);
	return 0;
}
