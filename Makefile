# newsdex build. `make` builds build/newsdex; `make test` installs what is
# missing, builds and runs every test; `make demo` indexes corpus/ and searches.
# `make check-asan` runs the tests built with AddressSanitizer and UBSan.

BUILD    ?= build
CC       ?= cc
CXX      ?= c++
PKGS     := xapian-core jansson libutf8proc zlib
OPT      ?= -O2 -g
SANFLAGS :=
ifeq ($(SANITIZE),1)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

WARN     := -Wall -Wextra -Werror
CPPFLAGS += -Iinclude -D_POSIX_C_SOURCE=200809L -MMD -MP
CFLAGS   += -std=c11 $(WARN) $(OPT) $(SANFLAGS) -fvisibility=hidden -fPIC \
            $(shell pkg-config --cflags jansson libutf8proc zlib 2>/dev/null)
CXXFLAGS += -std=c++17 $(WARN) $(OPT) $(SANFLAGS) -fvisibility=hidden -fPIC \
            $(shell pkg-config --cflags xapian-core 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lstemmer -lm
LDFLAGS  += $(SANFLAGS)

# Library: everything in engine/, indexer/, searcher/ except the CLI commands.
LIB_C    := $(filter-out %_command.c,$(wildcard engine/*.c indexer/*.c searcher/*.c))
LIB_CXX  := $(wildcard engine/*.cc)
LIB_OBJS := $(LIB_C:%.c=$(BUILD)/%.o) $(LIB_CXX:%.cc=$(BUILD)/%.o)
CLI_C    := $(wildcard cli/*.c indexer/*_command.c searcher/*_command.c)
CLI_OBJS := $(CLI_C:%.c=$(BUILD)/%.o)
UNIT_C   := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_C:tests/unit/%.c=$(BUILD)/tests/%)

LIB      := $(BUILD)/libnewsdex.a
NEWSDEX  := $(BUILD)/newsdex

.PHONY: all deps test unit e2e demo check-asan clean
all: $(NEWSDEX) $(UNIT_BIN)

$(LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(NEWSDEX): $(CLI_OBJS) $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-unused-parameter -o $@.o -c $<
	$(CXX) $(LDFLAGS) -o $@ $@.o $(LIB) $(LDLIBS) -lcmocka

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.cc
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c -o $@ $<

deps:
	@scripts/install-deps

# Unit tests speak TAP through cmocka; end-to-end tests are TAP shell scripts.
test: deps
	$(MAKE) all
	$(MAKE) unit e2e

unit: $(UNIT_BIN)
	CMOCKA_MESSAGE_OUTPUT=TAP prove --exec '' $(UNIT_BIN)

e2e: $(NEWSDEX)
	NEWSDEX=$(abspath $(NEWSDEX)) prove tests/e2e/*.t

check-asan: deps
	$(MAKE) BUILD=build-asan SANITIZE=1 OPT='-O1 -g' all unit e2e

demo: deps
	$(MAKE) all
	rm -rf $(BUILD)/demo-index
	$(NEWSDEX) index --db $(BUILD)/demo-index corpus/articles.jsonl
	$(NEWSDEX) search --db $(BUILD)/demo-index 'Prime Video layoffs 2024'

# Benchmarks against raw Xapian, SQLite FTS5 and omega: make bench [SIZE=200000]
bench: all
	scripts/bench $(SIZE)

clean:
	rm -rf build build-asan

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
