# newsdex build. `make` builds build/newsdex; `make test` installs what is
# missing, builds and runs every test; `make demo` indexes corpus/ and searches.
# `make check-asan` runs the tests built with AddressSanitizer and UBSan.

BUILD    ?= build
CC       ?= cc
CXX      ?= c++
PKGS     := xapian-core jansson libutf8proc zlib libdeflate libzstd
OPT      ?= -O2 -g
# build/newsdex allocates through jemalloc: Xapian's indexing makes and frees
# many small objects, and with glibc's malloc a build takes about a tenth more
# CPU (README, "Performance"). The library links no allocator: a program
# embedding it chooses. Sanitizer builds keep the allocator they replace.
SANFLAGS :=
MALLOC_LIBS ?= -ljemalloc
ifeq ($(SANITIZE),1)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
MALLOC_LIBS :=
endif

WARN     := -Wall -Wextra -Werror
CPPFLAGS += -Iinclude -D_POSIX_C_SOURCE=200809L -MMD -MP
CFLAGS   += -std=c11 $(WARN) $(OPT) $(SANFLAGS) -fvisibility=hidden -fPIC \
            $(shell pkg-config --cflags jansson libutf8proc zlib 2>/dev/null)
CXXFLAGS += -std=c++17 $(WARN) $(OPT) $(SANFLAGS) -fvisibility=hidden -fPIC \
            $(shell pkg-config --cflags xapian-core 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lstemmer -lm
LDFLAGS  += $(SANFLAGS)

# Library: engine/, indexer/, searcher/ in C; the Xapian binding in engine/xapian/ in C++.
LIB_C    := $(wildcard engine/*.c indexer/*.c searcher/*.c)
LIB_CXX  := $(wildcard engine/xapian/*.cc)
LIB_OBJS := $(LIB_C:%.c=$(BUILD)/%.o) $(LIB_CXX:%.cc=$(BUILD)/%.o)
CLI_C    := $(wildcard cli/*.c)
CLI_OBJS := $(CLI_C:%.c=$(BUILD)/%.o)
UNIT_C   := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_C:tests/unit/%.c=$(BUILD)/tests/%)

LIB      := $(BUILD)/libnewsdex.a
NEWSDEX  := $(BUILD)/newsdex

.PHONY: all deps test unit e2e demo check-asan check-layers clean
all: $(NEWSDEX) $(UNIT_BIN)

$(LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(NEWSDEX): $(CLI_OBJS) $(LIB)
	$(CXX) $(LDFLAGS) -pthread -o $@ $(CLI_OBJS) $(LIB) $(LDLIBS) $(MALLOC_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MT $@ -Wno-unused-parameter -o $@.o -c $<
	$(CXX) $(LDFLAGS) -o $@ $@.o $(LIB) $(LDLIBS) -lcmocka

# Tests of the command line's own helpers link its objects (all but main).
$(BUILD)/tests/test_cli_%: tests/unit/test_cli_%.c $(filter-out $(BUILD)/cli/main.o,$(CLI_OBJS)) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MT $@ -Wno-unused-parameter -o $@.o -c $<
	$(CXX) $(LDFLAGS) -pthread -o $@ $@.o $(filter-out $(BUILD)/cli/main.o,$(CLI_OBJS)) $(LIB) $(LDLIBS) -lcmocka

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
	$(MAKE) -k check-layers unit e2e

# The programs (cli/, web/) use only include/newsdex.h; the library neither
# includes them, nor prints, nor names command-line options.
check-layers:
	scripts/check-layers

unit: $(UNIT_BIN)
	CMOCKA_MESSAGE_OUTPUT=TAP prove --exec '' $(UNIT_BIN)

e2e: $(NEWSDEX)
	NEWSDEX=$(abspath $(NEWSDEX)) prove tests/e2e/*.t

# Xapian 1.4's Database::check (run by `newsdex stats`) frees a table object
# through a base class of another size, which ASan reports as a
# new-delete-type-mismatch inside libxapian: that one check is turned off.
check-asan: deps
	ASAN_OPTIONS=detect_leaks=1:new_delete_type_mismatch=0 UBSAN_OPTIONS=print_stacktrace=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
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

# ---- Shared library, install, uninstall -----------------------------------
# $(BUILD)/libnewsdex.so.$(LIBVERSION) (soname libnewsdex.so.$(SOVERSION)) is
# linked from the same -fPIC objects as libnewsdex.a. It exports newsdex_*
# only: -fvisibility=hidden keeps nx_* internal, and the version script also
# keeps local the C++ and Xapian inline/template code the wrapper instantiates.
#   make install [PREFIX=/usr/local] [DESTDIR=] [LIBDIR=$(PREFIX)/lib] ...
LIBVERSION   := 1.0.0
SOVERSION    := 1
SONAME       := libnewsdex.so.$(SOVERSION)
SHLIB        := $(BUILD)/libnewsdex.so.$(LIBVERSION)
SHLIB_LINKS  := $(BUILD)/$(SONAME) $(BUILD)/libnewsdex.so
SHLIB_MAP    := $(BUILD)/libnewsdex.map

PREFIX       ?= /usr/local
BINDIR       ?= $(PREFIX)/bin
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
MANDIR       ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
INSTALL      ?= install
MAN1         := newsdex.1 newsdex-index.1 newsdex-search.1 newsdex-nightly.1
MAN7         := newsdex-query.7 newsdex-scaling.7
MAN8         := newsdex.cgi.8

.PHONY: install uninstall
all: $(SHLIB_LINKS)
e2e: $(SHLIB_LINKS)

$(SHLIB_MAP): Makefile
	@mkdir -p $(@D)
	printf '{\n  global: newsdex_*;\n  local: *;\n};\n' > $@

$(SHLIB): $(LIB_OBJS) $(SHLIB_MAP)
	$(CXX) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=$(SHLIB_MAP) \
	    -Wl,--no-undefined -o $@ $(LIB_OBJS) $(LDLIBS)

$(SHLIB_LINKS): $(SHLIB)
	ln -sf $(notdir $(SHLIB)) $@

install: $(NEWSDEX) $(LIB) $(SHLIB) newsdex.pc.in
	$(INSTALL) -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(LIBDIR)" "$(DESTDIR)$(PKGCONFIGDIR)" \
	    "$(DESTDIR)$(INCLUDEDIR)" "$(DESTDIR)$(MANDIR)/man1" "$(DESTDIR)$(MANDIR)/man7" \
	    "$(DESTDIR)$(MANDIR)/man8"
	$(INSTALL) -m 755 $(NEWSDEX) "$(DESTDIR)$(BINDIR)/newsdex"
	$(INSTALL) -m 755 scripts/nightly-reindex "$(DESTDIR)$(BINDIR)/newsdex-nightly"
	$(INSTALL) -m 644 $(LIB) "$(DESTDIR)$(LIBDIR)/libnewsdex.a"
	$(INSTALL) -m 755 $(SHLIB) "$(DESTDIR)$(LIBDIR)/libnewsdex.so.$(LIBVERSION)"
	ln -sf libnewsdex.so.$(LIBVERSION) "$(DESTDIR)$(LIBDIR)/$(SONAME)"
	ln -sf $(SONAME) "$(DESTDIR)$(LIBDIR)/libnewsdex.so"
	$(INSTALL) -m 644 include/newsdex.h "$(DESTDIR)$(INCLUDEDIR)/newsdex.h"
	sed -e 's|@PREFIX@|$(PREFIX)|g' \
	    -e 's|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|g' \
	    -e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|g' \
	    -e 's|@VERSION@|$(LIBVERSION)|g' newsdex.pc.in > "$(DESTDIR)$(PKGCONFIGDIR)/newsdex.pc"
	chmod 644 "$(DESTDIR)$(PKGCONFIGDIR)/newsdex.pc"
	$(INSTALL) -m 644 $(addprefix man/,$(MAN1)) "$(DESTDIR)$(MANDIR)/man1"
	$(INSTALL) -m 644 $(addprefix man/,$(MAN7)) "$(DESTDIR)$(MANDIR)/man7"
	$(INSTALL) -m 644 $(addprefix man/,$(MAN8)) "$(DESTDIR)$(MANDIR)/man8"

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/newsdex" "$(DESTDIR)$(BINDIR)/newsdex-nightly" \
	    "$(DESTDIR)$(INCLUDEDIR)/newsdex.h" \
	    "$(DESTDIR)$(LIBDIR)/libnewsdex.a" "$(DESTDIR)$(LIBDIR)/libnewsdex.so.$(LIBVERSION)" \
	    "$(DESTDIR)$(LIBDIR)/$(SONAME)" "$(DESTDIR)$(LIBDIR)/libnewsdex.so" \
	    "$(DESTDIR)$(PKGCONFIGDIR)/newsdex.pc" \
	    $(foreach m,$(MAN1),"$(DESTDIR)$(MANDIR)/man1/$(m)") \
	    $(foreach m,$(MAN7),"$(DESTDIR)$(MANDIR)/man7/$(m)") \
	    $(foreach m,$(MAN8),"$(DESTDIR)$(MANDIR)/man8/$(m)")

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---- Web search: build/newsdex.cgi (CGI and FastCGI), make serve ----------
# web/ is the program (not part of the library); see the README's
# "Web search (CGI and FastCGI)". make serve indexes corpus/ like make demo and
# runs lighttpd in the foreground on 127.0.0.1:$(PORT) with web/'s config.
CGI_C    := $(wildcard web/*.c)
CGI_OBJS := $(CGI_C:%.c=$(BUILD)/%.o)
CGI      := $(BUILD)/newsdex.cgi
PORT     ?= 8080

.PHONY: serve
all: $(CGI)
e2e: $(CGI)

# One process per request under plain CGI: the small libraries are linked in
# statically (fewer shared objects to map and relocate at every start).
CGI_STATIC := -Wl,-Bstatic -ljansson -lutf8proc -lstemmer -ldeflate -lfcgi -Wl,-Bdynamic

$(CGI): $(CGI_OBJS) $(LIB)
	$(CXX) $(LDFLAGS) -Wl,--as-needed -o $@ $(CGI_OBJS) $(LIB) $(CGI_STATIC) $(LDLIBS)

# The response cache is the one part of newsdex.cgi with a unit test; it needs
# nothing but libc, so the test links its object alone.
$(BUILD)/tests/test_cgi_cache: tests/unit/test_cgi_cache.c $(BUILD)/web/cgi_cache.o
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MT $@ -Wno-unused-parameter -o $@.o -c $<
	$(CC) $(LDFLAGS) -o $@ $@.o $(BUILD)/web/cgi_cache.o -lcmocka

serve: deps
	$(MAKE) all
	rm -rf $(BUILD)/demo-index
	$(NEWSDEX) index --db $(BUILD)/demo-index corpus/articles.jsonl
	web/serve --db $(BUILD)/demo-index --cgi $(CGI) --port $(PORT) --state $(BUILD)/serve

# ---- Reliability: allocation failures, valgrind, fuzzing -----------------
# test_alloc_failure fails chosen allocations of the library's own code: it
# is linked with the allocator wrapped (see tests/unit/test_alloc_failure.c).
# make check-valgrind runs the CLI end-to-end tests (VALGRIND_TESTS) with
# every newsdex command under valgrind memcheck (scripts/check-valgrind).
# make fuzz [FUZZ_SECONDS=60] builds tests/fuzz/fuzz_*.c with clang and runs
# each harness that long after replaying tests/fuzz/regressions/ (scripts/fuzz).
WRAP_ALLOC     := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup,--wrap=free
VALGRIND_TESTS ?= index search query
FUZZ_SECONDS   ?= 60

.PHONY: check-valgrind fuzz clean-fuzz

$(BUILD)/tests/test_alloc_failure: tests/unit/test_alloc_failure.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MT $@ -Wno-unused-parameter -o $@.o -c $<
	$(CXX) $(LDFLAGS) $(WRAP_ALLOC) -o $@ $@.o $(LIB) $(LDLIBS) -lcmocka

check-valgrind: deps
	$(MAKE) all
	BUILD=$(BUILD) scripts/check-valgrind $(VALGRIND_TESTS)

fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz

clean: clean-fuzz
clean-fuzz:
	rm -rf build-fuzz
