// SPDX-License-Identifier: GPL-2.0
/*
 * vctl console DOMAIN: attach this terminal to a domain's console, as
 * `xl console`: raw mode, what the guest prints (its scrollback first)
 * on the screen, what is typed to the guest, Ctrl-] detaches.  The
 * console back end (consoled) does the work (console_client.c).
 */
#include "vctl.h"

int cmd_console(int argc, char **argv)
{
	char err[128];
	domid_t domid;

	if (argc != 2 || argv[1][0] == '-')
		return vctl_usage(vctl_find_verb("console"));
	if (vctl_parse_domain(argv[1], &domid, err, sizeof(err)))
		return vctl_err("console", "%s", err);
	if (domid == 0)
		return vctl_err("console", "dom0's console is this one (the "
				"hypervisor's serial line)");
	return vctl_console_attach(domid);
}
