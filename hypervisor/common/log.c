// SPDX-License-Identifier: GPL-2.0
/*
 * printk() and the leveled log on top of the console.
 *
 * A message is formatted into a buffer on the stack and written with one
 * console_write(), so a line is never interleaved with another CPU's.
 * log_msg() adds the "(veneer) " prefix that tells hypervisor lines apart
 * from guest output on the same serial port, and drops messages above the
 * loglvl threshold.
 */
#include <hv/console.h>
#include <hv/lib.h>
#include <hv/log.h>

#define LINE_MAX	512

int log_threshold = LOG_INFO;

/**
 * vprintk() - print a formatted message as is
 * @fmt: format
 * @ap:  arguments
 */
void vprintk(const char *fmt, va_list ap)
{
	char buf[LINE_MAX];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	console_write(buf, n);
}

/**
 * printk() - print a formatted message as is, with no prefix or level
 * @fmt: format
 */
void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

static const char *const level_tag[] = {
	[LOG_ERR] = "ERROR: ",
	[LOG_WARN] = "WARNING: ",
	[LOG_INFO] = "",
	[LOG_DEBUG] = "",
};

/**
 * log_msg() - print one log line, "(veneer) " prefixed, if @level passes
 * @level: LOG_ERR .. LOG_DEBUG
 * @fmt:   format; a trailing newline is added if missing
 */
void log_msg(int level, const char *fmt, ...)
{
	char buf[LINE_MAX];
	size_t len;
	va_list ap;

	if (level > log_threshold)
		return;
	len = snprintf(buf, sizeof(buf), "(veneer) %s",
		       level_tag[level < LOG_ERR ? LOG_ERR :
				 level > LOG_DEBUG ? LOG_DEBUG : level]);
	va_start(ap, fmt);
	vsnprintf(buf + len, sizeof(buf) - len - 1, fmt, ap);
	va_end(ap);
	len = strlen(buf);
	if (len == 0 || buf[len - 1] != '\n') {
		buf[len++] = '\n';
		buf[len] = '\0';
	}
	console_write(buf, len);
}
