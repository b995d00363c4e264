#!/bin/bash
# The maintenance calendar end to end: the automated reviews' digests agree
# with what the daemon polled (GuardDuty counts, alarms, the Security Hub
# score) and with the AWS CLI (WAF blocked requests per web ACL, this week
# and the week before), each one notification (one SNS message for a task
# with an SNS sink) kept in the history; a manual task's reminder fires on
# its schedule and `secmonctl ack` records uid, user and note; a run missed
# while the daemon was down is made up once at start; a manual task left
# unacknowledged past twice its grace raises task_overdue (high), resolved
# by the ack; bad requests get clear errors. Time is never slept: the
# schedule fires every 2 seconds, downtime is written into the state.
. "$TOP/tests/lib/common.sh"
"$PYTHON" - "$TOP/tests/fakeaws/scenarios" "$TMP/scen.json" <<'PY'
import json, sys
load = lambda n: json.load(open(sys.argv[1] + "/" + n + ".json"))
d = load("demo")
d["sns"] = load("sns")["sns"]
d["sns"].pop("steps", None)
# Security Hub and CloudWatch alarms too, smaller than their own scenarios.
sh = load("securityhub")["securityhub"]["us-east-1"]
for s in sh["standards"]:
    s["controls"] = min(s["controls"], 40)
sh["generate"].update(controls_total=60, findings=300, disabled_controls=[])
d["securityhub"] = {"us-east-1": sh}
alarms = load("cloudwatch")["cloudwatch"]["us-east-1"]["alarms"]
alarms["generate"].update(metric=40, composite=5)
d["cloudwatch"]["us-east-1"]["alarms"] = alarms
json.dump(d, open(sys.argv[2], "w"))
PY
start_fake "$TMP/scen.json"
REGIONS=us-east-1 SH_ENABLED=yes CW_ENABLED=yes MAINTENANCE=yes write_conf
cat >>"$CONF" <<'CONF'

[sink oncall]
type = sns
topic_arn = arn:aws:sns:us-east-1:111122223333:secops

[sink log]
type = journal

[task quick]
randomized_delay = 1s
CONF
cat >"$TMP/maintenance.conf" <<'CAT'
[task gd-review]
title = Monitor GuardDuty findings
schedule = daily
action = guardduty-digest
sinks = oncall

[task alarms-review]
title = Review CloudWatch security alarms
schedule = daily
action = alarms-digest
sinks = log

[task sh-review]
title = Check Security Hub compliance scores
schedule = daily
action = securityhub-digest
sinks = log

[task waf-review]
title = Analyze WAF blocked requests
schedule = weekly
action = waf-digest
sinks = log

[task quick]
title = Look at the flow logs
schedule = *:*:0/2
action = manual
grace = 1h
sinks = log
description = Rejected traffic, new talkers.

[task dr]
title = Conduct disaster recovery testing
schedule = quarterly
action = manual
grace = 1h
sinks = log
CAT
"$SECMOND" -t -c "$CONF" >/dev/null || fail "config with a catalog refused"
start_daemon
wait_polls 3

# --- The automated reviews, run by hand.
out=$(ctl run gd-review) || fail "run gd-review: $out"
ctl --json findings --min-severity 0 >"$TMP/findings.json"
ctl --json digest gd-review >"$TMP/gd.json"
"$PYTHON" - "$TMP/findings.json" "$TMP/gd.json" <<'PY' || fail "GuardDuty digest"
import json, sys
fs = json.load(open(sys.argv[1]))["findings"]
run = json.load(open(sys.argv[2]))
band = lambda s: "critical" if s >= 9 else "high" if s >= 7 else "medium" if s >= 4 else "low"
want = {b: 0 for b in ("low", "medium", "high", "critical")}
for f in fs:
    want[band(f["severity"])] += 1
got = run["data"]["counts"]
assert got == want, (got, want)
assert run["trigger"] == "manual" and run["result"] == "ok", run
assert run["summary"].startswith("GuardDuty: %d critical, %d high" % (want["critical"], want["high"])), run["summary"]
# The first digest covers the last day: every finding is new.
assert run["data"]["new_count"] == len(fs), run["data"]["new_count"]
assert "Active findings: %d critical" % want["critical"] in run["digest"], run["digest"]
worst = max(f["severity"] for f in fs)
assert run["data"]["worst"][0]["severity"] == worst, run["data"]["worst"][0]
PY
# One SNS message for the digest, on the task's sink only. Each delivery
# ends with a STATUS= line: look after each one.
digests() {
	fake GET "sns/messages?topic=arn:aws:sns:us-east-1:111122223333:secops" >"$TMP/sns.json"
	jq_py "len([m for m in d if '[digest]' in (m['subject'] or '')])" <"$TMP/sns.json"
}
for _ in $(seq 1 60); do
	[ "$(digests)" -ge 1 ] && break
	wait_notify ' alerts pending$' 60
