/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interfaces between the x86 boot steps in arch/x86, in the order
 * start_hypervisor() calls them.
 */
#ifndef ASM_SETUP_H
#define ASM_SETUP_H

#include <hv/types.h>
#include <asm/page.h>

/* multiboot.c */
void multiboot_parse(u32 magic, paddr_t info);

/* mm.c */
extern pte_t idle_l4[512];
extern pte_t boot_l3[512];
extern u64 x86_nx_mask;
void paging_init(void);
void map_pages(unsigned long va, paddr_t pa, unsigned long nr, u64 flags);
void unmap_pages(unsigned long va, unsigned long nr);
void paging_drop_identity(void);
void smep_init_cpu(void);

/* desc.c */
void desc_init_cpu(unsigned int cpu);
void desc_load_cpu(unsigned int cpu);
#define NR_IST	4	/* double fault, NMI, machine check, #DB */
extern unsigned long ist_stack_top[][NR_IST];

/* traps.c */
void traps_init(void);
void syscall_init_cpu(void);
void idt_load(void);
typedef void (*irq_handler_t)(void);
void set_irq_handler(unsigned int vector, irq_handler_t fn);

/* time.c */
extern u64 tsc_khz;
void time_init(void);
void apic_timer_calibrate(void);

/* acpi.c */
void *acpi_find_table(const char *sig);

/* smpboot.c */
void ap_main(unsigned int cpu);

#endif /* ASM_SETUP_H */
