#!/bin/bash
# Hostile and broken GuardDuty answers against the running daemon: 500, 503,
# throttling (400 ThrottlingException, 429 TooManyRequestsException), a
# connection reset, a reply slower than the timeout, a truncated body,
# malformed JSON, invalid UTF-8, a body over max_body and listings whose
# pages are empty but keep a nextToken, spread over ListDetectors,
# ListFindings and GetFindings. For each, while the fault lasts (every
# retry fails too): the daemon stays up and answers status; status names
# the operation and the error; a finding that is waiting to be seen is not
# alerted and the counts do not move. Once the fault stops, the next poll
# succeeds and alerts the waiting finding exactly once (one case with no
# command at all: the timer polls again by itself). A fault that fires once
# is absorbed by the retries; throttling answers are retried.
. "$TOP/tests/lib/common.sh"

NSTEPS=40
SCEN="$TMP/hostile.json"
# One region, two findings already there, and steps that each add one new
# high finding (id = 32 hex digits ending in the step number).
"$PYTHON" - "$SCEN" "$NSTEPS" <<'PY'
import json, sys
path, n = sys.argv[1], int(sys.argv[2])
def fid(i):
    return "feed%028x" % i
scen = {
    "description": "secmond 090: one new high finding per step",
    "credentials": [{"access_key_id": "AKIDSECMONFAKE0000001",
                     "secret_access_key": "fake/secret+key=for/tests",
                     "session_token": None, "account_id": "111122223333"}],
    "guardduty": {"us-east-1": {
        "detectors": ["12abc34d567e8fa901bc2d34e56789f0"],
        "findings": [
            {"id": "0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a01",
             "type": "Recon:EC2/PortProbeUnprotectedPort", "severity": 5.0,
             "updatedAt": "2026-11-20T10:00:00.000Z"},
            {"id": "0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a02",
             "type": "UnauthorizedAccess:EC2/SSHBruteForce", "severity": 8.0,
             "updatedAt": "2026-11-20T11:00:00.000Z"}]}},
    "steps": [{"guardduty": {"us-east-1": {"add": [
        {"id": fid(i), "type": "Backdoor:EC2/C&CActivity.B!DNS",
         "severity": 7.5, "title": "hostile-answers step %d" % i}]}}}
        for i in range(1, n + 1)],
}
json.dump(scen, open(path, "w"), indent=1)
PY

start_fake "$SCEN"
REGIONS=us-east-1 HTTP_TIMEOUT=2s write_conf
# A small body cap (the smallest allowed), so that an oversized answer is
# cheap; the normal answers of this scenario stay far below it.
sed -i '/^timeout = /a max_body = 64K' "$CONF"
"$SECMOND" -t -c "$CONF" >/dev/null 2>&1 || fail "config: $("$SECMOND" -t -c "$CONF" 2>&1)"
start_daemon
POLLS=1
wait_polls $POLLS
[ "$(count_alerts new_finding)" -eq 2 ] || fail "start: $(count_alerts new_finding) alerts, expected 2"

status_json() {
	ctl --json status || fail "secmonctl status failed"
}
# src EXPR: EXPR on the us-east-1 source of status (bound to `s`).
src() {
	status_json | jq_py "[$1 for s in d['sources'] if s['region']=='us-east-1'][0]"
}
counts() {
	src "[s['findings'][b] for b in ('low','medium','high','critical','total')]"
}
# The counts the fake says status should show.
fake_counts() {
	fake GET state | jq_py "[sum(1 for f in d['guardduty']['us-east-1']['findings'] if not f['service']['archived'] and f['severity'] >= 4.0 and lo <= f['severity'] < hi) for lo, hi in ((0,4),(4,7),(7,9),(9,11),(4,11))]"
}
alerts_for() {
	grep -c "SECMOND_FINDING_ID=\"$1\"" "$LOG" || true
}
alive() {
	kill -0 "$SECMOND_PID" 2>/dev/null || fail "$1: secmond died"
	! grep -q 'runtime error:\|Sanitizer' "$LOG" || fail "$1: a sanitizer report"
}
# req_count OP [FAULTED]: requests for OP in the fake's log since the last
# DELETE requests (FAULTED=1: only those a fault hit).
req_count() {
	fake GET requests | jq_py "sum(1 for r in d if r['op']=='$1' and (not ${2:-0} or r['fault'] is not None))"
}

