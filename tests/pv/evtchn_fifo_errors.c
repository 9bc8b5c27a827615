// SPDX-License-Identifier: GPL-2.0
/*
 * evtchn_fifo_errors: the FIFO event-channel sub-ops answer bad
 * arguments with Xen 4.17's errors, whether or not FIFO is offered:
 * init_control for a vCPU the domain does not have -> -ENOENT, a control
 * block that would cross its page or is not 8-byte aligned -> -EINVAL, an
 * unreadable argument -> -EFAULT; expand_array before init_control ->
 * -EOPNOTSUPP; set_priority of a port far beyond the table -> -EINVAL,
 * of a low port under the 2-level ABI -> -ENOSYS.  A valid init_control
 * is not made: on Xen it would switch this kernel to the FIFO ABI.
 */
#include "pv.h"

#include <veneer/event_channel.h>

const char test_name[] = "evtchn_fifo_errors";

#define ENOENT		2
#define EFAULT		14
#define EINVAL		22
#define ENOSYS		38
#define EOPNOTSUPP	95

static long evtchn(unsigned int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_event_channel_op, cmd, arg);
}

static uint64_t frame_page[512] __attribute__((aligned(PAGE_SIZE)));

void test_main(void)
{
	struct evtchn_init_control ic;
	struct evtchn_expand_array ea = { .array_gfn = 0 };
	struct evtchn_set_priority sp;
	uint64_t gfn = virt_to_mfn(frame_page);	/* PV: gfn == mfn */

	memset(&ic, 0, sizeof(ic));
	ic.control_gfn = gfn;
	ic.vcpu = 1000;
	check_rc(evtchn(EVTCHNOP_init_control, &ic), -ENOENT);
	ic.vcpu = 0;
	ic.offset = PAGE_SIZE - 72 + 8;		/* crosses the page */
	check_rc(evtchn(EVTCHNOP_init_control, &ic), -EINVAL);
	ic.offset = 0xffffffffu;
	check_rc(evtchn(EVTCHNOP_init_control, &ic), -EINVAL);
	ic.offset = 4;				/* not 8-byte aligned */
	check_rc(evtchn(EVTCHNOP_init_control, &ic), -EINVAL);
	check_rc(evtchn(EVTCHNOP_init_control, (void *)0x10), -EFAULT);

	check_rc(evtchn(EVTCHNOP_expand_array, &ea), -EOPNOTSUPP);

	sp.port = 100000;
	sp.priority = 7;
	check_rc(evtchn(EVTCHNOP_set_priority, &sp), -EINVAL);
	sp.port = 1;
	check_rc(evtchn(EVTCHNOP_set_priority, &sp), -ENOSYS);

	/* Still on the 2-level ABI, events still work. */
	check(hyp_xen_version(XENVER_version, NULL) > 0);
}
