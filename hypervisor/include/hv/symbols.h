/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Symbol names for addresses in the hypervisor's text, for backtraces.
 * The table is generated at link time (second link pass) from nm output
 * by hypervisor/tools/gensyms.sh.
 */
#ifndef HV_SYMBOLS_H
#define HV_SYMBOLS_H

#include <hv/types.h>

const char *symbol_lookup(unsigned long addr, unsigned long *offset);
void print_symbol(const char *prefix, unsigned long addr);
void print_return_address(const char *prefix, unsigned long addr);
void backtrace_from(unsigned long rip, unsigned long rbp);

#endif /* HV_SYMBOLS_H */
