/* SPDX-License-Identifier: MIT */
/*
 * Requests and responses of the PV network protocol (netfront <->
 * netback).  There are two rings: tx (guest sends packets) and rx (guest
 * posts empty buffers, back end fills them).  Each ring is one shared
 * page managed by the ring library; these small slots give 256 per ring.
 */
#ifndef VENEER_IO_NETIF_H
#define VENEER_IO_NETIF_H

#include <veneer/grant_table.h>

/* A back end must accept packets spread over at least this many slots. */
#define XEN_NETIF_NR_SLOTS_MIN 18

/* netif_tx_request.flags */
#define _NETTXF_csum_blank     (0)
#define NETTXF_csum_blank      (1U << _NETTXF_csum_blank)     /* checksum not yet filled in */
#define _NETTXF_data_validated (1)
#define NETTXF_data_validated  (1U << _NETTXF_data_validated) /* checksum known good */
#define _NETTXF_more_data      (2)
#define NETTXF_more_data       (1U << _NETTXF_more_data)      /* packet continues in next slot */
#define _NETTXF_extra_info     (3)
#define NETTXF_extra_info      (1U << _NETTXF_extra_info)     /* netif_extra_info follows */

/* Largest packet a tx request can describe. */
#define XEN_NETIF_MAX_TX_SIZE 0xFFFF

/* One slot of a packet to send. */
struct netif_tx_request {
	grant_ref_t gref;   /* page holding the data */
	uint16_t offset;    /* data offset in that page */
	uint16_t flags;     /* NETTXF_* */
	uint16_t id;        /* echoed in the response */
	uint16_t size;      /* first slot: packet size; others: this slot's */
};

/* netif_extra_info.type */
#define XEN_NETIF_EXTRA_TYPE_NONE      (0)
#define XEN_NETIF_EXTRA_TYPE_GSO       (1)
#define XEN_NETIF_EXTRA_TYPE_MCAST_ADD (2)
#define XEN_NETIF_EXTRA_TYPE_MCAST_DEL (3)
#define XEN_NETIF_EXTRA_TYPE_HASH      (4)
#define XEN_NETIF_EXTRA_TYPE_MAX       (5)

/* netif_extra_info.flags */
#define _XEN_NETIF_EXTRA_FLAG_MORE (0)
#define XEN_NETIF_EXTRA_FLAG_MORE  (1U << _XEN_NETIF_EXTRA_FLAG_MORE) /* another extra follows */

/* netif_extra_info.u.gso.type */
#define XEN_NETIF_GSO_TYPE_NONE  (0)
#define XEN_NETIF_GSO_TYPE_TCPV4 (1)
#define XEN_NETIF_GSO_TYPE_TCPV6 (2)

/* Extra information that takes a request or response slot of its own. */
struct netif_extra_info {
	uint8_t type;   /* XEN_NETIF_EXTRA_TYPE_* */
	uint8_t flags;  /* XEN_NETIF_EXTRA_FLAG_* */
	union {
		struct {
			uint16_t size;     /* segment size (MSS) */
			uint8_t type;      /* XEN_NETIF_GSO_TYPE_* */
			uint8_t pad;
			uint16_t features; /* reserved */
		} gso;
		struct {
			uint8_t addr[6];   /* multicast MAC address */
		} mcast;
		struct {
			uint8_t type;      /* hash type */
			uint8_t algorithm;
			uint8_t value[4];  /* the hash, little-endian */
		} hash;
		uint16_t pad[3];
	} u;
};

struct netif_tx_response {
	uint16_t id;      /* from the request */
	int16_t status;   /* NETIF_RSP_* */
};

/* An empty buffer posted for receiving. */
struct netif_rx_request {
	uint16_t id;      /* echoed in the response */
	uint16_t pad;
	grant_ref_t gref; /* page to receive into */
};

/* netif_rx_response.flags */
#define _NETRXF_data_validated (0)
#define NETRXF_data_validated  (1U << _NETRXF_data_validated) /* checksum known good */
#define _NETRXF_csum_blank     (1)
#define NETRXF_csum_blank      (1U << _NETRXF_csum_blank)     /* checksum not filled in */
#define _NETRXF_more_data      (2)
#define NETRXF_more_data       (1U << _NETRXF_more_data)      /* packet continues */
#define _NETRXF_extra_info     (3)
#define NETRXF_extra_info      (1U << _NETRXF_extra_info)     /* netif_extra_info follows */
#define _NETRXF_gso_prefix     (4)
#define NETRXF_gso_prefix      (1U << _NETRXF_gso_prefix)     /* GSO prefix slot */

struct netif_rx_response {
	uint16_t id;      /* from the request */
	uint16_t offset;  /* data offset in the page */
	uint16_t flags;   /* NETRXF_* */
	int16_t status;   /* bytes received if >= 0, else NETIF_RSP_* */
};

#define NETIF_RSP_DROPPED (-2)
#define NETIF_RSP_ERROR   (-1)
#define NETIF_RSP_OKAY    0
#define NETIF_RSP_NULL    1 /* no response: used for extra-info slots */

#endif /* VENEER_IO_NETIF_H */
