#!/bin/bash
# secmond --calendar and secmonctl calendar against systemd-analyze
# calendar: many expressions (every shorthand, weekday lists and ranges,
# steps on every field, dates with years, Feb 29, the 31st, ones that never
# elapse) in many zones, from base times just before DST changes both ways:
# the output (normalized form, every elapse in the zone and in UTC) must
# be identical, line for line, but systemd's "From now". Then the JSON,
# the host's zone, clear errors, and bad zones refused.
. "$TOP/tests/lib/common.sh"

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "skip: systemd-analyze not installed"
	exit 77
fi

ITER=6
EXPRS=(
	minutely hourly daily weekly monthly quarterly semiannually yearly
	annually
	'Mon..Fri 9:00' 'Sat,Sun 10:30' 'Mon,Wed,Fri 2:30' 'Tue-Thu 23:59:59'
	'sunday 1:30' 'Mon..Wed,Fri..Sun 0:00' 'Fri *-*-8..14 4:00'
	'*:0/15' '*:*:0/20' '0/2:00' '*-*-1/10 12:00' '*-1/3-1'
	'2026..2199/2-01-01 6:00' '*:5..55/10:30' '1..23/4:45'
	'2:30' '1:30' '2:00' '3:00' '2:15' '2:45' '*:30' '*:45:00'
	'1,2,3:0/30' '*-*-* 02:*:00'
	'2026-11-24 9:00' '2027-03-28 2:30' '2026-10-25 1:30'
	'2028-02-29 12:00' '2026..2030-12-31 23:30' '27-01-01'
	'*-02-29' 'Mon *-02-29'
	'*-*-31' '*-*-31 23:59:59' '*-*-29..31 12:00'
	'2001-02-30' 'Mon 2026-11-24' '*-02-30' '2020-01-01' '*-04-31'
	'2199-12-31 23:59:59'
)

# Each zone and its base times: a second, 45 minutes or a day before its
# DST changes of 2026 (both ways; Sao Paulo's of 2018-19), or other moments
# (the ends of February and of a year) without DST.
declare -A BASES=(
	[UTC]="1790000000 1830297599"
	[Asia/Kolkata]="1835395199 1830297599"
	[Pacific/Kiritimati]="1790000000 1798675199"
	[Europe/Berlin]="1774743300 1774659601 1792887300 1792803601"
	[Europe/London]="1774745999 1792887300 1792803601"
	[America/New_York]="1772950500 1772866801 1793512799 1793426401"
	[America/St_Johns]="1772947799 1793504700 1793420999"
	[America/Sao_Paulo]="1541297700 1550368799 1790000000"
	[Australia/Lord_Howe]="1775312100 1775228401 1791041399 1790955001"
	[Pacific/Chatham]="1775311199 1775224801 1790428500 1790344801"
)

# What systemd-analyze prints, less "From now"; its exit status last.
sd_calendar() { # zone base expr [iterations]
	local out rc
	out=$(TZ=$1 systemd-analyze calendar --iterations="${4:-$ITER}" \
		--base-time="@$2" "$3" 2>/dev/null)
	rc=$?
	grep -v '^ *From now:' <<<"$out"
	echo "rc=$rc"
}

# Every expression in one zone from one base, as systemd-analyze prints
# them (a block each, an empty one for an error, blank lines between, no
# "From now"), and the same from secmond, one run per expression.
sd_all() { # zone base
	TZ=$1 systemd-analyze calendar --iterations="$ITER" --base-time="@$2" \
		"${EXPRS[@]}" 2>/dev/null | grep -v '^ *From now:'
}
ours_all() { # zone base
	local i
	for i in "${!EXPRS[@]}"; do
		[ "$i" -gt 0 ] && echo
		"$SECMOND" --calendar "${EXPRS[$i]}" --iterations "$ITER" \
			--timezone "$1" --base-time "@$2" 2>/dev/null
	done
}

