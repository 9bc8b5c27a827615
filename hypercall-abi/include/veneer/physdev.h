/* SPDX-License-Identifier: MIT */
/*
 * physdev_op (hypercall 33): the operations an initial domain issues about
 * physical interrupts, I/O privilege and PCI devices.  Veneer's dom0 has
 * no devices, so most of these only need to be recognised and refused;
 * set_iopl and set_iobitmap are called by every PV kernel.
 */
#ifndef VENEER_PHYSDEV_H
#define VENEER_PHYSDEV_H

#include <veneer/xen.h>

#define PHYSDEVOP_irq_status_query      5
#define PHYSDEVOP_set_iopl              6
#define PHYSDEVOP_set_iobitmap          7
#define PHYSDEVOP_apic_read             8
#define PHYSDEVOP_apic_write            9
#define PHYSDEVOP_alloc_irq_vector     10
#define PHYSDEVOP_free_irq_vector      11
#define PHYSDEVOP_eoi                  12
#define PHYSDEVOP_map_pirq             13
#define PHYSDEVOP_unmap_pirq           14
#define PHYSDEVOP_manage_pci_add       15
#define PHYSDEVOP_manage_pci_remove    16
#define PHYSDEVOP_pirq_eoi_gmfn_v1     17
#define PHYSDEVOP_restore_msi          19
#define PHYSDEVOP_manage_pci_add_ext   20
#define PHYSDEVOP_setup_gsi            21
#define PHYSDEVOP_get_free_pirq        23
#define PHYSDEVOP_pci_mmcfg_reserved   24
#define PHYSDEVOP_pci_device_add       25
#define PHYSDEVOP_pci_device_remove    26
#define PHYSDEVOP_restore_msi_ext      27
#define PHYSDEVOP_pirq_eoi_gmfn_v2     28
#define PHYSDEVOP_pirq_eoi_gmfn        PHYSDEVOP_pirq_eoi_gmfn_v2

/* Acknowledge a physical IRQ. */
struct physdev_eoi {
	uint32_t irq;
};

/* Register a page of "needs EOI" bits, one per pirq. */
struct physdev_pirq_eoi_gmfn {
	xen_pfn_t gmfn;
};

/* physdev_irq_status_query.flags */
#define _XENIRQSTAT_needs_eoi (0)
#define XENIRQSTAT_needs_eoi  (1U << _XENIRQSTAT_needs_eoi) /* must call eoi */
#define _XENIRQSTAT_shared    (1)
#define XENIRQSTAT_shared     (1U << _XENIRQSTAT_shared)    /* shared with others */

struct physdev_irq_status_query {
	uint32_t irq;    /* IN */
	uint32_t flags;  /* OUT: XENIRQSTAT_* */
};

/* Set the virtual I/O privilege level (0-3) of the guest kernel. */
struct physdev_set_iopl {
	uint32_t iopl;
};

/* Give the guest kernel an I/O permission bitmap. */
struct physdev_set_iobitmap {
	xen_guest_handle_t bitmap;  /* guest VA of the bitmap */
	uint32_t nr_ports;          /* ports it covers */
};

/* Read or write an IO-APIC register. */
struct physdev_apic {
	uint64_t apic_physbase;  /* IN */
	uint32_t reg;            /* IN */
	uint32_t value;          /* IN (write) or OUT (read) */
};

/* Allocate or free a vector for an IRQ. */
struct physdev_irq {
	uint32_t irq;     /* IN */
	uint32_t vector;  /* OUT */
};

/* physdev_map_pirq.type */
#define MAP_PIRQ_TYPE_MSI       0x0
#define MAP_PIRQ_TYPE_GSI       0x1
#define MAP_PIRQ_TYPE_UNKNOWN   0x2
#define MAP_PIRQ_TYPE_MSI_SEG   0x3
#define MAP_PIRQ_TYPE_MULTI_MSI 0x4

/* Map a GSI or MSI to a pirq of a domain. */
struct physdev_map_pirq {
	domid_t domid;        /* IN */
	int32_t type;         /* IN: MAP_PIRQ_TYPE_* */
	int32_t index;        /* IN: GSI, or MSI-X entry */
	int32_t pirq;         /* IN or OUT */
	int32_t bus;          /* IN: MSI: PCI bus (and segment) */
	int32_t devfn;        /* IN: MSI: device/function */
	int32_t entry_nr;     /* IN: MSI: vectors wanted; OUT: got */
	uint64_t table_base;  /* IN: MSI-X table address */
};

struct physdev_unmap_pirq {
	domid_t domid;   /* IN */
	int32_t pirq;    /* IN */
};

/* Tell the hypervisor about a PCI device (old form). */
struct physdev_manage_pci {
	uint8_t bus;
	uint8_t devfn;
};

struct physdev_restore_msi {
	uint8_t bus;
	uint8_t devfn;
};

struct physdev_manage_pci_ext {
	uint8_t bus;
	uint8_t devfn;
	uint32_t is_extfn;   /* an ARI extended function */
	uint32_t is_virtfn;  /* an SR-IOV virtual function */
	struct {
		uint8_t bus;
		uint8_t devfn;
	} physfn;            /* its physical function, if virtfn */
};

/* Argument of the old physdev_op_compat hypercall (19). */
struct physdev_op {
	uint32_t cmd;        /* PHYSDEVOP_* */
	union {
		struct physdev_irq_status_query irq_status_query;
		struct physdev_set_iopl set_iopl;
		struct physdev_set_iobitmap set_iobitmap;
		struct physdev_apic apic_op;
		struct physdev_irq irq_op;
	} u;
};

/* Set trigger mode and polarity of a GSI. */
struct physdev_setup_gsi {
	int32_t gsi;
	uint8_t triggering;  /* 0 edge, 1 level */
	uint8_t polarity;    /* 0 high, 1 low */
};

/* Find an unused pirq number. */
struct physdev_get_free_pirq {
	int32_t type;    /* IN: MAP_PIRQ_TYPE_* */
	uint32_t pirq;   /* OUT */
};

#define XEN_PCI_MMCFG_RESERVED 0x1

/* Report an MMCONFIG area as reserved in the firmware tables. */
struct physdev_pci_mmcfg_reserved {
	uint64_t address;
	uint16_t segment;
	uint8_t start_bus;
	uint8_t end_bus;
	uint32_t flags;    /* XEN_PCI_MMCFG_RESERVED */
};

/* physdev_pci_device_add.flags */
#define XEN_PCI_DEV_EXTFN  0x1
#define XEN_PCI_DEV_VIRTFN 0x2
#define XEN_PCI_DEV_PXM    0x4 /* optarr[0] is the proximity domain */

/* Tell the hypervisor about a PCI device. */
struct physdev_pci_device_add {
	uint16_t seg;
	uint8_t bus;
	uint8_t devfn;
	uint32_t flags;     /* XEN_PCI_DEV_* */
	struct {
		uint8_t bus;
		uint8_t devfn;
	} physfn;           /* physical function of a virtual function */
	uint32_t optarr[];  /* optional data selected by flags */
};

/* A PCI device by segment, bus and devfn. */
struct physdev_pci_device {
	uint16_t seg;
	uint8_t bus;
	uint8_t devfn;
};

#endif /* VENEER_PHYSDEV_H */
