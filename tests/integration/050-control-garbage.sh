#!/bin/bash
# The control socket under abuse: malformed JSON, binary garbage, an
# oversized line and too many clients each get a clear error (and the bad
# connections are closed); an unknown command is an error; the daemon keeps
# answering throughout.
. "$TOP/tests/lib/common.sh"

start_fake "$TOP/tests/fakeaws/scenarios/demo.json"
REGIONS=us-east-1 write_conf
start_daemon
wait_polls 1

"$PYTHON" - "$SOCK" <<'PY' || fail "socket abuse"
import json, socket, sys
path = sys.argv[1]

def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    return s

def reply_then_close(payload, code):
    s = conn()
    s.sendall(payload)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    line = data.split(b"\n")[0]
    r = json.loads(line)
    assert r["ok"] is False and r["error"]["code"] == code, (payload[:40], r)
    s.close()

reply_then_close(b"this is not json\n", "bad_json")
reply_then_close(b"\x00\xff\xfe binary\n", "bad_json")
reply_then_close(b"[1,2,3]\n", "bad_request")
reply_then_close(b"x" * 70000, "request_too_large")

# A well-formed but unknown command keeps the connection usable.
s = conn()
s.sendall(b'{"v":1,"cmd":"nosuch"}\n{"v":1,"cmd":"status"}\n')
f = s.makefile("rb")
r1 = json.loads(f.readline())
r2 = json.loads(f.readline())
assert r1["error"]["code"] == "unknown_command", r1
assert r2["ok"] is True and "sources" in r2["data"], r2
s.close()

# Past the client limit: "busy", while held clients still get answers.
held = [conn() for _ in range(40)]
busy = 0
for c in held:
    c.sendall(b'{"v":1,"cmd":"help"}\n')
for c in held:
    line = c.makefile("rb").readline()
    r = json.loads(line)
    if not r["ok"]:
        assert r["error"]["code"] == "busy", r
        busy += 1
assert busy > 0, "no client was turned away"
for c in held:
    c.close()
PY

out=$(ctl nosuchcommand 2>&1)
rc=$?
[ "$rc" -eq 1 ] || fail "unknown command: exit $rc, expected 1 ($out)"
grep -q "unknown" <<<"$out" || fail "unknown command not explained: $out"
kill -0 "$SECMOND_PID" || fail "secmond died"
ctl status >/dev/null || fail "status after the abuse"
ctl --json status | jq_py "d['sources'][0]['state']" | grep -qx ok ||
	fail "status not ok after the abuse"
stop_daemon
