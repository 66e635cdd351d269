# Makefile - build, test and install w2c (GNU make).
#
# Works without ./configure (the defaults below); configure only writes
# config.mak with the compiler and flags it probed.  Sources are listed by
# hand: adding a file is a decision.
#
#   make                 build build/w2c and build/libw2c-rt.a
#   make check           install missing test packages (as root), run pytest
#                        (with a cross-target subset under qemu-user) and
#                        the spec suite
#   make check-cross     spec suite, program tests and wasi-testsuite for
#                        every cross target under qemu-user (long); TARGETS
#                        picks triples (test/targets.py), "native" included
#   make check UPDATE=1  rewrite golden expectations instead of comparing
#   make spec            run the official testsuite (test/spec/run.py)
#   make spec-check      the whole suite with --bounds=check (spec uses the
#                        target's default, guard on 64-bit hosts)
#   make spec-portable   its SIMD scripts with the portable SIMD path
#   make SANITIZE=1      ASan + UBSan build in build-san/ (also for check)
#   make demo            compile and run the bundled example
#   make bench           time test/bench/ natively and under w2c (guard and
#                        check bounds), wasm2c and node (not part of check);
#                        RUNS=N, ONLY=a,b and ENGINES=x,y narrow it down
#   make install         PREFIX=/usr/local, DESTDIR honoured (also
#                        BINDIR, LIBDIR, SHAREDIR, INCLUDEDIR, MANDIR)
#   make uninstall       remove what install put there
#   make V=1             show full commands;  WERROR=1 adds -Werror

-include config.mak

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
SHAREDIR ?= $(PREFIX)/share/w2c
INCLUDEDIR ?= $(PREFIX)/include/w2c
MANDIR ?= $(PREFIX)/share/man

CFLAGS ?= -O2 -g
CFLAGS_AUTO ?=
LDFLAGS ?=
W2C_VERSION = 0.1.0
# The C compiler the installed w2c runs by default (configure's choice).
W2C_DEFAULT_CC ?= $(CC)

WARN = -std=c99 -Wall -Wextra -pedantic -Wshadow -Wstrict-prototypes \
       -Wmissing-prototypes
ifeq ($(WERROR),1)
WARN += -Werror
endif

SANITIZE ?= 0
ifeq ($(SANITIZE),1)
BUILD = build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer
else
BUILD = build
SANFLAGS =
endif

ALL_CFLAGS = $(WARN) $(CFLAGS_AUTO) $(CFLAGS) $(SANFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)

COMPILER_SRCS = compiler/arena.c compiler/diag.c compiler/bytes.c \
                compiler/binread.c compiler/watlex.c compiler/watparse.c \
                compiler/wast.c compiler/opinfo.c compiler/validate.c \
                compiler/names.c compiler/cwriter.c compiler/emit.c \
                compiler/emitapi.c compiler/emitfn.c compiler/driver.c \
                compiler/main.c
OBJS = $(COMPILER_SRCS:compiler/%.c=$(BUILD)/%.o)

# The runtime every executable links, in this order; driver.c gets the same
# list, so what is installed is what w2c compiles.
RT_SRCS = rt/mem.c rt/table.c rt/trap.c rt/embed.c
WASI_RT_SRCS = wasi-rt/guest.c wasi-rt/errno.c wasi-rt/fd.c wasi-rt/path.c \
               wasi-rt/sock.c \
               wasi-rt/proc.c wasi-rt/run.c
