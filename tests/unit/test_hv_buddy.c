// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for the hypervisor's buddy allocator (hypervisor/mm/
 * buddy.c), driven with a frame table in host memory: allocation and free
 * patterns, fragmentation and coalescing, exhaustion, error detection
 * (double free, misaligned and reserved blocks), and a long randomized
 * sequence checked against a simple model of which frames are in use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <hv/buddy.h>
#include <hv/errno.h>

#define NR_FRAMES	1024

static struct page_info frames[NR_FRAMES];
static struct buddy b;

/* Every frame reserved, as the hypervisor's frame table starts out. */
static void fresh(unsigned long nr)
{
	memset(frames, 0, sizeof(frames));
	for (unsigned long i = 0; i < NR_FRAMES; i++)
		frames[i].count_info = PGC_reserved;
	buddy_init(&b, frames, nr);
}

/* Free lists agree with nr_free, blocks are aligned and fully marked. */
static void check_invariants(void)
{
	unsigned long total = 0;

	for (unsigned int o = 0; o <= BUDDY_MAX_ORDER; o++) {
		unsigned long count = 0;

		for (struct list_head *l = b.free[o].next; l != &b.free[o];
		     l = l->next) {
			struct page_info *pg = list_entry(l, struct page_info, list);
			unsigned long pfn = buddy_pfn(&b, pg);

			assert_int_equal(pg->order, o);
			assert_true(pg->count_info & PGC_buddy_head);
			assert_int_equal(pfn & ((1UL << o) - 1), 0);
			for (unsigned long i = 0; i < (1UL << o); i++)
				assert_true(pg[i].count_info & PGC_free);
			count++;
		}
		assert_int_equal(count, b.nr_free_blocks[o]);
		total += count << o;
	}
	assert_int_equal(total, b.nr_free);
}

static void add_range_makes_largest_blocks(void **state)
{
	fresh(NR_FRAMES);
	assert_int_equal(buddy_add_range(&b, 0, NR_FRAMES), 0);
	assert_int_equal(b.nr_free, NR_FRAMES);
	assert_int_equal(b.nr_free_blocks[10], 1);
	assert_false(frames[5].count_info & PGC_reserved);
	check_invariants();
}

static void unaligned_range_is_split_into_aligned_blocks(void **state)
{
	fresh(NR_FRAMES);
	assert_int_equal(buddy_add_range(&b, 3, 1000 - 3), 0);
	assert_int_equal(b.nr_free, 997);
	assert_true(frames[2].count_info & PGC_reserved);
	assert_true(frames[1000].count_info & PGC_reserved);
	check_invariants();
}

static void add_range_rejects_overlap_and_out_of_range(void **state)
{
	fresh(512);
	assert_int_equal(buddy_add_range(&b, 0, 256), 0);
	assert_int_equal(buddy_add_range(&b, 255, 2), -EINVAL);
	assert_int_equal(buddy_add_range(&b, 500, 13), -ERANGE);
	assert_int_equal(buddy_add_range(&b, 600, 1), -ERANGE);
	assert_int_equal(b.nr_free, 256);
	check_invariants();
}

static void alloc_returns_aligned_block_and_splits(void **state)
{
	struct page_info *pg;

	fresh(NR_FRAMES);
	buddy_add_range(&b, 0, NR_FRAMES);
	pg = buddy_alloc(&b, 3);
	assert_non_null(pg);
	assert_int_equal(buddy_pfn(&b, pg) & 7, 0);
	for (int i = 0; i < 8; i++)
		assert_false(pg[i].count_info & PGC_free);
	assert_int_equal(b.nr_free, NR_FRAMES - 8);
	/* 1024 = 8 + 8 + 16 + ... + 512: one block of each order 3..9 */
	for (int o = 3; o <= 9; o++)
		assert_int_equal(b.nr_free_blocks[o], 1);
	check_invariants();
	assert_int_equal(buddy_free(&b, pg, 3), 0);
	assert_int_equal(b.nr_free_blocks[10], 1);
	check_invariants();
}

static void fragmentation_then_coalescing(void **state)
{
	static struct page_info *pages[NR_FRAMES];

	fresh(NR_FRAMES);
	buddy_add_range(&b, 0, NR_FRAMES);
	for (int i = 0; i < NR_FRAMES; i++)
		assert_non_null(pages[i] = buddy_alloc(&b, 0));
	assert_null(buddy_alloc(&b, 0));
	/* Free every other frame: plenty free, but no two adjacent. */
	for (int i = 0; i < NR_FRAMES; i += 2)
		assert_int_equal(buddy_free(&b, pages[i], 0), 0);
	assert_int_equal(b.nr_free, NR_FRAMES / 2);
	assert_int_equal(b.nr_free_blocks[0], NR_FRAMES / 2);
	assert_null(buddy_alloc(&b, 1));
	check_invariants();
	/* Free the rest: everything merges back into one block. */
	for (int i = 1; i < NR_FRAMES; i += 2)
		assert_int_equal(buddy_free(&b, pages[i], 0), 0);
	assert_int_equal(b.nr_free_blocks[10], 1);
	assert_int_equal(b.nr_free_blocks[0], 0);
	check_invariants();
}

