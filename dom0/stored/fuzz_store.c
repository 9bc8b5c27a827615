// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_store.c - libFuzzer harness for the store's message parsing and
 * dispatch (store.c, ops.c and everything below them).
 *
 * Each input is a script: a run of records "conn byte, 16-bit length,
 * bytes", each record's bytes fed to one of four connections (dom0's
 * privileged tools, two guests, and one more guest) in whatever pieces
 * the fuzzer chooses, so framing, every handler, transactions, watches,
 * quotas and permissions are all reachable.  A conn byte of 0xf0 or more
 * is a VIRQ_DOM_EXC instead: the low 16 bits of the length say which of
 * domains 1-8 the "hypervisor" still has (two bits each: gone, dying,
 * shut down, running), so release, forgetting a domain and the special
 * watches run between requests too.  After each input the tree
 * is walked to check its invariants (and that every domain's node count,
 * the quota's, is what it owns), and everything is freed so leaks
 * show up under AddressSanitizer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

#define NCONN 4

static void drain(struct conn *c)
{
	size_t len;

	store_output(c, &len);
	store_output_done(c, len);
}

static const struct conn_ops fuzz_ops = { .kick = drain };

static struct conn *fuzz_introduce(struct store *s, struct domain *d)
{
	return store_conn_new(s, d->domid, &fuzz_ops, NULL);
}

static uint16_t fuzz_states;

static enum domain_state fuzz_state(void *priv, unsigned int domid)
{
	if (domid < 1 || domid > 8)
		return DOMAIN_GONE;
	return (enum domain_state)(fuzz_states >> (2 * (domid - 1)) & 3);
}

static void check_node(const struct node *n)
{
	unsigned int i;

	if (n->perms.nr == 0 || !n->name || !n->value)
		abort();
	for (i = 0; i < n->nchild; i++) {
		if (n->child[i]->parent != n || !n->child[i]->name[0])
			abort();
		check_node(n->child[i]);
	}
}

/* Nodes per owner in the tree, to check the quota's counts against. */
static void count_owners(const struct node *n, unsigned int *owned)
{
	unsigned int i;

	owned[n->perms.p[0].domid]++;
	for (i = 0; i < n->nchild; i++)
		count_owners(n->child[i], owned);
}

static void check_owners_known(const struct node *n,
			       const unsigned int *owned)
{
	unsigned int i;

	if (owned[n->perms.p[0].domid])
		abort();	/* an owner the store does not count */
	for (i = 0; i < n->nchild; i++)
		check_owners_known(n->child[i], owned);
}

static void check_accounting(struct store *s)
{
	static unsigned int owned[0x10000];	/* all zero between runs */
	struct domain *d;

	count_owners(s->tree->root, owned);
	for (d = s->domains; d; d = d->next) {
		if (d->nodes != owned[d->domid])
			abort();
		owned[d->domid] = 0;
	}
	check_owners_known(s->tree->root, owned);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int domids[NCONN] = { 0, 1, 2, 7 };
	struct store_quota q = {
		.nodes = 20, .watches = 4, .txns = 2, .node_size = 128,
		.perms = 3,
	};
	struct conn *c[NCONN];
	struct store *s = store_new(&q);
	size_t off = 0;
	int i;

	if (!s)
		return 0;
	s->introduce = fuzz_introduce;
	for (i = 0; i < NCONN; i++)
		c[i] = store_conn_new(s, domids[i], &fuzz_ops, NULL);
	while (off + 3 <= size) {
		unsigned int which = data[off] % NCONN;
		size_t len = (size_t)data[off + 1] | (size_t)data[off + 2] << 8;

		off += 3;
		if (data[off - 3] >= 0xf0) {
			fuzz_states = (uint16_t)len;
			store_check_domains(s, fuzz_state, NULL);
			continue;
		}
		if (len > size - off)
			len = size - off;
		if (!c[which]->dead)
			store_input(c[which], data + off, len);
		off += len;
	}
	check_node(s->tree->root);
	check_accounting(s);
	store_free(s);
	return 0;
}