# wait_requests OP N: until the fake has logged N faulty requests for OP.
# The fake logs a delayed request only once its delay is over, after the
# daemon gave up on it, so this is the one wait on the fake's side; bounded.
wait_requests() {
	local deadline=$((SECONDS + 15))
	while [ "$(req_count "$1" 1)" -lt "$2" ]; do
		[ "$SECONDS" -lt "$deadline" ] ||
			fail "the fake logged $(req_count "$1" 1) faulty $1 requests, expected $2"
		sleep 0.2
	done
}

STEP=0
# next_finding: move the scenario on one step; PENDING is the id it adds.
next_finding() {
	STEP=$((STEP + 1))
	[ "$STEP" -le "$NSTEPS" ] || fail "scenario has too few steps"
	fake POST step >/dev/null
	PENDING=$(printf 'feed%028x' "$STEP")
}

# poll_now: one poll on command, waits until it is done.
poll_now() {
	local r
	POLLS=$((POLLS + 1))
	r=$(ctl --json poll) || fail "secmonctl poll failed: $r"
	[ "$(echo "$r" | jq_py "d['data']['started'] if 'data' in d else d['started']")" = 1 ] ||
		fail "poll did not start: $r"
}

# check_failed CASE OP CODE_REGEX: the last poll failed, and status says
# which operation and why; nothing changed.
check_failed() {
	local st err
	st=$(status_json | jq_py "[s for s in d['sources'] if s['region']=='us-east-1'][0]")
	[ "$(echo "$st" | jq_py "d['state']")" = degraded ] ||
		fail "$1: state is not degraded: $st"
	[ "$(echo "$st" | jq_py "d['last_poll']['ok']")" = False ] ||
		fail "$1: last_poll.ok is not false: $st"
	FAILED_MS=$(echo "$st" | jq_py "d['last_poll']['duration_ms']")
	err=$(echo "$st" | jq_py "d['last_poll']['error']")
	[[ "$err" == *"GuardDuty.$2"* ]] || fail "$1: error does not name GuardDuty.$2: $err"
	[[ "$err" =~ $3 ]] || fail "$1: error does not match /$3/: $err"
	echo "  $1: status error: $err"
}

check_ok() {
	local st
	st=$(status_json | jq_py "[s for s in d['sources'] if s['region']=='us-east-1'][0]")
	[ "$(echo "$st" | jq_py "d['state']")" = ok ] || fail "$1: state is not ok: $st"
	[ "$(echo "$st" | jq_py "d['last_poll']['ok']")" = True ] ||
		fail "$1: last_poll.ok is not true: $st"
}

# check_nothing_changed CASE: no alert, same counts as before the fault.
check_nothing_changed() {
	[ "$(count_alerts)" -eq "$ALERTS0" ] ||
		fail "$1: the faulty poll raised $(($(count_alerts) - ALERTS0)) alert(s)"
	[ "$(alerts_for "$PENDING")" -eq 0 ] || fail "$1: the pending finding was alerted by the faulty poll"
	[ "$(counts)" = "$COUNTS0" ] || fail "$1: counts moved on the faulty poll: $(counts), were $COUNTS0"
}

# check_recovered CASE: the pending finding alerted once, nothing else; the
# counts are the fake's.
check_recovered() {
	check_ok "$1"
	[ "$(alerts_for "$PENDING")" -eq 1 ] ||
		fail "$1: the pending finding was alerted $(alerts_for "$PENDING") times after recovery"
	[ "$(count_alerts)" -eq $((ALERTS0 + 1)) ] ||
		fail "$1: $(($(count_alerts) - ALERTS0)) alerts after recovery, expected 1"
	[ "$(counts)" = "$(fake_counts)" ] || fail "$1: counts $(counts), fake $(fake_counts)"
}

# begin CASE: a clean fake (no faults, empty request log), a new finding
# waiting in the scenario, the alerts and counts before.
begin() {
	echo "case: $1"
	fake DELETE faults >/dev/null
	fake DELETE requests >/dev/null
	next_finding
	ALERTS0=$(count_alerts)
	COUNTS0=$(counts)
}

arm() {
	local r
	r=$(fake POST faults "$1") || fail "arming $1"
	[[ "$r" == *'"id"'* ]] || fail "the fake refused fault $1: $r"
}

