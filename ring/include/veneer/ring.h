// SPDX-License-Identifier: MIT
/*
 * ring.h - shared request/response rings, wire-compatible with Xen's.
 *
 * A split driver's front end (in the guest) and back end (in dom0) talk
 * through one shared page laid out like this:
 *
 *	offset  0  req_prod   the front's published request producer index
 *	offset  4  req_event  "notify me when req_prod passes this" (back sets)
 *	offset  8  rsp_prod   the back's published response producer index
 *	offset 12  rsp_event  "notify me when rsp_prod passes this" (front sets)
 *	offset 16  48 bytes of padding (zero)
 *	offset 64  nr_ents slots, each a union of one request and one response
 *
 * nr_ents is the largest power of two that fits in the page.  Indices are
 * free-running 32-bit counters; a slot is index & (nr_ents - 1), so they
 * wrap around 2^32 without any special case.  A request and its response
 * share the slot: the back end must copy a request out before it writes
 * the response over it.
 *
 * Each side also keeps private state that never touches the page: the
 * front its private request producer (req_prod_pvt, requests filled but
 * not yet published) and its response consumer (rsp_cons); the back its
 * private response producer and its request consumer.
 *
 * Notification hold-off: the consumer of a queue says how far the
 * producer may run before the next event-channel kick by writing the
 * event index; the producer, after publishing, kicks only if the new
 * producer index has just stepped over the event index.  A consumer that
 * finds no work arms the event index and then looks once more ("final
 * check") so that a request published in between is never missed.  Each
 * of these pairs (publish, then read the event index; write the event
 * index, then read the producer) needs a full barrier, here a sequentially
 * consistent fence on both sides.
 *
 * The generic operations below work on struct ring_front / struct
 * ring_back.  RING_DEFINE(name, req, rsp) adds the typed parts: the page
 * layout with its slot union, typed front/back wrappers and accessors for
 * the slots.  The page indices are C11 atomics of the same size and
 * alignment as the uint32_t Xen uses, so the page is byte-for-byte what
 * Linux's include/xen/interface/io/ring.h produces and consumes.
 *
 * This file is header-only and freestanding (no libc beyond string.h), so
 * guests, test kernels, back drivers and host tests can all use it.
 */
#ifndef VENEER_RING_H
#define VENEER_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint32_t ring_idx_t;

/* The shared page's header: 64 bytes, then the slots. */
struct ring_shared {
	_Atomic ring_idx_t req_prod;
	_Atomic ring_idx_t req_event;
	_Atomic ring_idx_t rsp_prod;
	_Atomic ring_idx_t rsp_event;
	uint8_t pad[48];
};

_Static_assert(sizeof(struct ring_shared) == 64, "ring header is 64 bytes");
_Static_assert(sizeof(_Atomic ring_idx_t) == sizeof(uint32_t),
	       "atomic index has the wire size");

#define RING_HEADER_SIZE	sizeof(struct ring_shared)

/* The front end's private view (guest side: produces requests). */
struct ring_front {
	ring_idx_t req_prod_pvt;	/* next request slot to fill */
	ring_idx_t rsp_cons;		/* next response to consume */
	unsigned int nr_ents;
	struct ring_shared *shared;
};

/* The back end's private view (driver side: produces responses). */
struct ring_back {
	ring_idx_t rsp_prod_pvt;	/* next response slot to fill */
	ring_idx_t req_cons;		/* next request to consume */
	unsigned int nr_ents;
	struct ring_shared *shared;
};

/**
 * ring_entries() - number of slots a ring of @bytes holds
 * @bytes: size of the shared area (a page, or several)
 * @entry_size: size of one slot (the request/response union)
 *
 * Return: the largest power of two that fits after the header, or 0 if
 * not even one slot fits.
 */
static inline unsigned int ring_entries(size_t bytes, size_t entry_size)
{
	size_t n, p = 1;

	if (entry_size == 0 || bytes < RING_HEADER_SIZE + entry_size)
		return 0;
	n = (bytes - RING_HEADER_SIZE) / entry_size;
	if (n > 0x80000000u)
		n = 0x80000000u;
	while (p * 2 <= n)
		p *= 2;
	return (unsigned int)p;
}

/* Reset a fresh page: nothing produced, first kick on the first item. */
static inline void ring_shared_init(struct ring_shared *s)
{
	atomic_store_explicit(&s->req_prod, 0, memory_order_relaxed);
	atomic_store_explicit(&s->rsp_prod, 0, memory_order_relaxed);
	atomic_store_explicit(&s->req_event, 1, memory_order_relaxed);
	atomic_store_explicit(&s->rsp_event, 1, memory_order_relaxed);
	memset(s->pad, 0, sizeof(s->pad));
}

/*
 * Attach to a page whose indices stand at @start (0 for a fresh ring; a
 * reconnecting driver passes where it left off).
 */
