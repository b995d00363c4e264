"""Fake credential endpoints: EC2 IMDSv2 and the ECS/EKS container agent.

Owns: the scenario sections "imds" and "container", the IMDS session
tokens, and handing out (and rotating) temporary credentials issued by
identity.Identity with source "imds" / "container".  Both are plain HTTP
without signatures, served on the fake's own port:

IMDS (service "imds" for faults and the log):
  PUT /latest/api/token                      op GetToken
      header x-aws-ec2-metadata-token-ttl-seconds 1..21600 (else 400);
      X-Forwarded-For present -> 403 (as IMDS refuses proxied PUTs)
  GET /latest/meta-data/iam/security-credentials/      op GetRoleName
  GET /latest/meta-data/iam/security-credentials/ROLE  op GetCredentials
  GET /latest/meta-data/iam/info, instance-id, placement/region,
      placement/availability-zone, /latest/dynamic/instance-identity/document
                                                       op GetMetadata
  GETs need a valid x-aws-ec2-metadata-token (else 401) unless
  imds.allow_v1; a token that is present but invalid or expired is 401
  even then.  Without an "imds" section every /latest/ path is 404.
Container (service "container"):
  GET container.path                                   op GetCredentials
  Authorization must equal container.authorization_token when set:
  missing -> 401, wrong -> 403.

Credentials are reused while they have more than min(300 s, half their
lifetime) left, then replaced (IMDS makes new ones available at least five
minutes before expiry); /_fake/expire makes the next fetch get new ones.
"""

import base64
import json
import os
import re
import threading
import time

from identity import ScenarioError, check_lifetime, iso_seconds, role_parts
from wire import ApiError, Reply, json_bytes

IMDS_PREFIX = "/latest"
CREDS_PATH = "/latest/meta-data/iam/security-credentials/"
DEFAULT_LIFETIME = 6 * 3600
_HTML = ('<?xml version="1.0" encoding="iso-8859-1"?>\n'
         '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"\n'
         '\t"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
         '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" '
         'lang="en">\n <head>\n  <title>%d - %s</title>\n </head>\n'
         ' <body>\n  <h1>%d - %s</h1>\n </body>\n</html>\n')
_REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
            404: "Not Found", 405: "Method Not Allowed",
            500: "Internal Server Error", 503: "Service Unavailable"}


def _role_arn(value, default_account, where):
    """A role ARN from an ARN or a bare role name."""
    if not isinstance(value, str) or not value:
        raise ScenarioError(where + " (a role name or ARN) is required")
    if value.startswith("arn:"):
        if not role_parts(value):
            raise ScenarioError(where + " must be arn:aws:iam::ACCOUNT:"
                                "role/NAME or a bare role name")
        return value
    if not re.match(r"^[\w+=,.@-]{1,64}$", value, re.ASCII):
        raise ScenarioError(where + " is not a valid role name")
    return "arn:aws:iam::%s:role/%s" % (default_account, value)


class _Rotating:
    """The current credential of one endpoint, replaced near expiry."""

    def __init__(self, identity, source, role_arn, session, lifetime):
        self.identity = identity
        self.source = source
        self.role_arn = role_arn
        self.session = session
        self.lifetime = lifetime
        self.current = None
        self.lock = threading.Lock()

    def get(self):
        with self.lock:
            rec = self.current
            now = time.time()
            if rec is not None:
                life = rec["expires_at"] - rec["issued_at"]
                if rec["expires_at"] - now > min(300, life / 2.0):
                    return rec
            life = self.lifetime or self.identity.lifetime or DEFAULT_LIFETIME
            self.current = self.identity.issue(
                self.source, self.role_arn, self.session, life, life)
            return self.current


