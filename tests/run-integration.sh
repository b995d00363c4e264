#!/bin/bash
# run-integration.sh: run tests/integration/NNN-*.sh against the real
# binaries in $B. Exit 0 = pass, 77 = skip, else fail. Prints one closing
# line: "integration: N passed, N failed, N skipped".
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
export TOP B
export SECMOND="$TOP/$B/secmond" SECMONCTL="$TOP/$B/secmonctl"
export FAKEAWS="$TOP/tests/fakeaws/fakeaws.py"
. "$TOP/tests/lib/python.sh"
export PYTHON

pass=0 fail=0 skip=0 failed=""
only=${TESTS:-}
for t in "$TOP"/tests/integration/[0-9]*.sh; do
	name=$(basename "$t" .sh)
	if [ -n "$only" ] && [[ "$name" != *$only* ]]; then continue; fi
	echo "== $name"
	start=$(date +%s)
	bash "$t"
	rc=$?
	took=$(($(date +%s) - start))
	case $rc in
	0) pass=$((pass + 1)); echo "-- $name: pass (${took}s)" ;;
	77) skip=$((skip + 1)); echo "-- $name: skipped" ;;
	*) fail=$((fail + 1)); failed="$failed $name"; echo "-- $name: FAIL (rc $rc)" ;;
	esac
done
[ -n "$failed" ] && echo "failed:$failed"
echo "integration: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
