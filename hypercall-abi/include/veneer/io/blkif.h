/* SPDX-License-Identifier: MIT */
/*
 * Requests and responses of the PV block protocol (blkfront <-> blkback).
 * They travel in a shared ring page whose layout (producer/consumer
 * header plus slots) is the ring library's business; with a 112-byte
 * request a one-page ring has 32 slots.  Data pages are passed as grant
 * references, with 512-byte sector ranges within each page.
 */
#ifndef VENEER_IO_BLKIF_H
#define VENEER_IO_BLKIF_H

#include <veneer/grant_table.h>

/* Virtual device number (Xen's headers make this a macro). */
typedef uint16_t blkif_vdev_t;

/* A 512-byte sector number. */
typedef uint64_t blkif_sector_t;

/* blkif_request.operation */
#define BLKIF_OP_READ            0
#define BLKIF_OP_WRITE           1
#define BLKIF_OP_WRITE_BARRIER   2 /* write, ordered after all before it */
#define BLKIF_OP_FLUSH_DISKCACHE 3 /* write back the disk's cache */
#define BLKIF_OP_RESERVED_1      4
#define BLKIF_OP_DISCARD         5 /* blkif_request_discard */
#define BLKIF_OP_INDIRECT        6 /* blkif_request_indirect */

/* Segments carried in a direct request. */
#define BLKIF_MAX_SEGMENTS_PER_REQUEST 11
/* Pages of segment descriptors an indirect request may name. */
#define BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST 8

/* One data page of a request: sectors first_sect..last_sect of gref. */
struct blkif_request_segment {
	grant_ref_t gref;     /* granted data page */
	uint8_t first_sect;   /* first 512-byte sector used in it */
	uint8_t last_sect;    /* last one, inclusive */
};

struct blkif_request {
	uint8_t operation;         /* BLKIF_OP_* */
	uint8_t nr_segments;       /* entries used in seg[] */
	blkif_vdev_t handle;       /* device, for multi-device back ends */
	uint64_t id;               /* copied into the response */
	blkif_sector_t sector_number; /* start sector on the device */
	struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};

/* blkif_request_discard.flag */
#define BLKIF_DISCARD_SECURE (1 << 0)

struct blkif_request_discard {
	uint8_t operation;         /* BLKIF_OP_DISCARD */
	uint8_t flag;              /* BLKIF_DISCARD_* */
	blkif_vdev_t handle;
	uint64_t id;
	blkif_sector_t sector_number;
	uint64_t nr_sectors;       /* length of the range */
};

struct blkif_request_indirect {
	uint8_t operation;         /* BLKIF_OP_INDIRECT */
	uint8_t indirect_op;       /* the real BLKIF_OP_* */
	uint16_t nr_segments;      /* total segments in the pages below */
	uint64_t id;
	blkif_sector_t sector_number;
	blkif_vdev_t handle;
	grant_ref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
};

struct blkif_response {
	uint64_t id;         /* from the request */
	uint8_t operation;   /* from the request */
	int16_t status;      /* BLKIF_RSP_* */
};

#define BLKIF_RSP_EOPNOTSUPP (-2) /* operation not supported */
#define BLKIF_RSP_ERROR      (-1)
#define BLKIF_RSP_OKAY       0

/* Bits of the "info" node a back end publishes. */
#define VDISK_CDROM     0x1
#define VDISK_REMOVABLE 0x2
#define VDISK_READONLY  0x4

#endif /* VENEER_IO_BLKIF_H */
