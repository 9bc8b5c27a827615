// SPDX-License-Identifier: GPL-2.0
/*
 * vctl dmesg [-c]: the hypervisor's log ring, oldest line first; with -c
 * the ring is emptied afterwards.
 *
 * The ring is read in pieces from index 0 until a read brings nothing
 * new.  With -c each read asks for the ring to be emptied up to where
 * that read ended (docs/management-abi.md), so a line that arrives while
 * we read is printed or stays: -c loses nothing it did not print.
 */
#include <unistd.h>

#include "opts.h"

#define DMESG_CHUNK (16 * 1024)

/* One read: prints what came and returns the byte count, or -1. */
static long read_piece(struct veneer_mgmt *m, char *buf, uint64_t *index,
		       uint32_t flags)
{
	int err;

	m->u.console.buffer = (uint64_t)(uintptr_t)buf;
	m->u.console.size = DMESG_CHUNK;
	m->u.console.count = 0;
	m->u.console.index = *index;
	m->u.console.flags = flags;
	m->u.console.pad = 0;
	err = vctl_mgmt(m, VENEER_MGMT_readconsole, 0);
	if (err) {
		vctl_mgmt_fail("dmesg", err, m);
		return -1;
	}
	if (m->u.console.count > DMESG_CHUNK) {
		vctl_err("dmesg", "hypervisor returned %u bytes for %u asked",
			 m->u.console.count, DMESG_CHUNK);
		return -1;
	}
	fwrite(buf, 1, m->u.console.count, stdout);
	*index = m->u.console.index;
	return m->u.console.count;
}

int cmd_dmesg(int argc, char **argv)
{
	struct veneer_mgmt *m;
	bool clear = false;
	uint64_t index = 0;
	char *buf = NULL;
	long got;
	int c, rc = 1;

	vctl_getopt_reset();
	while ((c = getopt(argc, argv, "c")) != -1) {
		if (c != 'c')
			return vctl_usage(vctl_find_verb("dmesg"));
		clear = true;
	}
	if (optind != argc)
		return vctl_usage(vctl_find_verb("dmesg"));
	m = vctl_mgmt_alloc();
	if (m)
		buf = vctl_hc_alloc(DMESG_CHUNK);
	if (!buf)
		goto out;
	do {
		got = read_piece(m, buf, &index,
				 clear ? VENEER_CONSOLE_clear : 0);
		if (got < 0)
			goto out;
	} while (got > 0);
	rc = 0;
out:
	fflush(stdout);
	vctl_hc_free(buf, DMESG_CHUNK);
	vctl_hc_free(m, sizeof(*m));
	return rc;
}
