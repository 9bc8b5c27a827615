// SPDX-License-Identifier: GPL-2.0
/*
 * dom0 for the boot-time domU test (tests/system/test_domu.py): it binds
 * VIRQ_DOM_EXC, connects an event channel with each domU named on its
 * command line ("domus=1,2"), then waits until every domU is gone: its
 * end of each channel falls back to unbound when the hypervisor closes
 * the domU's ports.  dom0 must get VIRQ_DOM_EXC along the way and be
 * unable to bind to a destroyed domain.  Then it powers off.
 *
 * With "recreate=N" (tests/pv/isolation/ kernels that ask for it), once
 * domU N is gone it creates a toolstack domain with that same id
 * (VENEER_MGMT_createdomain: no memory, never started), and destroys it
 * when the other domUs are gone: a domU that kept something naming the
 * old N then meets the new domain.  With "newports=K" too, dom0 then
 * connects K event channels with the new domain (alloc_unbound in its
 * table, as a toolstack does for its store and console, and binds them),
 * and checks before destroying it that each of its ends still names
 * dom0: a port a dying domU kept naming the old N must not be taken for
 * one of the new N's when that domU's teardown closes it.
 */
#include "domu.h"

#include <veneer/mgmt.h>

const char test_name[] = "dom0_waiter";

#define EINVAL	22
#define ESRCH	3
#define MAX_DOMUS 8
#define MS	1000000ULL

static unsigned int dom_exc_port, timer_port;
static struct veneer_mgmt op;

static long mgmt(uint32_t cmd, domid_t domid)
{
	memset(&op, 0, sizeof(op));
	op.cmd = cmd;
	op.version = VENEER_MGMT_VERSION;
	op.domid = domid;
	if (cmd == VENEER_MGMT_createdomain) {
		op.u.create.max_pages = 256;
		op.u.create.max_vcpus = 1;
	}
	return hypercall1(__HYPERVISOR_veneer_mgmt, &op);
}

/* The N of "<key>N" on our command line (@key ends with '='), or 0. */
static unsigned int parse_num(const char *key)
{
	const char *s = (const char *)start_info->cmd_line;
	size_t len = strlen(key);
	unsigned int n = 0;

	while (*s && strncmp(s, key, len))
		s++;
	if (!*s)
		return 0;
	for (s += len; *s >= '0' && *s <= '9'; s++)
		n = n * 10 + (unsigned int)(*s - '0');
	return n;
}

#define MAX_NEW_PORTS	8
static unsigned int new_port[MAX_NEW_PORTS], our_new_port[MAX_NEW_PORTS];

/* "newports=K": K channels between dom0 and the re-created domain @id. */
static void connect_new_domain(domid_t id, unsigned int k)
{
	for (unsigned int i = 0; i < k; i++) {
		struct evtchn_alloc_unbound a = { .dom = id, .remote_dom = 0 };
		struct evtchn_bind_interdomain b = { .remote_dom = id };

		check_rc(evtchn_op(EVTCHNOP_alloc_unbound, &a), 0);
		b.remote_port = a.port;
		check_rc(evtchn_op(EVTCHNOP_bind_interdomain, &b), 0);
		new_port[i] = a.port;
		our_new_port[i] = b.local_port;
	}
	printk("dom0_waiter: %u channels with the new d%u\n", k, id);
}

/* Each of the new domain's ends still names dom0 and our end of it. */
static void check_new_domain(domid_t id, unsigned int k)
{
	for (unsigned int i = 0; i < k; i++) {
		struct evtchn_status st = { .dom = id, .port = new_port[i] };
		struct evtchn_close c = { .port = our_new_port[i] };

		check_rc(evtchn_op(EVTCHNOP_status, &st), 0);
		if (st.status != EVTCHNSTAT_interdomain ||
		    st.u.interdomain.dom != 0 ||
		    st.u.interdomain.port != our_new_port[i])
			fail("new d%u's port %u: status %u, names d%u port %u, "
			     "not our port %u", id, new_port[i], st.status,
			     st.u.interdomain.dom, st.u.interdomain.port,
			     our_new_port[i]);
		check_rc(evtchn_op(EVTCHNOP_close, &c), 0);
	}
	printk("dom0_waiter: the new d%u's %u channels still name dom0\n",
	       id, k);
}
static unsigned int nr_dom_exc;

/*
 * Sleep until an event or @ns pass; count VIRQ_DOM_EXC on the way.  With
 * events masked, take every pending bit (and the selector, so that the
 * next raise is an upcall again), then block: SCHEDOP_block unmasks and
 * returns at once if anything was raised since.
 */
