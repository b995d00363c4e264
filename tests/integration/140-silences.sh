#!/bin/bash
# Silences: an admin silences matching alerts for a while with a comment;
# silenced alerts are recorded (and counted on the silence) but not sent;
# the silence is listed with who made it; once expired, alerts go out
# again; bad matchers and durations are refused; the list survives a
# restart.
. "$TOP/tests/lib/common.sh"
start_fake "$TOP/tests/fakeaws/scenarios/demo.json"
REGIONS=us-east-1 write_conf
start_daemon
wait_polls 1
n=$(count_alerts)

out=$(ctl silence add kind=new_finding subject='ca5184*' --for 2h --comment "known test instance") ||
	fail "silence add: $out"
grep -q "silence 1 added" <<<"$out" || fail "silence add said: $out"
ctl silence add kind= --for 2h --comment c >/dev/null 2>&1 && fail "an empty matcher was accepted"
ctl silence add bogus=x --for 2h --comment c >/dev/null 2>&1 && fail "an unknown matcher was accepted"
ctl silence add kind=alarm --for forever --comment c >/dev/null 2>&1 && fail "a bad duration was accepted"
ctl silence add kind=alarm --for 2h >/dev/null 2>&1 && fail "a silence without a comment was accepted"

# The 7.5 finding of step 1 matches: recorded, not sent.
fake POST step >/dev/null
ctl poll >/dev/null
wait_polls 2
[ "$(count_alerts)" -eq "$n" ] || fail "a silenced alert was sent"
ctl --json alerts | jq_py "[a['silenced_by'] for a in d['alerts'] if a['subject']=='ca518407b70e18cbbf1ea0e042a36d39']" |
	grep -qx '\[1\]' || fail "the silenced alert was not recorded as silenced"
ctl --json silence list >"$TMP/sil.json"
"$PYTHON" - "$TMP/sil.json" "$(id -u)" <<'PY' || fail "silence list: $(cat "$TMP/sil.json")"
import json, sys
s = json.load(open(sys.argv[1]))["silences"]
assert len(s) == 1 and s[0]["active"] and s[0]["silenced"] == 1, s
assert s[0]["created_by"] == int(sys.argv[2]) and s[0]["comment"] == "known test instance", s
assert s[0]["matchers"] == {"kind": "new_finding", "subject": "ca5184*"}, s
PY
ctl silence list | grep -q "known test instance" || fail "silence list for people"

# Restart: still there. Expire it: the next alert goes out.
stop_daemon
start_daemon
wait_polls 1
ctl --json silence list | jq_py "len(d['silences'])" | grep -qx 1 || fail "silence lost on restart"
ctl silence expire 1 | grep -q "silence 1 expired" || fail "silence expire"
ctl silence expire 1 >/dev/null 2>&1 && fail "expired twice"
ctl --json silence list --all | jq_py "d['silences'][0]['expired_by']" | grep -qx "$(id -u)" ||
	fail "who expired it is not recorded"
fake POST step >/dev/null # the 5.0 escalates to 8.0
ctl poll >/dev/null
wait_polls 2
[ "$(count_alerts finding_escalated)" -eq 1 ] || fail "alerts after the silence expired were not sent"
stop_daemon
