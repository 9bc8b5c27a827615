// SPDX-License-Identifier: GPL-2.0
/*
 * The console back end's pure parts (drivers-back/console): the ring
 * code against a hostile guest's indices, the flood limit (token
 * bucket), the log cap and the scrollback.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cons_buf.h"
#include "cons_ring.h"

#define OUT_SIZE 2048
#define IN_SIZE 1024

static struct xencons_interface page;

/* The guest writes @n bytes of @c at its out_prod. */
static void guest_print(char c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		page.out[(page.out_prod + i) % OUT_SIZE] = c;
	page.out_prod += (XENCONS_RING_IDX)n;
}

static void attach_at(struct cons_ring *r, XENCONS_RING_IDX start)
{
	memset(&page, 0, sizeof(page));
	page.out_cons = page.out_prod = start;
	page.in_cons = page.in_prod = start;
	cons_ring_attach(r, &page);
}

static void ring_reads_output_and_gives_room_back(void **state)
{
	struct cons_ring r;
	char buf[64];

	attach_at(&r, 0);
	guest_print('a', 10);
	assert_int_equal(cons_ring_out_avail(&r), 10);
	assert_int_equal(cons_ring_read(&r, buf, sizeof(buf)), 10);
	assert_memory_equal(buf, "aaaaaaaaaa", 10);
	assert_int_equal(page.out_cons, 10);
	assert_int_equal(cons_ring_read(&r, buf, sizeof(buf)), 0);
}

static void ring_read_wraps_the_index_and_the_buffer(void **state)
{
	struct cons_ring r;
	char buf[OUT_SIZE];

	attach_at(&r, 0xffffffffu - 5);	/* 2^32 wrap in 6 bytes */
	guest_print('x', 20);
	assert_int_equal(cons_ring_read(&r, buf, sizeof(buf)), 20);
	assert_int_equal(page.out_cons, 14);
	/* A full ring is fine, and taken in pieces if asked. */
	guest_print('y', OUT_SIZE);
	assert_int_equal(cons_ring_out_avail(&r), OUT_SIZE);
	assert_int_equal(cons_ring_read(&r, buf, 100), 100);
	assert_int_equal(cons_ring_out_avail(&r), OUT_SIZE - 100);
}

static void ring_rejects_producer_more_than_a_ring_ahead(void **state)
{
	struct cons_ring r;
	char buf[64];

	attach_at(&r, 100);
	page.out_prod = 100 + OUT_SIZE + 1;
	assert_int_equal(cons_ring_out_avail(&r), -EPROTO);
	assert_int_equal(cons_ring_read(&r, buf, sizeof(buf)), -EPROTO);
	assert_int_equal(page.out_cons, 100);	/* nothing consumed */
	/* Behind us (prod < cons): the distance is huge, also refused. */
	page.out_prod = 99;
	assert_int_equal(cons_ring_read(&r, buf, sizeof(buf)), -EPROTO);
	page.out_prod = 0x80000000u;
	assert_int_equal(cons_ring_read(&r, buf, sizeof(buf)), -EPROTO);
}

static void ring_ignores_consumer_index_the_guest_rewrites(void **state)
{
	struct cons_ring r;
	char buf[64];

	attach_at(&r, 0);
	guest_print('a', 8);
	/* The guest moves the back end's own index: we keep ours. */
	page.out_cons = 0x7fffffff;
	assert_int_equal(cons_ring_read(&r, buf, sizeof(buf)), 8);
	assert_int_equal(page.out_cons, 8);
}

static void ring_attach_to_hostile_indices_reads_nothing_bad(void **state)
{
	struct cons_ring r;
	char buf[64];

	memset(&page, 0, sizeof(page));
	page.out_cons = 5;
	page.out_prod = 5 + 3 * OUT_SIZE;	/* before we attach */
	page.in_prod = 0;
	page.in_cons = 4000;
	cons_ring_attach(&r, &page);
	assert_int_equal(cons_ring_read(&r, buf, sizeof(buf)), -EPROTO);
	assert_int_equal(cons_ring_in_space(&r), -EPROTO);
	assert_int_equal(cons_ring_write(&r, "a", 1), -EPROTO);
	assert_int_equal(page.in_prod, 0);
}

static void ring_writes_input_up_to_the_space_left(void **state)
{
	struct cons_ring r;
	char big[IN_SIZE + 10];

	attach_at(&r, 0xfffffff0u);
	assert_int_equal(cons_ring_in_space(&r), IN_SIZE);
	memset(big, 'k', sizeof(big));
	assert_int_equal(cons_ring_write(&r, big, sizeof(big)), IN_SIZE);
	assert_int_equal(page.in_prod, (XENCONS_RING_IDX)(0xfffffff0u + IN_SIZE));
	assert_int_equal(cons_ring_write(&r, "z", 1), 0);	/* full */
	page.in_cons += 3;					/* guest read 3 */
	assert_int_equal(cons_ring_write(&r, "abc", 3), 3);
	assert_int_equal(page.in[(0xfffffff0u + IN_SIZE) % IN_SIZE], 'a');
}

static void ring_rejects_input_consumer_past_producer(void **state)
{
	struct cons_ring r;

	attach_at(&r, 50);
	page.in_cons = 51;	/* consumed what was never produced */
	assert_int_equal(cons_ring_in_space(&r), -EPROTO);
	assert_int_equal(cons_ring_write(&r, "a", 1), -EPROTO);
	page.in_cons = 50 - IN_SIZE - 1;	/* or too far behind */
	assert_int_equal(cons_ring_write(&r, "a", 1), -EPROTO);
	assert_int_equal(page.in_prod, 50);
}

/* --- flood limit ---------------------------------------------------------- */

