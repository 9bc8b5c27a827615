# SPDX-License-Identifier: GPL-2.0
#
# dom0/vctl: the management CLI (docs/vctl.md) and its host unit tests.
#
#   build/dom0/vctl/vctl          for the host (its verbs need a dom0)
#   build/dom0/vctl/vctl-static   the same, static, for dom0's initramfs
#                                 (/usr/sbin/vctl)
#   build/tests/unit/test_vctl_*  cmocka tests (make test-unit): the
#                                 config parser, the output formats and
#                                 the monitor's restart rate limit

VCTL_DIR  := dom0/vctl
VCTL_OUT  := $(BUILD)/dom0/vctl
VCTL_HDRS := $(wildcard $(VCTL_DIR)/*.h) hypercall-abi/include/veneer/mgmt.h \
             drivers-back/console/consoled_proto.h
# What the unit tests link: no privcmd in these.
VCTL_PURE := parse format config restart_limit
VCTL_CMDS := $(patsubst $(VCTL_DIR)/%.c,%,$(wildcard $(VCTL_DIR)/cmd_*.c))
VCTL_OBJS := $(addprefix $(VCTL_OUT)/,$(addsuffix .o,main hypercall \
                names guest_build kernel_image console_client \
                store_client store_nodes \
                $(VCTL_PURE) $(VCTL_CMDS)))
# create builds guests with the builder library the hypervisor uses.
VCTL_LIBS := $(BUILD)/host/libbuilder.a
VCTL_BIN  := $(VCTL_OUT)/vctl

$(VCTL_OUT)/%.o: $(VCTL_DIR)/%.c $(VCTL_HDRS) builder/builder.h | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -Ibuilder -c -o $@ $<

# bzImage payloads: zlib and liblzma (Debian's zlib1g-dev, liblzma-dev).
VCTL_LDLIBS := -lz -llzma

$(VCTL_BIN): $(VCTL_OBJS) $(VCTL_LIBS)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $^ $(VCTL_LDLIBS)

# dom0 has no shared libraries: the initramfs gets a static build.
$(VCTL_BIN)-static: $(VCTL_OBJS) $(VCTL_LIBS)
	$(HOSTCC) $(HOST_CFLAGS) -static -o $@ $^ $(VCTL_LDLIBS)

.PHONY: vctl
vctl: $(VCTL_BIN) $(VCTL_BIN)-static

INITRAMFS_FILES += $(VCTL_BIN)-static=usr/sbin/vctl
INITRAMFS_DEPS  += $(VCTL_BIN)-static

VCTL_TESTS := $(BUILD)/tests/unit/test_vctl_config \
              $(BUILD)/tests/unit/test_vctl_format \
              $(BUILD)/tests/unit/test_vctl_restart_limit

$(BUILD)/tests/unit/test_vctl_%: tests/unit/test_vctl_%.c \
		$(VCTL_PURE:%=$(VCTL_OUT)/%.o) $(VCTL_HDRS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -I$(VCTL_DIR) -o $@ $< \
		$(VCTL_PURE:%=$(VCTL_OUT)/%.o) -lcmocka

# store_nodes.c and the store client against the daemon (a process with
# host rings), as the domain they are written for sees them.
VCTL_STORE_TEST := $(BUILD)/tests/unit/test_vctl_store_nodes
$(VCTL_STORE_TEST): tests/unit/test_vctl_store_nodes.c \
		$(VCTL_DIR)/store_client.c $(VCTL_OUT)/store_nodes.o $(VCTL_HDRS) \
		$(BUILD)/dom0/stored/stored $(BUILD)/drivers-back/block/blkback
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -I$(VCTL_DIR) \
		-DSTORED_BIN='"$(abspath $(BUILD)/dom0/stored/stored)"' \
		-DBLKBACK_BIN='"$(abspath $(BUILD)/drivers-back/block/blkback)"' \
		-o $@ $< $(VCTL_OUT)/store_nodes.o -lcmocka

# tests/unit/test_vctl_cli.py (pytest, in make test-unit) runs the host
# binary: building the cmocka tests builds it too.
$(VCTL_TESTS): | $(VCTL_BIN)

UNIT_TESTS       += $(VCTL_TESTS) $(VCTL_STORE_TEST)
ALL_TARGETS      += $(VCTL_BIN) $(VCTL_TESTS) $(VCTL_STORE_TEST)
