/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypervisor's log: leveled messages on the console, each line
 * prefixed "(veneer) ".  The level threshold comes from the loglvl
 * option; errors and warnings are tagged so they stand out in a test log.
 */
#ifndef HV_LOG_H
#define HV_LOG_H

#include <hv/types.h>

enum log_level {
	LOG_NONE = 0,
	LOG_ERR = 1,
	LOG_WARN = 2,
	LOG_INFO = 3,
	LOG_DEBUG = 4,
};

extern int log_threshold;

void printk(const char *fmt, ...) __printf(1, 2);
void vprintk(const char *fmt, va_list ap);
void log_msg(int level, const char *fmt, ...) __printf(2, 3);

/* Lines a guest can cause: rate limited per unprivileged domain
 * (common/log.c).  gprintk() (hv/domain.h) is the usual way in. */
void guest_log_msg(unsigned int domid, bool privileged, int level,
		   const char *fmt, ...) __printf(4, 5);
/* guest_log_ratelimit=off: every guest line is printed (fuzzing runs that
 * read a domU's output off the console; common/log.c). */
extern bool opt_guest_log_ratelimit;
bool guest_log_charge(unsigned int domid, bool privileged, const void *site,
		      unsigned long *suppressed);
void guest_log_report_suppressed(unsigned int domid, unsigned long n);
void guest_log_forget(unsigned int domid);

/* The log ring dom0 reads (VENEER_MGMT_readconsole; common/log.c). */
size_t log_ring_read(u64 *index, char *buf, size_t len);
void log_ring_clear(u64 index);
void log_ring_force_unlock(void);
void __noreturn log_ring_hold(volatile bool *held);

#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

#endif /* HV_LOG_H */
