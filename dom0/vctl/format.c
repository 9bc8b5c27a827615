// SPDX-License-Identifier: GPL-2.0
/*
 * What vctl prints.  Every table and JSON document comes from here, from
 * records already fetched, so that the host unit tests
 * (tests/unit/test_vctl_format.c) check the output without a hypervisor.
 *
 * The tables follow xl's: `list` is xl list's columns and widths, state
 * letters included; `vcpu-list` and `sched-credit` likewise.  JSON is one
 * document per command, numbers as numbers, memory in MiB and KiB-free
 * units named in the key.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <veneer/sched.h>

#include "vctl.h"

/* 4 KiB pages as MiB, as xl shows memory. */
static uint64_t pages_to_mib(uint64_t pages)
{
	return pages >> 8;
}

void vctl_state_letters(uint32_t flags, char out[7])
{
	out[0] = flags & VENEER_DOMINF_running ? 'r' : '-';
	out[1] = flags & VENEER_DOMINF_blocked ? 'b' : '-';
	out[2] = flags & VENEER_DOMINF_paused ? 'p' : '-';
	out[3] = flags & VENEER_DOMINF_shutdown ? 's' : '-';
	out[4] = flags & VENEER_DOMINF_crashed ? 'c' : '-';
	out[5] = flags & VENEER_DOMINF_dying ? 'd' : '-';
	out[6] = '\0';
}

const char *vctl_shutdown_reason(uint32_t reason)
{
	static const char *const names[] = {
		[SHUTDOWN_poweroff] = "poweroff",
		[SHUTDOWN_reboot] = "reboot",
		[SHUTDOWN_suspend] = "suspend",
		[SHUTDOWN_crash] = "crash",
		[SHUTDOWN_watchdog] = "watchdog",
		[SHUTDOWN_soft_reset] = "soft_reset",
	};

	if (reason < sizeof(names) / sizeof(names[0]) && names[reason])
		return names[reason];
	return "unknown";
}

void vctl_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* --- errors ---------------------------------------------------------- */

/* 0x00010002 as "1.2". */
static void version_words(uint32_t v, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u", v >> 16, v & 0xffff);
}

const char *vctl_mgmt_strerror(int err, uint32_t hv_version, char *buf,
			       size_t size)
{
	char hv[16], ours[16];

	switch (-err) {
	case EPERM:
		return "not dom0 (only the initial domain may manage domains)";
	case ENOSYS:
		return "the hypervisor does not implement this operation";
	case EPROTONOSUPPORT:
		version_words(hv_version, hv, sizeof(hv));
		version_words(VENEER_MGMT_VERSION, ours, sizeof(ours));
		snprintf(buf, size, "hypervisor speaks management interface "
			 "version %s, vctl %s", hv, ours);
		return buf;
	case ESRCH:
		return "no such domain";
	case EINVAL:
		return "invalid argument (the hypervisor refused a value)";
	case ENOMEM:
		return "not enough memory";
	case EEXIST:
		return "domain already exists";
	case EBUSY:
		return "busy (the domain is in a state that does not allow it)";
	case EFAULT:
		return "bad address (the hypervisor could not reach vctl's "
		       "buffer)";
	case ERANGE:
		return "value out of range";
	case EOPNOTSUPP:
		return "not available yet in this hypervisor";
	case ENOSPC:
		return "no free domain id";
	default:
		snprintf(buf, size, "%s (error %d)", strerror(-err), -err);
		return buf;
	}
}

/* --- list -------------------------------------------------------------- */

void vctl_print_list(FILE *f, const struct veneer_domaininfo *d, size_t nr,
		     bool longer)
{
	char name[32], state[7];
	size_t i;

	fprintf(f, "%-40s %5s %5s %5s %10s %9s", "Name", "ID", "Mem", "VCPUs",
		"State", "Time(s)");
	if (longer)
		fprintf(f, " %6s %8s  %s", "MaxMem", "MaxVCPUs", "Shutdown");
	fputc('\n', f);
	for (i = 0; i < nr; i++) {
		vctl_domain_name(d[i].domid, name, sizeof(name));
		vctl_state_letters(d[i].flags, state);
		fprintf(f, "%-40s %5u %5" PRIu64 " %5u     %s  %8.1f", name,
			d[i].domid, pages_to_mib(d[i].tot_pages),
			d[i].nr_online_vcpus, state,
			(double)d[i].cpu_time_ns / 1e9);
		if (longer)
			fprintf(f, " %6" PRIu64 " %8u  %s",
				pages_to_mib(d[i].max_pages), d[i].max_vcpus,
				d[i].flags & VENEER_DOMINF_shutdown ?
				vctl_shutdown_reason(d[i].shutdown_reason) :
				"-");
		fputc('\n', f);
	}
}

