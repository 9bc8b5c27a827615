// SPDX-License-Identifier: GPL-2.0
/*
 * Event channels: the PV guest's interrupts.
 *
 * Everything that wants a guest's attention raises a port: the one-shot
 * timer raises the port bound to VIRQ_TIMER, serial input the one bound
 * to VIRQ_CONSOLE, one vCPU another through an IPI port, one end of an
 * interdomain channel the other end (dom0's store daemon talks to its
 * own kernel that way, through a channel looped back to the same
 * domain).  Raising sets bits in shared_info (common/evtchn-2l.c); the
 * upcall itself is made by pv_return_to_guest() on the next way out of
 * the hypervisor, so all we add here is waking a vCPU that sleeps in
 * SCHEDOP_block or SCHEDOP_poll, or interrupting one that runs elsewhere.
 *
 * A domain's ports live in a table allocated when the domain is created.
 * One lock covers every table: interdomain channels touch two domains,
 * and the timer interrupt raises ports too, so the lock is always taken
 * with interrupts off.  Only the 2-level ABI exists: the FIFO sub-ops
 * answer -ENOSYS and Linux falls back, as the contract (§11) intends.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/pv.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <hv/spinlock.h>
#include <hv/time.h>

#include <asm/processor.h>

#include <veneer/event_channel.h>
#include <veneer/sched.h>

#define TABLE_ORDER	4	/* 16 pages hold 4096 struct evtchn */

static spinlock_t evtchn_lock = SPINLOCK_INIT;

static struct evtchn_table *table_of(struct domain *d)
{
	return d->evtchn;
}

/**
 * evtchn_domain_init() - give a new domain its (empty) port table
 * @d: the domain, from domain_create()
 *
 * Return: 0, or -ENOMEM (or -EINVAL for an id we have no room for).
 */
int evtchn_domain_init(struct domain *d)
{
	struct evtchn_table *t;

	t = alloc_heap_pages(TABLE_ORDER);
	if (!t)
		return -ENOMEM;
	d->evtchn = t;
	pv_wallclock_init(d);
	return 0;
}

static struct domain *lookup_domain(struct domain *self, domid_t id)
{
	struct domain *d;

	if (id == DOMID_SELF)
		return self;
	d = domain_by_id(id);
	return d && !d->is_dying ? d : NULL;
}

static struct vcpu *port_vcpu(struct domain *d, const struct evtchn *c)
{
	if (c->vcpu >= d->max_vcpus || c->vcpu >= MAX_VIRT_CPUS)
		return d->vcpu[0];
	return d->vcpu[c->vcpu] ? d->vcpu[c->vcpu] : d->vcpu[0];
}

/* The vCPU has a new upcall (or a polled port fired): make it look. */
static void kick_vcpu(struct vcpu *v)
{
	struct vcpu_evt *e = vcpu_evt(v);

	e->polling = false;
	if (v->blocked) {
		vcpu_wake(v);
	} else if (v->processor != smp_processor_id()) {
		/* Running elsewhere: an interrupt makes it return through
		 * pv_return_to_guest() and take the upcall. */
		arch_send_call_ipi(v->processor);
	}
}

/* Raise @port of @d; evtchn_lock held, interrupts off. */
static void raise_locked(struct domain *d, unsigned int port)
{
	struct evtchn *c = &table_of(d)->port[port];
	struct vcpu *v = port_vcpu(d, c);

	if (!v)
		return;
	if (evtchn_2l_set_pending(d->shared_info, v->vcpu_info, port) ||
	    vcpu_evt(v)->polling)
		kick_vcpu(v);
}

/**
 * send_guest_virq() - raise a per-vCPU VIRQ (VIRQ_TIMER, VIRQ_DEBUG)
 * @v:    the vCPU
 * @virq: VIRQ_*; nothing happens if the guest has not bound it
 *
 * Callable from interrupt context (the one-shot timer).
 */
void send_guest_virq(struct vcpu *v, unsigned int virq)
{
	unsigned long flags;
	unsigned int port;

	if (virq >= NR_VIRQS)
		return;
	flags = spin_lock_irqsave(&evtchn_lock);
	port = vcpu_evt(v)->virq_to_port[virq];
	if (port && table_of(v->domain))
		raise_locked(v->domain, port);
	spin_unlock_irqrestore(&evtchn_lock, flags);
}

/**
 * send_global_virq() - raise a domain-wide VIRQ (VIRQ_CONSOLE, DOM_EXC);
 * they are always bound on vCPU 0
 */
void send_global_virq(struct domain *d, unsigned int virq)
{
	if (d->vcpu[0])
		send_guest_virq(d->vcpu[0], virq);
}