done
"$PYTHON" - "$TMP/sns.json" <<'PY' || fail "digest over SNS"
import json, sys
msgs = [m for m in json.load(open(sys.argv[1])) if "[digest]" in (m["subject"] or "")]
assert len(msgs) == 1, [m["subject"] for m in msgs]
body = msgs[0]["message"]
assert "secmond digest: Monitor GuardDuty findings" in body and "Worst active:" in body, body
PY

out=$(ctl run alarms-review) || fail "run alarms-review: $out"
ctl --json alarms --state ALARM >"$TMP/alarms.json"
ctl --json digest alarms-review >"$TMP/cw.json"
"$PYTHON" - "$TMP/alarms.json" "$TMP/cw.json" <<'PY' || fail "alarms digest"
import json, sys
alarms = json.load(open(sys.argv[1]))["alarms"]
run = json.load(open(sys.argv[2]))
assert run["data"]["counts"]["alarm"] == len(alarms), (run["data"]["counts"], len(alarms))
assert sorted(a["name"] for a in run["data"]["in_alarm"]) == sorted(a["name"] for a in alarms)
assert run["summary"].startswith("Alarms: %d in ALARM" % len(alarms)), run["summary"]
PY

out=$(ctl run sh-review) || fail "run sh-review: $out"
ctl --json score >"$TMP/score.json"
ctl --json digest sh-review >"$TMP/sh.json"
"$PYTHON" - "$TMP/score.json" "$TMP/sh.json" <<'PY' || fail "Security Hub digest"
import json, sys
score = json.load(open(sys.argv[1]))
run = json.load(open(sys.argv[2]))
tgt = score["targets"][0] if "targets" in score else score["scores"][0]
overall = [s for s in tgt["standards"] if s["standard"] == "overall"][0]
got = [s for s in run["data"]["scores"] if s["standard"] == "overall"][0]
assert abs(got["score"] - overall["score"]) < 1e-9, (got, overall)
assert run["summary"].startswith("Security Hub: overall %.1f%%" % overall["score"]), run["summary"]
PY

# The WAF review asks CloudWatch; its digest follows on the loop.
ctl --json run waf-review | jq_py "d['running']" | grep -qx True ||
	fail "the WAF review did not start"
# Each run ends with a STATUS= line: look after each one.
for _ in $(seq 1 60); do
	wait_notify ' task runs' 60
	ctl --json digest waf-review >"$TMP/waf.json" 2>/dev/null && break
done
"$PYTHON" - "$TMP/waf.json" "$FAKE_URL" <<'PY' || fail "WAF digest against the AWS CLI"
import json, os, subprocess, sys
run = json.load(open(sys.argv[1]))
d = run["data"]
assert run["result"] == "ok" and not d["errors"], run
acls = d["web_acls"]
assert len(acls) >= 2, acls
w = d["window"]
env = dict(os.environ, AWS_DEFAULT_REGION="us-east-1")
for a in acls:
    dims = [{"Name": "WebACL", "Value": a["web_acl"]}, {"Name": "Rule", "Value": "ALL"}]
    if a["region"]:
        dims.append({"Name": "Region", "Value": a["region"]})
    def total(start, end):
        q = [{"Id": "b", "MetricStat": {"Metric": {"Namespace": "AWS/WAFV2",
              "MetricName": "BlockedRequests", "Dimensions": dims},
              "Period": 3600, "Stat": "Sum"}}]
        out = subprocess.run(["aws", "--endpoint-url", sys.argv[2], "cloudwatch",
            "get-metric-data", "--start-time", start, "--end-time", end,
            "--metric-data-queries", json.dumps(q), "--output", "json"],
            env=env, capture_output=True, text=True, check=True).stdout
        return sum(sum(r["Values"]) for r in json.loads(out)["MetricDataResults"])
    tw, lw = total(w["middle"], w["end"]), total(w["start"], w["middle"])
    assert abs(tw - a["this_week"]) < 1e-6 and abs(lw - a["last_week"]) < 1e-6, (a, tw, lw)
