#!/bin/bash
# CloudWatch alarms through the daemon: metric and composite alarms over
# several pages, their states as the fake holds them, transitions recorded
# once each, in order, with their reasons (an alarm that stays in ALARM with
# a new reason is no transition), and the alarm_prefix filter.
. "$TOP/tests/lib/common.sh"
start_fake "$TOP/tests/fakeaws/scenarios/cloudwatch.json"
GD_ENABLED=no CW_ENABLED=yes write_conf
start_daemon
wait_polls 2

# fake_states: {region/name: state} from the fake; ours: the same from us.
fake_states() {
	fake GET state | jq_py "{r + '/' + a['AlarmName']: a['StateValue'] for r, v in d['cloudwatch'].items() for a in v['alarms']}"
}
our_states() {
	ctl --json alarms | jq_py "{a['region'] + '/' + a['name']: a['state'] for a in d['alarms']}"
}
check_states() {
	local want got
	want=$(fake_states)
	got=$(our_states)
	[ "$want" = "$got" ] || fail "alarm states differ from the fake's: $(
		"$PYTHON" -c 'import json,sys; a,b=json.loads(sys.argv[1]),json.loads(sys.argv[2]); print({k:(a.get(k),b.get(k)) for k in set(a)|set(b) if a.get(k)!=b.get(k)})' "$want" "$got")"
}
check_states
n=$(ctl --json alarms | jq_py "len(d['alarms'])")
[ "$n" -eq 345 ] || fail "$n alarms, expected 345 (343 + 2)"
ctl --json alarms | jq_py "sorted(set(a['type'] for a in d['alarms']))" |
	grep -qx '\["composite", "metric"\]' || fail "not both alarm types"
grep -c '"DescribeAlarms"' "$TMP/fake.log" | grep -qv '^[0-2]$' ||
	fail "fewer than 3 DescribeAlarms pages"
ctl --json status | jq_py "[s['alarms']['alarm'] for s in d['sources'] if s['region']=='us-east-1'][0]" |
	grep -qx "$(ctl --json alarms --state ALARM | jq_py "sum(1 for a in d['alarms'] if a['region']=='us-east-1')")" ||
	fail "status alarm counts differ from the list"

trans() { # the transitions of alarm $1, oldest first: from>to|reason
	ctl --json alarms | jq_py "[(t['from'] or '') + '>' + t['to'] + '|' + t['reason'] for t in reversed(d['transitions']) if t['name']=='$1']"
}
step() {
	fake POST step >/dev/null
	ctl poll >/dev/null
	POLLS=$((POLLS + 2))
	wait_polls $POLLS
	check_states
}
POLLS=2
step # prod-explicit-cpu OK -> ALARM
trans prod-explicit-cpu | grep -q '"OK>ALARM|Threshold Crossed: 1 datapoint' ||
	fail "no OK>ALARM transition: $(trans prod-explicit-cpu)"
ctl --json alarms --state ALARM | jq_py "any(a['name']=='prod-explicit-cpu' for a in d['alarms'])" |
	grep -qx True || fail "prod-explicit-cpu not listed in ALARM"
# alarm_alerts EVENT NAME: how many alarm alerts of that event for NAME.
alarm_alerts() {
	grep 'SECMOND_KIND="alarm"' "$LOG" | grep "SECMOND_EVENT=\"$1\"" |
		grep -c "SECMOND_SUBJECT=\"$2\"" || true
}
[ "$(alarm_alerts firing prod-explicit-cpu)" -eq 1 ] ||
	fail "entering ALARM raised $(alarm_alerts firing prod-explicit-cpu) alerts, expected 1"
step # still ALARM with a new reason (no transition); eu-db-storage -> OK
# (the first sighting of each alarm is older than the latest 50 shown)
[ "$(trans prod-explicit-cpu | jq_py "len(d)")" -eq 1 ] ||
	fail "a new reason counted as a transition: $(trans prod-explicit-cpu)"
trans eu-db-storage | grep -q '>OK|' || fail "eu-db-storage did not go to OK"
step # prod-explicit-cpu -> OK, the composite -> ALARM
trans prod-explicit-cpu | jq_py "[t.split('|')[0] for t in d]" |
	grep -qx '\["OK>ALARM", "ALARM>OK"\]' ||
	fail "transitions out of order: $(trans prod-explicit-cpu)"
trans prod-explicit-composite | grep -q '>ALARM|' || fail "composite transition missing"
[ "$(alarm_alerts firing prod-explicit-cpu)" -eq 1 ] || fail "a new reason re-alerted"
[ "$(alarm_alerts resolved prod-explicit-cpu)" -eq 1 ] || fail "leaving ALARM did not resolve"
[ "$(alarm_alerts firing prod-explicit-composite)" -eq 1 ] || fail "no alert for the composite"

# Only the alarms under a prefix, after a reload.
sed -i 's/^\[cloudwatch\]$/[cloudwatch]\nalarm_prefix = prod-explicit/' "$CONF"
kill -HUP "$SECMOND_PID"
wait_notify '^READY=1$'
ctl poll >/dev/null
POLLS=$((POLLS + 2))
wait_polls $POLLS
ctl --json alarms | jq_py "sorted(a['name'] for a in d['alarms'])" >"$TMP/names"
"$PYTHON" -c 'import json,sys; n=json.load(open(sys.argv[1])); assert n and all(x.startswith("prod-explicit") for x in n), n' "$TMP/names" ||
	fail "prefix filter: $(cat "$TMP/names")"
stop_daemon
