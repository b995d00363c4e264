#!/bin/sh
# run-unit.sh: run each cmocka unit test binary given as an argument, from
# the repo top, and print one closing line: "unit: N passed, N failed".
set -u
pass=0
fail=0
failed=""
for t in "$@"; do
	echo "== $t"
	if "$t"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $t"
	fi
done
[ -n "$failed" ] && echo "failed:$failed"
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
