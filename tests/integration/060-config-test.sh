#!/bin/bash
# secmond -t: "configuration OK" and exit 0 for a good file (the shipped
# example among them); every error as file:line: message and exit 1 for a
# bad one, drop-ins included; unknown keys are errors.
. "$TOP/tests/lib/common.sh"

out=$("$SECMOND" -t -c "$TOP/conf/secmond.conf" 2>&1) ||
	fail "the example config fails: $out"
[ "$out" = "$TOP/conf/secmond.conf: configuration OK" ] || fail "unexpected: $out"

mkdir -p "$TMP/etc/conf.d"
cat >"$TMP/etc/secmond.conf" <<'CONF'
[daemon]
state_dir = relative/path
colour = blue

[aws]
regions = us-east-1

[guardduty]
interval = 5 minutes
CONF
cat >"$TMP/etc/conf.d/10-more.conf" <<'CONF'
[guardduty]
min_severity = 11

[nonsense]
CONF
out=$("$SECMOND" -t -c "$TMP/etc/secmond.conf" 2>&1)
rc=$?
[ "$rc" -eq 1 ] || fail "bad config: exit $rc, expected 1"
for want in "$TMP/etc/secmond.conf:2: " "$TMP/etc/secmond.conf:3: " \
	"$TMP/etc/secmond.conf:9: " "$TMP/etc/conf.d/10-more.conf:2: " \
	"$TMP/etc/conf.d/10-more.conf:4: "; do
	grep -qF -- "$want" <<<"$out" || fail "no error at ${want% }: $out"
done
grep -q "colour" <<<"$out" || fail "the unknown key is not named: $out"
[ "$(wc -l <<<"$out")" -eq 5 ] || fail "expected exactly 5 errors: $out"

out=$("$SECMOND" -t -c "$TMP/missing.conf" 2>&1)
[ $? -eq 1 ] || fail "missing file accepted"
grep -q "$TMP/missing.conf: cannot open" <<<"$out" || fail "missing file: $out"

"$SECMOND" -h | grep -q -- "--once" || fail "--help lacks --once"
"$SECMOND" -V | grep -q "^secmond [0-9]" || fail "-V"
"$SECMOND" --bogus >/dev/null 2>&1 && fail "a bad option was accepted"
exit 0
