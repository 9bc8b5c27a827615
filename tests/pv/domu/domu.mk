# SPDX-License-Identifier: GPL-2.0
#
# Test kernels for boot-time domUs (tests/system/test_domu.py): a dom0
# that waits for the domUs to end and the domUs themselves.  They are in
# their own folder because every tests/pv/*.c is booted alone as a dom0
# test, which these are not.  Built with the PV test framework (pv.mk).

DOMU_DIR     := $(PV_DIR)/domu
DOMU_OUT     := $(PV_OUT)/domu
DOMU_TESTS   := $(basename $(notdir $(wildcard $(DOMU_DIR)/*.c)))
DOMU_KERNELS := $(patsubst %,$(DOMU_OUT)/%.elf,$(DOMU_TESTS))

$(DOMU_OUT)/%.o: $(DOMU_DIR)/%.c $(DOMU_DIR)/domu.h $(PV_HDRS) $(DOMU_DIR)/domu.mk
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(PV_CC) $(PV_CFLAGS) -I$(DOMU_DIR) -c $< -o $@

$(DOMU_OUT)/%.elf: $(DOMU_OUT)/%.o $(PV_LIB_OBJ) $(PV_DIR)/kernel.lds
	@echo "  LD      $@"
	@$(PV_CC) $(PV_LDFLAGS) -o $@ $< $(PV_LIB_OBJ) -lgcc

.SECONDARY: $(patsubst %,$(DOMU_OUT)/%.o,$(DOMU_TESTS))

domu-kernels: $(DOMU_KERNELS)

.PHONY: domu-kernels
ALL_TARGETS += domu-kernels
SYSTEM_TEST_DEPS += domu-kernels

# `vctl create` builds this one from dom0 (tests/system/test_vctl_create.py).
INITRAMFS_FILES += $(DOMU_OUT)/domu_vctl.elf=usr/lib/veneer/domu_vctl.elf
INITRAMFS_DEPS  += $(DOMU_OUT)/domu_vctl.elf
