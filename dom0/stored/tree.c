// SPDX-License-Identifier: GPL-2.0
/*
 * tree.c - the store's node tree.
 *
 * Every node has a name, an optional value (bytes, may contain NULs), a
 * permission list and children in creation order.  Each node also has a
 * generation: a number drawn from one counter shared by the main tree
 * and every transaction's copy, bumped whenever the node's value, its
 * permissions or its list of children changes.  Transactions compare
 * generations to find conflicts (txn.c), and DIRECTORY_PART reports the
 * parent's generation so a reader can tell when a listing went stale.
 *
 * A transaction's tree is lazy: it starts as a copy of the root alone
 * and copies a node from the main tree (its base) only when a walk
 * reaches it, so a transaction costs what it touches, not the size of
 * the store (a guest may hold ten).  A copied node is "partial": its
 * children list holds only what has been copied so far; node_complete()
 * fills it, in the base's order, before anything needs the whole list
 * (a listing, a removal, a size).  Nodes the transaction creates are
 * whole from the start.  The base may have changed since the transaction
 * began; whatever the transaction read is checked against the base by
 * generation when it commits (txn.c), so what it commits is consistent.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

static bool path_char_ok(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '-' || ch == '/' ||
	       ch == '_' || ch == '@';
}

/* An absolute path: "/" or "/a/b" with no empty component. */
bool path_is_valid(const char *path)
{
	size_t i, len = strlen(path);

	if (len == 0 || path[0] != '/' || len > STORE_ABS_PATH_MAX)
		return false;
	if (len == 1)
		return true;
	if (path[len - 1] == '/')
		return false;
	for (i = 0; i < len; i++) {
		if (!path_char_ok(path[i]))
			return false;
		if (path[i] == '/' && path[i + 1] == '/')
			return false;
	}
	return true;
}

static struct node *node_alloc(const char *name, size_t nlen)
{
	struct node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = strndup(name, nlen);
	if (!n->name) {
		free(n);
		return NULL;
	}
	return n;
}

void node_free(struct node *n)
{
	unsigned int i;

	if (!n)
		return;
	for (i = 0; i < n->nchild; i++)
		node_free(n->child[i]);
	free(n->child);
	free(n->name);
	free(n->value);
	perms_free(&n->perms);
	free(n);
}

void node_touch(struct tree *t, struct node *n)
{
	n->gen = ++*t->gen_counter;
}

struct tree *tree_new(uint64_t *gen_counter)
{
	struct tree *t = calloc(1, sizeof(*t));
	struct store_perm owner = { .domid = 0, .mode = PERM_NONE };
	struct store_perms ps = { .nr = 1, .p = &owner };

	if (!t)
		return NULL;
	t->gen_counter = gen_counter;
	t->root = node_alloc("", 0);
	if (t->root)
		t->root->value = calloc(1, 1);
	if (!t->root || !t->root->value ||
	    perms_copy(&t->root->perms, &ps) < 0) {
		node_free(t->root);
		free(t);
		return NULL;
	}
	node_touch(t, t->root);
	return t;
}

/* A copy of @src without its children, to be filled from the base. */
static struct node *node_copy(const struct node *src, struct node *parent)
{
	struct node *n = node_alloc(src->name, strlen(src->name));

	if (!n)
		return NULL;
	n->parent = parent;
	n->gen = src->gen;
	n->vlen = src->vlen;
	n->partial = true;
	n->value = malloc(src->vlen ? src->vlen : 1);
	if (!n->value || perms_copy(&n->perms, &src->perms) < 0) {
		node_free(n);
		return NULL;
	}
	memcpy(n->value, src->value, src->vlen);
	return n;
}

/* A transaction's view of @src: copied as it is walked (lazily). */
struct tree *tree_clone(struct tree *src)
{
	struct tree *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->gen_counter = src->gen_counter;
	t->base = src;
	t->root = node_copy(src->root, NULL);
	if (!t->root) {
		free(t);
		return NULL;
	}
	return t;
}

void tree_free(struct tree *t)
{
	if (!t)
		return;
	node_free(t->root);
	free(t);
}

static struct node *child_find(const struct node *n, const char *name,
			       size_t nlen)
{
	unsigned int i;

	for (i = 0; i < n->nchild; i++)
		if (!strncmp(n->child[i]->name, name, nlen) &&
		    n->child[i]->name[nlen] == '\0')
			return n->child[i];
	return NULL;
}

static int child_append(struct node *parent, struct node *n)
{
	if (parent->nchild == parent->capchild) {
		unsigned int cap = parent->capchild ? parent->capchild * 2 : 4;
		struct node **nc = realloc(parent->child, cap * sizeof(*nc));

		if (!nc)
			return -ENOMEM;
		parent->child = nc;
		parent->capchild = cap;
	}
	parent->child[parent->nchild++] = n;
	return 0;
}

/* The main-tree node a transaction's node was copied from, if any. */
static struct node *base_of(struct tree *t, const struct node *n)
{
	char path[STORE_ABS_PATH_MAX + 1];

	if (!t->base || !node_path(n, path, sizeof(path)))
		return NULL;
	return tree_lookup(t->base, path);
}

/* Out of memory copying from the base: the transaction cannot commit. */
static void broken(struct tree *t)
{
	t->broken = true;
}

/* A child of @n by name, copying it from the base if need be. */
static struct node *child_get(struct tree *t, struct node *n,
			      const char *name, size_t nlen)
{
	struct node *c = child_find(n, name, nlen), *b;

	if (c || !n->partial || !(b = base_of(t, n)) ||
	    !(b = child_find(b, name, nlen)))
		return c;
	c = node_copy(b, n);
	if (!c || child_append(n, c) < 0) {
		node_free(c);
		broken(t);
		return NULL;
	}
	return c;
}

