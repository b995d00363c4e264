#!/bin/bash
# 013-fakeaws-sns.sh: the fake AWS speaks SNS (query protocol) as the real
# AWS CLI expects: publish to standard and FIFO topics with subjects,
# message attributes and MessageStructure=json; the record of delivered
# messages (GET /_fake/sns/messages, /_fake/sns/summary); FIFO duplicates
# inside the 5-minute window accepted but not delivered (and delivered
# again once the fake's SNS clock moves past it); SNS's validation errors;
# cross-account publishing; a 50% fault with a seed failing a
# reproducible set of calls; accept_then_reset (the CLI fails although
# the message went out, and the FIFO retry is deduplicated); throttling.
# Env: TOP (repo top), PYTHON (python3 with botocore), FAKEAWS (fakeaws.py).
# Exit 0 = pass, 77 = skip, other = fail.
set -u
TOP=${TOP:-$PWD}
PYTHON=${PYTHON:-python3}
FAKEAWS=${FAKEAWS:-$TOP/tests/fakeaws/fakeaws.py}
SCENARIO=$TOP/tests/fakeaws/scenarios/sns.json
STD=arn:aws:sns:us-east-1:111122223333:secops
FIFO=arn:aws:sns:us-east-1:111122223333:secops.fifo
CBD=arn:aws:sns:us-east-1:111122223333:secops-cbd.fifo
EU=arn:aws:sns:eu-west-1:111122223333:secops-eu
OLD=arn:aws:sns:us-east-1:111122223333:secops-old
CENTRAL=arn:aws:sns:us-east-1:444455556666:central-alerts

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
	AWS_ENDPOINT_URL AWS_ENDPOINT_URL_SNS AWS_CA_BUNDLE AWS_ROLE_ARN \
	AWS_WEB_IDENTITY_TOKEN_FILE AWS_DEFAULT_REGION AWS_REGION AWS_DATA_PATH
export AWS_EC2_METADATA_DISABLED=true AWS_RETRY_MODE=standard AWS_MAX_ATTEMPTS=1
export AWS_PAGER=
export AWS_ACCESS_KEY_ID=AKIDSECMONFAKE0000001
export AWS_SECRET_ACCESS_KEY=fake/secret+key=for/tests

# sns REGION ARGS...: the AWS CLI against the fake
sns() {
	local region=$1
	shift
	aws --endpoint-url "$URL" --region "$region" --output json sns "$@"
}
# publish_ok NAME ARGS...: us-east-1 publish that must succeed -> $T/NAME.json
publish_ok() {
	local name=$1
	shift
	sns us-east-1 publish "$@" >"$T/$name.json" 2>"$T/err" ||
		fail "publish $name: $(cat "$T/err")"
}
# publish_err CODE NAME ARGS...: publish that must fail with error CODE
publish_err() {
	local code=$1 name=$2
	shift 2
	sns us-east-1 publish "$@" >/dev/null 2>"$T/err" && fail "$name: publish succeeded"
	grep -q "($code)" "$T/err" || fail "$name: wanted $code, got: $(cat "$T/err")"
}

start_fake "$SCENARIO"

# ---------------- standard topic: subject, attributes, structure ------
publish_ok std1 --topic-arn "$STD" --subject "HIGH: GuardDuty finding" \
	--message "finding 1 in us-east-1" --message-attributes \
	'{"severity":{"DataType":"String","StringValue":"HIGH"},"score":{"DataType":"Number","StringValue":"8.5"},"regions":{"DataType":"String.Array","StringValue":"[\"us-east-1\",\"eu-west-1\"]"},"blob":{"DataType":"Binary","BinaryValue":"raw-bytes"}}'
publish_ok std2 --topic-arn "$STD" --message-structure json \
	--message '{"default":"plain text","email":"longer e-mail text"}'
# a subject of 99 characters is fine
publish_ok std3 --topic-arn "$STD" --message m3 --subject "$(printf 'S%.0s' $(seq 99))"
py 'one, two = load(sys.argv[1] + "/std1.json"), load(sys.argv[1] + "/std2.json")
check(set(one) == {"MessageId"} and len(one["MessageId"]) == 36, "reply %r" % one)
msgs = admin("GET", "/_fake/sns/messages")
check(len(msgs) == 3, "%d messages" % len(msgs))
m = msgs[0]
check(m["message_id"] == one["MessageId"] and m["topic"] == sys.argv[2], "id/topic %r" % m)
check(m["subject"] == "HIGH: GuardDuty finding" and m["message"] == "finding 1 in us-east-1", "text")
check(m["attributes"] == {"severity": {"type": "String", "value": "HIGH"},
                          "score": {"type": "Number", "value": "8.5"},
                          "regions": {"type": "String.Array", "value": "[\"us-east-1\",\"eu-west-1\"]"},
                          "blob": {"type": "Binary", "value": "cmF3LWJ5dGVz"}}, "attributes %r" % m["attributes"])
