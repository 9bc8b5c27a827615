/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vctl: dom0's management CLI.  One binary, one file per verb (cmd_*.c).
 *
 * Three layers, kept apart so that the host unit tests can reach the two
 * that do not need a hypervisor:
 *   hypercall.c  privcmd: the management hypercall and its errors
 *   parse.c      words a user types: domains, CPU lists, sizes
 *   format.c     what vctl prints: tables, JSON, key : value lines
 * config.c (config.h) is the xl.cfg parser, used by `check-config` now
 * and by `create` later.
 */
#ifndef VCTL_H
#define VCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <veneer/mgmt.h>

/* --- verbs (cmd_*.c) --------------------------------------------------- */

struct vctl_verb {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the verb */
	const char *usage;   /* after "vctl VERB " */
	const char *summary; /* one line for `vctl help` */
};

/* The verbs vctl has, in help order; NULL-terminated. */
extern const struct vctl_verb vctl_verbs[];
const struct vctl_verb *vctl_find_verb(const char *name);

/* "vctl: <what>: <why>" on stderr; returns the exit status to use (1). */
int vctl_err(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "usage: vctl VERB ..." on stderr; returns 2 (as a bad invocation). */
int vctl_usage(const struct vctl_verb *v);

int cmd_create(int argc, char **argv);
int cmd_console(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_dmesg(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_unpause(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_vcpu_list(int argc, char **argv);
int cmd_vcpu_pin(int argc, char **argv);
int cmd_sched_credit(int argc, char **argv);
int cmd_mem_max(int argc, char **argv);
int cmd_counters(int argc, char **argv);
int cmd_check_config(int argc, char **argv);
int cmd_shutdown(int argc, char **argv);
int cmd_reboot(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_help(int argc, char **argv);

/* pause, unpause, destroy: "vctl VERB DOMAIN" as one sub-operation. */
int vctl_simple_domain_op(const char *verb, uint32_t cmd, int argc,
			  char **argv);

/* --- hypercall.c: the management hypercall through privcmd ------------- */

#define PRIVCMD_PATH "/dev/xen/privcmd"

/*
 * A zeroed struct veneer_mgmt in memory the hypervisor may read and
 * write while the call runs (Linux's /dev/xen/hypercall, else mlock'd),
 * or NULL with the reason printed.  vctl_hc_alloc() gives such memory
 * for buffers the structure points to.  Freed by vctl_hc_free().
 */
struct veneer_mgmt *vctl_mgmt_alloc(void);
void *vctl_hc_alloc(size_t size);
void vctl_hc_free(void *p, size_t size);

/* Any hypercall through privcmd (arguments in memory from
 * vctl_hc_alloc()); its return value, or a negative errno. */
long vctl_hypercall(uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2,
		    uint64_t a3);
/* The open privcmd file (for mmap), or a negative errno. */
int vctl_privcmd_fd(void);

/* Issue sub-operation cmd on domid with m; 0 or a negative errno. */
int vctl_mgmt(struct veneer_mgmt *m, uint32_t cmd, domid_t domid);


/* Helpers most verbs share: the record of one domain, of all domains
 * (*out malloc'd, count in *nr), the host's physinfo.  On failure each
 * has printed "vctl: <what>: <why>" and returns non-zero. */
int vctl_domain_info(const char *what, domid_t domid,
		     struct veneer_domaininfo *out);
int vctl_domain_list(const char *what, struct veneer_domaininfo **out,
		     size_t *nr);
int vctl_physinfo(const char *what, struct veneer_mgmt_physinfo *out);
/* Print the failure of a sub-operation; returns 1. */
int vctl_mgmt_fail(const char *what, int err, const struct veneer_mgmt *m);

/* --- parse.c ----------------------------------------------------------- */

/* The longest name a domain may have (config.c checks it). */
#define VCTL_NAME_MAX 63
#define VCTL_DOM0_NAME "Domain-0"

/*
 * Names of the domains vctl created (names.c keeps them in dom0, one
 * file per domain under VCTL_RUN_DIR).  parse.c falls back to weak
 * versions that know no names (the host unit tests link no names.c).
 * vctl_name_lookup: the id of the live domain called name, 0 or -1.
 * vctl_name_get: the name of domid, 0 or -1 if it has none.
 */
#define VCTL_RUN_DIR "/var/run/veneer"
int vctl_name_lookup(const char *name, domid_t *out);
int vctl_name_get(domid_t domid, char *buf, size_t size);
int vctl_name_set(domid_t domid, const char *name);
void vctl_name_forget(domid_t domid);

/*
 * The configuration a domain was created from, kept as
 * VCTL_RUN_DIR/<name>.cfg for the monitor (restart policies, restart):
 * save (0 or a negative errno), its path, forget.
 */
int vctl_config_save(const char *name, const char *text, size_t len);
void vctl_saved_config_path(const char *name, char *buf, size_t size);
void vctl_config_forget(const char *name);
/* After a domain is destroyed: tell consoled, remove its store nodes,
 * its saved configuration and its name. */
void vctl_domain_forget(domid_t domid);

/*
 * Create and start a domain from a configuration's text (file names it
 * in messages); errors printed as "vctl: create: ...", 1; 0 with the
 * new id in *domid.  cmd_create and the monitor's restart use it.
 */
int vctl_create_from_text(const char *text, size_t len, const char *file,
			  domid_t *domid);

/*
 * The console back end (console_client.c, consoled): add tells it of a
 * new domain's console ring (mfn: its frame, for when grant 0 does not
 * map) and channel, 0 or -1 with why; del says the domain is gone
 * (quietly: there may be no back end); attach is `vctl console`.
 */
int vctl_console_add(domid_t domid, const char *name, uint64_t mfn,
		     uint32_t port, char *why, size_t size);
void vctl_console_del(domid_t domid);
int vctl_console_attach(domid_t domid);

/* Write all @len bytes to @fd (EINTR retried); 0, or -1 with errno. */
int vctl_write_all(int fd, const void *buf, size_t len);

/* A domain given by id ("3") or name ("Domain-0").  0 or -1 with the
 * reason in err. */
int vctl_parse_domain(const char *s, domid_t *out, char *err, size_t size);
/* A domain's name as vctl shows it: dom0 is "Domain-0"; a domU its name
 * from `vctl create`, else its id. */
void vctl_domain_name(domid_t domid, char *buf, size_t size);

/* xl's CPU list: "all", "3", "0-3,5", "^2" (all but), "0-7,^4".  CPUs
 * must be below nr_cpus (at most 64).  0 or -1 with the reason. */
int vctl_parse_cpulist(const char *s, unsigned int nr_cpus, uint64_t *mask,
		       char *err, size_t size);
/* A mask back as a list ("0-3,5"), "all" when it is every CPU below
 * nr_cpus, "none" when empty. */
void vctl_format_cpulist(uint64_t mask, unsigned int nr_cpus, char *buf,
			 size_t size);

/* xl's memory sizes: a number with an optional unit b, k, m, g, t
 * (either case); no unit means MiB.  Bytes in *bytes; 0 or -1. */
int vctl_parse_size(const char *s, uint64_t *bytes, char *err, size_t size);
/* An unsigned decimal number <= max; 0 or -1. */
int vctl_parse_uint(const char *s, uint64_t max, uint64_t *out);

/* --- format.c ---------------------------------------------------------- */

/* The state letters xl shows: r b p s c d, '-' where a flag is clear. */
void vctl_state_letters(uint32_t flags, char out[7]);
const char *vctl_shutdown_reason(uint32_t reason);

void vctl_print_list(FILE *f, const struct veneer_domaininfo *d, size_t nr,
		     bool longer);
void vctl_print_list_json(FILE *f, const struct veneer_domaininfo *d,
			  size_t nr);

/* One vCPU of one domain, as vcpu-list shows it. */
struct vctl_vcpu {
	domid_t domid;
	uint32_t vcpu;
	struct veneer_mgmt_getvcpuinfo info;
};
void vctl_print_vcpu_list(FILE *f, const struct vctl_vcpu *v, size_t nr,
			  unsigned int nr_cpus);
void vctl_print_vcpu_list_json(FILE *f, const struct vctl_vcpu *v,
			       size_t nr, unsigned int nr_cpus);

void vctl_print_info(FILE *f, const struct veneer_mgmt_physinfo *p,
		     const char *host);
void vctl_print_info_json(FILE *f, const struct veneer_mgmt_physinfo *p,
			  const char *host);

void vctl_print_sched_header(FILE *f);
void vctl_print_sched(FILE *f, domid_t domid,
		      const struct veneer_mgmt_sched *s);

void vctl_print_counters(FILE *f, domid_t domid,
			 const struct veneer_mgmt_getcounters *c);
void vctl_print_counters_json(FILE *f, domid_t domid,
			      const struct veneer_mgmt_getcounters *c);

/* The reason for a failed vctl_mgmt() in words, as "<why>" of vctl_err;
 * hv_version is what the hypervisor wrote back into the call. */
const char *vctl_mgmt_strerror(int err, uint32_t hv_version, char *buf,
			       size_t size);

/* A JSON string literal (quotes and escapes) of s. */
void vctl_json_string(FILE *f, const char *s);

#endif /* VCTL_H */