static bool virq_is_per_vcpu(unsigned int virq)
{
	return virq == VIRQ_TIMER || virq == VIRQ_DEBUG || virq == VIRQ_XENPMU;
}

static void close_port_locked(struct domain *d, unsigned int port)
{
	struct evtchn_table *t = table_of(d);
	struct evtchn *c = &t->port[port];
	struct domain *rd;
	struct vcpu *v;

	switch (c->state) {
	case EVTCHNSTAT_virq:
		v = port_vcpu(d, c);
		if (v && vcpu_evt(v)->virq_to_port[c->virq] == port)
			vcpu_evt(v)->virq_to_port[c->virq] = 0;
		break;
	case EVTCHNSTAT_interdomain:
		/*
		 * The peer's end goes back to waiting for us -- a dying
		 * peer's too (not lookup_domain(), which skips those): a
		 * teardown runs in steps, so the peer may close its ports
		 * long after ours, when our id is free again and may be a
		 * new domain's; its end must not still name us then.  And
		 * only an end that names this one back: whatever else sits
		 * at that port number is someone else's channel.
		 */
		rd = domain_by_id(c->remote_dom);
		if (rd && table_of(rd) && c->remote_port < EVTCHN_NR_PORTS) {
			struct evtchn *r = &table_of(rd)->port[c->remote_port];

			if (r->state == EVTCHNSTAT_interdomain &&
			    r->remote_dom == d->id && r->remote_port == port) {
				r->state = EVTCHNSTAT_unbound;
				r->remote_dom = d->id;
			}
		}
		break;
	}
	evtchn_2l_clear_pending(d->shared_info, port);
	evtchn_free_port(t, port);
}

/**
 * evtchn_vcpu_info_move() - point a dying vCPU's vcpu_info at @to
 * @v:  a vCPU of a dying domain, not running
 * @to: where events are raised from now on (its slot in shared_info)
 *
 * Under evtchn_lock, which every raise holds while it writes vcpu_info:
 * once this returns, no CPU writes the old place any more, so the frame
 * the guest had registered may be freed (its teardown runs in steps
 * while its ports are still open to peers).
 */
void evtchn_vcpu_info_move(struct vcpu *v, struct vcpu_info *to)
{
	unsigned long flags = spin_lock_irqsave(&evtchn_lock);

	v->vcpu_info = to;
	spin_unlock_irqrestore(&evtchn_lock, flags);
}

/**
 * evtchn_domain_destroy() - close every port of a dying domain
 * @d: the domain, is_dying set and none of its vCPUs running
 *
 * A peer's end of an interdomain channel becomes unbound again (as when
 * the port is closed by EVTCHNOP_close), so the peer sees the channel go
 * and can close its end.  The port table goes back to the heap; from
 * then on d->evtchn is NULL, which every path that can still reach @d
 * (send_guest_virq) checks under evtchn_lock.
 */
void evtchn_domain_destroy(struct domain *d)
{
	struct evtchn_table *t;
	unsigned long flags;

	flags = spin_lock_irqsave(&evtchn_lock);
	t = table_of(d);
	if (t)
		for (unsigned int p = 1; p < EVTCHN_NR_PORTS; p++)
			if (t->port[p].state != EVTCHNSTAT_closed)
				close_port_locked(d, p);
	d->evtchn = NULL;
	spin_unlock_irqrestore(&evtchn_lock, flags);
	if (t)
		free_heap_pages(t, TABLE_ORDER);
}

static long evtchn_bind_virq(struct domain *d, struct evtchn_bind_virq *b)
{
	struct vcpu_evt *e;
	int port;

	if (b->virq >= NR_VIRQS)
		return -EINVAL;
	if (!virq_is_per_vcpu(b->virq) && b->vcpu != 0)
		return -EINVAL;
	if (b->vcpu >= MAX_VIRT_CPUS || !d->vcpu[b->vcpu])
		return -ENOENT;
	e = vcpu_evt(d->vcpu[b->vcpu]);
	if (e->virq_to_port[b->virq])
		return -EEXIST;
	port = evtchn_alloc_port(table_of(d));
	if (port < 0)
		return -ENOSPC;
	table_of(d)->port[port].state = EVTCHNSTAT_virq;
	table_of(d)->port[port].virq = b->virq;
	table_of(d)->port[port].vcpu = b->vcpu;
	e->virq_to_port[b->virq] = port;
	b->port = port;
	return 0;
}

static long evtchn_bind_interdomain(struct domain *d,
				    struct evtchn_bind_interdomain *b)
{
	struct domain *rd = lookup_domain(d, b->remote_dom);
	struct evtchn *rc, *lc;
	int lport;