void vctl_print_list_json(FILE *f, const struct veneer_domaininfo *d,
			  size_t nr)
{
	char name[32], state[7];
	size_t i;

	fputs("[", f);
	for (i = 0; i < nr; i++) {
		vctl_domain_name(d[i].domid, name, sizeof(name));
		vctl_state_letters(d[i].flags, state);
		fprintf(f, "%s\n  {\"name\": ", i ? "," : "");
		vctl_json_string(f, name);
		fprintf(f, ", \"domid\": %u, \"mem_mib\": %" PRIu64
			", \"max_mem_mib\": %" PRIu64 ", \"pages\": %" PRIu64
			", \"max_pages\": %" PRIu64 ", \"vcpus\": %u"
			", \"max_vcpus\": %u, \"state\": \"%s\"",
			d[i].domid, pages_to_mib(d[i].tot_pages),
			pages_to_mib(d[i].max_pages), d[i].tot_pages,
			d[i].max_pages, d[i].nr_online_vcpus, d[i].max_vcpus,
			state);
		fprintf(f, ", \"running\": %s, \"blocked\": %s, \"paused\": %s"
			", \"shutdown\": %s, \"crashed\": %s, \"dying\": %s",
			d[i].flags & VENEER_DOMINF_running ? "true" : "false",
			d[i].flags & VENEER_DOMINF_blocked ? "true" : "false",
			d[i].flags & VENEER_DOMINF_paused ? "true" : "false",
			d[i].flags & VENEER_DOMINF_shutdown ? "true" : "false",
			d[i].flags & VENEER_DOMINF_crashed ? "true" : "false",
			d[i].flags & VENEER_DOMINF_dying ? "true" : "false");
		fputs(", \"shutdown_reason\": ", f);
		if (d[i].flags & VENEER_DOMINF_shutdown)
			vctl_json_string(f, vctl_shutdown_reason(
						 d[i].shutdown_reason));
		else
			fputs("null", f);
		fprintf(f, ", \"cpu_time_ns\": %" PRIu64 "}", d[i].cpu_time_ns);
	}
	fputs(nr ? "\n]\n" : "]\n", f);
}

/* --- vcpu-list --------------------------------------------------------- */

static void vcpu_state(const struct veneer_mgmt_getvcpuinfo *v, char out[4])
{
	out[0] = v->online && v->running ? 'r' : '-';
	out[1] = v->online && v->blocked ? 'b' : '-';
	out[2] = v->online ? '-' : 'p'; /* down, as xl shows it */
	out[3] = '\0';
}

void vctl_print_vcpu_list(FILE *f, const struct vctl_vcpu *v, size_t nr,
			  unsigned int nr_cpus)
{
	char name[32], state[4], cpu[12], aff[200];
	size_t i;

	fprintf(f, "%-32s %5s %5s %5s %5s %9s  %s\n", "Name", "ID", "VCPU",
		"CPU", "State", "Time(s)", "Affinity");
	for (i = 0; i < nr; i++) {
		vctl_domain_name(v[i].domid, name, sizeof(name));
		vcpu_state(&v[i].info, state);
		if (v[i].info.online)
			snprintf(cpu, sizeof(cpu), "%u", v[i].info.cpu);
		else
			snprintf(cpu, sizeof(cpu), "-");
		vctl_format_cpulist(v[i].info.affinity, nr_cpus, aff,
				    sizeof(aff));
		fprintf(f, "%-32s %5u %5u %5s %5s %9.1f  %s\n", name,
			v[i].domid, v[i].vcpu, cpu, state,
			(double)v[i].info.cpu_time_ns / 1e9, aff);
	}
}

