#!/bin/bash
# The Security Hub score through the daemon, against the fake's estate of
# over 3,000 control findings over three standards (suppressed, archived,
# NOT_AVAILABLE and WARNING findings, disabled controls) in consolidated
# (us-east-1) and per-standard (eu-west-1) mode: every standard's score and
# the overall one equal what the fake expects within 0.1 points, before and
# after a control flips to FAILED; the change and the history follow; the
# failing controls are listed worst first; GetFindings stays under its quota.
. "$TOP/tests/lib/common.sh"
start_fake "$TOP/tests/fakeaws/scenarios/securityhub.json"
GD_ENABLED=no SH_ENABLED=yes write_conf
# AWS's own quota (3/s) instead of half of it, to keep the test short.
sed -i 's/^\[aws\]$/[aws]\nrate_limit_factor = 1.0/' "$CONF"
start_daemon
wait_polls 2 120

compare() { # every score of every target within 0.1 of the fake's
	fake GET expected >"$TMP/expected.json"
	ctl --json score >"$TMP/score.json"
	"$PYTHON" - "$TMP/expected.json" "$TMP/score.json" <<'PY'
import json, sys
exp = json.load(open(sys.argv[1]))["111122223333"]
got = {t["region"]: t for t in json.load(open(sys.argv[2]))["targets"]}
assert set(got) == {"us-east-1", "eu-west-1"}, got.keys()
for region, e in exp.items():
    if not e.get("enabled", True):
        continue
    std = {s["standard"]: s for s in got[region]["standards"]}
    want = dict(e["standards"], overall=e["overall"])
    assert set(std) == set(want), (region, set(std) ^ set(want))
    for k, w in want.items():
        s = std[k]
        assert abs(s["score"] - w["score_exact"]) <= 0.1, (region, k, s["score"], w)
        for n in ("passed", "failed", "unknown"):
            assert s[n] == w[n], (region, k, n, s[n], w[n])
print("scores match")
PY
}
compare || fail "scores differ from the fake's expectation"

# The failing controls: the fake's set, worst severity first.
ctl --json controls --failed --region us-east-1 >"$TMP/controls.json"
"$PYTHON" - "$TMP/expected.json" "$TMP/controls.json" <<'PY' || fail "failed controls"
import json, sys
exp = json.load(open(sys.argv[1]))["111122223333"]["us-east-1"]["failed_controls"]
got = json.load(open(sys.argv[2]))["controls"]
assert {c["id"] for c in got} == {c["id"] for c in exp}, "different sets"
rank = {"CRITICAL": 0, "HIGH": 1, "MEDIUM": 2, "LOW": 3, "INFORMATIONAL": 4}
sev = [rank.get(c["severity"], 5) for c in got]
assert sev == sorted(sev), "not worst first"
fr = {c["id"]: c["failed_resources"] for c in exp}
assert all(c["failed_resources"] == fr[c["id"]] for c in got), "failed resources"
PY

# GetFindings never went past 3 a second per region (the fake counts 429s).
grep '"GetFindings"' "$TMP/fake.log" | grep -q '"status": 429' &&
	fail "the daemon was throttled by GetFindings' quota"

# Alerts: every score is under the target (75); the failing controls of
# HIGH or CRITICAL severity each raised control_failing.
[ "$(count_alerts score_below_target)" -eq 8 ] ||
	fail "score_below_target alerts: $(count_alerts score_below_target), expected 8"
want=$(fake GET expected | jq_py "sum(1 for r in d['111122223333'].values() for c in r['failed_controls'] if c['severity'] in ('HIGH','CRITICAL'))")
[ "$(count_alerts control_failing)" -eq "$want" ] ||
	fail "control_failing alerts: $(count_alerts control_failing), expected $want"
fake GET expected >"$TMP/before.json"

# A control flips to FAILED: new scores, a change, two points of history.
fake POST step >/dev/null
ctl poll securityhub >/dev/null
wait_polls 4 120
compare || fail "scores after the step differ from the fake's expectation"
# The newly failing control alerts if it is HIGH or CRITICAL; the scores
# fell by less than score_drop (2 points): no score_drop alert.
new=$("$PYTHON" - "$TMP/before.json" "$TMP/expected.json" <<'PY'
import json, sys
b, a = (json.load(open(p))["111122223333"] for p in sys.argv[1:3])
ids = lambda e: {(r, c["id"]): c["severity"] for r, v in e.items() for c in v["failed_controls"]}
print(sum(1 for k, sev in ids(a).items() if k not in ids(b) and sev in ("HIGH", "CRITICAL")))
PY
)
[ "$(count_alerts control_failing)" -eq $((want + new)) ] ||
	fail "control_failing after the flip: $(count_alerts control_failing), expected $((want + new))"
[ "$(count_alerts score_drop)" -eq 0 ] || fail "a small drop raised score_drop"
ctl --json score --history >"$TMP/history.json"
"$PYTHON" - "$TMP/history.json" <<'PY' || fail "change and history"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["score_target"] == 75 and [l["score"] for l in d["levels"]] == [37, 75, 90]
t = {x["region"]: x for x in d["targets"]}["us-east-1"]
ov = [s for s in t["standards"] if s["standard"] == "overall"][0]
assert ov["change"] is not None and ov["change"] < 0, ov
assert abs(ov["score"] - ov["previous"] - ov["change"]) < 1e-9, ov
assert len(t["history"]["overall"]) == 2, t["history"]["overall"]
PY
stop_daemon
