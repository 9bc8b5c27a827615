/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypervisor's command-line options and their values after parsing
 * (common/options.c).  See docs/hypervisor.md for the list.
 */
#ifndef HV_OPTIONS_H
#define HV_OPTIONS_H

#include <hv/types.h>

extern u64 opt_dom0_mem;		/* bytes, 0 = default */
extern unsigned int opt_dom0_max_vcpus;	/* 0 = default */
extern bool opt_noreboot;
extern bool opt_domu_console;		/* domU console_io writes to our log */
extern bool opt_noxsave;		/* fxsave even if XSAVE is there */
extern bool opt_selftest;
extern char opt_selftest_list[128];	/* "all" or comma-separated names */
extern unsigned int opt_sched_timeslice_ms; /* 1..1000, default 30 */

void options_parse(const char *cmdline);

#endif /* HV_OPTIONS_H */
