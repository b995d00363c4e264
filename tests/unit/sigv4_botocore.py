#!/usr/bin/env python3
"""sigv4_botocore.py: random requests signed by botocore's SigV4Auth, for
tests/unit/test_sigv4.c.

    sigv4_botocore.py --seed S --count N

prints N JSON objects, one a line, generated deterministically from S:
method, wire path and query (exactly as urllib3 would send them), the
headers botocore signs in order, body (base64), region, service, amz_date,
credentials, and botocore's canonical request and Authorization value.
Exit status 3 if botocore cannot be imported (the C test then skips).
"""

import argparse
import base64
import datetime
import json
import random
import sys
from urllib.parse import quote, urlsplit

try:
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError as e:  # the C side skips on status 3
    print(f"sigv4_botocore: botocore unavailable: {e}", file=sys.stderr)
    sys.exit(3)

try:
    from urllib3.util.url import _encode_target
except ImportError:  # older urllib3: skip the wire check
    _encode_target = None

METHODS = ["GET", "POST"]
REGIONS = ["us-east-1", "eu-west-3", "ap-southeast-2", "us-gov-west-1",
           "cn-north-1", "il-central-1"]
SERVICES = ["guardduty", "securityhub", "monitoring", "sts", "sns",
            "execute-api", "iam"]
HOSTS = ["example.amazonaws.com", "guardduty.us-east-1.amazonaws.com",
         "127.0.0.1:8443", "localhost:4566", "securityhub.eu-west-3.amazonaws.com"]

# Text that needs encoding in a path segment or query component.
ODD = ["a b", "%", "+", "=", ":", "&", "/", "?", "#", "ሴ", "é", "日本語",
       "x+y=z", "50%", "a:b@c", "~._-", "!*'()", "[]", " ", "\u00a0",
       "😀", "tab\tin", "semi;colon", "comma,here"]
WORDS = ["detector", "findings", "get", "standards", "controls", "accounts",
         "v1", "A", "z", "Mixed-Case_1.2~x", "-", "_", "~"]
ARNS = ["arn:aws:securityhub:us-east-1:123456789012:subscription/"
        "cis-aws-foundations-benchmark/v/1.2.0",
        "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"]
# Raw characters urllib3 leaves alone in a path.
RAW_PATH = list("!$&'()*+,;=:@")

KEYS = ["Param", "param", "A", "a", "b", "maxResults", "nextToken",
        "NextToken", "StandardsArn", "ሴ", "key with space", "x+y", "~._-",
        "k=v", "", "Z9", "filter[0]"]


def enc(s, safe=""):
    """Strict RFC 3986 encoding, uppercase hex (what serializers send)."""
    return quote(s, safe="-_.~" + safe)


def rand_text(rng, pool):
    n = rng.randint(1, 3)
    return "".join(rng.choice(pool) for _ in range(n))


def rand_segment(rng):
    r = rng.random()
    if r < 0.25:
        return rng.choice(WORDS)
    if r < 0.45:
        return enc(rand_text(rng, ODD + WORDS))
    if r < 0.55:
        return enc(rng.choice(ARNS))
    if r < 0.65:
        return rng.choice([".", "..", "", "%2E%2E", "%2F"])
    if r < 0.8:
        return rng.choice(WORDS) + "".join(
            rng.choice(RAW_PATH) for _ in range(rng.randint(1, 3)))
    return enc(enc(rand_text(rng, ODD)))  # encoded twice on the wire


def rand_path(rng):
    if rng.random() < 0.05:
        return ""
    if rng.random() < 0.1:
        return "/"
    segs = [rand_segment(rng) for _ in range(rng.randint(1, 6))]
    path = "/" + "/".join(segs)
    if rng.random() < 0.3:
        path += "/"
    return path


def rand_value(rng):
    r = rng.random()
    if r < 0.15:
        return ""
    if r < 0.35:  # a pagination token
        raw = bytes(rng.randrange(256) for _ in range(rng.randint(1, 48)))
        return base64.b64encode(raw).decode()
    if r < 0.55:
        return rand_text(rng, ODD + WORDS)
    if r < 0.65:
        return rng.choice(ARNS)
    return rng.choice(WORDS) + str(rng.randint(0, 1000))


def rand_query(rng):
    if rng.random() < 0.3:
        return ""
    keys = rng.sample(KEYS, rng.randint(1, 4))
    parts = []
    for _ in range(rng.randint(1, 8)):
        k = enc(rng.choice(keys))
        r = rng.random()
        if r < 0.1:
            parts.append(k)  # no '='
        elif r < 0.2:
            parts.append(k + "=")
        else:
            parts.append(k + "=" + enc(rand_value(rng)))
    return "&".join(parts)


def rand_case(rng, name):
    r = rng.random()
    if r < 0.4:
        return name
    if r < 0.6:
        return name.lower()
    if r < 0.7:
        return name.upper()
    return "".join(c.upper() if rng.random() < 0.5 else c.lower()
                   for c in name)


