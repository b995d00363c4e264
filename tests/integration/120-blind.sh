#!/bin/bash
# A source that fails longer than blind_after is shown as blind (status and
# systemd STATUS=), the other region keeps polling, and the source stops
# being blind by itself once its polls succeed again. The timers run on
# their own (interval 10s); the test waits on the daemon's notifications.
. "$TOP/tests/lib/common.sh"
start_fake "$TOP/tests/fakeaws/scenarios/demo.json"
GD_INTERVAL=10s write_conf "blind_after = 10s"
fake POST faults '{"service":"guardduty","op":"ListDetectors","region":"eu-west-1","kind":"status","status":500,"code":"InternalServerErrorException","times":-1}' >/dev/null
start_daemon
wait_notify ', 1 blind;' 60
st=$(ctl --json status)
echo "$st" >"$TMP/st.json"
"$PYTHON" - "$TMP/st.json" <<'PY' || fail "blind in status: $st"
import json, sys
src = {s["region"]: s for s in json.load(open(sys.argv[1]))["sources"] if s["source"] == "guardduty"}
eu, us = src["eu-west-1"], src["us-east-1"]
assert eu["state"] == "degraded" and eu["blind"] is True, eu
assert eu["failing_since"] and eu["blind_after_sec"] == 10, eu
assert "InternalServerErrorException" in eu["last_poll"]["error"], eu
assert us["state"] == "ok" and us["blind"] is False, us
PY
ctl status | grep -q "blind" || fail "secmonctl status does not say blind"
# The watcher must not go silently blind: one source_blind alert.
[ "$(count_alerts source_blind)" -eq 1 ] ||
	fail "expected one source_blind alert, got $(count_alerts source_blind)"

# A poll in flight does not end blindness: while the next poll of the blind
# source hangs in the fake, status still says blind.
fake DELETE faults >/dev/null
id=$(fake POST faults '{"service":"guardduty","op":"ListDetectors","region":"eu-west-1","kind":"delay","seconds":3}' | jq_py "d['id']")
[ "$(fake GET "faults/wait?id=$id&timeout=60" | jq_py "d['hits']")" = 1 ] ||
	fail "the next eu-west-1 poll never came"
ctl --json status | jq_py "[(s['region'], s['state'], s['blind']) for s in d['sources'] if s['region'] == 'eu-west-1']" |
	grep -qx '\[\["eu-west-1", "polling", true\]\]' ||
	fail "a blind source stops being blind while it polls: $(ctl --json status)"
wait_notify ': 2 ok, 0 degraded, 0 blind;' 60
ctl --json status | jq_py "[s['blind'] for s in d['sources']]" | grep -qx '\[false, false\]' ||
	fail "still blind after recovery"
[ "$(count_resolved source_blind)" -eq 1 ] || fail "source_blind did not resolve"
[ "$(count_alerts source_blind)" -eq 1 ] || fail "source_blind fired more than once"
stop_daemon
