// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the domain builder (builder/): good images load with the
 * layout, page tables, start_info and register state of contract §3, and
 * every kind of malformed or hostile image is refused with a reason.
 *
 * Images are made here, in memory, by make_image(): an ELF64 header, a
 * PT_NOTE segment of Xen notes and up to two PT_LOAD segments, each part
 * of which a test can then break.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <veneer/arch-x86_64.h>
#include <veneer/elfnote.h>
#include <veneer/version.h>
#include <veneer/xen.h>

#include "builder.h"

#define VIRT_BASE  0xffffffff80000000ULL
#define KERN_PADDR 0x200000ULL           /* 2 MiB, like a small kernel */
#define TEXT_SIZE  0x3000ULL
#define DATA_SIZE  0x1800ULL             /* plus bss below */
#define BSS_SIZE   0x2000ULL

struct ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

/* A test image and the offsets of its parts, so tests can break them. */
struct image {
	uint8_t buf[0x8000];
	size_t len;
	struct ehdr *eh;
	struct phdr *ph;      /* [0] notes, [1] text, [2] data */
	size_t notes_off, notes_len;
};

static size_t add_note(uint8_t *p, uint32_t type, const void *desc,
		       uint32_t size)
{
	uint32_t hdr[3] = { 4, size, type };

	memcpy(p, hdr, sizeof(hdr));
	memcpy(p + 12, "Xen", 4);
	memcpy(p + 16, desc, size);
	return 16 + ((size + 3) & ~3u);
}

static size_t add_num(uint8_t *p, uint32_t type, uint64_t v)
{
	return add_note(p, type, &v, sizeof(v));
}

static size_t add_str(uint8_t *p, uint32_t type, const char *s)
{
	return add_note(p, type, s, strlen(s) + 1);
}

