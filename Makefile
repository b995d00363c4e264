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

.PHONY: all deps check unit integration demo asan clean format install \
	uninstall

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

# make install [DESTDIR=...] [PREFIX=...]; make uninstall with the same.
#   SBINDIR      secmond                  $(PREFIX)/sbin
#   BINDIR       secmonctl                $(PREFIX)/bin
#   MANDIR       man5, man8 pages         $(PREFIX)/share/man
#   SYSCONFDIR   secmond/secmond.conf,    /etc, whatever PREFIX: secmond's
#                secmond/maintenance.conf default -c path and the unit's
#                                         ConfigurationDirectory= are there
#   UNITDIR      secmond.service, .socket pkg-config systemd's
#                                         systemdsystemunitdir (where
#                                         systemd looks), else
#                                         /lib/systemd/system
#   SYSUSERSDIR  secmond.conf (the user)  pkg-config systemd's sysusersdir,
#                                         else /usr/lib/sysusers.d
#   ROOTDIR      an empty directory, the  $(PREFIX)/lib/secmond/root
#                unit's RootDirectory=
# The unit is generated, with these paths, as $(B)/secmond.service. A config
# file the admin edited is never overwritten: the shipped one is installed
# beside it as FILE.dist; uninstall keeps edited config files and says so,
# and removes the directories it leaves empty (up to DESTDIR, or PREFIX and
# SYSCONFDIR without one).
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
ROOTDIR ?= $(PREFIX)/lib/secmond/root
ifeq ($(origin UNITDIR),undefined)
UNITDIR := $(or $(shell pkg-config --variable=systemdsystemunitdir systemd \
	2>/dev/null),/lib/systemd/system)
endif
ifeq ($(origin SYSUSERSDIR),undefined)
SYSUSERSDIR := $(or $(shell pkg-config --variable=sysusersdir systemd \
	2>/dev/null),/usr/lib/sysusers.d)
endif
CONFDIR = $(SYSCONFDIR)/secmond
CONF_FILES = secmond.conf maintenance.conf

# Regenerated when the paths change (FORCE), rewritten only if it differs.
$(B)/secmond.service: systemd/secmond.service.in FORCE
	@mkdir -p $(dir $@)
	@sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@BINDIR@|$(BINDIR)|g' \
		-e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' -e 's|@ROOTDIR@|$(ROOTDIR)|g' \
		$< >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; \
	else mv $@.tmp $@; echo "  GEN     $@"; fi

FORCE:

install: $(B)/secmond $(B)/secmonctl $(B)/secmond.service
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(CONFDIR)
	install -d -m 0755 $(DESTDIR)$(ROOTDIR)
	install -m 0755 $(B)/secmond $(DESTDIR)$(SBINDIR)/secmond
	install -m 0755 $(B)/secmonctl $(DESTDIR)$(BINDIR)/secmonctl
	install -m 0644 man/secmond.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 man/secmond.8 man/secmonctl.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 $(B)/secmond.service systemd/secmond.socket \
		$(DESTDIR)$(UNITDIR)/
	install -m 0644 systemd/secmond.sysusers \
		$(DESTDIR)$(SYSUSERSDIR)/secmond.conf
	@for f in $(CONF_FILES); do \
		d=$(DESTDIR)$(CONFDIR)/$$f; \
		if [ ! -e $$d ] || cmp -s conf/$$f $$d; then \
			echo "install -m 0644 conf/$$f $$d"; \
			install -m 0644 conf/$$f $$d && rm -f $$d.dist || exit 1; \
		else \
			install -m 0644 conf/$$f $$d.dist || exit 1; \
			echo "kept $$d: it was edited; the shipped one is $$d.dist"; \
		fi; \
	done
	@[ -n "$(DESTDIR)" ] || echo "now: systemd-sysusers; systemctl" \
		"daemon-reload; systemctl enable --now secmond.service"

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/secmond $(DESTDIR)$(BINDIR)/secmonctl \
		$(DESTDIR)$(MANDIR)/man5/secmond.conf.5 \
		$(DESTDIR)$(MANDIR)/man8/secmond.8 \
		$(DESTDIR)$(MANDIR)/man8/secmonctl.8 \
		$(DESTDIR)$(UNITDIR)/secmond.service \
		$(DESTDIR)$(UNITDIR)/secmond.socket \
		$(DESTDIR)$(SYSUSERSDIR)/secmond.conf
	@for f in $(CONF_FILES); do \
		d=$(DESTDIR)$(CONFDIR)/$$f; \
		rm -f $$d.dist; \
		if [ ! -e $$d ]; then :; \
		elif cmp -s conf/$$f $$d; then echo "rm -f $$d"; rm -f $$d; \
		else echo "kept $$d: it was edited (remove it by hand)"; fi; \
	done
	@for d in $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(CONFDIR) \
	    $(DESTDIR)$(ROOTDIR); do \
		if [ -n "$(DESTDIR)" ]; then top="$(DESTDIR)"; \
		else case $$d in \
			$(PREFIX)/*) top="$(PREFIX)" ;; \
			$(CONFDIR)) top="$(SYSCONFDIR)" ;; \
			*) top=$$d ;; \
		esac; fi; \
		while [ "$${d#$$top/}" != "$$d" ] && rmdir "$$d" 2>/dev/null; do \
			echo "rmdir $$d"; d=$${d%/*}; \
		done; \
	done

clean:
	rm -rf build build-asan

-include $(LIB_OBJS:.o=.d) $(SECMOND_OBJS:.o=.d) $(SECMONCTL_OBJS:.o=.d)