	if (!rd || !table_of(rd))
		return -ESRCH;
	if (!evtchn_port_in_use(table_of(rd), b->remote_port))
		return -EINVAL;
	rc = &table_of(rd)->port[b->remote_port];
	if (rc->state != EVTCHNSTAT_unbound || rc->remote_dom != d->id)
		return -EINVAL;
	lport = evtchn_alloc_port(table_of(d));
	if (lport < 0)
		return -ENOSPC;
	lc = &table_of(d)->port[lport];
	lc->state = EVTCHNSTAT_interdomain;
	lc->remote_dom = rd->id;
	lc->remote_port = b->remote_port;
	rc->state = EVTCHNSTAT_interdomain;
	rc->remote_dom = d->id;
	rc->remote_port = lport;
	b->local_port = lport;
	/* As on Xen: the new local end starts pending, so a message sent
	 * before the bind is not lost. */
	raise_locked(d, lport);
	return 0;
}

/* The sender's counter (VENEER_MGMT_getcounters). */
static void count_event_sent(void)
{
	struct vcpu *v = current_vcpu();

	if (v)
		v->stats.events_sent++;
}

static long evtchn_send(struct domain *d, unsigned long port)
{
	struct evtchn *c;
	struct domain *rd;

	if (!evtchn_port_in_use(table_of(d), port))
		return -EINVAL;
	c = &table_of(d)->port[port];
	switch (c->state) {
	case EVTCHNSTAT_interdomain:
		rd = lookup_domain(d, c->remote_dom);
		if (rd && table_of(rd)) {
			raise_locked(rd, c->remote_port);
			count_event_sent();
		}
		return 0;
	case EVTCHNSTAT_ipi:
		raise_locked(d, port);
		count_event_sent();
		return 0;
	case EVTCHNSTAT_unbound:
		return 0;		/* nobody listens yet */
	}
	return -EINVAL;
}

static long evtchn_status(struct domain *d, struct evtchn_status *s)
{
	struct domain *sd = lookup_domain(d, s->dom);
	struct evtchn *c;

	if (!sd || !table_of(sd))
		return -ESRCH;
	if (sd != d && !d->is_privileged)
		return -EPERM;
	if (s->port >= EVTCHN_NR_PORTS)
		return -EINVAL;
	c = &table_of(sd)->port[s->port];
	s->status = s->port ? c->state : EVTCHNSTAT_closed;
	s->vcpu = c->vcpu;
	switch (s->status) {
	case EVTCHNSTAT_unbound:
		s->u.unbound.dom = c->remote_dom;
		break;
	case EVTCHNSTAT_interdomain:
		s->u.interdomain.dom = c->remote_dom;
		s->u.interdomain.port = c->remote_port;
		break;
	case EVTCHNSTAT_virq:
		s->u.virq = c->virq;
		break;
	}
	return 0;
}

static long evtchn_bind_vcpu(struct domain *d, struct evtchn_bind_vcpu *b)
{
	struct evtchn *c;

	if (!evtchn_port_in_use(table_of(d), b->port))
		return -EINVAL;
	if (b->vcpu >= MAX_VIRT_CPUS || !d->vcpu[b->vcpu])
		return -ENOENT;
	c = &table_of(d)->port[b->port];
	switch (c->state) {
	case EVTCHNSTAT_virq:
		if (virq_is_per_vcpu(c->virq))
			return -EINVAL;
		/* fallthrough */
	case EVTCHNSTAT_unbound:
	case EVTCHNSTAT_interdomain:
		c->vcpu = b->vcpu;
		return 0;
	}
	return -EINVAL;
}

/* One operation on the caller's domain, under the lock. */
static long evtchn_op_locked(struct domain *d, unsigned long cmd,
			     struct evtchn_op *op)
{
	struct evtchn_table *t = table_of(d);
	struct domain *rd;
	unsigned int p;
	int port;

