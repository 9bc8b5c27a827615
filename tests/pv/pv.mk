# SPDX-License-Identifier: GPL-2.0
#
# PV test kernels: tiny 64-bit Xen-ABI guests, one behaviour each.
#
#   build/tests/pv/<name>.elf   one per tests/pv/<name>.c, linked with the
#                               framework in tests/pv/lib/
#   make test-xen               boot each as dom0 on real Xen 4.17 (QEMU)
#
# See docs/pv-tests.md.

PV_DIR     := tests/pv
PV_OUT     := $(BUILD)/tests/pv
PV_CC      ?= gcc
PV_CFLAGS  := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
              -ffreestanding -fno-pic -fno-pie -mcmodel=kernel \
              -mno-red-zone -mgeneral-regs-only -fno-stack-protector \
              -fno-asynchronous-unwind-tables -fcf-protection=none \
              -fno-builtin -I$(PV_DIR)/include -Ihypercall-abi/include
PV_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none \
              -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack \
              -Wl,--no-warn-rwx-segments -T $(PV_DIR)/kernel.lds

PV_TESTS   := $(basename $(notdir $(wildcard $(PV_DIR)/*.c)))
PV_KERNELS := $(patsubst %,$(PV_OUT)/%.elf,$(PV_TESTS))
PV_LIB_SRC := $(wildcard $(PV_DIR)/lib/*.c $(PV_DIR)/lib/*.S)
PV_LIB_OBJ := $(patsubst $(PV_DIR)/lib/%,$(PV_OUT)/lib/%.o,$(PV_LIB_SRC))
PV_HDRS    := $(wildcard $(PV_DIR)/include/*.h hypercall-abi/include/veneer/*.h)

$(PV_OUT)/lib/%.c.o: $(PV_DIR)/lib/%.c $(PV_HDRS) $(PV_DIR)/pv.mk
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(PV_CC) $(PV_CFLAGS) -c $< -o $@

$(PV_OUT)/lib/%.S.o: $(PV_DIR)/lib/%.S $(PV_HDRS) $(PV_DIR)/pv.mk
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(PV_CC) $(PV_CFLAGS) -c $< -o $@

$(PV_OUT)/%.o: $(PV_DIR)/%.c $(PV_HDRS) $(PV_DIR)/pv.mk
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(PV_CC) $(PV_CFLAGS) -c $< -o $@

$(PV_OUT)/%.elf: $(PV_OUT)/%.o $(PV_LIB_OBJ) $(PV_DIR)/kernel.lds
	@echo "  LD      $@"
	@$(PV_CC) $(PV_LDFLAGS) -o $@ $< $(PV_LIB_OBJ) -lgcc

# dom0_no_features_note: the framework without the SUPPORTED_FEATURES note.
$(PV_OUT)/lib/head-nonote.S.o: $(PV_DIR)/lib/head.S $(PV_HDRS) $(PV_DIR)/pv.mk
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(PV_CC) $(PV_CFLAGS) -DPV_NO_SUPPORTED_FEATURES -c $< -o $@

$(PV_OUT)/dom0_no_features_note.elf: $(PV_OUT)/dom0_no_features_note.o \
		$(filter-out %/head.S.o,$(PV_LIB_OBJ)) \
		$(PV_OUT)/lib/head-nonote.S.o $(PV_DIR)/kernel.lds
	@echo "  LD      $@"
	@$(PV_CC) $(PV_LDFLAGS) -o $@ $(filter %.o,$^) -lgcc

.SECONDARY: $(PV_LIB_OBJ) $(patsubst %,$(PV_OUT)/%.o,$(PV_TESTS))

pv-kernels: $(PV_KERNELS)

ALL_TARGETS += pv-kernels

# Boots every test kernel as dom0 on Debian's Xen 4.17 under QEMU; the
# test fetches the hypervisor package into $(CACHE)/xen-4.17/ itself.
test-xen: $(DEPS_STAMP) $(PV_KERNELS)
	$(PYTEST) -v tests/system/test_pv_on_xen.py

.PHONY: pv-kernels test-xen

# test-system runs tests/system/test_pv_on_xen.py too (it takes seconds).
SYSTEM_TEST_DEPS += pv-kernels

# Kernels for the boot-time domU test, built the same way (not dom0 tests).
include $(PV_DIR)/domu/domu.mk
include $(PV_DIR)/isolation/isolation.mk
include $(PV_DIR)/fuzz/fuzz.mk
