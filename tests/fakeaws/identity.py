"""Identities and credentials of the fake AWS server.

Owns: who a request acts as.  The scenario's base credentials (IAM users),
the roles that can be assumed (scenario key "roles"), the web identity
tokens ("web_identity_tokens"), and every temporary credential the fake
issues (through STS, IMDS or the container endpoint): their keys, session
tokens, account, expiry and whether they were used.

`Identity.get(access_key_id)` is what the signature checker looks keys up
with: a base credential or an issued one, each a dict with at least
secret_access_key, session_token, account_id, arn, user_id (issued ones
also expires_at, epoch seconds).  The signature checker refuses an issued
credential once `expires_at` has passed (ExpiredToken).

Generated key ids are "ASIASECMONFAKE" + 6 random [A-Z0-9]: they are
created at run time only; nothing in the repository looks like a real key.
"""

import base64
import datetime
import hashlib
import os
import random
import re
import string
import threading
import time

ROLE_ARN_RE = re.compile(
    r"^arn:aws:iam::(\d{12}):role/((?:[\w+=,.@-]+/)*)([\w+=,.@-]{1,64})$",
    re.ASCII)
ACCOUNT_RE = re.compile(r"^\d{12}$")
DEFAULT_MAX_SESSION = 3600
ISSUED_PREFIX = "ASIASECMONFAKE"
TOKEN_PREFIX = "IQoJb3JpZ2luX2VjEFAKE+/"   # every token has '+', '/', '='
_ALNUM = string.ascii_uppercase + string.digits
_rng = random.SystemRandom()


class ScenarioError(ValueError):
    """A bad roles / web_identity_tokens / lifetime entry."""


