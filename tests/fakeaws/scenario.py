"""Scenario files for the fake AWS server.

Owns: reading a scenario JSON file, checking its top level (credentials,
steps) and handing each service module its own section.  The service
sections themselves ("guardduty", later "securityhub", ...) are checked
by the service modules; roles / web_identity_tokens /
credential_lifetime_seconds by identity.py, imds / container by
svc_metadata.py, accounts by fakeaws.py.  See README.md for the format.
"""

import json
import re

_AKID_RE = re.compile(r"^[A-Z0-9]{16,128}$")


class ScenarioError(ValueError):
    """The scenario file is not usable (message says where)."""


def load(path):
    """Parse and check a scenario file; returns the dict."""
    try:
        with open(path, encoding="utf-8") as fh:
            sc = json.load(fh)
    except (OSError, ValueError) as e:
        raise ScenarioError("%s: %s" % (path, e))
    if not isinstance(sc, dict):
        raise ScenarioError("%s: top level must be an object" % path)
    sc.setdefault("credentials", [])
    sc.setdefault("steps", [])
    check_credentials(sc["credentials"])
    if not isinstance(sc["steps"], list) or \
            not all(isinstance(s, dict) for s in sc["steps"]):
        raise ScenarioError("steps must be a list of objects")
    return sc


def check_credentials(creds):
    if not isinstance(creds, list) or not creds:
        raise ScenarioError("credentials must be a non-empty list")
    for i, c in enumerate(creds):
        where = "credentials[%d]" % i
        if not isinstance(c, dict):
            raise ScenarioError(where + " must be an object")
        akid = c.get("access_key_id")
        if not isinstance(akid, str) or not _AKID_RE.match(akid):
            raise ScenarioError(where + ".access_key_id must be 16+ "
                                "uppercase letters/digits")
        if akid.startswith("AKIA") or akid.startswith("ASIA"):
            raise ScenarioError(where + ": use an obviously fake key id "
                                "(e.g. AKIDSECMONFAKE0000001), not AKIA/ASIA")
        if not isinstance(c.get("secret_access_key"), str):
            raise ScenarioError(where + ".secret_access_key is required")
        if c.get("session_token") is not None and \
                not isinstance(c["session_token"], str):
            raise ScenarioError(where + ".session_token must be a string")
        name = c.get("user_name")
        if name is not None and not (isinstance(name, str) and re.match(
                r"^[\w+=,.@-]{1,64}$", name, re.ASCII)):
            raise ScenarioError(where + ".user_name must be an IAM user name")
        acct = c.setdefault("account_id", "111122223333")
        if not (isinstance(acct, str) and re.match(r"^\d{12}$", acct)):
            raise ScenarioError(where + ".account_id must be 12 digits")


def credential_map(sc):
    """access key id -> credential dict."""
    return {c["access_key_id"]: c for c in sc["credentials"]}
