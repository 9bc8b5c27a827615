// SPDX-License-Identifier: GPL-2.0
/*
 * domain.c - the domains the store knows: which are introduced (have a
 * store connection through their shared page), how many nodes each
 * owns, for the node quota, and what happens when one is released or
 * found gone.  Domain 0 is always introduced; its tools reach the store
 * through the Unix socket, and its kernel through its own local ring.
 * A record also exists for every domain a permission list names, so
 * that its rights can be taken back when it goes (forget_set()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "store.h"

struct domain *domain_find(struct store *s, unsigned int domid)
{
	struct domain *d;

	for (d = s->domains; d; d = d->next)
		if (d->domid == domid)
			return d;
	return NULL;
}

/* Find or create the record for @domid. */
struct domain *domain_get(struct store *s, unsigned int domid)
{
	struct domain *d = domain_find(s, domid);

	if (d)
		return d;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->domid = domid;
	d->next = s->domains;
	s->domains = d;
	return d;
}

/**
 * domain_introduce() - XS_INTRODUCE: start serving a domain's page
 * @s: the store
 * @domid: the domain
 * @mfn: the frame of its store page, as the toolstack gave it (kept for
 *       the record; the transport finds the page by grant)
 * @port: its store event channel (the unbound port the builder made)
 *
 * A domain introduced again (a resumed guest) keeps its connection but
 * loses its watches, transactions and half-read messages, and the
 * transport rebinds the event channel, as xenstored's domain_conn_reset().
 *
 * Return: 0, or a negative errno from the transport.
 */
int domain_introduce(struct store *s, unsigned int domid, uint64_t mfn,
		     unsigned int port)
{
	struct domain *d = domain_get(s, domid);
	struct conn *c = NULL;

	if (!d)
		return -ENOMEM;
	d->mfn = mfn;
	d->port = port;
	if (d->introduced && d->conn) {
		watch_remove_all(d->conn);
		txn_abort_all(d->conn);
		d->conn->in_have = 0;
		d->conn->out_len = d->conn->out_off = 0;
	}
	if (s->introduce) {
		errno = 0;
		c = s->introduce(s, d);
		if (!c)
			return errno ? -errno : -EINVAL;
		c->target = d->target;
	}
	d->conn = c;
	d->introduced = true;
	d->shutdown = false;
	return 0;
}

/**
 * domain_release() - stop serving a domain
 * @s: the store
 * @domid: the domain
 *
 * Its connection goes, and with it its watches and open transactions;
 * the transport unmaps its page and unbinds its channel.  Its nodes stay
 * (the toolstack removes them); the caller then calls domain_forget()
 * and fires @releaseDomain.
 *
 * Return: 0, -EINVAL for domain 0, -ENOENT if it is not introduced.
 */
int domain_release(struct store *s, unsigned int domid)
{
	struct domain *d = domain_find(s, domid);
	struct conn *c;

	if (domid == 0)
		return -EINVAL;
	if (!d || !d->introduced)
		return -ENOENT;
	c = d->conn;
	d->conn = NULL;
	d->introduced = false;
	d->shutdown = false;
	if (c) {
		c->dead = true;
		if (c->ops && c->ops->release)
			c->ops->release(c);
		else
			store_conn_free(c);
	}
	return 0;
}

/* Bit per domain id: the domains forget_set() drops. */
#define DOMID_WORDS (65536 / 64)

static bool in_set(const uint64_t *gone, unsigned int domid)
{
	return domid && domid <= 0xffff && (gone[domid / 64] >> (domid % 64) & 1);
}

static void add_to_set(uint64_t *gone, unsigned int domid)
{
	gone[domid / 64] |= 1ull << (domid % 64);
}

/*
 * Drop the entries of domains in @gone; what they owned, dom0 owns.
 * Returns whether the list changed.
 */
static bool drop_gone(struct store *s, struct store_perms *ps,
		      const uint64_t *gone, bool count)
{
	unsigned int i, j, nr = ps->nr;
	bool owner = false;

	if (!ps->nr)
		return false;
	if (in_set(gone, ps->p[0].domid)) {
		if (count) {
			domain_account(s, ps->p[0].domid, -1);
			domain_account(s, 0, 1);
		}
		ps->p[0].domid = 0;
		owner = true;
	}
	for (i = j = 1; i < ps->nr; i++)
		if (!in_set(gone, ps->p[i].domid))
			ps->p[j++] = ps->p[i];
	ps->nr = j;
	return owner || j != nr;
}

