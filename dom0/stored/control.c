// SPDX-License-Identifier: GPL-2.0
/*
 * control.c - XS_CONTROL: the commands Xen's `xenstore-control` sends.
 *
 * The request is a command name and its arguments, each NUL-terminated
 * (libxenstore's xs_control_command()); the reply is one string that
 * xenstore-control prints.  Only dom0 may send it (ops.c checks).  An
 * unknown command or a wrong argument is EINVAL, after which
 * xenstore-control asks for "help" and prints that, as with xenstored.
 *
 * Besides xenstored's "check", "print", "help" and "quota", "stats" is
 * ours: how much the store holds in all (nodes, domains, connections,
 * watches, transactions) and whether every domain's node count (what the
 * node quota is checked against) matches the nodes it owns.  That is what
 * a leak test compares before and after (docs/store.md).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

/* A reply being built; overflow is remembered, not written past. */
struct out {
	char *buf;
	size_t size, len;
	bool full;
};

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len) {
		o->full = true;
		o->buf[o->len] = '\0';
		return;
	}
	o->len += (size_t)n;
}

/* Nodes per owner, over the whole tree; the caller frees. */
static void count_owners(const struct node *n, unsigned int *owned)
{
	unsigned int i;

	if (n->perms.nr && n->perms.p[0].domid <= 0xffff)
		owned[n->perms.p[0].domid]++;
	for (i = 0; i < n->nchild; i++)
		count_owners(n->child[i], owned);
}

/*
 * Domains whose node count differs from what they own, plus owners the
 * store has no record of; -1 if the count could not be made.
 */
static int accounting_errors(struct store *s)
{
	unsigned int *owned = calloc(0x10000, sizeof(*owned));
	struct domain *d;
	unsigned int id;
	int bad = 0;

	if (!owned)
		return -1;
	count_owners(s->tree->root, owned);
	for (d = s->domains; d; d = d->next) {
		if (d->domid > 0xffff)
			continue;
		if (d->nodes != owned[d->domid])
			bad++;
		owned[d->domid] = 0;
	}
	for (id = 0; id <= 0xffff; id++)
		if (owned[id])
			bad++;
	free(owned);
	return bad;
}

static int ctl_check(struct store *s, const char **v, unsigned int n,
		     struct out *o)
{
	put(o, "OK");
	return 0;
}

static int ctl_print(struct store *s, const char **v, unsigned int n,
		     struct out *o)
{
	if (n != 1)
		return -EINVAL;
	fprintf(stderr, "stored: %s\n", v[0]);
	put(o, "OK");
	return 0;
}

static int ctl_quota(struct store *s, const char **v, unsigned int n,
		     struct out *o)
{
	const struct store_quota *q = &s->quota;
	struct domain *d;
	struct conn *c;
	unsigned int domid;

	if (n == 0) {
		put(o, "Quota settings:\n");
		put(o, "%-17s: %8u %s\n", "nodes", q->nodes,
		    "Nodes owned by a domain");
		put(o, "%-17s: %8u %s\n", "watches", q->watches,
		    "Watches per connection");
		put(o, "%-17s: %8u %s\n", "transactions", q->txns,
		    "Open transactions per connection");
		put(o, "%-17s: %8u %s\n", "node-size", q->node_size,
		    "Size of one node's record");
		put(o, "%-17s: %8u %s\n", "permissions", q->perms,
		    "Entries in one permission list");
		put(o, "%-17s: %8u %s\n", "path-max", q->path_len,
		    "Path length below the domain's home");
		put(o, "%-17s: %8u %s\n", "transaction-nodes", q->txn_nodes,
		    "Nodes one transaction may touch");
		return 0;
	}
	if (n != 1 || parse_domid(v[0], &domid) < 0)
		return -EINVAL;
	d = domain_find(s, domid);
	if (!d)
		return -ENOENT;
	c = d->conn;
	put(o, "Domain %u:\n", domid);
	put(o, "%-17s: %8u\n", "nodes", d->nodes);
	put(o, "%-17s: %8u\n", "watches", c ? c->nr_watches : 0);
	put(o, "%-17s: %8u\n", "transactions", c ? c->nr_txns : 0);
	put(o, "%-17s: %8s\n", "introduced", d->introduced ? "yes" : "no");
	return 0;
}

static int ctl_stats(struct store *s, const char **v, unsigned int n,
		     struct out *o)
{
	unsigned int doms = 0, intro = 0, conns = 0, watches = 0, txns = 0;
	const struct domain *d;
	const struct conn *c;
	int bad;

	if (n != 0)
		return -EINVAL;
	for (d = s->domains; d; d = d->next) {
		doms++;
		intro += d->introduced;
	}
	for (c = s->conns; c; c = c->next) {
		conns++;
		watches += c->nr_watches;
		txns += c->nr_txns;
	}
	bad = accounting_errors(s);
	if (bad < 0)
		return -ENOMEM;
	put(o, "%-17s: %8u\n", "nodes", node_count(s->tree->root));
	put(o, "%-17s: %8u\n", "domains", doms);
	put(o, "%-17s: %8u\n", "introduced", intro);
	put(o, "%-17s: %8u\n", "connections", conns);
	put(o, "%-17s: %8u\n", "watches", watches);
	put(o, "%-17s: %8u\n", "transactions", txns);
	put(o, "%-17s: %8s\n", "accounting", bad ? "WRONG" : "ok");
	return 0;
}

static int ctl_help(struct store *s, const char **v, unsigned int n,
		    struct out *o);

static const struct {
	const char *name;
	const char *args;
	int (*fn)(struct store *s, const char **v, unsigned int n,
		  struct out *o);
} commands[] = {
	{ "check", "", ctl_check },
	{ "help", "", ctl_help },
	{ "print", "<string>", ctl_print },
	{ "quota", "[<domid>]", ctl_quota },
	{ "stats", "", ctl_stats },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static int ctl_help(struct store *s, const char **v, unsigned int n,
		    struct out *o)
{
	size_t i;

	if (n != 0)
		return -EINVAL;
	for (i = 0; i < NR_COMMANDS; i++)
		put(o, "%-15s %s\n", commands[i].name, commands[i].args);
	return 0;
}

/**
 * store_control() - run one XS_CONTROL command
 * @s: the store
 * @v: the command name, then its arguments
 * @n: how many strings @v holds (at least 1)
 * @buf: where the reply's text goes
 * @size: its size
 *
 * Return: 0 with a NUL-terminated reply in @buf, or a negative errno
 * (-EINVAL for an unknown command or bad arguments).
 */
int store_control(struct store *s, const char **v, unsigned int n,
		  char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size };
	size_t i;
	int rc;

	if (!size)
		return -EINVAL;
	buf[0] = '\0';
	if (n == 0)
		return -EINVAL;
	for (i = 0; i < NR_COMMANDS; i++) {
		if (strcmp(v[0], commands[i].name))
			continue;
		rc = commands[i].fn(s, v + 1, n - 1, &o);
		if (!rc && o.full)
			rc = -E2BIG;
		return rc;
	}
	return -EINVAL;
}
