#!/bin/bash
# Member accounts through AssumeRole: each [account] polls as its role,
# its findings and alerts carry its account, status shows per account where
# the credentials came from and when they expire (never a secret), and an
# account whose role cannot be assumed is degraded on its own.
. "$TOP/tests/lib/common.sh"
start_fake "$TOP/tests/fakeaws/scenarios/accounts.json"
REGIONS="us-east-1 eu-west-1 ap-southeast-2" MIN_SEVERITY=0 write_conf
export AWS_ENDPOINT_URL_STS="$FAKE_URL"
cat >>"$CONF" <<'CONF'

[account member-a]
role_arn = arn:aws:iam::444455556666:role/secmond-readonly
external_id = secmond-ext-1

[account member-b]
role_arn = arn:aws:iam::777788889999:role/secmond-readonly
duration = 30m

[account wrong-id]
role_arn = arn:aws:iam::444455556666:role/secmond-readonly-too
external_id = not-the-right-one
CONF
# A second role in the same account, so the duplicate-role check is happy;
# the fake does not know it: AssumeRole is refused.
start_daemon
wait_polls 9

# Three regions per account poll at once, yet each role was assumed once:
# concurrent requests wait for one credential fetch.
"$PYTHON" - "$TMP/fake.log" <<'PY' || fail "AssumeRole calls"
import collections, json, sys
calls = collections.Counter(json.loads(l)["params"]["RoleArn"]
    for l in open(sys.argv[1]) if '"AssumeRole"' in l)
assert calls["arn:aws:iam::444455556666:role/secmond-readonly"] == 1, calls
assert calls["arn:aws:iam::777788889999:role/secmond-readonly"] == 1, calls
PY

st=$(ctl --json status) || fail "status"
echo "$st" >"$TMP/status.json"
"$PYTHON" - "$TMP/status.json" <<'PY' || fail "status by account: $st"
import json, sys
d = json.load(open(sys.argv[1]))
acc = {a["name"]: a for a in d["accounts"]}
assert set(acc) == {"member-a", "member-b", "wrong-id"}, acc
for n in ("member-a", "member-b"):
    c = acc[n]["credentials"]
    assert c["ok"] and c["source"].startswith("assume-role:arn:aws:iam::"), c
    assert c["expires"] and c["expires"].endswith("Z"), c
src = {s["account"]: s for s in d["sources"] if s["region"] == "us-east-1"}
assert src["member-a"]["state"] == "ok" and src["member-b"]["state"] == "ok", src
assert src["member-a"]["findings"]["total"] == 2, src["member-a"]
assert src["member-b"]["findings"]["total"] == 1, src["member-b"]
bad = src["wrong-id"]
assert bad["state"] == "degraded", bad
assert "AssumeRole" in bad["last_poll"]["error"], bad
assert acc["wrong-id"]["credentials"]["error"], acc["wrong-id"]
PY

grep -q 'SECMOND_ACCOUNT="444455556666"' "$LOG" || fail "no alert labelled 444455556666"
grep -q 'SECMOND_ACCOUNT="777788889999"' "$LOG" || fail "no alert labelled 777788889999"

# A new finding in member-a: alerted once, as member-a's account.
fake POST step >/dev/null
ctl poll >/dev/null
wait_polls 18
[ "$(grep -c 'SECMOND_FINDING_ID="a4a4e000000000000000000000000003"' "$LOG")" -eq 1 ] ||
	fail "the member's new finding was not alerted exactly once"

# No secret anywhere: the base secret, or any session token the fake issued.
ctl status >"$TMP/status.txt"
for f in "$LOG" "$TMP/status.json" "$TMP/status.txt"; do
	grep -qF "$AWS_SECRET_ACCESS_KEY" "$f" && fail "base secret in $f"
	grep -q "FwoGZX\|SessionToken\|secret_access_key" "$f" && fail "a token in $f"
done
stop_daemon
