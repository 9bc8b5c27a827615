/* SPDX-License-Identifier: MIT */
/*
 * The PV console ring page shared between a guest (hvc_xen) and its
 * console back end.  Each direction is a byte ring with free-running
 * 32-bit indices; an index is reduced modulo the ring size when used.
 */
#ifndef VENEER_IO_CONSOLE_H
#define VENEER_IO_CONSOLE_H

#include <veneer/types.h>

/* A free-running ring index. */
typedef uint32_t XENCONS_RING_IDX;

struct xencons_interface {
	char in[1024];              /* back end -> guest (keyboard input) */
	char out[2048];             /* guest -> back end (screen output) */
	XENCONS_RING_IDX in_cons;   /* guest has consumed up to here */
	XENCONS_RING_IDX in_prod;   /* back end has produced up to here */
	XENCONS_RING_IDX out_cons;  /* back end has consumed up to here */
	XENCONS_RING_IDX out_prod;  /* guest has produced up to here */
};

#endif /* VENEER_IO_CONSOLE_H */
