# fakecli.sh: helpers for the tests that drive the fake AWS directly (with
# the AWS CLI and botocore), sourced after T (a temp dir) is set:
# start_fake / stop_fake (fd 3 carries the fake's stdout; no sleeps), and
# py, which runs python with admin()/state()/load()/check() and URL set.

# start_fake SCENARIO [ARGS...]: start the fake, read its "listening" line
# from fd 3; sets URL and FAKE_PID.
start_fake() {
	exec 3< <(exec "$PYTHON" "$FAKEAWS" --scenario "$1" \
		--log "$T/requests.log" "${@:2}" 2>>"$T/fake.err")
	FAKE_PID=$!
	local line
	read -r -t 60 -u 3 line || fail "fake did not start: $(cat "$T/fake.err")"
	case $line in
	"fakeaws listening on http"*://127.0.0.1:*) URL=${line##* } ;;
	*) fail "unexpected first line from the fake: $line" ;;
	esac
}

# stop_fake: SIGTERM, then wait (bounded) for its stdout to close and for
# its exit status, which must be 0.
stop_fake() {
	kill -TERM "$FAKE_PID" || fail "fake died early: $(cat "$T/fake.err")"
	local _ rc
	while :; do
		read -r -t 10 -u 3 _
		rc=$?
		[ "$rc" -eq 0 ] || break
	done
	[ "$rc" -gt 128 ] && fail "fake did not exit on SIGTERM"
	exec 3<&-
	wait "$FAKE_PID"
	rc=$?
	FAKE_PID=
	[ "$rc" -eq 0 ] || fail "fake exited with $rc on SIGTERM"
	! grep -q Traceback "$T/fake.err" || fail "fake crashed: $(cat "$T/fake.err")"
}

# py CODE ARGS...: python with the helpers below; sys.argv[1:] = ARGS.
PYLIB='
import json, os, sys, urllib.request
def admin(method, path, body=None, tries=3):
    # The admin API is not what is tested: a reset connection is retried
    # (reads only: a step or a fault must not be applied twice).
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(URL + path, data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        return {"http_error": e.code}
    except (ConnectionError, urllib.error.URLError):
        if tries <= 1 or method != "GET":
            raise
        return admin(method, path, body, tries - 1)
def state(region="us-east-1"):
    return admin("GET", "/_fake/state")["guardduty"][region]
def load(path):
    with open(path) as fh:
        return json.load(fh)
def check(cond, what):
    if not cond:
        sys.exit("check failed: " + what)
'
py() {
	local code=$1
	shift
	"$PYTHON" -c "URL = '$URL'
$PYLIB
$code" "$@"
}
