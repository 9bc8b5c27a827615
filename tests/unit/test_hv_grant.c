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
#include <hv/grant-v2.h>
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

/* --- v2: the status word ------------------------------------------------ */

static union grant_entry_v2 e2;
static grant_status_t st2;

static void grant2(domid_t to, u16 flags, u64 frame)
{
	memset(&e2, 0, sizeof(e2));
	e2.hdr.domid = to;
	e2.hdr.flags = flags;
	e2.full_page.frame = frame;
}

/* A transitive entry's target, as common/grant_table.c would pin it. */
static int trans_pins;		/* the target's pins held */
static int trans_rc;		/* what pinning the target answers */
static domid_t trans_dom_seen;
static u32 trans_ref_seen;

static int fake_trans_pin(domid_t tdom, u32 tref, bool write, void *ctx,
			  unsigned long *mfn, u16 *start, u16 *length)
{
	(void)write;
	(void)ctx;
	trans_dom_seen = tdom;
	trans_ref_seen = tref;
	if (trans_rc != GNTST_okay)
		return trans_rc;
	trans_pins++;
	*mfn = FRAME;
	*start = 64;
	*length = 128;
	return GNTST_okay;
}

static void fake_trans_unpin(domid_t tdom, u32 tref, bool write, void *ctx)
{
	(void)write;
	(void)ctx;
	assert_int_equal(tdom, trans_dom_seen);
	assert_int_equal(tref, trans_ref_seen);
	assert_true(trans_pins > 0);
	trans_pins--;
}

static const struct gnt_v2_ops no_trans_ops = { .frame_ok = frame_ok };
static const struct gnt_v2_ops trans_ops = {
	.frame_ok = frame_ok,
	.trans_pin = fake_trans_pin,
	.trans_unpin = fake_trans_unpin,
};
static const struct gnt_v2_ops *ops2 = &no_trans_ops;

static void unpin2(bool write)
{
	gnt_unpin_v2(&st2, &act, write, ops2, NULL);
}

static int pin2(domid_t who, bool write, bool map)
{
	unsigned long mfn = 0;
	int st = gnt_pin_v2(&e2, &st2, &act, who, write, map, ops2, NULL,
			    &mfn);

	if (st == GNTST_okay)
		assert_int_equal(mfn, FRAME);
	return st;
}

/* Linux's v2 end of access: clear the flags, then look at the status. */
static bool revoke2(void)
{
	__atomic_store_n(&e2.hdr.flags, 0, __ATOMIC_SEQ_CST);
	return !(__atomic_load_n(&st2, __ATOMIC_SEQ_CST) & IN_USE);
}

static int setup2(void **state)
{
	st2 = 0;
	ops2 = &no_trans_ops;
	trans_pins = 0;
	trans_rc = GNTST_okay;
	memset(&e2, 0, sizeof(e2));
	return setup(state);
}

static void v2_use_sets_the_status_word_not_the_entry(void **state)
{
	grant2(MAPPER, GTF_permit_access, FRAME);
	assert_int_equal(pin2(MAPPER, true, true), GNTST_okay);
	assert_int_equal(st2, IN_USE);
	assert_int_equal(e2.hdr.flags, GTF_permit_access);
	assert_int_equal(pin2(MAPPER, false, false), GNTST_okay);
	assert_int_equal(frame_checks, 1);	/* read once, on the first pin */
	unpin2(true);
	assert_int_equal(st2, GTF_reading);
	unpin2(false);
	assert_int_equal(st2, 0);
	assert_true(revoke2());
}

static void v2_revocation_sees_a_use_and_a_revoked_entry_is_refused(void **state)
{
	grant2(MAPPER, GTF_permit_access, FRAME);
	assert_int_equal(pin2(MAPPER, false, true), GNTST_okay);
	assert_false(revoke2());
	/* Still in use, it stays usable by its grantee, as on Xen. */
	assert_int_equal(pin2(MAPPER, false, false), GNTST_okay);
	unpin2(false);
	unpin2(false);
	assert_int_equal(st2, 0);
	/* Idle and revoked: refused, the status untouched. */
	assert_int_equal(pin2(MAPPER, false, false), GNTST_general_error);
	assert_int_equal(st2, 0);
}

static void v2_only_the_grantee_and_permitted_entries(void **state)
{
	grant2(MAPPER, GTF_permit_access, FRAME);
	assert_int_equal(pin2(OTHER, false, false), GNTST_general_error);
	grant2(MAPPER, GTF_permit_access | GTF_readonly, FRAME);
	assert_int_equal(pin2(MAPPER, true, false), GNTST_general_error);
	grant2(MAPPER, GTF_accept_transfer, FRAME);
	assert_int_equal(pin2(MAPPER, false, false), GNTST_general_error);
	grant2(MAPPER, GTF_transitive, 0);
	e2.transitive.trans_domid = OTHER;
	e2.transitive.gref = 5;
	assert_int_equal(pin2(MAPPER, false, false), GNTST_general_error);
	assert_int_equal(pin2(MAPPER, false, true), GNTST_general_error);
	assert_int_equal(st2, 0);
	assert_int_equal(frame_checks, 0);
}

