#!/bin/bash
# make install and make uninstall: exactly the files they should, where
# they should (PREFIX, DESTDIR, SYSCONFDIR, UNITDIR, SYSUSERSDIR, ...); a
# config file the admin edited is kept over a second install (the shipped
# one goes beside it as .dist) and over uninstall, which says so; nothing
# else is left, not even an empty directory.
. "$TOP/tests/lib/common.sh"

SAN=0
[ "$B" = build-asan ] && SAN=1
# make in the tree, never rebuilding the binaries under test.
mk() {
	make -C "$TOP" --no-print-directory -s SANITIZE=$SAN \
		-o "$B/secmond" -o "$B/secmonctl" "$@"
}
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null)
unitdir=${unitdir:-/lib/systemd/system}
sysusersdir=$(pkg-config --variable=sysusersdir systemd 2>/dev/null)
sysusersdir=${sysusersdir:-/usr/lib/sysusers.d}

# expect ROOT SPEC...: the tree under ROOT is exactly what SPEC names and
# the directories leading there. SPEC: "PATH MODE SOURCE" for a file of MODE
# equal to SOURCE, "PATH dir" for a directory.
expect() {
	local root=$1 spec path mode src p want got
	shift
	want=$(for spec in "$@"; do
		p=${spec%% *}
		while [ -n "$p" ]; do
			echo "$p"
			p=${p%/*}
		done
	done | sort -u)
	got=$(cd "$root" && find . -mindepth 1 | sed 's|^\.||' | sort)
	[ "$got" = "$want" ] || fail "under $root:
$(diff <(echo "$want") <(echo "$got") | sed -n 's/^</missing: /p; s/^>/left behind or unexpected: /p')"
	for spec in "$@"; do
		read -r path mode src <<<"$spec"
		if [ "$mode" = dir ]; then
			[ -d "$root$path" ] || fail "$path is not a directory"
			continue
		fi
		got=$(stat -c '%a' "$root$path")
		[ "$got" = "$mode" ] || fail "$path: mode $got, not $mode"
		cmp -s "$root$path" "$src" || fail "$path is not $src"
	done
}

# A unit generated as make install generates it, for comparison.
unit_for() {
	sed -e "s|@SBINDIR@|$1|g" -e "s|@SYSCONFDIR@|$2|g" -e "s|@ROOTDIR@|$3|g" \
		"$TOP/systemd/secmond.service.in" >"$TMP/expected.service"
	echo "$TMP/expected.service"
}

# 1. DESTDIR + PREFIX=/usr: the packaging layout.
R=$TMP/root
mk install DESTDIR="$R" PREFIX=/usr >"$TMP/out1" 2>&1 ||
	fail "make install: $(cat "$TMP/out1")"
U=$(unit_for /usr/sbin /etc /usr/lib/secmond/root)
FILES=("/usr/sbin/secmond 755 $SECMOND"
	"/usr/bin/secmonctl 755 $SECMONCTL"
	"/usr/share/man/man5/secmond.conf.5 644 $TOP/man/secmond.conf.5"
	"/usr/share/man/man8/secmond.8 644 $TOP/man/secmond.8"
	"/usr/share/man/man8/secmonctl.8 644 $TOP/man/secmonctl.8"
	"$unitdir/secmond.service 644 $U"
	"$unitdir/secmond.socket 644 $TOP/systemd/secmond.socket"
	"$sysusersdir/secmond.conf 644 $TOP/systemd/secmond.sysusers"
	"/usr/lib/secmond/root dir")
CONFS=("/etc/secmond/secmond.conf 644 $TOP/conf/secmond.conf"
	"/etc/secmond/maintenance.conf 644 $TOP/conf/maintenance.conf")
expect "$R" "${FILES[@]}" "${CONFS[@]}"
[ -z "$(ls -A "$R/usr/lib/secmond/root")" ] || fail "the unit's root directory is not empty"
echo "install: $(( ${#FILES[@]} + ${#CONFS[@]} )) paths, no more"

# 2. The admin edits both config files; a second install keeps them, says
# so, and puts the shipped ones beside them as .dist.
echo "# edited by the admin" >>"$R/etc/secmond/secmond.conf"
echo "# edited by the admin" >>"$R/etc/secmond/maintenance.conf"
cp "$R/etc/secmond/secmond.conf" "$TMP/edited.conf"
cp "$R/etc/secmond/maintenance.conf" "$TMP/edited-maintenance.conf"
mk install DESTDIR="$R" PREFIX=/usr >"$TMP/out2" 2>&1 ||
	fail "second make install: $(cat "$TMP/out2")"
for f in secmond.conf maintenance.conf; do
	grep -q "^kept $R/etc/secmond/$f: .*edited" "$TMP/out2" ||
		fail "the second install did not say it kept $f: $(cat "$TMP/out2")"
done
EDITED=("/etc/secmond/secmond.conf 644 $TMP/edited.conf"
	"/etc/secmond/maintenance.conf 644 $TMP/edited-maintenance.conf")
DIST=("/etc/secmond/secmond.conf.dist 644 $TOP/conf/secmond.conf"
	"/etc/secmond/maintenance.conf.dist 644 $TOP/conf/maintenance.conf")
expect "$R" "${FILES[@]}" "${EDITED[@]}" "${DIST[@]}"
echo "second install: kept the edited secmond.conf and maintenance.conf, shipped ones as .dist"

# The admin takes the shipped maintenance.conf back: the next install
# updates it again and drops its .dist.
cp "$TOP/conf/maintenance.conf" "$R/etc/secmond/maintenance.conf"
mk install DESTDIR="$R" PREFIX=/usr >"$TMP/out3" 2>&1 || fail "third make install"
grep -q "kept .*maintenance.conf" "$TMP/out3" && fail "kept an unedited maintenance.conf"
expect "$R" "${FILES[@]}" "${EDITED[0]}" "${DIST[0]}" "${CONFS[1]}"

# 3. Uninstall: everything but the edited secmond.conf, which it names.
mk uninstall DESTDIR="$R" PREFIX=/usr >"$TMP/out4" 2>&1 ||
	fail "make uninstall: $(cat "$TMP/out4")"
grep -q "^kept $R/etc/secmond/secmond.conf: .*edited" "$TMP/out4" ||
	fail "uninstall did not say it kept the edited secmond.conf: $(cat "$TMP/out4")"
grep -q "kept .*maintenance.conf" "$TMP/out4" && fail "uninstall kept an unedited maintenance.conf"
expect "$R" "${EDITED[0]}"
rm "$R/etc/secmond/secmond.conf"
mk uninstall DESTDIR="$R" PREFIX=/usr >"$TMP/out5" 2>&1 || fail "second make uninstall"
expect "$R"
echo "uninstall: only the edited secmond.conf left (and said so); then nothing"

# 4. Every directory variable, and the default PREFIX.
R=$TMP/root2
V=(PREFIX=/opt/secmond BINDIR=/opt/bin SBINDIR=/opt/sbin MANDIR=/opt/man
	SYSCONFDIR=/etc/opt UNITDIR=/etc/systemd/system SYSUSERSDIR=/etc/sysusers.d
	ROOTDIR=/opt/secmond/empty)
mk install DESTDIR="$R" "${V[@]}" >"$TMP/out6" 2>&1 || fail "make install ${V[*]}: $(cat "$TMP/out6")"
U=$(unit_for /opt/sbin /etc/opt /opt/secmond/empty)
expect "$R" "/opt/sbin/secmond 755 $SECMOND" "/opt/bin/secmonctl 755 $SECMONCTL" \
	"/opt/man/man5/secmond.conf.5 644 $TOP/man/secmond.conf.5" \
	"/opt/man/man8/secmond.8 644 $TOP/man/secmond.8" \
	"/opt/man/man8/secmonctl.8 644 $TOP/man/secmonctl.8" \
	"/etc/systemd/system/secmond.service 644 $U" \
	"/etc/systemd/system/secmond.socket 644 $TOP/systemd/secmond.socket" \
	"/etc/sysusers.d/secmond.conf 644 $TOP/systemd/secmond.sysusers" \
	"/etc/opt/secmond/secmond.conf 644 $TOP/conf/secmond.conf" \
	"/etc/opt/secmond/maintenance.conf 644 $TOP/conf/maintenance.conf" \
	"/opt/secmond/empty dir"
mk uninstall DESTDIR="$R" "${V[@]}" >"$TMP/out7" 2>&1 || fail "make uninstall ${V[*]}"
expect "$R"
R=$TMP/root3
mk install DESTDIR="$R" >"$TMP/out8" 2>&1 || fail "make install (default PREFIX)"
[ -x "$R/usr/local/sbin/secmond" ] && [ -x "$R/usr/local/bin/secmonctl" ] &&
	[ -f "$R/usr/local/share/man/man8/secmond.8" ] && [ -f "$R/etc/secmond/secmond.conf" ] ||
	fail "default PREFIX is not /usr/local with /etc: $(cd "$R" && find . -type f)"
mk uninstall DESTDIR="$R" >"$TMP/out9" 2>&1 || fail "make uninstall (default PREFIX)"
expect "$R"
echo "every directory variable honoured, default PREFIX /usr/local; uninstall leaves nothing"
# The unit in the build tree goes back to the default paths.
mk "$B/secmond.service" >/dev/null