static void wait_event(uint64_t ns)
{
	struct vcpu_info *vi = vcpu0();

	vi->evtchn_upcall_mask = 1;
	__atomic_store_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	if (__atomic_exchange_n(&shared_info->evtchn_pending[0], 0,
				__ATOMIC_SEQ_CST) & (1UL << dom_exc_port))
		nr_dom_exc++;
	vi->evtchn_upcall_pending = 0;
	if (hypercall1(__HYPERVISOR_set_timer_op, pv_now() + ns))
		fail("set_timer_op failed");
	hyp_sched_op(SCHEDOP_block, NULL);
}

static unsigned int bind_virq(unsigned int virq)
{
	struct evtchn_bind_virq b = { .virq = virq, .vcpu = 0 };

	check_rc(evtchn_op(EVTCHNOP_bind_virq, &b), 0);
	return b.port;
}

/* Parse "domus=1,2" from our command line. */
static unsigned int parse_domus(unsigned int *ids)
{
	const char *s = (const char *)start_info->cmd_line;
	unsigned int n = 0;

	while (*s && strncmp(s, "domus=", 6))
		s++;
	if (!*s)
		fail("no domus= on the command line");
	s += 6;
	while (*s >= '0' && *s <= '9' && n < MAX_DOMUS) {
		unsigned int id = 0;

		while (*s >= '0' && *s <= '9')
			id = id * 10 + (unsigned int)(*s++ - '0');
		ids[n++] = id;
		if (*s == ',')
			s++;
	}
	return n;
}

void test_main(void)
{
	unsigned int ids[MAX_DOMUS], port[MAX_DOMUS], n, left;
	unsigned int recreate = parse_num("recreate=");
	unsigned int newports = parse_num("newports=");
	int recreated = 0;
	struct evtchn_status st;
	uint64_t t0 = pv_now(), deadline;

	n = parse_domus(ids);
	if (newports > MAX_NEW_PORTS)
		fail("newports=%u: at most %u", newports, MAX_NEW_PORTS);
	dom_exc_port = bind_virq(VIRQ_DOM_EXC);
	timer_port = bind_virq(VIRQ_TIMER);
	check(dom_exc_port < 64 && timer_port < 64);

	/* Connect with each domU once it has offered port 1. */
	deadline = pv_now() + 120000 * MS;
	for (unsigned int i = 0; i < n; i++) {
		struct evtchn_bind_interdomain b = {
			.remote_dom = ids[i], .remote_port = 1,
		};

		while (evtchn_op(EVTCHNOP_bind_interdomain, &b)) {
			if (pv_now() > deadline)
				fail("d%u never offered port 1", ids[i]);
			wait_event(10 * MS);
		}
		port[i] = b.local_port;
		printk("dom0_waiter: connected to d%u (our port %u) after "
		       "%lu ms\n", ids[i], port[i],
		       (unsigned long)((pv_now() - t0) / MS));
	}

	/* Wait until every domU has been destroyed. */
	deadline = pv_now() + 300000 * MS;
	do {
		left = 0;
		for (unsigned int i = 0; i < n; i++) {
			if (port_status(port[i], &st) == EVTCHNSTAT_interdomain) {
				left++;
			} else if (ids[i] == recreate && !recreated) {
				check_rc(mgmt(VENEER_MGMT_createdomain,
					      (domid_t)recreate), 0);
				recreated = 1;
				printk("dom0_waiter: d%u gone, created a new "
				       "d%u\n", recreate, recreate);
				connect_new_domain((domid_t)recreate,
						   newports);
			}
		}
		if (!left)
			break;
		if (pv_now() > deadline)
			fail("%u domUs still there after 300 s", left);
		wait_event(100 * MS);
	} while (left);
	if (recreated) {
		check_new_domain((domid_t)recreate, newports);
		check_rc(mgmt(VENEER_MGMT_destroydomain, (domid_t)recreate), 0);
	}
	/* Time for the hypervisor to free the domains' structures too. */
	for (uint64_t end = pv_now() + 200 * MS; pv_now() < end;)
		wait_event(50 * MS);

	for (unsigned int i = 0; i < n; i++) {
		struct evtchn_bind_interdomain b = {
			.remote_dom = ids[i], .remote_port = 1,
		};
		struct evtchn_close c = { .port = port[i] };

		/* Our end is waiting for the domain that went away. */
		check_eq(port_status(port[i], &st), EVTCHNSTAT_unbound);
		check_eq(st.u.unbound.dom, ids[i]);
		/* Which no longer exists. */
		check_rc(evtchn_op(EVTCHNOP_bind_interdomain, &b), -ESRCH);
		check_rc(evtchn_op(EVTCHNOP_close, &c), 0);
	}
	check(nr_dom_exc >= 1);
	printk("dom0_waiter: all %u domUs gone after %lu ms, VIRQ_DOM_EXC "
	       "seen %u times\n", n, (unsigned long)((pv_now() - t0) / MS),
	       nr_dom_exc);
}
