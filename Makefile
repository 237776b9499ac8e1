# parley - plain Makefile, the single source of truth for the build.
#   make                      release build: build/parley, build/libparley.a
#   make SAN=address,undefined sanitizer build (in build-san/)
#   make check                the default test suite (a few minutes)
#   make check-all            every differential test on every corpus (long)
#   make fuzz                 libFuzzer targets (clang), short run
#   make bench                benchmarks against Debian's tools -> bench/RESULTS.md

CC      ?= cc
ICU_CFLAGS := $(shell pkg-config --cflags icu-uc 2>/dev/null)
ICU_LIBS   := $(shell pkg-config --libs icu-uc 2>/dev/null || echo -licuuc -licudata)
WARN    := -Wall -Wextra -Wshadow -Wundef -Wwrite-strings -Wstrict-prototypes -Wmissing-prototypes
# -ffp-contract=off: no fused multiply-add, so floating-point results match
# Apertium's bit for bit.
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_POSIX_C_SOURCE=200809L -ffp-contract=off $(WARN) $(ICU_CFLAGS) -Iinclude -Isrc
LDLIBS  += $(ICU_LIBS) -lm

ifdef SAN
BUILD   ?= build-san
CFLAGS  += -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SAN)
else
BUILD   ?= build
endif

LIB_SRC := $(sort $(wildcard src/*.c src/*/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
DEPS    := $(LIB_OBJ:.o=.d) $(BUILD)/obj/tools/parley/main.d

all: $(BUILD)/parley $(BUILD)/libparley.a

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libparley.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/parley: $(BUILD)/obj/tools/parley/main.o $(BUILD)/libparley.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

check: all
	bash tests/run.sh $(BUILD)/parley

check-all: all
	PARLEY_FULL=1 bash tests/run.sh $(BUILD)/parley

FUZZ_TARGETS := $(patsubst fuzz/%.c,build-fuzz/%,$(wildcard fuzz/fuzz_*.c))
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -ffp-contract=off $(ICU_CFLAGS) -Iinclude -Isrc
build-fuzz/%: fuzz/%.c $(LIB_SRC)
	@mkdir -p build-fuzz
	clang $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRC) $(LDLIBS)

fuzz: $(FUZZ_TARGETS)
	bash fuzz/run.sh $(FUZZ_SECONDS)

bench: all
	bash bench/run.sh $(BUILD)/parley

clean:
	rm -rf build build-san build-fuzz

.PHONY: all check check-all fuzz bench clean
-include $(DEPS)
