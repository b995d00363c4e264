"""SigV4 verification for the fake AWS server.

Owns: parsing the Authorization header, the clock-skew check, the session
token check and recomputing the signature with botocore's own signer
(botocore.auth.SigV4Auth over a botocore.awsrequest.AWSRequest rebuilt from
the request as received).  It knows nothing about HTTP servers or services:
`verify()` takes plain values and returns an AuthResult.

Canonicalisation follows AWS (see AWS-NOTES.md section 1):
- canonical URI = the wire path (already percent-encoded), dot segments and
  empty segments removed, encoded again (botocore does this when given the
  wire path in the URL);
- canonical query = every name/value decoded and re-encoded strictly
  (RFC 3986, '+' in the wire query decodes to a space, as a form decoder
  reads it), so `%2b` and `%2B` are equivalent but a raw '+' is not '%2B';
- only the headers named in SignedHeaders are signed, with their values as
  received;
- the payload hash is always computed over the body bytes received.

Temporary credentials (with `expires_at`) are refused once expired, with
the error "expired-token" (ExpiredToken / ExpiredTokenException).
"""

import datetime
import hmac
import re
from urllib.parse import quote, unquote_plus

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials

MAX_SKEW = datetime.timedelta(minutes=15)
AMZ_DATE_FMT = "%Y%m%dT%H%M%SZ"

# outcome values, also used as the "signature" field of the request log
OK, BAD, MISSING, UNKNOWN_KEY = "ok", "bad", "missing", "unknown-key"
EXPIRED = "expired-token"

MSG_MISMATCH = ("The request signature we calculated does not match the "
                "signature you provided. Check your AWS Secret Access Key and "
                "signing method. Consult the service documentation for "
                "details.")
MSG_BAD_TOKEN = "The security token included in the request is invalid."
MSG_MISSING = "Missing Authentication Token"
MSG_EXPIRED_TOKEN = "The security token included in the request is expired"

_AUTH_RE = re.compile(r"^AWS4-HMAC-SHA256\s+(.*)$", re.S)


class AuthResult:
    """Outcome of a verification.

    outcome: OK/BAD/MISSING/UNKNOWN_KEY/EXPIRED; error: a generic error name
    (None when ok; one of "missing", "incomplete", "unknown-key", "token",
    "mismatch", "expired" (clock skew), "expired-token" (a temporary
    credential past its expires_at)) that the wire layer maps to the
    protocol's code;
    message: the AWS message; scope: (access_key, date, region, service) when
    the Authorization header could be parsed; credential: the scenario entry.
    """

    def __init__(self, outcome, error=None, message=None, scope=None,
                 credential=None):
        self.outcome = outcome
        self.error = error
        self.message = message
        self.scope = scope
        self.credential = credential

    @property
    def ok(self):
        return self.outcome == OK

    @property
    def region(self):
        return self.scope[2] if self.scope else None

    @property
    def service(self):
        return self.scope[3] if self.scope else None


class _ExactHeadersSigV4(SigV4Auth):
    """SigV4Auth that signs exactly the client's SignedHeaders."""

    def __init__(self, credentials, service, region, signed):
        super().__init__(credentials, service, region)
        self._signed = signed  # list of (lowercase name, value)

    def headers_to_sign(self, request):
        hm = HTTPHeaders()
        for name, value in self._signed:
            hm[name] = value  # HTTPHeaders keeps repeats, in order
        return hm


def parse_authorization(value):
    """'AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...'
    -> dict with credential (list of 5), signed_headers (list), signature;
    or a string explaining what is wrong."""
    m = _AUTH_RE.match(value.strip())
    if not m:
        return "Authorization header requires AWS4-HMAC-SHA256 algorithm."
    parts = {}
    for item in m.group(1).split(","):
        k, sep, v = item.strip().partition("=")
        if sep:
            parts[k.strip()] = v.strip()
    for need in ("Credential", "SignedHeaders", "Signature"):
        if need not in parts:
            return ("Authorization header requires '%s' parameter. "
                    "Authorization=%s" % (need, value))
    cred = parts["Credential"].split("/")
    if len(cred) != 5 or cred[4] != "aws4_request":
        return ("Credential should be scoped to a valid region, not '%s'. "
                % parts["Credential"])
    return {"credential": cred,
            "signed_headers": parts["SignedHeaders"].lower().split(";"),
            "signature": parts["Signature"]}


def canonical_query(raw_query):
    """Decode every name/value of the wire query and re-encode strictly."""
    if not raw_query:
        return ""
    out = []
    for pair in raw_query.split("&"):
        if pair == "":
            continue
        k, _, v = pair.partition("=")
        out.append(quote(unquote_plus(k), safe="-_.~") + "=" +
                   quote(unquote_plus(v), safe="-_.~"))
    return "&".join(out)


