# SPDX-License-Identifier: GPL-2.0
#
# Host unit tests of grant-table bookkeeping (common/grant-v1.c and
# grant-v2.c): pinning entries and their in-use flags or status words,
# handles, the L1 entry of a mapping, the reserved entries' conversion on
# a version switch.  The sources also compile into the hypervisor through
# hypervisor.mk's wildcards.

GNT_UNIT_DIR    := $(BUILD)/tests/unit
GNT_UNIT_CFLAGS := $(HOST_CFLAGS) -Ihypervisor/include

$(GNT_UNIT_DIR)/test_hv_grant: tests/unit/test_hv_grant.c \
		hypervisor/common/grant-v1.c hypervisor/common/grant-v2.c \
		$(wildcard hypervisor/include/hv/*.h) $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(GNT_UNIT_CFLAGS) -o $@ $< hypervisor/common/grant-v1.c \
		hypervisor/common/grant-v2.c -lcmocka

UNIT_TESTS += $(GNT_UNIT_DIR)/test_hv_grant
