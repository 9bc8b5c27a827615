# SPDX-License-Identifier: GPL-2.0
# The domain builder library, built for the host (dom0 tools, unit tests,
# vb-inspect). The hypervisor compiles the same sources with its own flags.

BUILDER_SRCS := builder/elf.c builder/layout.c builder/build.c \
                builder/error.c
BUILDER_HOST_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(BUILDER_SRCS))
BUILDER_HOST_LIB  := $(BUILD)/host/libbuilder.a
VB_INSPECT        := $(BUILD)/tools/vb-inspect

$(BUILD)/host/builder/%.o: builder/%.c builder/builder.h \
                           builder/builder-internal.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -c $< -o $@

$(BUILDER_HOST_LIB): $(BUILDER_HOST_OBJS)
	$(AR) rcs $@ $^

$(VB_INSPECT): builder/vb-inspect.c $(BUILDER_HOST_LIB)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -Ibuilder $< $(BUILDER_HOST_LIB) -o $@

$(BUILD)/tests/unit/test_builder: tests/unit/test_builder.c \
                                  $(BUILDER_HOST_LIB)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -Ibuilder $< $(BUILDER_HOST_LIB) -lcmocka -o $@

ALL_TARGETS      += $(VB_INSPECT) $(BUILD)/tests/unit/test_builder
UNIT_TESTS       += $(BUILD)/tests/unit/test_builder
SYSTEM_TEST_DEPS += $(VB_INSPECT)
