#!/bin/bash
# Signals and systemd: WATCHDOG=1 when the watchdog is on; SIGHUP with a
# broken config reports the errors and keeps the old config running;
# SIGHUP with a good one adds a region (polled at once) and keeps the
# other's state; SIGTERM says STOPPING=1 and exits 0.
. "$TOP/tests/lib/common.sh"

start_fake "$TOP/tests/fakeaws/scenarios/demo.json"
REGIONS=us-east-1 write_conf
WATCHDOG_USEC=400000 start_daemon
wait_notify '^WATCHDOG=1$' 10
wait_polls 1
n1=$(count_alerts)
[ "$n1" -gt 0 ] || fail "no alerts from us-east-1"

# A broken config: reported, the old one kept.
cp "$CONF" "$TMP/good.conf"
printf 'no_such_key = 1\n' >>"$CONF"
kill -HUP "$SECMOND_PID"
wait_notify '^RELOADING=1$'
wait_notify '^READY=1$'
kill -0 "$SECMOND_PID" 2>/dev/null || fail "secmond died on a bad reload"
grep -q "$CONF:[0-9]*: .*no_such_key" "$LOG" || fail "reload error not reported with file:line"
grep -q "reload failed: keeping the running configuration" "$LOG" ||
	fail "no word that the old config is kept"
st=$(ctl --json status) || fail "status after a failed reload"
[ "$(echo "$st" | jq_py "[s['region'] for s in d['sources']]")" = '["us-east-1"]' ] ||
	fail "sources changed by a failed reload: $st"

# A good config with a second region: polled now, the first one kept.
sed "s/^regions = .*/regions = us-east-1 eu-west-1/" "$TMP/good.conf" >"$CONF"
kill -HUP "$SECMOND_PID"
wait_notify '^READY=1$'
wait_polls 2
st=$(ctl --json status)
[ "$(echo "$st" | jq_py "sorted(s['region'] for s in d['sources'])")" = '["eu-west-1", "us-east-1"]' ] ||
	fail "reload did not add eu-west-1: $st"
grep -q 'SECMOND_REGION="eu-west-1"' "$LOG" || fail "no alert from the added region"
[ "$(grep -c 'SECMOND_REGION="us-east-1"' "$LOG")" -eq "$n1" ] ||
	fail "the unchanged region alerted again"

kill -TERM "$SECMOND_PID"
wait_notify '^STOPPING=1$'
wait "$SECMOND_PID" || fail "secmond exited $? on SIGTERM"
[ ! -e "$SOCK" ] || fail "socket left behind"