static void exhaustion_returns_null(void **state)
{
	fresh(NR_FRAMES);
	buddy_add_range(&b, 0, 100);
	assert_null(buddy_alloc(&b, 7));
	assert_non_null(buddy_alloc(&b, 6));
	assert_non_null(buddy_alloc(&b, 5));
	assert_non_null(buddy_alloc(&b, 2));
	assert_null(buddy_alloc(&b, 0));
	assert_int_equal(b.nr_free, 0);
	assert_null(buddy_alloc(&b, BUDDY_MAX_ORDER + 1));
	check_invariants();
}

static void double_free_is_detected(void **state)
{
	struct page_info *pg;

	fresh(NR_FRAMES);
	buddy_add_range(&b, 0, NR_FRAMES);
	pg = buddy_alloc(&b, 2);
	assert_int_equal(buddy_free(&b, pg, 2), 0);
	assert_int_equal(buddy_free(&b, pg, 2), -EINVAL);
	assert_int_equal(buddy_free(&b, pg + 1, 0), -EINVAL);	/* inside */
	assert_int_equal(b.nr_free, NR_FRAMES);
	check_invariants();
}

static void bad_frees_are_rejected(void **state)
{
	struct page_info *pg;

	fresh(NR_FRAMES);
	buddy_add_range(&b, 0, 512);
	pg = buddy_alloc(&b, 2);
	assert_int_equal(buddy_free(&b, pg + 1, 2), -ERANGE);	/* misaligned */
	assert_int_equal(buddy_free(&b, &frames[600], 0), -EINVAL); /* reserved */
	assert_int_equal(buddy_free(&b, pg, BUDDY_MAX_ORDER + 1), -ERANGE);
	assert_int_equal(buddy_free(&b, pg, 2), 0);
	check_invariants();
}

/* The model: which frames are allocated. */
static bool model_used[NR_FRAMES];

struct block {
	struct page_info *pg;
	unsigned int order;
};

static bool model_has_free_run(unsigned int order)
{
	for (unsigned long s = 0; s < NR_FRAMES; s += 1UL << order) {
		bool all = true;

		for (unsigned long i = 0; i < (1UL << order) && all; i++)
			all = !model_used[s + i];
		if (all)
			return true;
	}
	return false;
}

static void randomized_sequence_matches_model(void **state)
{
	static struct block blocks[NR_FRAMES];
	unsigned int nr_blocks = 0;
	unsigned long used = 0;

	srand(12345);
	fresh(NR_FRAMES);
	memset(model_used, 0, sizeof(model_used));
	buddy_add_range(&b, 0, NR_FRAMES);
	for (int step = 0; step < 20000; step++) {
		if (nr_blocks && rand() % 2) {
			unsigned int i = rand() % nr_blocks;
			struct block bl = blocks[i];
			unsigned long pfn = buddy_pfn(&b, bl.pg);

			assert_int_equal(buddy_free(&b, bl.pg, bl.order), 0);
			for (unsigned long j = 0; j < (1UL << bl.order); j++)
				model_used[pfn + j] = false;
			used -= 1UL << bl.order;
			blocks[i] = blocks[--nr_blocks];
		} else {
			unsigned int order = rand() % 6;
			struct page_info *pg = buddy_alloc(&b, order);

			if (!pg) {
				/* Full coalescing: no aligned free run exists. */
				assert_false(model_has_free_run(order));
				continue;
			}
			unsigned long pfn = buddy_pfn(&b, pg);

			assert_int_equal(pfn & ((1UL << order) - 1), 0);
			for (unsigned long j = 0; j < (1UL << order); j++) {
				assert_false(model_used[pfn + j]);
				model_used[pfn + j] = true;
			}
			used += 1UL << order;
			blocks[nr_blocks++] = (struct block){ pg, order };
		}
		assert_int_equal(b.nr_free, NR_FRAMES - used);
		if (step % 1000 == 0)
			check_invariants();
	}
	while (nr_blocks) {
		nr_blocks--;
		assert_int_equal(buddy_free(&b, blocks[nr_blocks].pg,
					    blocks[nr_blocks].order), 0);
	}
	assert_int_equal(b.nr_free_blocks[10], 1);
	check_invariants();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_range_makes_largest_blocks),
		cmocka_unit_test(unaligned_range_is_split_into_aligned_blocks),
		cmocka_unit_test(add_range_rejects_overlap_and_out_of_range),
		cmocka_unit_test(alloc_returns_aligned_block_and_splits),
		cmocka_unit_test(fragmentation_then_coalescing),
		cmocka_unit_test(exhaustion_returns_null),
		cmocka_unit_test(double_free_is_detected),
		cmocka_unit_test(bad_frees_are_rejected),
		cmocka_unit_test(randomized_sequence_matches_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
