#!/bin/bash
# secmonctl's posture views (score, controls, alarms, findings) against a
# stand-in daemon on a Unix socket that answers canned JSON: the tables for
# people (headers, rows, levels, change signs, the sparkline in UTF-8 and
# in ASCII, a reason cut to a terminal), --json equal to the canned data,
# the options checked before sending (exit 2), an error answer (exit 1), a
# malformed one (exit 3), and a hostile one (wrong types, control
# characters, huge numbers) that must neither crash nor reach the terminal.
. "$TOP/tests/lib/common.sh"

STANDIN_SOCK="$TMP/standin.sock"
REQS="$TMP/requests.log"

cat >"$TMP/standin.py" <<'PY'
import json, os, socket, sys, time

path, reqlog, outdir = sys.argv[1], sys.argv[2], sys.argv[3]

def ago(sec):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - sec))

CIS = "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/1.4.0"
FSBP = "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0"
PCI = "arn:aws:securityhub:us-east-1::standards/pci-dss/v/3.2.1"

def std(arn, name, score, prev, change, p, f):
    return {"standard": arn, "name": name, "score": score, "previous": prev,
            "change": change, "passed": p, "failed": f, "unknown": 0,
            "no_data": 2, "disabled": 1}

def series(*scores):
    return [[ago(86400 * (len(scores) - i)), s] for i, s in enumerate(scores)]

SCORE = {
    "score_target": 75.0,
    "levels": [{"level": 1, "score": 37}, {"level": 2, "score": 75},
               {"level": 3, "score": 90}],
    "targets": [{
        "account": "111111111111", "region": "us-east-1", "at": ago(300),
        # the overall score second: secmonctl shows it first all the same
        "standards": [
            std(CIS, "CIS AWS Foundations Benchmark v1.4.0", 62.5, 65.5, -3.0, 25, 15),
            std("overall", "overall", 78.4, 77.2, 1.2, 140, 38),
            std(FSBP, "AWS Foundational Security Best Practices v1.0.0", 92.0, None, None, 115, 10),
            std(PCI, "PCI DSS v3.2.1", 30.0, 30.0, 0.0, 9, 21),
        ],
        "history": {
            "overall": series(0, 25, 50, 75, 100),
            CIS: series(None, 65.5, 62.5),
            FSBP: series(92.0),
            PCI: [],
        },
    }],
}

CONTROLS = {"controls": [
    {"account": "111111111111", "region": "us-east-1", "id": "IAM.6",
     "title": "Hardware MFA should be enabled for the root user",
     "severity": "CRITICAL", "status": "FAILED", "failed_resources": 1,
     "standards": [FSBP], "since": ago(3 * 86400 + 4 * 3600)},
    {"account": "111111111111", "region": "us-east-1", "id": "S3.8",
     "title": "S3 general purpose buckets should block public access",
     "severity": "HIGH", "status": "FAILED", "failed_resources": 12,
     "standards": [FSBP, CIS], "since": ago(300)},
    {"account": "111111111111", "region": "us-east-1", "id": "CloudTrail.1",
     "title": "CloudTrail should be enabled", "severity": "HIGH",
     "status": "PASSED", "failed_resources": 0, "standards": [CIS],
     "since": None},
]}

LONG_REASON = ("Threshold Crossed: 1 out of the last 1 datapoints "
               "[5.0 (23/11/26 10:30:00)] was greater than or equal to the "
               "threshold (1.0) (minimum 1 datapoint for OK -> ALARM "
               "transition). END-OF-REASON")
ALARMS = {
    "alarms": [
        {"account": "111111111111", "region": "us-east-1",
         "name": "root-login", "type": "metric", "state": "ALARM",
         "since": ago(300), "reason": LONG_REASON,
         "arn": "arn:aws:cloudwatch:us-east-1:111111111111:alarm:root-login"},
        {"account": "111111111111", "region": "us-east-1",
         "name": "ct-changes", "type": "composite", "state": "OK",
         "since": ago(7200), "reason": "all children OK",
         "arn": "arn:aws:cloudwatch:us-east-1:111111111111:alarm:ct-changes"},
    ],
    "transitions": [
        {"account": "111111111111", "region": "us-east-1",
         "name": "root-login", "from": "OK", "to": "ALARM", "at": ago(300),
         "reason": LONG_REASON},
        {"account": "111111111111", "region": "us-east-1",
         "name": "ct-changes", "from": None, "to": "OK", "at": ago(7200),
         "reason": "new"},
    ],
}

