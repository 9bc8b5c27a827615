// SPDX-License-Identifier: GPL-2.0
/*
 * console_io writes of huge counts: the hypervisor must do them in
 * bounded pieces (hypercall continuations), keep serving everyone else,
 * and not let a domU monopolise the serial line with its output.
 *
 * Two domUs share one CPU (veneer.affinity=1).  d2 (iso_role 2) is the
 * witness: it offers d1 two event channels, "start" and "end", and then
 * runs a 5 ms timer loop, counting the ticks it gets between d1's start
 * and end.  d1 (iso_role 1) is the attacker:
 *
 * 1. One multicall: send start; a console_io write of 16 MiB starting at
 *    its own buffer of 64 KiB of text lines, which runs on over the rest
 *    of its mapped memory (megabytes) and stops with -EFAULT where the
 *    mapping ends (or gives 0 if all 16 MiB are mapped); send end.  A
 *    hypervisor that does the whole write in one go never returns to a
 *    guest between start and end, so d2, on the same CPU, sees them
 *    together with no tick between.  With the write cut into bounded
 *    pieces (continuations), d2 must have had ticks in between.  Only
 *    that progress is asserted, no timing.
 * 2. A write of count 0xffffffff over a small buffer that ends in an
 *    unmapped page: -EFAULT.
 * 3. The 64 KiB write as a hypercall of its own: 0.
 * 4. The same write as a multicall entry, followed by a xen_version
 *    entry: the multicall continues across the write and both entries
 *    get their results.
 * On Veneer the domU's lines beyond its allowance are dropped and
 * counted; after a pause that refills it, d1's later lines (its verdict)
 * print again.  On Xen the kernel runs alone as dom0: no witness, the
 * writes go straight to the serial line.
 *
 * veneer-log: \(d1\) \d+ lines suppressed \(rate limit\)
 * domus: 2
 * domu-args: veneer.affinity=1
 * mem: 16
 */
#include "isolation.h"

const char test_name[] = "flt_console_flood";

#define EFAULT		14
#define FLOOD		(64 * 1024)
#define LINE		64
#define MS		1000000ULL
#define START_PORT	2		/* d2's ports for d1, in this order */
#define END_PORT	3

/* In .bss, after everything in .rodata: the write that runs on past it
 * dumps only zeroes and data structures, never our own strings. */
static char flood[FLOOD];
static char tail[2][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static void fill_flood(void)
{
	unsigned int i;

	for (i = 0; i < FLOOD / LINE; i++) {
		char *l = flood + i * LINE;

		snprintf(l, LINE, "flood line %04u: ", i);
		memset(l + 17, 'a' + i % 26, LINE - 18);
		l[LINE - 1] = '\n';
	}
}

static void pause_ms(uint64_t ms)
{
	uint64_t end = pv_now() + ms * MS;

	while (pv_now() < end)
		asm volatile("pause");
}

/*
 * Take every pending event bit (events masked, selector cleared so that
 * the next raise is an upcall again), then sleep until an event or @ns
 * pass: SCHEDOP_block unmasks and returns at once if anything was raised
 * since.  Returns the bits taken.
 */
static unsigned long take_and_block(uint64_t ns)
{
	struct vcpu_info *vi = vcpu0();
	unsigned long bits;

	vi->evtchn_upcall_mask = 1;
	__atomic_store_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	bits = __atomic_exchange_n(&shared_info->evtchn_pending[0], 0,
				   __ATOMIC_SEQ_CST);
	vi->evtchn_upcall_pending = 0;
	if (hypercall1(__HYPERVISOR_set_timer_op, pv_now() + ns))
		fail("set_timer_op failed");
	hyp_sched_op(SCHEDOP_block, NULL);
	return bits;
}

/* d2: count timer ticks between d1's start and end. */
static void witness(void)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 1 };
	struct evtchn_bind_virq t = { .virq = VIRQ_TIMER, .vcpu = 0 };
	uint64_t deadline = pv_now() + 240000 * MS;
	unsigned int ticks = 0;
	int started = 0;

	check_rc(evtchn_op(EVTCHNOP_alloc_unbound, &a), 0);
	check_eq(a.port, START_PORT);
	check_rc(evtchn_op(EVTCHNOP_alloc_unbound, &a), 0);
	check_eq(a.port, END_PORT);
	check_rc(evtchn_op(EVTCHNOP_bind_virq, &t), 0);
	check(t.port < 64);
	printk("witness: ports %u (start), %u (end), timer %u\n", START_PORT,
	       END_PORT, t.port);
	for (;;) {
		unsigned long bits = take_and_block(5 * MS);

		if (bits & (1UL << START_PORT))
			started = 1;
		if (bits & (1UL << END_PORT))
			break;
		if (started && (bits & (1UL << t.port)))
			ticks++;
		if (pv_now() > deadline)
			fail("d1 never signalled the end of its flood");
	}
	check(started);
	printk("witness: %u timer ticks while d1 flooded\n", ticks);
	check(ticks > 0);
}

