#!/bin/bash
# 011-fakeaws-credentials.sh: the fake AWS's STS, IMDSv2 and container
# credential endpoints, driven by the real AWS CLI and botocore's own
# credential providers: GetCallerIdentity, AssumeRole (external id, trust,
# durations), temporary credentials seeing the member account's GuardDuty
# findings, role_arn + source_profile profiles, AssumeRoleWithWebIdentity,
# expiry (/_fake/expire, credential_lifetime_seconds), faults on STS and
# the metadata endpoints.  Scenario: tests/fakeaws/scenarios/accounts.json.
# Env: TOP (repo top), PYTHON (python3 with botocore), FAKEAWS (fakeaws.py).
# Exit 0 = pass, 77 = skip, other = fail.
# shellcheck disable=SC2030,SC2031  # ( ... ) subshells scope env changes on purpose
set -u
TOP=${TOP:-$PWD}
PYTHON=${PYTHON:-python3}
FAKEAWS=${FAKEAWS:-$TOP/tests/fakeaws/fakeaws.py}
SCENARIO=$TOP/tests/fakeaws/scenarios/accounts.json
ROLE_A=arn:aws:iam::444455556666:role/secmond-readonly   # external id
ROLE_B=arn:aws:iam::777788889999:role/secmond-readonly   # none
ROLE_EKS=arn:aws:iam::111122223333:role/secmond-eks
EXT=secmond-ext-1
DET_A=44444444444444444444444444444444
DET_B=77777777777777777777777777777777

