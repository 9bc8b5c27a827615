// SPDX-License-Identifier: GPL-2.0
/*
 * cons_ring.c - reading and writing a guest's console ring, the guest
 * being hostile (cons_ring.h says the rules).
 *
 * Ordering, as in Xen's console protocol: the consumer reads the
 * producer index (acquire) before the bytes it covers, and publishes its
 * consumer index (release) after it is done with them; the producer
 * writes bytes, then publishes its producer index (release).
 */
#include <errno.h>

#include "cons_ring.h"

#define OUT_SIZE sizeof(((struct xencons_interface *)0)->out)
#define IN_SIZE sizeof(((struct xencons_interface *)0)->in)

_Static_assert((OUT_SIZE & (OUT_SIZE - 1)) == 0, "out[] is a power of 2");
_Static_assert((IN_SIZE & (IN_SIZE - 1)) == 0, "in[] is a power of 2");

static XENCONS_RING_IDX load_once(const XENCONS_RING_IDX *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void publish(XENCONS_RING_IDX *p, XENCONS_RING_IDX v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

void cons_ring_attach(struct cons_ring *r, struct xencons_interface *intf)
{
	r->intf = intf;
	/* What the guest may have set here is checked at every use. */
	r->out_cons = load_once(&intf->out_cons);
	r->in_prod = load_once(&intf->in_prod);
}

int cons_ring_out_avail(const struct cons_ring *r)
{
	XENCONS_RING_IDX n = load_once(&r->intf->out_prod) - r->out_cons;

	return n > OUT_SIZE ? -EPROTO : (int)n;
}

int cons_ring_read(struct cons_ring *r, char *buf, size_t max)
{
	XENCONS_RING_IDX prod = load_once(&r->intf->out_prod);
	XENCONS_RING_IDX avail = prod - r->out_cons;	/* wraps: fine */
	size_t n, i;

	if (avail > OUT_SIZE)
		return -EPROTO;
	n = avail < max ? avail : max;
	for (i = 0; i < n; i++)
		buf[i] = r->intf->out[(r->out_cons + i) & (OUT_SIZE - 1)];
	if (n) {
		r->out_cons += (XENCONS_RING_IDX)n;
		publish(&r->intf->out_cons, r->out_cons);
	}
	return (int)n;
}

int cons_ring_in_space(const struct cons_ring *r)
{
	XENCONS_RING_IDX used = r->in_prod - load_once(&r->intf->in_cons);

	return used > IN_SIZE ? -EPROTO : (int)(IN_SIZE - used);
}

int cons_ring_write(struct cons_ring *r, const char *data, size_t len)
{
	int space = cons_ring_in_space(r);
	size_t n, i;

	if (space < 0)
		return space;
	n = (size_t)space < len ? (size_t)space : len;
	for (i = 0; i < n; i++)
		r->intf->in[(r->in_prod + i) & (IN_SIZE - 1)] = data[i];
	if (n) {
		r->in_prod += (XENCONS_RING_IDX)n;
		publish(&r->intf->in_prod, r->in_prod);
	}
	return (int)n;
}
