# SPDX-License-Identifier: MIT
#
# ring/: the shared-ring library (header-only, ring/include/veneer/ring.h)
# and its host unit tests: single-thread operations, wire compatibility
# with Xen's ring.h macros (libxen-dev), and the two-thread stress test.

RING_HDRS := ring/include/veneer/ring.h
RING_CFLAGS := -Iring/include
RING_TESTS := $(BUILD)/tests/unit/test_ring \
              $(BUILD)/tests/unit/test_ring_xen_compat \
              $(BUILD)/tests/unit/test_ring_stress

$(BUILD)/tests/unit/test_ring%: tests/unit/test_ring%.c $(RING_HDRS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) $(RING_CFLAGS) -pthread -o $@ $< -lcmocka

$(BUILD)/tests/unit/test_ring: tests/unit/test_ring.c $(RING_HDRS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) $(RING_CFLAGS) -o $@ $< -lcmocka

UNIT_TESTS  += $(RING_TESTS)
ALL_TARGETS += $(RING_TESTS)
