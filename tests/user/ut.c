// SPDX-License-Identifier: GPL-2.0
/* The user-space conformance framework: see ut.h. */
#include "ut.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

static void verdict(const char *tcase, const char *what, const char *fmt,
		    va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	printf("USERTEST %s.%s %s %s\n", ut_program, tcase, what, buf);
	fflush(stdout);
}

void ut_pass(const char *tcase, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verdict(tcase, "PASS", fmt, ap);
	va_end(ap);
}

void ut_fail(const char *tcase, const char *fmt, ...)
{
	va_list ap;

	failures++;
	va_start(ap, fmt);
	verdict(tcase, "FAIL", fmt, ap);
	va_end(ap);
}

int ut_status(void)
{
	return failures ? 1 : 0;
}

int ut_child(int (*fn)(void *), void *arg, unsigned int secs)
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		int rc;

		alarm(secs);
		rc = fn(arg);
		fflush(stdout);
		_exit(rc);
	}
	if (waitpid(pid, &status, 0) != pid) {
		perror("waitpid");
		exit(2);
	}
	return status;
}

const char *ut_status_str(int status)
{
	static char buf[64];

	if (WIFEXITED(status))
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, sizeof(buf), "signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, sizeof(buf), "status %#x", status);
	return buf;
}
