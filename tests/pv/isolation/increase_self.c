// SPDX-License-Identifier: GPL-2.0
/*
 * increase_self: an unprivileged domU's increase_reservation for itself
 * (common/memory.c gives frames with no PFN, as Xen does for a PV guest).
 *
 *   - with nothing ballooned there is no room: 0 extents; an extent
 *     order beyond 9 is -EINVAL; the reservation does not move;
 *   - three frames ballooned out make room for three frames, no more:
 *     one with no list (extent_start NULL), then a list whose second
 *     entry cannot be written (its page is unmapped): one extent done,
 *     and the second extent's frames, which we could never find, go
 *     back at once (the reservation says so), rather than -EFAULT with
 *     two extents' frames gone from our reach;
 *   - the frame handed back through the list is ours (we map it
 *     writable), zeroed, and has no PFN in the M2P; given back, it makes
 *     room again; a request for more extents than there is room for
 *     gets what is left, and the reservation ends where it started.
 *
 * xen: skip on Xen the kernel runs as dom0, whose limit leaves it room to grow
 */
#include "isolation.h"
#include "pvmm.h"

#include <veneer/memory.h>

const char test_name[] = "increase_self";

#define EINVAL	22
#define EFAULT	14

static volatile uint64_t spare[3][512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t list[2][512] __attribute__((aligned(PAGE_SIZE)));

static long memop(int cmd, xen_pfn_t *frames, unsigned long n,
		  unsigned int order)
{
	struct xen_memory_reservation r = {
		.nr_extents = n, .extent_order = order, .domid = DOMID_SELF,
	};

	r.extent_start = (unsigned long)frames;
	return hypercall2(__HYPERVISOR_memory_op, cmd, &r);
}

static long reservation(void)
{
	domid_t self = DOMID_SELF;

	return hypercall2(__HYPERVISOR_memory_op, XENMEM_current_reservation,
			  &self);
}

void test_main(void)
{
	xen_pfn_t f[3];
	long cur0;

	iso_begin();
	cur0 = reservation();
	check(cur0 > 0);
	printk("no room: nothing given; a too large order refused\n");
	check_rc(memop(XENMEM_increase_reservation, f, 1, 0), 0);
	check_rc(memop(XENMEM_increase_reservation, NULL, 1, 0), 0);
	check_rc(memop(XENMEM_increase_reservation, f, 1, 10), -EINVAL);
	check_eq(reservation(), cur0);

	printk("three frames ballooned out\n");
	for (unsigned int i = 0; i < 3; i++) {
		spare[i][0] = i;	/* touched: mapped, ours */
		f[i] = virt_to_mfn((const void *)spare[i]);
		check_rc(hyp_update_va_mapping((unsigned long)spare[i], 0,
					       UVMF_INVLPG), 0);
	}
	check_rc(memop(XENMEM_decrease_reservation, f, 3, 0), 3);
	check_eq(reservation(), cur0 - 3);

	printk("increase with no list, then a list unwritable half way\n");
	check_rc(memop(XENMEM_increase_reservation, NULL, 1, 0), 1);
	check_eq(reservation(), cur0 - 2);
	list[0][511] = ~0UL;
	list[1][0] = 1;
	check_rc(hyp_update_va_mapping((unsigned long)list[1], 0, UVMF_INVLPG),
		 0);
	check_rc(memop(XENMEM_increase_reservation, &list[0][511], 2, 0), 1);
	check_eq(reservation(), cur0 - 1);	/* the second went back */

	printk("the frame given: ours, zeroed, no PFN\n");
	f[0] = list[0][511];
	check(f[0] != ~0UL);
	check_eq(m2p(f[0]), ~0UL);
	check_rc(hyp_update_va_mapping((unsigned long)spare[0],
				       (f[0] << 12) | PTE_FLAGS_RW,
				       UVMF_INVLPG), 0);
	for (unsigned int i = 0; i < 512; i++)
		check_eq(spare[0][i], 0);
	spare[0][0] = 0x696e63726561ULL;
	check_eq(spare[0][0], 0x696e63726561ULL);
	check_rc(hyp_update_va_mapping((unsigned long)spare[0], 0,
				       UVMF_INVLPG), 0);
	check_rc(memop(XENMEM_decrease_reservation, f, 1, 0), 1);
	check_eq(reservation(), cur0 - 2);

	printk("three asked, two left to give\n");
	check_rc(memop(XENMEM_increase_reservation, f, 3, 0), 2);
	check(f[0] != f[1]);
	check_eq(reservation(), cur0);
	check_rc(memop(XENMEM_increase_reservation, f, 1, 0), 0);
	printk("increase_self: within its room, nothing lost\n");
}
