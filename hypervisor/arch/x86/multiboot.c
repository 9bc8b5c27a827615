// SPDX-License-Identifier: GPL-2.0
/*
 * Reading what a Multiboot (v1) loader hands us.
 *
 * Called by start_hypervisor() while only the boot page tables exist (the
 * first GiB is mapped), and before anything allocates memory, because the
 * loader's structures live in memory the allocator will later consider
 * free.  Everything needed later is copied into struct bootinfo: the
 * command line (minus the image name loaders put first), the E820 memory
 * map and the modules with their command lines.  A Multiboot2 reader for
 * GRUB on real machines would fill the same structure.
 */
#include <hv/bootinfo.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/panic.h>

#include <asm/page.h>
#include <asm/setup.h>

#define MULTIBOOT_BOOTLOADER_MAGIC	0x2badb002
#define MBI_MEM		(1 << 0)
#define MBI_CMDLINE	(1 << 2)
#define MBI_MODS	(1 << 3)
#define MBI_MMAP	(1 << 6)
#define MBI_LOADER	(1 << 9)

struct multiboot_info {
	u32 flags;
	u32 mem_lower, mem_upper;
	u32 boot_device;
	u32 cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
	u32 drives_length, drives_addr;
	u32 config_table;
	u32 boot_loader_name;
} __packed;

struct multiboot_mmap {
	u32 size;		/* of the rest of the entry */
	u64 addr, len;
	u32 type;
} __packed;

struct multiboot_module {
	u32 start, end;
	u32 string;
	u32 reserved;
} __packed;

struct bootinfo bootinfo;

/* The boot page tables map only the first GiB. */
static const void *boot_ptr(paddr_t pa)
{
	if (pa >= (1UL << 30))
		panic("Multiboot data at %#lx is above the first GiB", pa);
	return __va(pa);
}

static void copy_string(char *dst, size_t size, paddr_t pa)
{
	const char *s = boot_ptr(pa);
	size_t n = strnlen(s, size - 1);

	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* Loaders put the image's path first; options follow. */
static void take_cmdline(paddr_t pa)
{
	char line[MAX_CMDLINE];
	const char *p = line;

	copy_string(line, sizeof(line), pa);
	while (*p && *p != ' ')
		p++;
	while (*p == ' ')
		p++;
	memcpy(bootinfo.cmdline, p, strlen(p) + 1);
}

static void take_mmap(const struct multiboot_info *mbi)
{
	paddr_t pa = mbi->mmap_addr, end = pa + mbi->mmap_length;

	while (pa < end && bootinfo.nr_mem < MAX_MEM_RANGES) {
		const struct multiboot_mmap *e = boot_ptr(pa);
		struct mem_range *r = &bootinfo.mem[bootinfo.nr_mem++];

		r->start = e->addr;
		r->end = e->addr + e->len;
		r->type = e->type;
		pa += e->size + sizeof(e->size);
	}
}

/* Without a map, make one from mem_lower/mem_upper (in KiB). */
static void take_meminfo(const struct multiboot_info *mbi)
{
	bootinfo.mem[0] = (struct mem_range){ 0, mbi->mem_lower * 1024UL,
					      MEM_USABLE };
	bootinfo.mem[1] = (struct mem_range){ 1UL << 20,
					      (1UL << 20) + mbi->mem_upper * 1024UL,
					      MEM_USABLE };
	bootinfo.nr_mem = 2;
}

static void take_modules(const struct multiboot_info *mbi)
{
	const struct multiboot_module *m = boot_ptr(mbi->mods_addr);

	if (mbi->mods_count > MAX_MODULES)
		log_warn("%u boot modules, only the first %u are used",
			 mbi->mods_count, MAX_MODULES);
	for (u32 i = 0; i < mbi->mods_count && i < MAX_MODULES; i++) {
		struct boot_module *bm = &bootinfo.mods[i];

		bm->start = m[i].start;
		bm->end = m[i].end;
		bm->cmdline[0] = '\0';
		if (m[i].string)
			copy_string(bm->cmdline, sizeof(bm->cmdline),
				    m[i].string);
		bootinfo.nr_mods++;
	}
}

/**
 * multiboot_parse() - copy the loader's information into bootinfo
 * @magic: EAX at entry
 * @info:  EBX at entry, physical address of struct multiboot_info
 */
void multiboot_parse(u32 magic, paddr_t info)
{
	const struct multiboot_info *mbi;
	static char loader[64];

	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		panic("not started by a Multiboot loader (magic %#x)", magic);
	mbi = boot_ptr(info);
	if (mbi->flags & MBI_CMDLINE)
		take_cmdline(mbi->cmdline);
	if (mbi->flags & MBI_MMAP)
		take_mmap(mbi);
	else if (mbi->flags & MBI_MEM)
		take_meminfo(mbi);
	else
		panic("the boot loader gave no memory map");
	if (mbi->flags & MBI_MODS)
		take_modules(mbi);
	bootinfo.loader = "unknown";
	if (mbi->flags & MBI_LOADER) {
		copy_string(loader, sizeof(loader), mbi->boot_loader_name);
		bootinfo.loader = loader;
	}
}
