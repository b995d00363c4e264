#!/bin/bash
# The systemd unit as make builds and installs it:
# 1. systemd-analyze security rates the unit the build produces at 1.0 or
#    better;
# 2. make install puts secmond where the unit's ExecStart= and
#    ExecStartPre= look, the config where their -c points, the unit's
#    RootDirectory=; systemd-analyze verify accepts the installed units and
#    systemd-sysusers the installed sysusers file;
# 3. secmond started the way the unit has systemd start it (its
#    StateDirectory=, RuntimeDirectory=, ConfigurationDirectory=,
#    Environment=, WatchdogSec=, HOME in the state directory) says READY=1
#    and WATCHDOG=1 and answers secmonctl; as root, inside a mount
#    namespace that approximates the unit's file-system sandbox, as an
#    unprivileged user without capabilities;
# 4. as root, where the kernel allows it: the installed units under a real
#    systemd (PID 1 of private namespaces, over an overlay of / so that
#    nothing reaches the host's files), with the whole sandbox, seccomp and
#    the user namespace included: start, READY, polls, secmonctl, reload,
#    watchdog pings, socket activation through secmond.socket.
. "$TOP/tests/lib/common.sh"

command -v systemd-analyze >/dev/null 2>&1 ||
	{ echo "skip: systemd-analyze not installed (Debian: systemd)"; exit 77; }