check(m["delivered"] and not m["duplicate"] and m["answered"] and m["sequence"] is None, "flags %r" % m)
check(m["group_id"] is None and m["dedup_id"] is None, "no fifo ids")
check(msgs[1]["structure"] == "json" and msgs[1]["message_id"] == two["MessageId"], "structure")
check(len(msgs[2]["subject"]) == 99, "99-char subject")
log = [r for r in admin("GET", "/_fake/requests") if r["service"] == "sns"]
check(len(log) == 3 and all(r["op"] == "Publish" and r["status"] == 200 and r["signature"] == "ok" for r in log), "log")' \
	"$T" "$STD" || fail "standard topic messages"

# ---------------- FIFO: sequence numbers, duplicates in the window ----
publish_ok f1 --topic-arn "$FIFO" --message "alert A" --message-group-id guardduty \
	--message-deduplication-id "$(printf 'a%.0s' $(seq 64))"
publish_ok f2 --topic-arn "$FIFO" --message "alert A again" --message-group-id guardduty \
	--message-deduplication-id "$(printf 'a%.0s' $(seq 64))"
publish_ok f3 --topic-arn "$FIFO" --message "alert B" --message-group-id guardduty \
	--message-deduplication-id "dedup-B"
# content-based deduplication: no id needed, same body = duplicate
publish_ok c1 --topic-arn "$CBD" --message "same body" --message-group-id g
publish_ok c2 --topic-arn "$CBD" --message "same body" --message-group-id g
sns us-east-1 get-topic-attributes --topic-arn "$CBD" >"$T/attrs.json" 2>"$T/err" ||
	fail "get-topic-attributes: $(cat "$T/err")"
py 'd = sys.argv[1]
f1, f2, f3 = (load("%s/%s.json" % (d, n)) for n in ("f1", "f2", "f3"))
check(f1 == f2, "duplicate answers the original %r %r" % (f1, f2))
check(f1["MessageId"] != f3["MessageId"], "distinct ids")
check(int(f3["SequenceNumber"]) > int(f1["SequenceNumber"]) >= 10**19, "sequence %r %r" % (f1, f3))
s = admin("GET", "/_fake/sns/summary")
fifo = s["by_topic"][sys.argv[2]]
check(fifo == {"accepted": 3, "delivered": 2}, "fifo counts %r" % fifo)
check(s["by_dedup_id"]["a" * 64] == {"accepted": 2, "delivered": 1}, "by dedup id %r" % s["by_dedup_id"])
check(s["by_topic"][sys.argv[3]] == {"accepted": 2, "delivered": 1}, "cbd %r" % s["by_topic"])
check(s["accepted"] == 8 and s["delivered"] == 6 and s["duplicates"] == 2, "totals %r" % s)
dup = admin("GET", "/_fake/sns/messages?delivered=false")
check(len(dup) == 2 and all(m["duplicate"] for m in dup), "duplicates listed %r" % dup)
check(dup[0]["duplicate_of"] == f1["MessageId"] and dup[0]["message"] == "alert A again", "dup record")
c = [m for m in admin("GET", "/_fake/sns/messages?topic=" + sys.argv[3])]
check(c[0]["dedup_source"] == "content" and len(c[0]["dedup_id"]) == 64, "content dedup id %r" % c[0])
a = load(d + "/attrs.json")["Attributes"]
check(a["FifoTopic"] == "true" and a["ContentBasedDeduplication"] == "true" and a["Owner"] == "111122223333", "attrs %r" % a)' \
	"$T" "$FIFO" "$CBD" || fail "FIFO deduplication"

# past the window (the fake's SNS clock moved 301 s) the same id is new
py 'r = admin("POST", "/_fake/sns/advance", {"seconds": 301}); check(r.get("offset") == 301, repr(r))' ||
	fail "advance the SNS clock"
publish_ok f4 --topic-arn "$FIFO" --message "alert A, later" --message-group-id guardduty \
	--message-deduplication-id "$(printf 'a%.0s' $(seq 64))"
