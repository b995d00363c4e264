# secmond: make (build), make check (all tests), make demo (the daemon
# against the bundled fake AWS). SANITIZE=1 builds with ASan+UBSan into
# build-asan/. Dependencies are installed (as root) or named by
# scripts/deps.sh before anything is built.

PREFIX ?= /usr/local
PYTHON ?= python3
SANITIZE ?= 0

PKGS = libevent libcurl openssl jansson libsystemd sqlite3 inih expat

ifeq ($(SANITIZE),1)
B = build-asan
OPT = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
LDOPT = -fsanitize=address,undefined
else
B = build
OPT = -O2 -g -D_FORTIFY_SOURCE=2
LDOPT =
endif

WARN = -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wmissing-declarations -Wpointer-arith \
	-Wcast-qual -Wwrite-strings -Wvla
CFLAGS ?=
CPPFLAGS += -D_GNU_SOURCE -Ilib -Ilib/aws -Ilib/sources -Ilib/ctl
ALL_CFLAGS = -std=gnu11 $(OPT) $(WARN) -fstack-protector-strong -fPIE \
	-MMD -MP $(CPPFLAGS) $(CFLAGS)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now $(LDOPT) $(LDFLAGS)

LIB_SRCS = $(wildcard lib/*.c lib/aws/*.c lib/sources/*.c lib/ctl/*.c)
# The maintenance catalog is built in (lib/conf.c reads it when there is no
# maintenance.conf beside the config).
LIB_OBJS = $(LIB_SRCS:%.c=$(B)/%.o) $(B)/gen/catalog.o
SECMONCTL_SRCS = $(wildcard daemon/secmonctl*.c)
SECMONCTL_OBJS = $(SECMONCTL_SRCS:%.c=$(B)/%.o)
SECMOND_SRCS = $(filter-out $(SECMONCTL_SRCS),$(wildcard daemon/*.c))
SECMOND_OBJS = $(SECMOND_SRCS:%.c=$(B)/%.o)
UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)

.PHONY: all deps check unit integration demo asan clean format install

all: $(B)/secmond $(B)/secmonctl

deps:
	@PYTHON=$(PYTHON) sh scripts/deps.sh

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(B)/gen/catalog.c: conf/maintenance.conf scripts/embed.sh
	@mkdir -p $(dir $@)
	@sh scripts/embed.sh conf_builtin_catalog conf/maintenance.conf >$@.tmp
	@mv $@.tmp $@

$(B)/gen/catalog.o: $(B)/gen/catalog.c
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libsecmon.a: $(LIB_OBJS)
	@rm -f $@
	@$(AR) rcs $@ $^

$(B)/secmond: $(SECMOND_OBJS) $(B)/libsecmon.a
	@echo "  LD      $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(B)/secmonctl: $(SECMONCTL_OBJS) $(B)/libsecmon.a
	@echo "  LD      $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(B)/tests/%: tests/unit/%.c $(B)/libsecmon.a
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) $(shell pkg-config --cflags cmocka) \
		$(ALL_LDFLAGS) -o $@ $< $(TEST_OBJS) $(B)/libsecmon.a $(PKG_LIBS) \
		$(shell pkg-config --libs cmocka) -lm

# test_ctl also runs the daemon's control socket server.
$(B)/tests/test_ctl: TEST_OBJS = $(B)/daemon/control.o
$(B)/tests/test_ctl: $(B)/daemon/control.o

unit: all $(UNIT_BINS)
	@PYTHON=$(PYTHON) B=$(B) sh tests/run-unit.sh $(UNIT_BINS)

integration: all
	@PYTHON=$(PYTHON) B=$(B) bash tests/run-integration.sh

# Everything: dependencies, build, unit tests, integration tests.
check: deps
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory integration

asan:
	@$(MAKE) --no-print-directory check SANITIZE=1

# One full poll of a large estate from the fake AWS, secmond against the AWS
# CLI (tests/bench/README.md). Not part of check: it takes minutes.
.PHONY: bench
bench: all
	@PYTHON=$(PYTHON) B=$(B) bash tests/bench/full-poll.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@PYTHON=$(PYTHON) B=$(B) bash scripts/demo.sh

format:
	clang-format -i $(LIB_SRCS) $(wildcard lib/*.h lib/*/*.h) \
		$(wildcard daemon/*.c) $(UNIT_SRCS)

clean:
	rm -rf build build-asan

-include $(LIB_OBJS:.o=.d) $(SECMOND_OBJS:.o=.d) $(SECMONCTL_OBJS:.o=.d)
