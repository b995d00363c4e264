#!/bin/bash
# 012-fakeaws-securityhub-cloudwatch.sh: the fake AWS speaks Security Hub
# CSPM and CloudWatch as the real AWS CLI expects: describe-hub,
# get-enabled-standards, get-findings with filters over every page in both
# finding modes, control associations; the test scores the CLI's findings
# with its own small implementation of the console rules and compares with
# the fake's GET /_fake/expected (before and after a step).  CloudWatch:
# describe-alarms (JSON 1.0, and the query protocol through a model
# override) over every page, state changes by steps, GetMetricData,
# ListMetrics (both protocols, filters, pages of 500, --max-items and
# --starting-token) and the WAF web ACL totals it finds; faults and the
# GetFindings rate limit.
# Env: TOP (repo top), PYTHON (python3 with botocore), FAKEAWS (fakeaws.py).
# Exit 0 = pass, 77 = skip, other = fail.
set -u
TOP=${TOP:-$PWD}
PYTHON=${PYTHON:-python3}
FAKEAWS=${FAKEAWS:-$TOP/tests/fakeaws/fakeaws.py}
SH_SCENARIO=$TOP/tests/fakeaws/scenarios/securityhub.json
CW_SCENARIO=$TOP/tests/fakeaws/scenarios/cloudwatch.json

