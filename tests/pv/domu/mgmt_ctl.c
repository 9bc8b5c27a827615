// SPDX-License-Identifier: GPL-2.0
/*
 * dom0 for the management test (tests/system/test_mgmt.py): it drives
 * three boot-time domUs that are toolstack domains (veneer.toolstack:
 * kept when they shut down, as domains dom0 creates are) through the
 * management hypercall, the way a toolstack would:
 *   d1 domu_hello  powers off: it must stay, shut down (poweroff), with
 *                  its memory, until we destroy it;
 *   d2 spin        never stops: paused, its CPU time must stand still
 *                  and no vCPU run; unpaused, it must run again; then
 *                  destroyed while it runs;
 *   d3 domu_crash  crashes: shut down with the crashed flag, kept.
 * VIRQ_DOM_EXC tells us of each shutdown.  Then we power off, and the
 * runner checks that every page came back.
 */
#include "domu.h"

#include <veneer/mgmt.h>

const char test_name[] = "mgmt_ctl";

#define ESRCH	3
#define EINVAL	22
#define MS	1000000ULL

enum { HELLO = 1, SPIN = 2, CRASH = 3 };

static struct veneer_mgmt op;
static unsigned int dom_exc_port;
static unsigned int nr_dom_exc;

/* Sleep until an event or @ns pass (dom0_waiter's way). */
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

static void sleep_ms(uint64_t ms)
{
	for (uint64_t end = pv_now() + ms * MS; pv_now() < end;)
		wait_event(end - pv_now());
}

static long mgmt(uint32_t cmd, domid_t domid)
{
	memset(&op.u, 0, sizeof(op.u));
	op.cmd = cmd;
	op.version = VENEER_MGMT_VERSION;
	op.domid = domid;
	memset(op.pad, 0, sizeof(op.pad));
	return hypercall1(__HYPERVISOR_veneer_mgmt, &op);
}

static struct veneer_domaininfo info(domid_t id)
{
	check_rc(mgmt(VENEER_MGMT_getdomaininfo, id), 0);
	return op.u.info;
}

static void connect(domid_t id)
{
	struct evtchn_bind_interdomain b = { .remote_dom = id,
					     .remote_port = 1 };
	uint64_t deadline = pv_now() + 120000 * MS;

	while (evtchn_op(EVTCHNOP_bind_interdomain, &b)) {
		if (pv_now() > deadline)
			fail("d%u never offered port 1", id);
		wait_event(10 * MS);
	}
}

/* Wait until @id is shut down; its info then. */
static struct veneer_domaininfo wait_shutdown(domid_t id)
{
	uint64_t deadline = pv_now() + 120000 * MS;
	struct veneer_domaininfo d;

	while (!((d = info(id)).flags & VENEER_DOMINF_shutdown)) {
		if (pv_now() > deadline)
			fail("d%u did not shut down in 120 s", id);
		wait_event(20 * MS);
	}
	return d;
}

static void test_pause(void)
{
	struct veneer_domaininfo d;
	uint64_t t0, t1, deadline = pv_now() + 60000 * MS;

	/* It has run. */
	while (info(SPIN).cpu_time_ns < 50 * MS) {
		if (pv_now() > deadline)
			fail("d%u got no CPU time in 60 s", SPIN);
		sleep_ms(20);
	}
	check_rc(mgmt(VENEER_MGMT_pausedomain, SPIN), 0);
	d = info(SPIN);
	check(d.flags & VENEER_DOMINF_paused);
	check(!(d.flags & VENEER_DOMINF_running));
	t0 = d.cpu_time_ns;
	sleep_ms(300);
	d = info(SPIN);
	t1 = d.cpu_time_ns;
	printk("mgmt_ctl: d%u paused: CPU time %lu ns, 300 ms later %lu ns\n",
	       SPIN, (unsigned long)t0, (unsigned long)t1);
	check_eq(t1, t0);
	check(!(d.flags & VENEER_DOMINF_running));
	check_rc(mgmt(VENEER_MGMT_unpausedomain, SPIN), 0);
	deadline = pv_now() + 60000 * MS;
	while (info(SPIN).cpu_time_ns <= t1) {
		if (pv_now() > deadline)
			fail("d%u did not run again in 60 s", SPIN);
		sleep_ms(20);
	}
	printk("mgmt_ctl: d%u unpaused: runs again\n", SPIN);
}

void test_main(void)
{
	struct veneer_domaininfo d;
	struct evtchn_bind_virq b = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
	uint64_t hello_pages;

	check_rc(evtchn_op(EVTCHNOP_bind_virq, &b), 0);
	dom_exc_port = b.port;
	check(dom_exc_port < 64);
	b.virq = VIRQ_TIMER;
	check_rc(evtchn_op(EVTCHNOP_bind_virq, &b), 0);

	connect(HELLO);
	connect(CRASH);
	test_pause();

	/* d1 powered off: kept, with its memory, until destroyed. */
	d = wait_shutdown(HELLO);
	check_eq(d.shutdown_reason, SHUTDOWN_poweroff);
	check(!(d.flags & (VENEER_DOMINF_crashed | VENEER_DOMINF_dying |
			   VENEER_DOMINF_running)));
	check(d.tot_pages > 0);
	hello_pages = d.tot_pages;
	sleep_ms(100);
	d = info(HELLO);
	check(d.flags & VENEER_DOMINF_shutdown);
	check_eq(d.tot_pages, hello_pages);

	/* d3 crashed: kept too, with the flag. */
	d = wait_shutdown(CRASH);
	check_eq(d.shutdown_reason, SHUTDOWN_crash);
	check(d.flags & VENEER_DOMINF_crashed);

	check(nr_dom_exc >= 1);
	check_rc(mgmt(VENEER_MGMT_destroydomain, HELLO), 0);
	check_rc(mgmt(VENEER_MGMT_getdomaininfo, HELLO), -ESRCH);
	check_rc(mgmt(VENEER_MGMT_destroydomain, CRASH), 0);
	/* The spinner goes while it runs. */
	check_rc(mgmt(VENEER_MGMT_destroydomain, SPIN), 0);
	check_rc(mgmt(VENEER_MGMT_destroydomain, SPIN), -ESRCH);
	check_rc(mgmt(VENEER_MGMT_pausedomain, SPIN), -ESRCH);
	/* Time for the reaper, then the runner compares free pages. */
	sleep_ms(200);
	printk("mgmt_ctl: all domUs destroyed, VIRQ_DOM_EXC seen %u times\n",
	       nr_dom_exc);
}