def iso_seconds(epoch):
    """Epoch seconds -> '2026-11-20T10:00:00Z' (AWS credential format)."""
    return datetime.datetime.fromtimestamp(
        int(epoch), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def stable_id(prefix, text):
    """AWS-style unique id (AIDA.../AROA... + 17 chars) derived from text."""
    digest = base64.b32encode(hashlib.sha256(text.encode()).digest())
    return prefix + digest.decode()[:17]


def role_parts(arn):
    """(account, name) of a role ARN, or None."""
    m = ROLE_ARN_RE.match(arn) if isinstance(arn, str) else None
    return (m.group(1), m.group(3)) if m else None


def check_lifetime(value, where):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ScenarioError(where + " must be a positive integer (seconds)")
    return value


def _check_trusted(entries, where):
    if entries is None:
        return None
    if not isinstance(entries, list):
        raise ScenarioError(where + " must be a list")
    for e in entries:
        if not isinstance(e, str) or not (
                e == "*" or ACCOUNT_RE.match(e) or e.startswith("arn:aws:")):
            raise ScenarioError("%s: %r is not an account id, an ARN or '*'"
                                % (where, e))
    return list(entries)


def load_roles(roles):
    """Scenario "roles" -> {arn: role dict}."""
    out = {}
    if roles is None:
        return out
    if not isinstance(roles, list):
        raise ScenarioError("roles must be a list of objects")
    allowed = {"arn", "external_id", "max_session_duration", "trusted",
               "description"}
    for i, r in enumerate(roles):
        where = "roles[%d]" % i
        if not isinstance(r, dict):
            raise ScenarioError(where + " must be an object")
        unknown = set(r) - allowed
        if unknown:
            raise ScenarioError("%s: unknown keys %s" % (where,
                                                         sorted(unknown)))
        parts = role_parts(r.get("arn"))
        if not parts:
            raise ScenarioError(where + ".arn must be "
                                "arn:aws:iam::ACCOUNT:role/NAME")
        ext = r.get("external_id")
        if ext is not None and not (isinstance(ext, str) and re.match(
                r"^[\w+=,.@:/-]{2,1224}$", ext, re.ASCII)):
            raise ScenarioError(where + ".external_id must be 2-1224 of "
                                "[\\w+=,.@:/-]")
        mx = r.get("max_session_duration", DEFAULT_MAX_SESSION)
        if isinstance(mx, bool) or not isinstance(mx, int) or \
                not 3600 <= mx <= 43200:
            raise ScenarioError(where + ".max_session_duration must be "
                                "3600-43200")
        out[r["arn"]] = {
            "arn": r["arn"], "account_id": parts[0], "name": parts[1],
            "role_id": stable_id("AROA", r["arn"]), "external_id": ext,
            "max_session_duration": mx,
            "trusted": _check_trusted(r.get("trusted"), where + ".trusted"),
        }
    return out


def load_web_tokens(tokens):
    """Scenario "web_identity_tokens" -> {token: spec}."""
    out = {}
    if tokens is None:
        return out
    if not isinstance(tokens, list):
        raise ScenarioError("web_identity_tokens must be a list")
    for i, t in enumerate(tokens):
        where = "web_identity_tokens[%d]" % i
        if isinstance(t, str):
            t = {"token": t}
        if not isinstance(t, dict) or not isinstance(t.get("token"), str) \
                or not 4 <= len(t["token"]) <= 20000:
            raise ScenarioError(where + ": a token string (4-20000 chars) or "
                                "{\"token\", \"subject\", \"audience\", "
                                "\"provider\", \"roles\"}")
        unknown = set(t) - {"token", "subject", "audience", "provider",
                            "roles"}
        if unknown:
            raise ScenarioError("%s: unknown keys %s" % (where,
                                                         sorted(unknown)))
        if t.get("roles") is not None and not (
                isinstance(t["roles"], list)
                and all(isinstance(r, str) for r in t["roles"])):
            raise ScenarioError(where + ".roles must be a list of role ARNs")
        spec = {"subject": "system:serviceaccount:secmond:secmond",
                "audience": "sts.amazonaws.com",
                "provider": "oidc.eks.us-east-1.amazonaws.com/id/"
                            "SECMONFAKE0123456789ABCDEF",
                "roles": None}
        spec.update(t)
        out[t["token"]] = spec
    return out


class Identity:
    """Base credentials, roles and issued temporary credentials."""

    def __init__(self, sc):
        self.lock = threading.Lock()
        self.base = {}
        for c in sc["credentials"]:
            c = dict(c)
            name = c.get("user_name") or "secmond"
            c.setdefault("arn", "arn:aws:iam::%s:user/%s"
                         % (c["account_id"], name))
            c.setdefault("user_id", stable_id("AIDA", c["arn"]))
            c["kind"] = "user"
            self.base[c["access_key_id"]] = c
        self.base_account = sc["credentials"][0]["account_id"]
        self.roles = load_roles(sc.get("roles"))
        self.web_tokens = load_web_tokens(sc.get("web_identity_tokens"))
        self.lifetime = check_lifetime(sc.get("credential_lifetime_seconds"),
                                       "credential_lifetime_seconds")
        self.issued = {}   # access key id -> record, in issue order

    # -- lookups (used by sigv4check.verify)

    def get(self, akid, default=None):
        cred = self.base.get(akid)
        if cred is None:
            cred = self.issued.get(akid)
        return cred if cred is not None else default

    def mark_used(self, akid):
        with self.lock:
            rec = self.issued.get(akid)
            if rec is not None:
                rec["used"] = True
                rec["uses"] += 1

    def is_trusted(self, role, caller):
        """Does the role's trust list admit this caller (a credential)?"""
        trusted = role["trusted"]
        if trusted is None:
            return caller.get("kind") == "user"
        for entry in trusted:
            if entry == "*" or entry == caller["account_id"] or \
                    entry == caller["arn"] or \
                    entry == caller.get("role_arn") or \
                    entry == "arn:aws:iam::%s:root" % caller["account_id"]:
                return True
        return False

    # -- issuing

    def issue(self, source, role_arn, session_name, seconds,
              lifetime=None, **extra):
        """A new temporary credential acting as an assumed-role session.

        seconds: the requested duration; lifetime (or the scenario's
        credential_lifetime_seconds) overrides it when set."""
        parts = role_parts(role_arn)
        account, name = parts
        now = time.time()
        life = lifetime or self.lifetime or seconds
        role_id = (self.roles.get(role_arn) or {}).get("role_id") or \
            stable_id("AROA", role_arn)
        rec = {
            "access_key_id": None,
            "secret_access_key": base64.b64encode(os.urandom(30)).decode(),
            "session_token": TOKEN_PREFIX + base64.b64encode(
                os.urandom(100)).decode(),
            "account_id": account,
            "role_arn": role_arn,
            "arn": "arn:aws:sts::%s:assumed-role/%s/%s"
                   % (account, name, session_name),
            "user_id": "%s:%s" % (role_id, session_name),
            "role_id": role_id,
            "session_name": session_name,
            "source": source,
            "kind": "session",
            "issued_at": int(now),
            "expires_at": int(now) + life,
            "used": False,
            "uses": 0,
        }
        rec.update(extra)
        with self.lock:
            while True:
                akid = ISSUED_PREFIX + "".join(
                    _rng.choice(_ALNUM) for _ in range(6))
                if akid not in self.issued and akid not in self.base:
                    break
            rec["access_key_id"] = akid
            self.issued[akid] = rec
        return rec

    def expire(self, akid=None, source=None):
        """Make issued credentials expire now; returns how many."""
        now = int(time.time())
        n = 0
        with self.lock:
            for rec in self.issued.values():
                if akid not in (None, rec["access_key_id"]):
                    continue
                if source not in (None, rec["source"]):
                    continue
                if rec["expires_at"] > now:
                    rec["expires_at"] = now
                n += 1
        return n

    def listing(self):
        """What GET /_fake/credentials shows (no secrets)."""
        now = time.time()
        with self.lock:
            return [{
                "access_key_id": r["access_key_id"],
                "source": r["source"],
                "account_id": r["account_id"],
                "role_arn": r["role_arn"],
                "arn": r["arn"],
                "issued_at": iso_seconds(r["issued_at"]),
                "expiration": iso_seconds(r["expires_at"]),
                "expired": now >= r["expires_at"],
                "used": r["used"],
                "uses": r["uses"],
            } for r in self.issued.values()]

    @staticmethod
    def expired(rec, now=None):
        exp = rec.get("expires_at")
        return exp is not None and (now or time.time()) >= exp