SAN=0
[ "$B" = build-asan ] && SAN=1
# make in the tree, never rebuilding the binaries under test.
mk() {
	make -C "$TOP" --no-print-directory -s SANITIZE=$SAN \
		-o "$B/secmond" -o "$B/secmonctl" "$@"
}
# unit_get FILE KEY: the value of KEY's last assignment in FILE.
unit_get() {
	sed -n "s/^$2=//p" "$1" | tail -n 1
}
# exposure FILE: EXPOSURE (tenths: "1.0" -> 10), EXPOSURE_TEXT, EXPOSURE_BAD
# (the settings that count against the unit).
exposure() {
	local out line
	out=$(systemd-analyze security --offline=yes "$1" 2>&1)
	line=$(grep 'Overall exposure level' <<<"$out")
	[[ $line =~ :\ ([0-9]+)\.([0-9])\  ]] ||
		fail "no overall exposure level for $1: $out"
	EXPOSURE=$((10#${BASH_REMATCH[1]} * 10 + 10#${BASH_REMATCH[2]}))
	EXPOSURE_TEXT="${BASH_REMATCH[1]}.${BASH_REMATCH[2]}"
	EXPOSURE_BAD=$(grep '✗' <<<"$out")
}

unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null)
unitdir=${unitdir:-/lib/systemd/system}
sysusersdir=$(pkg-config --variable=sysusersdir systemd 2>/dev/null)
sysusersdir=${sysusersdir:-/usr/lib/sysusers.d}

# 2. make install PREFIX=/usr: the paths in the installed unit exist there.
mk install DESTDIR="$TMP/root" PREFIX=/usr >"$TMP/install.log" 2>&1 ||
	fail "make install: $(cat "$TMP/install.log")"
IU=$TMP/root$unitdir/secmond.service
[ -f "$IU" ] || fail "no $unitdir/secmond.service installed"
for key in ExecStart ExecStartPre; do
	v=$(unit_get "$IU" $key)
	bin=${v%% *}
	[ "$bin" = /usr/sbin/secmond ] || fail "$key runs $bin, not /usr/sbin/secmond"
	[ -x "$TMP/root$bin" ] && cmp -s "$TMP/root$bin" "$SECMOND" ||
		fail "$key: $bin is not the installed secmond"
	c=$(sed -n 's/.* -c \([^ ]*\).*/\1/p' <<<"$v")
	[ "$c" = /etc/secmond/secmond.conf ] && [ -f "$TMP/root$c" ] ||
		fail "$key: -c '$c' is not the installed config"
done
[[ $(unit_get "$IU" ExecStartPre) == *" -t "* ]] || fail "ExecStartPre does not check (-t)"
rootdir=$(unit_get "$IU" RootDirectory)
[ -n "$rootdir" ] && [ -d "$TMP/root$rootdir" ] ||
	fail "RootDirectory=$rootdir not installed"
grep -q "^BindReadOnlyPaths=.* /usr/sbin " "$IU" ||
	fail "the unit does not mount the installed sbin directory in"
# Another prefix moves the paths with it.
mk "$B/secmond.service" PREFIX=/opt/secmond >/dev/null || fail "make the unit"
[ "$(unit_get "$TOP/$B/secmond.service" ExecStart)" = \
	"/opt/secmond/sbin/secmond -c /etc/secmond/secmond.conf" ] ||
	fail "PREFIX=/opt/secmond: ExecStart=$(unit_get "$TOP/$B/secmond.service" ExecStart)"

# systemd-analyze verify, on an install whose paths exist on this host.
P=$TMP/prefix
mk install PREFIX="$P" SYSCONFDIR="$P/etc" UNITDIR="$P/units" \
	SYSUSERSDIR="$P/sysusers" >>"$TMP/install.log" 2>&1 ||
	fail "make install PREFIX=$P: $(tail "$TMP/install.log")"
if out=$(MANPATH="$P/share/man" systemd-analyze verify \
	"$P/units/secmond.service" "$P/units/secmond.socket" 2>&1); then
	echo "systemd-analyze verify: ok"
elif grep -qi 'bus\|connect' <<<"$out"; then
	echo "systemd-analyze verify: skipped, it needs a running systemd here: $out"
else
	fail "systemd-analyze verify: $out"
fi
# The sysusers file makes the user and group the unit names.
mkdir -p "$TMP/sysroot/etc"
systemd-sysusers --root="$TMP/sysroot" "$P/sysusers/secmond.conf" \
	>"$TMP/sysusers.log" 2>&1 || fail "systemd-sysusers: $(cat "$TMP/sysusers.log")"
grep -q "^$(unit_get "$IU" User):x:[0-9]*:[0-9]*:[^:]*:/var/lib/secmond:" \
	"$TMP/sysroot/etc/passwd" || fail "no user $(unit_get "$IU" User) with home /var/lib/secmond"
grep -q "^$(unit_get "$IU" Group):x:" "$TMP/sysroot/etc/group" ||
	fail "no group $(unit_get "$IU" Group)"

# 1. The exposure of the unit the build produces (and of the installed one).
mk "$B/secmond.service" >/dev/null || fail "make $B/secmond.service"
UNIT=$TOP/$B/secmond.service
for u in "$UNIT" "$IU"; do
	exposure "$u"
	[ "$EXPOSURE" -le 10 ] || fail "$u: exposure $EXPOSURE_TEXT, above 1.0:
$EXPOSURE_BAD"
done
echo "systemd-analyze security: $EXPOSURE_TEXT"

# 4. A real systemd. Set up and started here, before part 3, so that when
# part 3 is over secmond has run under it for longer than half WatchdogSec.
start_fake "$TOP/tests/fakeaws/scenarios/demo.json"
REAL_WHY=""
SDPID=""
CG=""
# sd_usable: can this host run systemd in namespaces over an overlay of /?
# Sets CG and SYSTEMD; REAL_WHY if not.
sd_usable() {
	local cgmnt cgself
	if [ "$(id -u)" -ne 0 ]; then
		REAL_WHY="needs root"
		return 1
	fi
	# AddressSanitizer's runtime needs what the unit's system-call filter
	# and mount sandbox take away: the plain build is the one checked.
	if ldd "$SECMOND" 2>/dev/null | grep -q libasan; then
		REAL_WHY="an AddressSanitizer build (the plain build is checked)"
		return 1
	fi
	SYSTEMD=$(ls /lib/systemd/systemd /usr/lib/systemd/systemd 2>/dev/null | head -n 1)
	if [ -z "$SYSTEMD" ]; then
		REAL_WHY="no /lib/systemd/systemd"
		return 1
	fi
	cgmnt=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
	cgself=$(sed -n 's/^0:://p' /proc/self/cgroup)
	if [ -z "$cgmnt" ] || [ -z "$cgself" ] ||
		! mkdir "$cgmnt${cgself%/}/secmond-test-$$" 2>/dev/null; then
		REAL_WHY="no cgroup2 hierarchy to make a cgroup in"
		return 1
	fi
	CG=$cgmnt${cgself%/}/secmond-test-$$
	if ! unshare --pid --fork --mount --uts --ipc --cgroup true 2>/dev/null; then
		REAL_WHY="no pid, mount, uts, ipc or cgroup namespaces"
		return 1
	fi
	mkdir "$TMP/ovl"
	if ! unshare --mount sh -c "mount -t tmpfs tmpfs $TMP/ovl &&
		mkdir $TMP/ovl/u $TMP/ovl/w $TMP/ovl/r && mount -t overlay overlay \
		-o lowerdir=/,upperdir=$TMP/ovl/u,workdir=$TMP/ovl/w $TMP/ovl/r" \
		2>"$TMP/ovl.err"; then
		REAL_WHY="no overlay of /: $(cat "$TMP/ovl.err")"
		return 1
	fi
}
sd_cleanup() {
	[ -z "$SDPID" ] || kill -KILL "$SDPID" 2>/dev/null
	[ -z "$CG" ] || [ ! -e "$CG/cgroup.kill" ] || echo 1 >"$CG/cgroup.kill" 2>/dev/null
	cleanup
	[ -z "$CG" ] || [ ! -d "$CG" ] ||
		find "$CG" -depth -type d -exec rmdir {} + 2>/dev/null
}
trap sd_cleanup EXIT
in_sd() {
	nsenter -t "$SDPID" -a "$@"
}
show() {
	in_sd systemctl show -p "$2" --value "$1"
}
journal() {
	in_sd journalctl --no-pager -o cat -u secmond.service
}

cat >"$TMP/sd-inner.sh" <<'SH'
#!/bin/bash
# sd-inner.sh TMP ROOTFS FAKE_URL SYSTEMD: PID 1 of new namespaces. An overlay of /
# whose writes go to a tmpfs, with private /proc, /sys (read-only), /dev,
# /run and cgroup2; the installed tree copied in; then systemd as PID 1.
# Only TMP/sd-* is written on the host.
set -eu
tmp=$1 rootfs=$2 fake=$3 systemd=$4
# By name: the resolver (a thread in libcurl) runs under the sandbox too.
fake=${fake/127.0.0.1/localhost}
S=$tmp/ovl
mount --make-rprivate /
mount -t tmpfs -o mode=755 tmpfs "$S"
mkdir "$S/u" "$S/w" "$S/r"
mount -t overlay overlay -o "lowerdir=/,upperdir=$S/u,workdir=$S/w" "$S/r"
R=$S/r
mount -t proc proc "$R/proc"
mount --bind "$R/proc/sys" "$R/proc/sys"
mount -o remount,bind,ro "$R/proc/sys"
mount -t sysfs -o ro sysfs "$R/sys"
mount -t cgroup2 cgroup2 "$R/sys/fs/cgroup"
mount -t tmpfs -o mode=755,nosuid tmpfs "$R/dev"
for n in null zero full random urandom tty; do
	touch "$R/dev/$n"
	mount --bind "/dev/$n" "$R/dev/$n"
done
mkdir "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
ln -s /proc/self/fd "$R/dev/fd"
mount -t tmpfs -o mode=1777 tmpfs "$R/dev/shm"
touch "$R/dev/console"
mount --bind "$tmp/sd-console.log" "$R/dev/console"
mount -t tmpfs -o mode=755 tmpfs "$R/run"
mkdir -p "$R/run/host"
mount --bind "$tmp/sd-notify" "$R/run/host"
echo mounted >"$tmp/sd-notify/mounted"
# The installed tree, the user from its sysusers file, an admin's config.
tar -C "$rootfs" -cf - . | tar -C "$R" -xf - --keep-directory-symlink
systemd-sysusers --root="$R" >"$tmp/sd-sysusers.log" 2>&1
cat >"$R/etc/secmond/secmond.conf" <<CONF
[aws]
regions = us-east-1
endpoint_url = $fake

[alerts]
group_wait = 0s
CONF
u=$(sed -n 's/^secmond:x:\([0-9]*\):\([0-9]*\):.*/\1:\2/p' "$R/etc/passwd")
mkdir -p -m 0700 "$R/var/lib/secmond/.aws"
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
	"$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >"$R/var/lib/secmond/.aws/credentials"
chown -R "$u" "$R/var/lib/secmond"
# Not a boot: no sysinit.target; the journal, and nothing else.
mkdir -p "$R/etc/systemd/system/secmond.service.d"
printf '[Unit]\nDefaultDependencies=no\n' \
	>"$R/etc/systemd/system/secmond.service.d/test.conf"
ln -sf /dev/null "$R/etc/systemd/system/network-online.target"
printf '[Unit]\nDefaultDependencies=no\nWants=systemd-journald.socket\n' \
	>"$R/etc/systemd/system/secmond-test.target"
cd "$R"
mkdir -p .oldroot
pivot_root . .oldroot
cd /
umount -l /.oldroot
rmdir /.oldroot
echo started >/run/host/started
export container=secmond-test NOTIFY_SOCKET=/run/host/notify.sock
# No changing the host's clock, modules, network or reboot from here.
exec setpriv --bounding-set -sys_time,-sys_module,-sys_boot,-sys_rawio,-wake_alarm,-net_admin,-syslog,-mac_admin,-mac_override,-sys_pacct,-audit_control,-block_suspend \
	"$systemd" --system \
	--unit=secmond-test.target --log-target=console --show-status=no
SH

# sd_up: systemd as PID 1, secmond.service started and checked.
sd_up() {
	local line ready="" uspid st mp ps
	mkdir -m 0755 "$TMP/sd-notify"
	: >"$TMP/sd-console.log"
	exec {SDN_FD}< <(exec "$PYTHON" "$TOP/tests/lib/notify.py" "$TMP/sd-notify/notify.sock")
	PIDS+=("$!")
	read -r -t 10 -u "$SDN_FD" line || fail "notify listener for systemd did not start"
	(
		echo "$BASHPID" >"$CG/cgroup.procs"
		exec unshare --pid --fork --mount --uts --ipc --cgroup \
			bash "$TMP/sd-inner.sh" "$TMP" "$TMP/root" "$FAKE_URL" "$SYSTEMD"
	) >"$TMP/sd-inner.log" 2>&1 &
	uspid=$!
	PIDS+=("$uspid")
	# systemd says READY=1 once it has started its target.
	while read -r -t 60 -u "$SDN_FD" line; do
		[ "$line" = READY=1 ] && { ready=1; break; }
	done
	SDPID=$(cat "/proc/$uspid/task/$uspid/children" 2>/dev/null)
	SDPID=${SDPID%% *}
	if [ -z "$ready" ] || [ -z "$SDPID" ]; then
		if [ ! -e "$TMP/sd-notify/mounted" ]; then
			REAL_WHY="could not set up its namespaces: $(tail -n 3 "$TMP/sd-inner.log")"
			return 1
		fi
		fail "systemd did not start: $(tail -n 5 "$TMP/sd-inner.log"
		tail -n 20 "$TMP/sd-console.log")"
	fi
	in_sd systemctl start secmond.service 2>"$TMP/sd.err" ||
		fail "systemctl start secmond: $(cat "$TMP/sd.err"
		in_sd systemctl status --no-pager secmond.service; journal | tail)"
	[ "$(show secmond.service ActiveState)" = active ] || fail "secmond not active"
	st=$(in_sd secmonctl --json status) || fail "secmonctl under systemd: $(journal | tail)"
	mp=$(show secmond.service MainPID)
	[ "$(echo "$st" | jq_py "d['pid']")" = "$mp" ] ||
		fail "status not from the main process: $st"
	ps=$(in_sd cat "/proc/$mp/status")
	grep -q '^CapEff:[[:space:]]*0*$' <<<"$ps" &&
		grep -q '^Seccomp:[[:space:]]*2' <<<"$ps" &&
		grep -q '^NoNewPrivs:[[:space:]]*1' <<<"$ps" ||
		fail "secmond not confined under systemd: $ps"
	# PrivateUsers=: root and secmond mapped, nobody else.
	[ "$(in_sd cat "/proc/$mp/uid_map" | wc -l)" -eq 2 ] ||
		fail "PrivateUsers: uid_map $(in_sd cat "/proc/$mp/uid_map")"
	in_sd secmonctl silence add kind=new_finding --for 1h \
		--comment "root is an admin" >/dev/null 2>"$TMP/sd.err" ||
		fail "root's admin command refused: $(cat "$TMP/sd.err")"
	# A poll reaches the fake AWS over the network (the journal says so).
	grep -q -m 1 'poll ok' < <(in_sd timeout 60 journalctl --no-pager -o cat \
		-f -n all -u secmond.service) || fail "no poll ok under systemd: $(journal | tail)"
	in_sd systemctl reload secmond.service || fail "systemctl reload"
	journal | grep -q 'configuration reloaded' || fail "reload not logged: $(journal | tail)"
	echo "real systemd: secmond.service started: READY, a poll, secmonctl" \
		"(root is admin), reload; confined: no capabilities, seccomp," \
		"no_new_privs, own user namespace"
}
if sd_usable && sd_up; then
	:
else
	echo "real systemd: skipped: $REAL_WHY"
fi

# 3. secmond as the unit starts it.
name=$(unit_get "$UNIT" StateDirectory)
SD=$TMP/var/lib/$name
RD=$TMP/run/$(unit_get "$UNIT" RuntimeDirectory)
CD=$TMP/etc/$(unit_get "$UNIT" ConfigurationDirectory)
mkdir -p "$SD" "$RD" "$CD"
chmod "$(unit_get "$UNIT" StateDirectoryMode)" "$SD"
chmod "$(unit_get "$UNIT" RuntimeDirectoryMode)" "$RD"
SOCK=$RD/control.sock
CONF=$CD/secmond.conf
cat >"$CONF" <<CONF
[daemon]
state_dir = $SD
socket = $SOCK

[aws]
regions = us-east-1
endpoint_url = $FAKE_URL
CONF
# Credentials as an admin would give them: the shared credentials file in
# the home directory of the unit's user, the state directory.
mkdir -m 0700 "$SD/.aws"
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
	"$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >"$SD/.aws/credentials"
wd=$(systemd-analyze timespan "$(unit_get "$UNIT" WatchdogSec)" |
	sed -n 's/^ *μs: //p')
[ -n "$wd" ] && [ "$wd" -gt 0 ] || fail "no WatchdogSec= in the unit"
ENV=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	HOME="$SD" STATE_DIRECTORY="$SD" RUNTIME_DIRECTORY="$RD"
	CONFIGURATION_DIRECTORY="$CD" NOTIFY_SOCKET="$TMP/notify.sock"
	WATCHDOG_USEC="$wd")
