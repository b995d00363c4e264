#!/bin/bash
# full-poll.sh: one full poll of a large estate (10,000 GuardDuty findings,
# >= 3,000 Security Hub control findings, 1,000 CloudWatch alarms) served by
# the fake AWS, first by `secmond --once`, then by the AWS CLI making the
# same calls; prints wall time, CPU seconds, peak RSS, API calls and
# processes side by side. See tests/bench/README.md. Run with `make bench`.
#
# Environment: B (build dir, default build), PYTHON (with botocore), AWS_CLI
# (default: the real `aws` behind a pyenv shim, else `aws` on PATH),
# BENCH_GD / BENCH_SH / BENCH_ALARMS (estate size), BENCH_STOCK_FAKE=1 (the
# unmodified fake: its GuardDuty calls then cost ~0.2 s each), BENCH_JSON
# (also write the figures there), BENCH_ONLY=secmond|cli.
# Every wait is bounded; everything started is stopped on exit.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-build}
SECMOND="$TOP/$B/secmond"
. "$TOP/tests/lib/python.sh"
export TOP B SECMOND PYTHON
BENCH="$TOP/tests/bench"
if [ "${BENCH_STOCK_FAKE:-0}" = 1 ]; then
	FAKEAWS="$TOP/tests/fakeaws/fakeaws.py"
else
	FAKEAWS="$BENCH/fastfake.py"
fi
export FAKEAWS
REGION=us-east-1

# The integration tests' helpers: a temp dir removed on exit, the fake's
# credentials in the environment and no host AWS configuration, start_fake
# (reads the "fakeaws listening on URL" line, 30 s at most), write_conf.
. "$TOP/tests/lib/common.sh"
LOG="$TMP/secmond.log"

[ -x "$SECMOND" ] || fail "$SECMOND not built (make all)"
if [ -z "${AWS_CLI:-}" ]; then
	AWS_CLI=$(pyenv which aws 2>/dev/null) || AWS_CLI=$(command -v aws) ||
		fail "the AWS CLI (aws) is not installed"
fi
"$PYTHON" -c 'import botocore' 2>/dev/null || fail "$PYTHON has no botocore"

# The CLI (and secmond) read no host files: HOME, config and credentials
# files are the temp dir's.
export HOME="$TMP/home"
mkdir -p "$HOME"
printf '[default]\nregion = %s\noutput = json\n' "$REGION" >"$TMP/aws-config"
: >"$TMP/aws-credentials"
export AWS_CONFIG_FILE="$TMP/aws-config"
export AWS_SHARED_CREDENTIALS_FILE="$TMP/aws-credentials"
export AWS_PAGER=""

echo "== generating the scenario" >&2
"$PYTHON" "$BENCH/gen-scenario.py" --region "$REGION" \
	--guardduty "${BENCH_GD:-10000}" --securityhub "${BENCH_SH:-3000}" \
	--alarms "${BENCH_ALARMS:-1000}" -o "$TMP/scenario.json" ||
	fail "scenario generation failed"

echo "== starting the fake AWS ($(basename "$FAKEAWS"))" >&2
start_fake "$TMP/scenario.json"

# All three sources, one region, every finding (min_severity = 0), AWS's
# own quotas (rate_limit_factor = 1.0, the largest allowed).
REGIONS=$REGION GD_ENABLED=yes SH_ENABLED=yes CW_ENABLED=yes MIN_SEVERITY=0 \
	HTTP_TIMEOUT=60s write_conf
sed -i 's/^\[aws\]$/[aws]\nrate_limit_factor = 1.0/' "$CONF"
"$SECMOND" -t -c "$CONF" >/dev/null 2>&1 || fail "bad config: $("$SECMOND" -t -c "$CONF" 2>&1)"

# The whole measurement is bounded too (each process has its own timeout).
timeout -k 10 3600 "$PYTHON" "$BENCH/measure.py" --url "$FAKE_URL" \
	--region "$REGION" --conf "$CONF" --secmond "$SECMOND" --aws "$AWS_CLI" \
	--fake-pid "$FAKE_PID" --fake-log "$TMP/fake.log" --work "$TMP" \
	--ratelimit-c "$TOP/lib/aws/ratelimit.c" \
	${BENCH_JSON:+--json "$BENCH_JSON"} ${BENCH_ONLY:+--only "$BENCH_ONLY"} \
	$([ "${BENCH_STOCK_FAKE:-0}" = 1 ] && echo --stock-fake)
rc=$?
[ "$rc" -eq 0 ] || fail "the benchmark failed (rc $rc); fake errors: $(tail -n 5 "$TMP/fake.err")"
