/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Built-in self-tests, run at the end of boot with the "selftest" option.
 * They print "selftest: PASS" or "selftest: FAIL <which>" as the last
 * line and power the machine off with a matching exit status.
 */
#ifndef HV_SELFTEST_H
#define HV_SELFTEST_H

#include <hv/types.h>

void __noreturn selftest_run(const char *list);
const char *selftest_current(void);
/* arch/x86/traps.c: #DB in ring 0 with a guest's GS base. */
int arch_selftest_db_entry(void);
int arch_selftest_nmi_mce_entry(void);

#endif /* HV_SELFTEST_H */