	switch (cmd) {
	case EVTCHNOP_alloc_unbound: {
		/*
		 * In the caller's own table, or, for dom0 building a domain,
		 * in that domain's (its store and console ports, as xl
		 * does).  The domain is looked up under evtchn_lock: one
		 * being destroyed has no table, or loses the port with the
		 * rest when evtchn_domain_destroy() takes the lock after us.
		 */
		struct domain *ld = lookup_domain(d, op->u.alloc_unbound.dom);
		static bool logged;

		if (ld != d && !d->is_privileged) {
			if (!__atomic_exchange_n(&logged, true,
						 __ATOMIC_RELAXED))
				log_warn("d%u: EVTCHNOP_alloc_unbound in d%u "
					 "refused: only dom0 allocates in "
					 "another domain's table: -EPERM "
					 "(logged once)", d->id,
					 op->u.alloc_unbound.dom);
			return -EPERM;
		}
		if (!ld || !table_of(ld))
			return -ESRCH;
		rd = lookup_domain(d, op->u.alloc_unbound.remote_dom);
		port = evtchn_alloc_port(table_of(ld));
		if (port < 0)
			return -ENOSPC;
		table_of(ld)->port[port].remote_dom = rd ? rd->id :
			op->u.alloc_unbound.remote_dom;
		op->u.alloc_unbound.port = port;
		return 0;
	}
	case EVTCHNOP_bind_interdomain:
		return evtchn_bind_interdomain(d, &op->u.bind_interdomain);
	case EVTCHNOP_bind_virq:
		return evtchn_bind_virq(d, &op->u.bind_virq);
	case EVTCHNOP_bind_ipi:
		if (op->u.bind_ipi.vcpu >= MAX_VIRT_CPUS ||
		    !d->vcpu[op->u.bind_ipi.vcpu])
			return -ENOENT;
		port = evtchn_alloc_port(t);
		if (port < 0)
			return -ENOSPC;
		t->port[port].state = EVTCHNSTAT_ipi;
		t->port[port].vcpu = op->u.bind_ipi.vcpu;
		op->u.bind_ipi.port = port;
		return 0;
	case EVTCHNOP_close:
		if (!evtchn_port_in_use(t, op->u.close.port))
			return -EINVAL;	/* as Xen: closing a free port */
		close_port_locked(d, op->u.close.port);
		return 0;
	case EVTCHNOP_send:
		return evtchn_send(d, op->u.send.port);
	case EVTCHNOP_status:
		return evtchn_status(d, &op->u.status);
	case EVTCHNOP_bind_vcpu:
		return evtchn_bind_vcpu(d, &op->u.bind_vcpu);
	case EVTCHNOP_unmask:
		p = op->u.unmask.port;
		if (!evtchn_port_in_use(t, p))
			return p < EVTCHN_NR_PORTS ? 0 : -EINVAL;
		if (evtchn_2l_unmask(d->shared_info,
				     port_vcpu(d, &t->port[p])->vcpu_info, p))
			kick_vcpu(port_vcpu(d, &t->port[p]));
		return 0;
	case EVTCHNOP_reset:
		if (lookup_domain(d, op->u.status.dom) != d)
			return -EPERM;
		for (p = 1; p < EVTCHN_NR_PORTS; p++)
			if (t->port[p].state != EVTCHNSTAT_closed)
				close_port_locked(d, p);
		return 0;
	}
	return -ENOSYS;
}

/* Size of the argument of each sub-op we implement; 0 = not ours. */
static unsigned long arg_size(unsigned long cmd)
{
	switch (cmd) {
	case EVTCHNOP_alloc_unbound:	return sizeof(struct evtchn_alloc_unbound);
	case EVTCHNOP_bind_interdomain:	return sizeof(struct evtchn_bind_interdomain);
	case EVTCHNOP_bind_virq:	return sizeof(struct evtchn_bind_virq);
	case EVTCHNOP_bind_ipi:		return sizeof(struct evtchn_bind_ipi);
	case EVTCHNOP_close:		return sizeof(struct evtchn_close);
	case EVTCHNOP_send:		return sizeof(struct evtchn_send);
	case EVTCHNOP_status:		return sizeof(struct evtchn_status);
	case EVTCHNOP_bind_vcpu:	return sizeof(struct evtchn_bind_vcpu);
	case EVTCHNOP_unmask:		return sizeof(struct evtchn_unmask);
	case EVTCHNOP_reset:		return sizeof(struct evtchn_reset);
	}
	return 0;
}

/*
 * The FIFO ABI's sub-ops.  We offer only the 2-level ABI, so a guest that
 * asks for FIFO gets -ENOSYS and falls back (Linux does), logged once.
 * Their arguments are still checked first, in Xen 4.17's order, so that a
 * bad one gets Xen's error: init_control -ENOENT for a vCPU the domain
 * does not have, -EINVAL for a control block crossing the page (72
 * bytes) or not 8-byte aligned; expand_array -EOPNOTSUPP before FIFO is
 * initialised (always, here); set_priority -EINVAL for a port beyond the
 * domain's table (Xen: beyond its allocated buckets, at least the first
 * 64 ports), -ENOSYS for the 2-level ABI, which has no priorities.
 */