py 's = admin("GET", "/_fake/sns/summary")
check(s["by_dedup_id"]["a" * 64] == {"accepted": 3, "delivered": 2}, "after window %r" % s["by_dedup_id"])' ||
	fail "dedup window expiry"

# ---------------- validation errors ------------------------------------
publish_err InvalidParameter "subject of 100" --topic-arn "$STD" --message m \
	--subject "$(printf 'S%.0s' $(seq 100))"
grep -q "Invalid parameter: Subject" "$T/err" || fail "subject message: $(cat "$T/err")"
publish_err InvalidParameter "subject with a line break" --topic-arn "$STD" --message m \
	--subject "two
lines"
"$PYTHON" -c 'import sys; sys.stdout.write("x" * 262144)' >"$T/max.txt"
"$PYTHON" -c 'import sys; sys.stdout.write("x" * 262145)' >"$T/big.txt"
publish_ok max --topic-arn "$STD" --message "file://$T/max.txt"
publish_err InvalidParameter "message too long" --topic-arn "$STD" --message "file://$T/big.txt"
grep -q "Invalid parameter: Message too long" "$T/err" || fail "too long: $(cat "$T/err")"
# attribute name, type and value count towards the limit
publish_err InvalidParameter "attributes make it too long" --topic-arn "$STD" \
	--message "file://$T/max.txt" --message-attributes '{"k":{"DataType":"String","StringValue":"v"}}'
publish_err InvalidParameter "no group id on FIFO" --topic-arn "$FIFO" --message m \
	--message-deduplication-id d
grep -q "The MessageGroupId parameter is required for FIFO topics" "$T/err" ||
	fail "group id message: $(cat "$T/err")"
publish_err InvalidParameter "no dedup id, no content dedup" --topic-arn "$FIFO" --message m \
	--message-group-id g
publish_err InvalidParameter "dedup id on a standard topic" --topic-arn "$STD" --message m \
	--message-deduplication-id d
publish_err InvalidParameter "group id with a space" --topic-arn "$FIFO" --message m \
	--message-group-id "a b" --message-deduplication-id d
publish_err NotFound "unknown topic" --topic-arn arn:aws:sns:us-east-1:111122223333:nope --message m
grep -q "Topic does not exist" "$T/err" || fail "not found message: $(cat "$T/err")"
publish_err InvalidParameter "topic in another region" --topic-arn "$EU" --message m
grep -q "Invalid parameter: TopicArn" "$T/err" || fail "region message: $(cat "$T/err")"
sns eu-west-1 publish --topic-arn "$EU" --message "from eu" >/dev/null 2>"$T/err" ||
	fail "publish in eu-west-1: $(cat "$T/err")"
publish_err InvalidParameter "json structure without default" --topic-arn "$STD" \
	--message-structure json --message '{"email":"x"}'
publish_err InvalidParameter "json structure not JSON" --topic-arn "$STD" \
	--message-structure json --message 'not json'
publish_err ParameterValueInvalid "empty attribute value" --topic-arn "$STD" --message m \
	--message-attributes '{"k":{"DataType":"String","StringValue":""}}'
publish_err ParameterValueInvalid "bad number" --topic-arn "$STD" --message m \
	--message-attributes '{"k":{"DataType":"Number","StringValue":"ten"}}'
publish_err ParameterValueInvalid "bad type" --topic-arn "$STD" --message m \
	--message-attributes '{"k":{"DataType":"Text","StringValue":"x"}}'
ELEVEN=$("$PYTHON" -c 'import json; print(json.dumps({"a%d" % i: {"DataType": "String", "StringValue": "v"} for i in range(11)}))')
publish_err ParameterValueInvalid "11 attributes" --topic-arn "$STD" --message m \
	--message-attributes "$ELEVEN"
# cross-account: the base account may publish to 444455556666's topic (its
# publishers list); another account may not publish to the base account's
publish_ok central --topic-arn "$CENTRAL" --message "to the central topic"
AWS_ACCESS_KEY_ID=AKIDSECMONFAKE0000003 AWS_SECRET_ACCESS_KEY=other/account+key=for/tests \
	publish_err AuthorizationError "outsider" --topic-arn "$STD" --message m
# a topic removed by a step
py 'check(admin("POST", "/_fake/step") == {"step": 1}, "step")' || fail "step 1"
publish_err NotFound "removed topic" --topic-arn "$OLD" --message m
py 's = admin("GET", "/_fake/sns/summary")
check(s["accepted"] == 12 and s["delivered"] == 10, "rejected calls are not recorded %r" % s)' ||
	fail "nothing recorded for rejected publishes"

