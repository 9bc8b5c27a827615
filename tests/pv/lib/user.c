// SPDX-License-Identifier: GPL-2.0
/*
 * Guest user mode for test kernels.
 *
 * A 64-bit PV guest runs its user space on a second L4 (NEW_USER_BASEPTR)
 * that the hypervisor switches to on iret to RPL 3 and away from on any
 * entry.  Ours is a copy of the kernel's L4 (the hypervisor makes every
 * guest mapping user-accessible, so user code may run from the image)
 * plus one extra slot: L4[1] points at the kernel's L3, so the image is
 * also visible at USER_ALIAS(p) in user mode only.  That alias is how a
 * test sees that the page tables really were switched.
 */
#include "pv.h"

static uint64_t user_l4[512] __attribute__((aligned(PAGE_SIZE)));
extern char user_run_return[];
extern uint64_t user_run_rsp;

void user_setup(void)
{
	const uint64_t *kl4 = (const uint64_t *)start_info->pt_base;
	struct mmuext_op op;
	unsigned int i;
	long rc;

	for (i = 0; i < 512; i++)
		user_l4[i] = (i >= 256 && i < 272) ? 0 : kl4[i];
	check(kl4[1] == 0);
	user_l4[1] = kl4[511];
	make_page_readonly(user_l4);

	op.cmd = MMUEXT_PIN_L4_TABLE;
	op.arg1.mfn = virt_to_mfn(user_l4);
	rc = hyp_mmuext_op(&op, 1, NULL, DOMID_SELF);
	if (rc)
		fail("mmuext_op(PIN_L4_TABLE) = %ld", rc);
	op.cmd = MMUEXT_NEW_USER_BASEPTR;
	rc = hyp_mmuext_op(&op, 1, NULL, DOMID_SELF);
	if (rc)
		fail("mmuext_op(NEW_USER_BASEPTR) = %ld", rc);
}

void user_return(struct trap_regs *r, struct bounce *b)
{
	b->rip = (uint64_t)user_run_return;
	b->cs = FLAT_KERNEL_CS & ~3;	/* RPL 0: stay in kernel mode */
	b->rsp = user_run_rsp;
	b->ss = FLAT_KERNEL_SS;
	b->rflags = 0x2;		/* IF clear: events stay masked */
	b->iret_flags = 0;
}
