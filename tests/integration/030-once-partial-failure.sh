#!/bin/bash
# secmond --once over many pages: every page is read, GetFindings is asked
# for at most 50 ids, the summary is printed and the exit code says whether
# every poll succeeded. A poll that fails part-way (page 2 of ListFindings
# keeps failing after the retries) changes nothing and alerts nothing; once
# the fault stops, the next poll catches up.
. "$TOP/tests/lib/common.sh"
SCEN="$TOP/tests/fakeaws/scenarios/paging.json"

start_fake "$SCEN"
REGIONS=us-east-1 MIN_SEVERITY=0 write_conf

once() {
	"$SECMOND" -c "$CONF" --once >"$TMP/once.out" 2>>"$LOG"
}
active_in_db() {
	sqlite3 "$TMP/state/secmond.db" "SELECT COUNT(*) FROM gd_findings WHERE active=1"
}

once || fail "--once exited $? with every poll fine"
want=$(fake GET state | jq_py "sum(1 for f in d['guardduty']['us-east-1']['findings'] if not f['service']['archived'])")
[ "$(count_alerts)" -eq "$want" ] || fail "$(count_alerts) alerts, expected $want"
[ "$(active_in_db)" -eq "$want" ] || fail "db holds $(active_in_db) active, expected $want"
grep -q "^guardduty default/us-east-1: ok in .* $want active findings" "$TMP/once.out" ||
	fail "summary: $(cat "$TMP/once.out")"

# Pagination and batching as the API demands.
"$PYTHON" - "$TMP/fake.log" <<'PY' || fail "request shapes"
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
lists = [r for r in reqs if r["op"] == "ListFindings"]
gets = [r for r in reqs if r["op"] == "GetFindings"]
assert len(lists) >= 3, "ListFindings pages: %d" % len(lists)
assert all(len(r["params"]["findingIds"]) <= 50 for r in gets), "batch > 50"
assert all(r["signature"] == "ok" for r in reqs), "a request was not signed right"
crit = lists[0]["params"]["findingCriteria"]["criterion"]
assert crit["service.archived"] == {"equals": ["false"]}, crit
assert "nextToken" in lists[1]["params"], "page 2 without nextToken"
PY

# Page 2 of the listing fails (every retry too); a new finding waits behind it.
fake POST step >/dev/null
fake POST faults '{"service":"guardduty","op":"ListFindings","kind":"status","status":500,"code":"InternalServerErrorException","after":1,"times":-1}' >/dev/null
before=$(count_alerts)
once
rc=$?
[ "$rc" -eq 2 ] || fail "--once exited $rc with a failed poll, expected 2"
grep -q "FAILED: GuardDuty.ListFindings: InternalServerErrorException" "$TMP/once.out" ||
	fail "summary does not name the error: $(cat "$TMP/once.out")"
[ "$(count_alerts)" -eq "$before" ] || fail "a failed poll raised alerts"
[ "$(active_in_db)" -eq "$want" ] || fail "a failed poll changed the findings"

# The fault stops: the next poll sees the new finding, alerts it once.
fake DELETE faults >/dev/null
once || fail "--once after recovery exited $?"
[ "$(count_alerts)" -eq $((before + 1)) ] || fail "expected one alert after recovery"
grep -q 'SECMOND_FINDING_ID="ddaa80289c6d91e63d8fdef2e992493b"' "$LOG" ||
	fail "the new finding was not alerted"
