/* SPDX-License-Identifier: MIT */
/*
 * nmi_op (hypercall 28) and the NMI reason bits the hypervisor reports in
 * shared_info.arch.nmi_reason.
 */
#ifndef VENEER_NMI_H
#define VENEER_NMI_H

#include <veneer/xen.h>

#define _XEN_NMIREASON_io_error 0
#define XEN_NMIREASON_io_error  (1UL << _XEN_NMIREASON_io_error) /* I/O check */
#define _XEN_NMIREASON_pci_serr 1
#define XEN_NMIREASON_pci_serr  (1UL << _XEN_NMIREASON_pci_serr) /* PCI SERR */
#define _XEN_NMIREASON_unknown  2
#define XEN_NMIREASON_unknown   (1UL << _XEN_NMIREASON_unknown)  /* other NMI */

#define XENNMI_register_callback   0
#define XENNMI_unregister_callback 1

/* Argument of XENNMI_register_callback. */
struct xennmi_callback {
	uint64_t handler_address;  /* NMI entry point */
	uint64_t pad;
};

#endif /* VENEER_NMI_H */
