#!/bin/bash
# The manual matches the programs: `mandoc -T lint` finds nothing in any
# page; every option of `secmond --help` and `secmonctl --help` is in its
# page; every command secmonctl lists, with its options, is in
# secmonctl(8), and so is every command the running daemon answers
# (`secmonctl help`); every journal MESSAGE_ID of lib/alert.h is in
# secmond(8). (Every config key in secmond.conf(5): test_conf.)
. "$TOP/tests/lib/common.sh"
command -v mandoc >/dev/null || { echo "skip: mandoc not installed"; exit 77; }
out=$(mandoc -T lint -W warning "$TOP"/man/*.[58] 2>&1)
[ -z "$out" ] || fail "mandoc -T lint: $out"

start_fake "$TOP/tests/fakeaws/scenarios/minimal.json"
write_conf
start_daemon
ctl --json help >"$TMP/help.json" || fail "secmonctl help"
"$SECMOND" --help >"$TMP/secmond.help" || fail "secmond --help"
"$SECMONCTL" --help >"$TMP/secmonctl.help" || fail "secmonctl --help"
"$PYTHON" - "$TOP" "$TMP" <<'PY' || fail "the manual and the programs disagree"
import json, re, sys
top, tmp = sys.argv[1], sys.argv[2]
page = lambda n: open("%s/man/%s" % (top, n)).read()
bad = []

def options(help_text):
    return set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", help_text))

def fl(opt):
    # -s is "Fl s"; --json is "Fl -json" or "Fl Fl json"
    if opt.startswith("--"):
        return r"\bFl (?:-|Fl )%s\b" % re.escape(opt[2:])
    return r"\bFl %s\b" % re.escape(opt[1:])

def in_page(text, opt):
    return re.search(fl(opt), text)

for prog, man in (("secmond", "secmond.8"), ("secmonctl", "secmonctl.8")):
    text = page(man)
    for opt in sorted(options(open("%s/%s.help" % (tmp, prog)).read())):
        if not in_page(text, opt):
            bad.append("%s: %s is not in %s" % (prog, opt, man))

ctl = page("secmonctl.8")
cmds = ctl[ctl.index(".Sh COMMANDS"):ctl.index(".Sh ENVIRONMENT")]
help_text = open(tmp + "/secmonctl.help").read()
listed = help_text[help_text.index("commands:"):].splitlines()[1:]
seen = set()
for line in listed:
    m = re.match(r"  ([a-z][\w-]*(?: (?:add|list|expire))?)\b(.*)", line)
    if not m or m.group(1) == "command":
        continue
    name = m.group(1)
    seen.add(name.replace(" ", "-"))
    # an entry of its own: ".It Cm ack" or ".It Xo" then ".Cm alarms"
    if not re.search(r"\.It (?:Xo\n\.)?Cm %s\b" % re.escape(name), cmds):
        bad.append("secmonctl %s is not in secmonctl(8) COMMANDS" % name)
    for opt in re.findall(r"--[a-z][\w-]*", m.group(2)):
        if not re.search(fl(opt), cmds):
            bad.append("secmonctl %s %s is not in secmonctl(8)" % (name, opt))
for c in json.load(open(tmp + "/help.json"))["commands"]:
    if c["name"] not in seen:
        bad.append("the daemon's command %s is not a secmonctl command" % c["name"])

ids = re.findall(r'#define ALERT_MSGID_\w+ "([0-9a-f]{32})"', open(top + "/lib/alert.h").read())
assert len(ids) >= 10, ids
for i in ids:
    if i not in page("secmond.8"):
        bad.append("MESSAGE_ID %s is not in secmond(8)" % i)
if bad:
    print("\n".join(bad))
    sys.exit(1)
print("%d commands, %d MESSAGE_IDs checked" % (len(seen), len(ids)))
PY
stop_daemon

# The examples of secmond.conf(5) are a valid config (the last one is
# the drop-in it says it is).
mkdir -p "$TMP/ex/conf.d"
"$PYTHON" - "$TOP/man/secmond.conf.5" "$TMP/ex" <<'PY' || fail "examples"
import re, sys
t = open(sys.argv[1]).read()
ex = t[t.index(".Sh EXAMPLES"):t.index(".Sh SEE ALSO")]
blocks = re.findall(r"\.Bd -literal -offset indent\n(.*?)\n\.Ed", ex, re.S)
assert len(blocks) >= 4, blocks
open(sys.argv[2] + "/secmond.conf", "w").write("\n\n".join(blocks[:-1]) + "\n")
open(sys.argv[2] + "/conf.d/50-debug.conf", "w").write(blocks[-1] + "\n")
PY
"$SECMOND" -t -c "$TMP/ex/secmond.conf" >"$TMP/ex.out" 2>&1 ||
	fail "the examples of secmond.conf(5) are refused: $(cat "$TMP/ex.out")"