#define SEC 1000000000ULL

static void limit_allows_a_burst_then_the_rate(void **state)
{
	struct cons_limit l;
	uint64_t t = 5 * SEC;

	cons_limit_init(&l, 1000, 4000, t);
	assert_int_equal(cons_limit_take(&l, t, 3000), 3000);
	assert_int_equal(cons_limit_take(&l, t, 3000), 1000);
	assert_int_equal(cons_limit_take(&l, t, 3000), 0);
	assert_true(cons_limit_wait_ms(&l, t, 500) >= 500);
	/* Half a second later: 500 bytes' worth. */
	t += SEC / 2;
	assert_int_equal(cons_limit_wait_ms(&l, t, 500), 0);
	assert_int_equal(cons_limit_take(&l, t, 3000), 500);
	assert_int_equal(cons_limit_take(&l, t, 1), 0);
}

static void limit_bounds_a_flood_over_time(void **state)
{
	struct cons_limit l;
	uint64_t t = 0, got = 0;

	cons_limit_init(&l, 32768, 262144, t);
	/* A guest that always has output, asked 1000 times a second for
	 * 10 s, gets burst + 10 s of rate, never more. */
	for (int i = 0; i < 10000; i++, t += SEC / 1000)
		got += cons_limit_take(&l, t, 4096);
	assert_true(got <= 262144 + 10 * 32768);
	assert_true(got >= 262144 + 9 * 32768);
}

static void limit_refills_to_the_burst_after_idle(void **state)
{
	struct cons_limit l;

	cons_limit_init(&l, 100, 1000, 0);
	assert_int_equal(cons_limit_take(&l, 0, 1000), 1000);
	/* An hour idle (and a clock far ahead) does not overflow. */
	assert_int_equal(cons_limit_take(&l, 3600 * SEC, 5000), 1000);
	assert_int_equal(cons_limit_take(&l, UINT64_MAX / 2, 5000), 1000);
	/* A clock that goes back gives nothing. */
	assert_int_equal(cons_limit_take(&l, 10, 5000), 0);
}

static void log_rotates_at_the_cap(void **state)
{
	assert_false(cons_log_must_rotate(0, 5000, 4096));	/* empty */
	assert_false(cons_log_must_rotate(1000, 3096, 4096));
	assert_true(cons_log_must_rotate(1000, 3097, 4096));
	assert_true(cons_log_must_rotate(4096, 1, 4096));
	assert_true(cons_log_must_rotate(5000, 1, 4096));
	assert_true(cons_log_must_rotate(1, UINT64_MAX, 4096));
}

/* --- scrollback ----------------------------------------------------------- */

static struct scrollback sb;
static char out[SCROLLBACK_SIZE + 100];

static void scrollback_keeps_what_fits_in_order(void **state)
{
	scrollback_init(&sb);
	assert_int_equal(scrollback_copy(&sb, out, sizeof(out)), 0);
	scrollback_append(&sb, "hello ", 6);
	scrollback_append(&sb, "world", 5);
	assert_int_equal(scrollback_copy(&sb, out, sizeof(out)), 11);
	assert_memory_equal(out, "hello world", 11);
	/* Asked for less: the newest bytes. */
	assert_int_equal(scrollback_copy(&sb, out, 5), 5);
	assert_memory_equal(out, "world", 5);
}

static void scrollback_drops_the_oldest_when_full(void **state)
{
	char chunk[1000];
	size_t total = 0, n;

	scrollback_init(&sb);
	/* 200 chunks of 1000 bytes, each byte its offset mod 251. */
	for (int c = 0; c < 200; c++) {
		for (size_t i = 0; i < sizeof(chunk); i++)
			chunk[i] = (char)((total + i) % 251);
		scrollback_append(&sb, chunk, sizeof(chunk));
		total += sizeof(chunk);
	}
	n = scrollback_copy(&sb, out, sizeof(out));
	assert_int_equal(n, SCROLLBACK_SIZE);
	for (size_t i = 0; i < n; i++)
		assert_int_equal((unsigned char)out[i],
				 (total - n + i) % 251);
}

static void scrollback_takes_one_append_larger_than_itself(void **state)
{
	static char big[SCROLLBACK_SIZE * 2 + 7];

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i % 13);
	scrollback_init(&sb);
	scrollback_append(&sb, "abc", 3);
	scrollback_append(&sb, big, sizeof(big));
	assert_int_equal(scrollback_copy(&sb, out, sizeof(out)),
			 SCROLLBACK_SIZE);
	assert_memory_equal(out, big + sizeof(big) - SCROLLBACK_SIZE,
			    SCROLLBACK_SIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ring_reads_output_and_gives_room_back),
		cmocka_unit_test(ring_read_wraps_the_index_and_the_buffer),
		cmocka_unit_test(ring_rejects_producer_more_than_a_ring_ahead),
		cmocka_unit_test(ring_ignores_consumer_index_the_guest_rewrites),
		cmocka_unit_test(ring_attach_to_hostile_indices_reads_nothing_bad),
		cmocka_unit_test(ring_writes_input_up_to_the_space_left),
		cmocka_unit_test(ring_rejects_input_consumer_past_producer),
		cmocka_unit_test(limit_allows_a_burst_then_the_rate),
		cmocka_unit_test(limit_bounds_a_flood_over_time),
		cmocka_unit_test(limit_refills_to_the_burst_after_idle),
		cmocka_unit_test(log_rotates_at_the_cap),
		cmocka_unit_test(scrollback_keeps_what_fits_in_order),
		cmocka_unit_test(scrollback_drops_the_oldest_when_full),
		cmocka_unit_test(scrollback_takes_one_append_larger_than_itself),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