RT_HDRS = $(wildcard rt/*.h)
WASI_RT_HDRS = $(wildcard wasi-rt/*.h)
# The contracts a host program includes (plugins), installed under include/.
PUBLIC_HDRS = rt/wrt.h rt/wrt_names.h rt/wrt_simd.h wasi-rt/wasi.h

# libw2c-rt.a: the same runtime, unprefixed, for C from --emit=obj and
# --emit=c (pkg-config w2c-rt).  Position-independent, so a host may put it
# into a shared object.  RT_CFLAGS replaces the optimisation flags.
RT_CFLAGS ?= -O2
RT_LIB = $(BUILD)/libw2c-rt.a
RT_LIB_OBJS = $(addprefix $(BUILD)/rt-lib/,$(RT_SRCS:.c=.o) \
    $(WASI_RT_SRCS:.c=.o))

ifeq ($(V),1)
Q =
msg = @true
else
Q = @
msg = @printf '  %-7s %s\n'
endif

all: $(BUILD)/w2c $(RT_LIB)

$(BUILD)/w2c: $(OBJS)
	$(msg) LINK $@
	$(Q)$(CC) $(ALL_CFLAGS) $(OBJS) $(ALL_LDFLAGS) -o $@

$(BUILD)/%.o: compiler/%.c | $(BUILD)
	$(msg) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -MMD -MP -c $< -o $@

# Compiled-in defaults; these two objects follow the Makefile's settings.
$(BUILD)/main.o: CPPFLAGS += -DW2C_VERSION='"$(W2C_VERSION)"' \
    -DW2C_DEFAULT_CC='"$(W2C_DEFAULT_CC)"'
$(BUILD)/driver.o: CPPFLAGS += -DW2C_SOURCE_DIR='"$(CURDIR)"' \
    -DW2C_RUNTIME_SOURCES='"$(RT_SRCS) $(WASI_RT_SRCS)"'
$(BUILD)/main.o $(BUILD)/driver.o: Makefile
$(OBJS): $(wildcard config.mak)

$(BUILD):
	@mkdir -p $@

-include $(OBJS:.o=.d)

$(RT_LIB): $(RT_LIB_OBJS)
	$(msg) AR $@
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $(RT_LIB_OBJS)

$(BUILD)/rt-lib/%.o: %.c
	$(msg) CC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(WARN) $(RT_CFLAGS) -fPIC -Irt -Iwasi-rt -MMD -MP \
	    -c $< -o $@
$(RT_LIB_OBJS): Makefile

-include $(RT_LIB_OBJS:.o=.d)

# ---- tests -------------------------------------------------------------

# Debian's wasi-libc installs into /usr (lib/wasm32-wasi); a wasi-sdk style
# sysroot lives in /usr/share/wasi-sysroot.
WASI_SYSROOT ?= $(firstword $(wildcard /usr/share/wasi-sysroot) \
    $(if $(wildcard /usr/lib/wasm32-wasi/libc.a),/usr) /usr/share/wasi-sysroot)

ifeq ($(SANITIZE),1)
TEST_ENV = W2C_TEST_FLAGS='--cflags=-fsanitize=address,undefined --ldflags=-fsanitize=address,undefined' \
    ASAN_OPTIONS=halt_on_error=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
endif
PYTESTFLAGS ?=

check:
	@sh test/deps.sh
	@$(MAKE) --no-print-directory all $(BUILD)/w2c-spec
	@if /usr/bin/python3 -c 'import pytest' 2>/dev/null; \
	then pytest='/usr/bin/python3 -m pytest'; \
	elif command -v pytest-3 >/dev/null 2>&1; then pytest=pytest-3; \
	else echo 'make check: pytest not found (apt-get install python3-pytest)' >&2; \
	     exit 1; fi; \
	W2C='$(CURDIR)/$(BUILD)/w2c' WASI_SYSROOT='$(WASI_SYSROOT)' \
	W2C_CACHE_DIR='$(CURDIR)/$(BUILD)/cache' \
	W2C_TEST_CC='$(CC)' UPDATE='$(UPDATE)' $(TEST_ENV) \
	$$pytest -q $(PYTESTFLAGS) test/
	@$(MAKE) --no-print-directory spec
	@$(MAKE) --no-print-directory spec-check
	@$(MAKE) --no-print-directory spec-portable

# ---- the official testsuite (test/spec/) ------------------------------

# build/w2c-spec runs one .wast script: the compiler without main.c, plus the
# text and script parsers (w2c itself may not need wast.c).
SPEC_LIB_OBJS = $(sort $(filter-out $(BUILD)/main.o,$(OBJS)) \
    $(BUILD)/watlex.o $(BUILD)/watparse.o $(BUILD)/wast.o)

$(BUILD)/w2c-spec: $(BUILD)/specrun.o $(SPEC_LIB_OBJS)
	$(msg) LINK $@
	$(Q)$(CC) $(ALL_CFLAGS) $(BUILD)/specrun.o $(SPEC_LIB_OBJS) \
	    $(ALL_LDFLAGS) -o $@

$(BUILD)/specrun.o: test/spec/specrun.c Makefile | $(BUILD)
	$(msg) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -Icompiler \
	    -DSPEC_SUPPORT_DIR='"$(CURDIR)/test/spec"' -MMD -MP -c $< -o $@

-include $(BUILD)/specrun.d

# Every .wast of the suite; SPECFLAGS go to run.py (e.g. -k i32 -j 4).
# At -O2, w2c's default, so that the C compiler's optimiser is in the loop
# (it deletes a load whose value is unused, and with guard bounds its
# fault); spec-check below stays at -O0.
SPECFLAGS ?=
spec: $(BUILD)/w2c-spec
	@W2C_CACHE_DIR='$(CURDIR)/$(BUILD)/cache' CC='$(CC)' \
	/usr/bin/env python3 test/spec/run.py --runner '$(BUILD)/w2c-spec' \
	    -O 2 $(SPECFLAGS)

# The whole suite again with the other bounds strategy: explicit checks
# (`make spec` uses the target's default, guard on 64-bit hosts).
spec-check: $(BUILD)/w2c-spec
	@W2C_CACHE_DIR='$(CURDIR)/$(BUILD)/cache' CC='$(CC)' \
	/usr/bin/env python3 test/spec/run.py --runner '$(BUILD)/w2c-spec' \
	    --bounds=check $(SPECFLAGS)

# The SIMD scripts again, with rt/wrt_simd.h's portable (plain C) path.
spec-portable: $(BUILD)/w2c-spec
	@W2C_CACHE_DIR='$(CURDIR)/$(BUILD)/cache' CC='$(CC)' \
	/usr/bin/env python3 test/spec/run.py --runner '$(BUILD)/w2c-spec' \
	    -k simd_ --cc='$(CC) -DWRT_SIMD_PORTABLE=1' $(SPECFLAGS)

# ---- cross targets (test/targets.py) -----------------------------------

# Every target's whole spec suite, program tests and wasi-testsuite under
# qemu-user, then a table of pass counts (logs in $(BUILD)/cross/); exits
# nonzero when anything failed.  Native builds' W2C_TEST_FLAGS do not apply.
TARGETS ?= aarch64-linux-gnu arm-linux-gnueabihf riscv64-linux-gnu \
           i686-linux-gnu s390x-linux-gnu powerpc-linux-gnu
check-cross:
	@sh test/deps.sh
	@$(MAKE) --no-print-directory all $(BUILD)/w2c-spec
	@W2C='$(CURDIR)/$(BUILD)/w2c' WASI_SYSROOT='$(WASI_SYSROOT)' \
	W2C_CACHE_DIR='$(CURDIR)/$(BUILD)/cache' W2C_TEST_CC='$(CC)' \
	/usr/bin/python3 test/targets.py --spec-runner '$(BUILD)/w2c-spec' \
	    --logs '$(BUILD)/cross' $(TARGETS)

demo: all
	$(BUILD)/w2c test/demo/hello.wasm -o $(BUILD)/hello
	$(BUILD)/hello world

# Benchmarks (test/bench/run.py): a table of medians and ratios to native
# on stdout and in build/bench/results.{txt,json}.
bench: all
	@W2C='$(CURDIR)/$(BUILD)/w2c' WASI_SYSROOT='$(WASI_SYSROOT)' \
	/usr/bin/python3 test/bench/run.py $(if $(RUNS),--runs='$(RUNS)') \
	    $(if $(ONLY),--only='$(ONLY)') $(if $(ENGINES),--engines='$(ENGINES)')

# ---- install -----------------------------------------------------------

# w2c-rt.pc names its directories relative to ${prefix} where they lie
# under PREFIX (the usual case), so the file reads as pkg-config users
# expect; rt_sources lists every runtime source, for builds that compile
# the runtime themselves.
PC_DIR = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))
PC_SUBST = -e 's|@PREFIX@|$(PREFIX)|g' \
    -e 's|@INCLUDEDIR@|$(call PC_DIR,$(INCLUDEDIR))|g' \
    -e 's|@LIBDIR@|$(call PC_DIR,$(LIBDIR))|g' \
    -e 's|@SHAREDIR@|$(call PC_DIR,$(SHAREDIR))|g' \
    -e 's|@RT_SOURCES@|$(addprefix $${srcdir}/,$(RT_SRCS) $(WASI_RT_SRCS))|g' \
    -e 's|@VERSION@|$(W2C_VERSION)|g'

install: all
	install -d '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(SHAREDIR)/rt' \
	    '$(DESTDIR)$(SHAREDIR)/wasi-rt' '$(DESTDIR)$(INCLUDEDIR)' \
	    '$(DESTDIR)$(LIBDIR)/pkgconfig' '$(DESTDIR)$(MANDIR)/man1' \
	    '$(DESTDIR)$(MANDIR)/man3'
	install -m 755 $(BUILD)/w2c '$(DESTDIR)$(BINDIR)/w2c'
	install -m 644 $(RT_SRCS) $(RT_HDRS) '$(DESTDIR)$(SHAREDIR)/rt'
	install -m 644 $(WASI_RT_SRCS) $(WASI_RT_HDRS) \
	    '$(DESTDIR)$(SHAREDIR)/wasi-rt'
	install -m 644 $(PUBLIC_HDRS) '$(DESTDIR)$(INCLUDEDIR)'
	install -m 644 $(RT_LIB) '$(DESTDIR)$(LIBDIR)/libw2c-rt.a'
	sed $(PC_SUBST) rt/w2c-rt.pc.in \
	    >'$(DESTDIR)$(LIBDIR)/pkgconfig/w2c-rt.pc'
	chmod 644 '$(DESTDIR)$(LIBDIR)/pkgconfig/w2c-rt.pc'
	install -m 644 man/w2c.1 '$(DESTDIR)$(MANDIR)/man1/w2c.1'
	install -m 644 man/w2c-embed.3 '$(DESTDIR)$(MANDIR)/man3/w2c-embed.3'

uninstall:
	rm -f '$(DESTDIR)$(BINDIR)/w2c' '$(DESTDIR)$(MANDIR)/man1/w2c.1' \
	    '$(DESTDIR)$(MANDIR)/man3/w2c-embed.3' \
	    '$(DESTDIR)$(LIBDIR)/libw2c-rt.a' \
	    '$(DESTDIR)$(LIBDIR)/pkgconfig/w2c-rt.pc'
	rm -rf '$(DESTDIR)$(SHAREDIR)' '$(DESTDIR)$(INCLUDEDIR)'

clean:
	rm -rf build build-san

distclean: clean
	rm -f config.mak

.PHONY: all check check-cross spec spec-check spec-portable bench demo install \
    uninstall clean distclean
