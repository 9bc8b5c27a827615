// SPDX-License-Identifier: GPL-2.0
/*
 * txn.c - transactions.
 *
 * TRANSACTION_START gives the connection a private view of the tree,
 * copied from the main tree as it is walked (tree.c); requests carrying
 * the transaction's id run on that view.  Every
 * node the transaction reads or changes is noted, with the generation it
 * had in the copy when first touched (0 for "did not exist").  At
 * TRANSACTION_END "T" each noted path is looked up in the main tree: if
 * any generation differs, someone else changed what the transaction
 * depended on, the transaction is dropped and the client gets EAGAIN
 * (xenbus and libxenstore then retry).  Otherwise the logged changes are
 * replayed on the main tree in order, which fires their watches once.
 *
 * A transaction costs the nodes it walks through (and the siblings of
 * those it lists or removes), not the size of the store; the read paths
 * are the same inside and outside transactions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

struct access {
	char *path;
	uint64_t gen;			/* 0: absent */
	struct access *next;
};

struct logop {
	uint32_t type;
	char *path;
	char *val;
	unsigned int vlen;
	struct store_perms perms;
	struct logop *next;
};

struct txn {
	uint32_t id;
	struct conn *c;
	struct tree *tree;
	struct access *acc;
	unsigned int nr_acc;
	struct logop *log, **log_tail;
	unsigned int nr_log;		/* changes logged, for the quota */
	int nodes_delta;
	bool broken;			/* out of memory while logging */
	struct txn *next;
};

int txn_start(struct conn *c, uint32_t *id)
{
	struct store *s = c->store;
	struct txn *t;

	if (!c->privileged && c->nr_txns >= s->quota.txns)
		return -ENOSPC;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->tree = tree_clone(s->tree);
	if (!t->tree) {
		free(t);
		return -ENOMEM;
	}
	/* Ids are never 0 and not reused while the daemon runs (mod 2^32). */
	do {
		t->id = s->next_txn_id++;
	} while (t->id == 0 || txn_find(c, t->id));
	t->c = c;
	t->log_tail = &t->log;
	t->next = c->txns;
	c->txns = t;
	c->nr_txns++;
	*id = t->id;
	return 0;
}

struct txn *txn_find(struct conn *c, uint32_t id)
{
	struct txn *t;

