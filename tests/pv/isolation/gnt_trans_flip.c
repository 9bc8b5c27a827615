// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile intermediate against an honest copier: d2 rewrites one v2
 * entry it grants to d1, as fast as it can and without ever clearing its
 * flags first, between a transitive entry naming a grant d1 made to d2
 * read-only and a full-page grant of d2's own page, writing the header
 * and the body in either order (so the hypervisor can read every torn
 * mix of the two).  d1 copies into that entry over and over.  A copy may
 * land in d2's page, or fail; it must never write d1's read-only page
 * (the read-only level bypassed by reading the entry's type, target or
 * frame more than once), and once d1 stops, neither level may be left
 * in use: d1 can end its read-only grant, d2's status word is clear.
 *
 * xen: skip needs two domains, and Xen 4.17 here boots only dom0
 * domus: 2
 */
#include "isolation.h"
#include "gnt.h"

const char test_name[] = "gnt_trans_flip";

enum { CTL = 8, RO = 9 };	/* d1's grants to d2 */
enum { X = 10 };		/* d2's entry for d1 */

enum { S1_GRANTED = 1, S1_DONE };
enum { S2_FLIPPING = 1 };

#define COPIES	20000
#define SECRET	0x5ec5ec5ec5ec5ec5ULL

static union gnt_table gt __attribute__((aligned(PAGE_SIZE)));
static volatile grant_status_t status[2048]
	__attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t ctl[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t secret[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t mine[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t src[512] __attribute__((aligned(PAGE_SIZE)));

/* --- d1, the honest copier --------------------------------------------- */

static void d1_main(void)
{
	unsigned int st_count[4] = { 0 };
	uint64_t deadline;
	uint16_t f;

	for (unsigned int i = 0; i < 512; i++)
		secret[i] = SECRET;
	for (unsigned int i = 0; i < 512; i++)
		src[i] = 0x6666666666666666ULL;
	gnt_setup(&gt);
	gnt_grant_v1(&gt.v1[CTL], 2, GTF_permit_access, ctl);
	gnt_grant_v1(&gt.v1[RO], 2, GTF_permit_access | GTF_readonly, secret);
	__atomic_store_n(&ctl[0], S1_GRANTED, __ATOMIC_RELEASE);
	gnt_wait_eq(&ctl[1], S2_FLIPPING, "d2 to start rewriting its entry");
	for (unsigned int i = 0; i < COPIES; i++) {
		int st = gnt_copy(GNT_OWN(src, 0), GNT_REF(2, X, 0), 64);

		switch (st) {
		case GNTST_okay:
			st_count[0]++;
			break;
		case GNTST_general_error:
			st_count[1]++;
			break;
		case GNTST_bad_gntref:
			st_count[2]++;
			break;
		case GNTST_bad_page:
			st_count[3]++;
			break;
		default:
			fail("copy %u into d2's entry: status %d", i, st);
		}
		if (secret[0] != SECRET || secret[7] != SECRET)
			fail("copy %u (status %d) wrote our read-only page", i,
			     st);
	}
	for (unsigned int i = 0; i < 512; i++)
		check_eq(secret[i], SECRET);
	printk("d1: %u copies into d2's flipping entry: %u done, %u "
	       "general_error, %u bad_gntref, %u bad_page; our read-only "
	       "page untouched\n", COPIES, st_count[0], st_count[1],
	       st_count[2], st_count[3]);
	/* No copy left the read-only grant in use: it ends now. */
	f = GTF_permit_access | GTF_readonly;
	check(__atomic_compare_exchange_n(&gt.v1[RO].flags, &f, 0, 0,
					  __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
	__atomic_store_n(&ctl[0], S1_DONE, __ATOMIC_RELEASE);

	deadline = pv_now() + 60000000000ULL;
	while (__atomic_load_n(&gt.v1[CTL].flags, __ATOMIC_ACQUIRE) &
	       (GTF_reading | GTF_writing)) {
		if (pv_now() > deadline)
			fail("d2 did not unmap the control page");
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
}

/* --- d2, the hostile intermediate -------------------------------------- */

/* Entry X, as four 32-bit words, stored without clearing the flags. */
static void store(const uint32_t w[4], int hdr_first)
{
	volatile uint32_t *e = (volatile uint32_t *)&gt.v2[X];

	if (hdr_first)
		__atomic_store_n(&e[0], w[0], __ATOMIC_RELEASE);
	e[1] = w[1];
	e[2] = w[2];
	e[3] = w[3];
	if (!hdr_first)
		__atomic_store_n(&e[0], w[0], __ATOMIC_RELEASE);
}

static void d2_main(void)
{
	uint64_t deadline = pv_now() + 60000000000ULL;
	uint64_t mfn = virt_to_mfn((const void *)mine);
	/* A transitive entry to d1's read-only grant; a grant of mine. */
	const uint32_t trans[4] = {
		GTF_transitive | (1U << 16), 1, RO, 0,
	};
	const uint32_t full[4] = {
		GTF_permit_access | (1U << 16), 0, (uint32_t)mfn,
		(uint32_t)(mfn >> 32),
	};
	unsigned long flips = 0;
	grant_handle_t hc;
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
	store(full, 1);
	__atomic_store_n(&ctl[1], S2_FLIPPING, __ATOMIC_RELEASE);
	while (__atomic_load_n(&ctl[0], __ATOMIC_ACQUIRE) != S1_DONE) {
		store(trans, flips & 2);
		store(full, flips & 4);
		flips++;
	}
	printk("d2: rewrote our entry %lu times while d1 copied into it\n",
	       flips);
	check_eq(status[X], 0);
	check_eq(gnt_unmap((uint64_t)ctl, hc), GNTST_okay);
}

void test_main(void)
{
	iso_begin();
	if (iso_is_dom0())
		fail("needs two domUs");
	if (iso_role() == 1)
		d1_main();
	else
		d2_main();
	printk("gnt_trans_flip: d%u done\n", iso_role());
}