skip() { echo "skip: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

command -v aws >/dev/null 2>&1 || skip "AWS CLI (aws) not installed"
command -v curl >/dev/null 2>&1 || skip "curl not installed"
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

# The CLI must see only our environment, never the host's config, and
# must not cache assumed-role credentials in the real ~/.aws/cli/cache
# (a cached session from an earlier fake would be replayed).
export HOME=$T AWS_CONFIG_FILE=$T/aws-config AWS_SHARED_CREDENTIALS_FILE=$T/aws-creds
: >"$AWS_CONFIG_FILE"
: >"$AWS_SHARED_CREDENTIALS_FILE"
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN \
	AWS_ENDPOINT_URL AWS_ENDPOINT_URL_GUARDDUTY AWS_ENDPOINT_URL_STS \
	AWS_CA_BUNDLE AWS_ROLE_ARN AWS_ROLE_SESSION_NAME \
	AWS_WEB_IDENTITY_TOKEN_FILE AWS_DEFAULT_REGION AWS_REGION \
	AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
	AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \
	AWS_EC2_METADATA_SERVICE_ENDPOINT AWS_STS_REGIONAL_ENDPOINTS
export AWS_EC2_METADATA_DISABLED=true AWS_RETRY_MODE=standard AWS_MAX_ATTEMPTS=1
export AWS_PAGER=
BASE_AKID=$("$PYTHON" -c 'import json,sys
print(json.load(open(sys.argv[1]))["credentials"][0]["access_key_id"])' "$SCENARIO")
BASE_SECRET=$("$PYTHON" -c 'import json,sys
print(json.load(open(sys.argv[1]))["credentials"][0]["secret_access_key"])' "$SCENARIO")
WEB_TOKEN=$("$PYTHON" -c 'import json,sys
print(json.load(open(sys.argv[1]))["web_identity_tokens"][0]["token"])' "$SCENARIO")
export AWS_ACCESS_KEY_ID=$BASE_AKID AWS_SECRET_ACCESS_KEY=$BASE_SECRET

awsf() { aws --endpoint-url "$URL" --region us-east-1 --output json "$@"; }
# with_creds FILE CMD...: run CMD with the Credentials of an STS answer
with_creds() {
	local f=$1
	shift
	AWS_ACCESS_KEY_ID=$(py 'print(load(sys.argv[1])["Credentials"]["AccessKeyId"])' "$f") \
	AWS_SECRET_ACCESS_KEY=$(py 'print(load(sys.argv[1])["Credentials"]["SecretAccessKey"])' "$f") \
	AWS_SESSION_TOKEN=$(py 'print(load(sys.argv[1])["Credentials"]["SessionToken"])' "$f") \
		"$@"
}

start_fake "$SCENARIO"

# --- GetCallerIdentity with the base credentials ----------------------------
awsf sts get-caller-identity >"$T/id.json" 2>"$T/err" ||
	fail "get-caller-identity: $(cat "$T/err")"
py 'i = load(sys.argv[1])
check(i["Account"] == "111122223333", "account %r" % i)
check(i["Arn"] == "arn:aws:iam::111122223333:user/secmond", "arn %r" % i)
check(i["UserId"].startswith("AIDA"), "user id %r" % i)' "$T/id.json" ||
	fail "base identity"
# any region works (regional STS endpoints); the request was signed for it
aws --endpoint-url "$URL" --region ap-southeast-2 sts get-caller-identity \
	>/dev/null 2>"$T/err" || fail "regional sts: $(cat "$T/err")"

# --- AssumeRole ---------------------------------------------------------------
awsf sts assume-role --role-arn "$ROLE_A" --role-session-name secmond-it \
	--external-id "$EXT" --duration-seconds 7200 >"$T/a.json" 2>"$T/err" ||
	fail "assume-role with external id: $(cat "$T/err")"
py 'import datetime
r = load(sys.argv[1])
c, u = r["Credentials"], r["AssumedRoleUser"]
check(c["AccessKeyId"].startswith("ASIASECMONFAKE"), "key %r" % c)
check(c["SessionToken"] and c["SecretAccessKey"], "token/secret")
check(u["Arn"] == "arn:aws:sts::444455556666:assumed-role/secmond-readonly/secmond-it", u["Arn"])
check(u["AssumedRoleId"].startswith("AROA") and u["AssumedRoleId"].endswith(":secmond-it"), u["AssumedRoleId"])
exp = datetime.datetime.strptime(c["Expiration"][:19], "%Y-%m-%dT%H:%M:%S")
left = (exp - datetime.datetime.utcnow()).total_seconds()
check(7100 < left <= 7201, "expiration %s (%d s)" % (c["Expiration"], left))' \
	"$T/a.json" || fail "assume-role result"

awsf sts assume-role --role-arn "$ROLE_A" --role-session-name secmond-it \
	>/dev/null 2>"$T/err" && fail "assume-role without the external id worked"
grep -q "AccessDenied" "$T/err" || fail "no external id: $(cat "$T/err")"
grep -q "User: arn:aws:iam::111122223333:user/secmond is not authorized to perform: sts:AssumeRole on resource: $ROLE_A" \
	"$T/err" || fail "AccessDenied message: $(cat "$T/err")"
awsf sts assume-role --role-arn "$ROLE_A" --role-session-name secmond-it \
	--external-id wrong-ext >/dev/null 2>"$T/err" &&
	fail "assume-role with a wrong external id worked"
grep -q "AccessDenied" "$T/err" || fail "wrong external id: $(cat "$T/err")"
awsf sts assume-role --role-arn arn:aws:iam::444455556666:role/nosuch \
	--role-session-name x1 >/dev/null 2>"$T/err" && fail "unknown role assumed"
grep -q "AccessDenied" "$T/err" || fail "unknown role: $(cat "$T/err")"
awsf sts assume-role --role-arn "$ROLE_B" --role-session-name 'bad name' \
	>/dev/null 2>"$T/err" && fail "bad session name accepted"
grep -q "ValidationError" "$T/err" || fail "bad session name: $(cat "$T/err")"
awsf sts assume-role --role-arn "$ROLE_B" --role-session-name x1 \
	--duration-seconds 7200 >/dev/null 2>"$T/err" && fail "duration over the role max"
grep -q "MaxSessionDuration" "$T/err" || fail "max duration: $(cat "$T/err")"

awsf sts assume-role --role-arn "$ROLE_B" --role-session-name secmond-b \
	>"$T/b.json" 2>"$T/err" || fail "assume-role (no external id): $(cat "$T/err")"

# the temporary credentials act as the role's account
with_creds "$T/a.json" awsf sts get-caller-identity >"$T/ida.json" 2>"$T/err" ||
	fail "get-caller-identity as the role: $(cat "$T/err")"
py 'i = load(sys.argv[1])
check(i["Account"] == "444455556666", "account %r" % i)
check(i["Arn"] == "arn:aws:sts::444455556666:assumed-role/secmond-readonly/secmond-it", i["Arn"])' \
	"$T/ida.json" || fail "assumed identity"
with_creds "$T/a.json" awsf guardduty list-detectors >"$T/da.json" 2>"$T/err" ||
	fail "guardduty as member A: $(cat "$T/err")"
grep -q "$DET_A" "$T/da.json" || fail "member A detectors: $(cat "$T/da.json")"
with_creds "$T/a.json" awsf guardduty list-findings --detector-id "$DET_A" \
	>"$T/fa.json" 2>"$T/err" || fail "list-findings as member A: $(cat "$T/err")"
with_creds "$T/a.json" awsf guardduty get-findings --detector-id "$DET_A" \
	--finding-ids a4a4e000000000000000000000000001 >"$T/ga.json" 2>"$T/err" ||
	fail "get-findings as member A: $(cat "$T/err")"
py 'ids = load(sys.argv[1])["FindingIds"]
check(ids == ["a4a4e000000000000000000000000001", "a4a4e000000000000000000000000002"], "ids %r" % ids)
f = load(sys.argv[2])["Findings"][0]
check(f["AccountId"] == "444455556666" and f["Severity"] == 8.0, "finding %r" % f)
st = admin("GET", "/_fake/state")
check(set(st["accounts"]) == {"111122223333", "444455556666", "777788889999"}, "state accounts")' \
	"$T/fa.json" "$T/ga.json" || fail "member A findings"
# ... and member B sees its own, and not A's detector
with_creds "$T/b.json" awsf guardduty list-findings --detector-id "$DET_B" \
	>"$T/fb.json" 2>"$T/err" || fail "list-findings as member B: $(cat "$T/err")"
grep -q a7a7e000000000000000000000000001 "$T/fb.json" || fail "member B findings"
with_creds "$T/b.json" awsf guardduty list-findings --detector-id "$DET_A" \
	>/dev/null 2>"$T/err" && fail "member B saw member A's detector"
grep -q BadRequestException "$T/err" || fail "B on A's detector: $(cat "$T/err")"

# a session token is required with temporary credentials
AWS_ACCESS_KEY_ID=$(py 'print(load(sys.argv[1])["Credentials"]["AccessKeyId"])' "$T/a.json") \
AWS_SECRET_ACCESS_KEY=$(py 'print(load(sys.argv[1])["Credentials"]["SecretAccessKey"])' "$T/a.json") \
	awsf guardduty list-detectors >/dev/null 2>"$T/err" && fail "no session token accepted"
grep -q UnrecognizedClientException "$T/err" || fail "missing token: $(cat "$T/err")"

# a step addressed to an account changes only that account
py 'check(admin("POST", "/_fake/step") == {"step": 1}, "step 1")' || fail "step"
with_creds "$T/a.json" awsf guardduty list-findings --detector-id "$DET_A" \
	>"$T/fa2.json" 2>"$T/err" || fail "list-findings after step: $(cat "$T/err")"
grep -q a4a4e000000000000000000000000003 "$T/fa2.json" || fail "step 1 not seen by A"
awsf guardduty list-findings --detector-id 11111111111111111111111111111111 \
	>"$T/f0.json" 2>"$T/err" || fail "base list-findings: $(cat "$T/err")"
py 'check(load(sys.argv[1])["FindingIds"] == ["b1a5e000000000000000000000000001"], "base ids")' \
	"$T/f0.json" || fail "base account changed by a member step"

# --- profiles: role_arn + source_profile, credential_source ---------------------
cat >"$AWS_CONFIG_FILE" <<EOF
[profile base]
aws_access_key_id = $BASE_AKID
aws_secret_access_key = $BASE_SECRET
region = us-east-1

[profile member-a]
role_arn = $ROLE_A
source_profile = base
external_id = $EXT
role_session_name = secmond-profile
region = us-east-1

[profile member-a-noext]
role_arn = $ROLE_A
source_profile = base
region = us-east-1

[profile member-b-via-imds]
role_arn = $ROLE_A
credential_source = Ec2InstanceMetadata
external_id = $EXT
region = us-east-1
EOF
# AWS_ENDPOINT_URL reaches the STS client botocore makes for the profile too
(unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
	export AWS_ENDPOINT_URL=$URL AWS_PROFILE=member-a
	aws --output json sts get-caller-identity >"$T/pid.json" 2>"$T/err" ||
		fail "profile get-caller-identity: $(cat "$T/err")"
	aws --output json guardduty list-findings --detector-id "$DET_A" \
		>"$T/pf.json" 2>"$T/err" || fail "profile list-findings: $(cat "$T/err")"
	AWS_PROFILE=member-a-noext aws sts get-caller-identity >/dev/null 2>"$T/err2" &&
		fail "profile without external id worked"
	grep -q AccessDenied "$T/err2" || fail "profile without external id: $(cat "$T/err2")"
) || exit 1
py 'i = load(sys.argv[1])
check(i["Arn"] == "arn:aws:sts::444455556666:assumed-role/secmond-readonly/secmond-profile", i["Arn"])
check("a4a4e000000000000000000000000003" in load(sys.argv[2])["FindingIds"], "profile findings")
log = [r for r in admin("GET", "/_fake/requests") if r["op"] == "AssumeRole"
       and r["params"].get("RoleSessionName") == "secmond-profile"]
check(log and log[-1]["params"].get("ExternalId") == "secmond-ext-1", "external id sent")' \
	"$T/pid.json" "$T/pf.json" || fail "role_arn + source_profile"

# --- AssumeRoleWithWebIdentity -------------------------------------------------
awsf sts assume-role-with-web-identity --role-arn "$ROLE_EKS" \
	--role-session-name secmond-web --web-identity-token "$WEB_TOKEN" \
	>"$T/w.json" 2>"$T/err" || fail "assume-role-with-web-identity: $(cat "$T/err")"
py 'r = load(sys.argv[1])
check(r["SubjectFromWebIdentityToken"] == "system:serviceaccount:secmond:secmond", "subject")
check(r["AssumedRoleUser"]["Arn"] == "arn:aws:sts::111122223333:assumed-role/secmond-eks/secmond-web", "arn")
check(r["Credentials"]["AccessKeyId"].startswith("ASIASECMONFAKE"), "key")
log = [r for r in admin("GET", "/_fake/requests") if r["op"] == "AssumeRoleWithWebIdentity"]
check(log[-1]["signature"] == "unsigned" and log[-1]["status"] == 200, "unsigned %r" % log[-1])' \
	"$T/w.json" || fail "web identity result"
awsf sts assume-role-with-web-identity --role-arn "$ROLE_EKS" \
	--role-session-name secmond-web --web-identity-token not-our-token \
	>/dev/null 2>"$T/err" && fail "a wrong web identity token was accepted"
grep -q InvalidIdentityToken "$T/err" || fail "wrong web token: $(cat "$T/err")"
awsf sts assume-role-with-web-identity --role-arn "$ROLE_A" \
	--role-session-name secmond-web --web-identity-token "$WEB_TOKEN" \
	>/dev/null 2>"$T/err" && fail "web identity assumed a role it may not"
grep -q AccessDenied "$T/err" || fail "web identity role: $(cat "$T/err")"
# the web identity provider of the credential chain (EKS IRSA), then role
# chaining from that session into member B
printf '%s' "$WEB_TOKEN" >"$T/web-token"
(unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
	export AWS_ENDPOINT_URL=$URL AWS_DEFAULT_REGION=us-east-1 \
		AWS_WEB_IDENTITY_TOKEN_FILE=$T/web-token AWS_ROLE_ARN=$ROLE_EKS \
		AWS_ROLE_SESSION_NAME=secmond-irsa
	aws --output json sts get-caller-identity >"$T/wid.json" 2>"$T/err" ||
		fail "web identity provider: $(cat "$T/err")"
	aws --output json sts assume-role --role-arn "$ROLE_B" \
		--role-session-name chained >"$T/chain.json" 2>"$T/err" ||
		fail "role chaining: $(cat "$T/err")"
	aws sts assume-role --role-arn "$ROLE_B" --role-session-name chained \
		--duration-seconds 7200 >/dev/null 2>"$T/err" && fail "chained 2 h session"
	grep -q "role chaining" "$T/err" || fail "chained duration: $(cat "$T/err")"
) || exit 1
py 'check(load(sys.argv[1])["Arn"] == "arn:aws:sts::111122223333:assumed-role/secmond-eks/secmond-irsa", "irsa arn")
check(load(sys.argv[2])["AssumedRoleUser"]["Arn"].startswith("arn:aws:sts::777788889999:"), "chain")' \
	"$T/wid.json" "$T/chain.json" || fail "web identity chain"

# --- expiry -------------------------------------------------------------------
py 'r = admin("POST", "/_fake/expire")
check(r["expired"] >= 4, "expired %r" % r)
creds = admin("GET", "/_fake/credentials")
check(all(c["expired"] for c in creds), "all expired")
a = [c for c in creds if c["arn"].endswith("/secmond-it")][0]
check(a["used"] and a["source"] == "sts" and a["account_id"] == "444455556666", "listing %r" % a)' ||
	fail "/_fake/expire"
with_creds "$T/a.json" awsf guardduty list-detectors >/dev/null 2>"$T/err" &&
	fail "expired credentials accepted"
grep -q "ExpiredTokenException" "$T/err" || fail "expired (rest-json): $(cat "$T/err")"
grep -q "The security token included in the request is expired" "$T/err" ||
	fail "expired message: $(cat "$T/err")"
with_creds "$T/a.json" awsf sts get-caller-identity >/dev/null 2>"$T/err" &&
	fail "expired credentials accepted by sts"
grep -q "(ExpiredToken)" "$T/err" || fail "expired (query): $(cat "$T/err")"
# base credentials never expire; a new AssumeRole gives working ones
awsf sts assume-role --role-arn "$ROLE_A" --role-session-name secmond-it \
	--external-id "$EXT" >"$T/a2.json" 2>"$T/err" || fail "re-assume: $(cat "$T/err")"
with_creds "$T/a2.json" awsf guardduty list-detectors >/dev/null 2>"$T/err" ||
	fail "fresh credentials after expire: $(cat "$T/err")"

# --- faults on STS ----------------------------------------------------------------
py 'admin("POST", "/_fake/faults", {"service": "sts", "op": "AssumeRole",
    "kind": "status", "status": 400, "code": "RegionDisabledException",
    "message": "STS is not activated in this region"})' || fail "arm sts fault"
awsf sts assume-role --role-arn "$ROLE_B" --role-session-name x1 >/dev/null \
	2>"$T/err" && fail "sts fault did not fire"
grep -q RegionDisabledException "$T/err" || fail "sts fault: $(cat "$T/err")"
awsf sts assume-role --role-arn "$ROLE_B" --role-session-name x1 >/dev/null \
	2>"$T/err" || fail "sts fault outlived times=1: $(cat "$T/err")"

# --- IMDSv2 with curl --------------------------------------------------------------
CP=/latest/meta-data/iam/security-credentials
code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT "$URL/latest/api/token")
[ "$code" = 400 ] || fail "token PUT without ttl: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT \
	-H 'x-aws-ec2-metadata-token-ttl-seconds: 21601' "$URL/latest/api/token")
[ "$code" = 400 ] || fail "token PUT ttl 21601: $code"
tok=$(curl -sf -X PUT -H 'x-aws-ec2-metadata-token-ttl-seconds: 60' \
	"$URL/latest/api/token") || fail "token PUT"
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL$CP/")
[ "$code" = 401 ] || fail "IMDSv1 GET answered $code, want 401"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'x-aws-ec2-metadata-token: bogus' "$URL$CP/")
[ "$code" = 401 ] || fail "bad token GET answered $code"
role=$(curl -sf -H "x-aws-ec2-metadata-token: $tok" "$URL$CP/") || fail "role name"
[ "$role" = secmond-instance ] || fail "role name $role"
curl -sf -H "x-aws-ec2-metadata-token: $tok" "$URL$CP/$role" >"$T/imds.json" ||
	fail "imds credentials"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "x-aws-ec2-metadata-token: $tok" "$URL$CP/other")
