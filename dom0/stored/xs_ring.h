// SPDX-License-Identifier: GPL-2.0
/*
 * xs_ring.h - byte streams over the store's shared page.
 *
 * The page (struct store_domain_interface) holds two 1 KiB byte rings
 * with free-running 32-bit indices: req, written by the domain and read
 * by the store, and rsp the other way.  Both the daemon (io_ring.c) and
 * the test client (xs_client.c) move bytes with these helpers; each side
 * reads the other's producer index with acquire and publishes its own
 * index with release, so data is never read before it is written nor
 * overwritten before it is read.
 */
#ifndef STORED_XS_RING_H
#define STORED_XS_RING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "store_wire.h"

static inline uint32_t xs_ring_load(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void xs_ring_store(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/*
 * Copy up to @len bytes out of @ring, advancing *cons towards @prod.
 * Returns the bytes copied, or -1 if the indices are impossible (more
 * than a ring's worth outstanding).
 */
static inline int xs_ring_get(const char *ring, uint32_t *cons_p,
			      const uint32_t *prod_p, void *buf, size_t len)
{
	uint32_t cons = __atomic_load_n(cons_p, __ATOMIC_RELAXED);
	uint32_t prod = xs_ring_load(prod_p);
	uint32_t avail = prod - cons, off, chunk;
	size_t done = 0;

	if (avail > STORE_RING_SIZE)
		return -1;
	while (done < len && avail) {
		off = cons & (STORE_RING_SIZE - 1);
		chunk = STORE_RING_SIZE - off;
		if (chunk > avail)
			chunk = avail;
		if (chunk > len - done)
			chunk = (uint32_t)(len - done);
		memcpy((char *)buf + done, ring + off, chunk);
		done += chunk;
		cons += chunk;
		avail -= chunk;
	}
	xs_ring_store(cons_p, cons);
	return (int)done;
}

/* Copy up to @len bytes into @ring; returns bytes copied or -1. */
static inline int xs_ring_put(char *ring, const uint32_t *cons_p,
			      uint32_t *prod_p, const void *buf, size_t len)
{
	uint32_t cons = xs_ring_load(cons_p);
	uint32_t prod = __atomic_load_n(prod_p, __ATOMIC_RELAXED);
	uint32_t used = prod - cons, space, off, chunk;
	size_t done = 0;

	if (used > STORE_RING_SIZE)
		return -1;
	space = STORE_RING_SIZE - used;
	while (done < len && space) {
		off = prod & (STORE_RING_SIZE - 1);
		chunk = STORE_RING_SIZE - off;
		if (chunk > space)
			chunk = space;
		if (chunk > len - done)
			chunk = (uint32_t)(len - done);
		memcpy(ring + off, (const char *)buf + done, chunk);
		done += chunk;
		prod += chunk;
		space -= chunk;
	}
	xs_ring_store(prod_p, prod);
	return (int)done;
}

#endif /* STORED_XS_RING_H */