static inline void ring_front_attach(struct ring_front *f,
				     struct ring_shared *s, ring_idx_t start,
				     unsigned int nr_ents)
{
	f->req_prod_pvt = start;
	f->rsp_cons = start;
	f->nr_ents = nr_ents;
	f->shared = s;
}

static inline void ring_back_attach(struct ring_back *b,
				    struct ring_shared *s, ring_idx_t start,
				    unsigned int nr_ents)
{
	b->rsp_prod_pvt = start;
	b->req_cons = start;
	b->nr_ents = nr_ents;
	b->shared = s;
}

/* Whether moving a producer from @old to @new crossed @event. */
static inline bool ring_need_notify(ring_idx_t old, ring_idx_t new,
				    ring_idx_t event)
{
	return (ring_idx_t)(new - event) < (ring_idx_t)(new - old);
}

/* --- front end ------------------------------------------------------- */

/* Slots the front may still fill: those not awaiting a consumed response. */
static inline unsigned int ring_front_free_requests(const struct ring_front *f)
{
	return f->nr_ents - (f->req_prod_pvt - f->rsp_cons);
}

static inline bool ring_front_full(const struct ring_front *f)
{
	return ring_front_free_requests(f) == 0;
}

/* Publish the requests filled so far (no notification decision). */
static inline void ring_front_push_requests(struct ring_front *f)
{
	/* Release: the back sees the slots before it sees the index. */
	atomic_store_explicit(&f->shared->req_prod, f->req_prod_pvt,
			      memory_order_release);
}

/**
 * ring_front_push_requests_check_notify() - publish and decide on a kick
 * @f: the front ring
 *
 * Return: true if the back asked to be notified at an index this push
 * stepped over, i.e. the caller must kick the event channel.
 */
static inline bool ring_front_push_requests_check_notify(struct ring_front *f)
{
	struct ring_shared *s = f->shared;
	ring_idx_t old = atomic_load_explicit(&s->req_prod,
					      memory_order_relaxed);
	ring_idx_t new = f->req_prod_pvt;

	atomic_store_explicit(&s->req_prod, new, memory_order_release);
	/* The back must see the new index before we read its req_event. */
	atomic_thread_fence(memory_order_seq_cst);
	return ring_need_notify(old, new,
				atomic_load_explicit(&s->req_event,
						     memory_order_relaxed));
}

/*
 * Snapshot the back's response producer.  Acquire: response slots up to
 * it are visible once we have the index.
 */
static inline ring_idx_t ring_front_rsp_prod(const struct ring_front *f)
{
	return atomic_load_explicit(&f->shared->rsp_prod, memory_order_acquire);
}

static inline unsigned int
ring_front_unconsumed_responses(const struct ring_front *f)
{
	return ring_front_rsp_prod(f) - f->rsp_cons;
}

/* A back end claiming more responses than requests outstanding lies. */
static inline bool ring_front_response_prod_overflow(const struct ring_front *f,
						     ring_idx_t prod)
{
	return (ring_idx_t)(prod - f->rsp_cons) > f->nr_ents;
}

/**
 * ring_front_final_check_for_responses() - arm the event, then look again
 * @f: the front ring
 *
 * Call when the front has run out of responses and is about to sleep.
 * Return: true if there is work after all (do not sleep).
 */
static inline bool ring_front_final_check_for_responses(struct ring_front *f)
{
	if (ring_front_unconsumed_responses(f))
		return true;
	atomic_store_explicit(&f->shared->rsp_event, f->rsp_cons + 1,
			      memory_order_relaxed);
	/* The back must see rsp_event before we read rsp_prod again. */
	atomic_thread_fence(memory_order_seq_cst);
	return ring_front_unconsumed_responses(f) != 0;
}

/* --- back end -------------------------------------------------------- */

/* Snapshot the front's request producer (acquire, as above). */
static inline ring_idx_t ring_back_req_prod(const struct ring_back *b)
{
	return atomic_load_explicit(&b->shared->req_prod, memory_order_acquire);
}

/*
 * Requests waiting to be consumed, never more than there are free
 * response slots: a front that publishes a wild req_prod cannot make the
 * back overrun the ring.
 */
static inline unsigned int
ring_back_unconsumed_requests(const struct ring_back *b)
{
	unsigned int req = ring_back_req_prod(b) - b->req_cons;
	unsigned int rsp = b->nr_ents - (b->req_cons - b->rsp_prod_pvt);

	return req < rsp ? req : rsp;
}

/* Loop guard: consuming request @cons would overwrite unsent responses. */
static inline bool ring_back_request_cons_overflow(const struct ring_back *b,
						   ring_idx_t cons)
{
	return (ring_idx_t)(cons - b->rsp_prod_pvt) >= b->nr_ents;
}

/* A front end claiming more requests than the ring can hold lies. */
static inline bool ring_back_request_prod_overflow(const struct ring_back *b,
						   ring_idx_t prod)
{
	return (ring_idx_t)(prod - b->rsp_prod_pvt) > b->nr_ents;
}