static void v2_write_pin_refused_on_a_readonly_pinned_entry(void **state)
{
	grant2(MAPPER, GTF_permit_access | GTF_readonly, FRAME);
	assert_int_equal(pin2(MAPPER, false, true), GNTST_okay);
	assert_int_equal(pin2(MAPPER, true, true), GNTST_general_error);
	assert_int_equal(st2, GTF_reading);	/* not GTF_writing left set */
	assert_int_equal(act.rw_pins, 0);
}

static void v2_sub_page_for_copies_only(void **state)
{
	grant2(MAPPER, GTF_permit_access | GTF_sub_page, FRAME);
	e2.sub_page.page_off = 100;
	e2.sub_page.length = 28;
	assert_int_equal(pin2(MAPPER, false, true), GNTST_general_error);
	assert_int_equal(pin2(MAPPER, false, false), GNTST_okay);
	assert_int_equal(act.start, 100);
	assert_int_equal(act.length, 28);
	/* Pinned as a sub-page, never mapped, whatever the entry says now. */
	e2.hdr.flags = GTF_permit_access;
	assert_int_equal(pin2(MAPPER, false, true), GNTST_general_error);
	unpin2(false);
	assert_int_equal(st2, 0);
	assert_int_equal(pin2(MAPPER, false, true), GNTST_okay);
	assert_int_equal(act.start, 0);
	assert_int_equal(act.length, 4096);
}

static void v2_bad_frame_leaves_status_unchanged(void **state)
{
	grant2(MAPPER, GTF_permit_access, FRAME);
	frame_good = false;
	assert_int_equal(pin2(MAPPER, true, true), GNTST_bad_page);
	assert_int_equal(st2, 0);
	frame_good = true;
	grant2(MAPPER, GTF_permit_access, FRAME | (1ULL << 32));
	assert_int_equal(pin2(MAPPER, true, true), GNTST_bad_page);
	assert_int_equal(st2, 0);
	assert_int_equal(act.ro_pins + act.rw_pins, 0);
}

static void v2_reserved_entries_convert_as_on_xen(void **state)
{
	struct grant_entry_v1 v1 = {
		.flags = GTF_permit_access | GTF_readonly | GTF_reading,
		.domid = MAPPER, .frame = FRAME,
	}, back;
	union grant_entry_v2 v2;
	grant_status_t st;

	gnt_v1_to_v2(v1, &v2, &st);
	assert_int_equal(v2.hdr.flags, GTF_permit_access | GTF_readonly);
	assert_int_equal(st, GTF_reading);
	assert_int_equal(v2.hdr.domid, MAPPER);
	assert_int_equal(v2.full_page.frame, FRAME);
	assert_true(gnt_v2_representable(&v2));
	back = gnt_v2_to_v1(&v2, st);
	assert_memory_equal(&back, &v1, sizeof(v1));

	v2.full_page.frame = 1ULL << 32;
	assert_false(gnt_v2_representable(&v2));
	v2.hdr.flags = GTF_transitive;
	assert_false(gnt_v2_representable(&v2));
	/* Anything but a permitted entry becomes invalid in v1. */
	v2.hdr.flags = GTF_accept_transfer;
	assert_true(gnt_v2_representable(&v2));
	back = gnt_v2_to_v1(&v2, IN_USE);
	assert_int_equal(back.flags, 0);
	assert_int_equal(back.frame, 0);
	assert_int_equal(gnt_status_frames(0), 0);
	assert_int_equal(gnt_status_frames(1), 1);
	assert_int_equal(gnt_status_frames(8), 1);
	assert_int_equal(gnt_status_frames(9), 2);
}

static void grant_trans(domid_t to, u16 extra, domid_t tdom, u32 tref)
{
	grant2(to, GTF_transitive | extra, 0);
	e2.transitive.trans_domid = tdom;
	e2.transitive.gref = tref;
	ops2 = &trans_ops;
}

static void v2_transitive_copy_pins_its_target_once_per_use(void **state)
{
	grant_trans(MAPPER, 0, OTHER, 5);
	assert_int_equal(pin2(MAPPER, false, false), GNTST_okay);
	assert_int_equal(trans_dom_seen, OTHER);
	assert_int_equal(trans_ref_seen, 5);
	assert_int_equal(trans_pins, 1);
	/* The target's range is the transitive grant's. */
	assert_int_equal(act.start, 64);
	assert_int_equal(act.length, 128);
	assert_int_equal(act.trans_domid, OTHER);
	assert_int_equal(pin2(MAPPER, true, false), GNTST_okay);
	assert_int_equal(trans_pins, 2);
	assert_int_equal(st2, GTF_reading | GTF_writing);
	/* Never mapped, pinned or not; nor used by another grantee. */
	assert_int_equal(pin2(MAPPER, false, true), GNTST_general_error);
	assert_int_equal(pin2(OTHER, false, false), GNTST_general_error);
	assert_int_equal(trans_pins, 2);
	unpin2(true);
	assert_int_equal(trans_pins, 1);
	assert_int_equal(st2, GTF_reading);
	unpin2(false);
	assert_int_equal(trans_pins, 0);
	assert_int_equal(st2, 0);
}