[ "$code" = 404 ] || fail "other role: $code"
py 'c = load(sys.argv[1])
check(c["Code"] == "Success" and c["Type"] == "AWS-HMAC", "code/type %r" % c)
for k in ("LastUpdated", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"):
    check(c.get(k), k)
check(c["Expiration"].endswith("Z") and len(c["Expiration"]) == 20, c["Expiration"])' \
	"$T/imds.json" || fail "imds credential document"

# botocore's own IMDS provider against the fake, then the CLI's chain
AWS_EC2_METADATA_DISABLED=false py 'from botocore.utils import InstanceMetadataFetcher
c = InstanceMetadataFetcher(timeout=2, num_attempts=1, base_url=URL + "/").retrieve_iam_role_credentials()
check(c.get("role_name") == "secmond-instance" and c["access_key"].startswith("ASIASECMONFAKE"), "fetcher %r" % c)
check(c["access_key"] == load(sys.argv[1])["AccessKeyId"], "same credentials until rotation")' \
	"$T/imds.json" || fail "botocore InstanceMetadataFetcher"
(unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
	export AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT=$URL/
	awsf sts get-caller-identity >"$T/iid.json" 2>"$T/err" ||
		fail "CLI with IMDS credentials: $(cat "$T/err")"
	# credential_source = Ec2InstanceMetadata + role_arn: IMDS, then AssumeRole
	AWS_PROFILE=member-b-via-imds AWS_ENDPOINT_URL=$URL \
		aws --output json guardduty list-detectors >"$T/vid.json" 2>"$T/err" ||
		fail "credential_source Ec2InstanceMetadata: $(cat "$T/err")"
) || exit 1
py 'check(load(sys.argv[1])["Arn"] == "arn:aws:sts::111122223333:assumed-role/secmond-instance/i-0123456789abcdef0", "imds arn")
check(load(sys.argv[2])["DetectorIds"] == ["44444444444444444444444444444444"], "via imds")' \
	"$T/iid.json" "$T/vid.json" || fail "IMDS credential chain"
# expire: the next fetch hands out new credentials
old=$(py 'print(load(sys.argv[1])["AccessKeyId"])' "$T/imds.json")
py 'admin("POST", "/_fake/expire", {"source": "imds"})' || fail "expire imds"
new=$(curl -sf -H "x-aws-ec2-metadata-token: $tok" "$URL$CP/$role" |
	"$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["AccessKeyId"])') ||
	fail "imds after expire"
if [ -z "$new" ] || [ "$new" = "$old" ]; then
	fail "imds did not rotate ($old -> $new)"
fi
# faults on IMDS
py 'admin("POST", "/_fake/faults", {"service": "imds", "op": "GetCredentials", "kind": "status", "status": 500})
admin("POST", "/_fake/faults", {"service": "imds", "op": "GetToken", "kind": "reset"})' ||
	fail "arm imds faults"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "x-aws-ec2-metadata-token: $tok" "$URL$CP/$role")
[ "$code" = 500 ] || fail "imds status fault: $code"
curl -s -X PUT -H 'x-aws-ec2-metadata-token-ttl-seconds: 60' "$URL/latest/api/token" \
	>/dev/null 2>&1 && fail "imds reset fault did not fire"

# --- container credentials --------------------------------------------------------
CPATH=/v2/credentials/secmond-task
CTOKEN=$("$PYTHON" -c 'import json,sys
print(json.load(open(sys.argv[1]))["container"]["authorization_token"])' "$SCENARIO")
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL$CPATH")
[ "$code" = 401 ] || fail "container without Authorization: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: wrong' "$URL$CPATH")
[ "$code" = 403 ] || fail "container with a wrong token: $code"
curl -sf -H "Authorization: $CTOKEN" "$URL$CPATH" >"$T/ctr.json" || fail "container GET"
py 'c = load(sys.argv[1])
check(set(c) >= {"AccessKeyId", "SecretAccessKey", "Token", "Expiration", "RoleArn"}, "keys %r" % c)
check(c["RoleArn"] == "arn:aws:iam::111122223333:role/secmond-task", c["RoleArn"])
from botocore.utils import ContainerMetadataFetcher
d = ContainerMetadataFetcher().retrieve_full_uri(URL + "/v2/credentials/secmond-task",
                                                 headers={"Authorization": sys.argv[2]})
check(d["AccessKeyId"] == c["AccessKeyId"], "botocore fetcher %r" % d)' \
	"$T/ctr.json" "$CTOKEN" || fail "container credentials"
(unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
	export AWS_CONTAINER_CREDENTIALS_FULL_URI=$URL$CPATH \
		AWS_CONTAINER_AUTHORIZATION_TOKEN=$CTOKEN
	awsf sts get-caller-identity >"$T/cid.json" 2>"$T/err" ||
		fail "CLI with container credentials: $(cat "$T/err")"
) || exit 1
py 'i = load(sys.argv[1])
check(i["Arn"] == "arn:aws:sts::111122223333:assumed-role/secmond-task/secmond-task", i["Arn"])
creds = admin("GET", "/_fake/credentials")
check({c["source"] for c in creds} == {"sts", "imds", "container"}, "sources")' \
	"$T/cid.json" || fail "container chain"
py 'admin("POST", "/_fake/faults", {"service": "container", "kind": "malformed"})' ||
	fail "arm container fault"
curl -sf -H "Authorization: $CTOKEN" "$URL$CPATH" >"$T/bad.json" || fail "malformed fault"
"$PYTHON" -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/bad.json" 2>/dev/null &&
	fail "container malformed fault sent JSON"

stop_fake

# --- short-lived credentials (credential_lifetime_seconds) ---------------------------
# The lifetime shows in the Expiration the fake issues (expiry itself is
# driven by /_fake/expire above, never by waiting).
"$PYTHON" -c 'import json,sys
sc = json.load(open(sys.argv[1])); sc["credential_lifetime_seconds"] = 1000
json.dump(sc, open(sys.argv[2], "w"))' "$SCENARIO" "$T/short.json" || fail "short scenario"
start_fake "$T/short.json"
awsf sts assume-role --role-arn "$ROLE_B" --role-session-name short \
	>"$T/s.json" 2>"$T/err" || fail "assume-role (short): $(cat "$T/err")"
"$PYTHON" -c 'import json,sys,datetime as dt
e = json.load(open(sys.argv[1]))["Credentials"]["Expiration"]
t = dt.datetime.fromisoformat(e.replace("Z", "+00:00"))
left = (t - dt.datetime.now(dt.timezone.utc)).total_seconds()
assert 900 < left <= 1000, left' "$T/s.json" || fail "credential_lifetime_seconds not applied"
with_creds "$T/s.json" awsf guardduty list-detectors >/dev/null 2>"$T/err" ||
	fail "short creds before expiry: $(cat "$T/err")"
stop_fake

echo "ok: fakeaws STS, IMDSv2 and container credentials work with the AWS CLI and botocore"
exit 0
