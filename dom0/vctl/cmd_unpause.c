// SPDX-License-Identifier: GPL-2.0
/*
 * vctl unpause DOMAIN: let a domain paused by `vctl pause` run again.
 */
#include "opts.h"

int cmd_unpause(int argc, char **argv)
{
	return vctl_simple_domain_op("unpause", VENEER_MGMT_unpausedomain,
				     argc, argv);
}
