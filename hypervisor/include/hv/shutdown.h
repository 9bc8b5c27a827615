/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ending the machine: exit with a status (isa-debug-exit under QEMU, ACPI
 * power-off otherwise), restart, or halt every CPU for good.
 */
#ifndef HV_SHUTDOWN_H
#define HV_SHUTDOWN_H

#include <hv/types.h>

/*
 * Values written to QEMU's isa-debug-exit port; QEMU exits with
 * (value << 1) | 1, i.e. 33 for success and 35 for failure.  Neither can
 * be confused with QEMU's own 0 or 1.
 */
#define EXIT_SUCCESS_CODE	0x10
#define EXIT_FAILURE_CODE	0x11
#define EXIT_DOM0_REBOOT_CODE	0x12	/* dom0 asked for a reboot: status 37 */
#define EXIT_DOM0_OTHER_CODE	0x13	/* any other dom0 shutdown: status 39 */

void __noreturn machine_exit(unsigned int code);
void __noreturn machine_restart(void);
void __noreturn machine_halt(void);

#endif /* HV_SHUTDOWN_H */
