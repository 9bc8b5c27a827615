/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Xen's half of the ABI conformance check: the item list expanded against
 * Debian's libxen-dev headers (/usr/include/xen), built with -D__XEN_TOOLS__
 * so that the tools-only parts are visible and the interface version is
 * the latest one.  See abi_table.h.
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/vcpu.h>
#include <xen/sched.h>
#include <xen/version.h>
#include <xen/physdev.h>
#include <xen/platform.h>
#include <xen/callback.h>
#include <xen/nmi.h>
#include <xen/elfnote.h>
#include <xen/io/console.h>
#include <xen/io/xs_wire.h>
#include <xen/io/blkif.h>
#include <xen/io/netif.h>
#include <xen/io/xenbus.h>

#include "abi_table.h"

#ifndef __XEN_TOOLS__
#error "build abi_xen.c with -D__XEN_TOOLS__"
#endif

/* Xen hides these from everyone but itself; compare with the documented value. */
#define CONST_DOC(g, n, v) ABI_CONST_ITEM(#g, #n, v)

const struct abi_item abi_items_xen[] = {
#include "abi_items.h"
};
const size_t abi_items_xen_count =
	sizeof(abi_items_xen) / sizeof(abi_items_xen[0]);

const unsigned long abi_xen_interface_version = __XEN_INTERFACE_VERSION__;
