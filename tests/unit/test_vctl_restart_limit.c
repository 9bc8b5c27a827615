// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the monitor's restart rate limit
 * (dom0/vctl/restart_limit.c): at most VCTL_RESTART_MAX restarts of one
 * name within VCTL_RESTART_WINDOW_MS, names counted apart, the window
 * sliding, the table of names making room, bad names refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "restart_limit.h"

#define W VCTL_RESTART_WINDOW_MS

static void restarts_allowed_up_to_the_limit_then_refused(void **state)
{
	static struct vctl_restart_limit l;
	uint64_t t = 1000;

	(void)state;
	memset(&l, 0, sizeof(l));
	for (unsigned int i = 0; i < VCTL_RESTART_MAX; i++)
		assert_true(vctl_restart_allowed(&l, "web", t + i));
	assert_int_equal(vctl_restart_count(&l, "web", t + 10),
			 VCTL_RESTART_MAX);
	/* A crash loop: refused, and a refusal is not counted. */
	for (unsigned int i = 0; i < 10; i++)
		assert_false(vctl_restart_allowed(&l, "web", t + 100 + i));
	assert_int_equal(vctl_restart_count(&l, "web", t + 200),
			 VCTL_RESTART_MAX);
}

static void the_window_slides(void **state)
{
	static struct vctl_restart_limit l;

	(void)state;
	memset(&l, 0, sizeof(l));
	/* restarts at 0 s, 20 s, 40 s (window 60 s) */
	assert_true(vctl_restart_allowed(&l, "a", 0));
	assert_true(vctl_restart_allowed(&l, "a", W / 3));
	assert_true(vctl_restart_allowed(&l, "a", 2 * W / 3));
	assert_false(vctl_restart_allowed(&l, "a", W - 1));
	/* the first leaves the window: one more allowed, then not */
	assert_true(vctl_restart_allowed(&l, "a", W));
	assert_false(vctl_restart_allowed(&l, "a", W + 1));
	/* long after, all have left it */
	assert_int_equal(vctl_restart_count(&l, "a", 10 * W), 0);
	assert_true(vctl_restart_allowed(&l, "a", 10 * W));
	assert_int_equal(vctl_restart_count(&l, "a", 10 * W), 1);
}

static void names_are_counted_apart(void **state)
{
	static struct vctl_restart_limit l;

	(void)state;
	memset(&l, 0, sizeof(l));
	for (unsigned int i = 0; i < VCTL_RESTART_MAX; i++)
		assert_true(vctl_restart_allowed(&l, "crashy", 5));
	assert_false(vctl_restart_allowed(&l, "crashy", 6));
	assert_true(vctl_restart_allowed(&l, "calm", 7));
	assert_int_equal(vctl_restart_count(&l, "calm", 8), 1);
	assert_int_equal(vctl_restart_count(&l, "other", 8), 0);
}

static void a_full_table_makes_room_but_keeps_a_looping_name(void **state)
{
	static struct vctl_restart_limit l;
	char name[16];

	(void)state;
	memset(&l, 0, sizeof(l));
	/* the looping one first, at its limit */
	for (unsigned int i = 0; i < VCTL_RESTART_MAX; i++)
		assert_true(vctl_restart_allowed(&l, "loop", 100));
	/* then more names than the table holds, all later */
	for (unsigned int i = 0; i < 2 * VCTL_RESTART_NAMES; i++) {
		snprintf(name, sizeof(name), "g%u", i);
		assert_true(vctl_restart_allowed(&l, name, 200 + i));
	}
	/* names not at their limit made room: "loop" is still refused */
	assert_false(vctl_restart_allowed(&l, "loop", 300));
	assert_int_equal(vctl_restart_count(&l, "g0", 300), 0);
	assert_int_equal(vctl_restart_count(&l, "g63", 300), 1);
	/* Past the window, expired entries are reused before live ones. */
	memset(&l, 0, sizeof(l));
	for (unsigned int i = 0; i < VCTL_RESTART_MAX; i++)
		assert_true(vctl_restart_allowed(&l, "loop", W + 100));
	for (unsigned int i = 0; i < VCTL_RESTART_NAMES - 1; i++) {
		snprintf(name, sizeof(name), "old%u", i);
		assert_true(vctl_restart_allowed(&l, name, 0));
	}
	/* the table is full; at 2W the old names have expired: new names
	 * take their places, "loop" (still in its window) is kept */
	for (unsigned int i = 0; i < VCTL_RESTART_NAMES - 1; i++) {
		snprintf(name, sizeof(name), "new%u", i);
		assert_true(vctl_restart_allowed(&l, name, W + 200));
	}
	assert_false(vctl_restart_allowed(&l, "loop", W + 300));
}

static void bad_names_are_refused(void **state)
{
	static struct vctl_restart_limit l;
	char longname[VCTL_NAME_MAX + 2];

	(void)state;
	memset(&l, 0, sizeof(l));
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	assert_false(vctl_restart_allowed(&l, "", 1));
	assert_false(vctl_restart_allowed(&l, longname, 1));
	assert_int_equal(vctl_restart_count(&l, longname, 1), 0);
	longname[VCTL_NAME_MAX] = 0; /* exactly the longest name */
	assert_true(vctl_restart_allowed(&l, longname, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			restarts_allowed_up_to_the_limit_then_refused),
		cmocka_unit_test(the_window_slides),
		cmocka_unit_test(names_are_counted_apart),
		cmocka_unit_test(
			a_full_table_makes_room_but_keeps_a_looping_name),
		cmocka_unit_test(bad_names_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
