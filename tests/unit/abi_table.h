/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The table both ABI translation units fill from abi_items.h.
 *
 * Our headers and Xen's define the same names, so they cannot meet in one
 * translation unit: abi_ours.c includes <veneer/...>, abi_xen.c includes
 * <xen/...>, and each expands the same item list into a table of
 * abi_item.  test_abi_conformance.c compares the two tables entry by
 * entry; test_abi_coverage.c checks the list names everything our
 * headers define.
 *
 * Items:
 *   CONST(group, NAME)         value, and size and signedness of its type
 *   CONST_DOC(group, NAME, v)  as CONST, for names Xen keeps out of its
 *                              public view: Xen's side is the documented v
 *   STR(group, NAME)           a string constant
 *   SIZE(group, type)          sizeof and alignment
 *   SCALAR(group, type)        sizeof and signedness of an integer type
 *   OFFSET(group, type, path)  offsetof, and size and signedness of the
 *                              member ("path" may be a.b.c)
 *   FLEX(group, type, member)  offsetof a flexible array member, and size
 *                              and signedness of one element
 */
#ifndef ABI_TABLE_H
#define ABI_TABLE_H

#include <stddef.h>

enum abi_kind { ABI_CONST, ABI_STR, ABI_SIZE, ABI_SCALAR, ABI_OFFSET };

struct abi_item {
	const char *group;  /* which cmocka test checks it */
	const char *name;   /* "NAME", "struct x" or "struct x.field" */
	enum abi_kind kind;
	long long value;    /* constant value, sizeof or offsetof */
	long long shape;    /* size in bytes, negated if a signed integer;
	                       for SIZE the alignment */
	const char *str;    /* STR only */
};

/* -1 for a signed integer expression, 1 otherwise (never evaluated). */
#define ABI_SIGN(x) _Generic((x), signed char: -1, short: -1, int: -1, \
			     long: -1, long long: -1, default: 1)

#define ABI_MEMBER(t, f) (((t *)0)->f)

/* g and n arrive as strings: CONST must stringify before n expands. */
#define ABI_CONST_ITEM(g, n, v) \
	{ g, n, ABI_CONST, (long long)(v), \
	  (long long)sizeof(v) * ABI_SIGN(v), NULL },
#define STR(g, n) { #g, #n, ABI_STR, (long long)sizeof(n), 0, n },
#define SIZE(g, t) \
	{ #g, #t, ABI_SIZE, (long long)sizeof(t), (long long)_Alignof(t), NULL },
#define SCALAR(g, t) \
	{ #g, #t, ABI_SCALAR, (long long)sizeof(t), ABI_SIGN((t)0), NULL },
#define OFFSET(g, t, f) \
	{ #g, #t "." #f, ABI_OFFSET, (long long)offsetof(t, f), \
	  (long long)sizeof(ABI_MEMBER(t, f)) * ABI_SIGN(ABI_MEMBER(t, f)), NULL },
#define FLEX(g, t, f) \
	{ #g, #t "." #f, ABI_OFFSET, (long long)offsetof(t, f), \
	  (long long)sizeof(ABI_MEMBER(t, f)[0]) * \
	  ABI_SIGN(ABI_MEMBER(t, f)[0]), NULL },
#define CONST(g, n) ABI_CONST_ITEM(#g, #n, n)

extern const struct abi_item abi_items_ours[];
extern const size_t abi_items_ours_count;
extern const struct abi_item abi_items_xen[];
extern const size_t abi_items_xen_count;
/* __XEN_INTERFACE_VERSION__ as Xen's headers saw it in abi_xen.c. */
extern const unsigned long abi_xen_interface_version;

#endif /* ABI_TABLE_H */
