/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Debug keys on the serial console (common/keyhandler.c).
 *
 * Serial input belongs to dom0 until someone types Ctrl-A three times in
 * a row; then it belongs to the hypervisor, where each key runs a
 * handler that prints some state ('h' lists them), until Ctrl-A three
 * times again.  Xen's convention.
 */
#ifndef HV_KEYHANDLER_H
#define HV_KEYHANDLER_H

#include <hv/types.h>

#define KEYHANDLER_SWITCH_CHAR	0x01	/* Ctrl-A */

/*
 * One byte from the serial line.  Returns how many bytes now go to the
 * domain that owns console input, written to @out (at most 3: the
 * Ctrl-As held back, then @c); 0 when the hypervisor took it.
 */
unsigned int keyhandler_serial_rx(char c, char out[3]);

#endif /* HV_KEYHANDLER_H */
