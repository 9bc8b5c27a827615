/* SPDX-License-Identifier: GPL-2.0 */
/* kernel_image.c: a bzImage/vmlinuz or compressed vmlinux made an ELF. */
#ifndef VCTL_KERNEL_IMAGE_H
#define VCTL_KERNEL_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * *buf (malloc'd, *len bytes) is replaced by the ELF it holds: itself if
 * it is one, else the unpacked payload.  0, or -1 with the reason in err
 * (*buf unchanged).
 */
int vctl_kernel_unpack(uint8_t **buf, size_t *len, char *err, size_t size);

#endif /* VCTL_KERNEL_IMAGE_H */