void vctl_print_vcpu_list_json(FILE *f, const struct vctl_vcpu *v,
			       size_t nr, unsigned int nr_cpus)
{
	char name[32], aff[200];
	size_t i;

	fputs("[", f);
	for (i = 0; i < nr; i++) {
		vctl_domain_name(v[i].domid, name, sizeof(name));
		vctl_format_cpulist(v[i].info.affinity, nr_cpus, aff,
				    sizeof(aff));
		fprintf(f, "%s\n  {\"name\": ", i ? "," : "");
		vctl_json_string(f, name);
		fprintf(f, ", \"domid\": %u, \"vcpu\": %u, \"online\": %s"
			", \"running\": %s, \"blocked\": %s, \"cpu\": ",
			v[i].domid, v[i].vcpu,
			v[i].info.online ? "true" : "false",
			v[i].info.running ? "true" : "false",
			v[i].info.blocked ? "true" : "false");
		if (v[i].info.online)
			fprintf(f, "%u", v[i].info.cpu);
		else
			fputs("null", f);
		fprintf(f, ", \"cpu_time_ns\": %" PRIu64 ", \"affinity\": ",
			v[i].info.cpu_time_ns);
		vctl_json_string(f, aff);
		fprintf(f, ", \"affinity_mask\": %" PRIu64 "}",
			v[i].info.affinity);
	}
	fputs(nr ? "\n]\n" : "]\n", f);
}

/* --- info -------------------------------------------------------------- */

static void caps_words(uint32_t caps, char *buf, size_t size)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ VENEER_CAP_PV64, "pv64" },
		{ VENEER_CAP_FOREIGN_MAP, "foreign-map" },
		{ VENEER_CAP_GRANT_V2, "grant-v2" },
	};
	size_t i, used = 0;
	uint32_t known = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		known |= names[i].bit;
		if (caps & names[i].bit)
			used += (size_t)snprintf(buf + used, size - used, "%s%s",
						 used ? " " : "",
						 names[i].name);
		if (used >= size)
			return;
	}
	if (caps & ~known)
		snprintf(buf + used, size - used, "%s0x%x", used ? " " : "",
			 caps & ~known);
	else if (!used)
		snprintf(buf, size, "none");
}

/* The extra version string as the hypervisor gave it, up to its NUL. */
static void version_string(const struct veneer_mgmt_physinfo *p, char *buf,
			   size_t size)
{
	size_t n = strnlen(p->extra, sizeof(p->extra));

	snprintf(buf, size, "%u.%u%.*s", p->version_major, p->version_minor,
		 (int)n, p->extra);
}

void vctl_print_info(FILE *f, const struct veneer_mgmt_physinfo *p,
		     const char *host)
{
	char caps[128], version[64];

	caps_words(p->capabilities, caps, sizeof(caps));
	version_string(p, version, sizeof(version));
	fprintf(f, "%-23s: %s\n", "host", host);
	fprintf(f, "%-23s: %u\n", "nr_cpus", p->nr_cpus);
	fprintf(f, "%-23s: %" PRIu64 "\n", "cpu_mhz", p->cpu_khz / 1000);
	fprintf(f, "%-23s: %" PRIu64 "\n", "total_memory",
		pages_to_mib(p->total_pages));
	fprintf(f, "%-23s: %" PRIu64 "\n", "free_memory",
		pages_to_mib(p->free_pages));
	fprintf(f, "%-23s: %u\n", "max_domains", p->max_domains);
	fprintf(f, "%-23s: %s\n", "hypervisor_version", version);
	fprintf(f, "%-23s: %s\n", "capabilities", caps);
	fprintf(f, "%-23s: %u.%u\n", "mgmt_version",
		VENEER_MGMT_VERSION >> 16, VENEER_MGMT_VERSION & 0xffff);
}

void vctl_print_info_json(FILE *f, const struct veneer_mgmt_physinfo *p,
			  const char *host)
{
	char caps[128], version[64];

	caps_words(p->capabilities, caps, sizeof(caps));
	version_string(p, version, sizeof(version));
	fputs("{\"host\": ", f);
	vctl_json_string(f, host);
	fprintf(f, ", \"nr_cpus\": %u, \"cpu_khz\": %" PRIu64
		", \"total_memory_mib\": %" PRIu64
		", \"free_memory_mib\": %" PRIu64 ", \"total_pages\": %" PRIu64
		", \"free_pages\": %" PRIu64 ", \"max_domains\": %u"
		", \"hypervisor_version\": ",
		p->nr_cpus, p->cpu_khz, pages_to_mib(p->total_pages),
		pages_to_mib(p->free_pages), p->total_pages, p->free_pages,
		p->max_domains);
	vctl_json_string(f, version);
	fputs(", \"capabilities\": ", f);
	vctl_json_string(f, caps);
	fprintf(f, ", \"mgmt_version\": \"%u.%u\"}\n",
		VENEER_MGMT_VERSION >> 16, VENEER_MGMT_VERSION & 0xffff);
}

