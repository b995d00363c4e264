#!/bin/bash
# The daemon against the fake AWS: an alert for each new finding at or above
# min_severity and none below; escalations alert; archived findings leave
# the counts; status matches what the fake served; a restart alerts nothing
# again.
. "$TOP/tests/lib/common.sh"
SCEN="$TOP/tests/fakeaws/scenarios/demo.json"

# The ids the fake holds in region r that are active and >= 4.0.
expected_ids() {
	fake GET state | jq_py "sorted(f['id'] for f in d['guardduty']['$1']['findings'] if not f['service']['archived'] and f['severity'] >= 4.0)"
}
alerted_ids() {
	grep "SECMOND_KIND=\"${2:-new_finding}\"" "$LOG" | grep "SECMOND_REGION=\"$1\"" |
		sed 's/.*SECMOND_FINDING_ID="\([^"]*\)".*/\1/' | sort |
		"$PYTHON" -c 'import json,sys; print(json.dumps([l.strip() for l in sys.stdin]))'
}
# check_counts REGION: status's counts by band equal the fake's findings.
check_counts() {
	local want got
	want=$(fake GET state | jq_py "[sum(1 for f in d['guardduty']['$1']['findings'] if not f['service']['archived'] and lo <= f['severity'] < hi) for lo, hi in ((4,7),(7,9),(9,11))]")
	got=$(ctl --json status | jq_py "[[s['findings'][b] for b in ('medium','high','critical')] for s in d['sources'] if s['region']=='$1'][0]")
	[ "$want" = "$got" ] || fail "$1 counts: status $got, fake $want"
}

start_fake "$SCEN"
write_conf
start_daemon
wait_polls 2

for r in us-east-1 eu-west-1; do
	want=$(expected_ids $r)
	got=$(alerted_ids $r)
	[ "$want" = "$got" ] || fail "$r: alerts for $got, expected $want"
	check_counts $r
done
[ "$(expected_ids us-east-1)" != "[]" ] || fail "scenario has no findings"
st=$(ctl --json status) || fail "status failed"
echo "$st" | jq_py "all(s['state']=='ok' and s['last_poll']['ok'] for s in d['sources'])" |
	grep -qx True || fail "sources not ok: $st"
[ "$(echo "$st" | jq_py "d['alerts']['emitted']")" = "$(count_alerts)" ] ||
	fail "status alerts.emitted differs from the alerts logged"

# Step 1: a 7.5 appears in us-east-1 (alert), a 3.0 in eu-west-1 (none).
before=$(count_alerts)
fake POST step >/dev/null
ctl poll >/dev/null || fail "poll command failed"
wait_polls 4
[ "$(count_alerts)" -eq $((before + 1)) ] || fail "expected exactly one new alert"
grep -q 'SECMOND_FINDING_ID="ca518407b70e18cbbf1ea0e042a36d39"' "$LOG" ||
	fail "no alert for the new 7.5 finding"
grep -q '94aec2360f6549d81b5c52f463e2560e' "$LOG" && fail "alert below min_severity"

# Step 2: a 5.0 finding escalates to 8.0.
fake POST step >/dev/null
ctl poll >/dev/null
wait_polls 6
[ "$(alerted_ids us-east-1 finding_escalated)" = '["49dbe61ba98370520cacef2d1fe95d34"]' ] ||
	fail "no escalation alert"
check_counts us-east-1

# Step 3: a finding is archived: it leaves the counts; its alert resolves.
before=$(count_alerts)
fake POST step >/dev/null
ctl poll >/dev/null
wait_polls 8
[ "$(count_alerts)" -eq "$before" ] || fail "archiving raised an alert"
[ "$(count_resolved)" -eq 1 ] || fail "expected one resolved alert, got $(count_resolved)"
grep 'SECMOND_EVENT="resolved"' "$LOG" | grep -q 'SECMOND_FINDING_ID="2e4f7036189e2694844d615c237daed5"' ||
	fail "the archived finding's alert did not resolve"
check_counts us-east-1

# A restart alerts nothing that was already alerted.
stop_daemon
start_daemon
wait_polls 2
[ "$(count_alerts)" -eq "$before" ] || fail "restart re-alerted"
[ "$(count_resolved)" -eq 1 ] || fail "restart re-sent a resolution"
check_counts us-east-1
check_counts eu-west-1
stop_daemon