class Imds:
    """EC2 instance metadata (IMDSv2, optionally v1)."""

    name = "imds"
    protocol = "imds"

    def __init__(self, section, identity):
        self.enabled = section is not None
        self.tokens = {}
        self.lock = threading.Lock()
        if not self.enabled:
            return
        if not isinstance(section, dict):
            raise ScenarioError("imds must be an object")
        unknown = set(section) - {"role", "allow_v1", "lifetime_seconds",
                                  "instance_id", "region", "comment"}
        if unknown:
            raise ScenarioError("imds: unknown keys %s" % sorted(unknown))
        self.role_arn = _role_arn(section.get("role"), identity.base_account,
                                  "imds.role")
        self.role_name = role_parts(self.role_arn)[1]
        self.account = role_parts(self.role_arn)[0]
        self.allow_v1 = section.get("allow_v1", False)
        if not isinstance(self.allow_v1, bool):
            raise ScenarioError("imds.allow_v1 must be true/false")
        self.instance_id = section.get("instance_id", "i-0123456789abcdef0")
        self.region = section.get("region", "us-east-1")
        if not isinstance(self.instance_id, str) or \
                not isinstance(self.region, str):
            raise ScenarioError("imds.instance_id / imds.region: strings")
        lifetime = check_lifetime(section.get("lifetime_seconds"),
                                  "imds.lifetime_seconds")
        self.creds = _Rotating(identity, "imds", self.role_arn,
                               self.instance_id, lifetime)

    @staticmethod
    def owns(raw_path):
        return raw_path == IMDS_PREFIX or raw_path.startswith(IMDS_PREFIX
                                                              + "/")

    def route(self, method, raw_path, headers=None, body=b"", raw_query=""):
        if not self.enabled:
            return "NotFound", {}
        if raw_path == "/latest/api/token":
            return "GetToken", {}
        if raw_path in (CREDS_PATH, CREDS_PATH.rstrip("/")):
            return "GetRoleName", {}
        if raw_path.startswith(CREDS_PATH):
            return "GetCredentials", {"role": raw_path[len(CREDS_PATH):]}
        return "GetMetadata", {"path": raw_path}

    def error_reply(self, err):
        reason = _REASONS.get(err.status, err.code or "Error")
        body = (_HTML % (err.status, reason, err.status, reason)).encode()
        return Reply(err.status, body, dict(err.headers, **{
            "Content-Type": "text/html"}))

    @staticmethod
    def _error(status):
        return ApiError(status, _REASONS.get(status, "Error"),
                        _REASONS.get(status, "Error"))

    def _text(self, text):
        return Reply(200, text.encode("utf-8"), {"Content-Type": "text/plain"})

    def _check_token(self, headers):
        token = headers.get("x-aws-ec2-metadata-token")
        if token is None:
            if not self.allow_v1:
                raise self._error(401)
            return
        with self.lock:
            exp = self.tokens.get(token)
        if exp is None or time.time() >= exp:
            raise self._error(401)

    def handle(self, call):
        if call.op == "NotFound":
            raise self._error(404)
        if call.op == "GetToken":
            return self.put_token(call)
        if call.method not in ("GET", "HEAD"):
            raise self._error(405)
        self._check_token(call.headers)
        if call.op == "GetRoleName":
            return self._text(self.role_name)
        if call.op == "GetCredentials":
            if call.labels["role"] != self.role_name:
                raise self._error(404)
            rec = self.creds.get()
            return self._text(json.dumps({
                "Code": "Success",
                "LastUpdated": iso_seconds(rec["issued_at"]),
                "Type": "AWS-HMAC",
                "AccessKeyId": rec["access_key_id"],
                "SecretAccessKey": rec["secret_access_key"],
                "Token": rec["session_token"],
                "Expiration": iso_seconds(rec["expires_at"]),
            }, indent=2))
        return self.metadata(call.labels["path"])

    def put_token(self, call):
        if call.method != "PUT":
            raise self._error(405)
        if call.headers.get("X-Forwarded-For") is not None:
            raise self._error(403)
        ttl = call.headers.get("x-aws-ec2-metadata-token-ttl-seconds")
        try:
            ttl = int(ttl)
        except (TypeError, ValueError):
            raise self._error(400)
        if not 1 <= ttl <= 21600:
            raise self._error(400)
        token = "AQAEAFAKE" + base64.urlsafe_b64encode(
            os.urandom(36)).decode().rstrip("=") + "=="
        with self.lock:
            now = time.time()
            self.tokens = {t: e for t, e in self.tokens.items() if e > now}
            self.tokens[token] = now + ttl
        reply = self._text(token)
        reply.headers["x-aws-ec2-metadata-token-ttl-seconds"] = str(ttl)
        return reply

    def metadata(self, path):
        path = path.rstrip("/")
        az = self.region + "a"
        if path == "/latest/meta-data/iam/info":
            return self._text(json.dumps({
                "Code": "Success",
                "LastUpdated": iso_seconds(time.time()),
                "InstanceProfileArn": "arn:aws:iam::%s:instance-profile/%s"
                                      % (self.account, self.role_name),
                "InstanceProfileId": "AIPASECMONFAKE0000001"}, indent=2))
        simple = {
            "/latest/meta-data/instance-id": self.instance_id,
            "/latest/meta-data/placement/region": self.region,
            "/latest/meta-data/placement/availability-zone": az,
        }
        if path in simple:
            return self._text(simple[path])
        if path == "/latest/dynamic/instance-identity/document":
            return self._text(json.dumps({
                "accountId": self.account, "architecture": "x86_64",
                "availabilityZone": az, "imageId": "ami-0123456789abcdef0",
                "instanceId": self.instance_id, "instanceType": "t3.micro",
                "privateIp": "10.0.0.10", "region": self.region,
                "version": "2017-09-30"}, indent=2))
        raise self._error(404)

    def state(self):
        if not self.enabled:
            return None
        return {"role": self.role_arn, "allow_v1": self.allow_v1,
                "tokens": len(self.tokens)}


