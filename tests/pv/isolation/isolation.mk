# SPDX-License-Identifier: GPL-2.0
#
# Isolation test kernels (tests/system/test_isolation.py): each tries one
# attack on the hypervisor and checks that it is refused.  On Veneer they
# run as an unprivileged boot-time domU beside a dom0 (dom0_waiter); on
# Xen 4.17, which has no boot-time domUs, as dom0.  Built with the PV test
# framework (pv.mk); docs/security.md lists them.

ISO_DIR     := $(PV_DIR)/isolation
ISO_OUT     := $(PV_OUT)/isolation
ISO_TESTS   := $(basename $(notdir $(wildcard $(ISO_DIR)/*.c)))
ISO_KERNELS := $(patsubst %,$(ISO_OUT)/%.elf,$(ISO_TESTS))

$(ISO_OUT)/%.o: $(ISO_DIR)/%.c $(wildcard $(ISO_DIR)/*.h) $(PV_DIR)/domu/domu.h \
		$(PV_HDRS) $(ISO_DIR)/isolation.mk
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(PV_CC) $(PV_CFLAGS) -I$(ISO_DIR) -I$(PV_DIR)/domu -c $< -o $@

$(ISO_OUT)/%.elf: $(ISO_OUT)/%.o $(PV_LIB_OBJ) $(PV_DIR)/kernel.lds
	@echo "  LD      $@"
	@$(PV_CC) $(PV_LDFLAGS) -o $@ $< $(PV_LIB_OBJ) -lgcc

.SECONDARY: $(patsubst %,$(ISO_OUT)/%.o,$(ISO_TESTS))

isolation-kernels: $(ISO_KERNELS)

.PHONY: isolation-kernels
ALL_TARGETS += isolation-kernels
SYSTEM_TEST_DEPS += isolation-kernels