	for (t = c->txns; t; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

struct tree *txn_tree(struct txn *t)
{
	return t->tree;
}

int txn_nodes_delta(struct txn *t)
{
	return t->nodes_delta;
}

void txn_add_nodes(struct txn *t, int delta)
{
	t->nodes_delta += delta;
}

/* Is @path the root of, or inside, a subtree this transaction removed? */
static bool removed_here(const struct txn *t, const char *path)
{
	const struct logop *op;
	size_t l;

	for (op = t->log; op; op = op->next) {
		if (op->type != STORE_RM)
			continue;
		l = strlen(op->path);
		if (!strncmp(op->path, path, l) &&
		    (path[l] == '\0' || path[l] == '/'))
			return true;
	}
	return false;
}

/*
 * Remember what @path looked like before this transaction touched it.
 * A path inside what this transaction removed is not noted: whatever
 * is there in its view (nothing, or a node it made again) is its own,
 * it depends on nothing of the main tree there (replayed, its rm
 * removes whatever is there then), and noted it would conflict with the
 * main tree, which still has the old node, every time (rm and create
 * again: vctl create replacing a stale /local/domain/<id>).
 */
void txn_note(struct txn *t, const char *path, const struct node *n)
{
	struct access *a;

	for (a = t->acc; a; a = a->next)
		if (!strcmp(a->path, path))
			return;
	if (removed_here(t, path))
		return;
	a = calloc(1, sizeof(*a));
	if (!a || !(a->path = strdup(path))) {
		free(a);
		t->broken = true;
		return;
	}
	a->gen = n ? n->gen : 0;
	a->next = t->acc;
	t->acc = a;
	t->nr_acc++;
}

/*
 * What the transaction holds, for its quota: the nodes it read or
 * changed, or the changes it logged if more (rewriting one node over and
 * over touches one node but logs every value).
 */
unsigned int txn_nodes_touched(const struct txn *t)
{
	return t->nr_acc > t->nr_log ? t->nr_acc : t->nr_log;
}

int txn_log(struct txn *t, uint32_t type, const char *path,
	    const char *val, unsigned int vlen,
	    const struct store_perms *ps)
{
	struct logop *op = calloc(1, sizeof(*op));

	if (!op)
		goto fail;
	op->type = type;
	op->path = strdup(path);
	if (!op->path)
		goto fail;
	if (val) {
		op->val = malloc(vlen ? vlen : 1);
		if (!op->val)
			goto fail;
		memcpy(op->val, val, vlen);
		op->vlen = vlen;
	}
	if (ps && perms_copy(&op->perms, ps) < 0)
		goto fail;
	*t->log_tail = op;
	t->log_tail = &op->next;
	t->nr_log++;
	return 0;
fail:
	if (op) {
		free(op->path);
		free(op->val);
		free(op);
	}
	t->broken = true;
	return -ENOMEM;
}

static bool conflicts(struct store *s, const struct txn *t)
{
	const struct access *a;

	for (a = t->acc; a; a = a->next) {
		struct node *n = tree_lookup(s->tree, a->path);

		if ((n ? n->gen : 0) != a->gen)
			return true;
	}
	return false;
}

static void replay(struct ctx *x, const struct txn *t)
{
	struct ctx r = *x;
	const struct logop *op;

	r.t = x->s->tree;
	r.txn = NULL;
	r.replay = true;
	for (op = t->log; op; op = op->next) {
		switch (op->type) {
		case STORE_WRITE:
			ops_write(&r, op->path, op->val, op->vlen);
			break;
		case STORE_MKDIR:
			ops_mkdir(&r, op->path);
			break;
		case STORE_RM:
			ops_rm(&r, op->path);
			break;
		case STORE_SET_PERMS:
			ops_set_perms(&r, op->path, &op->perms);
			break;
		}
	}
	x->fires_tail = r.fires_tail;
}

static void txn_free(struct txn *t)
{
	struct access *a, *an;
	struct logop *op, *on;
	struct txn **pp;

	for (pp = &t->c->txns; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->c->nr_txns--;
	for (a = t->acc; a; a = an) {
		an = a->next;
		free(a->path);
		free(a);
	}
	for (op = t->log; op; op = on) {
		on = op->next;
		free(op->path);
		free(op->val);
		perms_free(&op->perms);
		free(op);
	}
	tree_free(t->tree);
	free(t);
}

/*
 * Each transaction was held to the node quota against what its domain
 * owned when it made the nodes; several committed one after the other
 * must not add up to more (xenstored checks again at commit too).
 */
static bool over_quota(struct ctx *x, const struct txn *t)
{
	struct domain *d;

	if (x->c->privileged || t->nodes_delta <= 0)
		return false;
	d = domain_find(x->s, x->c->domid);
	return (long)(d ? d->nodes : 0) + t->nodes_delta >
	       (long)x->s->quota.nodes;
}

/**
 * txn_end() - commit or abort
 * @x: the request's context (its fire list receives the commit's events)
 * @t: the transaction, freed here either way
 * @commit: false to abort
 *
 * Return: 0, -EAGAIN if the transaction conflicted, or -ENOSPC if its
 * new nodes would put its domain over the node quota now (dropped either
 * way).
 */
int txn_end(struct ctx *x, struct txn *t, bool commit)
{
	int err = 0;

	if (commit) {
		if (t->broken || t->tree->broken || conflicts(x->s, t))
			err = -EAGAIN;
		else if (over_quota(x, t))
			err = -ENOSPC;
		else
			replay(x, t);
	}
	txn_free(t);
	return err;
}

void txn_abort_all(struct conn *c)
{
	while (c->txns)
		txn_free(c->txns);
}
