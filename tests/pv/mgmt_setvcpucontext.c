// SPDX-License-Identifier: GPL-2.0
/*
 * mgmt_setvcpucontext: dom0 gives a vCPU of a domain it builds its first
 * context (VENEER_MGMT_setvcpucontext), checked as VCPUOP_initialise
 * checks a guest's own, with a base pointer that must be an L4 dom0
 * pinned for that domain:
 *
 *   - refused: a vCPU the domain does not have, dom0 itself, padding,
 *     a bad context pointer, our own (pinned) L4 as the domain's, a
 *     frame of the domain that is not pinned, and one pinned as an L1,
 *     a code selector that names nothing, a rip in the hypervisor's
 *     area, a start in user mode;
 *   - accepted for vCPU 0 (the domain is paused, as created) and for
 *     the down vCPU 1, once each (-EEXIST after);
 *   - refused for vCPU 0 of a domain that was unpaused without one
 *     (it may be running: -EBUSY);
 *   - dom0 allocates an unbound port in the domain for itself (as a
 *     toolstack does for the store and console) and binds to it; a
 *     domain that does not exist is -ESRCH;
 *   - both domains destroyed, every page comes back.
 *
 * Veneer only: creating a domain needs its management hypercall.
 */
#include "pvmm.h"

#include <veneer/event_channel.h>
#include <veneer/memory.h>
#include <veneer/mgmt.h>

const char test_name[] = "mgmt_setvcpucontext";

#define EINVAL	22
#define EFAULT	14
#define EEXIST	17
#define EBUSY	16
#define ESRCH	3
#define SEC	1000000000ULL

static struct veneer_mgmt m;
static struct vcpu_guest_context ctx;

static long mgmt(unsigned int cmd, domid_t dom)
{
	m.cmd = cmd;
	m.version = VENEER_MGMT_VERSION;
	m.domid = dom;
	return hypercall1(__HYPERVISOR_veneer_mgmt, &m);
}

static domid_t create(uint64_t max_pages, uint32_t vcpus)
{
	memset(&m, 0, sizeof(m));
	m.u.create.max_pages = max_pages;
	m.u.create.max_vcpus = vcpus;
	check_rc(mgmt(VENEER_MGMT_createdomain, 0), 0);
	check(m.domid != 0);
	return m.domid;
}

static uint64_t free_pages(void)
{
	memset(&m, 0, sizeof(m));
	check_rc(mgmt(VENEER_MGMT_physinfo, 0), 0);
	return m.u.physinfo.free_pages;
}

static void wait_free_pages(uint64_t want)
{
	uint64_t deadline = pv_now() + 30 * SEC;

	while (free_pages() != want) {
		if (pv_now() > deadline)
			fail("free pages %lu, want %lu", free_pages(), want);
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
}

static long setctx(domid_t dom, uint32_t vcpu, uint64_t ptr)
{
	memset(&m, 0, sizeof(m));
	m.u.vcpucontext.vcpu = vcpu;
	m.u.vcpucontext.ctxt = ptr;
	return mgmt(VENEER_MGMT_setvcpucontext, dom);
}

static long set(domid_t dom, uint32_t vcpu)
{
	return setctx(dom, vcpu, (uint64_t)&ctx);
}

/* A context as a domain builder makes it: flat selectors, rip and rsp
 * in the guest's half, the bootstrap L4. */
static void good_ctx(uint64_t l4_mfn)
{
	memset(&ctx, 0, sizeof(ctx));
	ctx.flags = VGCF_in_kernel;
	ctx.user_regs.rip = 0xffffffff80001000UL;
	ctx.user_regs.rsp = 0xffffffff80008000UL;
	ctx.user_regs.rsi = 0xffffffff80002000UL;
	ctx.user_regs.cs = FLAT_KERNEL_CS64;
	ctx.user_regs.ss = FLAT_KERNEL_SS64;
	ctx.user_regs.rflags = 0x200;
	ctx.kernel_ss = FLAT_KERNEL_SS64;
	ctx.kernel_sp = ctx.user_regs.rsp;
	ctx.ctrlreg[3] = l4_mfn << 12;
}

static long memop(int cmd, domid_t dom, xen_pfn_t *list, unsigned int n)
{
	struct xen_memory_reservation r = {
		.nr_extents = n, .extent_order = 0, .domid = dom,
	};

	r.extent_start = (unsigned long)list;
	return hypercall2(__HYPERVISOR_memory_op, cmd, &r);
}

static long evtchn_op(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_event_channel_op, cmd, arg);
}

static long foreign_op(unsigned int cmd, uint64_t mfn, domid_t dom)
{
	struct mmuext_op op = { .cmd = cmd };

	op.arg1.mfn = mfn;
	return hyp_mmuext_op(&op, 1, NULL, dom);
}

