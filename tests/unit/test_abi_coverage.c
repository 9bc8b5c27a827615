/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hypercall-abi coverage: the conformance test only checks what
 * abi_items.h lists, so every name our ABI headers define must be listed
 * there.  hypercall-abi/scripts/abi-names extracts the names at build time
 * (object-like macros, enumerators, typedefs, struct/union/enum tags and
 * every member at every depth) into abi_defined.h; this test compares
 * them with the item table of abi_ours.c and names each one missing,
 * one cmocka test per header.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "abi_table.h"

struct abi_name {
	const char *header;
	const char *name;
};

/* Generated: every name defined under hypercall-abi/include/veneer. */
static const struct abi_name abi_defined[] = {
#define ABI_NAME(h, n) { h, n },
#include "abi_defined.h"
#undef ABI_NAME
};
#define NR_DEFINED (sizeof(abi_defined) / sizeof(abi_defined[0]))

/*
 * Names with no Xen counterpart to compare with.  Each says why; keep
 * this list short.
 */
static const struct {
	const char *name;
	const char *why;
} exclusions[] = {
	{ "xen_guest_handle_t",
	  "Xen declares one wrapper struct per pointed-to type "
	  "(XEN_GUEST_HANDLE(type)); we use one 64-bit typedef. Its size and "
	  "alignment are checked through every field of that type." },
};
#define NR_EXCLUSIONS (sizeof(exclusions) / sizeof(exclusions[0]))

/*
 * Headers of Veneer's own extensions: nothing in Xen to compare them
 * with.  Their layout is pinned by _Static_asserts in the header itself.
 */
static const char *const own_headers[] = {
	"veneer/mgmt.h",	/* management interface, docs/management-abi.md */
};
#define NR_OWN_HEADERS (sizeof(own_headers) / sizeof(own_headers[0]))

static int is_own_header(const char *header)
{
	size_t i;

	for (i = 0; i < NR_OWN_HEADERS; i++)
		if (strcmp(own_headers[i], header) == 0)
			return 1;
	return 0;
}

static int is_item(const char *name)
{
	size_t i;

	for (i = 0; i < abi_items_ours_count; i++)
		if (strcmp(abi_items_ours[i].name, name) == 0)
			return 1;
	return 0;
}

static int is_excluded(const char *name)
{
	size_t i;

	for (i = 0; i < NR_EXCLUSIONS; i++)
		if (strcmp(exclusions[i].name, name) == 0)
			return 1;
	return 0;
}

static int is_defined(const char *name)
{
	size_t i;

	for (i = 0; i < NR_DEFINED; i++)
		if (strcmp(abi_defined[i].name, name) == 0)
			return 1;
	return 0;
}

/* One test per header; the state is the header's name. */
static void header_is_fully_checked(void **state)
{
	const char *header = *state;
	size_t i, seen = 0;
	int missing = 0;

	for (i = 0; i < NR_DEFINED; i++) {
		if (strcmp(abi_defined[i].header, header) != 0)
			continue;
		seen++;
		if (is_own_header(header))
			continue;
		if (is_item(abi_defined[i].name) ||
		    is_excluded(abi_defined[i].name))
			continue;
		print_error("%s: %s is not checked against Xen "
			    "(add it to tests/unit/abi_items.h)\n",
			    header, abi_defined[i].name);
		missing++;
	}
	assert_true(seen > 0);
	if (missing) {
		print_error("%d name(s) of %s not covered\n", missing, header);
		fail();
	}
}

/* Every exclusion still names something, and nothing excluded is checked. */
static void exclusions_are_current(void **state)
{
	size_t i;
	int bad = 0;

	for (i = 0; i < NR_EXCLUSIONS; i++) {
		if (!is_defined(exclusions[i].name)) {
			print_error("exclusion %s names nothing in the headers\n",
				    exclusions[i].name);
			bad++;
		}
		if (is_item(exclusions[i].name)) {
			print_error("exclusion %s is also an item\n",
				    exclusions[i].name);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/*
 * Every item is seen by the extractor.  If not, abi-names has a blind
 * spot and could be missing uncovered names too.
 */
static void extractor_sees_every_item(void **state)
{
	size_t i;
	int bad = 0;

	for (i = 0; i < abi_items_ours_count; i++)
		if (!is_defined(abi_items_ours[i].name)) {
			print_error("item %s was not found by abi-names\n",
				    abi_items_ours[i].name);
			bad++;
		}
	assert_int_equal(bad, 0);
}

int main(void)
{
	struct CMUnitTest *tests;
	size_t ntests = 0, i, j;

	tests = calloc(NR_DEFINED + 2, sizeof(*tests));
	if (!tests)
		return 1;
	tests[ntests++] = (struct CMUnitTest)cmocka_unit_test(exclusions_are_current);
	tests[ntests++] = (struct CMUnitTest)cmocka_unit_test(extractor_sees_every_item);

	for (i = 0; i < NR_DEFINED; i++) {
		const char *h = abi_defined[i].header;
		char *name;

		for (j = 0; j < i && strcmp(abi_defined[j].header, h) != 0; j++)
			;
		if (j < i)
			continue;
		name = malloc(strlen(h) + sizeof("_is_fully_checked"));
		if (!name)
			return 1;
		sprintf(name, "%s_is_fully_checked", h);
		tests[ntests++] = (struct CMUnitTest){
			.name = name,
			.test_func = header_is_fully_checked,
			.initial_state = (void *)h,
		};
	}
	return _cmocka_run_group_tests("abi_coverage", tests, ntests, NULL, NULL);
}