static void make_image(struct image *im, bool dom0)
{
	uint8_t *notes;
	size_t n = 0;
	uint32_t supported = dom0 ? 1u << XENFEAT_dom0 : 0;

	memset(im, 0, sizeof(*im));
	im->eh = (struct ehdr *)im->buf;
	im->ph = (struct phdr *)(im->buf + sizeof(struct ehdr));
	memcpy(im->eh->ident, "\x7f" "ELF\x02\x01\x01", 7);
	im->eh->type = 2;
	im->eh->machine = 62;
	im->eh->version = 1;
	im->eh->entry = 0x1234; /* bare-metal entry: the note must win */
	im->eh->phoff = sizeof(struct ehdr);
	im->eh->ehsize = sizeof(struct ehdr);
	im->eh->phentsize = sizeof(struct phdr);
	im->eh->phnum = 3;

	im->notes_off = 0x200;
	notes = im->buf + im->notes_off;
	n += add_str(notes + n, XEN_ELFNOTE_GUEST_OS, "veneer-test");
	n += add_str(notes + n, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	n += add_str(notes + n, XEN_ELFNOTE_LOADER, "generic");
	n += add_num(notes + n, XEN_ELFNOTE_VIRT_BASE, VIRT_BASE);
	n += add_num(notes + n, XEN_ELFNOTE_PADDR_OFFSET, 0);
	n += add_num(notes + n, XEN_ELFNOTE_ENTRY, VIRT_BASE + KERN_PADDR + 0x10);
	n += add_num(notes + n, XEN_ELFNOTE_HYPERCALL_PAGE,
		     VIRT_BASE + KERN_PADDR + 0x1000);
	n += add_str(notes + n, XEN_ELFNOTE_FEATURES,
		     "!writable_page_tables|pae_pgdir_above_4gb");
	n += add_note(notes + n, XEN_ELFNOTE_SUPPORTED_FEATURES, &supported,
		      sizeof(supported));
	im->notes_len = n;
	im->ph[0] = (struct phdr){ .type = 4, .offset = im->notes_off,
				   .filesz = n, .memsz = n };

	/* text at 0x1000 in the file, data at 0x4000 */
	im->ph[1] = (struct phdr){ .type = 1, .flags = 5, .offset = 0x1000,
		.vaddr = VIRT_BASE + KERN_PADDR, .paddr = KERN_PADDR,
		.filesz = TEXT_SIZE, .memsz = TEXT_SIZE };
	im->ph[2] = (struct phdr){ .type = 1, .flags = 6, .offset = 0x4000,
		.vaddr = 0, /* like Linux's percpu segment: vaddr unused */
		.paddr = KERN_PADDR + TEXT_SIZE,
		.filesz = DATA_SIZE, .memsz = DATA_SIZE + BSS_SIZE };
	memset(im->buf + 0x1000, 0x90, TEXT_SIZE);
	memset(im->buf + 0x4000, 0xd5, DATA_SIZE);
	im->len = 0x4000 + DATA_SIZE;
}

static int parse(struct image *im, bool dom0, struct vb_image *img,
		 struct vb_error *err)
{
	return vb_parse_image(im->buf, im->len, dom0, img, err);
}

/* Expect parse() to fail with -ENOEXEC and a reason containing `why`. */
static void expect_reject(struct image *im, bool dom0, const char *why)
{
	struct vb_image img;
	struct vb_error err = { "" };
	int rc = parse(im, dom0, &img, &err);

	if (rc != -8 || !strstr(err.msg, why))
		fail_msg("expected rejection containing \"%s\", got rc %d: %s",
			 why, rc, err.msg);
}

static void parse_reads_notes_of_good_image(void **state)
{
	struct image im;
	struct vb_image img;
	struct vb_error err = { "" };

	make_image(&im, true);
	assert_int_equal(parse(&im, true, &img, &err), 0);
	assert_int_equal(img.virt_base, VIRT_BASE);
	assert_int_equal(img.entry, VIRT_BASE + KERN_PADDR + 0x10);
	assert_int_equal(img.hypercall_page, VIRT_BASE + KERN_PADDR + 0x1000);
	assert_int_equal(img.kern_start, KERN_PADDR);
	assert_int_equal(img.kern_end, KERN_PADDR + TEXT_SIZE + DATA_SIZE +
			 BSS_SIZE);
	assert_string_equal(img.guest_os, "veneer-test");
	assert_true(img.supported_features & (1u << XENFEAT_dom0));
	assert_true(img.required_features &
		    (1u << XENFEAT_writable_page_tables));
	assert_true(img.supported_features &
		    (1u << XENFEAT_pae_pgdir_above_4gb));
}

static void parse_rejects_truncated_header(void **state)
{
	struct image im;

	make_image(&im, false);
	im.len = 20;
	expect_reject(&im, false, "shorter than an ELF header");
}

static void parse_rejects_bad_magic_class_and_machine(void **state)
{
	struct image im;

	make_image(&im, false);
	im.buf[1] = 'X';
	expect_reject(&im, false, "bad magic");
	make_image(&im, false);
	im.eh->ident[4] = 1; /* ELF32 */
	expect_reject(&im, false, "ELF64");
	make_image(&im, false);
	im.eh->machine = 3; /* i386 */
	expect_reject(&im, false, "not an x86-64 executable");
}

static void parse_rejects_program_headers_outside_image(void **state)
{
	struct image im;

	make_image(&im, false);
	im.eh->phoff = im.len - 8;
	expect_reject(&im, false, "runs past the end");
	make_image(&im, false);
	im.eh->phoff = UINT64_MAX - 16; /* would wrap */
	expect_reject(&im, false, "runs past the end");
	make_image(&im, false);
	im.eh->phnum = 0;
	expect_reject(&im, false, "bad program header table");
	make_image(&im, false);
	im.eh->phentsize = 32;
	expect_reject(&im, false, "bad program header table");
}

static void parse_rejects_segment_outside_file(void **state)
{
	struct image im;

	make_image(&im, false);
	im.ph[2].filesz = 0x100000;
	im.ph[2].memsz = 0x100000;
	expect_reject(&im, false, "outside the image");
	make_image(&im, false);
	im.ph[1].offset = UINT64_MAX - 0x10; /* offset + size wraps */
	expect_reject(&im, false, "outside the image");
}

static void parse_rejects_filesz_above_memsz(void **state)
{
	struct image im;

	make_image(&im, false);
	im.ph[2].memsz = 0x10;
	expect_reject(&im, false, "exceeds memory size");
}

static void parse_rejects_overlapping_segments(void **state)
{
	struct image im;

	make_image(&im, false);
	im.ph[2].paddr = KERN_PADDR + 0x1000;
	expect_reject(&im, false, "overlaps");
}

static void parse_rejects_out_of_range_segment(void **state)
{
	struct image im;

	make_image(&im, false);
	im.ph[2].paddr = 1ULL << 31;
	expect_reject(&im, false, "out of range");
	make_image(&im, false);
	im.ph[2].memsz = UINT64_MAX - 4;
	expect_reject(&im, false, "out of range");
}

static void parse_rejects_image_without_xen_notes(void **state)
{
	struct image im;

	make_image(&im, false);
	memcpy(im.buf + im.notes_off + 12, "Lin", 4); /* every note's name */
	for (size_t off = 0; off < im.notes_len;) {
		uint32_t *h = (uint32_t *)(im.buf + im.notes_off + off);

		memcpy(h + 3, "Gnu", 4);
		off += 16 + ((h[1] + 3) & ~3u);
	}
	expect_reject(&im, false, "no Xen ELF notes");
}

static void parse_rejects_note_past_segment_end(void **state)
{
	struct image im;
	uint32_t *first;

	make_image(&im, false);
	first = (uint32_t *)(im.buf + im.notes_off);
	first[1] = 0x10000; /* descsz */
	expect_reject(&im, false, "runs past the end of its segment");
	make_image(&im, false);
	im.ph[0].filesz = 6; /* half a note header */
	expect_reject(&im, false, "note header truncated");
}

static void parse_rejects_bad_note_values(void **state)
{
	struct image im;
	uint8_t *notes;
	char longname[64];
	uint8_t wide[9] = { 0 };

	make_image(&im, false);
	notes = im.buf + im.notes_off + im.notes_len;
	memset(longname, 'g', sizeof(longname));
	im.ph[0].filesz = im.ph[0].memsz = im.notes_len +
		add_note(notes, XEN_ELFNOTE_LOADER, longname,
			 sizeof(longname));
	expect_reject(&im, false, "string of 64 bytes is too long");

	make_image(&im, false);
	notes = im.buf + im.notes_off + im.notes_len;
	im.ph[0].filesz = im.ph[0].memsz = im.notes_len +
		add_note(notes, XEN_ELFNOTE_ENTRY, wide, sizeof(wide));
	expect_reject(&im, false, "numeric value of 9 bytes");

	make_image(&im, false);
	notes = im.buf + im.notes_off + im.notes_len;
	im.ph[0].filesz = im.ph[0].memsz = im.notes_len +
		add_str(notes, XEN_ELFNOTE_LOADER, "bsd");
	expect_reject(&im, false, "LOADER note \"bsd\"");

	make_image(&im, false);
	notes = im.buf + im.notes_off + im.notes_len;
	im.ph[0].filesz = im.ph[0].memsz = im.notes_len +
		add_str(notes, XEN_ELFNOTE_XEN_VERSION, "xen-2.0");
	expect_reject(&im, false, "XEN_VERSION");
}

static void parse_rejects_entry_and_hypercall_page_outside_image(void **s)
{
	struct image im;
	uint8_t *notes;

	make_image(&im, false);
	notes = im.buf + im.notes_off + im.notes_len;
	im.ph[0].filesz = im.ph[0].memsz = im.notes_len +
		add_num(notes, XEN_ELFNOTE_ENTRY, 0xffff800000001000ULL);
	expect_reject(&im, false, "entry point");

	make_image(&im, false);
	notes = im.buf + im.notes_off + im.notes_len;
	im.ph[0].filesz = im.ph[0].memsz = im.notes_len +
		add_num(notes, XEN_ELFNOTE_HYPERCALL_PAGE,
			VIRT_BASE + KERN_PADDR + 0x1008);
	expect_reject(&im, false, "hypercall page");
}

static void parse_rejects_virt_base_in_hypervisor_hole(void **state)
{
	struct image im;
	uint8_t *notes;

	make_image(&im, false);
	notes = im.buf + im.notes_off + im.notes_len;
	im.ph[0].filesz = im.ph[0].memsz = im.notes_len +
		add_num(notes, XEN_ELFNOTE_VIRT_BASE, 0xffff800000000000ULL);
	expect_reject(&im, false, "hypervisor range");

	make_image(&im, false);
	notes = im.buf + im.notes_off + im.notes_len;
	im.ph[0].filesz = im.ph[0].memsz = im.notes_len +
		add_num(notes, XEN_ELFNOTE_VIRT_BASE, 0x0000800000000000ULL);
	expect_reject(&im, false, "non-canonical");
}

/* Linux writes FEATURES with .ascii: no NUL inside the note. */
static void parse_accepts_string_note_without_nul(void **state)
{
	struct image im;
	struct vb_image img;
	struct vb_error err = { "" };
	static const char feats[] = "!writable_page_tables|dom0";
	uint8_t *notes;

	make_image(&im, false);
	notes = im.buf + im.notes_off + im.notes_len;
	im.ph[0].filesz = im.ph[0].memsz = im.notes_len +
		add_note(notes, XEN_ELFNOTE_FEATURES, feats,
			 sizeof(feats) - 1);
	assert_int_equal(parse(&im, true, &img, &err), 0);
	assert_true(img.supported_features & (1u << XENFEAT_dom0));
}

static void parse_requires_dom0_feature_for_initial_domain(void **state)
{
	struct image im;
	struct vb_image img;
	struct vb_error err;

	make_image(&im, false);
	assert_int_equal(parse(&im, false, &img, &err), 0);
	expect_reject(&im, true, "dom0 feature");
}

/* Xen 4.17 checks the dom0 bit only when the note is there at all. */
static void parse_accepts_dom0_without_supported_features_note(void **state)
{
	struct image im;
	struct vb_image img;
	struct vb_error err;

	make_image(&im, false);
	/* the SUPPORTED_FEATURES note is the last one: drop it */
	im.notes_len -= 16 + 4;
	im.ph[0].filesz = im.ph[0].memsz = im.notes_len;
	assert_int_equal(parse(&im, true, &img, &err), 0);
	assert_false(img.supported_note);
	assert_false(img.supported_features & (1u << XENFEAT_dom0));
}

static void parse_rejects_required_supervisor_mode_kernel(void **state)
{
	struct image im;
	uint8_t *notes;

	make_image(&im, false);
	notes = im.buf + im.notes_off + im.notes_len;
	im.ph[0].filesz = im.ph[0].memsz = im.notes_len +
		add_str(notes, XEN_ELFNOTE_FEATURES,
			"pae_pgdir_above_4gb|!supervisor_mode_kernel");
	expect_reject(&im, false, "requires features");
}

/* Random corruption must be refused or accepted, never crash or hang. */
static void parse_survives_random_corruption(void **state)
{
	struct image im;
	struct vb_image img;
	struct vb_error err;
	unsigned int seed = 12345, accepted = 0;

	for (int i = 0; i < 20000; i++) {
		make_image(&im, false);
		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245 + 12345;
			size_t off = (seed >> 8) % 0x300; /* headers and notes */
			seed = seed * 1103515245 + 12345;
			im.buf[off] = seed >> 16;
		}
		int rc = parse(&im, false, &img, &err);

		assert_true(rc == 0 || rc == -8);
		accepted += rc == 0;
	}
	/* Not an assertion on a number: corruption must sometimes be caught. */
	assert_true(accepted < 20000);
}

