/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Error numbers.  Hypervisor functions return these negated, as the Xen
 * ABI does towards guests (-EINVAL, -ENOMEM, ...); the values are the
 * Linux/Xen ones so they can be handed to guests unchanged later.
 */
#ifndef HV_ERRNO_H
#define HV_ERRNO_H

#define EPERM		1
#define ENOENT		2
#define ESRCH		3
#define E2BIG		7
#define EAGAIN		11
#define ENOMEM		12
#define EFAULT		14
#define EBUSY		16

#define EEXIST		17
#define ENODEV		19
#define EINVAL		22
#define ENOSPC		28
#define ERANGE		34
#define ENOSYS		38
/* Internal only, never a guest's: "not done, call again" (as Xen's). */
#define ERESTART	85

#define EPROTONOSUPPORT	93
#define EOPNOTSUPP	95

#endif /* HV_ERRNO_H */
