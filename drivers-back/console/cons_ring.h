/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cons_ring.h - the back end's side of a PV console ring page
 * (struct xencons_interface, veneer/io/console.h).
 *
 * The page belongs to the guest, and the guest is hostile: it may write
 * any value into any index at any time.  So the back end keeps its own
 * copy of the two indices it owns (out_cons, in_prod), reads each index
 * the guest owns (out_prod, in_cons) exactly once per operation, checks
 * the distance against the ring's size before using it, and only ever
 * touches bytes at (index % size).  A distance larger than the ring is a
 * protocol violation: -EPROTO, and the caller stops serving that ring.
 */
#ifndef CONS_RING_H
#define CONS_RING_H

#include <stddef.h>
#include <stdint.h>

#include <veneer/io/console.h>

/* The back end's private indices for one ring page. */
struct cons_ring {
	struct xencons_interface *intf;
	XENCONS_RING_IDX out_cons;	/* what we consumed of out[] */
	XENCONS_RING_IDX in_prod;	/* what we produced into in[] */
};

/* Attach to a page: take the indices we own as they stand, once. */
void cons_ring_attach(struct cons_ring *r, struct xencons_interface *intf);

/*
 * Bytes the guest has written and we have not read, without reading
 * them: 0..sizeof(out), or -EPROTO if out_prod is out of range.
 */
int cons_ring_out_avail(const struct cons_ring *r);

/*
 * Copy up to @max bytes of guest output to @buf and give the room back
 * (out_cons).  Returns the count (0: nothing new) or -EPROTO.
 */
int cons_ring_read(struct cons_ring *r, char *buf, size_t max);

/* Room in in[] for input: 0..sizeof(in), or -EPROTO (bad in_cons). */
int cons_ring_in_space(const struct cons_ring *r);

/*
 * Put up to @len bytes of input into in[] and publish them (in_prod).
 * Returns how many fit (0: the ring is full) or -EPROTO.
 */
int cons_ring_write(struct cons_ring *r, const char *data, size_t len);

#endif /* CONS_RING_H */