/* ---- layout and build, with guest memory simulated in a calloc'd block */

#define MFN_BASE 0x50000ULL /* p2m[pfn] = MFN_BASE + pfn * 3: not identity */

struct guest {
	uint64_t nr_pages;
	uint64_t *p2m;
	uint8_t *pages;
	struct vb_guest_mem mem;
};

static void *map_pfn(void *ctx, uint64_t pfn)
{
	struct guest *g = ctx;

	return g->pages + pfn * VB_PAGE_SIZE;
}

static struct guest *new_guest(uint64_t nr_pages)
{
	struct guest *g = calloc(1, sizeof(*g));

	g->nr_pages = nr_pages;
	g->p2m = calloc(nr_pages, sizeof(uint64_t));
	g->pages = malloc(nr_pages * VB_PAGE_SIZE);
	memset(g->pages, 0xee, nr_pages * VB_PAGE_SIZE); /* dirty frames */
	for (uint64_t i = 0; i < nr_pages; i++)
		g->p2m[i] = MFN_BASE + i * 3;
	g->mem = (struct vb_guest_mem){ g->p2m, nr_pages, map_pfn, NULL, g };
	return g;
}

static void free_guest(struct guest *g)
{
	free(g->pages);
	free(g->p2m);
	free(g);
}

static uint64_t mfn_to_pfn(struct guest *g, uint64_t mfn)
{
	assert_true(mfn >= MFN_BASE && (mfn - MFN_BASE) % 3 == 0);
	return (mfn - MFN_BASE) / 3;
}

