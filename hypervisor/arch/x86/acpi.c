// SPDX-License-Identifier: GPL-2.0
/*
 * Just enough ACPI to find the CPUs (MADT) and to power off (FADT).
 *
 * The firmware (SeaBIOS under QEMU) leaves the Root System Description
 * Pointer in the EBDA or the BIOS area below 1 MiB; from it we reach the
 * XSDT (or RSDT) and the tables by signature.  Every table is checksummed
 * before we believe it.  Tables are read through the direct map, so this
 * works only after paging_init().
 */
#include <hv/lib.h>
#include <hv/log.h>

#include <asm/page.h>
#include <asm/setup.h>

struct rsdp {
	char signature[8];
	u8 checksum;
	char oem[6];
	u8 revision;
	u32 rsdt;
	u32 length;
	u64 xsdt;
	u8 xchecksum;
	u8 reserved[3];
} __packed;

struct sdt_header {
	char signature[4];
	u32 length;
	u8 revision;
	u8 checksum;
	char oem[6];
	char oem_table[8];
	u32 oem_revision;
	u32 creator, creator_revision;
} __packed;

static bool checksum_ok(const void *p, size_t n)
{
	const u8 *b = p;
	u8 sum = 0;

	while (n--)
		sum += *b++;
	return sum == 0;
}

static const struct rsdp *scan(paddr_t start, paddr_t end)
{
	for (paddr_t pa = start; pa + sizeof(struct rsdp) <= end; pa += 16) {
		const struct rsdp *r = __va(pa);

		if (!memcmp(r->signature, "RSD PTR ", 8) && checksum_ok(r, 20))
			return r;
	}
	return NULL;
}

static const struct rsdp *find_rsdp(void)
{
	static const struct rsdp *cached;
	paddr_t ebda = (paddr_t)*(u16 *)__va(0x40e) << 4;

	if (!cached && ebda >= 0x80000 && ebda < 0xa0000)
		cached = scan(ebda, ebda + 1024);
	if (!cached)
		cached = scan(0xe0000, 0x100000);
	return cached;
}

static const struct sdt_header *table_at(paddr_t pa, const char *sig)
{
	const struct sdt_header *h = __va(pa);

	if (memcmp(h->signature, sig, 4) || !checksum_ok(h, h->length))
		return NULL;
	return h;
}

/**
 * acpi_find_table() - look up an ACPI table by signature
 * @sig: four characters, e.g. "APIC" for the MADT
 *
 * Returns the table (header included) or NULL.
 */
void *acpi_find_table(const char *sig)
{
	const struct rsdp *r = find_rsdp();
	const struct sdt_header *root;
	bool x;
	unsigned int n, entry;

	if (!r)
		return NULL;
	x = r->revision >= 2 && r->xsdt;
	root = x ? table_at(r->xsdt, "XSDT") : table_at(r->rsdt, "RSDT");
	if (!root)
		return NULL;
	entry = x ? 8 : 4;
	n = (root->length - sizeof(*root)) / entry;
	for (unsigned int i = 0; i < n; i++) {
		const u8 *p = (const u8 *)(root + 1) + i * entry;
		paddr_t pa = x ? *(const u64 *)p : *(const u32 *)p;
		const struct sdt_header *t = table_at(pa, sig);

		if (t)
			return (void *)t;
	}
	return NULL;
}