# ---------------- faults ------------------------------------------------
py 'admin("DELETE", "/_fake/sns/messages")
check(admin("GET", "/_fake/sns/messages") == [], "cleared")
r = admin("POST", "/_fake/faults", {"service": "sns", "op": "Publish", "kind": "status",
    "status": 500, "code": "InternalError", "probability": 0.5, "seed": 7, "times": -1})
check("id" in r, repr(r))' || fail "arm the probability fault"
N=16
fails=0
for i in $(seq $N); do
	if sns us-east-1 publish --topic-arn "$STD" --message "try $i" >/dev/null 2>"$T/err"; then
		echo ok >>"$T/outcomes"
	else
		grep -q "(InternalError)" "$T/err" || fail "try $i: $(cat "$T/err")"
		fails=$((fails + 1))
		echo fail >>"$T/outcomes"
	fi
done
py 'import random
rng = random.Random(7)
want = ["fail" if rng.random() < 0.5 else "ok" for _ in range(int(sys.argv[2]))]
got = open(sys.argv[1]).read().split()
check(got == want, "outcomes %r, expected %r" % (got, want))
check(0 < got.count("fail") < len(got), "some fail, some pass")
msgs = admin("GET", "/_fake/sns/messages")
check(len(msgs) == got.count("ok"), "only the answered ones were delivered")
f = admin("GET", "/_fake/faults")[0]
check(f["hits"] == got.count("fail") and f["spared"] == got.count("ok"), "fault counters %r" % f)' \
	"$T/outcomes" "$N" || fail "probability fault"
echo "probability 0.5 seed 7: $fails of $N publishes failed"

# accept_then_reset: the CLI sees a failure, the message went out; the
# FIFO retry with the same dedup id is accepted and not delivered again
py 'admin("DELETE", "/_fake/faults"); admin("DELETE", "/_fake/sns/messages")
check("id" in admin("POST", "/_fake/faults", {"service": "sns", "op": "Publish",
    "kind": "accept_then_reset"}), "arm")' || fail "arm accept_then_reset"
sns us-east-1 publish --topic-arn "$FIFO" --message "alert C" --message-group-id guardduty \
	--message-deduplication-id dedup-C >/dev/null 2>"$T/err" && fail "accept_then_reset: CLI succeeded"
publish_ok c-retry --topic-arn "$FIFO" --message "alert C" --message-group-id guardduty \
	--message-deduplication-id dedup-C
py 'msgs = admin("GET", "/_fake/sns/messages")
check(len(msgs) == 2, "two accepted %r" % msgs)
first, retry = msgs
check(first["delivered"] and not first["answered"], "first delivered, unanswered %r" % first)
check(retry["duplicate"] and not retry["delivered"] and retry["answered"], "retry deduplicated %r" % retry)
check(load(sys.argv[1])["MessageId"] == first["message_id"], "retry got the original id")
s = admin("GET", "/_fake/sns/summary")
check((s["accepted"], s["delivered"], s["unanswered"]) == (2, 1, 1), "summary %r" % s)
log = [r for r in admin("GET", "/_fake/requests") if r["fault"] == "accept_then_reset"]
check(len(log) == 1 and log[0]["status"] is None and log[0]["unsent_status"] == 200, "log %r" % log)' \
	"$T/c-retry.json" || fail "accept_then_reset"
# on a standard topic the retry is a second delivery (at-least-once)
py 'check("id" in admin("POST", "/_fake/faults", {"service": "sns", "op": "Publish",
    "kind": "accept_then_reset"}), "arm")' || fail "arm accept_then_reset 2"
sns us-east-1 publish --topic-arn "$STD" --message "alert D" >/dev/null 2>&1 && fail "reset: CLI succeeded"
publish_ok d-retry --topic-arn "$STD" --message "alert D"
py 'd = [m for m in admin("GET", "/_fake/sns/messages") if m["message"] == "alert D"]
check(len(d) == 2 and all(m["delivered"] for m in d), "standard topic: delivered twice %r" % d)' ||
	fail "standard topic duplicate"

# throttling through a status fault: 400 Throttling "Rate exceeded"
py 'check("id" in admin("POST", "/_fake/faults", {"service": "sns", "op": "Publish",
    "kind": "status", "status": 400, "code": "Throttling"}), "arm")' || fail "arm throttling"
publish_err Throttling "throttled" --topic-arn "$STD" --message m
grep -q "Rate exceeded" "$T/err" || fail "throttling message: $(cat "$T/err")"

stop_fake
echo "ok: fakeaws SNS"
