# SPDX-License-Identifier: GPL-2.0
#
# Host unit tests of the pure parts of dom0 support: event-channel port
# bookkeeping and the 2-level pending/mask bits (common/evtchn-2l.c), and
# pvclock scaling (common/pvclock.c).  Both sources also compile into the
# hypervisor through hypervisor.mk's wildcards.

DOM0_UNIT_DIR    := $(BUILD)/tests/unit
DOM0_UNIT_CFLAGS := $(HOST_CFLAGS) -Ihypervisor/include
DOM0_UNIT_TESTS  := $(DOM0_UNIT_DIR)/test_hv_evtchn $(DOM0_UNIT_DIR)/test_hv_pvclock

$(DOM0_UNIT_DIR)/test_hv_evtchn: tests/unit/test_hv_evtchn.c \
		hypervisor/common/evtchn-2l.c \
		$(wildcard hypervisor/include/hv/*.h) $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(DOM0_UNIT_CFLAGS) -o $@ $< hypervisor/common/evtchn-2l.c -lcmocka

$(DOM0_UNIT_DIR)/test_hv_pvclock: tests/unit/test_hv_pvclock.c \
		hypervisor/common/pvclock.c \
		$(wildcard hypervisor/include/hv/*.h) $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(DOM0_UNIT_CFLAGS) -o $@ $< hypervisor/common/pvclock.c -lcmocka

UNIT_TESTS += $(DOM0_UNIT_TESTS)