assert any(a["this_week"] != a["last_week"] for a in acls), acls
assert "WAF blocked requests" in run["digest"], run["digest"]
PY

# --- A manual task: reminded on its schedule, acknowledged by a person.
wait_notify ' task runs, [1-9][0-9]* due,' 30
ctl --json tasks >"$TMP/tasks.json"
jq_py "[t['due'] for t in d['tasks'] if t['id'] == 'quick']" <"$TMP/tasks.json" |
	grep -qx '\[true\]' || fail "quick is not due after its reminder"
grep 'SECMOND_KIND="task_due"' "$LOG" | grep -q 'SECMOND_SUBJECT="quick"' ||
	fail "no reminder for quick in the journal"
out=$(ctl ack quick --note "all quiet") || fail "ack quick: $out"
ctl --json history quick >"$TMP/hist.json"
"$PYTHON" - "$TMP/hist.json" "$(id -u)" "$(id -un)" <<'PY' || fail "ack in the audit trail"
import json, sys
h = json.load(open(sys.argv[1]))
ack = h["acks"][0]
assert ack["uid"] == int(sys.argv[2]) and ack["user"] == sys.argv[3], ack
assert ack["note"] == "all quiet" and ack["due"], ack
assert all(r["task"] == "quick" and r["result"] == "reminded" for r in h["runs"]), h["runs"]
PY
ctl tasks | grep -q '^quick ' || fail "secmonctl tasks does not list quick"

# --- Bad requests.
ctl ack nope 2>"$TMP/err" && fail "ack of an unknown task succeeded"
grep -q "not_found: no task 'nope'" "$TMP/err" || fail "ack nope: $(cat "$TMP/err")"
ctl ack gd-review 2>"$TMP/err" && fail "ack of an automated review succeeded"
grep -q "bad_args: task gd-review is an automated review" "$TMP/err" ||
	fail "ack gd-review: $(cat "$TMP/err")"
ctl run; [ $? -eq 2 ] || fail "run without a task is not a usage error"
ctl ack quick --note "$(head -c 2000 /dev/zero | tr '\0' x)" 2>"$TMP/err" &&
	fail "a 2000-byte note was taken"
grep -q "note: at most 1024 bytes" "$TMP/err" || fail "long note: $(cat "$TMP/err")"
ctl digest 999999 2>"$TMP/err" && fail "digest of no run succeeded"

# --- Down for a while: a missed run made up once, an overdue task.
stop_daemon
now=$(date +%s)
sqlite3 "$TMP/state/secmond.db" \
	"UPDATE tasks SET next_due=$((now - 86400 * 3)) WHERE id='gd-review';
	 INSERT OR REPLACE INTO tasks(id, next_due, pending_since, overdue_level)
	 VALUES('dr', $((now + 86400 * 30)), $((now - 3 * 3600)), 0);" ||
	fail "sqlite3"
startups() { ctl --json history gd-review | jq_py "len([r for r in d['runs'] if r['trigger'] == 'startup'])"; }
overdue_sent() {
	grep 'SECMOND_KIND="task_overdue"' "$LOG" | grep 'SECMOND_EVENT="firing"' |
		grep -c 'SECMOND_SEVERITY="7.0"'
}
start_daemon
[ "$(startups)" = 1 ] || fail "missed gd-review run: $(startups) startup runs, want 1"
for _ in $(seq 1 60); do
	[ "$(overdue_sent)" -ge 1 ] && break
	wait_notify ' alerts pending$' 60
done
[ "$(overdue_sent)" -eq 1 ] || fail "no (or more than one) escalated task_overdue for dr"
ctl --json tasks | jq_py "[t['overdue_level'] for t in d['tasks'] if t['id'] == 'dr']" |
	grep -qx '\[2\]' || fail "dr is not escalated in tasks"
ctl ack dr >/dev/null || fail "ack dr"
for _ in $(seq 1 60); do
	[ "$(count_resolved task_overdue)" -ge 1 ] && break
	wait_notify ' alerts pending$' 60
done
[ "$(count_resolved task_overdue)" -eq 1 ] || fail "the ack did not resolve task_overdue"
stop_daemon
start_daemon
[ "$(startups)" = 1 ] || fail "a restart made up the run again"
stop_daemon
