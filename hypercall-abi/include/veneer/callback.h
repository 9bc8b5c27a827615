/* SPDX-License-Identifier: MIT */
/*
 * callback_op (hypercall 30): registering the guest kernel's entry points
 * for events, failsafe returns, 64-bit syscall and NMIs.
 */
#ifndef VENEER_CALLBACK_H
#define VENEER_CALLBACK_H

#include <veneer/xen.h>

/* Entry point types. */
#define CALLBACKTYPE_event               0 /* event-channel upcall */
#define CALLBACKTYPE_failsafe            1 /* segment reload failed on return */
#define CALLBACKTYPE_syscall             2 /* 64-bit syscall from guest user */
#define CALLBACKTYPE_sysenter_deprecated 3 /* old number for sysenter */
#define CALLBACKTYPE_nmi                 4
#define CALLBACKTYPE_sysenter            5 /* 32-bit compat sysenter */
#define CALLBACKTYPE_syscall32           7 /* 32-bit compat syscall */

/* Mask events (clear the virtual IF) when entering the callback. */
#define _CALLBACKF_mask_events 0
#define CALLBACKF_mask_events  (1U << _CALLBACKF_mask_events)

#define CALLBACKOP_register   0
#define CALLBACKOP_unregister 1

struct callback_register {
	uint16_t type;           /* CALLBACKTYPE_* */
	uint16_t flags;          /* CALLBACKF_* */
	xen_callback_t address;  /* entry point */
};

struct callback_unregister {
	uint16_t type;           /* CALLBACKTYPE_* */
	uint16_t _unused;
};

#endif /* VENEER_CALLBACK_H */
