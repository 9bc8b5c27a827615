// SPDX-License-Identifier: GPL-2.0
/*
 * Event-channel bookkeeping and the 2-level pending/mask bits.
 *
 * This is the part of event channels that is pure data: which ports of a
 * domain are in use (port 0 never is: Linux takes 0 to mean "no port"),
 * and the three-step dance of the 2-level ABI (contract §11) that turns
 * "port p fired" into an upcall:
 *
 *   1. set bit p in shared_info.evtchn_pending; if it was already set,
 *      the guest has not seen the last one yet and nothing more is done;
 *   2. if p is masked, stop there: the guest will look when it unmasks;
 *   3. set bit p/64 in the vCPU's evtchn_pending_sel, and if that was
 *      new, set evtchn_upcall_pending: the caller must then make sure the
 *      vCPU notices (wake it, or interrupt it).
 *
 * The guest clears pending bits itself with locked instructions while we
 * set them, so every update here is an atomic read-modify-write.  The
 * file has no hypervisor dependencies so that tests/unit/test_hv_evtchn.c
 * can run it on the host; common/event_channel.c does the rest.
 */
#include <hv/evtchn-2l.h>

#include <veneer/event_channel.h>

#define BITS_PER_WORD	64

static bool test_and_set(xen_ulong_t *word, unsigned int bit)
{
	xen_ulong_t m = 1UL << bit;

	return __atomic_fetch_or(word, m, __ATOMIC_SEQ_CST) & m;
}

static bool test_bit_word(const xen_ulong_t *word, unsigned int bit)
{
	return __atomic_load_n(word, __ATOMIC_SEQ_CST) & (1UL << bit);
}

/**
 * evtchn_alloc_port() - take the lowest free port, never port 0
 * @t: the domain's table
 *
 * Return: the port, marked EVTCHNSTAT_unbound with no peer yet, or
 * -ENOSPC when all 4095 are in use.  The caller sets the real state.
 */
int evtchn_alloc_port(struct evtchn_table *t)
{
	for (unsigned int p = 1; p < EVTCHN_NR_PORTS; p++) {
		struct evtchn *c = &t->port[p];

		if (c->state == EVTCHNSTAT_closed) {
			c->state = EVTCHNSTAT_unbound;
			c->vcpu = 0;
			c->virq = 0;
			c->remote_dom = DOMID_INVALID;
			c->remote_port = 0;
			return (int)p;
		}
	}
	return -ENOSPC;
}

/**
 * evtchn_free_port() - give a port back
 * @t:    the domain's table
 * @port: a port in use
 */
void evtchn_free_port(struct evtchn_table *t, unsigned int port)
{
	if (port && port < EVTCHN_NR_PORTS)
		t->port[port].state = EVTCHNSTAT_closed;
}

/**
 * evtchn_port_in_use() - is @port a port the guest may name?
 * @t:    the domain's table
 * @port: straight from the guest
 */
bool evtchn_port_in_use(const struct evtchn_table *t, unsigned long port)
{
	return port && port < EVTCHN_NR_PORTS &&
	       t->port[port].state != EVTCHNSTAT_closed;
}

/**
 * evtchn_2l_set_pending() - mark @port pending for the vCPU whose
 * vcpu_info is @vi
 *
 * Return: true if the vCPU's upcall became pending just now, so that it
 * has to be woken or interrupted; false if there is nothing new for it
 * (already pending, or masked).
 */
bool evtchn_2l_set_pending(struct shared_info *si, struct vcpu_info *vi,
			   unsigned int port)
{
	unsigned int word = port / BITS_PER_WORD, bit = port % BITS_PER_WORD;

	if (test_and_set(&si->evtchn_pending[word], bit))
		return false;
	if (test_bit_word(&si->evtchn_mask[word], bit))
		return false;
	if (test_and_set(&vi->evtchn_pending_sel, word))
		return false;
	__atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
	return true;
}

/**
 * evtchn_2l_unmask() - EVTCHNOP_unmask: clear the mask of @port and, if it
 * fired while masked, raise it now
 *
 * Return: true if the vCPU has to be woken or interrupted.
 */
bool evtchn_2l_unmask(struct shared_info *si, struct vcpu_info *vi,
		      unsigned int port)
{
	unsigned int word = port / BITS_PER_WORD, bit = port % BITS_PER_WORD;

	__atomic_fetch_and(&si->evtchn_mask[word], ~(1UL << bit),
			   __ATOMIC_SEQ_CST);
	if (!test_bit_word(&si->evtchn_pending[word], bit))
		return false;
	if (test_and_set(&vi->evtchn_pending_sel, word))
		return false;
	__atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
	return true;
}

bool evtchn_2l_is_pending(const struct shared_info *si, unsigned int port)
{
	return test_bit_word(&si->evtchn_pending[port / BITS_PER_WORD],
			     port % BITS_PER_WORD);
}

void evtchn_2l_clear_pending(struct shared_info *si, unsigned int port)
{
	__atomic_fetch_and(&si->evtchn_pending[port / BITS_PER_WORD],
			   ~(1UL << (port % BITS_PER_WORD)), __ATOMIC_SEQ_CST);
}