FINDINGS = {"min_severity": 4.0, "findings": [
    {"account": "111111111111", "region": "us-east-1", "id": "f1",
     "type": "UnauthorizedAccess:EC2/SSHBruteForce",
     "title": "SSH brute force attacks against i-0abc", "severity": 8.5,
     "band": "high", "updated_at": ago(300), "count": 42,
     "first_seen": ago(86400)},
    {"account": "111111111111", "region": "eu-west-1", "id": "f2",
     "type": "Recon:EC2/PortProbeUnprotectedPort",
     "title": "Unprotected port on i-0def is being probed", "severity": 5.0,
     "band": "medium", "updated_at": ago(7200), "count": 3,
     "first_seen": ago(86400)},
]}

HELP = {"commands": [
    {"name": n, "usage": n + " [x=y]", "help": n + " from the daemon",
     "admin": n == "poll", "args": []}
    for n in ("alarms", "controls", "findings", "help", "poll", "score",
              "status")]}

ESC = "\x1b[31mRED\x07\x9b\u202e"
HOSTILE = {
    "score": {"score_target": "high",
              "levels": [{"level": "x", "score": 37}, 5, None,
                         {"level": 9223372036854775807, "score": 1e300}],
              "targets": [5, "x", None, {
                  "account": ESC, "region": ["x"], "at": 12,
                  "standards": [None, 7, {"standard": {"a": 1}, "name": ESC,
                      "score": "90", "change": 1e300,
                      "passed": -9223372036854775808, "failed": "many"},
                      {"standard": "overall", "score": -1e300,
                       "change": -1e300, "unknown": 1.5}],
                  "history": {"overall": [[1, 2, 3], "x", None,
                      [None, 1e308], [0, -5], 50.0, [ESC, ESC]]}},
                  {"standards": {"overall": 1}, "history": []}]},
    "controls": {"controls": [1, "s", None, [], {"account": {"x": 1},
        "id": ESC, "title": "\x1b]0;pwned\x07", "severity": 3,
        "failed_resources": 1e300, "since": "not a time\x01"}]},
    "alarms": {"alarms": {"a": 1}, "transitions": [{"from": 5,
        "to": "\x9bALARM", "name": ESC, "at": "9999-12-31T23:59:59Z"},
        [], "x", None]},
    "findings": {"min_severity": "x", "findings": [{"severity": 1e300,
        "band": "\x1b[5m", "count": 9223372036854775807, "title": ESC,
        "updated_at": None}, {"severity": "8"}, 42, None]},
}

CANNED = {"score": SCORE, "controls": CONTROLS, "alarms": ALARMS,
          "findings": FINDINGS, "help": HELP, "poll": {"started": 2}}
for name, data in CANNED.items():
    with open(os.path.join(outdir, "canned-%s.json" % name), "w") as f:
        json.dump(data, f)
for name, data in HOSTILE.items():
    with open(os.path.join(outdir, "hostile-%s.json" % name), "w") as f:
        json.dump(data, f)

def answer(req):
    cmd, args = req.get("cmd"), req.get("args", {})
    acct = args.get("account")
    if acct == "error":
        return json.dumps({"ok": False, "error": {"code": "bad_args",
            "message": "no such account \x1b[2J"}})
    if acct == "notjson":
        return '{"ok": true, "data": '
    if acct == "huge":   # past what a double holds: not valid for jansson
        return '{"ok": true, "data": {"min_severity": 1e400, "findings": []}}'
    if acct == "notobject":
        return json.dumps({"ok": True, "data": [1, 2]})
    if acct == "hostile":
        return json.dumps({"ok": True, "data": HOSTILE[cmd]})
    if cmd not in CANNED:
        return json.dumps({"ok": False, "error": {"code": "unknown_command",
            "message": "unknown command"}})
    data = json.loads(json.dumps(CANNED[cmd]))
    if cmd == "score" and not args.get("history"):
        for t in data["targets"]:
            del t["history"]
    if cmd == "findings" and "min_severity" in args:
        data["min_severity"] = args["min_severity"]
    return json.dumps({"ok": True, "data": data})

srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(8)
print("listening " + path, flush=True)
while True:
    c, _ = srv.accept()
    with c, c.makefile("rb") as f:
        line = f.readline()
        with open(reqlog, "a") as log:
            log.write(line.decode())
        c.sendall(answer(json.loads(line)).encode() + b"\n")
PY

exec {STANDIN_FD}< <(exec "$PYTHON" "$TMP/standin.py" "$STANDIN_SOCK" \
	"$REQS" "$TMP" 2>>"$TMP/standin.err")
PIDS+=("$!")
read -r -t 30 -u "$STANDIN_FD" line ||
	fail "stand-in did not start: $(cat "$TMP/standin.err")"

# run NAME EXPECTED_RC ARGS...: secmonctl's stdout in $TMP/NAME.out,
# stderr in $TMP/NAME.err, its exit status checked.
run() {
	local name=$1 want=$2 rc
	shift 2
	"$SECMONCTL" -s "$STANDIN_SOCK" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
	rc=$?
	[ "$rc" -eq "$want" ] || fail "secmonctl $*: exit $rc, not $want:
$(cat "$TMP/$name.out" "$TMP/$name.err")"
}

# has NAME TEXT...: each TEXT is in NAME's output (fixed strings).
has() {
	local name=$1 s
	shift
	for s in "$@"; do
		grep -qF -- "$s" "$TMP/$name.out" ||
			fail "'$s' not in the output of $name:
$(cat "$TMP/$name.out")"
	done
}

# row NAME REGEX: a line of NAME's output matches (extended regex).
row() {
	grep -qE -- "$2" "$TMP/$1.out" ||
		fail "no line matching '$2' in $1:
$(cat "$TMP/$1.out")"
}

# same_json NAME CANNED: NAME's output parses and equals the canned data.
same_json() {
	"$PYTHON" - "$TMP/$1.out" "$TMP/$2.json" <<'PY' || fail "$1: --json differs from $2"
import json, sys
got = json.load(open(sys.argv[1]))
want = json.load(open(sys.argv[2]))
assert got == want, (got, want)
PY
}

# last_args: the args of the last request the stand-in got, as JSON.
last_args() {
	tail -n 1 "$REQS" | jq_py 'json.dumps(d["args"], sort_keys=True)'
}

export LC_ALL=C.UTF-8
if [ "$(locale charmap 2>/dev/null)" != UTF-8 ]; then
	echo "skip: no C.UTF-8 locale"
	exit 77
fi

# --- score
run score 0 score
has score "maturity levels: Level 1 at 37, Level 2 (the target) at 75, Level 3 at 90" \
	"111111111111/us-east-1, polled 5m ago"
row score '^STANDARD +SCORE +CHANGE +LEVEL +TARGET +PASSED +FAILED +UNKNOWN +NO DATA +DISABLED$'
row score '^overall +78\.4 +\+1\.2 +Level 2 +met +140 +38 +0 +2 +1$'
row score '^CIS AWS Foundations Benchmark v1\.4\.0 +62\.5 +-3\.0 +Level 1 +below +25 +15 '
row score '^AWS Foundational Security Best Practices v1\.0\.0 +92\.0 +- +Level 3 +met '
row score '^PCI DSS v3\.2\.1 +30\.0 +0\.0 +below Level 1 +below '
[ "$(sed -n 5p "$TMP/score.out" | cut -c1-7)" = overall ] ||
	fail "the overall row is not first: $(cat "$TMP/score.out")"
grep -q TREND "$TMP/score.out" && fail "a trend without --history"
[ "$(last_args)" = '{}' ] || fail "score sent $(last_args)"

run score-h 0 score --history --account 111111111111
[ "$(last_args)" = '{"account": "111111111111", "history": true}' ] ||
	fail "score --history sent $(last_args)"
row score-h 'DISABLED +TREND$'
row score-h '^overall .* ▁▃▅▆█$'
row score-h '^CIS .* 1 + ▆▅$'
"$PYTHON" - "$TMP/score-h.out" <<'PY' || fail "the trend of a gap: $(cat "$TMP/score-h.out")"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
col = lines[3].index("TREND")
assert lines[4][col:] == "\u2581\u2583\u2585\u2586\u2588", lines[4]
assert lines[5][col:] == " \u2586\u2585", lines[5]  # null: a gap
PY
row score-h '^AWS Foundational .* 1 +▇$'
row score-h '^PCI DSS .* 1 +-$'

