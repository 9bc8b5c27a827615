# SPDX-License-Identifier: GPL-2.0
# The performance comparison harness: `make bench` (never part of make test).
# BENCH_ARGS passes options to bench/run.py, e.g.
#   make bench BENCH_ARGS="--configs native --vcpus 2 --icount"

VBENCH := $(BUILD)/bench/vbench

$(VBENCH): bench/workload/vbench.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(HOSTCC) -std=gnu11 -O2 -Wall -Wextra -Werror -static $< -o $@

ALL_TARGETS     += $(VBENCH)
INITRAMFS_FILES += $(VBENCH)=bin/vbench
INITRAMFS_DEPS  += $(VBENCH)

.PHONY: bench
bench: $(DEPS_STAMP) guest-kernel initramfs $(VBENCH)
	$(PYTHON) bench/run.py $(BENCH_ARGS)