def rand_spacing(rng, value):
    """Odd spacing around and inside a value, spaces and tabs only."""
    ws = lambda: "".join(rng.choice(" \t") for _ in range(rng.randint(1, 4)))
    words = value.split(" ")
    out = words[0]
    for w in words[1:]:
        out += (ws() if rng.random() < 0.5 else " ") + w
    if rng.random() < 0.4:
        out = ws() + out
    if rng.random() < 0.4:
        out = out + ws()
    return out


HEADER_VALUES = ["application/json", "application/x-amz-json-1.0",
                 "GraniteServiceVersion20100801.DescribeAlarms", "true",
                 'a "quoted   thing"  here', "value1", "VALUE2", "x, y",
                 "gzip, deflate", "*/*", "a=b;c=d", "", "  ", "100-continue"]
HEADER_NAMES = ["Content-Type", "X-Amz-Target", "x-amzn-query-mode",
                "My-Header1", "My-Header2", "Accept", "X-Custom_Thing",
                "Content-Encoding", "x-amz-meta-odd", "Accept-Encoding"]


def rand_headers(rng, host):
    hdrs = []
    if rng.random() < 0.9:
        hdrs.append((rand_case(rng, "Host"), rand_spacing(rng, host)))
    names = rng.sample(HEADER_NAMES, rng.randint(0, 5))
    for _ in range(rng.randint(0, 8)):
        if not names:
            break
        name = rand_case(rng, rng.choice(names))
        hdrs.append((name, rand_spacing(rng, rng.choice(HEADER_VALUES))))
    if rng.random() < 0.2:  # botocore drops it from the signature
        hdrs.append(("User-Agent", "secmond/0.1"))
    rng.shuffle(hdrs)
    return hdrs


def rand_body(rng, method):
    r = rng.random()
    if r < 0.3 or (method == "GET" and r < 0.8):
        return b""
    if r < 0.6:
        return json.dumps({"StateValue": rand_value(rng), "x": "ሴ😀"},
                          ensure_ascii=False).encode()
    if r < 0.8:
        return "Action=Publish&Message=" + enc(rand_value(rng))
    return bytes(rng.randrange(256) for _ in range(rng.randint(1, 200)))


def rand_creds(rng):
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    akid = "AKIA" + "".join(rng.choice(alnum) for _ in range(16))
    b64 = alnum + "abcdefghijklmnopqrstuvwxyz0189+/"
    secret = "".join(rng.choice(b64) for _ in range(40))
    token = None
    if rng.random() < 0.5:
        token = "".join(rng.choice(b64) for _ in range(rng.randint(16, 600)))
        token += "=" * rng.randint(0, 2)
    return akid, secret, token


class CaptureAuth(botocore.auth.SigV4Auth):
    """SigV4Auth that keeps the canonical request it signed."""

    captured = None

    def canonical_request(self, request):
        self.captured = super().canonical_request(request)
        return self.captured


def one_case(rng):
    method = rng.choice(METHODS)
    host = rng.choice(HOSTS)
    path = rand_path(rng)
    query = rand_query(rng)
    region = rng.choice(REGIONS)
    service = rng.choice(SERVICES)
    when = datetime.datetime(2015, 1, 1) + datetime.timedelta(
        seconds=rng.randrange(20 * 365 * 86400))
    akid, secret, token = rand_creds(rng)
    body = rand_body(rng, method)
    if isinstance(body, str):
        body = body.encode()

    url = "https://" + host + path + ("?" + query if query else "")
    target = (path or "/") + ("?" + query if query else "")
    # What botocore signs must be what urllib3 puts on the wire.
    parts = urlsplit(url)
    assert parts.path == path and parts.query == query, url
    if _encode_target is not None:
        assert _encode_target(target) == target, target

    req = AWSRequest(method=method, url=url, data=body)
    for name, value in rand_headers(rng, host):
        req.headers[name] = value
    auth = CaptureAuth(Credentials(akid, secret, token), service, region)
    orig = botocore.auth.get_current_datetime
    botocore.auth.get_current_datetime = lambda *a, **k: when
    try:
        auth.add_auth(req)
    finally:
        botocore.auth.get_current_datetime = orig
    assert req.prepare().url == url, url

    signed = []
    have_host = False
    for name, value in req.headers.items():
        lname = name.lower()
        if lname == "authorization" or \
                lname in botocore.auth.SIGNED_HEADERS_BLACKLIST:
            continue
        have_host = have_host or lname == "host"
        signed.append([name, value])
    if not have_host:
        signed.append(["host", botocore.auth._host_from_url(url)])

    return {
        "method": method,
        "path": path,
        "query": query,
        "headers": signed,
        "body_b64": base64.b64encode(body).decode(),
        "region": region,
        "service": service,
        "amz_date": req.context["timestamp"],
        "access_key_id": akid,
        "secret_access_key": secret,
        "session_token": token,
        "canonical_request": auth.captured,
        "authorization": req.headers["Authorization"],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout
    for _ in range(args.count):
        out.write(json.dumps(one_case(rng), ensure_ascii=False) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
