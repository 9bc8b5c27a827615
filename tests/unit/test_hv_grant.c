// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for grant-table bookkeeping (hypervisor/common/
 * grant-v1.c): when an entry lets a domain use it, how GTF_reading and
 * GTF_writing follow the uses so the granter cannot revoke a grant in
 * use, what a refused use leaves behind (nothing), handles, and the L1
 * entry a grant mapping gets.
 *
 * Domain 1 grants; domains 2 and 3 are grantees.  A granter revoking an
 * entry is modelled as Linux does it: a cmpxchg of the flags from what
 * it wrote to 0, which must fail while a use is in progress.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <hv/grant-v1.h>
#include <hv/pagetype.h>

#define MAPPER		2
#define OTHER		3
#define FRAME		0x1234
#define IN_USE		(GTF_reading | GTF_writing)

static struct grant_entry_v1 e;
static struct active_grant act;
static unsigned int frame_checks;
static bool frame_good;

static bool frame_ok(unsigned long frame, void *ctx)
{
	frame_checks++;
	assert_int_equal(frame, FRAME);
	return frame_good;
}

static void grant(domid_t to, u16 flags)
{
	e.domid = to;
	e.frame = FRAME;
	e.flags = flags;
}

/* Linux's gnttab_end_foreign_access_ref(): true if the grant ended. */
static bool revoke(void)
{
	u16 flags = e.flags;

	if (flags & IN_USE)
		return false;
	return __atomic_compare_exchange_n(&e.flags, &flags, 0, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

static int pin(domid_t who, bool write)
{
	unsigned long mfn = 0;
	int st = gnt_pin(&e, &act, who, write, frame_ok, NULL, &mfn);

	if (st == GNTST_okay)
		assert_int_equal(mfn, FRAME);
	return st;
}

static int setup(void **state)
{
	memset(&e, 0, sizeof(e));
	memset(&act, 0, sizeof(act));
	frame_checks = 0;
	frame_good = true;
	return 0;
}

static void readonly_use_sets_reading_until_last_unpin(void **state)
{
	grant(MAPPER, GTF_permit_access | GTF_readonly);
	assert_int_equal(pin(MAPPER, false), GNTST_okay);
	assert_int_equal(e.flags & IN_USE, GTF_reading);
	assert_int_equal(pin(MAPPER, false), GNTST_okay);
	assert_int_equal(frame_checks, 1);	/* the frame is fixed once */
	assert_false(revoke());
	gnt_unpin(&e, &act, false);
	assert_int_equal(e.flags & IN_USE, GTF_reading);
	assert_false(revoke());
	gnt_unpin(&e, &act, false);
	assert_int_equal(e.flags, GTF_permit_access | GTF_readonly);
	assert_true(revoke());
}

static void writable_use_sets_both_flags(void **state)
{
	grant(MAPPER, GTF_permit_access);
	assert_int_equal(pin(MAPPER, false), GNTST_okay);
	assert_int_equal(pin(MAPPER, true), GNTST_okay);
	assert_int_equal(e.flags & IN_USE, IN_USE);
	/* the writable use ends first: still being read */
	gnt_unpin(&e, &act, true);
	assert_int_equal(e.flags & IN_USE, GTF_reading);
	assert_int_equal(pin(MAPPER, true), GNTST_okay);
	/* the read-only use ends first: still being written */
	gnt_unpin(&e, &act, false);
	assert_int_equal(e.flags & IN_USE, IN_USE);
	gnt_unpin(&e, &act, true);
	assert_int_equal(e.flags & IN_USE, 0);
	assert_true(revoke());
}

static void readonly_grant_refuses_writable_use(void **state)
{
	grant(MAPPER, GTF_permit_access | GTF_readonly);
	assert_int_equal(pin(MAPPER, true), GNTST_general_error);
	assert_int_equal(e.flags, GTF_permit_access | GTF_readonly);
	assert_int_equal(act.ro_pins + act.rw_pins, 0);
	/* nor once it is in use read-only */
	assert_int_equal(pin(MAPPER, false), GNTST_okay);
	assert_int_equal(pin(MAPPER, true), GNTST_general_error);
	assert_int_equal(e.flags & IN_USE, GTF_reading);
	assert_int_equal(act.rw_pins, 0);
	gnt_unpin(&e, &act, false);
	assert_true(revoke());
}

static void only_the_named_grantee_may_use_it(void **state)
{
	grant(OTHER, GTF_permit_access);
	assert_int_equal(pin(MAPPER, false), GNTST_general_error);
	assert_int_equal(pin(MAPPER, true), GNTST_general_error);
	assert_int_equal(e.flags, GTF_permit_access);
	/* in use by the grantee, the entry then changed to name another
	 * domain: neither may add a use (the pins belong to the first) */
	assert_int_equal(pin(OTHER, false), GNTST_okay);
	e.domid = MAPPER;
	assert_int_equal(pin(MAPPER, false), GNTST_general_error);
	assert_int_equal(pin(OTHER, false), GNTST_general_error);
	gnt_unpin(&e, &act, false);
	assert_int_equal(e.flags & IN_USE, 0);
}

static void unused_or_other_kinds_of_entry_refused(void **state)
{
	grant(MAPPER, 0);				/* GTF_invalid */
	assert_int_equal(pin(MAPPER, false), GNTST_general_error);
	grant(MAPPER, GTF_accept_transfer);
	assert_int_equal(pin(MAPPER, false), GNTST_general_error);
	grant(MAPPER, GTF_transitive);			/* v2 only */
	assert_int_equal(pin(MAPPER, false), GNTST_general_error);
	assert_int_equal(frame_checks, 0);
	assert_int_equal(e.flags, GTF_transitive);
}

static void frame_not_the_granters_leaves_entry_unchanged(void **state)
{
	grant(MAPPER, GTF_permit_access);
	frame_good = false;
	assert_int_equal(pin(MAPPER, true), GNTST_bad_page);
	assert_int_equal(e.flags, GTF_permit_access);
	assert_int_equal(act.ro_pins + act.rw_pins, 0);
	assert_true(revoke());
}

static void pin_counts_do_not_overflow(void **state)
{
	unsigned int i;

	grant(MAPPER, GTF_permit_access);
	for (i = 0; i < GNT_MAX_PINS; i++)
		assert_int_equal(pin(MAPPER, false), GNTST_okay);
	assert_int_equal(pin(MAPPER, false), GNTST_general_error);
	assert_int_equal(pin(MAPPER, true), GNTST_general_error);
	for (i = 0; i < GNT_MAX_PINS; i++)
		gnt_unpin(&e, &act, false);
	assert_int_equal(e.flags & IN_USE, 0);
}

static void revoked_entry_cannot_be_used(void **state)
{
	grant(MAPPER, GTF_permit_access);
	assert_true(revoke());
	assert_int_equal(pin(MAPPER, false), GNTST_general_error);
	assert_int_equal(e.flags, 0);
}

static void handles_first_free_and_frames_mapped(void **state)
{
	struct maptrack mt[4] = { 0 };

	assert_int_equal(gnt_alloc_handle(mt, 4), 0);
	mt[0] = (struct maptrack){ .flags = GNTMAP_host_map | GNTMAP_readonly,
				   .mfn = 7 };
	mt[1] = (struct maptrack){ .flags = GNTMAP_host_map, .mfn = 8 };
	assert_int_equal(gnt_alloc_handle(mt, 4), 2);
	mt[2].flags = mt[3].flags = GNTMAP_host_map;
	assert_int_equal(gnt_alloc_handle(mt, 4), -1);
	mt[1].flags = 0;
	assert_int_equal(gnt_alloc_handle(mt, 4), 1);

	assert_true(gnt_maps_frame(mt, 4, 7, false));
	assert_false(gnt_maps_frame(mt, 4, 7, true));	/* read-only only */
	assert_false(gnt_maps_frame(mt, 4, 8, false));	/* handle freed */
	mt[1] = (struct maptrack){ .flags = GNTMAP_host_map, .mfn = 8 };
	assert_true(gnt_maps_frame(mt, 4, 8, true));
}

static void mapping_entry_flags(void **state)
{
	u64 ro = gnt_pte(0x42, GNTMAP_host_map | GNTMAP_readonly);
	u64 rw = gnt_pte(0x42, GNTMAP_host_map);
	u64 app = gnt_pte(0x42, GNTMAP_host_map | GNTMAP_application_map |
			  GNTMAP_contains_pte | (1U << _GNTMAP_guest_avail0));

	assert_int_equal(ro, 0x42000UL | PTE_P | PTE_A | PTE_D | PTE_NX);
	assert_int_equal(rw, ro | PTE_RW);
	assert_int_equal(app, rw | PTE_US | (1UL << 9));
	/* only three available bits; the others never leak into the PTE */
	assert_int_equal(gnt_pte(0x42, GNTMAP_host_map | GNTMAP_readonly |
				 GNTMAP_guest_avail_mask), ro | (7UL << 9));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(readonly_use_sets_reading_until_last_unpin, setup),
		cmocka_unit_test_setup(writable_use_sets_both_flags, setup),
		cmocka_unit_test_setup(readonly_grant_refuses_writable_use, setup),
		cmocka_unit_test_setup(only_the_named_grantee_may_use_it, setup),
		cmocka_unit_test_setup(unused_or_other_kinds_of_entry_refused, setup),
		cmocka_unit_test_setup(frame_not_the_granters_leaves_entry_unchanged, setup),
		cmocka_unit_test_setup(pin_counts_do_not_overflow, setup),
		cmocka_unit_test_setup(revoked_entry_cannot_be_used, setup),
		cmocka_unit_test_setup(handles_first_free_and_frames_mapped, setup),
		cmocka_unit_test_setup(mapping_entry_flags, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