static uint64_t *table(struct guest *g, uint64_t entry)
{
	assert_true(entry & 1); /* present */
	return (uint64_t *)map_pfn(g, mfn_to_pfn(g, (entry & ~0xfffULL &
						     ((1ULL << 52) - 1)) >> 12));
}

/* Walk the built page tables like the MMU would; returns the leaf PTE. */
static uint64_t walk(struct guest *g, uint64_t l4_mfn, uint64_t va)
{
	uint64_t *l4 = map_pfn(g, mfn_to_pfn(g, l4_mfn));
	uint64_t *l3 = table(g, l4[(va >> 39) & 511]);
	uint64_t *l2 = table(g, l3[(va >> 30) & 511]);
	uint64_t *l1 = table(g, l2[(va >> 21) & 511]);

	return l1[(va >> 12) & 511];
}

struct built {
	struct image im;
	struct vb_image img;
	struct vb_request req;
	struct vb_layout lay;
	struct vb_boot_state boot;
	struct guest *g;
	uint8_t initrd[5000];
};

static void build_one(struct built *b, uint64_t nr_pages, bool rings)
{
	struct vb_error err = { "" };

	make_image(&b->im, true);
	assert_int_equal(parse(&b->im, true, &b->img, &err), 0);
	memset(b->initrd, 0x1d, sizeof(b->initrd));
	b->req = (struct vb_request){
		.nr_pages = nr_pages, .initrd = b->initrd,
		.initrd_len = sizeof(b->initrd), .cmdline = "console=hvc0 x=1",
		.sif_flags = SIF_PRIVILEGED | SIF_INITDOMAIN,
		.shared_info_maddr = 0x7777000, .with_rings = rings,
		.store_evtchn = 5, .console_evtchn = 6,
	};
	if (vb_plan_layout(&b->img, &b->req, &b->lay, &err))
		fail_msg("layout: %s", err.msg);
	b->g = new_guest(nr_pages);
	if (vb_build(&b->img, &b->req, &b->lay, &b->g->mem, &b->boot, &err))
		fail_msg("build: %s", err.msg);
}

