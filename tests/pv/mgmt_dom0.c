// SPDX-License-Identifier: GPL-2.0
/*
 * mgmt_dom0: Veneer's management interface (hypercall 56, veneer/mgmt.h,
 * docs/management-abi.md) as dom0 uses it: the version and padding
 * checks, physinfo, 50 create/destroy cycles that give every page back,
 * the domain list, toolstack pause and unpause, a memory limit that
 * populate_physmap honours, scheduler parameters, vCPU info and
 * affinity, the hypervisor's log ring, the per-domain counters, and
 * -EFAULT for bad buffers.
 *
 * Veneer's own interface: Xen 4.17 has no hypercall 56 (-ENOSYS), so
 * the Xen run is an expected failure (XEN_KNOWN_FAILURES).
 */
#include "pv.h"

#include <veneer/memory.h>
#include <veneer/mgmt.h>
#include <veneer/sched.h>

const char test_name[] = "mgmt_dom0";

#define ESRCH			3
#define EFAULT			14
#define EBUSY			16
#define EEXIST			17
#define EINVAL			22
#define EPROTONOSUPPORT		93

#define CYCLES		50
#define SHELL_PAGES	256

static struct veneer_mgmt op;
static struct veneer_domaininfo list[32];
static char logbuf[8192];
static char victim[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static size_t strnlen_max(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

static void prep(uint32_t cmd, domid_t domid)
{
	memset(&op, 0, sizeof(op));
	op.cmd = cmd;
	op.version = VENEER_MGMT_VERSION;
	op.domid = domid;
}

static long call(void)
{
	return hypercall1(__HYPERVISOR_veneer_mgmt, &op);
}

static long mgmt(uint32_t cmd, domid_t domid)
{
	prep(cmd, domid);
	return call();
}

static struct veneer_mgmt_physinfo physinfo(void)
{
	check_rc(mgmt(VENEER_MGMT_physinfo, 0), 0);
	return op.u.physinfo;
}

static struct veneer_domaininfo info(domid_t id)
{
	check_rc(mgmt(VENEER_MGMT_getdomaininfo, id), 0);
	check_eq(op.u.info.domid, id);
	return op.u.info;
}

static domid_t create(domid_t want, uint64_t pages, uint32_t vcpus)
{
	prep(VENEER_MGMT_createdomain, want);
	op.u.create.max_pages = pages;
	op.u.create.max_vcpus = vcpus;
	check_rc(call(), 0);
	check(op.domid != 0);
	if (want)
		check_eq(op.domid, want);
	return op.domid;
}

static long create_rc(domid_t want, uint64_t pages, uint32_t vcpus,
		      uint32_t flags)
{
	prep(VENEER_MGMT_createdomain, want);
	op.u.create.max_pages = pages;
	op.u.create.max_vcpus = vcpus;
	op.u.create.flags = flags;
	return call();
}

static void test_version_and_padding(void)
{
	prep(VENEER_MGMT_physinfo, 0);
	op.version = 0x00020000;
	check_rc(call(), -EPROTONOSUPPORT);
	check_eq(op.version, VENEER_MGMT_VERSION);
	/* Another minor of our major is served. */
	prep(VENEER_MGMT_physinfo, 0);
	op.version = VENEER_MGMT_VERSION + 1;
	check_rc(call(), 0);
	prep(VENEER_MGMT_physinfo, 0);
	op.pad[1] = 1;
	check_rc(call(), -EINVAL);
	check_rc(mgmt(0, 0), -EINVAL);
	check_rc(mgmt(99, 0), -EINVAL);
	/* The structure itself unreadable. */
	check_rc(hypercall1(__HYPERVISOR_veneer_mgmt, 0x1000), -EFAULT);
	check_rc(hypercall1(__HYPERVISOR_veneer_mgmt, 0xffff830000000000UL),
		 -EFAULT);
}

static void test_physinfo(void)
{
	struct veneer_mgmt_physinfo p = physinfo();
	long ver = hyp_xen_version(XENVER_version, NULL);

	printk("physinfo: %u CPUs, %u domains, %lu pages, %lu free, %lu kHz, "
	       "%u.%u%s, caps 0x%x\n", p.nr_cpus, p.max_domains,
	       (unsigned long)p.total_pages, (unsigned long)p.free_pages,
	       (unsigned long)p.cpu_khz, p.version_major, p.version_minor,
	       p.extra, p.capabilities);
	check(p.nr_cpus >= 1);
	check(p.max_domains >= 2);
	check(p.total_pages > 0);
	check(p.free_pages > 0 && p.free_pages < p.total_pages);
	check(p.cpu_khz > 0);
	check_eq(p.version_major, (uint64_t)ver >> 16);
	check_eq(p.version_minor, (uint64_t)ver & 0xffff);
	check(p.capabilities & VENEER_CAP_PV64);
	check(strnlen_max(p.extra, sizeof(p.extra)) < sizeof(p.extra));
	check_eq(p.pad, 0);
}

static void test_dom0_info(void)
{
	struct veneer_domaininfo d = info(0);

	check(d.flags & VENEER_DOMINF_privileged);
	check(d.flags & VENEER_DOMINF_running);	/* we are */
	check(!(d.flags & (VENEER_DOMINF_paused | VENEER_DOMINF_shutdown |
			   VENEER_DOMINF_dying)));
	check_eq(d.nr_online_vcpus, 1);
	check_eq(d.max_vcpus, 1);
	check_eq(d.tot_pages, start_info->nr_pages);
	check(d.max_pages >= d.tot_pages);
	check(d.cpu_time_ns > 0);
	/* dom0 is not paused, destroyed, ... by the toolstack. */
	check_rc(mgmt(VENEER_MGMT_pausedomain, 0), -EINVAL);
	check_rc(mgmt(VENEER_MGMT_destroydomain, 0), -EINVAL);
	check_rc(mgmt(VENEER_MGMT_getdomaininfo, 15), -ESRCH);
	check_rc(mgmt(VENEER_MGMT_getdomaininfo, 0x7ff0), -ESRCH);
	check_rc(mgmt(VENEER_MGMT_destroydomain, 0x7ff0), -ESRCH);
	check_rc(mgmt(VENEER_MGMT_pausedomain, 0x7ff0), -ESRCH);
}

static void test_create_destroy_cycles(void)
{
	uint64_t before = physinfo().free_pages, after;

	check_rc(create_rc(0, 0, 1, 0), -EINVAL);
	check_rc(create_rc(0, SHELL_PAGES, 0, 0), -EINVAL);
	check_rc(create_rc(0, SHELL_PAGES, VENEER_MGMT_MAX_VCPUS + 1, 0),
		 -EINVAL);
	check_rc(create_rc(0, SHELL_PAGES, 1, 1), -EINVAL);
	check_rc(create_rc(0, ~0UL, 1, 0), -EINVAL);
	check_rc(create_rc(0x7ff0, SHELL_PAGES, 1, 0), -EINVAL);
	check_eq(physinfo().free_pages, before);

	for (unsigned int i = 0; i < CYCLES; i++) {
		domid_t id = create(0, SHELL_PAGES, 2);
		struct veneer_domaininfo d = info(id);

		check(d.flags & VENEER_DOMINF_paused);
		check(!(d.flags & (VENEER_DOMINF_running |
				   VENEER_DOMINF_privileged |
				   VENEER_DOMINF_dying |
				   VENEER_DOMINF_shutdown)));
		check_eq(d.tot_pages, 0);
		check_eq(d.max_pages, SHELL_PAGES);
		check_eq(d.max_vcpus, 2);
		check_eq(d.nr_online_vcpus, 1);	/* vCPU 0 up, 1 down */
		check_eq(d.cpu_time_ns, 0);
		check(physinfo().free_pages < before);
		check_rc(mgmt(VENEER_MGMT_destroydomain, id), 0);
		check_rc(mgmt(VENEER_MGMT_getdomaininfo, id), -ESRCH);
		check_rc(mgmt(VENEER_MGMT_destroydomain, id), -ESRCH);
	}
	/* The shells wait a little in the hypervisor's graveyard (at least
	 * its reaper's delay) before their pages come back. */
	for (uint64_t end = pv_now() + 10000000000ULL;
	     physinfo().free_pages != before && pv_now() < end;)
		hyp_sched_op(SCHEDOP_yield, NULL);
	after = physinfo().free_pages;
	printk("%u create/destroy cycles: %lu pages free before, %lu after\n",
	       CYCLES, (unsigned long)before, (unsigned long)after);
	check_eq(after, before);
}

static unsigned int list_domains(domid_t first, uint32_t max, uint64_t buf,
				 long want_rc)
{
	prep(VENEER_MGMT_getdomaininfolist, 0);
	op.u.list.first_domid = first;
	op.u.list.max_domains = max;
	op.u.list.buffer = buf;
	check_rc(call(), want_rc);
	return op.u.list.nr_domains;
}

static void test_list_pause_and_params(void)
{
	domid_t a = create(0, SHELL_PAGES, 2), b;
	struct veneer_domaininfo d;
	struct veneer_mgmt_getvcpuinfo vi;
	unsigned int n, seen = 0;
	uint32_t maxd = physinfo().max_domains;

	/* An id given: taken ids are refused. */
	b = create(maxd - 1, SHELL_PAGES, 1);
	check(b != a);
	check_rc(create_rc(b, SHELL_PAGES, 1, 0), -EEXIST);

	n = list_domains(0, 32, (uint64_t)list, 0);
	check(n >= 3);
	for (unsigned int i = 0; i < n; i++) {
		printk("  list: d%u flags 0x%x pages %lu/%lu\n", list[i].domid,
		       list[i].flags, (unsigned long)list[i].tot_pages,
		       (unsigned long)list[i].max_pages);
		if (i)
			check(list[i].domid > list[i - 1].domid);
		if (list[i].domid == 0 || list[i].domid == a ||
		    list[i].domid == b)
			seen++;
	}
	check_eq(seen, 3);
	check_eq(list[0].domid, 0);
	check_eq(list_domains(0, 1, (uint64_t)list, 0), 1);
	check_eq(list_domains(a, 32, (uint64_t)list, 0), n - 1);
	check_eq(list[0].domid, a);
	check_eq(list_domains(maxd, 32, (uint64_t)list, 0), 0);
	list_domains(0, 32, 0x1000, -EFAULT);
	list_domains(0, 32, 0xffff830000000000UL, -EFAULT);
	prep(VENEER_MGMT_getdomaininfolist, 0);
	op.u.list.pad[2] = 1;
	op.u.list.max_domains = 1;
	op.u.list.buffer = (uint64_t)list;
	check_rc(call(), -EINVAL);

	/* Pause: created paused (count 1), counted, dom0 refused. */
	check(info(a).flags & VENEER_DOMINF_paused);
	check_rc(mgmt(VENEER_MGMT_unpausedomain, a), 0);
	check(!(info(a).flags & VENEER_DOMINF_paused));
	check_rc(mgmt(VENEER_MGMT_unpausedomain, a), -EINVAL);
	check_rc(mgmt(VENEER_MGMT_pausedomain, a), 0);
	check_rc(mgmt(VENEER_MGMT_pausedomain, a), 0);
	check(info(a).flags & VENEER_DOMINF_paused);
	check_rc(mgmt(VENEER_MGMT_unpausedomain, a), 0);
	check(info(a).flags & VENEER_DOMINF_paused);
	check_rc(mgmt(VENEER_MGMT_unpausedomain, a), 0);
	check(!(info(a).flags & VENEER_DOMINF_paused));
	check_rc(mgmt(VENEER_MGMT_unpausedomain, 0), -EINVAL);

	/* setmaxmem on a shell. */
	prep(VENEER_MGMT_setmaxmem, a);
	op.u.maxmem.max_pages = 1024;
	check_rc(call(), 0);
	check_eq(info(a).max_pages, 1024);
	prep(VENEER_MGMT_setmaxmem, a);
	check_rc(call(), -EINVAL);		/* 0 pages */

	/* Scheduler parameters round-trip. */
	check_rc(mgmt(VENEER_MGMT_getschedparams, a), 0);
	check_eq(op.u.sched.weight, 256);
	check_eq(op.u.sched.cap, 0);
	prep(VENEER_MGMT_setschedparams, a);
	op.u.sched.weight = 512;
	op.u.sched.cap = 50;
	check_rc(call(), 0);
	check_rc(mgmt(VENEER_MGMT_getschedparams, a), 0);
	check_eq(op.u.sched.weight, 512);
	check_eq(op.u.sched.cap, 50);
	prep(VENEER_MGMT_setschedparams, a);
	op.u.sched.weight = 0;
	check_rc(call(), -EINVAL);
	prep(VENEER_MGMT_setschedparams, a);
	op.u.sched.weight = 65536;
	check_rc(call(), -EINVAL);
	prep(VENEER_MGMT_setschedparams, a);
	op.u.sched.weight = 256;
	op.u.sched.cap = 100000;
	check_rc(call(), -EINVAL);

	/* vCPU info and affinity. */
	prep(VENEER_MGMT_getvcpuinfo, a);
	op.u.vcpuinfo.vcpu = 0;
	check_rc(call(), 0);
	vi = op.u.vcpuinfo;
	check_eq(vi.online, 1);
	check_eq(vi.running, 0);
	check_eq(vi.cpu_time_ns, 0);
	check(vi.cpu < physinfo().nr_cpus);
	check(vi.affinity & 1);
	prep(VENEER_MGMT_getvcpuinfo, a);
	op.u.vcpuinfo.vcpu = 1;
	check_rc(call(), 0);
	check_eq(op.u.vcpuinfo.online, 0);
	prep(VENEER_MGMT_getvcpuinfo, a);
	op.u.vcpuinfo.vcpu = 2;
	check_rc(call(), -EINVAL);
	prep(VENEER_MGMT_getvcpuinfo, a);
	op.u.vcpuinfo.pad1 = 1;
	check_rc(call(), -EINVAL);
	prep(VENEER_MGMT_getvcpuinfo, 0);
	check_rc(call(), 0);
	check_eq(op.u.vcpuinfo.running, 1);	/* we are */
	check(op.u.vcpuinfo.cpu_time_ns > 0);

	prep(VENEER_MGMT_setvcpuaffinity, a);
	op.u.affinity.vcpu = 1;
	op.u.affinity.cpumask = 1;
	check_rc(call(), 0);
	prep(VENEER_MGMT_getvcpuinfo, a);
	op.u.vcpuinfo.vcpu = 1;
	check_rc(call(), 0);
	check_eq(op.u.vcpuinfo.affinity, 1);
	check_eq(op.u.vcpuinfo.cpu, 0);
	prep(VENEER_MGMT_setvcpuaffinity, a);
	op.u.affinity.vcpu = 1;
	op.u.affinity.cpumask = 0;
	check_rc(call(), -EINVAL);
	prep(VENEER_MGMT_setvcpuaffinity, a);
	op.u.affinity.vcpu = 1;
	op.u.affinity.cpumask = 1UL << 63;
	check_rc(call(), -EINVAL);
	prep(VENEER_MGMT_setvcpuaffinity, a);
	op.u.affinity.vcpu = 5;
	op.u.affinity.cpumask = 1;
	check_rc(call(), -EINVAL);

	/* No context for a domain unpaused without one: it may be
	 * running (tests/pv/mgmt_setvcpucontext.c has the rest). */
	prep(VENEER_MGMT_setvcpucontext, a);
	op.u.vcpucontext.ctxt = (uint64_t)list;
	check_rc(call(), -EBUSY);

	d = info(a);
	check(!(d.flags & VENEER_DOMINF_dying));
	check_rc(mgmt(VENEER_MGMT_destroydomain, a), 0);
	check_rc(mgmt(VENEER_MGMT_destroydomain, b), 0);
	check_rc(mgmt(VENEER_MGMT_pausedomain, a), -ESRCH);
	check_rc(mgmt(VENEER_MGMT_getschedparams, b), -ESRCH);
}

static long memop(int cmd, xen_pfn_t *f)
{
	struct xen_memory_reservation r = {
		.nr_extents = 1, .extent_order = 0, .domid = DOMID_SELF,
	};

	r.extent_start = (unsigned long)f;
	return hypercall2(__HYPERVISOR_memory_op, cmd, &r);
}

/* Our own limit: give a page back, then populate_physmap may take it
 * again only while the limit allows. */
static void test_setmaxmem_enforced(void)
{
	unsigned long pfn = virt_to_pfn(victim);
	uint64_t held = info(0).tot_pages;
	xen_pfn_t f = virt_to_mfn(victim);

	check_rc(hyp_update_va_mapping((unsigned long)victim, 0, UVMF_INVLPG),
		 0);
	check_rc(memop(XENMEM_decrease_reservation, &f), 1);
	check_eq(info(0).tot_pages, held - 1);
	prep(VENEER_MGMT_setmaxmem, 0);
	op.u.maxmem.max_pages = held - 1;
	check_rc(call(), 0);
	f = pfn;
	check_rc(memop(XENMEM_populate_physmap, &f), 0);	/* refused */
	check_eq(info(0).tot_pages, held - 1);
	prep(VENEER_MGMT_setmaxmem, 0);
	op.u.maxmem.max_pages = held;
	check_rc(call(), 0);
	f = pfn;
	check_rc(memop(XENMEM_populate_physmap, &f), 1);
	check_eq(info(0).tot_pages, held);
	check_rc(hyp_update_va_mapping((unsigned long)victim,
				       (f << 12) | _PAGE_PRESENT | _PAGE_RW |
				       _PAGE_ACCESSED | _PAGE_DIRTY,
				       UVMF_INVLPG), 0);
	victim[0] = 1;
}

static long readconsole(uint64_t buf, uint32_t size, uint64_t *index,
			uint32_t flags, uint32_t *count)
{
	long rc;

	prep(VENEER_MGMT_readconsole, 0);
	op.u.console.buffer = buf;
	op.u.console.size = size;
	op.u.console.index = *index;
	op.u.console.flags = flags;
	rc = call();
	if (!rc) {
		*index = op.u.console.index;
		*count = op.u.console.count;
	}
	return rc;
}

static int contains(const char *buf, unsigned int n, const char *what)
{
	size_t len = strlen(what);

	for (unsigned int i = 0; i + len <= n; i++)
		if (!memcmp(buf + i, what, len))
			return 1;
	return 0;
}

static void test_readconsole(void)
{
	uint64_t index = 0, mark, clear_at;
	uint32_t count = 0;
	domid_t id;

	check_rc(readconsole((uint64_t)logbuf, sizeof(logbuf), &index, 0,
			     &count), 0);
	printk("readconsole: %u bytes, index now %lu\n", count,
	       (unsigned long)index);
	check(count > 0 && count <= sizeof(logbuf));
	check(index >= count);
	check(contains(logbuf, count, "(veneer) "));
	/* Read to the end, then what is new is ours. */
	while (count)
		check_rc(readconsole((uint64_t)logbuf, sizeof(logbuf), &index,
				     0, &count), 0);
	mark = index;
	id = create(0, SHELL_PAGES, 1);
	check_rc(mgmt(VENEER_MGMT_destroydomain, id), 0);
	check_rc(readconsole((uint64_t)logbuf, sizeof(logbuf), &index, 0,
			     &count), 0);
	check(count > 0);
	check_eq(index, mark + count);
	check(contains(logbuf, count, "created by the toolstack"));
	/* Bad arguments (with something there to read). */
	mark = 0;
	check_rc(readconsole(0x1000, sizeof(logbuf), &mark, 0, &count),
		 -EFAULT);
	check_rc(readconsole(0xffff830000000000UL, 16, &mark, 0, &count),
		 -EFAULT);
	check_rc(readconsole((uint64_t)logbuf, 16, &mark, 2, &count), -EINVAL);
	/* Clear: an old index moves up to where the clear was. */
	check_rc(readconsole((uint64_t)logbuf, 0, &index, VENEER_CONSOLE_clear,
			     &count), 0);
	clear_at = index;
	mark = 0;
	check_rc(readconsole((uint64_t)logbuf, 1, &mark, 0, &count), 0);
	check(mark >= clear_at);
	check_eq(mark - count, clear_at);
}

static void test_counters(void)
{
	struct veneer_mgmt_getcounters a, b;
	struct multicall_entry mc[3];

	check_rc(mgmt(VENEER_MGMT_getcounters, 0), 0);
	a = op.u.counters;
	for (int i = 0; i < 10; i++)
		check(hyp_xen_version(XENVER_version, NULL) > 0);
	memset(mc, 0, sizeof(mc));
	for (int i = 0; i < 3; i++) {
		mc[i].op = __HYPERVISOR_xen_version;
		mc[i].args[0] = XENVER_version;
	}
	check_rc(hyp_multicall(mc, 3), 0);
	check_rc(hyp_update_va_mapping((unsigned long)victim,
				       (virt_to_mfn(victim) << 12) |
				       _PAGE_PRESENT | _PAGE_RW |
				       _PAGE_ACCESSED | _PAGE_DIRTY,
				       UVMF_INVLPG), 0);
	check_rc(mgmt(VENEER_MGMT_getcounters, 0), 0);
	b = op.u.counters;
	printk("counters: xen_version %lu -> %lu, mgmt %lu -> %lu, multicall "
	       "entries %lu -> %lu, pt updates %lu -> %lu, flushes %lu -> "
	       "%lu\n", (unsigned long)a.hypercalls[17],
	       (unsigned long)b.hypercalls[17], (unsigned long)a.hypercalls[56],
	       (unsigned long)b.hypercalls[56],
	       (unsigned long)a.multicall_entries,
	       (unsigned long)b.multicall_entries,
	       (unsigned long)a.pt_updates, (unsigned long)b.pt_updates,
	       (unsigned long)a.tlb_flushes, (unsigned long)b.tlb_flushes);
	check(b.hypercalls[__HYPERVISOR_xen_version] >=
	      a.hypercalls[__HYPERVISOR_xen_version] + 10);
	check(b.hypercalls[__HYPERVISOR_veneer_mgmt] >
	      a.hypercalls[__HYPERVISOR_veneer_mgmt]);
	check(b.hypercalls[__HYPERVISOR_multicall] >
	      a.hypercalls[__HYPERVISOR_multicall]);
	check_eq(b.multicall_entries, a.multicall_entries + 3);
	check(b.pt_updates > a.pt_updates);
	check(b.tlb_flushes > a.tlb_flushes);
}

void test_main(void)
{
	test_version_and_padding();
	test_physinfo();
	test_dom0_info();
	test_create_destroy_cycles();
	test_list_pause_and_params();
	test_setmaxmem_enforced();
	test_readconsole();
	test_counters();
}
