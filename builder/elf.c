// SPDX-License-Identifier: GPL-2.0
/*
 * Step 1 of building a domain: read a 64-bit PV kernel image.
 *
 * The image is an ELF64 executable whose PT_LOAD segments are placed by
 * their *physical* address (pseudo-physical p_paddr - PADDR_OFFSET, mapped
 * at VIRT_BASE + that), and whose "Xen" ELF notes tell the builder the
 * rest: entry point, virtual base, hypercall page, features. Linux's notes
 * come from arch/x86/xen/xen-head.S; the contract's §2 lists them.
 *
 * Everything in an image is untrusted: it may come from dom0 user space or
 * a corrupted module. Every offset and size is checked against the buffer
 * before use, with arithmetic that cannot wrap, and the first problem found
 * is reported by name.
 */
#include <veneer/elfnote.h>
#include <veneer/version.h>

#include "builder-internal.h"

/* The parts of the ELF64 format the builder reads (System V gABI). */
struct elf64_ehdr {
	uint8_t  e_ident[16];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum;
	uint16_t e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

struct elf64_nhdr {
	uint32_t n_namesz, n_descsz, n_type;
};

#define ET_EXEC     2
#define EM_X86_64   62
#define PT_LOAD     1
#define PT_NOTE     4
#define MAX_SEGMENTS 16

/* Linux's bootstrap mappings must fit in 1 GiB from VIRT_BASE (§3.1). */
#define MAX_IMAGE_SPAN (1ULL << 30)

/* The hypervisor's hole in every address space (L4 slots 256-271). */
#define HOLE_START 0xffff800000000000ULL
#define HOLE_END   0xffff880000000000ULL

static bool canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/* [off, off+size) lies inside a buffer of len bytes, without wrapping. */
static bool in_buffer(uint64_t off, uint64_t size, size_t len)
{
	return off <= len && size <= len - off;
}

static uint64_t note_number(const uint8_t *desc, uint32_t size)
{
	uint64_t v = 0;

	/* Little-endian, 1 to 8 bytes (Linux uses 4 or 8). */
	for (uint32_t i = size; i > 0; i--)
		v = (v << 8) | desc[i - 1];
	return v;
}

/*
 * Copy a string note into dst. The string ends at its first NUL or at the
 * end of the note: Linux emits FEATURES with .ascii, without a NUL. A
 * string that does not fit dst is refused rather than cut.
 */
static bool note_string(char *dst, size_t cap, const uint8_t *desc,
			uint32_t size)
{
	uint32_t n;

	for (n = 0; n < size && desc[n]; n++)
		;
	if (n >= cap)
		return false;
	vb_memcpy(dst, desc, n);
	dst[n] = '\0';
	return true;
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* A feature name of a FEATURES note, as XENFEAT_* bit; -1 if unknown. */
static int feature_bit(const char *name, size_t len)
{
	static const struct { const char *name; int bit; } names[] = {
		{ "writable_page_tables", XENFEAT_writable_page_tables },
		{ "writable_descriptor_tables",
		  XENFEAT_writable_descriptor_tables },
		{ "auto_translated_physmap", XENFEAT_auto_translated_physmap },
		{ "supervisor_mode_kernel", XENFEAT_supervisor_mode_kernel },
		{ "pae_pgdir_above_4gb", XENFEAT_pae_pgdir_above_4gb },
		{ "hvm_callback_vector", XENFEAT_hvm_callback_vector },
		{ "dom0", XENFEAT_dom0 },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *n = names[i].name;
		size_t j;

		for (j = 0; j < len && n[j] == name[j]; j++)
			;
		if (j == len && n[j] == '\0')
			return names[i].bit;
	}
	return -1;
}

/*
 * "a|!b|c": '!' marks a feature the kernel requires. Unknown names are
 * ignored, as Xen does, so newer kernels still load.
 */
static void parse_features(struct vb_image *img, const char *s)
{
	while (*s) {
		bool required = *s == '!';
		size_t len = 0;
		int bit;

		if (required)
			s++;
		while (s[len] && s[len] != '|')
			len++;
		bit = feature_bit(s, len);
		if (bit >= 0) {
			img->supported_features |= 1u << bit;
			if (required)
				img->required_features |= 1u << bit;
		}
		s += len;
		if (*s == '|')
			s++;
	}
}

struct note_state {
	bool any, have_virt_base, have_entry, have_xen_version;
	char xen_version[16];
	char features[128];
};

static int take_note(struct vb_image *img, struct note_state *st,
		     uint32_t type, const uint8_t *desc, uint32_t size,
		     struct vb_error *err)
{
	bool numeric = type == XEN_ELFNOTE_ENTRY ||
		       type == XEN_ELFNOTE_HYPERCALL_PAGE ||
		       type == XEN_ELFNOTE_VIRT_BASE ||
		       type == XEN_ELFNOTE_PADDR_OFFSET ||
		       type == XEN_ELFNOTE_SUPPORTED_FEATURES ||
		       type == XEN_ELFNOTE_MOD_START_PFN;
	bool ok = true;

	if (numeric && (size == 0 || size > 8))
		return vb_fail(err, -VB_ENOEXEC,
			       "Xen note %u: numeric value of %u bytes", type,
			       size);
	st->any = true;
	switch (type) {
	case XEN_ELFNOTE_ENTRY:
		img->entry = note_number(desc, size);
		st->have_entry = true;
		break;
	case XEN_ELFNOTE_HYPERCALL_PAGE:
		img->hypercall_page = note_number(desc, size);
		break;
	case XEN_ELFNOTE_VIRT_BASE:
		img->virt_base = note_number(desc, size);
		st->have_virt_base = true;
		break;
	case XEN_ELFNOTE_PADDR_OFFSET:
		img->paddr_offset = note_number(desc, size);
		break;
	case XEN_ELFNOTE_SUPPORTED_FEATURES:
		img->supported_features |= (uint32_t)note_number(desc, size);
		img->supported_note = true;
		break;
	case XEN_ELFNOTE_MOD_START_PFN:
		img->mod_start_pfn = note_number(desc, size) != 0;
		break;
	case XEN_ELFNOTE_XEN_VERSION:
		ok = note_string(st->xen_version, sizeof(st->xen_version),
				 desc, size);
		st->have_xen_version = ok;
		break;
	case XEN_ELFNOTE_GUEST_OS:
		ok = note_string(img->guest_os, sizeof(img->guest_os), desc,
				 size);
		break;
	case XEN_ELFNOTE_LOADER:
		ok = note_string(img->loader, sizeof(img->loader), desc, size);
		break;
	case XEN_ELFNOTE_FEATURES:
		ok = note_string(st->features, sizeof(st->features), desc,
				 size);
		if (ok)
			parse_features(img, st->features);
		break;
	default:
		/* Informational notes (GUEST_VERSION, PAE_MODE, ...). */
		break;
	}
	if (!ok)
		return vb_fail(err, -VB_ENOEXEC,
			       "Xen note %u: string of %u bytes is too long",
			       type, size);
	return 0;
}

/* Walk one PT_NOTE segment and take every note named "Xen". */
static int parse_notes(struct vb_image *img, struct note_state *st,
		       const uint8_t *p, uint64_t size, struct vb_error *err)
{
	uint64_t off = 0;

	while (off < size) {
		struct elf64_nhdr nh;
		uint64_t name_off, desc_off, next;

		if (size - off < sizeof(nh))
			return vb_fail(err, -VB_ENOEXEC,
				       "note header truncated at offset %lu of "
				       "a note segment", off);
		vb_memcpy(&nh, p + off, sizeof(nh));
		name_off = off + sizeof(nh);
		desc_off = name_off + (((uint64_t)nh.n_namesz + 3) & ~3ULL);
		next = desc_off + (((uint64_t)nh.n_descsz + 3) & ~3ULL);
		if (desc_off > size || next > size)
			return vb_fail(err, -VB_ENOEXEC,
				       "note (type %u) runs past the end of its "
				       "segment", nh.n_type);
		if (nh.n_namesz == 4 && str_eq((const char *)p + name_off,
						"Xen")) {
			int rc = take_note(img, st, nh.n_type, p + desc_off,
					   nh.n_descsz, err);
			if (rc)
				return rc;
		}
		off = next;
	}
	return 0;
}

static int check_header(const struct elf64_ehdr *eh, size_t len,
			struct vb_error *err)
{
	static const uint8_t magic[4] = { 0x7f, 'E', 'L', 'F' };

	if (len < sizeof(*eh))
		return vb_fail(err, -VB_ENOEXEC,
			       "image of %lu bytes is shorter than an ELF "
			       "header", (uint64_t)len);
	for (int i = 0; i < 4; i++)
		if (eh->e_ident[i] != magic[i])
			return vb_fail(err, -VB_ENOEXEC,
				       "not an ELF image (bad magic)");
	if (eh->e_ident[4] != 2 || eh->e_ident[5] != 1)
		return vb_fail(err, -VB_ENOEXEC,
			       "not a little-endian ELF64 image (class %u, "
			       "data %u)", eh->e_ident[4], eh->e_ident[5]);
	if (eh->e_type != ET_EXEC || eh->e_machine != EM_X86_64)
		return vb_fail(err, -VB_ENOEXEC,
			       "not an x86-64 executable (type %u, machine "
			       "%u)", eh->e_type, eh->e_machine);
	if (eh->e_phnum == 0 || eh->e_phnum > 64 ||
	    eh->e_phentsize != sizeof(struct elf64_phdr))
		return vb_fail(err, -VB_ENOEXEC,
			       "bad program header table (%u entries of %u "
			       "bytes)", eh->e_phnum, eh->e_phentsize);
	if (!in_buffer(eh->e_phoff, (uint64_t)eh->e_phnum * eh->e_phentsize,
		       len))
		return vb_fail(err, -VB_ENOEXEC,
			       "program header table at %lu runs past the end "
			       "of the image", eh->e_phoff);
	return 0;
}

/* Check the loadable segments and find the span they cover. */
static int check_segments(struct vb_image *img, const struct elf64_phdr *ph,
			  unsigned int n, struct vb_error *err)
{
	uint64_t start[MAX_SEGMENTS], end[MAX_SEGMENTS];
	unsigned int nload = 0;

	img->kern_start = UINT64_MAX;
	img->kern_end = 0;
	for (unsigned int i = 0; i < n; i++) {
		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		if (nload == MAX_SEGMENTS)
			return vb_fail(err, -VB_ENOEXEC,
				       "more than %u loadable segments",
				       MAX_SEGMENTS);
		if (ph[i].p_filesz > ph[i].p_memsz)
			return vb_fail(err, -VB_ENOEXEC,
				       "segment %u: file size %lu exceeds "
				       "memory size %lu", i, ph[i].p_filesz,
				       ph[i].p_memsz);
		if (!in_buffer(ph[i].p_offset, ph[i].p_filesz, img->elf_len))
			return vb_fail(err, -VB_ENOEXEC,
				       "segment %u: bytes %lu+%lu lie outside "
				       "the image", i, ph[i].p_offset,
				       ph[i].p_filesz);
		if (ph[i].p_paddr < img->paddr_offset ||
		    ph[i].p_memsz > MAX_IMAGE_SPAN ||
		    ph[i].p_paddr - img->paddr_offset > MAX_IMAGE_SPAN)
			return vb_fail(err, -VB_ENOEXEC,
				       "segment %u: physical address %lx "
				       "(size %lx) out of range", i,
				       ph[i].p_paddr, ph[i].p_memsz);
		start[nload] = ph[i].p_paddr - img->paddr_offset;
		end[nload] = start[nload] + ph[i].p_memsz;
		for (unsigned int j = 0; j < nload; j++)
			if (start[nload] < end[j] && start[j] < end[nload])
				return vb_fail(err, -VB_ENOEXEC,
					       "segment %u overlaps an earlier "
					       "segment", i);
		if (start[nload] < img->kern_start)
			img->kern_start = start[nload];
		if (end[nload] > img->kern_end)
			img->kern_end = end[nload];
		nload++;
	}
	if (!nload)
		return vb_fail(err, -VB_ENOEXEC, "no loadable segment");
	if (img->kern_end > MAX_IMAGE_SPAN)
		return vb_fail(err, -VB_ENOEXEC,
			       "image ends %lx bytes above its base; at most "
			       "1 GiB can be mapped at boot", img->kern_end);
	return 0;
}

/* The notes, once all are read, must describe a loadable 64-bit PV guest. */
static int check_notes(struct vb_image *img, const struct note_state *st,
		       bool for_dom0, struct vb_error *err)
{
	uint64_t v_lo, v_hi;

	if (!st->any)
		return vb_fail(err, -VB_ENOEXEC,
			       "no Xen ELF notes: not a PV kernel");
	if (!st->have_xen_version || !str_eq(st->xen_version, "xen-3.0"))
		return vb_fail(err, -VB_ENOEXEC,
			       "XEN_VERSION note must be \"xen-3.0\"");
	if (!str_eq(img->loader, "generic") && !str_eq(img->loader, "linux"))
		return vb_fail(err, -VB_ENOEXEC,
			       "LOADER note \"%s\": only \"generic\" and "
			       "\"linux\" images load", img->loader);
	if (img->required_features &
	    ((1u << XENFEAT_supervisor_mode_kernel) |
	     (1u << XENFEAT_auto_translated_physmap)))
		return vb_fail(err, -VB_ENOEXEC,
			       "kernel requires features Veneer does not "
			       "offer PV guests (%x)", img->required_features);
	if (for_dom0 && img->supported_note &&
	    !(img->supported_features & (1u << XENFEAT_dom0)))
		return vb_fail(err, -VB_ENOEXEC,
			       "kernel does not declare the dom0 feature; it "
			       "cannot be the initial domain");
	if (img->virt_base & (VB_PAGE_SIZE - 1))
		return vb_fail(err, -VB_ENOEXEC,
			       "VIRT_BASE %lx is not page aligned",
			       img->virt_base);

	v_lo = img->virt_base;
	v_hi = img->virt_base + MAX_IMAGE_SPAN;
	if (!canonical(v_lo) || !canonical(v_hi - 1) || v_hi < v_lo ||
	    (v_lo < HOLE_END && v_hi > HOLE_START))
		return vb_fail(err, -VB_ENOEXEC,
			       "VIRT_BASE %lx puts the boot mappings in a "
			       "non-canonical or hypervisor range",
			       img->virt_base);
	if (img->entry < img->virt_base + img->kern_start ||
	    img->entry >= img->virt_base + img->kern_end)
		return vb_fail(err, -VB_ENOEXEC,
			       "entry point %lx is outside the loaded image",
			       img->entry);
	if (img->hypercall_page &&
	    ((img->hypercall_page & (VB_PAGE_SIZE - 1)) ||
	     img->hypercall_page < img->virt_base + img->kern_start ||
	     img->hypercall_page >= img->virt_base + img->kern_end))
		return vb_fail(err, -VB_ENOEXEC,
			       "hypercall page %lx is not a page of the image",
			       img->hypercall_page);
	return 0;
}

/**
 * vb_parse_image() - check a PV kernel image and read its Xen notes
 * @elf: the image; it must stay valid until vb_build() is done with it
 * @len: its size in bytes
 * @for_dom0: the image is to be the initial domain
 * @img: filled in on success
 * @err: the reason on failure
 *
 * Return: 0, or -ENOEXEC with the first problem found described in @err.
 */
int vb_parse_image(const void *elf, size_t len, bool for_dom0,
		   struct vb_image *img, struct vb_error *err)
{
	struct elf64_ehdr eh;
	struct elf64_phdr ph[64];
	struct note_state st;
	int rc;

	vb_memset(img, 0, sizeof(*img));
	vb_memset(&st, 0, sizeof(st));
	img->elf = elf;
	img->elf_len = len;
	if (len >= sizeof(eh))
		vb_memcpy(&eh, elf, sizeof(eh));
	rc = check_header(&eh, len, err);
	if (rc)
		return rc;
	vb_memcpy(ph, img->elf + eh.e_phoff, eh.e_phnum * sizeof(ph[0]));
	img->entry = eh.e_entry;

	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type != PT_NOTE)
			continue;
		if (!in_buffer(ph[i].p_offset, ph[i].p_filesz, len))
			return vb_fail(err, -VB_ENOEXEC,
				       "note segment %u lies outside the image",
				       i);
		rc = parse_notes(img, &st, img->elf + ph[i].p_offset,
				 ph[i].p_filesz, err);
		if (rc)
			return rc;
	}
	rc = check_segments(img, ph, eh.e_phnum, err);
	if (rc)
		return rc;
	return check_notes(img, &st, for_dom0, err);
}
