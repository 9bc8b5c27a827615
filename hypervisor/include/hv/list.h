/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Circular doubly-linked lists, embedded in the structures they link
 * (free lists of the buddy allocator, later a domain's page list).
 */
#ifndef HV_LIST_H
#define HV_LIST_H

#include <hv/types.h>

struct list_head {
	struct list_head *next, *prev;
};

static inline void list_init(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

static inline void list_add(struct list_head *n, struct list_head *h)
{
	n->next = h->next;
	n->prev = h;
	h->next->prev = n;
	h->next = n;
}

static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	list_add(n, h->prev);
}

static inline void list_del(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = NULL;
	n->prev = NULL;
}

#define list_entry(p, type, member)	container_of(p, type, member)

#endif /* HV_LIST_H */