static void layout_places_parts_in_order_on_a_4mib_boundary(void **state)
{
	struct built b;
	const struct vb_layout *l = &b.lay;

	build_one(&b, 4096, true);
	assert_int_equal(l->v_start, VIRT_BASE);
	assert_int_equal(l->kern_pfn, KERN_PADDR >> 12);
	assert_true(l->initrd_pfn >= l->kern_pfn + l->kern_pages);
	assert_int_equal(l->p2m_pfn, l->initrd_pfn + 2);
	assert_int_equal(l->p2m_pages, 8); /* 4096 * 8 bytes */
	assert_int_equal(l->start_info_pfn, l->p2m_pfn + l->p2m_pages);
	assert_int_equal(l->store_pfn, l->start_info_pfn + 1);
	assert_int_equal(l->console_pfn, l->start_info_pfn + 2);
	assert_int_equal(l->pt_pfn, l->console_pfn + 1);
	assert_int_equal(l->pt_pages, 3 + l->nr_l1);
	assert_int_equal(l->stack_pfn, l->pt_pfn + l->pt_pages);
	assert_int_equal(l->v_end % (4 << 20), 0);
	assert_true(l->v_end - (VIRT_BASE + (l->stack_pfn + 1) * 4096) >=
		    512 << 10);
	/* enough L1s for the whole region, and no more than needed */
	assert_int_equal(l->nr_l1, (l->v_end - l->v_start) >> 21);
	free_guest(b.g);
}

static void layout_refuses_domain_smaller_than_boot_region(void **state)
{
	struct image im;
	struct vb_image img;
	struct vb_layout lay;
	struct vb_error err = { "" };
	struct vb_request req = { .nr_pages = 600 }; /* 2.3 MiB */

	make_image(&im, false);
	assert_int_equal(parse(&im, false, &img, &err), 0);
	assert_int_equal(vb_plan_layout(&img, &req, &lay, &err), -7);
	assert_non_null(strstr(err.msg, "the domain has only 600"));
	req.nr_pages = 0;
	assert_int_equal(vb_plan_layout(&img, &req, &lay, &err), -22);
}