# hostile CASE OP FAULT_FIELDS CODE_REGEX ATTEMPTS: the fault on every
# request of OP; ATTEMPTS requests of OP expected ("" = at least one).
hostile() {
	local name=$1 op=$2 n
	begin "$name"
	arm "{\"service\":\"guardduty\",\"op\":\"$op\",\"region\":\"us-east-1\",\"times\":-1,$3}"
	poll_now
	# The daemon answers while the poll is in the fault's hands.
	ctl status >/dev/null || fail "$name: status while the fault is active"
	wait_polls $POLLS 60
	alive "$name"
	check_failed "$name" "$op" "$4"
	check_nothing_changed "$name"
	[ -z "${WAIT_LOGGED:-}" ] || wait_requests "$op" "$WAIT_LOGGED"
	n=$(req_count "$op" 1)
	if [ -n "$5" ]; then
		[ "$n" -ge "$5" ] && [ "$n" -le "${6:-$5}" ] ||
			fail "$name: $n faulty $op requests, expected $5${6:+..$6} (the retries)"
	else
		[ "$n" -ge 1 ] || fail "$name: the fault never fired"
	fi
	# The fault stops: the next poll catches up.
	fake DELETE faults >/dev/null
	poll_now
	wait_polls $POLLS 60
	check_recovered "$name"
	echo "  $name: ok ($n faulty $op request(s) per poll)"
}

ATT=3 # max_attempts: the default standard retry mode

hostile "500 on ListFindings" ListFindings \
	'"kind":"status","status":500,"code":"InternalServerErrorException"' \
	'InternalServerErrorException' $ATT
hostile "503 on GetFindings" GetFindings \
	'"kind":"status","status":503,"code":"ServiceUnavailableException"' \
	'ServiceUnavailableException' $ATT
# A reset of a kept-alive connection is resent once by libcurl itself
# (before the daemon's own retries), hence up to one more request.
hostile "connection reset on GetFindings" GetFindings \
	'"kind":"reset"' \
	'Transport' $ATT $((ATT + 1))
WAIT_LOGGED=$ATT hostile "reply after the timeout on ListDetectors" ListDetectors \
	'"kind":"delay","seconds":5' \
	'Timeout' $ATT
# Every attempt waited for the whole timeout (2 s).
[ "$FAILED_MS" -ge 6000 ] || fail "timeout: the failed poll took $FAILED_MS ms, less than 3 x 2 s"
hostile "truncated body on ListFindings" ListFindings \
	'"kind":"truncate"' \
	'Transport' $ATT
hostile "malformed JSON on GetFindings" GetFindings \
	'"kind":"malformed"' \
	'MalformedResponse' ""
hostile "malformed JSON on ListDetectors" ListDetectors \
	'"kind":"malformed"' \
	'MalformedResponse' ""
hostile "invalid UTF-8 on ListFindings" ListFindings \
	'"kind":"badutf8"' \
	'MalformedResponse' ""
hostile "invalid UTF-8 on GetFindings" GetFindings \
	'"kind":"badutf8"' \
	'MalformedResponse' ""
hostile "body over max_body on GetFindings" GetFindings \
	'"kind":"oversize","bytes":200000' \
	'ResponseTooLarge' ""
hostile "body over max_body on ListDetectors" ListDetectors \
	'"kind":"oversize","bytes":200000' \
	'ResponseTooLarge' ""
# Empty pages that always carry a nextToken (the fake's token resumes where
# the empty page started, so it repeats): the daemon follows it, sees it
# repeat and fails the poll instead of looping.
hostile "empty pages with a nextToken on ListFindings" ListFindings \
	'"kind":"emptypage"' \
	'MalformedResponse.*nextToken' ""
n=$(req_count ListFindings)
[ "$n" -le 3 ] || fail "empty pages: $n ListFindings requests in the last polls"
hostile "empty pages with a nextToken on ListDetectors" ListDetectors \
	'"kind":"emptypage"' \
	'MalformedResponse.*nextToken' ""

# One empty page with a nextToken: the daemon follows the token and the
# poll completes with everything.
begin "one empty page on ListFindings"
arm '{"service":"guardduty","op":"ListFindings","region":"us-east-1","times":1,"kind":"emptypage"}'
poll_now
wait_polls $POLLS 60
check_recovered "one empty page"
fake GET requests | jq_py "[bool(r['params'] and 'nextToken' in r['params']) for r in d if r['op']=='ListFindings']" |
	grep -qx '\[false, true\]' || fail "one empty page: the nextToken was not followed: $(fake GET requests)"
echo "  one empty page: ok (the token was followed)"

