// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for frame-table bookkeeping (hypervisor/mm/frame.c):
 * ownership and reference counts, and the page-type rules that PV
 * isolation relies on (one type at a time, change only at type count 0).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <hv/errno.h>
#include <hv/page.h>

static struct page_info pg;

static int setup(void **state)
{
	memset(&pg, 0, sizeof(pg));
	assign_page(&pg, 1);
	return 0;
}

static void assign_gives_owner_one_reference(void **state)
{
	assert_int_equal(pg.owner, 1);
	assert_int_equal(page_refcount(&pg), 1);
	assert_true(pg.count_info & PGC_allocated);
	assert_int_equal(page_type_count(&pg), 0);
}

static void get_page_checks_owner(void **state)
{
	assert_true(get_page(&pg, 1));
	assert_int_equal(page_refcount(&pg), 2);
	assert_false(get_page(&pg, 2));
	assert_false(get_page(&pg, DOMID_XEN));
	assert_int_equal(page_refcount(&pg), 2);
}

static void get_page_refuses_free_and_reserved_frames(void **state)
{
	struct page_info f = { .count_info = PGC_free, .owner = 1 };
	struct page_info r = { .count_info = PGC_reserved | 1, .owner = 1 };
	struct page_info unassigned = { .owner = 1 };

	assert_false(get_page(&f, 1));
	assert_false(get_page(&r, 1));
	assert_false(get_page(&unassigned, 1));
}

static void last_put_page_releases_frame(void **state)
{
	assert_true(get_page(&pg, 1));
	assert_false(put_page(&pg));
	assert_true(put_page(&pg));
	assert_int_equal(page_refcount(&pg), 0);
	assert_false(pg.count_info & PGC_allocated);
	assert_false(put_page(&pg));		/* not held: no change */
	assert_false(get_page(&pg, 1));		/* gone from its owner */
}

static void put_allocation_frees_when_nothing_else_holds(void **state)
{
	assert_true(put_allocation(&pg));
	assert_int_equal(page_refcount(&pg), 0);
	assert_false(pg.count_info & PGC_allocated);
	/* Not allocated any more: a second drop is refused. */
	assert_false(put_allocation(&pg));
}

static void frame_let_go_while_held_is_freed_by_the_last_holder(void **state)
{
	assert_true(get_page(&pg, 1));		/* a mapping elsewhere */
	assert_false(put_allocation(&pg));	/* the owner lets it go */
	assert_false(pg.count_info & PGC_allocated);
	assert_int_equal(page_refcount(&pg), 1);
	assert_false(get_page(&pg, 1));		/* no new reference */
	assert_true(put_page(&pg));		/* the mapping's: last */
	assert_int_equal(page_refcount(&pg), 0);
}

static void put_allocation_if_unused_refuses_a_held_frame(void **state)
{
	assert_true(get_page(&pg, 1));
	assert_false(put_allocation_if_unused(&pg));
	assert_true(pg.count_info & PGC_allocated);
	assert_int_equal(page_refcount(&pg), 2);
	assert_false(put_page(&pg));
	assert_true(put_allocation_if_unused(&pg));
	assert_false(pg.count_info & PGC_allocated);
	assert_int_equal(page_refcount(&pg), 0);
	assert_false(put_allocation_if_unused(&pg));
}

static void first_type_reference_asks_for_validation(void **state)
{
	assert_int_equal(get_page_type(&pg, PGT_l1_page_table), 1);
	assert_int_equal(get_page_type(&pg, PGT_l1_page_table), 0);
	assert_int_equal(page_type_count(&pg), 2);
	assert_int_equal(pg.type_info & PGT_type_mask, PGT_l1_page_table);
}

static void page_table_cannot_become_writable(void **state)
{
	assert_int_equal(get_page_type(&pg, PGT_l2_page_table), 1);
	assert_int_equal(get_page_type(&pg, PGT_writable_page), -EBUSY);
	assert_int_equal(get_page_type(&pg, PGT_l1_page_table), -EBUSY);
	assert_true(put_page_type(&pg));
	assert_int_equal(get_page_type(&pg, PGT_writable_page), 1);
	assert_int_equal(get_page_type(&pg, PGT_l2_page_table), -EBUSY);
}

static void writable_page_cannot_become_page_table(void **state)
{
	assert_int_equal(get_page_type(&pg, PGT_writable_page), 1);
	assert_int_equal(get_page_type(&pg, PGT_writable_page), 0);
	assert_false(put_page_type(&pg));
	assert_int_equal(get_page_type(&pg, PGT_l4_page_table), -EBUSY);
	assert_true(put_page_type(&pg));
	assert_int_equal(get_page_type(&pg, PGT_l4_page_table), 1);
}

static void validated_type_is_kept_across_zero_count(void **state)
{
	assert_int_equal(get_page_type(&pg, PGT_l3_page_table), 1);
	pg.type_info |= PGT_validated;		/* the caller validated it */
	assert_true(put_page_type(&pg));
	assert_int_equal(get_page_type(&pg, PGT_l3_page_table), 0);
	assert_true(pg.type_info & PGT_validated);
	assert_true(put_page_type(&pg));
	assert_int_equal(get_page_type(&pg, PGT_seg_desc_page), 1);
	assert_false(pg.type_info & PGT_validated);
}

static void bad_types_and_unheld_puts_are_rejected(void **state)
{
	assert_int_equal(get_page_type(&pg, PGT_none), -EINVAL);
	assert_int_equal(get_page_type(&pg, PGT_l1_page_table | 1), -EINVAL);
	assert_false(put_page_type(&pg));
	assert_int_equal(page_type_count(&pg), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(assign_gives_owner_one_reference, setup),
		cmocka_unit_test_setup(get_page_checks_owner, setup),
		cmocka_unit_test_setup(get_page_refuses_free_and_reserved_frames, setup),
		cmocka_unit_test_setup(last_put_page_releases_frame, setup),
		cmocka_unit_test_setup(put_allocation_frees_when_nothing_else_holds, setup),
		cmocka_unit_test_setup(frame_let_go_while_held_is_freed_by_the_last_holder, setup),
		cmocka_unit_test_setup(put_allocation_if_unused_refuses_a_held_frame, setup),
		cmocka_unit_test_setup(first_type_reference_asks_for_validation, setup),
		cmocka_unit_test_setup(page_table_cannot_become_writable, setup),
		cmocka_unit_test_setup(writable_page_cannot_become_page_table, setup),
		cmocka_unit_test_setup(validated_type_is_kept_across_zero_count, setup),
		cmocka_unit_test_setup(bad_types_and_unheld_puts_are_rejected, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
