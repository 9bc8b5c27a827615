// SPDX-License-Identifier: GPL-2.0
/*
 * multicall_mixed: a multicall runs every entry and reports each result
 * in the entry; a bad entry does not stop the others, and the multicall
 * itself returns 0.  A multicall nested inside one is refused (-EINVAL,
 * Xen's "multicall reentry").  64 update_va_mapping entries leave the
 * same page tables as 64 single calls.
 *
 * iret inside a multicall is not checked here: Xen 4.17 runs it (and ends
 * the multicall), Veneer refuses it with -EINVAL.
 */
#include "pvmm.h"

const char test_name[] = "multicall_mixed";

#define EINVAL	22
#define NPAGES	64

static volatile uint64_t window[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t pages[NPAGES][512] __attribute__((aligned(PAGE_SIZE)));
static struct multicall_entry mc[NPAGES];
static struct multicall_entry inner[1];

static uint64_t pte_of(const void *va)
{
	return table_of(va, 1)[((uint64_t)va >> 12) & 511];
}

static void uvm_entry(struct multicall_entry *e, const void *va,
		      uint64_t pte)
{
	memset(e, 0, sizeof(*e));
	e->op = __HYPERVISOR_update_va_mapping;
	e->args[0] = (uint64_t)va;
	e->args[1] = pte;
	e->args[2] = UVMF_INVLPG;
	e->result = 0x5555;
}

void test_main(void)
{
	const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
	uint64_t hv = pte_mfn(l4[256]);
	uint64_t wmfn = virt_to_mfn((void *)window);
	uint64_t before[NPAGES];
	unsigned int i;

	printk("good, bad, good, xen_version, nested multicall\n");
	uvm_entry(&mc[0], (void *)window, (wmfn << 12) | PTE_FLAGS_RO);
	uvm_entry(&mc[1], (void *)window, (hv << 12) | PTE_FLAGS_RW);
	uvm_entry(&mc[2], (void *)window, (wmfn << 12) | PTE_FLAGS_RW);
	memset(&mc[3], 0, sizeof(mc[3]));
	mc[3].op = __HYPERVISOR_xen_version;
	mc[3].args[0] = XENVER_version;
	memset(&mc[4], 0, sizeof(mc[4]));
	uvm_entry(&inner[0], (void *)window, (wmfn << 12) | PTE_FLAGS_RW);
	mc[4].op = __HYPERVISOR_multicall;
	mc[4].args[0] = (uint64_t)inner;
	mc[4].args[1] = 1;
	mc[4].result = 0x5555;
	check_rc(hyp_multicall(mc, 5), 0);
	for (i = 0; i < 5; i++)
		printk("  entry %u: %ld\n", i, (long)mc[i].result);
	check_eq(mc[0].result, 0);
	check((long)mc[1].result < 0);
	check_eq(mc[2].result, 0);
	check((long)mc[3].result >= 0x40000);	/* version >= 4.0 */
	check_eq(mc[4].result, -EINVAL);
	check_eq(inner[0].result, 0x5555);	/* never ran */
	window[0] = 1;				/* writable again (entry 2) */

	printk("64 updates in one multicall = 64 single calls\n");
	for (i = 0; i < NPAGES; i++)
		before[i] = pte_of(pages[i]);
	for (i = 0; i < NPAGES; i++)
		uvm_entry(&mc[i], pages[i],
			  (virt_to_mfn(pages[i]) << 12) | PTE_FLAGS_RO);
	check_rc(hyp_multicall(mc, NPAGES), 0);
	for (i = 0; i < NPAGES; i++) {
		check_eq(mc[i].result, 0);
		check_eq(pte_of(pages[i]) & (PTE_MFN_MASK | _PAGE_RW |
					     _PAGE_PRESENT),
			 (virt_to_mfn(pages[i]) << 12) | _PAGE_PRESENT);
		before[i] = pte_of(pages[i]);
	}
	for (i = 0; i < NPAGES; i++)
		check_rc(remap(pages[i], virt_to_mfn(pages[i]), PTE_FLAGS_RW),
			 0);
	for (i = 0; i < NPAGES; i++)
		check_rc(remap(pages[i], virt_to_mfn(pages[i]), PTE_FLAGS_RO),
			 0);
	for (i = 0; i < NPAGES; i++)
		check_eq(pte_of(pages[i]), before[i]);
	for (i = 0; i < NPAGES; i++)
		check_rc(remap(pages[i], virt_to_mfn(pages[i]), PTE_FLAGS_RW),
			 0);
	pages[NPAGES - 1][0] = 1;
}
