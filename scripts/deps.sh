#!/bin/sh
# deps.sh: make sure everything secmond needs to build and test is here.
# As root on Debian/Ubuntu, installs what is missing with apt-get;
# otherwise prints the exact command to run and fails.
set -u

PYTHON=${PYTHON:-python3}
# systemd: systemd-analyze, which the calendar test compares against.
pkgs="pkg-config gcc make libevent-dev libcurl4-openssl-dev libssl-dev
libjansson-dev libsystemd-dev libsqlite3-dev libinih-dev libexpat1-dev
libcmocka-dev sqlite3 curl openssl python3 systemd mandoc"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
# The fake AWS verifies signatures with botocore; a test runs the AWS CLI.
if ! "$PYTHON" -c 'import botocore' 2>/dev/null; then
	missing="$missing python3-botocore"
fi
command -v aws >/dev/null 2>&1 || missing="$missing awscli"

[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: missing:$missing (install the equivalents for your system)" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing:$missing" >&2
	echo "deps: run: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
	{ echo "deps: apt-get install failed" >&2; exit 1; }
