/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the boot loader told us, copied out of its structures early so that
 * nothing later depends on the Multiboot (or, later, Multiboot2) format:
 * the command line, the machine memory map and the boot modules.  The
 * domain builder finds dom0's kernel and initramfs in bootinfo.mods.
 */
#ifndef HV_BOOTINFO_H
#define HV_BOOTINFO_H

#include <hv/types.h>

#define MEM_USABLE	1	/* E820 types */
#define MEM_RESERVED	2
#define MEM_ACPI	3
#define MEM_NVS		4
#define MEM_BAD		5

#define MAX_MEM_RANGES	64
#define MAX_MODULES	16
#define MAX_CMDLINE	1024

struct mem_range {
	paddr_t start, end;	/* [start, end) */
	u32 type;
};

struct boot_module {
	paddr_t start, end;	/* [start, end), page aligned start */
	char cmdline[MAX_CMDLINE];	/* a dom0 command line can be long */
};

struct bootinfo {
	char cmdline[MAX_CMDLINE];	/* options only, image name stripped */
	unsigned int nr_mem;
	struct mem_range mem[MAX_MEM_RANGES];
	unsigned int nr_mods;
	struct boot_module mods[MAX_MODULES];
	const char *loader;
};

extern struct bootinfo bootinfo;

#endif /* HV_BOOTINFO_H */
