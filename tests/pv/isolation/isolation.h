/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the isolation test kernels share (tests/system/test_isolation.py).
 *
 * Each kernel tries one attack and checks that it is refused.  On Veneer
 * it is an unprivileged domU: it first connects with dom0_waiter (port 1,
 * domu.h), so dom0 can see it go; on Xen it runs as dom0, alone, and skips
 * that.  The attacks use only the kernel's own frames, so privilege makes
 * no difference to what they may do.
 *
 * Metadata for the runner, in a comment of the kernel's source, one per
 * line (all optional):
 *   veneer-log: <regex>   the hypervisor log must match it (a refusal)
 *   xen: skip <why>       not run on Xen 4.17, and why
 *   xen: xfail <why>      expected to fail on Xen 4.17 (strict), and why
 *   mem: <MiB>            each domU's memory (default 16)
 *   domus: <n>            boot n copies as d1..dn (default 1); each gets
 *                         "iso_role=<i>" on its command line (iso_role())
 *   domu-args: <words>    added to each domU's command line on Veneer
 *   veneer-args: <words>  added to the hypervisor's command line on Veneer
 *                         (e.g. veneer.affinity=1: all on one CPU)
 *   veneer-end: crash     on Veneer each domU crashes on purpose: no
 *                         verdict, "dN shutdown: crash" (default poweroff)
 */
#ifndef ISOLATION_H
#define ISOLATION_H

#include "domu.h"

static inline int iso_is_dom0(void)
{
	return !!(start_info->flags & SIF_INITDOMAIN);
}

/* Our iso_role=<i> (1 for a single domU or on Xen, where it is absent). */
static inline unsigned int iso_role(void)
{
	const char *s = (const char *)start_info->cmd_line;

	for (; *s; s++)
		if (!strncmp(s, "iso_role=", 9))
			return (unsigned int)(s[9] - '0');
	return 1;
}

/* Call first in test_main(): the handshake with dom0 when we are a domU. */
static inline void iso_begin(void)
{
	if (!iso_is_dom0())
		domu_wait_for_dom0();
}

#endif /* ISOLATION_H */
