// SPDX-License-Identifier: GPL-2.0
/*
 * vctl destroy DOMAIN: end a domain at once, as pulling its plug: no
 * shutdown request reaches its kernel.  The hypervisor frees its memory
 * and every other resource.  dom0 is refused.
 */
#include "opts.h"

int cmd_destroy(int argc, char **argv)
{
	return vctl_simple_domain_op("destroy", VENEER_MGMT_destroydomain,
				     argc, argv);
}
