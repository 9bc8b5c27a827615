/* SPDX-License-Identifier: MIT */
/*
 * platform_op (hypercall 7): the few platform operations a device-less
 * initial domain issues: setting the wall clock, firmware queries (EDD,
 * EFI, keyboard flags) at boot, processor power-management info and
 * physical CPU info.  Every caller tolerates an error, so the hypervisor
 * may refuse all but settime.
 */
#ifndef VENEER_PLATFORM_H
#define VENEER_PLATFORM_H

#include <veneer/xen.h>

/* xen_platform_op.interface_version must equal this. */
#define XENPF_INTERFACE_VERSION 0x03000001

#define XENPF_settime32             17
#define XENPF_settime64             62
#define XENPF_settime               XENPF_settime64
#define XENPF_firmware_info         50
#define XENPF_set_processor_pminfo  54
#define XENPF_get_cpuinfo           55

/* Set the wall clock: secs.nsecs was true at the given system time. */
struct xenpf_settime32 {
	uint32_t secs;
	uint32_t nsecs;
	uint64_t system_time;
};

struct xenpf_settime64 {
	uint64_t secs;
	uint32_t nsecs;
	uint32_t mbz;          /* must be zero */
	uint64_t system_time;
};

/* xenpf_firmware_info.type */
#define XEN_FW_DISK_INFO          1 /* EDD drive parameters */
#define XEN_FW_DISK_MBR_SIGNATURE 2
#define XEN_FW_VBEDDC_INFO        3 /* VBE/DDC monitor info */
#define XEN_FW_EFI_INFO           4 /* index: XEN_FW_EFI_* */
#define XEN_FW_KBD_SHIFT_FLAGS    5 /* BIOS keyboard shift state */

/* xenpf_firmware_info.index for XEN_FW_EFI_INFO */
#define XEN_FW_EFI_VERSION          0
#define XEN_FW_EFI_CONFIG_TABLE     1
#define XEN_FW_EFI_VENDOR           2
#define XEN_FW_EFI_MEM_INFO         3
#define XEN_FW_EFI_RT_VERSION       4
#define XEN_FW_EFI_PCI_ROM          5
#define XEN_FW_EFI_APPLE_PROPERTIES 6

/* Query boot firmware information collected by the hypervisor. */
struct xenpf_firmware_info {
	uint32_t type;   /* IN: XEN_FW_* */
	uint32_t index;  /* IN: which item of that type */
	union {
		struct {
			uint8_t device;            /* BIOS drive number */
			uint8_t version;           /* EDD version */
			uint16_t interface_support;
			uint16_t legacy_max_cylinder;
			uint8_t legacy_max_head;
			uint8_t legacy_sectors_per_track;
			xen_guest_handle_t edd_params; /* buffer for EDD data */
		} disk_info;
		struct {
			uint8_t device;
			uint32_t mbr_signature;
		} disk_mbr_signature;
		struct {
			uint8_t capabilities;
			uint8_t edid_transfer_time;
			xen_guest_handle_t edid;   /* 128-byte EDID buffer */
		} vbeddc_info;
		union xenpf_efi_info {
			uint32_t version;
			struct {
				uint64_t addr;     /* EFI configuration table */
				uint32_t nent;
			} cfg;
			struct {
				uint32_t revision;
				uint32_t bufsz;
				xen_guest_handle_t name; /* vendor string */
			} vendor;
			struct {
				uint64_t addr;     /* IN/OUT: memory range */
				uint64_t size;
				uint64_t attr;
				uint32_t type;
			} mem;
			struct {
				uint16_t segment;  /* IN: device */
				uint8_t bus;
				uint8_t devfn;
				uint16_t vendor;
				uint16_t devid;
				uint64_t address;  /* OUT: ROM image */
				xen_ulong_t size;
			} pci_rom;
			struct {
				uint64_t address;
				xen_ulong_t size;
			} apple_properties;
		} efi_info;
		uint8_t kbd_shift_flags;
	} u;             /* OUT: selected by type */
};

/* xenpf_set_processor_pminfo.type; Linux sends XEN_PM_PDC at boot. */
#define XEN_PM_CX  0
#define XEN_PM_PX  1
#define XEN_PM_TX  2
#define XEN_PM_PDC 3

/* xenpf_pcpuinfo.flags */
#define XEN_PCPU_FLAGS_ONLINE  1
#define XEN_PCPU_FLAGS_INVALID 2

/* Information about one physical CPU. */
struct xenpf_pcpuinfo {
	uint32_t xen_cpuid;    /* IN: physical CPU number */
	uint32_t max_present;  /* OUT: highest present CPU number */
	uint32_t flags;        /* OUT: XEN_PCPU_FLAGS_* */
	uint32_t apic_id;      /* OUT */
	uint32_t acpi_id;      /* OUT */
};

/*
 * The platform_op argument.  The union is 128 bytes whatever the
 * command; only the members Veneer decodes are named here.
 */
struct xen_platform_op {
	uint32_t cmd;                 /* XENPF_* */
	uint32_t interface_version;   /* XENPF_INTERFACE_VERSION */
	union {
		struct xenpf_settime32 settime32;
		struct xenpf_settime64 settime64;
		struct xenpf_firmware_info firmware_info;
		struct xenpf_pcpuinfo pcpu_info;
		uint8_t pad[128];
	} u;
};

#endif /* VENEER_PLATFORM_H */
