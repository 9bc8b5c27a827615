/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The domain configuration file: the subset of xl.cfg(5) vctl takes.
 *
 *   # a comment
 *   name    = "web1"
 *   memory  = 512            # MiB
 *   vcpus   = 2
 *   kernel  = "/boot/vmlinuz"
 *   extra   = 'console=hvc0'
 *   cpus    = "0-1"
 *   on_crash = "preserve"
 *
 * One KEY = VALUE per line (or several, separated by ';'); a VALUE is a
 * string in "" or '' (with \\ \" \' \n \t \r escapes), an unsigned number
 * (decimal, or hex with 0x), or a list [ v, v, ... ] of those that may
 * span lines.  Unknown keys, keys given twice and values of the wrong kind
 * are errors, each reported with its line.  docs/vctl.md lists the keys.
 */
#ifndef VCTL_CONFIG_H
#define VCTL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vctl.h"

enum vctl_action {
	VCTL_ACTION_DESTROY,
	VCTL_ACTION_RESTART,
	VCTL_ACTION_PRESERVE,
};

/* Virtual disks a domain may have (disk = [ ... ]). */
#define VCTL_DISKS_MAX 16

/*
 * One disk, from an xl disk spec "target,format,vdev,access" (positional,
 * or key=value: target=, format=, vdev=, access=; format raw only; vdev
 * xvda..xvdz; access r/ro or w/rw, default rw).
 */
struct vctl_disk {
	char *target;            /* the image file (dom0 path) */
	char vdev[8];            /* "xvda" */
	uint32_t devid;          /* Xen's number for it: 202 << 8 | n << 4 */
	bool readonly;
};

/* What a guest's kernel command line can hold (start_info.cmd_line). */
#define VCTL_CMDLINE_MAX 1023

struct vctl_config {
	char name[VCTL_NAME_MAX + 1];
	uint64_t memory_mib;     /* start with this much (default 128) */
	uint64_t maxmem_mib;     /* may grow to this (default: memory) */
	uint32_t vcpus;          /* 1..VENEER_MGMT_MAX_VCPUS (default 1) */
	char *kernel;            /* path, required */
	char *ramdisk;           /* path, or NULL */
	char *cmdline;           /* cmdline, or "root=ROOT EXTRA"; never NULL */
	enum vctl_action on_poweroff; /* default destroy */
	enum vctl_action on_reboot;   /* default restart */
	enum vctl_action on_crash;    /* default destroy */
	uint32_t cpu_weight;     /* 1..65535 (default 256) */
	uint32_t cap;            /* % of one CPU, 0 = none (default) */
	uint64_t cpumask;        /* cpus as a mask of 64; all bits if unset */
	char *cpus;              /* cpus as written, or NULL: checked again
				  * against the host's CPUs at create */
	struct vctl_disk disks[VCTL_DISKS_MAX];
	unsigned int nr_disks;
};

/* Parse one xl disk spec into d; 0, or -1 with why in err. */
int vctl_disk_parse(const char *spec, struct vctl_disk *d, char *err,
		    size_t size);

/*
 * Parse text (len bytes; NULs are an error) read from `file` (a name for
 * messages) into cfg.  0, or -1 with "FILE:LINE: what" (or "FILE: what"
 * for the file as a whole) in err; cfg then holds nothing to free.
 */
int vctl_config_parse(const char *text, size_t len, const char *file,
		      struct vctl_config *cfg, char *err, size_t size);
/* The same from a file (at most 1 MiB). */
int vctl_config_load(const char *path, struct vctl_config *cfg, char *err,
		     size_t size);
void vctl_config_free(struct vctl_config *cfg);
/* A configuration file's text (at most 1 MiB), NUL-terminated and
 * malloc'd in *text, its length in *len; 0, or -1 with why in err. */
int vctl_config_read(const char *path, char **text, size_t *len,
		     char *err, size_t size);

const char *vctl_action_name(enum vctl_action a);
/* The checked configuration, as key = value lines or one JSON object. */
void vctl_config_print(FILE *f, const struct vctl_config *cfg);
void vctl_config_print_json(FILE *f, const struct vctl_config *cfg);

#endif /* VCTL_CONFIG_H */