def _check_time(amz_date, now):
    """None if X-Amz-Date is within MAX_SKEW of now, else (error, msg)."""
    try:
        t = datetime.datetime.strptime(amz_date, AMZ_DATE_FMT).replace(
            tzinfo=datetime.timezone.utc)
    except ValueError:
        return ("incomplete", "Date must be in ISO-8601 'basic format'. Got "
                "'%s'. See http://en.wikipedia.org/wiki/ISO_8601" % amz_date)
    fmt = lambda d: d.strftime(AMZ_DATE_FMT)  # noqa: E731
    if t < now - MAX_SKEW:
        return ("expired", "Signature expired: %s is now earlier than %s "
                "(%s - 15 min.)" % (amz_date, fmt(now - MAX_SKEW), fmt(now)))
    if t > now + MAX_SKEW:
        return ("expired", "Signature not yet current: %s is still later "
                "than %s (%s + 15 min.)" % (amz_date, fmt(now + MAX_SKEW),
                                            fmt(now)))
    return None


def compute_signature(secret, method, host, raw_path, raw_query, signed,
                      body, amz_date, region, service, access_key="AKID"):
    """Recompute the hex signature with botocore's signer."""
    url = "http://%s%s" % (host or "localhost", raw_path or "/")
    cq = canonical_query(raw_query)
    if cq:
        url += "?" + cq
    req = AWSRequest(method=method, url=url, data=body or b"")
    req.context["timestamp"] = amz_date
    creds = Credentials(access_key, secret)
    signer = _ExactHeadersSigV4(creds, service, region, signed)
    canonical = signer.canonical_request(req)
    sts = signer.string_to_sign(req, canonical)
    return signer.signature(sts, req)


def _signed_header_values(names, headers):
    """[(name, value)] for each SignedHeaders name, repeats in order; None
    if a signed header is absent."""
    out = []
    for name in names:
        values = headers.get_all(name) if hasattr(headers, "get_all") \
            else [v for k, v in headers if k.lower() == name]
        if not values:
            return None
        out.extend((name, v) for v in values)
    return out


def verify(method, raw_path, raw_query, headers, body, credentials,
           now=None):
    """Verify a request.

    headers: an email.message.Message-like object (get / get_all, case
    insensitive), as http.server provides; credentials: anything with
    .get(access key id) -> credential {"secret_access_key", "session_token",
    "expires_at" (optional, epoch seconds), ...} (a dict, identity.Identity).
    """
    now = now or datetime.datetime.now(datetime.timezone.utc)
    auth = headers.get("Authorization")
    if not auth:
        return AuthResult(MISSING, "missing", MSG_MISSING)
    parsed = parse_authorization(auth)
    if isinstance(parsed, str):
        return AuthResult(BAD, "incomplete", parsed)
    akid, date, region, service, _ = parsed["credential"]
    scope = (akid, date, region, service)
    amz_date = headers.get("X-Amz-Date")
    if not amz_date:
        return AuthResult(BAD, "incomplete", "Authorization header requires "
                          "existence of either a 'X-Amz-Date' or a 'Date' "
                          "header. Authorization=%s" % auth, scope)
    cred = credentials.get(akid)
    if cred is None:
        return AuthResult(UNKNOWN_KEY, "unknown-key", MSG_BAD_TOKEN, scope)
    token = cred.get("session_token")
    sent_token = headers.get("X-Amz-Security-Token")
    if (token or sent_token) and sent_token != token:
        return AuthResult(UNKNOWN_KEY, "token", MSG_BAD_TOKEN, scope, cred)
    expires_at = cred.get("expires_at")
    if expires_at is not None and now.timestamp() >= expires_at:
        return AuthResult(EXPIRED, "expired-token", MSG_EXPIRED_TOKEN, scope,
                          cred)
    skew = _check_time(amz_date, now)
    if skew:
        return AuthResult(BAD, skew[0], skew[1], scope, cred)
    if date != amz_date[:8]:
        return AuthResult(BAD, "mismatch", "Date in Credential scope does "
                          "not match YYYYMMDD from ISO-8601 version of date "
                          "from HTTP: '%s' != '%s', from '%s'."
                          % (date, amz_date[:8], amz_date), scope, cred)
    names = parsed["signed_headers"]
    if "host" not in names:
        return AuthResult(BAD, "mismatch", "'Host' or ':authority' must be a "
                          "'SignedHeader' in the AWS Authorization.",
                          scope, cred)
    signed = _signed_header_values(names, headers)
    if signed is None:
        return AuthResult(BAD, "mismatch", MSG_MISMATCH, scope, cred)
    want = compute_signature(cred["secret_access_key"], method,
                             headers.get("Host"), raw_path, raw_query,
                             signed, body, amz_date, region, service, akid)
    if not hmac.compare_digest(want, parsed["signature"]):
        return AuthResult(BAD, "mismatch", MSG_MISMATCH, scope, cred)
    return AuthResult(OK, scope=scope, credential=cred)