# A fault that fires once is absorbed by the retries: the poll is ok, the
# log shows the failed request and its retry.
once() {
	local name=$1 op=$2
	begin "$name"
	arm "{\"service\":\"guardduty\",\"op\":\"$op\",\"region\":\"us-east-1\",\"times\":1,$3}"
	poll_now
	wait_polls $POLLS 60
	check_recovered "$name"
	[ -z "${WAIT_LOGGED:-}" ] || wait_requests "$op" "$WAIT_LOGGED"
	[ "$(req_count "$op" 1)" -eq 1 ] || fail "$name: the fault did not fire"
	[ "$(req_count "$op")" -eq 2 ] ||
		fail "$name: $(req_count "$op") $op requests, expected the failed one and one retry"
	echo "  $name: ok (retried)"
}
once "one 500 on ListDetectors" ListDetectors '"kind":"status","status":500,"code":"InternalServerErrorException"'
once "one reset on ListFindings" ListFindings '"kind":"reset"'
once "one truncated body on GetFindings" GetFindings '"kind":"truncate"'
WAIT_LOGGED=1 once "one timeout on GetFindings" GetFindings '"kind":"delay","seconds":5'

# Recovery with no command: the timer polls every 10 s; a 503 on every
# ListFindings fails the polls, and once it stops the next timed poll
# alerts the waiting finding.
begin "recovery by the timer alone"
arm '{"service":"guardduty","op":"ListFindings","region":"us-east-1","times":-1,"kind":"status","status":503,"code":"ServiceUnavailableException"}'
sed -i '/^\[guardduty\]/,/^\[/ s/^interval = .*/interval = 10s/' "$CONF"
kill -HUP "$SECMOND_PID"
wait_notify '^READY=1$'
[ "$(src "s['interval_sec']")" = 10 ] || fail "timer: the reload did not take interval = 10s"
POLLS=$((POLLS + 1))
wait_polls $POLLS 40
alive "timer"
check_failed "timer" ListFindings 'ServiceUnavailableException'
check_nothing_changed "timer"
fake DELETE faults >/dev/null
POLLS=$((POLLS + 1))
wait_polls $POLLS 40
check_recovered "timer"
echo "  recovery by the timer alone: ok"
sed -i '/^\[guardduty\]/,/^\[/ s/^interval = .*/interval = 1h/' "$CONF"
kill -HUP "$SECMOND_PID"
wait_notify '^READY=1$'
[ "$(src "s['interval_sec']")" = 3600 ] || fail "the reload did not take interval = 1h"

# Throttling, last: the daemon also slows down the throttled operation
# (AIMD), which would slow the other cases. Both forms are retried.
once "one 400 ThrottlingException on GetFindings" GetFindings \
	'"kind":"status","status":400,"code":"ThrottlingException","message":"Rate exceeded"'
once "one 429 TooManyRequestsException on ListDetectors" ListDetectors \
	'"kind":"status","status":429,"code":"TooManyRequestsException"'
hostile "400 ThrottlingException on ListDetectors" ListDetectors \
	'"kind":"status","status":400,"code":"ThrottlingException","message":"Rate exceeded"' \
	'ThrottlingException' $ATT
hostile "429 TooManyRequestsException on ListFindings" ListFindings \
	'"kind":"status","status":429,"code":"TooManyRequestsException"' \
	'TooManyRequestsException' $ATT

# GetFindings answering no finding for the ids ListFindings just gave (the
# fake's emptypage on GetFindings: 200 {"findings": []}). Whatever the
# daemon makes of it (a failed poll, or those ids left as they were), it
# must not take the findings for resolved: no counts move, and when the
# answers are whole again nothing is alerted but the pending finding.
begin "GetFindings answers no finding"
arm '{"service":"guardduty","op":"GetFindings","region":"us-east-1","times":-1,"kind":"emptypage"}'
poll_now
ctl status >/dev/null || fail "empty GetFindings: status while the fault is active"
wait_polls $POLLS 60
alive "empty GetFindings"
st=$(src "s['last_poll']")
echo "  empty GetFindings: last_poll $st, counts $(counts) (were $COUNTS0)"
if [ "$(echo "$st" | jq_py "d['ok']")" = False ]; then
	check_failed "empty GetFindings" GetFindings '.'
fi
check_nothing_changed "empty GetFindings"
fake DELETE faults >/dev/null
poll_now
wait_polls $POLLS 60
check_recovered "empty GetFindings"
echo "  GetFindings answers no finding: ok"

alive "end"
stop_daemon
