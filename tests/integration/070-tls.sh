#!/bin/bash
# TLS verification is always on: the fake AWS over https with a
# self-signed certificate is trusted only through AWS_CA_BUNDLE; without it
# the poll fails with a certificate error. Plain http is refused except to
# loopback addresses.
. "$TOP/tests/lib/common.sh"
command -v openssl >/dev/null || { echo "openssl CLI missing"; exit 77; }

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" \
	-out "$TMP/cert.pem" -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 2>/dev/null || fail "openssl req"
start_fake "$TOP/tests/fakeaws/scenarios/demo.json" \
	--tls-cert "$TMP/cert.pem" --tls-key "$TMP/key.pem"
[[ "$FAKE_URL" == https://* ]] || fail "fake is not on https: $FAKE_URL"
REGIONS=us-east-1 write_conf

"$SECMOND" -c "$CONF" --once >"$TMP/out" 2>>"$LOG"
rc=$?
[ "$rc" -eq 2 ] || fail "an untrusted certificate was accepted (rc $rc)"
grep -qi "certificate" "$TMP/out" || fail "error does not name the certificate: $(cat "$TMP/out")"
[ "$(count_alerts)" -eq 0 ] || fail "alerts from an untrusted endpoint"

AWS_CA_BUNDLE="$TMP/cert.pem" "$SECMOND" -c "$CONF" --once >"$TMP/out" 2>>"$LOG" ||
	fail "poll over https with AWS_CA_BUNDLE failed: $(cat "$TMP/out")"
[ "$(count_alerts)" -gt 0 ] || fail "no alerts over https"

# Plain http to anything but loopback is refused before any connection.
sed -i "s|^endpoint_url = .*|endpoint_url = http://guardduty.example.invalid|" "$CONF"
"$SECMOND" -c "$CONF" --once >"$TMP/out" 2>>"$LOG"
[ $? -eq 2 ] || fail "http to a remote host was not refused"
grep -q "only https" "$TMP/out" || fail "refusal not explained: $(cat "$TMP/out")"
