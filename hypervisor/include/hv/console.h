/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The console: where every byte the hypervisor prints goes.  Today that
 * is the first serial port (arch code provides serial_putc); later the
 * console_io hypercall of dom0 writes through here too.
 */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <hv/types.h>

void console_init(void);
void console_write(const char *s, size_t n);
void console_force_unlock(void);

/* Provided by the architecture. */
void serial_init(void);
void serial_putc(char c);

#endif /* HV_CONSOLE_H */
