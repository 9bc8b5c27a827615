// SPDX-License-Identifier: GPL-2.0
/*
 * A well-behaved boot-time domU: it sees itself unprivileged (no
 * SIF_INITDOMAIN or SIF_PRIVILEGED, no store or console channel), may
 * write to the console (the hypervisor logs "(dN) ..." with
 * domu_console) but not read it, connects its event channel with dom0,
 * then says hello and powers off.
 */
#include "domu.h"

const char test_name[] = "domu_hello";

#define EPERM	1

void test_main(void)
{
	char c;

	check_eq(start_info->flags & (SIF_INITDOMAIN | SIF_PRIVILEGED), 0);
	check_eq(start_info->store_evtchn, 0);
	check_eq(start_info->console.domU.evtchn, 0);
	check_rc(hypercall3(__HYPERVISOR_console_io, CONSOLEIO_read, 1, &c),
		 -EPERM);
	domu_wait_for_dom0();
	/* Written in two pieces: the hypervisor must join them into one
	 * line, which the test looks for. */
	check(hyp_console_write("domu_hello: hello from ", 23) == 0);
	check(hyp_console_write("a domU, channel to dom0 up\n", 27) == 0);
}
