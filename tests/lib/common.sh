# common.sh: helpers for the integration tests (sourced). Each test gets a
# temp dir, a fake AWS on 127.0.0.1, a private socket and state dir, and a
# notification socket it reads to wait for events (READY=1, polls done)
# instead of sleeping. Every wait is bounded.
set -u
TMP=$(mktemp -d /tmp/secmond-test.XXXXXX)
SOCK="$TMP/control.sock"
CONF="$TMP/secmond.conf"
LOG="$TMP/secmond.log"
PIDS=()
SECMOND_PID=""

# The fake AWS's credentials (tests/fakeaws/scenarios use these), and no
# host configuration leaking in.
export AWS_ACCESS_KEY_ID=AKIDSECMONFAKE0000001
export AWS_SECRET_ACCESS_KEY='fake/secret+key=for/tests'
export AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL \
	AWS_ENDPOINT_URL_GUARDDUTY AWS_REGION AWS_DEFAULT_REGION AWS_CA_BUNDLE \
	NOTIFY_SOCKET WATCHDOG_USEC JOURNAL_STREAM

cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	if [ -s "$LOG" ]; then
		echo "--- secmond log (last 40 lines)" >&2
		tail -n 40 "$LOG" >&2
	fi
	exit 1
}

# start_fake SCENARIO [extra args]: sets FAKE_URL and FAKE_PID.
start_fake() {
	local line
	exec {FAKE_FD}< <(exec "$PYTHON" "$FAKEAWS" --scenario "$1" --port 0 \
		--log "$TMP/fake.log" "${@:2}" 2>>"$TMP/fake.err")
	FAKE_PID=$!
	PIDS+=("$FAKE_PID")
	read -r -t 90 -u "$FAKE_FD" line || fail "fake AWS did not start: $(cat "$TMP/fake.err")"
	FAKE_URL=${line##* }
}

# fake METHOD PATH [JSON]: the fake's admin API.
fake() {
	curl -sS -X "$1" -H 'Content-Type: application/json' \
		${3:+--data "$3"} "$FAKE_URL/_fake/$2"
}

# write_conf [extra lines for [guardduty]]
write_conf() {
	cat >"$CONF" <<CONF
[daemon]
state_dir = $TMP/state
socket = $SOCK

[aws]
regions = ${REGIONS:-us-east-1 eu-west-1}
endpoint_url = $FAKE_URL
connect_timeout = 2s
timeout = ${HTTP_TIMEOUT:-10s}

[alerts]
group_wait = ${GROUP_WAIT:-0s}

[maintenance]
enabled = ${MAINTENANCE:-no}
timezone = UTC

[securityhub]
enabled = ${SH_ENABLED:-no}
interval = 1h

[cloudwatch]
enabled = ${CW_ENABLED:-no}
interval = 1h

[guardduty]
enabled = ${GD_ENABLED:-yes}
interval = ${GD_INTERVAL:-1h}
min_severity = ${MIN_SEVERITY:-4.0}
$*
CONF
}

start_notify() {
	local line
	exec {NOTIFY_FD}< <(exec "$PYTHON" "$TOP/tests/lib/notify.py" "$TMP/notify.sock")
	PIDS+=("$!")
	read -r -t 10 -u "$NOTIFY_FD" line || fail "notify listener did not start"
}

# wait_notify REGEX [SECONDS]: read notifications until one matches.
wait_notify() {
	local line deadline=$((SECONDS + ${2:-30}))
	while [ "$SECONDS" -lt "$deadline" ]; do
		read -r -t $((deadline - SECONDS + 1)) -u "$NOTIFY_FD" line || break
		NOTIFY_LAST=$line
		note_polls "$line"
		[[ "$line" =~ $1 ]] && return 0
	done
	fail "no notification matching '$1' within ${2:-30}s"
}

# The daemon's STATUS= lines count the polls it has finished (since start).
POLLS_SEEN=0
note_polls() {
	if [[ "$1" =~ ([0-9]+)\ polls\ done ]]; then
		POLLS_SEEN=${BASH_REMATCH[1]}
	fi
	[[ "$1" == STOPPING=1 ]] && POLLS_SEEN=0
	return 0
}

# wait_polls N: until the daemon says it has finished N polls in all.
wait_polls() {
	local line deadline=$((SECONDS + ${2:-60}))
	[ "$POLLS_SEEN" -ge "$1" ] && return 0
	while [ "$SECONDS" -lt "$deadline" ]; do
		read -r -t $((deadline - SECONDS + 1)) -u "$NOTIFY_FD" line || break
		NOTIFY_LAST=$line
		note_polls "$line"
		[ "$POLLS_SEEN" -ge "$1" ] && return 0
	done
	fail "fewer than $1 polls done within ${2:-60}s"
}

# start_daemon: secmond in the background, waits for READY=1.
start_daemon() {
	[ -n "${NOTIFY_FD:-}" ] || start_notify
	NOTIFY_SOCKET="$TMP/notify.sock" "$SECMOND" -c "$CONF" "$@" 2>>"$LOG" &
	SECMOND_PID=$!
	PIDS+=("$SECMOND_PID")
	wait_notify '^READY=1$'
}

stop_daemon() {
	kill -TERM "$SECMOND_PID" 2>/dev/null
	wait "$SECMOND_PID"
	local rc=$?
	[ "$rc" -eq 0 ] || fail "secmond exited with $rc on SIGTERM"
	SECMOND_PID=""
}

ctl() {
	"$SECMONCTL" -s "$SOCK" "$@"
}

# jq_py EXPR: evaluate a python expression on the JSON document on stdin
# (bound to `d`) and print the result.
jq_py() {
	"$PYTHON" -c "import json,sys; d=json.load(sys.stdin); r=($1); print(json.dumps(r, sort_keys=True) if isinstance(r,(dict,list)) else r)"
}

# count_alerts [KIND]: firing alerts in the daemon's log (one line each on
# stderr); resolved ones are counted by count_resolved.
count_alerts() {
	grep "SECMOND_KIND=\"${1:-}" "$LOG" | grep -c 'SECMOND_EVENT="firing"' || true
}
count_resolved() {
	grep "SECMOND_KIND=\"${1:-}" "$LOG" | grep -c 'SECMOND_EVENT="resolved"' || true
}
