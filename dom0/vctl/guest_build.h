/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest_build.c: the builder library (builder/) driven through privcmd,
 * for `vctl create`.
 */
#ifndef VCTL_GUEST_BUILD_H
#define VCTL_GUEST_BUILD_H

#include <stdarg.h>
#include <stdio.h>

#include <builder.h>

#include "vctl.h"

/* Machine frames of the store and console pages (with_rings). */
struct vctl_rings {
	uint64_t store_mfn, console_mfn;
};

/*
 * Give domain domid (created paused, no memory) req->nr_pages of memory
 * and build img into it, with vCPU 0 ready to run; req->shared_info_maddr
 * is filled in here; with req->with_rings, *rings gets the ring pages'
 * frames.  0, or a negative errno with the reason in err; the
 * caller then destroys the domain.
 */
int vctl_build_guest(domid_t domid, const struct vb_image *img,
		     struct vb_request *req, struct vctl_rings *rings,
		     char *err, size_t size);

#endif /* VCTL_GUEST_BUILD_H */
