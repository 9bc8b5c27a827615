// SPDX-License-Identifier: GPL-2.0
/*
 * vb-inspect: show what the domain builder makes of a PV kernel image —
 * its Xen notes and the bootstrap layout it would get — or why it is
 * refused. A debugging aid for operators and tests; it builds nothing.
 *
 * Usage: vb-inspect [--dom0] [--mem MiB] [--initrd FILE] IMAGE
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	void *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc(n ? n : 1);
		if (buf && fread(buf, 1, n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = n;
	}
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	struct vb_request req = { .nr_pages = 256 * 256 };
	struct vb_image img;
	struct vb_layout lay;
	struct vb_error err;
	const char *path = NULL, *initrd = NULL;
	bool dom0 = false;
	size_t len;
	void *elf;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dom0"))
			dom0 = true;
		else if (!strcmp(argv[i], "--mem") && i + 1 < argc)
			req.nr_pages = strtoull(argv[++i], NULL, 0) * 256;
		else if (!strcmp(argv[i], "--initrd") && i + 1 < argc)
			initrd = argv[++i];
		else if (argv[i][0] != '-' && !path)
			path = argv[i];
		else {
			fprintf(stderr, "usage: vb-inspect [--dom0] [--mem MiB] "
				"[--initrd FILE] IMAGE\n");
			return 2;
		}
	}
	if (!path) {
		fprintf(stderr, "vb-inspect: no image given\n");
		return 2;
	}
	elf = slurp(path, &len);
	if (!elf) {
		fprintf(stderr, "vb-inspect: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (initrd) {
		size_t n;

		req.initrd = slurp(initrd, &n);
		if (!req.initrd) {
			fprintf(stderr, "vb-inspect: %s: %s\n", initrd,
				strerror(errno));
			return 1;
		}
		req.initrd_len = n;
	}

	rc = vb_parse_image(elf, len, dom0, &img, &err);
	if (rc) {
		fprintf(stderr, "vb-inspect: %s: %s\n", path, err.msg);
		return 1;
	}
	printf("guest_os=%s loader=%s\n", img.guest_os, img.loader);
	printf("virt_base=%#lx entry=%#lx hypercall_page=%#lx\n",
	       img.virt_base, img.entry, img.hypercall_page);
	printf("kernel=%#lx-%#lx supported_features=%#x "
	       "required_features=%#x\n", img.kern_start, img.kern_end,
	       img.supported_features, img.required_features);

	rc = vb_plan_layout(&img, &req, &lay, &err);
	if (rc) {
		fprintf(stderr, "vb-inspect: layout: %s\n", err.msg);
		return 1;
	}
	printf("region=%#lx-%#lx pages=%lu\n", lay.v_start, lay.v_end,
	       (lay.v_end - lay.v_start) >> 12);
	printf("kernel_pfn=%#lx+%lu initrd_pfn=%#lx+%lu p2m_pfn=%#lx+%lu\n",
	       lay.kern_pfn, lay.kern_pages, lay.initrd_pfn, lay.initrd_pages,
	       lay.p2m_pfn, lay.p2m_pages);
	printf("start_info_pfn=%#lx pt_pfn=%#lx+%lu stack_pfn=%#lx\n",
	       lay.start_info_pfn, lay.pt_pfn, lay.pt_pages, lay.stack_pfn);
	return 0;
}