skip() { echo "skip: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

command -v aws >/dev/null 2>&1 || skip "AWS CLI (aws) not installed"
"$PYTHON" -c 'import botocore' 2>/dev/null || skip "$PYTHON has no botocore"

T=$(mktemp -d) || fail "mktemp"
FAKE_PID=
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
	[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

. "$TOP/tests/lib/fakecli.sh"

export HOME=$T/home
mkdir -p "$HOME"
export AWS_CONFIG_FILE=$T/aws-config AWS_SHARED_CREDENTIALS_FILE=$T/aws-creds
: >"$AWS_CONFIG_FILE"
: >"$AWS_SHARED_CREDENTIALS_FILE"
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN \
	AWS_ENDPOINT_URL AWS_ENDPOINT_URL_SECURITYHUB AWS_ENDPOINT_URL_CLOUDWATCH \
	AWS_CA_BUNDLE AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE AWS_DEFAULT_REGION \
	AWS_REGION AWS_DATA_PATH
export AWS_EC2_METADATA_DISABLED=true AWS_RETRY_MODE=standard AWS_MAX_ATTEMPTS=1
export AWS_PAGER=
export AWS_ACCESS_KEY_ID=AKIDSECMONFAKE0000001
export AWS_SECRET_ACCESS_KEY=fake/secret+key=for/tests

shub() {
	local region=$1
	shift
	aws --endpoint-url "$URL" --region "$region" --output json securityhub "$@"
}

# ======================= Security Hub ===================================
start_fake "$SH_SCENARIO"

shub us-east-1 describe-hub >"$T/hub1.json" 2>"$T/err" || fail "describe-hub: $(cat "$T/err")"
shub eu-west-1 describe-hub >"$T/hub2.json" 2>"$T/err" || fail "describe-hub eu: $(cat "$T/err")"
py 'a, b = load(sys.argv[1]), load(sys.argv[2])
check(a["ControlFindingGenerator"] == "SECURITY_CONTROL", "us mode %r" % a)
check(b["ControlFindingGenerator"] == "STANDARD_CONTROL", "eu mode %r" % b)
check(a["HubArn"] == "arn:aws:securityhub:us-east-1:111122223333:hub/default", a["HubArn"])' \
	"$T/hub1.json" "$T/hub2.json" || fail "describe-hub result"
# a region without a hub: 401 InvalidAccessException
shub ap-south-1 describe-hub >/dev/null 2>"$T/err" && fail "hub in ap-south-1?"
grep -q "InvalidAccessException" "$T/err" || fail "no hub: $(cat "$T/err")"

for r in us-east-1 eu-west-1; do
	shub $r get-enabled-standards >"$T/std-$r.json" 2>"$T/err" ||
		fail "get-enabled-standards $r: $(cat "$T/err")"
	shub $r describe-standards >"$T/dstd-$r.json" 2>"$T/err" ||
		fail "describe-standards $r: $(cat "$T/err")"
done
py 'st = admin("GET", "/_fake/state")["securityhub"]
for r in ("us-east-1", "eu-west-1"):
    subs = load("%s/std-%s.json" % (sys.argv[1], r))["StandardsSubscriptions"]
    want = {s["arn"]: s["status"] for s in st[r]["standards"] if s["subscribed"]}
    check({s["StandardsArn"]: s["StandardsStatus"] for s in subs} == want, r)
    names = [s["Name"] for s in load("%s/dstd-%s.json" % (sys.argv[1], r))["Standards"]]
    check(len(names) == len(st[r]["standards"]) and all(names), "names %r" % names)
check("INCOMPLETE" in [s["status"] for s in st["eu-west-1"]["standards"]], "an INCOMPLETE one")' \
	"$T" || fail "standards"

# every finding (no filter), all pages
shub us-east-1 get-findings --page-size 100 >"$T/all.json" 2>"$T/err" ||
	fail "get-findings: $(cat "$T/err")"
py 'got = load(sys.argv[1])["Findings"]
st = admin("GET", "/_fake/state")["securityhub"]["us-east-1"]
check(len(got) == st["findings_total"] >= 3000, "%d findings" % len(got))
check([f["Id"] for f in got] == [f["Id"] for f in st["findings"]], "ids/order")
for f in got[:50]:
    for k in ("SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId",
              "Types", "CreatedAt", "UpdatedAt", "Severity", "Title",
              "Description", "Resources", "Workflow", "RecordState", "Region"):
        check(k in f, "member %s" % k)
log = [r for r in admin("GET", "/_fake/requests") if r["op"] == "GetFindings"]
toks = [r["params"].get("NextToken") for r in log[1:]]
check(len(log) == (len(got) + 99) // 100, "%d pages" % len(log))
check(all(t and all(c in t for c in "+/=") for t in toks), "tokens")' \
	"$T/all.json" || fail "get-findings (all)"

# the score recipe (AWS-NOTES 4.2): filtered findings, all pages, both modes
FILTER_SC='{"ProductArn":[{"Value":"arn:aws:securityhub:REGION::product/aws/securityhub","Comparison":"EQUALS"}],"RecordState":[{"Value":"ACTIVE","Comparison":"EQUALS"}],"WorkflowStatus":[{"Value":"SUPPRESSED","Comparison":"NOT_EQUALS"}],"GeneratorId":[{"Value":"security-control/","Comparison":"PREFIX"}]}'
FILTER_STD='{"ProductArn":[{"Value":"arn:aws:securityhub:REGION::product/aws/securityhub","Comparison":"EQUALS"}],"RecordState":[{"Value":"ACTIVE","Comparison":"EQUALS"}],"WorkflowStatus":[{"Value":"SUPPRESSED","Comparison":"NOT_EQUALS"}]}'

# score.py: the console rules, written independently of the fake
cat >"$T/score.py" <<'EOF'
import json, sys
findings_file, assoc_file, std_file, mode = sys.argv[1:5]
findings = json.load(open(findings_file))["Findings"]
assoc = {(a["SecurityControlId"], a["StandardsArn"]): a["AssociationStatus"]
         for a in json.load(open(assoc_file))}
ready = [s["StandardsArn"] for s in json.load(open(std_file))["StandardsSubscriptions"]
         if s["StandardsStatus"] == "READY"]
by_id = {a.split(":", 5)[5]: a for a in ready}
pairs = {}
for f in findings:
    c = f["Compliance"]
    if mode == "SECURITY_CONTROL":
        stds = [by_id.get(s["StandardsId"]) for s in c["AssociatedStandards"]]
    else:
        pf = f["ProductFields"]
        stds = [pf.get("StandardsArn") or pf.get("StandardsGuideArn")]
    for s in stds:
        if s in ready and assoc.get((c["SecurityControlId"], s)) == "ENABLED":
            pairs.setdefault((c["SecurityControlId"], s), []).append(c["Status"])
def status(sts):
    if "FAILED" in sts: return "failed"
    if "WARNING" in sts or "NOT_AVAILABLE" in sts: return "unknown"
    return "passed"
def score(cs):
    n = {"passed": 0, "failed": 0, "unknown": 0}
    for v in cs.values(): n[status(v)] += 1
    d = n["passed"] + n["failed"] + n["unknown"]
    n["score"] = int(100.0 * n["passed"] / d + 0.5) if d else None
    return n
out = {"standards": {}, "overall": None}
allc = {}
for s in ready:
    cs = {c: v for (c, t), v in pairs.items() if t == s}
    out["standards"][s] = score(cs)
for (c, t), v in pairs.items():
    allc.setdefault(c, []).extend(v)
out["overall"] = score(allc)
out["failed"] = sorted(c for c, v in allc.items() if status(v) == "failed")
json.dump(out, sys.stdout)
EOF

# score_region REGION MODE TAG: findings (recipe filters), associations,
# independent scores -> $T/mine-TAG.json
score_region() {
	local r=$1 mode=$2 tag=$3 filt
	if [ "$mode" = SECURITY_CONTROL ]; then filt=${FILTER_SC//REGION/$r}; else filt=${FILTER_STD//REGION/$r}; fi
	shub "$r" get-findings --filters "$filt" --page-size 100 >"$T/f-$tag.json" 2>"$T/err" ||
		fail "get-findings $r: $(cat "$T/err")"
	# (control, standard) pairs of the findings -> associations, <= 100 a call
	py 'fs = load(sys.argv[1])["Findings"]
ready = [s["StandardsArn"] for s in load(sys.argv[2])["StandardsSubscriptions"]]
by_id = {a.split(":", 5)[5]: a for a in ready}
pairs = set()
for f in fs:
    c = f["Compliance"]
    if sys.argv[3] == "SECURITY_CONTROL":
        check(f["GeneratorId"] == "security-control/" + c["SecurityControlId"], "gen")
        for s in c["AssociatedStandards"]:
            if s["StandardsId"] in by_id:
                pairs.add((c["SecurityControlId"], by_id[s["StandardsId"]]))
    else:
        pf = f["ProductFields"]
        arn = pf.get("StandardsArn") or pf.get("StandardsGuideArn")
        check(arn and (pf.get("ControlId") or pf.get("RuleId")), "per-standard fields")
        check(len(c["AssociatedStandards"]) == 1, "one standard per finding")
        if arn in ready:
            pairs.add((c["SecurityControlId"], arn))
pairs = sorted(pairs)
for i in range(0, len(pairs), 100):
    ids = [{"SecurityControlId": c, "StandardsArn": s} for c, s in pairs[i:i + 100]]
    json.dump({"StandardsControlAssociationIds": ids}, open("%s-%03d.json" % (sys.argv[4], i // 100), "w"))' \
		"$T/f-$tag.json" "$T/std-$r.json" "$mode" "$T/assocq-$tag" || fail "pairs $tag"
	local q
	for q in "$T"/assocq-"$tag"-*.json; do
		shub "$r" batch-get-standards-control-associations --cli-input-json "file://$q" \
			>"${q%.json}.out" 2>"$T/err" || fail "batch-get-standards-control-associations: $(cat "$T/err")"
	done
	py 'import glob
out = []
for p in sorted(glob.glob(sys.argv[1] + "-*.out")):
    d = load(p)
    check(not d.get("UnprocessedAssociations"), "unprocessed %r" % d.get("UnprocessedAssociations"))
    out += d["StandardsControlAssociationDetails"]
json.dump(out, open(sys.argv[2], "w"))' "$T/assocq-$tag" "$T/assoc-$tag.json" || fail "assoc $tag"
	"$PYTHON" "$T/score.py" "$T/f-$tag.json" "$T/assoc-$tag.json" "$T/std-$r.json" "$mode" \
		>"$T/mine-$tag.json" || fail "score.py $tag"
}

# compare_scores REGION TAG: the test's scores == the fake's expectation
compare_scores() {
	py 'mine = load(sys.argv[2])
exp = admin("GET", "/_fake/expected")["111122223333"][sys.argv[1]]
for arn, m in mine["standards"].items():
    e = exp["standards"][arn]
    for k in ("passed", "failed", "unknown", "score"):
        check(m[k] == e[k], "%s %s: mine %r fake %r" % (arn, k, m[k], e[k]))
    check(abs(e["score_exact"] - 100.0 * e["passed"] / (e["passed"] + e["failed"] + e["unknown"])) < 0.006, "exact")
check(set(mine["standards"]) == set(exp["standards"]), "standards scored")
for k in ("passed", "failed", "unknown", "score"):
    check(mine["overall"][k] == exp["overall"][k], "overall %s: %r != %r" % (k, mine["overall"][k], exp["overall"][k]))
check(mine["failed"] == sorted(c["id"] for c in exp["failed_controls"]), "failed controls")
check(all(c["failed_resources"] >= 1 and c["title"] and c["severity"] for c in exp["failed_controls"]), "failed control fields")
print("%s overall %s%% (%s passed, %s failed, %s unknown)" % (sys.argv[1], exp["overall"]["score"],
      exp["overall"]["passed"], exp["overall"]["failed"], exp["overall"]["unknown"]))' "$1" "$T/mine-$2.json"
}

score_region us-east-1 SECURITY_CONTROL us1
compare_scores us-east-1 us1 || fail "scores us-east-1 (consolidated)"
score_region eu-west-1 STANDARD_CONTROL eu1
compare_scores eu-west-1 eu1 || fail "scores eu-west-1 (per-standard)"

# the recipe's filtered count matches the fake's state
py 'st = admin("GET", "/_fake/state")["securityhub"]["us-east-1"]["findings"]
want = [f for f in st if f["ProductArn"].endswith("/aws/securityhub") and
        f["RecordState"] == "ACTIVE" and f["WorkflowStatus"] != "SUPPRESSED" and
        f["GeneratorId"].startswith("security-control/")]
got = load(sys.argv[1])["Findings"]
check(len(got) == len(want) and len(got) < len(st), "%d filtered != %d" % (len(got), len(want)))
exp = admin("GET", "/_fake/expected")["111122223333"]["us-east-1"]
check(exp["overall"]["disabled"] >= 1 and exp["overall"]["no_data"] >= 1, "disabled/no data")
ctl = [c for c in admin("GET", "/_fake/state")["securityhub"]["us-east-1"]["controls"] if c["disabled_in"] and c["status"] == "ENABLED"]
check(ctl, "controls disabled in one standard only")' "$T/f-us1.json" ||
	fail "filtered count"

# step 1: EC2.1 goes from PASSED to FAILED in us-east-1
cp "$T/mine-us1.json" "$T/before.json"
py 'check(admin("POST", "/_fake/step")["step"] == 1, "step 1")' || fail "step"
score_region us-east-1 SECURITY_CONTROL us2
compare_scores us-east-1 us2 || fail "scores after step 1"
py 'a, b = load(sys.argv[1]), load(sys.argv[2])
check(b["overall"]["failed"] == a["overall"]["failed"] + 1, "one more failed")
check(b["overall"]["passed"] == a["overall"]["passed"] - 1, "one less passed")
check("EC2.1" in b["failed"] and "EC2.1" not in a["failed"], "EC2.1 failed")
for arn in a["standards"]:
    d = b["standards"][arn]["failed"] - a["standards"][arn]["failed"]
    check(d == (0 if "cis-aws" in arn else 1), "%s changed by %d" % (arn, d))' \
	"$T/before.json" "$T/mine-us2.json" >/dev/null || fail "step 1 effect"

# filters: values ORed, NOT_ forms ANDed, CONTAINS, SeverityLabel, dates
shub us-east-1 get-findings --filters '{"ComplianceSecurityControlId":[{"Value":"S3.","Comparison":"PREFIX"},{"Value":"S3.2","Comparison":"NOT_EQUALS"}],"SeverityLabel":[{"Value":"LOW","Comparison":"EQUALS"},{"Value":"MEDIUM","Comparison":"EQUALS"}],"UpdatedAt":[{"DateRange":{"Value":30,"Unit":"DAYS"}}],"ComplianceAssociatedStandardsId":[{"Value":"nist","Comparison":"CONTAINS"}]}' \
	--sort-criteria Field=UpdatedAt,SortOrder=desc >"$T/flt.json" 2>"$T/err" ||
	fail "get-findings filters: $(cat "$T/err")"
py 'fs = load(sys.argv[1])["Findings"]
check(fs, "some findings")
for f in fs:
    c = f["Compliance"]
    check(c["SecurityControlId"].startswith("S3.") and c["SecurityControlId"] != "S3.2", "id")
    check(f["Severity"]["Label"] in ("LOW", "MEDIUM"), "sev")
    check(any("nist" in s["StandardsId"] for s in c["AssociatedStandards"]), "std")
ts = [f["UpdatedAt"] for f in fs]
check(ts == sorted(ts, reverse=True), "sorted desc")' "$T/flt.json" || fail "filter semantics"
shub us-east-1 get-findings --filters '{"RecordState":[{"Value":"ACTIVE","Comparison":"EQUALS"},{"Value":"ARCHIVED","Comparison":"NOT_EQUALS"}]}' \
	>/dev/null 2>"$T/err" && fail "EQUALS + NOT_EQUALS accepted"
grep -q InvalidInputException "$T/err" || fail "mixing: $(cat "$T/err")"
many=$(py 'print(json.dumps({"Id": [{"Value": "x%d" % i, "Comparison": "EQUALS"} for i in range(21)]}))')
shub us-east-1 get-findings --filters "$many" >/dev/null 2>"$T/err" && fail "21 values accepted"
grep -q InvalidInputException "$T/err" || fail "21 values: $(cat "$T/err")"
shub us-east-1 get-findings --max-results 101 >/dev/null 2>"$T/err" && fail "MaxResults 101 accepted"
grep -q InvalidInputException "$T/err" || fail "MaxResults 101: $(cat "$T/err")"

# faults on the new ops reach the CLI
py 'admin("POST", "/_fake/faults", {"service": "securityhub", "op": "GetFindings",
    "kind": "status", "status": 500, "code": "InternalException"})' || fail "fault"
shub us-east-1 get-findings --max-items 1 >/dev/null 2>"$T/err" && fail "fault did not fire"
grep -q InternalException "$T/err" || fail "500 fault: $(cat "$T/err")"
shub us-east-1 get-findings --max-items 1 >/dev/null 2>"$T/err" || fail "fault outlived times=1"
stop_fake

# explicit findings + a GetFindings rate limit (burst 6, then one every
# 5 s: slow enough that a loaded machine still outruns it)
cat >"$T/small.json" <<'EOF'
{"credentials": [{"access_key_id": "AKIDSECMONFAKE0000001", "secret_access_key": "fake/secret+key=for/tests"}],
 "securityhub": {
  "rate_limit": {"GetFindings": [0.2, 6]},
  "us-east-1": {
   "standards": [{"arn": "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0"},
                 {"arn": "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"}],
   "controls": [
    {"id": "S3.1", "severity": "MEDIUM", "standards": ["arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0"]},
    {"id": "IAM.1", "severity": "HIGH", "title": "IAM policies should not allow full \"*\" administrative privileges",
     "standards": ["arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0", "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"]},
    {"id": "CloudTrail.1", "severity": "HIGH", "standards": ["arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"]}],
   "findings": [
    {"control": "S3.1", "status": "PASSED"},
    {"control": "IAM.1", "status": "FAILED", "resource": "arn:aws:iam::ACCOUNT:policy/admin"},
    {"control": "IAM.1", "status": "FAILED", "workflow": "SUPPRESSED"},
    {"control": "CloudTrail.1", "status": "WARNING"}]}}}
EOF
start_fake "$T/small.json"
py 'e = admin("GET", "/_fake/expected")["111122223333"]["us-east-1"]
o = e["overall"]
check((o["passed"], o["failed"], o["unknown"], o["score"], o["score_exact"]) == (1, 1, 1, 33, 33.33), "small %r" % o)
check(e["failed_controls"] == [{"id": "IAM.1", "title": "IAM policies should not allow full \"*\" administrative privileges", "severity": "HIGH", "failed_resources": 1}], "failed %r" % e["failed_controls"])' ||
	fail "explicit estate expectation"
# 30 back-to-back calls (botocore, no retries): the burst of 6 passes, then 429s
py 'import botocore.session
from botocore.config import Config
c = botocore.session.get_session().create_client("securityhub", region_name="us-east-1",
    endpoint_url=URL, config=Config(retries={"max_attempts": 1, "mode": "standard"}))
codes = []
for _ in range(30):
    try:
        c.get_findings()
        codes.append(200)
    except c.exceptions.ClientError as e:
        codes.append((e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"]))
check(codes[:6] == [200] * 6, "burst %r" % codes)
check((429, "TooManyRequestsException") in codes[6:], "no 429 in %r" % codes)' || fail "rate limit"
py 'log = [r for r in admin("GET", "/_fake/requests") if r["op"] == "GetFindings"]
check(sum(r["status"] == 200 for r in log) >= 6, "burst of 6 served")
check(all(r["status"] in (200, 429) for r in log), "statuses")' || fail "rate limit log"
stop_fake

# ======================= CloudWatch =====================================
start_fake "$CW_SCENARIO"
cw() { aws --endpoint-url "$URL" --region us-east-1 --output json cloudwatch "$@"; }

# JSON 1.0 (what this CLI speaks), every page of both alarm types
cw describe-alarms --alarm-types MetricAlarm CompositeAlarm --page-size 100 \
	>"$T/alarms.json" 2>"$T/err" || fail "describe-alarms: $(cat "$T/err")"
cw describe-alarms --page-size 100 >"$T/metric-only.json" 2>"$T/err" ||
	fail "describe-alarms (default types): $(cat "$T/err")"
py 'a, m = load(sys.argv[1]), load(sys.argv[2])
st = admin("GET", "/_fake/state")["cloudwatch"]["us-east-1"]["alarms"]
names = sorted(x["AlarmName"] for x in a["MetricAlarms"] + a["CompositeAlarms"])
check(names == [x["AlarmName"] for x in st] and len(names) >= 250, "%d alarms" % len(names))
check(len(a["CompositeAlarms"]) >= 40 and not m["CompositeAlarms"], "composite only when asked")
check(len(m["MetricAlarms"]) == len(a["MetricAlarms"]), "metric alarms")
log = [r for r in admin("GET", "/_fake/requests") if r["op"] == "DescribeAlarms"]
check(len(log) >= 2 * 3, "paged: %d calls" % len(log))
check(all(r["status"] == 200 and r["params"].get("MaxRecords") == 100 for r in log), "log")
# CLI v1 prints the wire value: JSON 1.0 epoch seconds
check(all(isinstance(x["StateUpdatedTimestamp"], (int, float)) for x in a["MetricAlarms"]), "epoch numbers")' \
	"$T/alarms.json" "$T/metric-only.json" || fail "describe-alarms result"

cw describe-alarms --alarm-name-prefix prod- --state-value ALARM \
	--alarm-types MetricAlarm CompositeAlarm >"$T/pfx.json" 2>"$T/err" ||
	fail "describe-alarms prefix: $(cat "$T/err")"
py 'a = load(sys.argv[1])
xs = a["MetricAlarms"] + a["CompositeAlarms"]
check(xs and all(x["AlarmName"].startswith("prod-") and x["StateValue"] == "ALARM" for x in xs), "prefix+state")' \
	"$T/pfx.json" || fail "prefix filter"
cw describe-alarms --next-token 'not+a/token=' >/dev/null 2>"$T/err" && fail "bad token accepted"
grep -q InvalidNextToken "$T/err" || fail "InvalidNextToken: $(cat "$T/err")"

# steps: OK -> ALARM (transition), ALARM -> ALARM (update only), -> OK
state_of() {
	cw describe-alarms --alarm-names prod-explicit-cpu --output text \
		--query 'MetricAlarms[0].[StateValue,StateUpdatedTimestamp,StateTransitionedTimestamp]'
}
s0=$(state_of) || fail "state_of"
py 'admin("POST", "/_fake/step")' || fail "step 1"
s1=$(state_of)
py 'admin("POST", "/_fake/step")' || fail "step 2"
s2=$(state_of)
read -r v0 u0 t0 <<<"$s0"
read -r v1 u1 t1 <<<"$s1"
read -r v2 u2 t2 <<<"$s2"
[ "$v0/$v1/$v2" = OK/ALARM/ALARM ] || fail "states $v0/$v1/$v2"
if [ "$u1" = "$u0" ] || [ "$t1" = "$t0" ]; then fail "step 1 times: $s0 -> $s1"; fi
[ "$t2" = "$t1" ] || fail "transition time changed without a transition: $s1 -> $s2"
[ "$u2" != "$u1" ] || fail "update time kept on a new reason: $s1 -> $s2"
cw describe-alarms --alarm-names prod-explicit-cpu --query 'MetricAlarms[0].StateReason' \
	--output text | grep -q "2 datapoints" || fail "reason of step 2"

# the query protocol (botocore 1.29 style) through a model override
M=$T/models/cloudwatch/2010-08-01
mkdir -p "$M"
"$PYTHON" -c 'import botocore, gzip, json, os, sys
src = os.path.join(os.path.dirname(botocore.__file__), "data/cloudwatch/2010-08-01/service-2.json.gz")
m = json.load(gzip.open(src))
m["metadata"]["protocol"] = "query"
m["metadata"]["protocols"] = ["query"]
json.dump(m, open(sys.argv[1] + "/service-2.json", "w"))' "$M" || fail "model override"
py 'admin("DELETE", "/_fake/requests")'
AWS_DATA_PATH=$T/models cw describe-alarms --alarm-types MetricAlarm CompositeAlarm \
	--page-size 100 >"$T/alarms-q.json" 2>"$T/err" || fail "describe-alarms (query): $(cat "$T/err")"
py 'a, q = load(sys.argv[1]), load(sys.argv[2])
key = lambda x: x["AlarmName"]
check(len(q["MetricAlarms"]) == len(a["MetricAlarms"]) and len(q["CompositeAlarms"]) == len(a["CompositeAlarms"]), "counts")
log = admin("GET", "/_fake/requests")
check(log and all(r["params"].get("Action") == "DescribeAlarms" and r["status"] == 200 for r in log), "query requests")
check(any(r["params"].get("NextToken") for r in log), "query paging")' "$T/alarms.json" "$T/alarms-q.json" ||
	fail "query protocol"
AWS_DATA_PATH=$T/models cw describe-alarms --next-token bad >/dev/null 2>"$T/err" && fail "query: bad token"
grep -q InvalidNextToken "$T/err" || fail "query InvalidNextToken: $(cat "$T/err")"

# GetMetricData: WAF blocked requests, both protocols agree
now=$(date +%s)
Q='[{"Id":"m1","MetricStat":{"Metric":{"Namespace":"AWS/WAFV2","MetricName":"BlockedRequests","Dimensions":[{"Name":"WebACL","Value":"prod-acl"},{"Name":"Rule","Value":"ALL"},{"Name":"Region","Value":"us-east-1"}]},"Period":60,"Stat":"Sum"}}]'
st_=$(((now - 3600) / 60 * 60))
cw get-metric-data --metric-data-queries "$Q" --start-time "$st_" --end-time "$((st_ + 3000))" \
	>"$T/md.json" 2>"$T/err" || fail "get-metric-data: $(cat "$T/err")"
AWS_DATA_PATH=$T/models cw get-metric-data --metric-data-queries "$Q" --start-time "$st_" \
	--end-time "$((st_ + 3000))" >"$T/md-q.json" 2>"$T/err" || fail "get-metric-data (query): $(cat "$T/err")"
py 'a, b = load(sys.argv[1])["MetricDataResults"][0], load(sys.argv[2])["MetricDataResults"][0]
check(a["StatusCode"] == "Complete" and 30 <= len(a["Values"]) <= 50, "%d values" % len(a["Values"]))
check(a["Values"] == b["Values"] and len(a["Timestamps"]) == len(b["Timestamps"]), "protocols agree")' \
	"$T/md.json" "$T/md-q.json" || fail "get-metric-data"

# ListMetrics: every metric the scenario has data for, over 3 pages of 500
py 'admin("DELETE", "/_fake/requests")'
cw list-metrics >"$T/lm.json" 2>"$T/err" || fail "list-metrics: $(cat "$T/err")"
py 'got = load(sys.argv[1])["Metrics"]
want = admin("GET", "/_fake/state")["cloudwatch"]["us-east-1"]["metrics"]
check(len(want) > 1000 and got == want, "%d metrics, fake has %d" % (len(got), len(want)))
log = [r for r in admin("GET", "/_fake/requests") if r["op"] == "ListMetrics"]
toks = [r["params"].get("NextToken") for r in log]
check(len(log) == (len(want) + 499) // 500 and not toks[0], "%d pages" % len(log))
check(all(t and all(c in t for c in "+/=") for t in toks[1:]), "tokens %r" % toks)' \
	"$T/lm.json" || fail "list-metrics (all)"
# the web ACL totals of WAF: BlockedRequests with Rule=ALL (not the
# generated per-rule series nor AllowedRequests)
cw list-metrics --namespace AWS/WAFV2 --metric-name BlockedRequests \
	--dimensions Name=Rule,Value=ALL --recently-active PT3H >"$T/lm-waf.json" 2>"$T/err" ||
	fail "list-metrics WAF: $(cat "$T/err")"
py 'got = load(sys.argv[1])["Metrics"]
dims = sorted(sorted((d["Name"], d["Value"]) for d in m["Dimensions"]) for m in got)
check(dims == [[("Region", "us-east-1"), ("Rule", "ALL"), ("WebACL", "prod-acl")],
               [("Rule", "ALL"), ("WebACL", "prod-cdn-acl")]], "WAF totals %r" % dims)
check(all(m["Namespace"] == "AWS/WAFV2" and m["MetricName"] == "BlockedRequests" for m in got), "filters")
every = load(sys.argv[2])["Metrics"]
rule = [m for m in every if m["Namespace"] == "AWS/WAFV2" and
        any(d["Name"] == "Rule" and d["Value"] != "ALL" for d in m["Dimensions"])]
check(len(rule) > 100, "per-rule series exist (%d)" % len(rule))' \
	"$T/lm-waf.json" "$T/lm.json" || fail "list-metrics filters"
cw list-metrics --namespace AWS/WAFV2 --dimensions Name=Region >"$T/lm-reg.json" 2>"$T/err" ||
	fail "list-metrics name-only filter: $(cat "$T/err")"
py 'got = load(sys.argv[1])["Metrics"]
check(got and all(any(d["Name"] == "Region" for d in m["Dimensions"]) for m in got), "Region filter")
check(not any(d["Value"] == "prod-cdn-acl" for m in got for d in m["Dimensions"]), "cdn has no Region")' \
	"$T/lm-reg.json" || fail "list-metrics Region filter"
# --max-items / --starting-token resume inside the second page
cw list-metrics --max-items 600 >"$T/lm-a.json" 2>"$T/err" || fail "list-metrics --max-items: $(cat "$T/err")"
tok=$(py 'print(load(sys.argv[1])["NextToken"])' "$T/lm-a.json") || fail "no NextToken after 600"
cw list-metrics --starting-token "$tok" >"$T/lm-b.json" 2>"$T/err" ||
	fail "list-metrics --starting-token: $(cat "$T/err")"
py 'a, b, every = (load(p)["Metrics"] for p in sys.argv[1:4])
check(len(a) == 600 and a + b == every, "resumed listing %d + %d" % (len(a), len(b)))' \
	"$T/lm-a.json" "$T/lm-b.json" "$T/lm.json" || fail "list-metrics resume"
cw list-metrics --next-token 'not+a/token=' >/dev/null 2>"$T/err" && fail "list-metrics: bad token accepted"
grep -q InvalidNextToken "$T/err" || fail "list-metrics InvalidNextToken: $(cat "$T/err")"
# the query protocol: the same listing, paged in XML
py 'admin("DELETE", "/_fake/requests")'
AWS_DATA_PATH=$T/models cw list-metrics >"$T/lm-q.json" 2>"$T/err" ||
	fail "list-metrics (query): $(cat "$T/err")"
AWS_DATA_PATH=$T/models cw list-metrics --namespace AWS/WAFV2 --metric-name BlockedRequests \
	--dimensions Name=Rule,Value=ALL >"$T/lm-waf-q.json" 2>"$T/err" ||
	fail "list-metrics WAF (query): $(cat "$T/err")"
py 'check(load(sys.argv[1]) == load(sys.argv[2]), "query listing differs")
check(load(sys.argv[3])["Metrics"] == load(sys.argv[4])["Metrics"], "query WAF listing differs")
log = admin("GET", "/_fake/requests")
check(all(r["params"].get("Action") == "ListMetrics" and r["status"] == 200 for r in log), "query requests")
check(sum(bool(r["params"].get("NextToken")) for r in log) == 2, "query paging")
check(any(r["params"].get("Dimensions.member.1.Value") == "ALL" for r in log), "query filter")' \
	"$T/lm.json" "$T/lm-q.json" "$T/lm-waf.json" "$T/lm-waf-q.json" || fail "list-metrics (query)"
# what the weekly WAF review sums: hourly Sums of the listed totals over
# two weeks; prod-cdn-acl's spike (x5, last 24 h) lies in the last week
end=$(( $(date +%s) / 3600 * 3600 ))
py 'out = []
for i, m in enumerate(load(sys.argv[1])["Metrics"]):
    out.append({"Id": "w%d" % i, "MetricStat": {"Metric": m, "Period": 3600, "Stat": "Sum"}})
json.dump(out, open(sys.argv[2], "w"))' "$T/lm-waf.json" "$T/q-waf.json" || fail "queries"
cw get-metric-data --metric-data-queries "file://$T/q-waf.json" --start-time $((end - 1209600)) \
	--end-time $((end - 604800)) >"$T/w1.json" 2>"$T/err" || fail "get-metric-data week 1: $(cat "$T/err")"
cw get-metric-data --metric-data-queries "file://$T/q-waf.json" --start-time $((end - 604800)) \
	--end-time "$end" >"$T/w2.json" 2>"$T/err" || fail "get-metric-data week 2: $(cat "$T/err")"
py 'lm = load(sys.argv[1])["Metrics"]
w1, w2 = ({r["Id"]: r for r in load(p)["MetricDataResults"]} for p in sys.argv[2:4])
for i, m in enumerate(lm):
    a, b = w1["w%d" % i], w2["w%d" % i]
    check(a["StatusCode"] == b["StatusCode"] == "Complete", "status")
    check(len(a["Values"]) == len(b["Values"]) == 168, "hours %d %d" % (len(a["Values"]), len(b["Values"])))
    cdn = {"Name": "WebACL", "Value": "prod-cdn-acl"} in m["Dimensions"]
    r = sum(b["Values"]) / sum(a["Values"])
    check(r > 1.3 if cdn else 0.8 < r < 1.25, "week over week %.2f (cdn %s)" % (r, cdn))' \
	"$T/lm-waf.json" "$T/w1.json" "$T/w2.json" || fail "WAF weekly sums"

# faults: Throttling reaches the CLI through x-amzn-query-error
py 'admin("POST", "/_fake/faults", {"service": "cloudwatch", "op": "DescribeAlarms",
    "kind": "status", "status": 400, "code": "Throttling", "message": "Rate exceeded", "times": 2})' ||
	fail "fault"
cw describe-alarms >/dev/null 2>"$T/err" && fail "throttling fault did not fire"
grep -q "(Throttling)" "$T/err" || fail "throttling (json): $(cat "$T/err")"
AWS_DATA_PATH=$T/models cw describe-alarms >/dev/null 2>"$T/err" && fail "throttling fault (query) did not fire"
grep -q "(Throttling)" "$T/err" || fail "throttling (query): $(cat "$T/err")"
cw describe-alarms --max-items 1 >/dev/null 2>"$T/err" || fail "fault outlived times=2: $(cat "$T/err")"
stop_fake

echo "ok: fakeaws speaks Security Hub CSPM and CloudWatch to the AWS CLI (scores cross-checked)"
exit 0
