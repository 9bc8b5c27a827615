// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for event-channel bookkeeping and the 2-level
 * pending/mask protocol (hypervisor/common/evtchn-2l.c, contract §11).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <hv/evtchn-2l.h>

#include <veneer/event_channel.h>

static struct evtchn_table *new_table(void)
{
	struct evtchn_table *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	return t;
}

static void alloc_never_hands_out_port_0(void **state)
{
	struct evtchn_table *t = new_table();

	assert_int_equal(evtchn_alloc_port(t), 1);
	assert_int_equal(evtchn_alloc_port(t), 2);
	assert_false(evtchn_port_in_use(t, 0));
	free(t);
}

static void alloc_reuses_the_lowest_freed_port(void **state)
{
	struct evtchn_table *t = new_table();

	for (int i = 1; i <= 5; i++)
		assert_int_equal(evtchn_alloc_port(t), i);
	evtchn_free_port(t, 3);
	evtchn_free_port(t, 2);
	assert_false(evtchn_port_in_use(t, 2));
	assert_int_equal(evtchn_alloc_port(t), 2);
	assert_int_equal(evtchn_alloc_port(t), 3);
	assert_int_equal(evtchn_alloc_port(t), 6);
	free(t);
}

static void alloc_fails_with_enospc_when_all_4095_are_used(void **state)
{
	struct evtchn_table *t = new_table();

	for (int i = 1; i < EVTCHN_NR_PORTS; i++)
		assert_int_equal(evtchn_alloc_port(t), i);
	assert_int_equal(evtchn_alloc_port(t), -ENOSPC);
	free(t);
}

static void port_in_use_rejects_out_of_range_ports(void **state)
{
	struct evtchn_table *t = new_table();

	evtchn_alloc_port(t);
	assert_true(evtchn_port_in_use(t, 1));
	assert_false(evtchn_port_in_use(t, EVTCHN_NR_PORTS));
	assert_false(evtchn_port_in_use(t, ~0UL));
	evtchn_free_port(t, EVTCHN_NR_PORTS + 7);	/* ignored, no crash */
	free(t);
}

static void set_pending_raises_the_upcall_once(void **state)
{
	struct shared_info *si = calloc(1, sizeof(*si));
	struct vcpu_info *vi = &si->vcpu_info[0];

	assert_true(evtchn_2l_set_pending(si, vi, 70));
	assert_true(si->evtchn_pending[1] & (1UL << 6));
	assert_true(vi->evtchn_pending_sel & 2);
	assert_int_equal(vi->evtchn_upcall_pending, 1);
	/* Already pending: nothing new. */
	assert_false(evtchn_2l_set_pending(si, vi, 70));
	/* Another port in the same word: the selector is already set. */
	assert_false(evtchn_2l_set_pending(si, vi, 71));
	assert_true(evtchn_2l_is_pending(si, 71));
	free(si);
}

static void masked_port_stays_quiet_until_unmasked(void **state)
{
	struct shared_info *si = calloc(1, sizeof(*si));
	struct vcpu_info *vi = &si->vcpu_info[0];

	si->evtchn_mask[0] = 1UL << 5;
	assert_false(evtchn_2l_set_pending(si, vi, 5));
	assert_true(evtchn_2l_is_pending(si, 5));
	assert_int_equal(vi->evtchn_pending_sel, 0);
	assert_int_equal(vi->evtchn_upcall_pending, 0);
	assert_true(evtchn_2l_unmask(si, vi, 5));
	assert_int_equal(si->evtchn_mask[0], 0);
	assert_true(vi->evtchn_pending_sel & 1);
	assert_int_equal(vi->evtchn_upcall_pending, 1);
	free(si);
}

static void unmask_of_a_quiet_port_raises_nothing(void **state)
{
	struct shared_info *si = calloc(1, sizeof(*si));
	struct vcpu_info *vi = &si->vcpu_info[0];

	si->evtchn_mask[63] = ~0UL;
	assert_false(evtchn_2l_unmask(si, vi, 4095));
	assert_int_equal(si->evtchn_mask[63], ~0UL >> 1);
	assert_int_equal(vi->evtchn_upcall_pending, 0);
	free(si);
}

static void clear_pending_lets_the_port_fire_again(void **state)
{
	struct shared_info *si = calloc(1, sizeof(*si));
	struct vcpu_info *vi = &si->vcpu_info[0];

	assert_true(evtchn_2l_set_pending(si, vi, 1));
	evtchn_2l_clear_pending(si, 1);
	assert_false(evtchn_2l_is_pending(si, 1));
	vi->evtchn_pending_sel = 0;		/* the guest's scan */
	vi->evtchn_upcall_pending = 0;
	assert_true(evtchn_2l_set_pending(si, vi, 1));
	free(si);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(alloc_never_hands_out_port_0),
		cmocka_unit_test(alloc_reuses_the_lowest_freed_port),
		cmocka_unit_test(alloc_fails_with_enospc_when_all_4095_are_used),
		cmocka_unit_test(port_in_use_rejects_out_of_range_ports),
		cmocka_unit_test(set_pending_raises_the_upcall_once),
		cmocka_unit_test(masked_port_stays_quiet_until_unmasked),
		cmocka_unit_test(unmask_of_a_quiet_port_raises_nothing),
		cmocka_unit_test(clear_pending_lets_the_port_fire_again),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
