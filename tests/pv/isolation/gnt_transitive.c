// SPDX-License-Identifier: GPL-2.0
/*
 * Transitive grants (grant tables v2, GTF_transitive), as Xen 4.17 lets
 * a copy use them: d1 grants d2 a page, d2 re-grants that grant with a
 * transitive entry of its own, and a copy through d2's entry reaches
 * d1's page.  Xen follows one level only, so a chain or a loop ends at
 * its second entry, and each copy holds both entries in use while it
 * runs.  An attacker's view of what must be refused:
 *
 *   - a transitive entry naming its own table ("self-referential"),
 *     DOMID_SELF, or no domain: GNTST_general_error; a reference beyond
 *     the target's table: GNTST_bad_gntref; a target not granted to the
 *     intermediate, or a v1 entry with the GTF_transitive type (v1 has no
 *     transitive entries): GNTST_general_error;
 *   - a write through a read-only target, or a transitive entry that is
 *     read-only itself: GNTST_general_error, reads work;
 *   - a map of a transitive entry: GNTST_general_error (copies only);
 *   - a loop, d2 -> d1 -> d2: the second level is transitive itself,
 *     GNTST_general_error from either end;
 *   - the intermediate revoking its transitive entry, or the first
 *     granter revoking its grant: later copies fail (general_error); an
 *     idle grant is revocable (no in-use bit left behind by a copy);
 *     d1 revoking and re-granting while d2 copies through it: each copy
 *     is done (with the right bytes) or refused, and no in-use flag is
 *     left behind;
 *   - a sub-page target: its range bounds the copy through the
 *     transitive entry.
 *
 * d1 is the first granter, v1 at first (the v1/v2 mix: a v2 transitive
 * entry naming a v1 grant), then v2 (a sub-page target, and a loop);
 * d2 is the intermediate and the copier.  They meet on a control page
 * d1 grants at reserved entry 2, which d2 maps (a reserved entry in use
 * does not stop d1's switch to v2).  d1 also copies back through a
 * transitive entry of d2's that names d1's own grant (trans_domid is the
 * copier: Xen allows it).
 *
 * xen: skip needs two domains, and Xen 4.17 here boots only dom0
 * domus: 2
 */
#include "isolation.h"
#include "gnt.h"

const char test_name[] = "gnt_transitive";

/* d1's entries: reserved CTL, then v1 (phase 1), then v2 (phase 3). */
enum { CTL = 2, DATA = 10, RO = 11, V1T = 12, OTHER = 13,
       DATA2 = 10, SUB = 11, LOOP = 14 };
/* d2's transitive entries. */
enum { T_OK = 10, T_RO, T_ROFLAG, T_SELFREF, T_DOMSELF, T_NODOM, T_BADREF,
       T_V1T, T_NOTOURS, T_BACK = 20, T_LOOP, T_LOOP2, T_SUB };

/* Stages: ctl[0] is d1's, ctl[1] d2's. */
enum { S1_GRANTED = 1, S1_CHURNING, S1_REVOKED, S1_V2, S1_DONE };
enum { S2_PHASE1 = 1, S2_CHURNED, S2_PHASE2, S2_DONE };

#define CHURN_COPIES	3000