void test_main(void)
{
	uint64_t own_l4 = kernel_l4_mfn();
	xen_pfn_t f[3] = { 0, 1, 2 };
	uint64_t free0 = free_pages();
	domid_t d, e;

	d = create(16, 2);
	check_rc(memop(XENMEM_populate_physmap, d, f, 3), 3);
	printk("d%u: frames %#lx %#lx %#lx\n", d, (unsigned long)f[0],
	       (unsigned long)f[1], (unsigned long)f[2]);

	printk("refusals\n");
	good_ctx(f[0]);
	check_rc(set(d, 2), -EINVAL);		/* no vCPU 2 */
	check_rc(set(d, 99), -EINVAL);
	check_rc(set(0, 0), -EINVAL);		/* never dom0 */
	check_rc(setctx(d, 0, 0x1000), -EFAULT);
	check_rc(setctx(d, 0, 0xffff830000000000UL), -EFAULT);
	memset(&m, 0, sizeof(m));
	m.u.vcpucontext.ctxt = (uint64_t)&ctx;
	m.u.vcpucontext.pad = 1;
	check_rc(mgmt(VENEER_MGMT_setvcpucontext, d), -EINVAL);
	check_rc(set(d, 0), -EINVAL);		/* f[0] is not pinned yet */
	good_ctx(own_l4);
	check_rc(set(d, 0), -EINVAL);		/* our L4, not d's */
	check_rc(foreign_op(MMUEXT_PIN_L1_TABLE, f[1], d), 0);
	good_ctx(f[1]);
	check_rc(set(d, 0), -EINVAL);		/* pinned, as an L1 */
	check_rc(foreign_op(MMUEXT_PIN_L4_TABLE, f[0], d), 0);
	good_ctx(f[0]);
	ctx.user_regs.cs = 0x1233;		/* names no descriptor */
	check_rc(set(d, 0), -EINVAL);
	good_ctx(f[0]);
	ctx.user_regs.ss = 0x4003;
	check_rc(set(d, 0), -EINVAL);
	good_ctx(f[0]);
	ctx.user_regs.rip = 0xffff830000001000UL;	/* hypervisor */
	check_rc(set(d, 0), -EINVAL);
	good_ctx(f[0]);
	ctx.user_regs.rsp = 0x0000800000000000UL;	/* not canonical */
	check_rc(set(d, 0), -EINVAL);
	good_ctx(f[0]);
	ctx.flags = 0;					/* user mode */
	check_rc(set(d, 0), -EINVAL);
	good_ctx(f[0]);
	ctx.gdt_ents = 100000;
	check_rc(set(d, 0), -EINVAL);
	good_ctx(f[0]);
	ctx.ctrlreg[1] = own_l4 << 12;			/* user L4: ours */
	check_rc(set(d, 0), -EINVAL);

	printk("accepted, once per vCPU\n");
	good_ctx(f[0]);
	check_rc(set(d, 0), 0);
	check_rc(set(d, 0), -EEXIST);
	check_rc(set(d, 1), 0);			/* down */
	check_rc(set(d, 1), -EEXIST);
	/* d is still paused: its vCPU 0 has not run. */
	memset(&m, 0, sizeof(m));
	check_rc(mgmt(VENEER_MGMT_getvcpuinfo, d), 0);
	check_eq(m.u.vcpuinfo.cpu_time_ns, 0);

	printk("an unbound port in d for us\n");
	{
		struct evtchn_alloc_unbound a = { .dom = d, .remote_dom = 0 };
		struct evtchn_bind_interdomain b = { .remote_dom = d };
		struct evtchn_close c;

		check_rc(evtchn_op(EVTCHNOP_alloc_unbound, &a), 0);
		check(a.port > 0);
		b.remote_port = a.port;
		check_rc(evtchn_op(EVTCHNOP_bind_interdomain, &b), 0);
		check(b.local_port > 0);
		c.port = b.local_port;
		check_rc(evtchn_op(EVTCHNOP_close, &c), 0);
		a.dom = 999;
		check_rc(evtchn_op(EVTCHNOP_alloc_unbound, &a), -ESRCH);
	}

	printk("a domain unpaused without a context\n");
	e = create(16, 1);
	check_rc(mgmt(VENEER_MGMT_unpausedomain, e), 0);
	good_ctx(f[0]);
	check_rc(set(e, 0), -EBUSY);

	check_rc(mgmt(VENEER_MGMT_destroydomain, d), 0);
	check_rc(mgmt(VENEER_MGMT_destroydomain, e), 0);
	check_rc(set(d, 0), -ESRCH);
	wait_free_pages(free0);
	printk("free pages back to %lu\n", free0);
}