LC_ALL=C run score-ascii 0 score --history
row score-ascii "^overall .* _\\.--'\$"
LC_ALL=C grep -q $'\xe2' "$TMP/score-ascii.out" &&
	fail "UTF-8 in the C locale: $(cat "$TMP/score-ascii.out")"

# Options before, after, with =; --json before or after the command.
run score-j1 0 --json score --history
same_json score-j1 canned-score
run score-j2 0 score --region=us-east-1 --json --history
same_json score-j2 canned-score
[ "$(last_args)" = '{"history": true, "region": "us-east-1"}' ] ||
	fail "score --region= sent $(last_args)"

# --- controls
run controls 0 controls --failed --account 111111111111
[ "$(last_args)" = '{"account": "111111111111", "failed": true}' ] ||
	fail "controls sent $(last_args)"
row controls '^ACCOUNT +REGION +CONTROL +SEVERITY +STATUS +FAILED RESOURCES +SINCE +TITLE$'
row controls '^111111111111 +us-east-1 +IAM\.6 +CRITICAL +FAILED +1 +3d04h ago +Hardware MFA should be enabled for the root user$'
row controls '^111111111111 +us-east-1 +S3\.8 +HIGH +FAILED +12 +5m ago +S3 general'
row controls '^111111111111 +us-east-1 +CloudTrail\.1 +HIGH +PASSED +0 +- +CloudTrail should be enabled$'
has controls "3 control(s), 2 failed"
[ "$(grep -n IAM.6 "$TMP/controls.out" | cut -d: -f1)" = 2 ] ||
	fail "controls not in the daemon's order"
run controls-j 0 controls --json
same_json controls-j canned-controls

# --- alarms
run alarms 0 alarms --state alarm
[ "$(last_args)" = '{"state": "ALARM"}' ] || fail "alarms sent $(last_args)"
row alarms '^ACCOUNT +REGION +ALARM +TYPE +STATE +SINCE +REASON$'
row alarms '^111111111111 +us-east-1 +root-login +metric +ALARM +5m ago +Threshold Crossed: .* END-OF-REASON$'
row alarms '^111111111111 +us-east-1 +ct-changes +composite +OK +2h00m ago +all children OK$'
has alarms "2 alarm(s), 1 in ALARM" "latest transitions:"
row alarms '^AT +ACCOUNT +REGION +ALARM +TRANSITION$'
row alarms '^5m ago +111111111111 +us-east-1 +root-login +OK -> ALARM$'
row alarms '^2h00m ago +111111111111 +us-east-1 +ct-changes +- -> OK$'
run alarms-j 0 alarms --json
same_json alarms-j canned-alarms

# On a terminal 100 columns wide the reason is cut to fit.
"$PYTHON" - "$SECMONCTL" "$STANDIN_SOCK" <<'PY' || fail "alarms on a terminal"
import fcntl, os, pty, struct, subprocess, sys, termios
master, slave = pty.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
p = subprocess.Popen([sys.argv[1], "-s", sys.argv[2], "alarms"],
                     stdout=slave, stderr=subprocess.PIPE)
os.close(slave)
out = b""
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
assert p.wait(timeout=30) == 0, p.stderr.read()
lines = out.decode().replace("\r", "").split("\n")
row = [l for l in lines if "root-login" in l and "metric" in l]
assert len(row) == 1 and row[0].endswith("..."), lines
assert "END-OF-REASON" not in out.decode(), lines
assert all(len(l) <= 100 for l in lines), lines
PY

# --- findings
run findings 0 findings --min-severity high
[ "$(last_args)" = '{"min_severity": 7.0}' ] ||
	fail "findings --min-severity high sent $(last_args)"
run findings 0 findings --account 111111111111 --min-severity 4
[ "$(last_args)" = '{"account": "111111111111", "min_severity": 4.0}' ] ||
	fail "findings --min-severity 4 sent $(last_args)"
row findings '^SEVERITY +ACCOUNT +REGION +TYPE +COUNT +UPDATED +TITLE$'
row findings '^8\.5 high +111111111111 +us-east-1 +UnauthorizedAccess:EC2/SSHBruteForce +42 +5m ago +SSH brute force attacks against i-0abc$'
row findings '^5\.0 medium +111111111111 +eu-west-1 +Recon:EC2/PortProbeUnprotectedPort +3 +2h00m ago +Unprotected'
has findings "2 active finding(s) at or above severity 4.0"
run findings-j 0 findings --json
same_json findings-j canned-findings

