#!/bin/bash
# Durable delivery under a storm and crashes: 1,200 GuardDuty findings
# arrive over 24 polls while SNS fails half of the time (and sometimes
# takes a message but drops the answer), and the daemon is killed with
# SIGKILL at a random moment after each poll, 24 times, and restarted.
# Afterwards every alert was delivered at least once to both sinks (the
# journal on stderr and SNS), none was invented, and the duplicates that
# at-least-once delivery allows are counted and printed.
. "$TOP/tests/lib/common.sh"
ROUNDS=24 PER=50
"$PYTHON" - "$TOP/tests/fakeaws/scenarios/sns.json" "$TMP/scen.json" "$ROUNDS" "$PER" <<'PY'
import json, sys
sns = json.load(open(sys.argv[1]))["sns"]
sns.pop("steps", None)
rounds, per = int(sys.argv[3]), int(sys.argv[4])
cred = {"access_key_id": "AKIDSECMONFAKE0000001",
        "secret_access_key": "fake/secret+key=for/tests",
        "session_token": None, "account_id": "111122223333"}
def finding(r, i):
    return {"id": "%032x" % (0xd0000000 + r * 1000 + i),
            "type": "Recon:EC2/Portscan", "severity": 4.0 + (i % 60) / 10,
            "title": "storm finding %d/%d" % (r, i)}
steps = [{"guardduty": {"us-east-1": {"add": [finding(r, i) for i in range(per)]}}}
         for r in range(rounds)]
json.dump({"credentials": [cred], "sns": sns,
           "guardduty": {"us-east-1": {"detectors": ["d0"], "findings": []}},
           "steps": steps}, open(sys.argv[2], "w"))
PY
start_fake "$TMP/scen.json"
REGIONS=us-east-1 write_conf
cat >>"$CONF" <<'CONF'

[sink log]
type = journal

[sink oncall]
type = sns
topic_arn = arn:aws:sns:us-east-1:111122223333:secops
CONF
sed -i 's/^group_wait = 0s$/group_wait = 0s\nretry_max_backoff = 10s/' "$CONF"
fake POST faults '{"service":"sns","op":"Publish","kind":"status","status":500,"code":"InternalError","probability":0.5,"seed":11,"times":-1}' >/dev/null
fake POST faults '{"service":"sns","op":"Publish","kind":"accept_then_reset","probability":0.15,"seed":13,"times":-1}' >/dev/null

start_notify
for r in $(seq 1 "$ROUNDS"); do
	start_daemon
	fake POST step >/dev/null
	ctl poll >/dev/null
	# A random moment: during the poll, the commit, or the deliveries.
	sleep "0.$((RANDOM % 9))$((RANDOM % 10))"
	kill -KILL "$SECMOND_PID"
	wait "$SECMOND_PID" 2>/dev/null
done

# One last run, SNS healthy: everything pending goes out.
fake DELETE faults >/dev/null
start_daemon
ctl poll >/dev/null
wait_polls 1
if [[ "$NOTIFY_LAST" != *"; 0 alerts pending" ]]; then
	wait_notify '; 0 alerts pending$' 120
fi
stop_daemon

fake GET sns/messages >"$TMP/sns.json"
"$PYTHON" - "$TMP/scen.json" "$LOG" "$TMP/sns.json" <<'PY' || fail "durability"
import json, re, sys
scen = json.load(open(sys.argv[1]))
want = {f["id"] for s in scen["steps"] for f in s["guardduty"]["us-east-1"]["add"]}
log = [l for l in open(sys.argv[2], errors="replace") if 'SECMOND_EVENT="firing"' in l]
got = re.findall(r'SECMOND_FINDING_ID="([0-9a-f]+)"', "".join(log))
missing = want - set(got)
invented = set(got) - want
assert not missing, "%d alerts never reached the journal, e.g. %s" % (len(missing), sorted(missing)[:3])
assert not invented, "invented alerts: %s" % sorted(invented)[:3]
sns = [m for m in json.load(open(sys.argv[3])) if m["delivered"]]
covered = 0
for m in sns:
    g = re.search(r"(\d+) new_finding alerts", m["subject"])
    covered += int(g.group(1)) if g else 1
assert covered >= len(want), "SNS notifications cover %d alerts of %d" % (covered, len(want))
print("alerts: %d; journal lines: %d (duplicates %d); SNS notifications delivered: %d "
      "covering %d alerts (duplicates %d)" % (len(want), len(got), len(got) - len(want),
      len(sns), covered, covered - len(want)))
PY
