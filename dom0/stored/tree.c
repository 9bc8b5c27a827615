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

static struct node *node_clone(const struct node *src, struct node *parent)
{
	struct node *n = node_alloc(src->name, strlen(src->name));
	unsigned int i;

	if (!n)
		return NULL;
	n->parent = parent;
	n->gen = src->gen;
	n->vlen = src->vlen;
	if (src->value) {
		n->value = malloc(src->vlen ? src->vlen : 1);
		if (!n->value)
			goto fail;
		memcpy(n->value, src->value, src->vlen);
	}
	if (perms_copy(&n->perms, &src->perms) < 0)
		goto fail;
	if (src->nchild) {
		n->child = calloc(src->nchild, sizeof(*n->child));
		if (!n->child)
			goto fail;
		n->capchild = src->nchild;
	}
	for (i = 0; i < src->nchild; i++) {
		n->child[i] = node_clone(src->child[i], n);
		if (!n->child[i])
			goto fail;
		n->nchild++;
	}
	return n;
fail:
	node_free(n);
	return NULL;
}

/* A full copy, generations included: a transaction's private view. */
struct tree *tree_clone(const struct tree *src)
{
	struct tree *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->gen_counter = src->gen_counter;
	t->root = node_clone(src->root, NULL);
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

		c = child_find(n, p, len);
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

	if (parent->nchild == parent->capchild) {
		unsigned int cap = parent->capchild ? parent->capchild * 2 : 4;
		struct node **nc = realloc(parent->child, cap * sizeof(*nc));

		if (!nc)
			return NULL;
		parent->child = nc;
		parent->capchild = cap;
	}
	n = node_alloc(name, nlen);
	if (!n)
		return NULL;
	if (perms_copy(&n->perms, &parent->perms) < 0) {
		node_free(n);
		return NULL;
	}
	n->parent = parent;
	n->value = calloc(1, 1);
	if (!n->value) {
		node_free(n);
		return NULL;
	}
	parent->child[parent->nchild++] = n;
	node_touch(t, n);
	node_touch(t, parent);
	return n;
}

/* Detach @n from its parent (the caller frees it). */
void node_unlink(struct tree *t, struct node *n)
{
	struct node *p = n->parent;
	unsigned int i;

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