static inline void ring_back_push_responses(struct ring_back *b)
{
	atomic_store_explicit(&b->shared->rsp_prod, b->rsp_prod_pvt,
			      memory_order_release);
}

/* The mirror of ring_front_push_requests_check_notify(). */
static inline bool ring_back_push_responses_check_notify(struct ring_back *b)
{
	struct ring_shared *s = b->shared;
	ring_idx_t old = atomic_load_explicit(&s->rsp_prod,
					      memory_order_relaxed);
	ring_idx_t new = b->rsp_prod_pvt;

	atomic_store_explicit(&s->rsp_prod, new, memory_order_release);
	atomic_thread_fence(memory_order_seq_cst);
	return ring_need_notify(old, new,
				atomic_load_explicit(&s->rsp_event,
						     memory_order_relaxed));
}

/* The mirror of ring_front_final_check_for_responses(). */
static inline bool ring_back_final_check_for_requests(struct ring_back *b)
{
	if (ring_back_unconsumed_requests(b))
		return true;
	atomic_store_explicit(&b->shared->req_event, b->req_cons + 1,
			      memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	return ring_back_unconsumed_requests(b) != 0;
}

/* --- typed rings ----------------------------------------------------- */

/*
 * RING_DEFINE(name, req_type, rsp_type) declares:
 *
 *	union name_entry        one slot
 *	struct name_sring       the shared page (header + slots)
 *	struct name_front_ring  { struct ring_front r; }
 *	struct name_back_ring   { struct ring_back r; }
 *	name_front_init()       reset the page and attach the front
 *	name_front_attach()     attach the front to a live page
 *	name_back_attach()      attach the back
 *	name_front_request()    request slot for an index (to fill)
 *	name_front_response()   response slot for an index (to read)
 *	name_back_copy_request() copy a request out of the page, once
 *	name_back_response()    response slot for an index (to fill)
 *
 * Use the generic ring_front_* / ring_back_* calls on &ring.r for
 * everything else.  Only the types and slot arithmetic live in the macro.
 */
#define RING_DEFINE(name, req_type, rsp_type)				\
union name##_entry {							\
	req_type req;							\
	rsp_type rsp;							\
};									\
									\
struct name##_sring {							\
	struct ring_shared hdr;						\
	union name##_entry ring[];					\
};									\
									\
_Static_assert(offsetof(struct name##_sring, ring) == RING_HEADER_SIZE, \
	       #name ": slots start after the 64-byte header");		\
									\
struct name##_front_ring {						\
	struct ring_front r;						\
};									\
									\
struct name##_back_ring {						\
	struct ring_back r;						\
};									\
									\
static inline unsigned int name##_ring_entries(size_t bytes)		\
{									\
	return ring_entries(bytes, sizeof(union name##_entry));		\
}									\
									\
static inline void name##_front_attach(struct name##_front_ring *f,	\
				       struct name##_sring *s,		\
				       ring_idx_t start, size_t bytes)	\
{									\
	ring_front_attach(&f->r, &s->hdr, start,			\
			  name##_ring_entries(bytes));			\
}									\
									\
static inline void name##_front_init(struct name##_front_ring *f,	\
				     struct name##_sring *s, size_t bytes) \
{									\
	ring_shared_init(&s->hdr);					\
	name##_front_attach(f, s, 0, bytes);				\
}									\
									\
static inline void name##_back_attach(struct name##_back_ring *b,	\
				      struct name##_sring *s,		\
				      ring_idx_t start, size_t bytes)	\
{									\
	ring_back_attach(&b->r, &s->hdr, start,				\
			 name##_ring_entries(bytes));			\
}									\
									\
static inline union name##_entry *					\
name##_slot(struct ring_shared *s, unsigned int nr, ring_idx_t i)	\
{									\
	return &((struct name##_sring *)s)->ring[i & (nr - 1)];		\
}									\
									\
static inline req_type *						\
name##_front_request(struct name##_front_ring *f, ring_idx_t i)		\
{									\
	return &name##_slot(f->r.shared, f->r.nr_ents, i)->req;		\
}									\
									\
static inline const rsp_type *						\
name##_front_response(struct name##_front_ring *f, ring_idx_t i)	\
{									\
	return &name##_slot(f->r.shared, f->r.nr_ents, i)->rsp;		\
}									\
									\
static inline void							\
name##_back_copy_request(struct name##_back_ring *b, ring_idx_t i,	\
			 req_type *out)					\
{									\
	/* One read of the slot: the front may scribble on it meanwhile. */ \
	*out = *(volatile req_type *)&name##_slot(b->r.shared,		\
						  b->r.nr_ents, i)->req; \
}									\
									\
static inline rsp_type *						\
name##_back_response(struct name##_back_ring *b, ring_idx_t i)		\
{									\
	return &name##_slot(b->r.shared, b->r.nr_ents, i)->rsp;		\
}

#endif /* VENEER_RING_H */