class Container:
    """The ECS / EKS Pod Identity credential endpoint."""

    name = "container"
    protocol = "container"

    def __init__(self, section, identity):
        self.enabled = section is not None
        self.path = None
        if not self.enabled:
            return
        if not isinstance(section, dict):
            raise ScenarioError("container must be an object")
        unknown = set(section) - {"path", "authorization_token", "role",
                                  "lifetime_seconds", "comment"}
        if unknown:
            raise ScenarioError("container: unknown keys %s"
                                % sorted(unknown))
        path = section.get("path")
        if not isinstance(path, str) or not path.startswith("/") or \
                path.startswith("/_fake") or Imds.owns(path) or \
                path.rstrip("/") in ("", "/detector") or \
                path.startswith("/detector/"):
            raise ScenarioError("container.path must be an absolute path "
                                "outside /_fake, /latest and the API routes")
        self.path = path
        self.token = section.get("authorization_token")
        if self.token is not None and (not isinstance(self.token, str)
                                       or not self.token
                                       or "\r" in self.token
                                       or "\n" in self.token):
            raise ScenarioError("container.authorization_token must be a "
                                "one-line string")
        self.role_arn = _role_arn(section.get("role"), identity.base_account,
                                  "container.role")
        session = path.rstrip("/").rsplit("/", 1)[-1] or "task"
        session = re.sub(r"[^\w+=,.@-]", "-", session, flags=re.ASCII)[:64]
        lifetime = check_lifetime(section.get("lifetime_seconds"),
                                  "container.lifetime_seconds")
        self.creds = _Rotating(identity, "container", self.role_arn,
                               session.ljust(2, "-"), lifetime)

    def owns(self, raw_path):
        return self.enabled and raw_path == self.path

    def route(self, method, raw_path, headers=None, body=b"", raw_query=""):
        return "GetCredentials", {}

    def error_reply(self, err):
        return Reply(err.status, json_bytes({"code": err.code,
                                             "message": err.message}),
                     dict(err.headers, **{"Content-Type": "application/json"}))

    def handle(self, call):
        if call.method not in ("GET", "HEAD"):
            raise ApiError(405, "MethodNotAllowed",
                           "Only GET is supported")
        if self.token is not None:
            got = call.headers.get("Authorization")
            if got is None:
                raise ApiError(401, "Unauthorized", "Authorization header "
                               "is required")
            if got != self.token:
                raise ApiError(403, "AccessDenied", "Authorization token "
                               "is not valid")
        rec = self.creds.get()
        return Reply(200, json_bytes({
            "AccessKeyId": rec["access_key_id"],
            "SecretAccessKey": rec["secret_access_key"],
            "Token": rec["session_token"],
            "Expiration": iso_seconds(rec["expires_at"]),
            "RoleArn": self.role_arn,
        }), {"Content-Type": "application/json"})

    def state(self):
        if not self.enabled:
            return None
        return {"path": self.path, "role": self.role_arn,
                "authorization_required": self.token is not None}
