# SPDX-License-Identifier: GPL-2.0
#
# The hostile-guest fuzzer (docs/fuzzing.md): a PV test kernel run as an
# unprivileged domU beside dom0, built with the PV test framework
# (pv.mk), and its two ways to run:
#
#   make test (tests/system/test_fuzz.py)  the short run: 200,000 calls
#                                           from each of seeds 1 and 2
#   make fuzz                               long runs (below)
#
# It is not a tests/pv/*.c kernel: those are booted alone as dom0.

FUZZ_DIR    := $(PV_DIR)/fuzz
FUZZ_OUT    := $(PV_OUT)/fuzz
FUZZ_SRC    := $(wildcard $(FUZZ_DIR)/*.c)
FUZZ_OBJ    := $(patsubst $(FUZZ_DIR)/%.c,$(FUZZ_OUT)/%.o,$(FUZZ_SRC))
FUZZ_KERNEL := $(FUZZ_OUT)/fuzz.elf

$(FUZZ_OUT)/%.o: $(FUZZ_DIR)/%.c $(FUZZ_DIR)/fuzz.h $(PV_DIR)/domu/domu.h \
		$(PV_HDRS) $(FUZZ_DIR)/fuzz.mk
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(PV_CC) $(PV_CFLAGS) -I$(FUZZ_DIR) -I$(PV_DIR)/domu -c $< -o $@

$(FUZZ_KERNEL): $(FUZZ_OBJ) $(PV_LIB_OBJ) $(PV_DIR)/kernel.lds
	@echo "  LD      $@"
	@$(PV_CC) $(PV_LDFLAGS) -o $@ $(FUZZ_OBJ) $(PV_LIB_OBJ) -lgcc

fuzz-kernel: $(FUZZ_KERNEL)

# The long run, for as long as asked:
#   make fuzz SEED=S CALLS=N   one boot, N calls from seed S (a random
#                              seed if SEED is not given)
#   make fuzz FUZZ_TIME=T      boots of FUZZ_RUN_SECONDS (default 120)
#                              each, fresh random seeds, until T seconds
#                              (default 600) are used up (with SEED: one
#                              such boot)
#   KNOWN_BUGS=0               leave out the call shapes of the (fixed)
#                              known bugs, as before their fixes
#   FUZZ_ARGS="trace=N audit=N" more words for the fuzzer's command line
# It stops at the first failure and prints the command that replays it.
FUZZ_TIME        ?= 600
FUZZ_RUN_SECONDS ?= 120
fuzz: $(DEPS_STAMP) hypervisor $(FUZZ_KERNEL) domu-kernels
	FUZZ_SEED="$(SEED)" FUZZ_CALLS="$(CALLS)" FUZZ_TIME="$(FUZZ_TIME)" \
	FUZZ_RUN_SECONDS="$(FUZZ_RUN_SECONDS)" FUZZ_KNOWN_BUGS="$(KNOWN_BUGS)" \
	FUZZ_ARGS="$(FUZZ_ARGS)" \
	$(PYTHON) tests/system/test_fuzz.py

.PHONY: fuzz fuzz-kernel
ALL_TARGETS += fuzz-kernel
SYSTEM_TEST_DEPS += fuzz-kernel
