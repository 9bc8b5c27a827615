// SPDX-License-Identifier: GPL-2.0
/*
 * mgmt_refused: an unprivileged domU calls every sub-operation of
 * Veneer's management hypercall (56, veneer/mgmt.h) with a well-formed
 * structure, an unknown one, and a bad pointer, naming dom0 and itself:
 * each is -EPERM, refused before the structure is even read, and logged
 * once for the domain, not per call.  Among them: destroy, pause and
 * setmaxmem of dom0, create, readconsole.
 *
 * On Xen 4.17 (where this kernel runs as dom0) hypercall 56 does not
 * exist: every call is -ENOSYS there, which is what the kernel expects
 * when it is the initial domain.
 *
 * veneer-log: \(d1v0\) veneer_mgmt refused: the domain is not privileged: -EPERM \(logged once\)
 */
#include "isolation.h"

#include <veneer/mgmt.h>

const char test_name[] = "mgmt_refused";

#define EPERM	1
#define ENOSYS	38

static struct veneer_mgmt op;
static char buf[256];
static struct veneer_domaininfo infos[4];

static void fill(uint32_t cmd, domid_t domid)
{
	memset(&op, 0, sizeof(op));
	op.cmd = cmd;
	op.version = VENEER_MGMT_VERSION;
	op.domid = domid;
	switch (cmd) {
	case VENEER_MGMT_createdomain:
		op.u.create.max_pages = 256;
		op.u.create.max_vcpus = 1;
		break;
	case VENEER_MGMT_getdomaininfolist:
		op.u.list.max_domains = 4;
		op.u.list.buffer = (uint64_t)infos;
		break;
	case VENEER_MGMT_setmaxmem:
		op.u.maxmem.max_pages = 1;
		break;
	case VENEER_MGMT_setvcpucontext:
		op.u.vcpucontext.ctxt = (uint64_t)buf;
		break;
	case VENEER_MGMT_setschedparams:
		op.u.sched.weight = 65535;
		op.u.sched.cap = 1;
		break;
	case VENEER_MGMT_setvcpuaffinity:
		op.u.affinity.cpumask = 1;
		break;
	case VENEER_MGMT_readconsole:
		op.u.console.buffer = (uint64_t)buf;
		op.u.console.size = sizeof(buf);
		op.u.console.flags = VENEER_CONSOLE_clear;
		break;
	}
}

void test_main(void)
{
	long want = iso_is_dom0() ? -ENOSYS : -EPERM;
	static const domid_t targets[] = { 0, DOMID_SELF, 1 };
	unsigned int calls = 0;

	iso_begin();
	for (uint32_t cmd = 0; cmd <= VENEER_MGMT_getcounters + 1; cmd++) {
		for (unsigned int t = 0; t < 3; t++) {
			struct veneer_mgmt before;
			long rc;

			fill(cmd, targets[t]);
			before = op;
			rc = hypercall1(__HYPERVISOR_veneer_mgmt, &op);
			calls++;
			if (rc != want)
				fail("mgmt cmd %u domid %u: %ld, want %ld", cmd,
				     targets[t], rc, want);
			/* Nothing was written back. */
			if (memcmp(&before, &op, sizeof(op)))
				fail("mgmt cmd %u: the structure changed", cmd);
		}
	}
	/* Refused before the structure is read: a bad pointer is -EPERM
	 * too, not -EFAULT. */
	check_rc(hypercall1(__HYPERVISOR_veneer_mgmt, 0x1000), want);
	check_rc(hypercall1(__HYPERVISOR_veneer_mgmt, 0xffff830000000000UL),
		 want);
	/* Nothing of the log reached us either. */
	for (unsigned int i = 0; i < sizeof(buf); i++)
		check_eq(buf[i], 0);
	printk("mgmt_refused: %u calls, all %ld\n", calls + 2, want);
}
