/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Link map of veneer.elf.
 *
 * One loadable segment, linked at IMAGE_VIRT_OFFSET + physical address
 * (AT() gives the physical load address), so that the loader can copy the
 * file bytes [__image_start, __load_end) contiguously to IMAGE_PHYS_BASE
 * as the Multiboot header in boot/head.S tells it, and zero the bss up to
 * __bss_end.  The generated symbol table (.ksyms) comes after all code
 * and data so that adding it in the second link moves no text address.
 */
#include <hv/layout.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(_start)

PHDRS
{
	image PT_LOAD FLAGS(7);
}

SECTIONS
{
	. = IMAGE_VIRT_OFFSET + IMAGE_PHYS_BASE;
	__image_start = .;

	.text : AT(ADDR(.text) - IMAGE_VIRT_OFFSET) {
		__text_start = .;
		*(.text.boot)
		*(.text .text.*)
		__text_end = .;
	} :image

	. = ALIGN(4096);
	.rodata : AT(ADDR(.rodata) - IMAGE_VIRT_OFFSET) {
		__rodata_start = .;
		*(.rodata .rodata.*)
		. = ALIGN(8);
		__ex_table_start = .;
		*(.ex_table)
		__ex_table_end = .;
	} :image

	. = ALIGN(4096);
	.data : AT(ADDR(.data) - IMAGE_VIRT_OFFSET) {
		__data_start = .;
		*(.data .data.*)
	} :image

	.ksyms : AT(ADDR(.ksyms) - IMAGE_VIRT_OFFSET) {
		*(.ksyms)
	} :image

	. = ALIGN(4096);
	__load_end = .;

	.bss (NOLOAD) : AT(ADDR(.bss) - IMAGE_VIRT_OFFSET) {
		__bss_start = .;
		*(.bss.page_aligned)
		*(.bss .bss.*)
		*(COMMON)
		. = ALIGN(4096);
		__bss_end = .;
	} :image

	__image_end = .;

	/DISCARD/ : {
		*(.eh_frame .eh_frame_hdr .note .note.* .comment)
	}
}