while IFS= read -r kv; do
	[ -n "$kv" ] && ENV+=("$kv")
done < <(sed -n 's/^Environment=//p' "$UNIT" |
	"$PYTHON" -c 'import shlex,sys; [print(w) for l in sys.stdin for w in shlex.split(l)]')

# The sandbox: unshare(1) and setpriv(1) do what they can of the unit's.
SANDBOX=()
why=""
if [ "$(id -u)" -ne 0 ]; then
	why="not root"
elif ! unshare --mount true 2>/dev/null; then
	why="unshare --mount fails here"
elif ! command -v setpriv >/dev/null 2>&1; then
	why="no setpriv"
fi
case $TOP in /home/* | /root/*) why="${why:-the build tree is under /home or /root}" ;; esac
start_notify
if [ -z "$why" ]; then
	cat >"$TMP/sandbox.sh" <<'SH'
#!/bin/bash
# sandbox.sh TMP STATE RUNTIME BIN CMD...: in a fresh mount namespace,
# ProtectSystem=strict (all read-only but the state and runtime
# directories), PrivateTmp=, PrivateDevices=, ProtectHome=,
# ProtectKernelTunables=, then User= (nobody), no capabilities,
# NoNewPrivileges=.
# BIN, the directory of the binaries, stays visible even under /tmp (a
# clone there).
set -eu
tmp=$1 sd=$2 rd=$3 bin=$4
shift 4
mount --make-rprivate /
exec {h}<"$tmp" {b}<"$bin"
mount -t tmpfs -o mode=1777 tmpfs /tmp
[ ! -d /var/tmp ] || mount -t tmpfs -o mode=1777 tmpfs /var/tmp
for d in "$tmp" "$bin"; do
	[ -d "$d" ] && continue
	mkdir -p "$d"
	[ "$d" = "$tmp" ] && fd=$h || fd=$b
	mount --no-canonicalize --bind "/proc/self/fd/$fd" "$d"
done
exec {h}<&- {b}<&-
mount --bind "$sd" "$sd"
mount --bind "$rd" "$rd"
mkdir /tmp/.dev
mount -t tmpfs -o mode=755,nosuid tmpfs /tmp/.dev
for n in null zero full random urandom tty; do
	touch "/tmp/.dev/$n"
	mount --bind "/dev/$n" "/tmp/.dev/$n"
done
ln -s /proc/self/fd /tmp/.dev/fd
mount --move /tmp/.dev /dev
for d in /home /root /run/user; do
	[ ! -d $d ] || mount -t tmpfs -o mode=000 tmpfs $d
done
mount --bind /proc/sys /proc/sys
while read -r mp; do
	mp=$(printf '%b' "$mp")
	case $mp in
	/proc | /proc/* | /dev | /dev/* | /tmp | /var/tmp | "$sd" | "$rd") continue ;;
	esac
	mount -o remount,bind,ro "$mp" 2>/dev/null ||
		echo "sandbox: $mp stays writable" >&2
done < <(awk '{ print $5 }' /proc/self/mountinfo)
exec setpriv --reuid=nobody --regid=nogroup --clear-groups \
	--inh-caps=-all --bounding-set=-all --no-new-privs -- "$@"
SH
	chmod 0711 "$TMP"
	chmod 0666 "$TMP/notify.sock"
	chown -R nobody:nogroup "$SD" "$RD"
	SANDBOX=(unshare --mount -- bash "$TMP/sandbox.sh" "$TMP" "$SD" "$RD"
		"$(dirname "$SECMOND")")
	echo "sandbox: unshare + setpriv: read-only file system but for the" \
		"state and runtime directories, private /tmp, /var/tmp and /dev," \
		"no /home, /root; uid nobody, no capabilities, no_new_privs" \
		"(seccomp, address families and the user namespace: part 4)"
else
	echo "sandbox: not applied ($why): secmond runs with the unit's" \
		"environment only"
fi

# ExecStartPre=, then ExecStart=.
out=$(env -i "${ENV[@]}" "${SANDBOX[@]}" "$SECMOND" -t -c "$CONF" 2>&1) ||
	fail "ExecStartPre (secmond -t): $out"
env -i "${ENV[@]}" "${SANDBOX[@]}" "$SECMOND" -c "$CONF" 2>>"$LOG" &
SECMOND_PID=$!
PIDS+=("$SECMOND_PID")
wait_notify '^READY=1$'
st=$(ctl --json status) || fail "secmonctl status"
[ "$(echo "$st" | jq_py "d['pid']")" = "$SECMOND_PID" ] ||
	fail "status from another process: $st"
[ -S "$SOCK" ] && [ -f "$SD/secmond.db" ] ||
	fail "no socket in the runtime directory or no state in the state directory"
if [ ${#SANDBOX[@]} -gt 0 ]; then
	s=/proc/$SECMOND_PID/status
	grep -q "^Uid:[[:space:]]*$(id -u nobody)[[:space:]]" $s &&
		grep -q '^CapEff:[[:space:]]*0*$' $s && grep -q '^NoNewPrivs:[[:space:]]*1' $s ||
		fail "secmond is not unprivileged in the sandbox: $(cat $s)"
fi
wait_polls 1
[ "$(ctl --json status | jq_py "any(s['last_poll'] and s['last_poll']['ok'] for s in d['sources'])")" = True ] ||
	fail "no source polled ok: $(ctl status)"
wait_notify '^WATCHDOG=1$' $((wd / 1000000))
kill -TERM "$SECMOND_PID"
wait_notify '^STOPPING=1$'
wait "$SECMOND_PID" || fail "secmond exited $? on SIGTERM"
[ ! -e "$SOCK" ] || fail "socket left behind"
echo "as the unit starts it: READY=1, status, a poll, WATCHDOG=1, STOPPING=1"


# 4, continued: watchdog pings and socket activation under systemd.
if [ -z "$SDPID" ]; then
	exit 0
fi
# Part 3 waited for a watchdog ping from its secmond, started after this one.
w=$(show secmond.service WatchdogTimestampMonotonic)
a=$(show secmond.service ActiveEnterTimestampMonotonic)
[ "$(show secmond.service WatchdogUSec)" != 0 ] && [ "$w" -gt "$a" ] ||
	fail "no watchdog ping seen by systemd (last $w, active since $a)"
[ "$(show secmond.service NRestarts)" = 0 ] || fail "secmond was restarted"
echo "real systemd: watchdog pings, no restart"

in_sd systemctl stop secmond.service 2>/dev/null
in_sd systemctl start secmond.socket || fail "systemctl start secmond.socket"
[ "$(show secmond.service ActiveState)" = inactive ] || fail "the socket started secmond early"
ino=$(in_sd stat -c '%i %U %G %a' /run/secmond/control.sock) ||
	fail "secmond.socket made no /run/secmond/control.sock"
[ "${ino#* }" = "secmond secmond 660" ] || fail "socket owner or mode: $ino"
in_sd secmonctl status >/dev/null || fail "secmonctl did not activate secmond: $(journal | tail)"
[ "$(show secmond.service ActiveState)" = active ] || fail "secmond not activated"
journal | grep -q 'took over socket /run/secmond/control.sock' ||
	fail "secmond did not take the socket over: $(journal | tail)"
in_sd systemctl stop secmond.service 2>/dev/null
[ "$(in_sd stat -c '%i %U %G %a' /run/secmond/control.sock)" = "$ino" ] ||
	fail "the socket changed or went when secmond stopped"
in_sd secmonctl status >/dev/null || fail "no second activation"
echo "real systemd: socket activation: secmond takes over secmond.socket's" \
	"socket, which outlives a stop of the service"
