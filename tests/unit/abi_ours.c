/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Our half of the ABI conformance check: the item list expanded against
 * hypercall-abi/include/veneer.  See abi_table.h.
 */
#include <veneer/xen.h>
#include <veneer/arch-x86_64.h>
#include <veneer/event_channel.h>
#include <veneer/grant_table.h>
#include <veneer/memory.h>
#include <veneer/vcpu.h>
#include <veneer/sched.h>
#include <veneer/version.h>
#include <veneer/physdev.h>
#include <veneer/platform.h>
#include <veneer/callback.h>
#include <veneer/nmi.h>
#include <veneer/elfnote.h>
#include <veneer/io/console.h>
#include <veneer/io/xs_wire.h>
#include <veneer/io/blkif.h>
#include <veneer/io/netif.h>
#include <veneer/io/xenbus.h>

#include "abi_table.h"

#define CONST_DOC(g, n, v) ABI_CONST_ITEM(#g, #n, n)

const struct abi_item abi_items_ours[] = {
#include "abi_items.h"
};
const size_t abi_items_ours_count =
	sizeof(abi_items_ours) / sizeof(abi_items_ours[0]);
