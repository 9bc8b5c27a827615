# SPDX-License-Identifier: GPL-2.0
#
# Scheduler test kernels (tests/pv/sched/): not standalone dom0 tests,
# so they live apart from tests/pv/*.c (which test_pv_on_*.py boot one
# by one).  tests/system/test_sched.py boots them together: sleeper as
# dom0, spin, block and yield as boot-time domUs; test_teardown.py boots
# ticker as dom0.  Built with the framework of
# pv.mk (included before this file) plus tests/pv/sched/lib.c.
#
#   build/tests/pv/sched/<name>.elf

PV_SCHED_DIR     := $(PV_DIR)/sched
PV_SCHED_OUT     := $(PV_OUT)/sched
PV_SCHED_NAMES   := sleeper spin block yield ticker
PV_SCHED_KERNELS := $(patsubst %,$(PV_SCHED_OUT)/%.elf,$(PV_SCHED_NAMES))

$(PV_SCHED_OUT)/%.o: $(PV_SCHED_DIR)/%.c $(PV_SCHED_DIR)/sched.h $(PV_HDRS) \
		     $(PV_DIR)/sched.mk
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(PV_CC) $(PV_CFLAGS) -I$(PV_SCHED_DIR) -c $< -o $@

$(PV_SCHED_OUT)/%.elf: $(PV_SCHED_OUT)/%.o $(PV_SCHED_OUT)/lib.o \
		       $(PV_LIB_OBJ) $(PV_DIR)/kernel.lds
	@echo "  LD      $@"
	@$(PV_CC) $(PV_LDFLAGS) -o $@ $< $(PV_SCHED_OUT)/lib.o $(PV_LIB_OBJ) -lgcc

.SECONDARY: $(PV_SCHED_OUT)/lib.o $(patsubst %,$(PV_SCHED_OUT)/%.o,$(PV_SCHED_NAMES))

pv-sched-kernels: $(PV_SCHED_KERNELS)

ALL_TARGETS += pv-sched-kernels
SYSTEM_TEST_DEPS += pv-sched-kernels

.PHONY: pv-sched-kernels
