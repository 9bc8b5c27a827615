# SPDX-License-Identifier: GPL-2.0
#
# The sample guest dom0's initramfs carries, so that at `make run`'s dom0
# shell `vctl create /etc/veneer/example.cfg -c` boots a domU:
#
#   /usr/lib/veneer/guest/bzImage        our guest kernel
#   /usr/lib/veneer/guest/initramfs.gz   busybox, init and xenstore-utils
#                                        (dom0/mkinitramfs with no extras)
#   /etc/veneer/example.cfg              dom0/example.cfg

GUEST_INITRAMFS := $(BUILD)/dom0/guest-initramfs.cpio.gz

$(GUEST_INITRAMFS): dom0/mkinitramfs $(wildcard dom0/initramfs/*) $(DEPS_STAMP)
	dom0/mkinitramfs $@

# pv-guest/build.sh makes the bzImage (a link into its cache); the file
# itself changes only when the kernel does.
$(GUEST_BZIMAGE): | guest-kernel
	@test -e $@

INITRAMFS_FILES += $(GUEST_BZIMAGE)=usr/lib/veneer/guest/bzImage \
                   $(GUEST_INITRAMFS)=usr/lib/veneer/guest/initramfs.gz \
                   dom0/example.cfg=etc/veneer/example.cfg
INITRAMFS_DEPS  += $(GUEST_BZIMAGE) $(GUEST_INITRAMFS) dom0/example.cfg
