#!/bin/bash
# Socket activation (secmond.socket), with systemd-socket-activate standing
# in for systemd: secmond takes over the socket it is passed and says so,
# answers secmonctl on it, never unlinks or remakes it, and leaves it alone
# when it stops; after the stop a plain start at the same path works (the
# dead socket is removed, the state kept: nothing re-alerted). Passed a
# socket at another path than the configured one, secmond warns and makes
# no socket of its own.
. "$TOP/tests/lib/common.sh"

command -v systemd-socket-activate >/dev/null 2>&1 ||
	{ echo "skip: systemd-socket-activate not installed (Debian: systemd)"; exit 77; }

# activate PATH: systemd-socket-activate listening on PATH, to exec secmond
# (in the same process: SECMOND_PID) on the first connection. Its output and
# secmond's stderr come on SA_FD.
activate() {
	local line
	exec {SA_FD}< <(exec systemd-socket-activate -l "$1" \
		-E NOTIFY_SOCKET="$TMP/notify.sock" -E AWS_ACCESS_KEY_ID \
		-E AWS_SECRET_ACCESS_KEY -E AWS_SHARED_CREDENTIALS_FILE \
		-E AWS_CONFIG_FILE "$SECMOND" -c "$CONF" 2>&1 </dev/null)
	SECMOND_PID=$!
	PIDS+=("$SECMOND_PID")
	read -r -t 10 -u "$SA_FD" line || fail "systemd-socket-activate did not start"
	echo "$line" >>"$LOG"
	[ "$line" = "Listening on $1 as 3." ] || fail "systemd-socket-activate: $line"
}
# log_until REGEX: copy SA_FD to the log up to a line matching REGEX.
log_until() {
	local line
	while read -r -t 30 -u "$SA_FD" line; do
		echo "$line" >>"$LOG"
		[[ "$line" =~ $1 ]] && return 0
	done
	fail "secmond did not log '$1'"
}
# log_rest: the rest of SA_FD to the log, in the background (LOG_CAT) until
# secmond exits.
log_rest() {
	cat <&"$SA_FD" >>"$LOG" &
	LOG_CAT=$!
	PIDS+=("$LOG_CAT")
	exec {SA_FD}<&-
}
# stop_activated: SIGTERM, STOPPING=1, exit 0, its output all in the log.
stop_activated() {
	kill -TERM "$SECMOND_PID"
	wait_notify '^STOPPING=1$'
	wait "$SECMOND_PID" || fail "secmond exited $? on SIGTERM"
	wait "$LOG_CAT"
}
sockid() {
	stat -c '%d:%i %a' "$1"
}

start_fake "$TOP/tests/fakeaws/scenarios/demo.json"
REGIONS=us-east-1 write_conf
start_notify

# Passed the configured socket.
activate "$SOCK"
before=$(sockid "$SOCK")
st=$(ctl --json status) || fail "secmonctl through the passed socket"
[ "$(echo "$st" | jq_py "d['pid']")" = "$SECMOND_PID" ] ||
	fail "status from another process than the activated one: $st"
log_until "took over socket $SOCK from systemd \\(fd 3\\)"
wait_notify '^READY=1$'
log_rest
[ "$(sockid "$SOCK")" = "$before" ] || fail "the socket was remade: $before -> $(sockid "$SOCK")"
wait_polls 1
ctl alerts >/dev/null || fail "a second client"
stop_activated
n=$(count_alerts)
[ "$n" -gt 0 ] || fail "no alerts from the first poll"
grep -q 'not the configured' "$LOG" && fail "warned about the configured socket"
[ "$(sockid "$SOCK")" = "$before" ] ||
	fail "secmond unlinked or changed the socket it was passed when it stopped"
echo "activated: took over $SOCK (inode kept), answered, stopped leaving it"

# After the stop: the socket file is systemd's dead one; a plain start
# removes it, makes its own, and knows the alerts it raised.
start_daemon
grep -q "removed stale socket $SOCK" "$LOG" || fail "the dead socket was not replaced"
[ "$(sockid "$SOCK")" != "$before" ] || fail "still the old socket"
wait_polls 1
stop_daemon
[ "$(count_alerts)" -eq "$n" ] || fail "alerts raised again after the restart"
[ ! -e "$SOCK" ] || fail "secmond left its own socket behind"
echo "after: a plain start replaced the dead socket, state kept, cleaned up"

# Passed another socket than the configured one: a warning, and no socket
# of its own at the configured path.
OTHER=$TMP/other.sock
activate "$OTHER"
before=$(sockid "$OTHER")
"$SECMONCTL" -s "$OTHER" status >/dev/null || fail "secmonctl through $OTHER"
log_until "took over socket $OTHER from systemd"
log_until "not the configured $SOCK: secmonctl needs -s $OTHER"
wait_notify '^READY=1$'
log_rest
[ ! -e "$SOCK" ] || fail "secmond made its own socket as well"
[ "$(sockid "$OTHER")" = "$before" ] || fail "the passed socket was remade"
stop_activated
[ "$(sockid "$OTHER")" = "$before" ] && [ ! -e "$SOCK" ] ||
	fail "sockets changed at stop"
echo "activated at another path: warned, made no socket of its own"

# In a user namespace that maps only root (as PrivateUsers= does), a set
# admin_group cannot work for other users: secmond says so at start.
if unshare -U -r true 2>/dev/null; then
	sed -i 's/^\[daemon\]$/[daemon]\nadmin_group = root/' "$CONF"
	NOTIFY_SOCKET="$TMP/notify.sock" unshare -U -r "$SECMOND" -c "$CONF" 2>>"$LOG" &
	SECMOND_PID=$!
	PIDS+=("$SECMOND_PID")
	wait_notify '^READY=1$'
	grep -q "admin_group root: this service runs in a user namespace" "$LOG" ||
		fail "no warning about admin_group in a user namespace"
	stop_daemon
	echo "user namespace: admin_group warned about"
else
	echo "user namespace: skipped: unshare -U -r is not allowed here"
fi
