// SPDX-License-Identifier: GPL-2.0
/*
 * A domU that `vctl create` builds from dom0 user space (tests/system/
 * test_vctl_create.py; dom0's initramfs carries it as
 * /usr/lib/veneer/domu_vctl.elf).  It checks what the toolstack's build
 * gave it: unprivileged, the memory and command line of its
 * configuration ("vctlpages=N" says how many pages to expect), a P2M
 * whose entries the M2P maps back, a store and a console ring (pages of
 * its own, ports of its own for dom0, which the store daemon and consoled
 * bind), and no port in dom0's table for the asking (only dom0 allocates
 * in another domain's table); then it says so on
 * the console and powers off (SCHEDOP_shutdown), which `vctl list`
 * shows as state s, reason poweroff.
 */
#include "domu.h"

const char test_name[] = "domu_vctl";

#define EPERM	1

static unsigned long cmdline_number(const char *cmdline, const char *key)
{
	const char *p = cmdline;
	size_t klen = strlen(key);
	unsigned long n = 0;

	while (*p && strncmp(p, key, klen))
		p++;
	if (!*p)
		fail("no %s in the command line '%s'", key, cmdline);
	for (p += klen; *p >= '0' && *p <= '9'; p++)
		n = n * 10 + (unsigned long)(*p - '0');
	return n;
}

/*
 * A ring the toolstack gave us: a page of our own, and a port of ours for
 * dom0, still waiting for it or already bound by its back end.
 */
static void check_ring(uint64_t mfn, uint32_t port)
{
	const uint64_t *m2p = (const uint64_t *)MACH2PHYS_VIRT_START;
	const uint64_t *p2m = (const uint64_t *)start_info->mfn_list;
	struct evtchn_status st;
	long status;

	check(port != 0);
	check(m2p[mfn] < start_info->nr_pages);
	check_eq(p2m[m2p[mfn]], mfn);
	status = port_status(port, &st);
	if (status == EVTCHNSTAT_unbound)
		check_eq(st.u.unbound.dom, 0);
	else if (status == EVTCHNSTAT_interdomain)
		check_eq(st.u.interdomain.dom, 0);
	else
		fail("port %u: status %ld", port, status);
}

void test_main(void)
{
	const char *cmdline = (const char *)start_info->cmd_line;
	const uint64_t *p2m = (const uint64_t *)start_info->mfn_list;
	unsigned long want = cmdline_number(cmdline, "vctlpages=");

	check_eq(start_info->flags & (SIF_INITDOMAIN | SIF_PRIVILEGED), 0);
	check_eq(start_info->nr_pages, want);
	for (unsigned long pfn = 0; pfn < start_info->nr_pages; pfn += 97)
		check_eq(((const uint64_t *)MACH2PHYS_VIRT_START)[p2m[pfn]], pfn);
	check_ring(start_info->store_mfn, start_info->store_evtchn);
	check_ring(start_info->console.domU.mfn,
		   start_info->console.domU.evtchn);
	check(start_info->store_evtchn != start_info->console.domU.evtchn);
	check(start_info->store_mfn != start_info->console.domU.mfn);
	{
		struct evtchn_alloc_unbound a = { .dom = 0, .remote_dom = 0 };

		check_rc(evtchn_op(EVTCHNOP_alloc_unbound, &a), -EPERM);
	}
	printk("domu_vctl: built by vctl, %lu pages, cmdline '%s'\n",
	       (unsigned long)start_info->nr_pages, cmdline);
}
