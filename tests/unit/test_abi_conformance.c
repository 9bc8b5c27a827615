/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hypercall-abi conformance: every constant, size, alignment, offset and
 * field type in our ABI headers must equal Xen 4.17's (Debian libxen-dev).
 *
 * abi_ours.c and abi_xen.c expand the same item list (abi_items.h) against
 * the two sets of headers; this file walks both tables in step.  Each item
 * group is one cmocka test, and every mismatch is printed by name, e.g.
 *
 *   struct start_info.flags: offset 48 here, 56 in Xen
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

/* The interface version the boot contract was measured against. */
#define CONTRACT_INTERFACE_VERSION 0x00040e00UL

static const char *kind_name(enum abi_kind kind)
{
	switch (kind) {
	case ABI_CONST: return "constant";
	case ABI_STR: return "string";
	case ABI_SIZE: return "struct/union";
	case ABI_SCALAR: return "scalar type";
	case ABI_OFFSET: return "field";
	}
	return "?";
}

/* "signed 2 bytes" or "4 bytes", for the size-and-signedness column. */
static const char *shape(long long v, char *buf, size_t len)
{
	if (v < 0)
		snprintf(buf, len, "signed %lld bytes", -v);
	else
		snprintf(buf, len, "%lld bytes", v);
	return buf;
}

/* Compare one pair of entries; print and count what differs. */
static int compare_item(const struct abi_item *o, const struct abi_item *x)
{
	char a[48], b[48];
	int bad = 0;

	switch (o->kind) {
	case ABI_CONST:
		if (o->value != x->value) {
			print_error("%s: value %#llx here, %#llx in Xen\n",
				    o->name, o->value, x->value);
			bad++;
		}
		if (o->shape != x->shape) {
			print_error("%s: type is %s here, %s in Xen\n", o->name,
				    shape(o->shape, a, sizeof(a)),
				    shape(x->shape, b, sizeof(b)));
			bad++;
		}
		break;
	case ABI_STR:
		if (strcmp(o->str, x->str) != 0) {
			print_error("%s: \"%s\" here, \"%s\" in Xen\n",
				    o->name, o->str, x->str);
			bad++;
		}
		break;
	case ABI_SIZE:
		if (o->value != x->value) {
			print_error("%s: size %lld here, %lld in Xen\n",
				    o->name, o->value, x->value);
			bad++;
		}
		if (o->shape != x->shape) {
			print_error("%s: alignment %lld here, %lld in Xen\n",
				    o->name, o->shape, x->shape);
			bad++;
		}
		break;
	case ABI_SCALAR:
		if (o->value != x->value || o->shape != x->shape) {
			print_error("%s: %s %s here, %s %s in Xen\n", o->name,
				    o->shape < 0 ? "signed" : "unsigned",
				    shape(o->value, a, sizeof(a)),
				    x->shape < 0 ? "signed" : "unsigned",
				    shape(x->value, b, sizeof(b)));
			bad++;
		}
		break;
	case ABI_OFFSET:
		if (o->value != x->value) {
			print_error("%s: offset %lld here, %lld in Xen\n",
				    o->name, o->value, x->value);
			bad++;
		}
		if (o->shape != x->shape) {
			print_error("%s: field is %s here, %s in Xen\n", o->name,
				    shape(o->shape, a, sizeof(a)),
				    shape(x->shape, b, sizeof(b)));
			bad++;
		}
		break;
	}
	return bad;
}

/* One test per group; the state is the group name. */
static void group_matches_xen(void **state)
{
	const char *group = *state;
	size_t i, checked = 0;
	int bad = 0;

	for (i = 0; i < abi_items_ours_count; i++) {
		const struct abi_item *o = &abi_items_ours[i];
		const struct abi_item *x = &abi_items_xen[i];

		if (strcmp(o->group, group) != 0)
			continue;
		checked++;
		bad += compare_item(o, x);
	}
	assert_true(checked > 0);
	if (bad) {
		print_error("%d mismatch(es) with Xen in group %s (%zu items)\n",
			    bad, group, checked);
		fail();
	}
}

/* The two tables come from one list, so they must line up entry by entry. */
static void tables_line_up(void **state)
{
	size_t i;

	assert_int_equal(abi_items_ours_count, abi_items_xen_count);
	for (i = 0; i < abi_items_ours_count; i++) {
		assert_string_equal(abi_items_ours[i].name, abi_items_xen[i].name);
		assert_int_equal(abi_items_ours[i].kind, abi_items_xen[i].kind);
	}
}

/* No item is listed twice (a copy-paste slip would hide a missing one). */
static void item_names_are_unique(void **state)
{
	size_t i, j;
	int dup = 0;

	for (i = 0; i < abi_items_ours_count; i++)
		for (j = i + 1; j < abi_items_ours_count; j++)
			if (strcmp(abi_items_ours[i].name,
				   abi_items_ours[j].name) == 0) {
				print_error("%s %s listed twice\n",
					    kind_name(abi_items_ours[i].kind),
					    abi_items_ours[i].name);
				dup++;
			}
	assert_int_equal(dup, 0);
}

/* The Xen headers we compare with are the version the contract describes. */
static void xen_headers_are_interface_0x40e00(void **state)
{
	assert_int_equal(abi_xen_interface_version, CONTRACT_INTERFACE_VERSION);
}

int main(void)
{
	struct CMUnitTest *tests;
	const char **groups;
	size_t ngroups = 0, ntests = 0, i, j;
	int rc;

	groups = calloc(abi_items_ours_count, sizeof(*groups));
	tests = calloc(abi_items_ours_count + 3, sizeof(*tests));
	if (!groups || !tests)
		return 1;

	tests[ntests++] = (struct CMUnitTest)cmocka_unit_test(tables_line_up);
	tests[ntests++] = (struct CMUnitTest)cmocka_unit_test(item_names_are_unique);
	tests[ntests++] = (struct CMUnitTest)
		cmocka_unit_test(xen_headers_are_interface_0x40e00);

	/* One test per group, in the order the groups first appear. */
	for (i = 0; i < abi_items_ours_count; i++) {
		const char *g = abi_items_ours[i].group;
		char *name;

		for (j = 0; j < ngroups && strcmp(groups[j], g) != 0; j++)
			;
		if (j < ngroups)
			continue;
		groups[ngroups++] = g;
		name = malloc(strlen(g) + sizeof("_matches_xen"));
		if (!name)
			return 1;
		sprintf(name, "%s_matches_xen", g);
		tests[ntests++] = (struct CMUnitTest){
			.name = name,
			.test_func = group_matches_xen,
			.initial_state = (void *)g,
		};
	}

	rc = _cmocka_run_group_tests("abi_conformance", tests, ntests,
				     NULL, NULL);
	return rc;
}
