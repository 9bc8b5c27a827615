# SPDX-License-Identifier: GPL-2.0
#
# Host libFuzzer harnesses (docs/fuzzing.md, "Host harnesses"): the
# page-type engine's transitions, the writable-pagetable instruction
# decoder and the grant bookkeeping, each built from the hypervisor's own
# sources, and the block back end's ring service (a hostile front end),
# with clang -fsanitize=fuzzer,address,undefined.
#
#   make fuzz-host                 every harness, FUZZ_HOST_RUNS inputs
#                                  each (mutations of the committed seed
#                                  corpus in tests/fuzz-host/corpus/<name>)
#   make fuzz-host FUZZ_TIME=<s>   every harness for <s> seconds each
#   make test-unit                 a short deterministic run of each
#                                  (FUZZ_HOST_SHORT_RUNS, fixed seed)
#   make fuzz                      runs fuzz-host first (FUZZ_TIME, when
#                                  given, applies to each harness too)
#
# A long run keeps what it finds new in build/tests/fuzz-host/corpus/
# <name>, never in the committed corpus; a crash lands in
# build/tests/fuzz-host/crash-* with the command that replays it printed.

FZH_DIR    := tests/fuzz-host
FZH_OUT    := $(BUILD)/tests/fuzz-host
FZH_CC     ?= clang
FZH_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
              -fsanitize=fuzzer,address,undefined \
              -fno-sanitize-recover=undefined \
              -Ihypercall-abi/include -Ihypervisor/include
FZH_NAMES  := pagetype decode grant grant2 blkif

FZH_MACHINE      := $(FZH_DIR)/machine.c hypervisor/mm/pagetype.c \
                    hypervisor/mm/frame.c
FZH_SRC_pagetype := $(FZH_MACHINE)
FZH_SRC_decode   := $(FZH_MACHINE) hypervisor/pv/ptwr-decode.c
FZH_SRC_grant    := $(FZH_MACHINE) hypervisor/common/grant-v1.c
FZH_SRC_grant2   := hypervisor/common/grant-v2.c hypervisor/common/grant-v1.c
# The block back end's ring service (drivers-back/block).
FZH_SRC_blkif    := drivers-back/block/blk_req.c
$(FZH_OUT)/fuzz_blkif: drivers-back/block/blk_req.c drivers-back/block/blk_req.h \
		ring/include/veneer/ring.h
$(FZH_OUT)/fuzz_blkif: FZH_CFLAGS += -Iring/include -Idrivers-back/block

FZH_BINS := $(patsubst %,$(FZH_OUT)/fuzz_%,$(FZH_NAMES))

$(FZH_OUT)/fuzz_%: $(FZH_DIR)/fuzz_%.c $(FZH_DIR)/machine.h \
		$(FZH_MACHINE) hypervisor/pv/ptwr-decode.c \
		hypervisor/common/grant-v1.c hypervisor/common/grant-v2.c \
		$(wildcard hypervisor/include/hv/*.h) $(FZH_DIR)/fuzz-host.mk \
		$(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(FZH_CC) $(FZH_CFLAGS) -o $@ $< $(FZH_SRC_$*)

# Runs: N inputs each by default; FUZZ_TIME (from the command line or the
# environment only: fuzz.mk's default is for the guest fuzzer) makes it
# seconds each.  Every crash fails the run.
FUZZ_HOST_RUNS       ?= 20000
FUZZ_HOST_SHORT_RUNS ?= 3000
FZH_USER_TIME := $(if $(filter command line environment,$(origin FUZZ_TIME)),$(FUZZ_TIME))
FZH_LIMIT     := $(if $(FZH_USER_TIME),-max_total_time=$(FZH_USER_TIME),-runs=$(FUZZ_HOST_RUNS))
FZH_OPTS      := -max_len=1024 -timeout=10 -rss_limit_mb=2048 \
                 -print_final_stats=1

fuzz-host: $(FZH_BINS)
	@for n in $(FZH_NAMES); do \
		mkdir -p $(FZH_OUT)/corpus/$$n; \
		echo "fuzz-host: $$n ($(FZH_LIMIT))"; \
		$(FZH_OUT)/fuzz_$$n $(FZH_LIMIT) $(FZH_OPTS) \
			-artifact_prefix=$(FZH_OUT)/ \
			$(FZH_OUT)/corpus/$$n $(FZH_DIR)/corpus/$$n \
			> $(FZH_OUT)/$$n.log 2>&1; rc=$$?; \
		grep -v -e '^#[0-9]' -e '^INFO: ' $(FZH_OUT)/$$n.log; \
		if [ $$rc -ne 0 ]; then \
			echo "fuzz-host: $$n FAILED; replay:" \
			     "$(FZH_OUT)/fuzz_$$n $(FZH_OUT)/crash-*" >&2; \
			exit 1; \
		fi; \
	done

# The short deterministic run of make test-unit: a fixed seed; libFuzzer
# writes what it finds new into the first corpus folder, a scratch one.
fuzz-host-short: $(FZH_BINS)
	@set -e; for n in $(FZH_NAMES); do \
		printf 'fuzz-host: %s: ' $$n; \
		rm -rf $(FZH_OUT)/short/$$n; mkdir -p $(FZH_OUT)/short/$$n; \
		$(FZH_OUT)/fuzz_$$n -runs=$(FUZZ_HOST_SHORT_RUNS) -seed=1 \
			$(FZH_OPTS) -artifact_prefix=$(FZH_OUT)/ \
			$(FZH_OUT)/short/$$n $(FZH_DIR)/corpus/$$n \
			> $(FZH_OUT)/short-$$n.log 2>&1 || { \
			cat $(FZH_OUT)/short-$$n.log >&2; \
			echo "fuzz-host: $$n FAILED; replay:" \
			     "$(FZH_OUT)/fuzz_$$n $(FZH_OUT)/crash-*" >&2; \
			exit 1; }; \
		grep -m1 'stat::number_of_executed_units' \
			$(FZH_OUT)/short-$$n.log | sed 's/.*: *//; s/$$/ inputs, ok/'; \
	done

# make fuzz-host-replay FILE=<input> NAME=<harness>: one input, verbose.
fuzz-host-replay: $(FZH_BINS)
	$(FZH_OUT)/fuzz_$(NAME) $(FILE)

test-unit: fuzz-host-short
fuzz: fuzz-host

.PHONY: fuzz-host fuzz-host-short fuzz-host-replay
