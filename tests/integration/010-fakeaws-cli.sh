#!/bin/bash
# 010-fakeaws-cli.sh: the fake AWS speaks GuardDuty as the real AWS CLI
# expects it: signatures, pagination with tokens holding '+', '/', '=',
# criteria, statistics, steps, injected faults, TLS.  Also runs the fake's
# own unit checks (tests/fakeaws/selftest.py).
# Env: TOP (repo top), PYTHON (python3 with botocore), FAKEAWS (fakeaws.py).
# Exit 0 = pass, 77 = skip, other = fail.
set -u
TOP=${TOP:-$PWD}
PYTHON=${PYTHON:-python3}
FAKEAWS=${FAKEAWS:-$TOP/tests/fakeaws/fakeaws.py}
SCENARIO=$TOP/tests/fakeaws/scenarios/demo.json
DET=12abc34d567e8fa901bc2d34e56789f0

skip() { echo "skip: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

command -v aws >/dev/null 2>&1 || skip "AWS CLI (aws) not installed"
command -v openssl >/dev/null 2>&1 || skip "openssl CLI not installed"
"$PYTHON" -c 'import botocore' 2>/dev/null || skip "$PYTHON has no botocore"

T=$(mktemp -d) || fail "mktemp"
FAKE_PID=
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
	[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# --- the fake's own checks --------------------------------------------
"$PYTHON" "$TOP/tests/fakeaws/selftest.py" >"$T/selftest.out" 2>&1 ||
	{ tail -30 "$T/selftest.out" >&2; fail "tests/fakeaws/selftest.py"; }

. "$TOP/tests/lib/fakecli.sh"

# The CLI must see only our environment, never the host's config.
export AWS_CONFIG_FILE=$T/aws-config AWS_SHARED_CREDENTIALS_FILE=$T/aws-creds
: >"$AWS_CONFIG_FILE"
: >"$AWS_SHARED_CREDENTIALS_FILE"
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN \
	AWS_ENDPOINT_URL AWS_ENDPOINT_URL_GUARDDUTY AWS_CA_BUNDLE AWS_ROLE_ARN \
	AWS_WEB_IDENTITY_TOKEN_FILE AWS_DEFAULT_REGION AWS_REGION
export AWS_EC2_METADATA_DISABLED=true AWS_RETRY_MODE=standard AWS_MAX_ATTEMPTS=1
export AWS_PAGER=
AWS_ACCESS_KEY_ID=$("$PYTHON" -c 'import json,sys
print(json.load(open(sys.argv[1]))["credentials"][0]["access_key_id"])' "$SCENARIO")
AWS_SECRET_ACCESS_KEY=$("$PYTHON" -c 'import json,sys
print(json.load(open(sys.argv[1]))["credentials"][0]["secret_access_key"])' "$SCENARIO")
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

gd() { aws --endpoint-url "$URL" --region us-east-1 --output json guardduty "$@"; }

# --- plain HTTP -----------------------------------------------------------
start_fake "$SCENARIO"

gd list-detectors >"$T/det.json" 2>"$T/err" || fail "list-detectors: $(cat "$T/err")"
py 'out = load(sys.argv[1])
check(out["DetectorIds"] == state()["detectors"], "detector ids %r" % out)' \
	"$T/det.json" || fail "list-detectors result"

# every id, 2 per page: several pages, the fake's tokens (+ / =) must
# survive the CLI
py 'admin("DELETE", "/_fake/requests")' || fail "admin API"
gd list-findings --detector-id "$DET" --page-size 2 >"$T/all.json" 2>"$T/err" ||
	fail "list-findings: $(cat "$T/err")"
py 'out = load(sys.argv[1])
want = [f["id"] for f in state()["findings"]]
check(out["FindingIds"] == want, "ids %r != %r" % (out["FindingIds"], want))
log = [r for r in admin("GET", "/_fake/requests") if r["op"] == "ListFindings"]
check(len(log) == (len(want) + 1) // 2, "%d ListFindings calls" % len(log))
tokens = [r["params"].get("nextToken") for r in log[1:]]
check(all(t and all(c in t for c in "+/=") for t in tokens), "tokens %r" % tokens)
check(all(r["signature"] == "ok" and r["status"] == 200 for r in log), "log")' \
	"$T/all.json" || fail "list-findings pagination"

# --max-items: the CLI hands out its own token wrapping ours; resume with it
gd list-findings --detector-id "$DET" --page-size 2 --max-items 3 \
	>"$T/p1.json" 2>"$T/err" || fail "list-findings --max-items: $(cat "$T/err")"
tok=$(py 'print(load(sys.argv[1])["NextToken"])' "$T/p1.json") || fail "no NextToken"
gd list-findings --detector-id "$DET" --page-size 2 --starting-token "$tok" \
	>"$T/p2.json" 2>"$T/err" || fail "list-findings --starting-token: $(cat "$T/err")"
py 'ids = load(sys.argv[1])["FindingIds"] + load(sys.argv[2])["FindingIds"]
want = [f["id"] for f in state()["findings"]]
check(len(load(sys.argv[1])["FindingIds"]) == 3, "3 items in page 1")
check(ids == want, "resumed listing %r != %r" % (ids, want))' \
	"$T/p1.json" "$T/p2.json" || fail "max-items / starting-token"

# active findings of medium severity and above, newest first
gd list-findings --detector-id "$DET" --finding-criteria \
	'{"Criterion":{"service.archived":{"Equals":["false"]},"severity":{"GreaterThanOrEqual":4}}}' \
	--sort-criteria AttributeName=updatedAt,OrderBy=DESC \
	>"$T/active.json" 2>"$T/err" || fail "list-findings criteria: $(cat "$T/err")"
py 'got = load(sys.argv[1])["FindingIds"]
fs = [f for f in state()["findings"]
      if not f["service"]["archived"] and f["severity"] >= 4]
fs.sort(key=lambda f: f["updatedAt"], reverse=True)
check(got == [f["id"] for f in fs], "active %r" % got)
check(len(got) >= 3, "some active findings")' "$T/active.json" ||
	fail "criteria / sort"

ids=$(py 'print(" ".join(load(sys.argv[1])["FindingIds"]))' "$T/active.json")
read -r -a idlist <<<"$ids"
gd get-findings --detector-id "$DET" --finding-ids "${idlist[@]}" >"$T/get.json" \
	2>"$T/err" || fail "get-findings: $(cat "$T/err")"
py 'got = {f["Id"]: f for f in load(sys.argv[1])["Findings"]}
want = {f["id"]: f for f in state()["findings"]}
check(set(got) == set(sys.argv[2].split()), "get-findings ids")
for i, f in got.items():
    check(f["Severity"] == want[i]["severity"], "severity of " + i)
    check(f["Service"]["Count"] == want[i]["service"]["count"], "count " + i)
    check(f["Service"]["Archived"] is False, "archived " + i)
    check(f["AccountId"] == "111122223333" and f["Region"] == "us-east-1", i)
    check(f["Resource"]["ResourceType"], "resource type " + i)' \
	"$T/get.json" "$ids" || fail "get-findings result"

gd get-findings-statistics --detector-id "$DET" \
	--finding-statistic-types COUNT_BY_SEVERITY >"$T/cbs.json" 2>"$T/err" ||
	fail "get-findings-statistics (deprecated): $(cat "$T/err")"
gd get-findings-statistics --detector-id "$DET" --group-by SEVERITY \
	--finding-criteria '{"Criterion":{"service.archived":{"Equals":["false"]}}}' \
	>"$T/gbs.json" 2>"$T/err" || fail "get-findings-statistics: $(cat "$T/err")"
py 'from collections import Counter
fs = state()["findings"]
cbs = load(sys.argv[1])["FindingStatistics"]["CountBySeverity"]
check(cbs == {repr(k): v for k, v in Counter(f["severity"] for f in fs).items()},
      "countBySeverity %r" % cbs)
gbs = load(sys.argv[2])["FindingStatistics"]["GroupedBySeverity"]
want = Counter(f["severity"] for f in fs if not f["service"]["archived"])
check({g["Severity"]: g["TotalFindings"] for g in gbs} == want, "groupBy %r" % gbs)' \
	"$T/cbs.json" "$T/gbs.json" || fail "statistics"

# a wrong secret key: InvalidSignatureException
AWS_SECRET_ACCESS_KEY=not-the-secret gd list-detectors >/dev/null 2>"$T/err" &&
	fail "a wrong secret key was accepted"
grep -q InvalidSignatureException "$T/err" || fail "wrong key: $(cat "$T/err")"
# an unknown access key: UnrecognizedClientException
AWS_ACCESS_KEY_ID=AKIDSECMONFAKE9999999 gd list-detectors >/dev/null 2>"$T/err" &&
	fail "an unknown access key was accepted"
grep -q UnrecognizedClientException "$T/err" || fail "unknown key: $(cat "$T/err")"
# an unknown detector: BadRequestException
gd list-findings --detector-id 00000000000000000000000000000000 >/dev/null \
	2>"$T/err" && fail "an unknown detector was accepted"
grep -q BadRequestException "$T/err" || fail "unknown detector: $(cat "$T/err")"

# a step changes what list-findings returns
before=$(gd list-findings --detector-id "$DET" --output text --query 'length(FindingIds)')
step=$(py 'print(admin("POST", "/_fake/step")["step"])') || fail "step"
[ "$step" = 1 ] || fail "step number $step"
gd list-findings --detector-id "$DET" >"$T/after.json" 2>"$T/err" ||
	fail "list-findings after step: $(cat "$T/err")"
py 'got = load(sys.argv[1])["FindingIds"]
check(got == [f["id"] for f in state()["findings"]], "after step")
check(len(got) == int(sys.argv[2]) + 1, "one finding added by step 1")' \
	"$T/after.json" "$before" || fail "step result"

# injected errors reach the CLI with their code
py 'admin("POST", "/_fake/faults", {"service": "guardduty", "op": "GetFindings",
    "kind": "status", "status": 500, "code": "InternalServerErrorException"})
admin("POST", "/_fake/faults", {"service": "guardduty", "op": "ListDetectors",
    "kind": "status", "status": 429, "code": "TooManyRequestsException"})' ||
	fail "arming faults"
gd get-findings --detector-id "$DET" --finding-ids "${idlist[@]}" >/dev/null 2>"$T/err" &&
	fail "GetFindings fault did not fire"
grep -q InternalServerErrorException "$T/err" || fail "500 fault: $(cat "$T/err")"
gd list-detectors >/dev/null 2>"$T/err" && fail "ListDetectors fault did not fire"
grep -q TooManyRequestsException "$T/err" || fail "429 fault: $(cat "$T/err")"
gd list-detectors >/dev/null 2>"$T/err" || fail "fault outlived times=1: $(cat "$T/err")"

stop_fake

# --log wrote one JSON record per request, with the documented fields
"$PYTHON" -c 'import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) > 10, len(recs)
for r in recs:
    for k in ("service", "op", "region", "method", "path", "query", "params",
              "status", "fault", "signature"):
        assert k in r, (k, r)
assert any(r["fault"] == "status" and r["status"] == 429 for r in recs)
assert any(r["signature"] == "bad" for r in recs)
assert any(r["signature"] == "unknown-key" for r in recs)' "$T/requests.log" ||
	fail "request log $T/requests.log"

# --- TLS ----------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$T/key.pem" \
	-out "$T/cert.pem" >/dev/null 2>"$T/err" || fail "openssl: $(cat "$T/err")"
start_fake "$SCENARIO" --tls-cert "$T/cert.pem" --tls-key "$T/key.pem"
case $URL in https://*) ;; *) fail "TLS mode URL $URL" ;; esac
gd --ca-bundle "$T/cert.pem" list-detectors >"$T/det.json" 2>"$T/err" ||
	fail "list-detectors over TLS: $(cat "$T/err")"
grep -q "$DET" "$T/det.json" || fail "TLS result $(cat "$T/det.json")"
gd list-detectors >/dev/null 2>"$T/err" && fail "self-signed cert accepted without --ca-bundle"
grep -qi ssl "$T/err" || fail "TLS failure without CA: $(cat "$T/err")"
stop_fake

echo "ok: fakeaws speaks GuardDuty to the AWS CLI (http, https, faults, steps)"
exit 0
