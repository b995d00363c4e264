"""Fault injection for the fake AWS server.

Owns: the table of armed faults (added through POST /_fake/faults or a
scenario step), matching them against routed requests, counting `after` /
`times`, and the body transformations of the faults that still send a
reply (malformed, badutf8, oversize).  Faults that act on the connection
(reset, truncate, delay) are carried out by the HTTP handler.

A fault: {"service": "guardduty" | "securityhub" | "monitoring" (alias
"cloudwatch") | "sts" | "imds" | "container" | "*",
"op": "GetFindings" (optional, "*" or absent = any; IMDS ops GetToken,
GetRoleName, GetCredentials, GetMetadata; container op GetCredentials),
"region": "us-east-1" (optional; IMDS/container requests have none, so a
fault naming a region never matches them), "kind": KIND,
"times": 1 (-1 = until cleared), "after": 0, "probability": 1.0,
"seed": null, ...kind fields}
KIND: status {status, code, message?, headers?} | reset | delay {seconds}
| truncate | malformed | badutf8 | oversize {bytes} | emptypage
| accept_then_reset (the request is carried out, then the connection is
reset without an answer)

probability p < 1: each request the fault could hit (matching, past
`after`, while hits are left) draws random.Random(seed).random() from the
fault's own generator; the request is hit when the draw is < p, else it
passes and `times` is not used up.  With a seed the k-th such request is
hit or not exactly as random.Random(seed)'s k-th draw says.
"""

import random
import threading

KINDS = ("status", "reset", "delay", "truncate", "malformed", "badutf8",
         "oversize", "emptypage", "accept_then_reset")
THROTTLE_CODES = ("Throttling", "ThrottlingException",
                  "TooManyRequestsException", "RequestLimitExceeded")


# scenario section name -> signing name (what requests are routed by)
SERVICE_ALIASES = {"cloudwatch": "monitoring"}


class FaultError(ValueError):
    """A fault definition that does not make sense."""


def check_fault(spec):
    """Validate and normalise a fault definition (returns a new dict)."""
    if not isinstance(spec, dict):
        raise FaultError("fault must be a JSON object")
    f = dict(spec)
    if f.get("kind") not in KINDS:
        raise FaultError("kind must be one of %s" % ", ".join(KINDS))
    if not isinstance(f.get("service"), str):
        raise FaultError("service (string) is required")
    f["service"] = SERVICE_ALIASES.get(f["service"], f["service"])
    f.setdefault("times", 1)
    f.setdefault("after", 0)
    for k in ("times", "after"):
        if not isinstance(f[k], int) or isinstance(f[k], bool):
            raise FaultError("%s must be an integer" % k)
    if f["times"] == 0 or f["times"] < -1 or f["after"] < 0:
        raise FaultError("times must be >= 1 or -1, after >= 0")
    p = f.setdefault("probability", 1.0)
    if not isinstance(p, (int, float)) or isinstance(p, bool) or \
            not 0 <= p <= 1:
        raise FaultError("probability must be a number from 0 to 1")
    seed = f.setdefault("seed", None)
    if seed is not None and (not isinstance(seed, (int, str)) or
                             isinstance(seed, bool)):
        raise FaultError("seed must be an integer or a string")
    _check_kind_fields(f)
    return f


def _check_kind_fields(f):
    kind = f["kind"]
    if kind == "status":
        st = f.get("status")
        if not isinstance(st, int) or not 200 <= st <= 599:
            raise FaultError("status fault needs an HTTP status 200-599")
        if not isinstance(f.get("code", ""), str):
            raise FaultError("code must be a string")
        f.setdefault("code", "InternalServerErrorException")
        f.setdefault("message", "Rate exceeded" if f["code"] in
                     THROTTLE_CODES else "Injected fault: %s" % f["code"])
    elif kind == "delay":
        s = f.get("seconds")
        if not isinstance(s, (int, float)) or isinstance(s, bool) or s < 0:
            raise FaultError("delay fault needs seconds >= 0")
    elif kind == "oversize":
        n = f.get("bytes")
        if not isinstance(n, int) or isinstance(n, bool) or n < 2:
            raise FaultError("oversize fault needs bytes >= 2")


class FaultTable:
    """Armed faults, thread safe.  take() consumes one hit."""

    def __init__(self):
        self._lock = threading.Lock()
        self._hit = threading.Condition(self._lock)
        self._hits = {}   # fault id -> hits, kept after the fault is gone
        self._faults = []
        self._rngs = {}   # fault id -> random.Random (probability < 1)
        self._next_id = 1

    def add(self, spec):
        f = check_fault(spec)
        with self._lock:
            f["id"] = self._next_id
            f["seen"] = 0
            f["hits"] = 0
            f["spared"] = 0
            self._next_id += 1
            self._faults.append(f)
            self._rngs[f["id"]] = random.Random(f["seed"])
            return f["id"]

    def clear(self):
        with self._lock:
            self._faults = []
            self._rngs = {}

    def list(self):
        with self._lock:
            return [dict(f) for f in self._faults]

    def wait(self, fault_id, hits, timeout):
        """Block until fault `fault_id` has hit `hits` requests (even if it
        is used up since) or `timeout` seconds pass; its hit count."""
        with self._hit:
            self._hit.wait_for(
                lambda: self._hits.get(fault_id, 0) >= hits, timeout)
            return self._hits.get(fault_id, 0)

    def take(self, service, op, region):
        """The first armed fault matching the request, or None.  Every
        matching fault counts the request (for `after`)."""
        with self._lock:
            hit = None
            for f in list(self._faults):
                if not _matches(f, service, op, region):
                    continue
                f["seen"] += 1
                if hit is not None or f["seen"] <= f["after"]:
                    continue
                if f["probability"] < 1 and \
                        self._rngs[f["id"]].random() >= f["probability"]:
                    f["spared"] += 1
                    continue
                f["hits"] += 1
                self._hits[f["id"]] = f["hits"]
                self._hit.notify_all()
                hit = dict(f)
                if f["times"] > 0:
                    f["times"] -= 1
                    if f["times"] == 0:
                        self._faults.remove(f)
                        self._rngs.pop(f["id"], None)
            return hit


def _matches(f, service, op, region):
    if f["service"] not in ("*", service):
        return False
    if f.get("op") not in (None, "*", op):
        return False
    return f.get("region") in (None, "*", region)


def malformed_body(body):
    """A body that is not valid JSON (cut inside the first value)."""
    text = body[: max(1, len(body) // 2)]
    return text.rstrip(b"}]") + b'{"unterminated": [1, 2, "'


def badutf8_body(body):
    """The reply with invalid UTF-8 bytes inside its first string value."""
    i = body.find(b'":"')
    if i < 0:
        return b'{"message":"bad \xff\xfe utf-8 \xc3\x28"}'
    i += 3
    return body[:i] + b"\xff\xfe\xc3\x28" + body[i:]


def oversize_body(body, size):
    """A valid JSON object of exactly `size` bytes (at least the original
    reply; padding goes into an extra member)."""
    if not body.startswith(b"{") or len(body) + 16 > size:
        return body + b" " * max(0, size - len(body))
    inner = body[1:-1]
    sep = b"," if inner.strip() else b""
    head = b'{' + inner + sep + b'"_padding":"'
    pad = size - len(head) - 2
    return head + b"x" * pad + b'"}'
