#!/bin/bash
# Least privilege: conf/iam-policy.json, conf/member-role-policy.json and
# conf/member-role-trust.json allow exactly the AWS operations the code can
# call (found by tests/lib/iam_check.py in lib/ and daemon/, checked
# against botocore's models), with no wildcard action, Version 2012-10-17
# and the external id required. Then the checker is shown to catch each
# kind of breakage on copies of the tree: a new operation called, a typo,
# a call it cannot attribute, a policy allowing more or less. No daemon.
. "$TOP/tests/lib/common.sh"
CHECK="$TOP/tests/lib/iam_check.py"
"$PYTHON" -c 'import botocore' 2>/dev/null || {
	echo "skip: no python with botocore"
	exit 77
}

# --- the real tree ------------------------------------------------------
out=$("$PYTHON" "$CHECK" --src "$TOP/lib" --src "$TOP/daemon" \
	--conf "$TOP/conf" --readme "$TOP/README.md" 2>&1) ||
	fail "the policies do not match the code:
$out"
echo "$out"
n=$(grep -c '^[a-z0-9-]*:[A-Za-z0-9]* ' <<<"$out")
[ "$n" -gt 0 ] || fail "no operation found: $out"
# Every operation the checker found really is named in a call in the
# sources at the place it reports (the checker does not invent any).
while read -r act _ rest; do
	[[ $act =~ ^[a-z0-9-]+:[A-Za-z0-9]+$ ]] || continue
	where=${rest#*named at }
	where=${where%%;*}
	for w in ${where//,/ }; do
		file=${w%:*} line=${w##*:}
		sed -n "${line}p" "$TOP/$file" | grep -qF "\"${act#*:}\"" ||
			fail "$act: not named at $w"
	done
done <<<"$out"
# Everything it found is in the policy's Action lists, one by one.
for act in $(grep -o '^[a-z0-9-]*:[A-Za-z0-9]*' <<<"$out"); do
	case $act in sts:AssumeRoleWithWebIdentity | sts:GetCallerIdentity)
		! grep -q "\"$act\"" "$TOP/conf/iam-policy.json" ||
			fail "$act needs no permission but is in the policy"
		continue ;;
	esac
	grep -q "\"$act\"" "$TOP/conf/iam-policy.json" ||
		fail "$act is not in conf/iam-policy.json"
done
grep -q '\*' <<<"$(grep -ho '"[a-z0-9-]*:[^"]*"' "$TOP"/conf/iam-policy.json \
	"$TOP"/conf/member-role-*.json | grep -v 'arn:')" &&
	fail "a wildcard in an action"

# --- the checker catches breakage ---------------------------------------
# fresh: copies of lib/ and conf/ in $TMP/m to break one thing in.
fresh() {
	rm -rf "$TMP/m"
	mkdir -p "$TMP/m"
	cp -r "$TOP/lib" "$TOP/conf" "$TMP/m/"
}
# expect_fail WHAT TEXT: the checker fails (exit 1) on the copy, saying TEXT;
# its output stays in $OUT.
expect_fail() {
	local rc
	OUT=$("$PYTHON" "$CHECK" -q --src "$TMP/m/lib" --conf "$TMP/m/conf" 2>&1)
	rc=$?
	[ "$rc" -eq 1 ] || fail "$1: the checker exited $rc, not 1:
$OUT"
	grep -qF -- "$2" <<<"$OUT" || fail "$1: the checker did not say '$2':
$OUT"
	echo "caught: $1"
}
# edit FILE PYTHON-EXPR: rewrite FILE (of the copy) as EXPR of its text s,
# which must change it.
edit() {
	"$PYTHON" - "$TMP/m/$1" "$2" <<'PY' || fail "cannot edit $1"
import sys
p, expr = sys.argv[1], sys.argv[2]
s = open(p).read()
t = eval(expr, {"s": s})
if t == s:
    sys.exit("%s: the edit changed nothing" % p)
open(p, "w").write(t)
PY
}

# The copy as is passes (so each failure below is the edit's).
fresh
"$PYTHON" "$CHECK" -q --src "$TMP/m/lib" --conf "$TMP/m/conf" >/dev/null ||
	fail "the untouched copy fails"

# A new operation through the GuardDuty wrapper.
fresh
cat >>"$TMP/m/lib/sources/gd.c" <<'C'

static void
gd_archive(struct gd_poll *p)
{
	gd_call(p, "ArchiveFindings", "POST", "/detector/x/findings/archive",
	    NULL, NULL, gd_list_cb);
}
C
expect_fail "new GuardDuty call" \
	"iam-policy.json: guardduty:ArchiveFindings (called at lib/sources/gd.c:"
grep -qF "member-role-policy.json: guardduty:ArchiveFindings" <<<"$OUT" ||
	fail "a new poll call is not required of the member role: $OUT"

# A new aws_call of its own, in a new file.
fresh
cat >"$TMP/m/lib/extra.c" <<'C'
#include "aws.h"
#define EXTRA_OP "Subscribe"
struct aws_req *
extra_subscribe(struct aws *a, const struct endpoint *ep, struct sm_err *err)
{
	struct aws_call c = { .service_label = "SNS", .proto = AWS_QUERY,
		.ep = ep, .method = "POST", .path = "/" };

	c.op = EXTRA_OP;
	return aws_call(a, &c, NULL, NULL, err);
}
C
expect_fail "new SNS call" "iam-policy.json: sns:Subscribe (called at lib/extra.c:"
! grep -qF "member-role-policy.json: sns:Subscribe" <<<"$OUT" ||
	fail "an SNS call is required of the member role: $OUT"

# A typo in an operation name.
fresh
edit lib/sources/sh.c 's.replace("\"DescribeHub\"", "\"DescribeHubs\"")'
expect_fail "typo" "SecurityHub has no operation 'DescribeHubs' in botocore"

# A call whose operation or service cannot be worked out.
fresh
cat >"$TMP/m/lib/extra.c" <<'C'
#include "aws.h"
struct aws_req *
extra_call(struct aws *a, const struct aws_call *c, struct sm_err *err)
{
	return aws_call(a, c, NULL, NULL, err);
}
C
expect_fail "call through a pointer" "cannot attribute this aws_call"
fresh
cat >"$TMP/m/lib/extra.c" <<'C'
#include "aws.h"
struct extra { const char *op; };
struct aws_req *
extra_call(struct aws *a, struct extra *x, struct sm_err *err)
{
	struct aws_call c = { .service_label = "GuardDuty", .op = x->op };

	return aws_call(a, &c, NULL, NULL, err);
}
C
expect_fail "operation from a struct" "cannot attribute this aws_call"
fresh
cat >>"$TMP/m/lib/sources/waf.c" <<'C'
static int (*waf_call_fp)(struct waf_poll *, const char *, json_t *,
    struct sm_err *) = waf_call;
C
expect_fail "wrapper taken by address" \
	"waf_call is used other than by a call (a function pointer?)"
fresh
edit lib/sources/cw.c 's.replace("\"CloudWatch\"", "\"CloudWatcher\"")'
expect_fail "unknown service" "service 'CloudWatcher' is not a botocore serviceId"
fresh
cat >"$TMP/m/lib/extra.c" <<'C'
#include "aws.h"
#define EXTRA_CALL(a, c) aws_call((a), (c), NULL, NULL, NULL)
C
expect_fail "call hidden in a macro" "aws_call in a preprocessor line"
fresh
edit lib/sink-sns.c 's.replace("query_new(\"Publish\"", "query_new(\"PublishBatch\"")'
expect_fail "query Action differs from .op" \
	"query_new('PublishBatch', '2010-03-31') sends an Action not called"

# An operation no longer called: the policy allows too much.
fresh
edit lib/sources/gd.c 's.replace("\"GetFindingsStatistics\"", "\"GetFindings\"")'
expect_fail "call removed" \
	"guardduty:GetFindingsStatistics is allowed but the code never calls it"

# The policies themselves.
fresh
edit conf/iam-policy.json 's.replace("\"guardduty:ListFindings\"", "\"guardduty:List*\"")'
expect_fail "wildcard action" "action 'guardduty:List*' is not service:Operation"
fresh
edit conf/member-role-policy.json 's.replace("\"cloudwatch:DescribeAlarms\"", "\"cloudwatch:*\"")'
expect_fail "wildcard action (member)" "action 'cloudwatch:*' is not service:Operation"
fresh
edit conf/iam-policy.json 's.replace("\"sns:Publish\"", "\"sns:Publish\", \"sns:DeleteTopic\"")'
expect_fail "extra action" "sns:DeleteTopic is allowed but the code never calls it"
fresh
edit conf/iam-policy.json 's.replace("\"sts:AssumeRole\"", "\"sts:AssumeRole\", \"sts:AssumeRoleWithWebIdentity\"")'
expect_fail "no-permission action listed" \
	"sts:AssumeRoleWithWebIdentity needs no permission"
fresh
edit conf/iam-policy.json 's.replace("\"guardduty:GetFindings\",", "")'
expect_fail "action missing" "guardduty:GetFindings (called at lib/sources/gd.c:"
fresh
edit conf/member-role-policy.json 's.replace("\"securityhub:DescribeStandardsControls\"", "\"securityhub:DescribeStandards\"")'
expect_fail "dependent action missing" \
	"securityhub:DescribeStandardsControls is needed by"
fresh
edit conf/member-role-policy.json 's.replace("\"cloudwatch:GetMetricData\"", "\"cloudwatch:GetMetricData\", \"sns:Publish\"")'
expect_fail "SNS in the member role" "sns:Publish does not belong in the member role"
fresh
edit conf/iam-policy.json 's.replace("arn:aws:sns:*:ACCOUNT_ID:TOPIC_NAME", "*")'
expect_fail "SNS on every topic" "sns actions on \"*\""
fresh
edit conf/iam-policy.json 's.replace("arn:aws:iam::*:role/secmond-member", "*")'
expect_fail "AssumeRole on every role" "sts actions on \"*\""
fresh
edit conf/iam-policy.json 's.replace("2012-10-17", "2008-10-17")'
expect_fail "old Version" "Version is '2008-10-17', not 2012-10-17"
fresh
edit conf/member-role-policy.json 's.rstrip()[:-1]'
expect_fail "broken JSON" "member-role-policy.json: does not parse"
fresh
edit conf/member-role-trust.json '__import__("re").sub(r",\s*\"Condition\".*?\}\s*\}", "", s, flags=__import__("re").S)'
expect_fail "no external id" "no Condition StringEquals sts:ExternalId"
fresh
edit conf/member-role-trust.json 's.replace("arn:aws:iam::SECMOND_ACCOUNT_ID:role/secmond", "*")'
expect_fail "anyone may assume" "principal '*' is not one IAM role ARN"
exit 0
