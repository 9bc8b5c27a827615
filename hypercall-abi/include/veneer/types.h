/* SPDX-License-Identifier: MIT */
/*
 * Scalar types shared by every Veneer ABI header.
 *
 * The ABI is the 64-bit x86 Xen PV one, so "unsigned long" in the Xen
 * documentation is always 64 bits here; we spell it uint64_t / xen_ulong_t
 * so that the layout never depends on the compiler's data model.
 *
 * Only <stdint.h> and <stddef.h> are used, both of which the compiler
 * provides even with -ffreestanding -nostdinc, so the hypervisor, the dom0
 * tools and host tests can all include these headers.
 */
#ifndef VENEER_TYPES_H
#define VENEER_TYPES_H

#include <stdint.h>
#include <stddef.h>

#if !defined(__x86_64__)
#error "the Veneer ABI headers describe the x86-64 PV ABI only"
#endif

/* A machine word as the guest sees it (Xen's "unsigned long"). */
typedef uint64_t xen_ulong_t;

/* A page frame number: machine (MFN) or pseudo-physical (PFN). */
typedef uint64_t xen_pfn_t;

/* A domain id; values from DOMID_FIRST_RESERVED up are special. */
typedef uint16_t domid_t;

/* A guest virtual address of a callback entry point. */
typedef uint64_t xen_callback_t;

/*
 * A pointer into guest memory passed inside a hypercall argument.  Xen
 * wraps a C pointer in a one-member struct; on x86-64 that is 8 bytes,
 * 8-aligned, which is exactly a uint64_t.  The hypervisor must never
 * dereference it directly: copy through copy_from_guest/copy_to_guest.
 * Callers in the guest or in dom0 store (uint64_t)(uintptr_t)pointer.
 */
typedef uint64_t xen_guest_handle_t;

#endif /* VENEER_TYPES_H */
