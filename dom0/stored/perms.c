// SPDX-License-Identifier: GPL-2.0
/*
 * perms.c - node permissions: the text form the protocol carries and the
 * check every request goes through.
 *
 * A permission list is one or more entries, each a mode letter followed
 * by a domain id: "n" none, "r" read, "w" write, "b" both.  The first
 * entry names the node's owner, and its mode is what every domain not
 * listed later gets.  The owner itself, and the privileged domain 0, may
 * always read and write.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

static int parse_one(struct store_perm *p, const char *s, size_t len)
{
	unsigned long id = 0;
	size_t i;

	if (len < 2)
		return -EINVAL;
	switch (s[0]) {
	case 'n': p->mode = PERM_NONE; break;
	case 'r': p->mode = PERM_READ; break;
	case 'w': p->mode = PERM_WRITE; break;
	case 'b': p->mode = PERM_BOTH; break;
	default: return -EINVAL;
	}
	for (i = 1; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		id = id * 10 + (unsigned long)(s[i] - '0');
		if (id > 0xffff)
			return -EINVAL;
	}
	p->domid = (unsigned int)id;
	return 0;
}

/**
 * perms_parse() - read @count NUL-terminated entries from @text
 * @out: filled on success; free with perms_free()
 * @text: the entries, each ending in NUL, @len bytes in all
 * @count: how many entries there are (at least one)
 *
 * Return: 0, or -EINVAL for a malformed list.
 */
int perms_parse(struct store_perms *out, const char *text, size_t len,
		unsigned int count)
{
	struct store_perm *p;
	size_t off = 0;
	unsigned int i;

	if (count == 0)
		return -EINVAL;
	p = calloc(count, sizeof(*p));
	if (!p)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		const char *e = memchr(text + off, '\0', len - off);

		if (!e || parse_one(&p[i], text + off,
				    (size_t)(e - (text + off))) < 0)
			goto bad;
		off = (size_t)(e - text) + 1;
	}
	out->nr = count;
	out->p = p;
	return 0;
bad:
	free(p);
	return -EINVAL;
}

/* Entries as "r0\0b3\0...": what GET_PERMS replies.  Returns the length. */
size_t perms_format(const struct store_perms *ps, char *buf, size_t size)
{
	static const char letter[] = "nrwb";
	size_t off = 0;
	unsigned int i;
	int n;

	for (i = 0; i < ps->nr; i++) {
		n = snprintf(buf + off, size - off, "%c%u",
			     letter[ps->p[i].mode & 3], ps->p[i].domid);
		if (n < 0 || (size_t)n + 1 > size - off)
			break;
		off += (size_t)n + 1;	/* keep the NUL */
	}
	return off;
}

int perms_copy(struct store_perms *dst, const struct store_perms *src)
{
	dst->p = malloc(src->nr * sizeof(*dst->p));
	if (!dst->p) {
		dst->nr = 0;
		return -ENOMEM;
	}
	memcpy(dst->p, src->p, src->nr * sizeof(*dst->p));
	dst->nr = src->nr;
	return 0;
}

void perms_free(struct store_perms *ps)
{
	free(ps->p);
	ps->p = NULL;
	ps->nr = 0;
}

bool perms_equal(const struct store_perms *a, const struct store_perms *b)
{
	return a->nr == b->nr &&
	       !memcmp(a->p, b->p, a->nr * sizeof(*a->p));
}

/* What @domid may do on a node with these permissions. */
static unsigned int mode_for(const struct store_perms *ps, unsigned int domid)
{
	unsigned int i;

	if (ps->nr == 0)
		return PERM_NONE;
	if (ps->p[0].domid == domid)
		return PERM_BOTH;
	for (i = 1; i < ps->nr; i++)
		if (ps->p[i].domid == domid)
			return ps->p[i].mode;
	return ps->p[0].mode;
}

/**
 * store_conn_can() - may this connection read and/or write such a node?
 * @c: the connection
 * @ps: the node's permissions
 * @want: PERM_READ, PERM_WRITE or both
 */
bool store_conn_can(const struct conn *c, const struct store_perms *ps,
		    unsigned int want)
{
	unsigned int have;

	if (c->privileged)
		return true;
	have = mode_for(ps, c->domid);
	/* A domain given a target (a device model) acts as its owner. */
	if (c->target && ps->nr && ps->p[0].domid == c->target->domid)
		have = PERM_BOTH;
	return (have & want) == want;
}