static void build_maps_whole_region_with_page_tables_read_only(void **s)
{
	struct built b;
	const struct vb_layout *l = &b.lay;

	build_one(&b, 4096, false);
	for (uint64_t va = l->v_start; va < l->v_end; va += 4096) {
		uint64_t pfn = (va - l->v_start) >> 12;
		uint64_t pte = walk(b.g, b.boot.cr3_mfn, va);
		bool is_pt = pfn >= l->pt_pfn && pfn < l->pt_pfn + l->pt_pages;

		assert_int_equal(pte >> 12, b.g->p2m[pfn]);
		assert_true(pte & 1);
		assert_int_equal(!!(pte & 2), !is_pt);
		assert_false(pte & 0x80); /* no superpages */
	}
	/* nothing mapped beyond the region's end in its L1 */
	assert_int_equal(b.boot.cr3_mfn, b.g->p2m[l->pt_pfn]);
	assert_int_equal(b.boot.nr_pt_frames, l->pt_pages);
	free_guest(b.g);
}

static void build_copies_segments_and_zeroes_bss(void **state)
{
	struct built b;
	uint8_t *text, *data;

	build_one(&b, 4096, false);
	text = map_pfn(b.g, KERN_PADDR >> 12);
	data = text + TEXT_SIZE;
	for (uint64_t i = 0; i < TEXT_SIZE; i++)
		assert_int_equal(text[i], i >= 0x1000 && i < 0x2000 ?
				 text[i] : 0x90);
	for (uint64_t i = 0; i < DATA_SIZE; i++)
		assert_int_equal(data[i], 0xd5);
	for (uint64_t i = DATA_SIZE; i < DATA_SIZE + BSS_SIZE; i++)
		assert_int_equal(data[i], 0);
	/* below the kernel: zeroed, not the old frame contents */
	assert_int_equal(((uint8_t *)map_pfn(b.g, 0))[100], 0);
	/* initrd */
	assert_memory_equal(map_pfn(b.g, b.lay.initrd_pfn), b.initrd,
			    sizeof(b.initrd));
	free_guest(b.g);
}

static void build_writes_p2m_and_start_info(void **state)
{
	struct built b;
	struct start_info *si;
	uint64_t *p2m;

	build_one(&b, 4096, true);
	p2m = map_pfn(b.g, b.lay.p2m_pfn);
	for (uint64_t i = 0; i < 4096; i++)
		assert_int_equal(p2m[i], MFN_BASE + i * 3);

	si = map_pfn(b.g, b.lay.start_info_pfn);
	assert_string_equal(si->magic, "xen-3.0-x86_64");
	assert_int_equal(si->nr_pages, 4096);
	assert_int_equal(si->shared_info, 0x7777000);
	assert_int_equal(si->flags, SIF_PRIVILEGED | SIF_INITDOMAIN);
	assert_int_equal(si->store_mfn, b.g->p2m[b.lay.store_pfn]);
	assert_int_equal(si->store_evtchn, 5);
	assert_int_equal(si->console.domU.mfn, b.g->p2m[b.lay.console_pfn]);
	assert_int_equal(si->console.domU.evtchn, 6);
	assert_int_equal(si->pt_base, VIRT_BASE + b.lay.pt_pfn * 4096);
	assert_int_equal(si->nr_pt_frames, b.lay.pt_pages);
	assert_int_equal(si->mfn_list, VIRT_BASE + b.lay.p2m_pfn * 4096);
	assert_int_equal(si->mod_start, VIRT_BASE + b.lay.initrd_pfn * 4096);
	assert_int_equal(si->mod_len, sizeof(b.initrd));
	assert_string_equal((char *)si->cmd_line, "console=hvc0 x=1");
	assert_int_equal(si->first_p2m_pfn, 0);
	free_guest(b.g);
}