#define FIFO_CONTROL_BLOCK_SIZE	72	/* ready, pad, 16 queue heads */
#define FIFO_FIRST_BUCKET	64

static long fifo_op(struct domain *d, unsigned long cmd, unsigned long arg)
{
	struct evtchn_init_control ic;
	struct evtchn_expand_array ea;
	struct evtchn_set_priority sp;

	switch (cmd) {
	case EVTCHNOP_init_control:
		if (copy_from_guest(&ic, arg, sizeof(ic)))
			return -EFAULT;
		if (ic.vcpu >= MAX_VIRT_CPUS || !d->vcpu[ic.vcpu])
			return -ENOENT;
		if (ic.offset > PAGE_SIZE - FIFO_CONTROL_BLOCK_SIZE ||
		    (ic.offset & 7))
			return -EINVAL;
		break;
	case EVTCHNOP_expand_array:
		if (copy_from_guest(&ea, arg, sizeof(ea)))
			return -EFAULT;
		return -EOPNOTSUPP;
	case EVTCHNOP_set_priority:
		if (copy_from_guest(&sp, arg, sizeof(sp)))
			return -EFAULT;
		if (sp.port >= FIFO_FIRST_BUCKET &&
		    !(table_of(d) && evtchn_port_in_use(table_of(d), sp.port)))
			return -EINVAL;
		break;
	}
	return pv_enosys_once("event_channel_op", 32, cmd);
}

/**
 * do_event_channel_op() - EVTCHNOP_* (hypercall 32)
 * @cmd: the sub-op
 * @arg: guest address of its argument structure, copied in and back out
 */
long do_event_channel_op(unsigned long cmd, unsigned long arg)
{
	struct vcpu *v = current_vcpu();
	struct domain *d = v->domain;
	unsigned long size = arg_size(cmd), flags;
	struct evtchn_op op;
	long rc;

	if (cmd == EVTCHNOP_init_control || cmd == EVTCHNOP_expand_array ||
	    cmd == EVTCHNOP_set_priority)
		return fifo_op(d, cmd, arg);
	if (!size)
		return pv_enosys_once("event_channel_op", 32, cmd);
	if (!table_of(d))
		return -ENOSYS;
	if (copy_from_guest(&op.u, arg, size))
		return -EFAULT;
	flags = spin_lock_irqsave(&evtchn_lock);
	rc = evtchn_op_locked(d, cmd, &op);
	spin_unlock_irqrestore(&evtchn_lock, flags);
	if (cmd == EVTCHNOP_bind_virq && !rc &&
	    op.u.bind_virq.virq == VIRQ_CONSOLE)
		console_input_start(d);
	if (!rc && copy_to_guest(arg, &op.u, size))
		return -EFAULT;
	return rc;
}

/**
 * evtchn_poll() - SCHEDOP_poll: sleep until one of the ports fires
 * @v:   the running vCPU; its hypercall result must be set already
 * @arg: guest struct sched_poll
 *
 * Linux polls with events masked (PV spinlocks): unlike block, poll does
 * not unmask, and a masked port that fires still ends the poll.  A
 * timeout is taken as "no later than", so waking early is allowed; with
 * no wake-up source other than events we only honour a timeout already
 * past.
 */
long evtchn_poll(struct vcpu *v, unsigned long arg)
{
	struct domain *d = v->domain;
	struct sched_poll p;
	evtchn_port_t ports[128];
	unsigned long i;

	if (copy_from_guest(&p, arg, sizeof(p)))
		return -EFAULT;
	if (p.nr_ports > ARRAY_SIZE(ports))
		return -EINVAL;
	if (copy_from_guest(ports, p.ports, p.nr_ports * sizeof(ports[0])))
		return -EFAULT;
	for (i = 0; i < p.nr_ports; i++)
		if (ports[i] >= EVTCHN_NR_PORTS)
			return -EINVAL;
	if (p.timeout && p.timeout <= (u64)NOW())
		return 0;
	local_irq_disable();
	/* Poll first, then look: a port raised on another CPU meanwhile
	 * sees `polling` (raise_locked() sets the bit, then looks). */
	vcpu_evt(v)->polling = true;
	v->blocked = true;
	v->runnable = false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (i = 0; i < p.nr_ports; i++) {
		if (evtchn_2l_is_pending(d->shared_info, ports[i])) {
			vcpu_evt(v)->polling = false;
			v->blocked = false;
			v->runnable = true;
			local_irq_enable();
			return 0;
		}
	}
	v->sched.nr_blocks++;
	sched_make_way();	/* inside a multicall: at its next entry */
	local_irq_enable();
	return 0;
}