static union gnt_table gt __attribute__((aligned(PAGE_SIZE)));
static volatile grant_status_t status[2048]
	__attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t ctl[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t data[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t scratch[512] __attribute__((aligned(PAGE_SIZE)));

static grant_handle_t ctl_handle;	/* d2's mapping of the control page */

static uint64_t pattern(unsigned int i)
{
	return 0xd1d1000000000000ULL | i;
}

/* --- d1, the first granter --------------------------------------------- */

/* A v1 granter's end of access: fails while the entry is in use. */
static int revoke(unsigned int ref)
{
	uint16_t f = GTF_permit_access;

	return __atomic_compare_exchange_n(&gt.v1[ref].flags, &f, 0, 0,
					   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

/*
 * Revoke and re-grant DATA over and over while d2 copies through its
 * transitive entry: each copy either sees the grant (and holds it in
 * use while it runs: our revocation fails) or fails; none may leave an
 * in-use flag behind once d2 stops.
 */
static void d1_churn(void)
{
	unsigned long revoked = 0, busy = 0;

	__atomic_store_n(&ctl[0], S1_CHURNING, __ATOMIC_RELEASE);
	while (__atomic_load_n(&ctl[1], __ATOMIC_ACQUIRE) != S2_CHURNED) {
		if (revoke(DATA)) {
			revoked++;
			__atomic_store_n(&gt.v1[DATA].flags, GTF_permit_access,
					 __ATOMIC_SEQ_CST);
		} else {
			busy++;
		}
	}
	printk("d1: revoked and re-granted %lu times while d2 copied (%lu "
	       "revocations saw it in use)\n", revoked, busy);
	check_eq(gt.v1[DATA].flags, GTF_permit_access);
}

static void d1_phase1(void)
{
	for (unsigned int i = 0; i < 512; i++)
		data[i] = pattern(i);
	gnt_setup(&gt);
	gnt_grant_v1(&gt.v1[CTL], 2, GTF_permit_access, ctl);
	gnt_grant_v1(&gt.v1[DATA], 2, GTF_permit_access, data);
	gnt_grant_v1(&gt.v1[RO], 2, GTF_permit_access | GTF_readonly, data);
	gnt_grant_v1(&gt.v1[OTHER], 5, GTF_permit_access, data);
	/* A v1 entry of the transitive type: v1 has none, unusable. */
	gt.v1[V1T].domid = 2;
	gt.v1[V1T].frame = 0;
	__atomic_store_n(&gt.v1[V1T].flags, GTF_transitive, __ATOMIC_RELEASE);
	__atomic_store_n(&ctl[0], S1_GRANTED, __ATOMIC_RELEASE);
	printk("d1: v1 grants made for d2\n");
	gnt_wait_eq(&ctl[1], S2_PHASE1, "d2's first phase");
	/* d2 wrote through its transitive entry into our page. */
	check_eq(data[64], 0x2222);
	check_eq(data[128], pattern(0));
	/* No copy left our entries in use: revocable. */
	check_eq(gt.v1[DATA].flags, GTF_permit_access);
	check_eq(gt.v1[RO].flags, GTF_permit_access | GTF_readonly);
	d1_churn();
	check(revoke(DATA));
	__atomic_store_n(&ctl[0], S1_REVOKED, __ATOMIC_RELEASE);
	printk("d1: d2's copies through its transitive entry reached us; "
	       "grant revoked\n");
}

static void d1_phase3(void)
{
	uint32_t now;

	gnt_wait_eq(&ctl[1], S2_PHASE2, "d2's second phase");
	check_rc(gnt_set_version(2, &now), 0);
	check_eq(now, 2);
	gnt_map_status(status);
	check_eq(status[CTL], GTF_reading | GTF_writing);
	gnt_grant_v2(&gt.v2[DATA2], 2, GTF_permit_access, data);
	gnt_grant_sub(&gt.v2[SUB], 2, GTF_permit_access, data, 256, 128);
	gnt_grant_trans(&gt.v2[LOOP], 2, 0, 2, T_BACK);
	__atomic_store_n(&ctl[0], S1_V2, __ATOMIC_RELEASE);
	printk("d1: now v2, with a sub-page grant and a transitive one\n");
	gnt_wait_eq(&ctl[1], S2_DONE, "d2's last phase");

	/* d2's T_BACK names our DATA2: we are the copier (allowed). */
	check_eq(gnt_copy(GNT_REF(2, T_BACK, 8), GNT_OWN(scratch, 8), 8),
		 GNTST_okay);
	check_eq(scratch[1], data[1]);
	/* d2's T_LOOP2 names our LOOP, transitive itself. */
	check_eq(gnt_copy(GNT_REF(2, T_LOOP2, 0), GNT_OWN(scratch, 0), 8),
		 GNTST_general_error);
	check_eq(status[DATA2], 0);
	check_eq(status[SUB], 0);
	check_eq(status[LOOP], 0);
	__atomic_store_n(&ctl[0], S1_DONE, __ATOMIC_RELEASE);
	printk("d1: copied back through d2's transitive entry; the loop "
	       "refused\n");
	/* d2 unmaps the control page before we go. */
	{
		uint64_t deadline = pv_now() + 60000000000ULL;

		while (__atomic_load_n(&status[CTL], __ATOMIC_ACQUIRE)) {
			if (pv_now() > deadline)
				fail("d2 did not unmap the control page");
			hyp_sched_op(SCHEDOP_yield, NULL);
		}
	}
}

/* --- d2, the intermediate and copier ----------------------------------- */

static int copy_from(uint32_t ref, uint16_t off, uint16_t len)
{
	return gnt_copy(GNT_REF(DOMID_SELF, ref, off), GNT_OWN(scratch, off),
			len);
}

static int copy_into(uint32_t ref, uint16_t off, uint16_t len)
{
	return gnt_copy(GNT_OWN(scratch, off), GNT_REF(2, ref, off), len);
}

static void check_idle(void)
{
	for (unsigned int r = T_OK; r <= T_SUB; r++)
		if (status[r])
			fail("status of entry %u is 0x%x after the copies", r,
			     status[r]);
}

/* Copy through T_OK while d1 revokes and re-grants its target. */
static void d2_churn(void)
{
	unsigned int ok = 0, refused = 0;

	gnt_wait_eq(&ctl[0], S1_CHURNING, "d1's churn");
	for (unsigned int i = 0; i < CHURN_COPIES; i++) {
		int st;

		scratch[0] = 0;
		st = copy_from(T_OK, 0, 8);
		if (st == GNTST_okay) {
			check_eq(scratch[0], pattern(0));
			ok++;
		} else if (st == GNTST_general_error) {
			refused++;
		} else {
			fail("copy %u through T_OK: status %d", i, st);
		}
	}
	check_eq(status[T_OK], 0);
	printk("d2: %u copies while d1 revoked its grant: %u done, %u "
	       "refused\n", CHURN_COPIES, ok, refused);
	__atomic_store_n(&ctl[1], S2_CHURNED, __ATOMIC_RELEASE);
}

static void d2_phase1(void)
{
	uint64_t deadline = pv_now() + 60000000000ULL;
	grant_handle_t h, hc;
	uint32_t now;

	gnt_setup(&gt);
	check_rc(gnt_set_version(2, &now), 0);
	gnt_map_status(status);
	while (gnt_map(1, CTL, (uint64_t)ctl, GNTMAP_host_map, &hc) !=
	       GNTST_okay) {
		if (pv_now() > deadline)
			fail("could not map d1's control page in 60 s");
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	gnt_wait_eq(&ctl[0], S1_GRANTED, "d1's grants");
	gnt_grant_trans(&gt.v2[T_OK], 2, 0, 1, DATA);
	gnt_grant_trans(&gt.v2[T_RO], 2, 0, 1, RO);
	gnt_grant_trans(&gt.v2[T_ROFLAG], 2, GTF_readonly, 1, DATA);
	gnt_grant_trans(&gt.v2[T_SELFREF], 2, 0, 2, T_OK);
	gnt_grant_trans(&gt.v2[T_DOMSELF], 2, 0, DOMID_SELF, DATA);
	gnt_grant_trans(&gt.v2[T_NODOM], 2, 0, 9, DATA);
	gnt_grant_trans(&gt.v2[T_BADREF], 2, 0, 1, 4000);
	gnt_grant_trans(&gt.v2[T_V1T], 2, 0, 1, V1T);
	gnt_grant_trans(&gt.v2[T_NOTOURS], 2, 0, 1, OTHER);

	/* Through our entry to d1's page (a v1 grant), both ways. */
	check_eq(copy_from(T_OK, 0, 64), GNTST_okay);
	for (unsigned int i = 0; i < 8; i++)
		check_eq(scratch[i], pattern(i));
	scratch[64] = 0x2222;
	check_eq(copy_into(T_OK, 512, 8), GNTST_okay);
	/* Source and destination the same transitive entry. */
	check_eq(gnt_copy(GNT_REF(2, T_OK, 0), GNT_REF(2, T_OK, 1024), 8),
		 GNTST_okay);
	check_idle();
	printk("d2: copies through a transitive entry to d1's v1 grant work\n");

	/* Copies only. */
	check_eq(gnt_map(2, T_OK, (uint64_t)scratch, GNTMAP_host_map, &h),
		 GNTST_general_error);
	check_eq(gnt_map(2, T_OK, (uint64_t)scratch,
			 GNTMAP_host_map | GNTMAP_readonly, &h),
		 GNTST_general_error);
	/* Read-only at either level. */
	check_eq(copy_from(T_RO, 0, 8), GNTST_okay);
	check_eq(copy_into(T_RO, 0, 8), GNTST_general_error);
	check_eq(copy_from(T_ROFLAG, 0, 8), GNTST_okay);
	check_eq(copy_into(T_ROFLAG, 0, 8), GNTST_general_error);
	/* Targets that are no grant of d1's to us. */
	check_eq(copy_from(T_SELFREF, 0, 8), GNTST_general_error);
	check_eq(copy_from(T_DOMSELF, 0, 8), GNTST_general_error);
	check_eq(copy_from(T_NODOM, 0, 8), GNTST_general_error);
	check_eq(copy_from(T_BADREF, 0, 8), GNTST_bad_gntref);
	check_eq(copy_from(T_V1T, 0, 8), GNTST_general_error);
	check_eq(copy_from(T_NOTOURS, 0, 8), GNTST_general_error);
	check_idle();
	printk("d2: maps, writes through read-only, and bad targets refused\n");

	/* We revoke our transitive entry: no more copies through it. */
	__atomic_store_n(&gt.v2[T_OK].hdr.flags, 0, __ATOMIC_SEQ_CST);
	check_eq(status[T_OK], 0);
	check_eq(copy_from(T_OK, 0, 8), GNTST_general_error);
	gnt_grant_trans(&gt.v2[T_OK], 2, 0, 1, DATA);
	check_eq(copy_from(T_OK, 0, 8), GNTST_okay);
	__atomic_store_n(&ctl[1], S2_PHASE1, __ATOMIC_RELEASE);
	d2_churn();

	/* d1 revokes the grant our entry names. */
	gnt_wait_eq(&ctl[0], S1_REVOKED, "d1's revocation");
	check_eq(copy_from(T_OK, 0, 8), GNTST_general_error);
	check_idle();
	printk("d2: a revoked transitive entry, or a revoked target, "
	       "refused\n");
	ctl_handle = hc;
	__atomic_store_n(&ctl[1], S2_PHASE2, __ATOMIC_RELEASE);
}

static void d2_phase3(void)
{
	gnt_wait_eq(&ctl[0], S1_V2, "d1's switch to v2");
	gnt_grant_trans(&gt.v2[T_BACK], 1, 0, 1, DATA2);
	gnt_grant_trans(&gt.v2[T_LOOP], 2, 0, 1, LOOP);
	gnt_grant_trans(&gt.v2[T_LOOP2], 1, 0, 1, LOOP);
	gnt_grant_trans(&gt.v2[T_SUB], 2, 0, 1, SUB);
	/* d1's LOOP names our T_BACK: one level only. */
	check_eq(copy_from(T_LOOP, 0, 8), GNTST_general_error);
	/* A sub-page target (bytes 256..383) bounds the copy. */
	check_eq(copy_from(T_SUB, 256, 128), GNTST_okay);
	check_eq(scratch[32], pattern(32));
	check_eq(copy_from(T_SUB, 248, 16), GNTST_general_error);
	check_eq(copy_from(T_SUB, 320, 72), GNTST_general_error);
	check_eq(copy_into(T_SUB, 376, 8), GNTST_okay);
	check_eq(copy_into(T_SUB, 384, 8), GNTST_general_error);
	check_idle();
	printk("d2: a loop refused; a sub-page target's range holds\n");
	__atomic_store_n(&ctl[1], S2_DONE, __ATOMIC_RELEASE);
	gnt_wait_eq(&ctl[0], S1_DONE, "d1's copies");
	check_eq(gnt_unmap((uint64_t)ctl, ctl_handle), GNTST_okay);
}

void test_main(void)
{
	iso_begin();
	if (iso_is_dom0())
		fail("needs two domUs");
	if (iso_role() == 1) {
		d1_phase1();
		d1_phase3();
	} else {
		d2_phase1();
		d2_phase3();
	}
	printk("gnt_transitive: d%u done\n", iso_role());
}