/**
 * node_complete() - give a transaction's node all its children
 * @t: the tree (a no-op for the main tree)
 * @n: the node
 *
 * The base's children come first, in its order (those copied already are
 * kept), then the ones the transaction created.
 * Return: 0, or -ENOMEM (the transaction is then broken).
 */
int node_complete(struct tree *t, struct node *n)
{
	struct node *b, **nc, *c;
	unsigned int i, j, nr = 0, cap;

	if (!n->partial)
		return 0;
	b = base_of(t, n);
	cap = n->nchild + (b ? b->nchild : 0);
	nc = calloc(cap ? cap : 1, sizeof(*nc));
	if (!nc) {
		broken(t);
		return -ENOMEM;
	}
	for (i = 0; b && i < b->nchild; i++) {
		const char *name = b->child[i]->name;

		c = child_find(n, name, strlen(name));
		if (!c) {
			c = node_copy(b->child[i], n);
			if (!c) {
				for (j = 0; j < nr; j++)
					if (!child_find(n, nc[j]->name,
							strlen(nc[j]->name)))
						node_free(nc[j]);
				free(nc);
				broken(t);
				return -ENOMEM;
			}
		}
		nc[nr++] = c;
	}
	/* Then what is not in the base (created here, or gone there). */
	for (i = 0; i < n->nchild; i++) {
		for (j = 0; j < nr; j++)
			if (nc[j] == n->child[i])
				break;
		if (j == nr)
			nc[nr++] = n->child[i];
	}
	free(n->child);
	n->child = nc;
	n->nchild = nr;
	n->capchild = cap ? cap : 1;
	n->partial = false;
	return 0;
}

/*
 * Walk @path as far as it exists.  Returns the deepest existing node and
 * sets *rest to the part of the path not found ("" if all of it was).
 */
static struct node *walk(struct tree *t, const char *path, const char **rest)
{
	struct node *n = t->root, *c;
	const char *p = path + 1;

	while (*p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);

		c = child_get(t, n, p, len);
		if (!c)
			break;
		n = c;
		p += len;
		if (*p == '/')
			p++;
	}
	*rest = p;
	return n;
}

struct node *tree_lookup(struct tree *t, const char *path)
{
	const char *rest;
	struct node *n = walk(t, path, &rest);

	return *rest ? NULL : n;
}

/* The node itself if it exists, else its nearest existing ancestor. */
struct node *tree_nearest(struct tree *t, const char *path)
{
	const char *rest;

	return walk(t, path, &rest);
}

/*
 * Add a child with empty value; it inherits the parent's permissions
 * (the caller adjusts the owner).  Bumps the parent's generation.
 */
struct node *node_add_child(struct tree *t, struct node *parent,
			    const char *name, size_t nlen)
{
	struct node *n;

	n = node_alloc(name, nlen);
	if (!n)
		return NULL;
	if (perms_copy(&n->perms, &parent->perms) < 0) {
		node_free(n);
		return NULL;
	}
	n->parent = parent;
	n->value = calloc(1, 1);
	if (!n->value || child_append(parent, n) < 0) {
		node_free(n);
		return NULL;
	}
	node_touch(t, n);
	node_touch(t, parent);
	return n;
}

/* Detach @n from its parent (the caller frees it). */
void node_unlink(struct tree *t, struct node *n)
{
	struct node *p = n->parent;
	unsigned int i;

	/* A transaction must not find it again in the base. */
	node_complete(t, p);
	for (i = 0; i < p->nchild; i++) {
		if (p->child[i] == n) {
			memmove(&p->child[i], &p->child[i + 1],
				(p->nchild - i - 1) * sizeof(*p->child));
			p->nchild--;
			break;
		}
	}
	n->parent = NULL;
	node_touch(t, p);
}

int node_set_value(struct tree *t, struct node *n, const char *v,
		   unsigned int len)
{
	char *nv = malloc(len ? len : 1);

	if (!nv)
		return -ENOMEM;
	memcpy(nv, v, len);
	free(n->value);
	n->value = nv;
	n->vlen = len;
	node_touch(t, n);
	return 0;
}

/* The absolute path of @n into @buf; returns its length. */
size_t node_path(const struct node *n, char *buf, size_t size)
{
	size_t len = 0, l;
	const struct node *p;

	if (!n->parent) {
		if (size >= 2)
			strcpy(buf, "/");
		return 1;
	}
	for (p = n; p->parent; p = p->parent)
		len += strlen(p->name) + 1;
	if (len + 1 > size)
		return 0;
	buf[len] = '\0';
	l = len;
	for (p = n; p->parent; p = p->parent) {
		size_t nl = strlen(p->name);

		l -= nl;
		memcpy(buf + l, p->name, nl);
		buf[--l] = '/';
	}
	return len;
}

/* Nodes in the subtree rooted at @n, itself included. */
unsigned int node_count(const struct node *n)
{
	unsigned int i, c = 1;

	for (i = 0; i < n->nchild; i++)
		c += node_count(n->child[i]);
	return c;
}

/*
 * How big the node is for the node-size quota, counted as xenstored
 * counts its database record: a 24-byte header, 8 bytes per permission
 * entry, the value, and the children's names with their NULs.
 */
size_t node_size(const struct node *n)
{
	size_t len = 24 + 8 * (size_t)n->perms.nr + n->vlen;
	unsigned int i;

	for (i = 0; i < n->nchild; i++)
		len += strlen(n->child[i]->name) + 1;
	return len;
}