static void v2_transitive_map_refused_and_target_untouched(void **state)
{
	grant_trans(MAPPER, 0, OTHER, 5);
	assert_int_equal(pin2(MAPPER, false, true), GNTST_general_error);
	assert_int_equal(trans_pins, 0);
	assert_int_equal(st2, 0);
	/* A pinned transitive entry is no target of another one. */
	assert_int_equal(pin2(MAPPER, false, false), GNTST_okay);
	ops2 = &no_trans_ops;
	assert_int_equal(pin2(MAPPER, false, false), GNTST_general_error);
	ops2 = &trans_ops;
	unpin2(false);
	assert_int_equal(trans_pins, 0);
}

static void v2_transitive_target_failure_is_its_status(void **state)
{
	grant_trans(MAPPER, 0, OTHER, 5);
	trans_rc = GNTST_bad_gntref;
	assert_int_equal(pin2(MAPPER, false, false), GNTST_bad_gntref);
	assert_int_equal(st2, 0);
	assert_int_equal(act.ro_pins + act.rw_pins, 0);
	/* A reference no table can have is refused before any pin. */
	trans_rc = GNTST_okay;
	e2.transitive.gref = 0x10000;
	assert_int_equal(pin2(MAPPER, false, false), GNTST_bad_gntref);
	assert_int_equal(trans_pins, 0);
	assert_int_equal(st2, 0);
}

static void v2_transitive_readonly_and_rewritten_refuse_writes(void **state)
{
	grant_trans(MAPPER, GTF_readonly, OTHER, 5);
	assert_int_equal(pin2(MAPPER, true, false), GNTST_general_error);
	assert_int_equal(trans_pins, 0);
	assert_int_equal(pin2(MAPPER, false, false), GNTST_okay);
	unpin2(false);
	/* Pinned, then pointed elsewhere: a first write is refused, the
	 * read pin goes on holding the old target. */
	grant_trans(MAPPER, 0, OTHER, 5);
	assert_int_equal(pin2(MAPPER, false, false), GNTST_okay);
	e2.transitive.gref = 6;
	assert_int_equal(pin2(MAPPER, true, false), GNTST_general_error);
	assert_int_equal(st2, GTF_reading);
	assert_int_equal(trans_pins, 1);
	/* Made a full-page grant of the same frame: not the pinned one. */
	grant2(MAPPER, GTF_permit_access, FRAME);
	assert_int_equal(pin2(MAPPER, true, false), GNTST_general_error);
	unpin2(false);
	assert_int_equal(trans_pins, 0);
	assert_int_equal(st2, 0);
}

static void device_only_handle_authorises_no_l1_entry(void **state)
{
	struct maptrack mt[2] = {
		{ .flags = GNTMAP_device_map, .mfn = 0x77 },
		{ .flags = GNTMAP_host_map | GNTMAP_readonly, .mfn = 0x88 },
	};

	assert_false(gnt_maps_frame(mt, 2, 0x77, false));
	assert_true(gnt_maps_frame(mt, 2, 0x88, false));
	assert_false(gnt_maps_frame(mt, 2, 0x88, true));
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
		cmocka_unit_test_setup(v2_use_sets_the_status_word_not_the_entry, setup2),
		cmocka_unit_test_setup(v2_revocation_sees_a_use_and_a_revoked_entry_is_refused, setup2),
		cmocka_unit_test_setup(v2_only_the_grantee_and_permitted_entries, setup2),
		cmocka_unit_test_setup(v2_write_pin_refused_on_a_readonly_pinned_entry, setup2),
		cmocka_unit_test_setup(v2_sub_page_for_copies_only, setup2),
		cmocka_unit_test_setup(v2_bad_frame_leaves_status_unchanged, setup2),
		cmocka_unit_test_setup(v2_reserved_entries_convert_as_on_xen, setup2),
		cmocka_unit_test_setup(device_only_handle_authorises_no_l1_entry, setup2),
		cmocka_unit_test_setup(v2_transitive_copy_pins_its_target_once_per_use, setup2),
		cmocka_unit_test_setup(v2_transitive_map_refused_and_target_untouched, setup2),
		cmocka_unit_test_setup(v2_transitive_target_failure_is_its_status, setup2),
		cmocka_unit_test_setup(v2_transitive_readonly_and_rewritten_refuse_writes, setup2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
