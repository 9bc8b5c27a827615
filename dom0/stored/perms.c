// SPDX-License-Identifier: GPL-2.0
/*
 * perms.c - node permissions: the text form the protocol carries and the
 * check every request goes through.
 *
 * A permission list is one or more entries, each a mode letter followed
 * by a domain id: "n" none, "r" read, "w" write, "b" both.  The first
 * entry names the node's owner, and its mode is what every domain not
 * listed later gets.  The owner itself, and the privileged domain 0, may
 * always read and write, and only they may change the list.
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

/**
 * store_conn_perm() - what a connection may do on a node
 * @c: the connection
 * @ps: the node's permissions
 *
 * As xenstored's perm_for_conn(): the privileged domain may do anything;
 * the owner (perms[0], or the domain a device model was given as its
 * target) may do anything and is the only one with PERM_OWNER (needed to
 * change the permissions); a domain named in a later entry gets that
 * entry's mode; everyone else gets the owner entry's mode.
 *
 * Return: a mask of PERM_READ, PERM_WRITE and PERM_OWNER.
 */
unsigned int store_conn_perm(const struct conn *c,
			     const struct store_perms *ps)
{
	unsigned int i, target = c->target ? c->target->domid : ~0u;

	if (c->privileged)
		return PERM_BOTH | PERM_OWNER;
	if (ps->nr == 0)
		return PERM_NONE;
	if (ps->p[0].domid == c->domid || ps->p[0].domid == target)
		return PERM_BOTH | PERM_OWNER;
	for (i = 1; i < ps->nr; i++)
		if (ps->p[i].domid == c->domid || ps->p[i].domid == target)
			return ps->p[i].mode & PERM_BOTH;
	return ps->p[0].mode & PERM_BOTH;
}

/**
 * store_conn_can() - may this connection do @want on such a node?
 * @c: the connection
 * @ps: the node's permissions
 * @want: PERM_READ, PERM_WRITE, PERM_OWNER or a combination
 */
bool store_conn_can(const struct conn *c, const struct store_perms *ps,
		    unsigned int want)
{
	return (store_conn_perm(c, ps) & want) == want;
}