static void build_sets_initial_registers_per_contract(void **state)
{
	struct built b;

	build_one(&b, 4096, false);
	assert_int_equal(b.boot.rip, VIRT_BASE + KERN_PADDR + 0x10);
	assert_int_equal(b.boot.rsi, VIRT_BASE + b.lay.start_info_pfn * 4096);
	assert_int_equal(b.boot.rsp, VIRT_BASE + (b.lay.stack_pfn + 1) * 4096);
	assert_int_equal(b.boot.rflags, 0x200);
	assert_int_equal(b.boot.cs, 0xe033);
	assert_int_equal(b.boot.ss, 0xe02b);
	assert_int_equal(b.boot.kernel_ss, 0xe02b);
	assert_int_equal(b.boot.kernel_sp, b.boot.rsp);
	free_guest(b.g);
}

static void build_writes_hypercall_page_stubs(void **state)
{
	struct built b;
	uint8_t *page;
	static const uint8_t stub1[] = { 0x51, 0x41, 0x53, 0xb8, 1, 0, 0, 0,
					 0x0f, 0x05, 0x41, 0x5b, 0x59, 0xc3 };
	static const uint8_t iret[] = { 0x51, 0x41, 0x53, 0x50, 0xb8, 23, 0,
					0, 0, 0x0f, 0x05 };

	build_one(&b, 4096, false);
	page = map_pfn(b.g, (KERN_PADDR + 0x1000) >> 12);
	assert_memory_equal(page + 32, stub1, sizeof(stub1));
	assert_memory_equal(page + 23 * 32, iret, sizeof(iret));
	free_guest(b.g);
}

static void build_refuses_overlong_command_line(void **state)
{
	struct built b;
	struct vb_error err = { "" };
	char line[1100];

	build_one(&b, 4096, false);
	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	b.req.cmdline = line;
	assert_int_equal(vb_build(&b.img, &b.req, &b.lay, &b.g->mem, &b.boot,
				  &err), -7);
	assert_non_null(strstr(err.msg, "command line longer than 1023"));
	free_guest(b.g);
}

static void *map_fails(void *ctx, uint64_t pfn)
{
	return NULL;
}

static void build_reports_unmappable_page(void **state)
{
	struct built b;
	struct vb_error err = { "" };
	struct vb_guest_mem bad;

	build_one(&b, 4096, false);
	bad = b.g->mem;
	bad.map = map_fails;
	assert_int_equal(vb_build(&b.img, &b.req, &b.lay, &bad, &b.boot, &err),
			 -14);
	assert_non_null(strstr(err.msg, "cannot map PFN"));
	free_guest(b.g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_reads_notes_of_good_image),
		cmocka_unit_test(parse_rejects_truncated_header),
		cmocka_unit_test(parse_rejects_bad_magic_class_and_machine),
		cmocka_unit_test(parse_rejects_program_headers_outside_image),
		cmocka_unit_test(parse_rejects_segment_outside_file),
		cmocka_unit_test(parse_rejects_filesz_above_memsz),
		cmocka_unit_test(parse_rejects_overlapping_segments),
		cmocka_unit_test(parse_rejects_out_of_range_segment),
		cmocka_unit_test(parse_rejects_image_without_xen_notes),
		cmocka_unit_test(parse_rejects_note_past_segment_end),
		cmocka_unit_test(parse_rejects_bad_note_values),
		cmocka_unit_test(parse_rejects_entry_and_hypercall_page_outside_image),
		cmocka_unit_test(parse_rejects_virt_base_in_hypervisor_hole),
		cmocka_unit_test(parse_accepts_string_note_without_nul),
		cmocka_unit_test(parse_requires_dom0_feature_for_initial_domain),
		cmocka_unit_test(parse_accepts_dom0_without_supported_features_note),
		cmocka_unit_test(parse_rejects_required_supervisor_mode_kernel),
		cmocka_unit_test(parse_survives_random_corruption),
		cmocka_unit_test(layout_places_parts_in_order_on_a_4mib_boundary),
		cmocka_unit_test(layout_refuses_domain_smaller_than_boot_region),
		cmocka_unit_test(build_maps_whole_region_with_page_tables_read_only),
		cmocka_unit_test(build_copies_segments_and_zeroes_bss),
		cmocka_unit_test(build_writes_p2m_and_start_info),
		cmocka_unit_test(build_sets_initial_registers_per_contract),
		cmocka_unit_test(build_writes_hypercall_page_stubs),
		cmocka_unit_test(build_refuses_overlong_command_line),
		cmocka_unit_test(build_reports_unmappable_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
