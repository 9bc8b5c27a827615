/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The little framework of the user-space conformance programs
 * (tests/user/, docs/user-tests.md).  A program checks one or more cases;
 * each case ends in exactly one line
 *     USERTEST <program>.<case> PASS <detail>
 *     USERTEST <program>.<case> FAIL <why>
 * and the program exits 0 if every case passed.  Cases that might kill
 * the process run in a child (ut_child()), so a crash is a FAIL line, not
 * a lost program.
 */
#ifndef UT_H
#define UT_H

#include <stdarg.h>
#include <stdint.h>
#include <sys/types.h>

extern const char ut_program[];		/* each program defines it */

void ut_pass(const char *tcase, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ut_fail(const char *tcase, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Exit status of the program: 0 if nothing failed. */
int ut_status(void);

/*
 * Run @fn(@arg) in a child and wait for it (at most @secs seconds, then
 * SIGKILL).  Returns the wait status; the child's own exit code is its
 * verdict when it exits normally.
 */
int ut_child(int (*fn)(void *), void *arg, unsigned int secs);
/* "exit 3", "signal 11 (SIGSEGV)", ... for a wait status. */
const char *ut_status_str(int status);

#endif /* UT_H */