# One zone, every base: "n bad" last, the differences before.
compare_zone() { # zone tag
	local base n=0 bad=0
	for base in ${BASES[$1]}; do
		n=$((n + ${#EXPRS[@]}))
		sd_all "$1" "$base" >"$TMP/want.$2"
		ours_all "$1" "$base" >"$TMP/got.$2"
		cmp -s "$TMP/want.$2" "$TMP/got.$2" && continue
		bad=$((bad + 1))
		echo "MISMATCH in $1 from @$base (< systemd-analyze, > secmond):"
		diff "$TMP/want.$2" "$TMP/got.$2" | head -n 20
	done
	echo "$n $bad"
}

# The zones side by side (each a job of its own), then their sums.
i=0 total=0
for zone in "${!BASES[@]}"; do
	compare_zone "$zone" "$i" >"$TMP/zone.$i" 2>&1 &
	i=$((i + 1))
	for base in ${BASES[$zone]}; do total=$((total + ${#EXPRS[@]})); done
done
wait
n=0 bad=0
for f in "$TMP"/zone.*; do
	read -r zn zbad < <(tail -n 1 "$f")
	[ "${zbad:-1}" = 0 ] || head -n -1 "$f" >&2
	n=$((n + ${zn:-0})) bad=$((bad + ${zbad:-1}))
done
echo "$n comparisons with systemd-analyze, $bad runs with differences"
[ "$bad" -eq 0 ] || fail "$bad runs differ from systemd-analyze"
[ "$n" -eq "$total" ] || fail "$n of $total comparisons ran"

# The elapses as systemd-analyze prints them in UTC, as epochs.
sd_epochs() { # zone base expr iterations
	TZ=UTC systemd-analyze calendar --iterations="$4" --base-time="@$2" \
		"$3 $1" 2>/dev/null | sed -n 's/^ *\(Next elapse\|Iter\. #[0-9]*\): //p' |
		grep -v '^never$' | while read -r when; do
		date -u -d "${when#* }" +%s
	done
}

# secmonctl calendar --json: computed locally (no daemon at the socket).
for c in 'Europe/Berlin 1792887300 *:0/20' 'America/New_York 1793426401 1:30' \
	'Australia/Lord_Howe 1775312100 *:0/15' 'Pacific/Chatham 1790428500 *:30' \
	'Asia/Kolkata 1790000000 Mon..Fri 9:00' 'UTC 1790000000 2001-02-30'; do
	read -r zone base expr <<<"$c"
	json=$(SECMOND_SOCKET="$TMP/nothing.sock" "$SECMONCTL" calendar "$expr" \
		--json --iterations 8 --timezone "$zone" --base-time "@$base") ||
		fail "secmonctl calendar --json '$expr' failed"
	got=$("$PYTHON" -c 'import json, sys
d = json.load(sys.stdin)
assert d["original"] == sys.argv[1] and d["timezone"] == sys.argv[2], d
print("\n".join(str(e["at"]) for e in d["next"]))' "$expr" "$zone" <<<"$json") ||
		fail "bad JSON for '$expr': $json"
	want=$(sd_epochs "$zone" "$base" "$expr" 8)
	[ "$got" = "$want" ] || fail "'$expr' in $zone: secmonctl --json says
$got
systemd-analyze ('$expr $zone') says
$want"
done

# secmonctl calendar prints what secmond --calendar prints.
want=$("$SECMOND" --calendar 'Sat,Sun 2:30' --iterations 5 \
	--timezone America/New_York --base-time @1772866801)
got=$(SECMOND_SOCKET="$TMP/nothing.sock" "$SECMONCTL" calendar --timezone \
	America/New_York 'Sat,Sun 2:30' --iterations=5 --base-time=@1772866801)
[ -n "$want" ] && [ "$want" = "$got" ] || fail "secmonctl calendar printed
$got
secmond --calendar printed
$want"

# Without --timezone: the host's zone, as TZ says.
for zone in America/St_Johns Europe/Berlin; do
	want=$(sd_calendar "$zone" 1793420999 '1:30' 4)
	got=$(TZ=$zone "$SECMOND" --calendar 1:30 --iterations 4 \
		--base-time @1793420999 && echo "rc=0")
	[ "$want" = "$got" ] || fail "host zone $zone: $got"
done
got=$("$SECMOND" --calendar daily --base-time 2026-03-29T00:59:59Z \
	--timezone Europe/Berlin --json | "$PYTHON" -c \
	'import json, sys; print(json.load(sys.stdin)["next"][0]["at"])')
[ "$got" = 1774821600 ] || fail "ISO 8601 base time: $got"

# Errors: exit 1 and "secmond: calendar: <what is wrong>".
check_error() { # expected-message args...
	local want=$1 out rc
	shift
	out=$("$SECMOND" "$@" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -eq 1 ] || fail "secmond $*: exit $rc, expected 1"
	[[ "$out" == "secmond: calendar: "* ]] && grep -qF -- "$want" <<<"$out" ||
		fail "secmond $*: '$out' lacks 'secmond: calendar: ...$want'"
}
check_error 'bad hour "25" in "25:00": hours are 0-23' --calendar 25:00
check_error 'bad minute "60" in "*:60"' --calendar '*:60'
check_error 'bad weekdays "Fri..Mon"' --calendar 'Fri..Mon 9:00'
check_error "outside secmond's subset" --calendar '*-*~1'
check_error "outside secmond's subset" --calendar '9:00:00.5'
check_error "outside secmond's subset" --calendar '@1700000000'
check_error 'time zone "Europe/Berlin" in "9:00 Europe/Berlin" is outside' \
	--calendar '9:00 Europe/Berlin'
check_error 'unknown time zone "Mars/Olympus"' --calendar daily \
	--timezone Mars/Olympus
check_error 'bad time zone' --calendar daily --timezone ../../etc/passwd
check_error 'bad time zone' --calendar daily --timezone /etc/localtime
check_error 'bad iterations "0"' --calendar daily --iterations 0
check_error 'bad base time' --calendar daily --base-time yesterday
check_error 'gives up after 1000 steps' --calendar 2:45 \
	--timezone Pacific/Chatham --base-time @1790344801
sd_calendar Pacific/Chatham 1790344801 2:45 | grep -qx 'rc=1' ||
	fail "systemd-analyze no longer gives up on 2:45 in Pacific/Chatham"
out=$(SECMOND_SOCKET="$TMP/nothing.sock" "$SECMONCTL" calendar daily \
	--timezone Mars/Olympus 2>&1)
[ $? -eq 1 ] || fail "secmonctl took a bad zone"
grep -qF 'secmonctl: calendar: unknown time zone "Mars/Olympus"' <<<"$out" ||
	fail "secmonctl bad zone: $out"
"$SECMONCTL" calendar >/dev/null 2>&1
[ $? -eq 2 ] || fail "secmonctl calendar without EXPR: not a usage error"
"$SECMOND" --iterations 3 >/dev/null 2>&1
[ $? -eq 1 ] || fail "--iterations without --calendar accepted"
"$SECMOND" -h | grep -q -- "--calendar EXPR" || fail "secmond -h lacks --calendar"
"$SECMONCTL" -h | grep -q "calendar EXPR" || fail "secmonctl -h lacks calendar"
exit 0