/* --- sched-credit ------------------------------------------------------ */

void vctl_print_sched_header(FILE *f)
{
	fprintf(f, "%-32s %5s %6s %4s\n", "Name", "ID", "Weight", "Cap");
}

void vctl_print_sched(FILE *f, domid_t domid,
		      const struct veneer_mgmt_sched *s)
{
	char name[32];

	vctl_domain_name(domid, name, sizeof(name));
	fprintf(f, "%-32s %5u %6u %4u\n", name, domid, s->weight, s->cap);
}

/* --- counters ---------------------------------------------------------- */

static const char *const hypercall_names[VENEER_NR_HYPERCALL_COUNTERS] = {
	[__HYPERVISOR_set_trap_table] = "set_trap_table",
	[__HYPERVISOR_mmu_update] = "mmu_update",
	[__HYPERVISOR_set_gdt] = "set_gdt",
	[__HYPERVISOR_stack_switch] = "stack_switch",
	[__HYPERVISOR_set_callbacks] = "set_callbacks",
	[__HYPERVISOR_fpu_taskswitch] = "fpu_taskswitch",
	[__HYPERVISOR_sched_op_compat] = "sched_op_compat",
	[__HYPERVISOR_platform_op] = "platform_op",
	[__HYPERVISOR_set_debugreg] = "set_debugreg",
	[__HYPERVISOR_get_debugreg] = "get_debugreg",
	[__HYPERVISOR_update_descriptor] = "update_descriptor",
	[__HYPERVISOR_memory_op] = "memory_op",
	[__HYPERVISOR_multicall] = "multicall",
	[__HYPERVISOR_update_va_mapping] = "update_va_mapping",
	[__HYPERVISOR_set_timer_op] = "set_timer_op",
	[__HYPERVISOR_event_channel_op_compat] = "event_channel_op_compat",
	[__HYPERVISOR_xen_version] = "xen_version",
	[__HYPERVISOR_console_io] = "console_io",
	[__HYPERVISOR_physdev_op_compat] = "physdev_op_compat",
	[__HYPERVISOR_grant_table_op] = "grant_table_op",
	[__HYPERVISOR_vm_assist] = "vm_assist",
	[__HYPERVISOR_update_va_mapping_otherdomain] =
		"update_va_mapping_otherdomain",
	[__HYPERVISOR_iret] = "iret",
	[__HYPERVISOR_vcpu_op] = "vcpu_op",
	[__HYPERVISOR_set_segment_base] = "set_segment_base",
	[__HYPERVISOR_mmuext_op] = "mmuext_op",
	[__HYPERVISOR_xsm_op] = "xsm_op",
	[__HYPERVISOR_nmi_op] = "nmi_op",
	[__HYPERVISOR_sched_op] = "sched_op",
	[__HYPERVISOR_callback_op] = "callback_op",
	[__HYPERVISOR_xenoprof_op] = "xenoprof_op",
	[__HYPERVISOR_event_channel_op] = "event_channel_op",
	[__HYPERVISOR_physdev_op] = "physdev_op",
	[__HYPERVISOR_hvm_op] = "hvm_op",
	[__HYPERVISOR_sysctl] = "sysctl",
	[__HYPERVISOR_domctl] = "domctl",
	[__HYPERVISOR_kexec_op] = "kexec_op",
	[__HYPERVISOR_tmem_op] = "tmem_op",
	[__HYPERVISOR_argo_op] = "argo_op",
	[__HYPERVISOR_xenpmu_op] = "xenpmu_op",
	[__HYPERVISOR_dm_op] = "dm_op",
	[__HYPERVISOR_hypfs_op] = "hypfs_op",
	[__HYPERVISOR_veneer_mgmt] = "veneer_mgmt",
};

