# python.sh: pick a python3 that has botocore (the fake AWS needs it):
# $PYTHON if it has it, else /usr/bin/python3 (Debian's python3-botocore).
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import botocore' 2>/dev/null &&
	/usr/bin/python3 -c 'import botocore' 2>/dev/null; then
	PYTHON=/usr/bin/python3
fi
