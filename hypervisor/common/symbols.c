// SPDX-License-Identifier: GPL-2.0
/*
 * Address-to-symbol lookup for backtraces.
 *
 * The build links the image twice: the first link has an empty table,
 * tools/gensyms.sh turns that image's `nm -n` text symbols into the
 * sorted arrays below, and the second link adds them.  The table sits
 * after all code and data, so adding it moves no text address and the
 * names are right for the final image (the build checks that).
 */
#include <hv/log.h>
#include <hv/symbols.h>

extern const unsigned long ksym_count;
extern const unsigned long ksym_addrs[];
extern const unsigned int ksym_name_offs[];
extern const char ksym_names[];
extern char __text_start[], __text_end[];

/**
 * symbol_lookup() - find the function containing an address
 * @addr:   a text address
 * @offset: set to @addr minus the symbol's address
 *
 * Returns the name, or NULL when @addr is outside the hypervisor's text.
 */
const char *symbol_lookup(unsigned long addr, unsigned long *offset)
{
	unsigned long lo = 0, hi = ksym_count;

	if (addr < (unsigned long)__text_start ||
	    addr >= (unsigned long)__text_end || !ksym_count)
		return NULL;
	/* Find the last symbol at or below addr. */
	while (hi - lo > 1) {
		unsigned long mid = lo + (hi - lo) / 2;

		if (ksym_addrs[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (ksym_addrs[lo] > addr)
		return NULL;
	*offset = addr - ksym_addrs[lo];
	return &ksym_names[ksym_name_offs[lo]];
}

/**
 * print_symbol() - print "<prefix>[<addr>] name+0xoff" on its own line
 * @prefix: leading text
 * @addr:   the address
 */
void print_symbol(const char *prefix, unsigned long addr)
{
	unsigned long off = 0;
	const char *name = symbol_lookup(addr, &off);

	if (name)
		printk("%s[<%p>] %s+%#lx\n", prefix, (void *)addr, name, off);
	else
		printk("%s[<%p>] ?\n", prefix, (void *)addr);
}

/**
 * print_return_address() - like print_symbol() for a return address
 * @prefix: leading text
 * @addr:   the return address
 *
 * A call to a noreturn function can be the last instruction of its
 * function, so its return address is the first byte of the next one.
 * The name is looked up for @addr - 1, inside the call instruction.
 */
void print_return_address(const char *prefix, unsigned long addr)
{
	unsigned long off = 0;
	const char *name = symbol_lookup(addr - 1, &off);

	if (name)
		printk("%s[<%p>] %s+%#lx\n", prefix, (void *)addr, name, off + 1);
	else
		printk("%s[<%p>] ?\n", prefix, (void *)addr);
}