/* d1: its ends of d2's start and end channels. */
static void connect_witness(evtchn_port_t *start, evtchn_port_t *end)
{
	uint64_t deadline = pv_now() + 120000 * MS;
	struct evtchn_bind_interdomain b = { .remote_dom = 2 };

	b.remote_port = START_PORT;
	while (evtchn_op(EVTCHNOP_bind_interdomain, &b)) {
		if (pv_now() > deadline)
			fail("d2 never offered its ports");
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	*start = b.local_port;
	b.remote_port = END_PORT;
	while (evtchn_op(EVTCHNOP_bind_interdomain, &b)) {
		if (pv_now() > deadline)
			fail("d2 never offered its end port");
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	*end = b.local_port;
}

static void set_entry(struct multicall_entry *e, unsigned long op,
		      unsigned long a0, unsigned long a1, unsigned long a2)
{
	memset(e, 0, sizeof(*e));
	e->op = op;
	e->args[0] = a0;
	e->args[1] = a1;
	e->args[2] = a2;
	e->result = 1;
}

void test_main(void)
{
	int witnessed = !iso_is_dom0();
	struct evtchn_send start = { 0 }, end = { 0 };
	struct multicall_entry mc[3];
	char extra[XEN_EXTRAVERSION_LEN];
	unsigned int n = 0, w;
	long rc;

	iso_begin();
	if (iso_role() == 2) {
		witness();
		return;
	}
	fill_flood();
	if (witnessed)
		connect_witness(&start.port, &end.port);

	printk("1. console_io write of 16 MiB from our buffer, in a "
	       "multicall between start and end\n");
	if (witnessed)
		set_entry(&mc[n++], __HYPERVISOR_event_channel_op,
			  EVTCHNOP_send, (unsigned long)&start, 0);
	w = n;
	set_entry(&mc[n++], __HYPERVISOR_console_io, CONSOLEIO_write,
		  16UL << 20, (unsigned long)flood);
	if (witnessed)
		set_entry(&mc[n++], __HYPERVISOR_event_channel_op,
			  EVTCHNOP_send, (unsigned long)&end, 0);
	rc = hyp_multicall(mc, n);
	pause_ms(1000);		/* the domU's line allowance refills */
	printk("  multicall = %ld, write = %ld\n", rc, (long)mc[w].result);
	check_eq(rc, 0);
	check(mc[w].result == 0 || (long)mc[w].result == -EFAULT);
	for (unsigned int i = 0; i < n; i++)
		if (i != w)
			check_eq(mc[i].result, 0);

	printk("2. count 0xffffffff, buffer ending in an unmapped page\n");
	check_rc(hyp_update_va_mapping((unsigned long)tail[1], 0,
				       UVMF_INVLPG), 0);
	memcpy(&tail[0][PAGE_SIZE - 6], "tail\r\n", 6);
	check_rc(hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write,
			    0xffffffffUL, &tail[0][PAGE_SIZE - 6]), -EFAULT);

	printk("3. the 64 KiB write as a hypercall of its own\n");
	rc = hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, FLOOD,
			flood);
	pause_ms(1000);
	printk("  = %ld\n", rc);
	check_eq(rc, 0);

	printk("4. the 64 KiB write inside a multicall, then xen_version\n");
	memset(extra, 0, sizeof(extra));
	set_entry(&mc[0], __HYPERVISOR_console_io, CONSOLEIO_write, FLOOD,
		  (unsigned long)flood);
	set_entry(&mc[1], __HYPERVISOR_xen_version, XENVER_extraversion,
		  (unsigned long)extra, 0);
	rc = hyp_multicall(mc, 2);
	pause_ms(1000);
	printk("  multicall = %ld, results %ld %ld, extraversion '%s'\n", rc,
	       (long)mc[0].result, (long)mc[1].result, extra);
	check_eq(rc, 0);
	check_eq(mc[0].result, 0);
	check_eq(mc[1].result, 0);
	check(extra[0] != 0);
	printk("still here\n");
}
