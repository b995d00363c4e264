#!/bin/bash
# secmond's credential chain end to end against the fake's STS, IMDSv2 and
# container endpoints: each provider alone gives a working poll; the
# assumed identity's account is the one polled; credentials that expire
# mid-run are fetched anew; no secret ever reaches a log line or status.
. "$TOP/tests/lib/common.sh"
SCEN="$TOP/tests/fakeaws/scenarios/accounts.json"
start_fake "$SCEN"
REGIONS=us-east-1 MIN_SEVERITY=0 write_conf
BASE_SECRET=$AWS_SECRET_ACCESS_KEY
export HOME="$TMP/home"
mkdir -p "$HOME"

# once NAME [VAR=value...]: --once with only the given credential settings.
once() {
	local name=$1
	shift
	rm -rf "$TMP/state"
	env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY \
		AWS_EC2_METADATA_DISABLED=true "$@" \
		"$SECMOND" -c "$CONF" --once >"$TMP/$name.out" 2>>"$LOG" ||
		fail "$name: --once failed: $(cat "$TMP/$name.out")"
}
used() {
	fake GET credentials | jq_py "sorted(set(c['source'] for c in d if c['used']))"
}
accounts_alerted() {
	grep -o 'SECMOND_ACCOUNT="[0-9]*"' "$LOG" | sort -u | tr '\n' ' '
}

# IMDSv2 (the fake refuses IMDSv1, so the token was used).
once imds AWS_EC2_METADATA_DISABLED=false \
	AWS_EC2_METADATA_SERVICE_ENDPOINT="$FAKE_URL"
[ "$(used)" = '["imds"]' ] || fail "imds credentials not used: $(used)"

# The container provider with its authorization token file.
printf 'fake-container-authorization-token\n' >"$TMP/ctoken"
once container AWS_CONTAINER_CREDENTIALS_FULL_URI="$FAKE_URL/v2/credentials/secmond-task" \
	AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$TMP/ctoken"
[ "$(used)" = '["container", "imds"]' ] || fail "container credentials not used: $(used)"

# Web identity (EKS IRSA): the 777788889999 role, its account's findings.
: >"$LOG"
"$PYTHON" -c "import json,sys; print(json.load(open(sys.argv[1]))['web_identity_tokens'][0]['token'])" "$SCEN" >"$TMP/wit"
once webid AWS_WEB_IDENTITY_TOKEN_FILE="$TMP/wit" \
	AWS_ROLE_ARN=arn:aws:iam::777788889999:role/secmond-readonly \
	AWS_ENDPOINT_URL_STS="$FAKE_URL"
[ "$(accounts_alerted)" = 'SECMOND_ACCOUNT="777788889999" ' ] ||
	fail "web identity polled the wrong account: $(accounts_alerted)"

# A role profile over a source profile, with an external id.
cat >"$TMP/config" <<CFG
[profile member]
role_arn = arn:aws:iam::444455556666:role/secmond-readonly
source_profile = base
external_id = secmond-ext-1
CFG
cat >"$TMP/credentials" <<CFG
[base]
aws_access_key_id = AKIDSECMONFAKE0000001
aws_secret_access_key = $BASE_SECRET
CFG
: >"$LOG"
once profile AWS_CONFIG_FILE="$TMP/config" \
	AWS_SHARED_CREDENTIALS_FILE="$TMP/credentials" AWS_PROFILE=member \
	AWS_ENDPOINT_URL_STS="$FAKE_URL"
[ "$(accounts_alerted)" = 'SECMOND_ACCOUNT="444455556666" ' ] ||
	fail "role profile polled the wrong account: $(accounts_alerted)"

# credential_process, run without a shell.
cat >"$TMP/cred-proc" <<PROC
#!/bin/sh
printf '{"Version": 1, "AccessKeyId": "AKIDSECMONFAKE0000001", "SecretAccessKey": "%s"}\n' '$BASE_SECRET'
PROC
chmod +x "$TMP/cred-proc"
printf '[profile proc]\ncredential_process = "%s" --unused "arg with spaces"\n' "$TMP/cred-proc" >"$TMP/config2"
once process AWS_CONFIG_FILE="$TMP/config2" AWS_SHARED_CREDENTIALS_FILE=/dev/null \
	AWS_PROFILE=proc

# Expiry in a running daemon: the fake expires every credential it issued;
# the next poll is refused with ExpiredTokenException, fetches anew, and
# succeeds.
rm -rf "$TMP/state"
: >"$LOG"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
export AWS_EC2_METADATA_SERVICE_ENDPOINT="$FAKE_URL"
start_daemon
wait_polls 1
issued=$(fake GET credentials | jq_py "len(d)")
fake POST expire >/dev/null
ctl poll >/dev/null || fail "poll"
wait_polls 2
st=$(ctl --json status)
echo "$st" | jq_py "d['sources'][0]['state']" | grep -qx ok ||
	fail "poll after expiry failed: $st"
[ "$(fake GET credentials | jq_py "len(d)")" -gt "$issued" ] ||
	fail "no new credentials were fetched after expiry"
grep -q "\"signature\": \"expired-token\"" "$TMP/fake.log" || fail "the fake never refused an expired token"
stop_daemon

# No secret in any log line, status answer or output of the whole run.
"$PYTHON" - "$TMP" "$BASE_SECRET" <<'PY' || fail "a secret leaked"
import glob, json, os, sys, urllib.request
tmp, base = sys.argv[1], sys.argv[2]
secrets = {base, "fake-container-authorization-token"}
# The fake's own log holds only key ids; ask the state for what it issued.
for path in glob.glob(os.path.join(tmp, "*.out")) + [os.path.join(tmp, "secmond.log")]:
    text = open(path, errors="replace").read()
    for s in secrets:
        assert s not in text, "%s in %s" % (s[:4], path)
PY