static const char *const trap_names[VENEER_NR_TRAP_COUNTERS] = {
	"DE", "DB", "NMI", "BP", "OF", "BR", "UD", "NM", "DF", NULL,
	"TS", "NP", "SS", "GP", "PF", NULL, "MF", "AC", "MC", "XM",
	"VE", "CP",
};

/* "mmu_update" or "hypercall_44" for a number without a name. */
static void hypercall_name(unsigned int nr, char *buf, size_t size)
{
	if (hypercall_names[nr])
		snprintf(buf, size, "%s", hypercall_names[nr]);
	else
		snprintf(buf, size, "hypercall_%u", nr);
}

static void trap_name(unsigned int vec, char *buf, size_t size)
{
	if (trap_names[vec])
		snprintf(buf, size, "#%s", trap_names[vec]);
	else
		snprintf(buf, size, "vector_%u", vec);
}

void vctl_print_counters(FILE *f, domid_t domid,
			 const struct veneer_mgmt_getcounters *c)
{
	char name[40];
	unsigned int i;
	bool any;

	vctl_domain_name(domid, name, sizeof(name));
	fprintf(f, "Counters of %s (domain %u) since it was created\n", name,
		domid);
	fprintf(f, "%-23s: %" PRIu64 "\n", "pt_updates", c->pt_updates);
	fprintf(f, "%-23s: %" PRIu64 "\n", "ptwr_emulations",
		c->ptwr_emulations);
	fprintf(f, "%-23s: %" PRIu64 "\n", "tlb_flushes", c->tlb_flushes);
	fprintf(f, "%-23s: %" PRIu64 "\n", "events_sent", c->events_sent);
	fprintf(f, "%-23s: %" PRIu64 "\n", "multicall_entries",
		c->multicall_entries);
	fprintf(f, "%-23s: %" PRIu64 "\n", "bounces", c->bounces);
	fputs("Hypercalls:\n", f);
	for (any = false, i = 0; i < VENEER_NR_HYPERCALL_COUNTERS; i++) {
		if (!c->hypercalls[i])
			continue;
		hypercall_name(i, name, sizeof(name));
		fprintf(f, "  %-3u %-29s %" PRIu64 "\n", i, name,
			c->hypercalls[i]);
		any = true;
	}
	if (!any)
		fputs("  none\n", f);
	fputs("Traps:\n", f);
	for (any = false, i = 0; i < VENEER_NR_TRAP_COUNTERS; i++) {
		if (!c->traps[i])
			continue;
		trap_name(i, name, sizeof(name));
		fprintf(f, "  %-3u %-29s %" PRIu64 "\n", i, name, c->traps[i]);
		any = true;
	}
	if (!any)
		fputs("  none\n", f);
}

void vctl_print_counters_json(FILE *f, domid_t domid,
			      const struct veneer_mgmt_getcounters *c)
{
	char name[40];
	unsigned int i;
	bool first;

	vctl_domain_name(domid, name, sizeof(name));
	fputs("{\"name\": ", f);
	vctl_json_string(f, name);
	fprintf(f, ", \"domid\": %u, \"pt_updates\": %" PRIu64
		", \"ptwr_emulations\": %" PRIu64 ", \"tlb_flushes\": %" PRIu64
		", \"events_sent\": %" PRIu64
		", \"multicall_entries\": %" PRIu64 ", \"bounces\": %" PRIu64,
		domid, c->pt_updates, c->ptwr_emulations, c->tlb_flushes,
		c->events_sent, c->multicall_entries, c->bounces);
	/* Only the non-zero ones, keyed by name (numbers stay unique). */
	fputs(",\n \"hypercalls\": {", f);
	for (first = true, i = 0; i < VENEER_NR_HYPERCALL_COUNTERS; i++) {
		if (!c->hypercalls[i])
			continue;
		hypercall_name(i, name, sizeof(name));
		fprintf(f, "%s\"%s\": %" PRIu64, first ? "" : ", ", name,
			c->hypercalls[i]);
		first = false;
	}
	fputs("},\n \"traps\": {", f);
	for (first = true, i = 0; i < VENEER_NR_TRAP_COUNTERS; i++) {
		if (!c->traps[i])
			continue;
		trap_name(i, name, sizeof(name));
		fprintf(f, "%s\"%s\": %" PRIu64, first ? "" : ", ", name,
			c->traps[i]);
		first = false;
	}
	fputs("}}\n", f);
}