static void drop_in_subtree(struct store *s, struct node *n,
			    const uint64_t *gone)
{
	unsigned int i;

	/* A changed list is a change: a transaction that checked rights
	 * on this node must not commit on the strength of them. */
	if (drop_gone(s, &n->perms, gone, true))
		node_touch(s->tree, n);
	for (i = 0; i < n->nchild; i++)
		drop_in_subtree(s, n->child[i], gone);
}

/*
 * Forget every domain in @gone, in one walk of the tree: its permission
 * entries are dropped and what it owned passes to dom0, so that a new
 * domain given the same id inherits nothing (xenstored gets the same
 * effect by ignoring entries older than the domain, XSA-322).
 */
static void forget_set(struct store *s, const uint64_t *gone)
{
	struct domain **pp, *d, *t;
	struct conn *c;
	unsigned int i;

	drop_in_subtree(s, s->tree->root, gone);
	for (i = 0; i < SPECIAL_COUNT; i++)
		drop_gone(s, &s->special[i], gone, false);
	for (pp = &s->domains; (d = *pp);) {
		if (d->introduced || !in_set(gone, d->domid)) {
			pp = &d->next;
			continue;
		}
		for (t = s->domains; t; t = t->next)
			if (t->target == d)
				t->target = NULL;
		for (c = s->conns; c; c = c->next)
			if (c->target == d)
				c->target = NULL;
		*pp = d->next;
		free(d);
	}
}

/**
 * domain_forget() - a released or vanished domain leaves the store
 * @s: the store
 * @domid: the domain (not introduced any more)
 */
void domain_forget(struct store *s, unsigned int domid)
{
	uint64_t *gone = calloc(DOMID_WORDS, sizeof(*gone));

	if (!gone || !domid || domid > 0xffff) {
		free(gone);
		return;
	}
	add_to_set(gone, domid);
	forget_set(s, gone);
	free(gone);
}

/**
 * store_check_domains() - VIRQ_DOM_EXC: some domain changed state
 * @s: the store
 * @state: asks the hypervisor about one domain
 * @priv: for @state
 *
 * As xenstored's check_domains(): an introduced domain found dying or
 * gone is released (its connection, watches and transactions dropped);
 * one found shut down for the first time, or released, fires
 * @releaseDomain once for the whole scan; a domain that is only named in
 * permissions and no longer exists is forgotten.
 */
void store_check_domains(struct store *s, domain_state_fn state, void *priv)
{
	uint64_t *gone = calloc(DOMID_WORDS, sizeof(*gone));
	struct domain *d;
	bool notify = false, any = false;
	enum domain_state st;

	if (!gone) {
		fprintf(stderr, "stored: out of memory checking domains\n");
		return;
	}
	for (d = s->domains; d; d = d->next) {
		if (d->domid == 0)
			continue;
		st = state(priv, d->domid);
		if (!d->introduced) {
			if (st == DOMAIN_GONE) {
				add_to_set(gone, d->domid);
				any = true;
			}
			continue;
		}
		if (st == DOMAIN_SHUTDOWN && !d->shutdown) {
			d->shutdown = true;
			notify = true;
		}
		if (st == DOMAIN_DYING || st == DOMAIN_GONE) {
			if (s->verbose)
				fprintf(stderr, "stored: domain %u is %s: "
					"releasing it\n", d->domid,
					st == DOMAIN_GONE ? "gone" : "dying");
			add_to_set(gone, d->domid);
			any = notify = true;
		}
	}
	/* Release after the scan: releasing changes the list. */
	for (d = s->domains; d; d = d->next)
		if (in_set(gone, d->domid) && d->introduced)
			domain_release(s, d->domid);
	if (any)
		forget_set(s, gone);
	free(gone);
	if (notify)
		watch_fire_special(s, SPECIAL_RELEASE);
}

void domain_account(struct store *s, unsigned int domid, int delta)
{
	struct domain *d = domain_get(s, domid);

	if (d)
		d->nodes = (unsigned int)((int)d->nodes + delta);
}

/* Would @add more nodes put this request's domain over its quota? */
bool domain_over_quota(struct ctx *x, unsigned int add)
{
	struct domain *d;
	long have;

	if (x->replay || x->c->privileged)
		return false;
	d = domain_get(x->s, x->c->domid);
	if (!d)
		return true;
	have = (long)d->nodes + (x->txn ? txn_nodes_delta(x->txn) : 0);
	return have + (long)add > (long)x->s->quota.nodes;
}
