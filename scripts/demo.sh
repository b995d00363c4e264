#!/bin/bash
# demo.sh: secmond on its embedded default: the bundled fake AWS
# (tests/fakeaws, scenario demo.json: two regions, findings in every
# severity band) and a throw-away config and state. Shows the alerts as
# they are raised while findings appear, escalate, are archived (the alert
# resolves), and while a region fails for a moment; then the maintenance
# calendar (the built-in catalog): `secmonctl tasks`, the GuardDuty and WAF
# reviews run by hand with their digests; ends with `secmonctl status` and
# `secmonctl alerts`.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
SECMOND="$TOP/$B/secmond" SECMONCTL="$TOP/$B/secmonctl"
FAKEAWS="$TOP/tests/fakeaws/fakeaws.py"
. "$TOP/tests/lib/python.sh"
. "$TOP/tests/lib/common.sh"
LOG=/dev/stderr

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
step() {
	say "$1"
	fake POST step >/dev/null || fail "fake step"
	ctl poll >/dev/null || fail "secmonctl poll"
	POLLS=$((POLLS + 2))
	wait_polls "$POLLS"
}

say "starting the fake AWS (GuardDuty in us-east-1 and eu-west-1)"
start_fake "$TOP/tests/fakeaws/scenarios/demo.json"
echo "fake AWS at $FAKE_URL; config $CONF"
MAINTENANCE=yes write_conf
say "starting secmond (alerts at severity >= 4.0 go to the log below)"
start_daemon
POLLS=2
wait_polls $POLLS
step "step 1: a high finding appears in us-east-1, a low one in eu-west-1 (no alert: below 4.0)"
step "step 2: a medium finding in us-east-1 escalates to high"
step "step 3: a finding is archived in us-east-1 (it leaves the counts)"
step "step 4: eu-west-1 answers 500 three times (retried; the poll fails, nothing changes)"
step "step 5: a critical finding appears in eu-west-1 (the region recovers)"
say "secmonctl tasks (the built-in maintenance calendar, in UTC)"
ctl tasks
say "secmonctl run guardduty-review; secmonctl digest guardduty-review"
ctl run guardduty-review
ctl digest guardduty-review
say "secmonctl run waf-review (CloudWatch AWS/WAFV2 BlockedRequests, this week against the last)"
ctl run waf-review
for _ in $(seq 1 60); do
	wait_notify ' task runs' 60
	ctl digest waf-review 2>/dev/null && break
done
say "secmonctl status"
ctl status
say "secmonctl alerts"
ctl alerts
stop_daemon
say "done"