# --- usage errors (exit 2), nothing sent
n=$(wc -l <"$REQS")
run u1 2 score --bogus
grep -qF -- "unknown option '--bogus'" "$TMP/u1.err" || fail "u1: $(cat "$TMP/u1.err")"
run u2 2 findings --min-severity 11
grep -qF -- "--min-severity '11'" "$TMP/u2.err" || fail "u2: $(cat "$TMP/u2.err")"
run u3 2 findings --min-severity extreme
run u4 2 findings --min-severity
grep -qF -- "needs a value" "$TMP/u4.err" || fail "u4: $(cat "$TMP/u4.err")"
run u5 2 alarms --state PANIC
run u6 2 controls --failed=yes
run u7 2 score extra
grep -qF -- "unexpected argument 'extra'" "$TMP/u7.err" || fail "u7: $(cat "$TMP/u7.err")"
run u8 2 controls --account ""
run u9 2 findings -x
[ "$(wc -l <"$REQS")" -eq "$n" ] || fail "a usage error reached the daemon"

# --- help: the daemon's commands, with secmonctl's options
run help 0 help
has help "score [--history] [--account A] [--region R]" \
	"controls [--failed] [--account A] [--region R]" \
	"alarms [--state OK|ALARM|INSUFFICIENT_DATA] [--account A] [--region R]" \
	"findings [--min-severity S] [--account A] [--region R]" \
	"score from the daemon" "poll from the daemon (admin)"
"$SECMONCTL" --help >"$TMP/usage.out" || fail "--help failed"
has usage "score [--history] [--account A] [--region R]" \
	"controls [--failed] [--account A] [--region R]" \
	"alarms [--state OK|ALARM|INSUFFICIENT_DATA] [--account A] [--region R]" \
	"findings [--min-severity S] [--account A] [--region R]"
run poll 0 poll --json guardduty
[ "$(last_args)" = '{"source": "guardduty"}' ] || fail "poll sent $(last_args)"

# --- the daemon's error (exit 1, escaped), malformed answers (exit 3)
run err 1 score --account error
grep -qF 'bad_args: no such account \x1b[2J' "$TMP/err.err" ||
	fail "error not shown escaped: $(cat -v "$TMP/err.err")"
run err-j 1 --json findings --account error
jq_py 'd["error"]["code"]' <"$TMP/err-j.out" | grep -qx bad_args ||
	fail "--json error: $(cat "$TMP/err-j.out")"
run bad1 3 alarms --account notjson
run bad2 3 findings --account huge
run bad3 3 controls --account notobject
grep -qF "malformed reply" "$TMP/bad3.err" || fail "bad3: $(cat "$TMP/bad3.err")"

# --- a hostile daemon: no crash, no control character reaches stdout
for cmd in score controls alarms findings; do
	opt=()
	[ "$cmd" = score ] && opt=(--history)
	run "hostile-$cmd" 0 "$cmd" --account hostile "${opt[@]}"
	LC_ALL=C run "hostile-$cmd-c" 0 "$cmd" --account hostile "${opt[@]}"
done
"$PYTHON" - "$TMP" <<'PY' || fail "control characters in the output"
import re, sys
for name in ("score", "controls", "alarms", "findings", "score-c",
             "controls-c", "alarms-c", "findings-c"):
    cmd = name
    out = open("%s/hostile-%s.out" % (sys.argv[1], name), "rb").read()
    bad = re.search(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80\xae", out)
    assert bad is None, (cmd, out)
    assert b"\\x1b" in out, (cmd, out)
PY
has hostile-score '\x1b[31mRED\x07\u009b\u202e' "-1e+300" "Level 9223372036854775807"
has hostile-controls '\x1b]0;pwned\x07' "not a time\x01"
has hostile-alarms "no alarms" '- -> \u009bALARM'
has hostile-findings "1e+300 \x1b[5m" "9223372036854775807" \
	"2 active finding(s) at or above severity -"
for cmd in score controls alarms findings; do
	run "hostile-$cmd-j" 0 "$cmd" --account hostile --json
	same_json "hostile-$cmd-j" "hostile-$cmd"
done
exit 0
