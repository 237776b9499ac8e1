# parley - plain Makefile, the single source of truth for the build.
#   make                      release build: build/parley, build/libparley.a
#   make SAN=address,undefined sanitizer build (in build-san/)
#   make check                the default test suite (a few minutes)
#   make check-all            every differential test on every corpus (long)
#   make fuzz                 libFuzzer targets (clang), short run
#   make bench                benchmarks against Debian's tools -> bench/RESULTS.md
#   make eval                 translation quality of strict and news mode -> eval/RESULTS.md

CC      ?= cc
ICU_CFLAGS := $(shell pkg-config --cflags icu-uc icu-i18n 2>/dev/null)
ICU_LIBS   := $(shell pkg-config --libs icu-uc icu-i18n 2>/dev/null || echo -licui18n -licuuc -licudata)
XML_CFLAGS := $(shell pkg-config --cflags libxml-2.0 2>/dev/null || echo -I/usr/include/libxml2)
XML_LIBS   := $(shell pkg-config --libs libxml-2.0 2>/dev/null || echo -lxml2)
JSON_LIBS  := $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson)
MHD_CFLAGS := $(shell pkg-config --cflags libmicrohttpd 2>/dev/null)
WARN    := -Wall -Wextra -Wshadow -Wundef -Wwrite-strings -Wstrict-prototypes -Wmissing-prototypes
# -ffp-contract=off: no fused multiply-add, so floating-point results match
# Apertium's bit for bit.
# CFLAGS and LDFLAGS are the user's to set (make CFLAGS="-O3 -march=native");
# what the build needs is added separately so it cannot be overridden away.
CFLAGS  ?= -O3 -g
PL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -ffp-contract=off $(WARN) $(ICU_CFLAGS) $(XML_CFLAGS) $(MHD_CFLAGS) -Iinclude -Isrc
# libmicrohttpd is loaded by `parley serve` at run time (src/server/mhd.h),
# not linked; its header is still needed (MHD_CFLAGS).
PL_LDLIBS := $(ICU_LIBS) $(XML_LIBS) $(JSON_LIBS) -ldl -lpthread -lm

ifdef SAN
BUILD   ?= build-san
PL_CFLAGS += -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
PL_LDFLAGS := -fsanitize=$(SAN)
else
BUILD   ?= build
endif
ALL_CFLAGS = $(PL_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(PL_LDFLAGS) $(LDFLAGS)

LIB_SRC := $(sort $(wildcard src/*.c src/*/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
DEPS    := $(LIB_OBJ:.o=.d) $(BUILD)/obj/tools/parley/main.d

all: $(BUILD)/parley $(BUILD)/libparley.a

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libparley.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/parley: $(BUILD)/obj/tools/parley/main.o $(BUILD)/libparley.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(PL_LDLIBS) $(LDLIBS)

# Unit tests and fuzz-input replays link the library; `make check` builds
# them with ASan+UBSan (in build-san/) and the CLI as released (build/).
UNIT_BINS   := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
REPLAY_BINS := $(patsubst fuzz/%.c,$(BUILD)/tests/replay-%,$(wildcard fuzz/fuzz_*.c))

$(BUILD)/tests/test_%: tests/unit/test_%.c $(BUILD)/libparley.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libparley.a $(PL_LDLIBS) -lpthread $(LDLIBS)

$(BUILD)/tests/replay-%: fuzz/%.c tests/unit/replay.c $(BUILD)/libparley.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< tests/unit/replay.c $(BUILD)/libparley.a $(PL_LDLIBS) $(LDLIBS)

tests: all $(UNIT_BINS) $(REPLAY_BINS)

# The sanitizer build prefers clang, whose UBSan also catches pointer
# arithmetic on NULL (gcc's does not).
SAN_CC := $(shell command -v clang >/dev/null 2>&1 && echo clang || echo $(CC))

check:
	$(MAKE) all
	$(MAKE) SAN=address,undefined CC=$(SAN_CC) tests
	bash tests/run.sh build build-san

check-all:
	$(MAKE) all
	$(MAKE) SAN=address,undefined CC=$(SAN_CC) tests
	PARLEY_FULL=1 bash tests/run.sh build build-san

FUZZ_TARGETS := $(patsubst fuzz/%.c,build-fuzz/%,$(wildcard fuzz/fuzz_*.c))
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -ffp-contract=off $(ICU_CFLAGS) $(XML_CFLAGS) -Iinclude -Isrc
build-fuzz/%: fuzz/%.c $(LIB_SRC)
	@mkdir -p build-fuzz
	clang $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRC) $(PL_LDLIBS)

fuzz: $(FUZZ_TARGETS)
	bash fuzz/run.sh $(FUZZ_SECONDS)

bench: all
	python3 bench/bench.py $(BUILD)/parley --write

# Translation quality (BLEU, chrF2, names kept) of strict and news mode on
# newstest2013 and FLORES devtest, eng-spa and spa-eng -> eval/RESULTS.md
eval: all
	python3 eval/test_score.py
	python3 eval/eval.py $(BUILD)/parley --write eval/RESULTS.md

clean:
	rm -rf build build-san build-fuzz

.PHONY: eval all tests check check-all fuzz bench clean
-include $(DEPS)
