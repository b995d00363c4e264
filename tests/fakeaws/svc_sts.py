"""Fake STS (query protocol, API version 2011-06-15).

Owns: the operations GetCallerIdentity, AssumeRole and
AssumeRoleWithWebIdentity, their input checks (as STS words them:
ValidationError "1 validation error detected: Value 'x' at 'roleSessionName'
failed to satisfy constraint: ..."), the trust / external id checks
(AccessDenied "User: ARN is not authorized to perform: sts:AssumeRole on
resource: ROLE") and the XML replies, byte for byte in AWS's layout:
<OpResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><OpResult>...
</OpResult><ResponseMetadata><RequestId/></ResponseMetadata></OpResponse>;
errors in <ErrorResponse>.  Identities and issued credentials live in
identity.Identity.

Requests are POST / (form body) or GET /?Action=... and may arrive at any
region (the scope's region is not checked; the global endpoint signs as
us-east-1).  AssumeRoleWithWebIdentity is also served unsigned.
"""

import re
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from identity import iso_seconds
from wire import QUERY, ApiError, Reply, render_error

NAME = "sts"
PROTOCOL = QUERY
VERSION = "2011-06-15"
XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/"
UNSIGNED_OPS = ("AssumeRoleWithWebIdentity",)

# op -> {member: kind}; kinds: "string", "int", "list" (Name.member.N...)
MEMBERS = {
    "GetCallerIdentity": {},
    "AssumeRole": {
        "RoleArn": "string", "RoleSessionName": "string",
        "DurationSeconds": "int", "ExternalId": "string", "Policy": "string",
        "PolicyArns": "list", "Tags": "list", "TransitiveTagKeys": "list",
        "SerialNumber": "string", "TokenCode": "string",
        "SourceIdentity": "string", "ProvidedContexts": "list"},
    "AssumeRoleWithWebIdentity": {
        "RoleArn": "string", "RoleSessionName": "string",
        "WebIdentityToken": "string", "ProviderId": "string",
        "Policy": "string", "PolicyArns": "list", "DurationSeconds": "int"},
}
REQUIRED = {
    "AssumeRole": ("RoleArn", "RoleSessionName"),
    "AssumeRoleWithWebIdentity": ("RoleArn", "RoleSessionName",
                                  "WebIdentityToken"),
}
# member -> (min length, max length, regex or None)
LENGTHS = {
    "RoleArn": (20, 2048, None),
    "RoleSessionName": (2, 64, r"[\w+=,.@-]*"),
    "ExternalId": (2, 1224, r"[\w+=,.@:/-]*"),
    "WebIdentityToken": (4, 20000, None),
    "SourceIdentity": (2, 64, r"[\w+=,.@-]*"),
    "SerialNumber": (9, 256, r"[\w+=/:,.@-]*"),
    "TokenCode": (6, 6, r"[\d]*"),
    "ProviderId": (4, 2048, None),
    "Policy": (1, None, None),
}
MSG_INVALID_WEB_TOKEN = ("The web identity token that was passed could not "
                         "be validated by AWS. Get a new identity token from "
                         "the identity provider and then retry the request.")


def _lower_first(name):
    return name[:1].lower() + name[1:]


def validation_error(text):
    return ApiError(400, "ValidationError",
                    "1 validation error detected: " + text)


def form_params(call):
    """Query string and form body merged (the body wins)."""
    out = dict(call.query or {})
    ctype = (call.headers.get("Content-Type", "") if call.headers else "")
    if call.body:
        if "x-www-form-urlencoded" not in ctype:
            raise ApiError(400, "InvalidParameterValue",
                           "Unsupported Content-Type %r for the query "
                           "protocol" % ctype)
        try:
            text = call.body.decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError(400, "MalformedQueryString",
                           "The request body is not valid UTF-8")
        for k, v in parse_qs(text, keep_blank_values=True).items():
            out[k] = v[-1]
    out = {k: (v[-1] if isinstance(v, list) else v) for k, v in out.items()}
    return out


def parse_input(op, params):
    """Typed, checked input of an STS operation (ValidationError on bad
    input, the way STS words it)."""
    members = MEMBERS[op]
    out = {}
    for key, value in params.items():
        if key in ("Action", "Version"):
            continue
        top = key.split(".", 1)[0]
        kind = members.get(top)
        if kind is None:
            raise ApiError(400, "InvalidParameterValue",
                           "Unknown parameter %r for %s (fakeaws rejects "
                           "unknown parameters)" % (key, op))
        if kind == "list":
            out.setdefault(top, {})[key] = value
            continue
        if "." in key:
            raise ApiError(400, "InvalidParameterValue",
                           "Unknown parameter %r for %s" % (key, op))
        if kind == "int":
            try:
                value = int(value)
            except ValueError:
                raise validation_error(
                    "Value '%s' at '%s' failed to satisfy constraint: Member "
                    "must be an integer" % (value, _lower_first(key)))
        out[key] = value
    for name in REQUIRED.get(op, ()):
        if out.get(name) in (None, ""):
            raise validation_error(
                "Value null at '%s' failed to satisfy constraint: Member "
                "must not be null" % _lower_first(name))
    for name, (lo, hi, rx) in LENGTHS.items():
        v = out.get(name)
        if v is None:
            continue
        where = _lower_first(name)
        if len(v) < lo or (hi is not None and len(v) > hi):
            bound = ("greater than or equal to %d" % lo if len(v) < lo
                     else "less than or equal to %d" % hi)
            shown = "*****" if name == "WebIdentityToken" else v
            raise validation_error(
                "Value '%s' at '%s' failed to satisfy constraint: Member "
                "must have length %s" % (shown, where, bound))
        if rx and not re.fullmatch(rx, v, re.ASCII):
            raise validation_error(
                "Value '%s' at '%s' failed to satisfy constraint: Member "
                "must satisfy regular expression pattern: %s"
                % (v, where, rx))
    d = out.get("DurationSeconds")
    if d is not None and not 900 <= d <= 43200:
        bound = ("greater than or equal to 900" if d < 900
                 else "less than or equal to 43200")
        raise validation_error(
            "Value '%d' at 'durationSeconds' failed to satisfy constraint: "
            "Member must have value %s" % (d, bound))
    return out


def xml_reply(op, inner, request_id):
    body = ('<%sResponse xmlns="%s">\n  <%sResult>\n%s  </%sResult>\n'
            '  <ResponseMetadata>\n    <RequestId>%s</RequestId>\n'
            '  </ResponseMetadata>\n</%sResponse>\n'
            % (op, XMLNS, op, inner, op, request_id, op))
    return Reply(200, body.encode("utf-8"), {"Content-Type": "text/xml"})


def _elems(pairs, indent):
    out = ""
    for name, value in pairs:
        if value is None:
            continue
        if isinstance(value, list):
            out += "%s<%s>\n%s%s</%s>\n" % (indent, name, _elems(
                value, indent + "  "), indent, name)
        else:
            out += "%s<%s>%s</%s>\n" % (indent, name, escape(str(value)),
                                         name)
    return out


def credentials_xml(rec):
    return [
        ("AssumedRoleUser", [("AssumedRoleId", rec["user_id"]),
                             ("Arn", rec["arn"])]),
        ("Credentials", [("AccessKeyId", rec["access_key_id"]),
                         ("SecretAccessKey", rec["secret_access_key"]),
                         ("SessionToken", rec["session_token"]),
                         ("Expiration", iso_seconds(rec["expires_at"]))]),
    ]


class Service:
    """STS on top of an identity.Identity."""

    protocol = PROTOCOL

    def __init__(self, identity):
        self.identity = identity

    # -- wire

    def route(self, method, raw_path, headers=None, body=b"", raw_query=""):
        """(Action, {}) for POST / or GET /; the Action may be "" (missing)
        or unknown: handle() answers those with InvalidAction."""
        if raw_path not in ("", "/") or method not in ("POST", "GET"):
            return None
        params = parse_qs(raw_query or "", keep_blank_values=True)
        ctype = headers.get("Content-Type", "") if headers else ""
        if body and "x-www-form-urlencoded" in ctype:
            try:
                params.update(parse_qs(body.decode("utf-8"),
                                       keep_blank_values=True))
            except UnicodeDecodeError:
                pass
        action = (params.get("Action") or [""])[-1]
        return action, {}

    def is_unsigned_call(self, method, raw_path, raw_query, headers, body):
        """True for an unsigned request STS serves without a signature."""
        routed = self.route(method, raw_path, headers, body, raw_query)
        return bool(routed) and routed[0] in UNSIGNED_OPS

    def error_reply(self, err):
        return render_error(PROTOCOL, err, xmlns=XMLNS)

    # -- operations

    def handle(self, call):
        params = form_params(call)
        call.params = params
        op = params.get("Action")
        version = params.get("Version")
        if op not in MEMBERS or version != VERSION:
            raise ApiError(400, "InvalidAction",
                           "Could not find operation %s for version %s"
                           % (op, version or "NO_VERSION_SPECIFIED"))
        args = parse_input(op, params)
        return getattr(self, "op_" + op)(call, args)

    def op_GetCallerIdentity(self, call, args):
        c = call.credential
        inner = _elems([("Arn", c["arn"]), ("UserId", c["user_id"]),
                        ("Account", c["account_id"])], "    ")
        return xml_reply("GetCallerIdentity", inner, call.request_id)

    def _duration(self, role, args, chained):
        seconds = args.get("DurationSeconds") or 3600
        if chained and seconds > 3600:
            raise validation_error(
                "The requested DurationSeconds exceeds the 1 hour session "
                "limit for roles assumed by role chaining.")
        if seconds > role["max_session_duration"]:
            raise ApiError(400, "ValidationError",
                           "The requested DurationSeconds exceeds the "
                           "MaxSessionDuration set for this role.")
        return seconds

    def op_AssumeRole(self, call, args):
        caller = call.credential
        role = self.identity.roles.get(args["RoleArn"])
        denied = ApiError(
            403, "AccessDenied", "User: %s is not authorized to perform: "
            "sts:AssumeRole on resource: %s" % (caller["arn"],
                                                 args["RoleArn"]))
        if role is None or not self.identity.is_trusted(role, caller):
            raise denied
        if role["external_id"] is not None and \
                args.get("ExternalId") != role["external_id"]:
            raise denied
        seconds = self._duration(role, args, caller.get("kind") == "session")
        rec = self.identity.issue("sts", role["arn"], args["RoleSessionName"],
                                  seconds, assumed_by=caller["arn"])
        inner = _elems(credentials_xml(rec) + [
            ("SourceIdentity", args.get("SourceIdentity"))], "    ")
        return xml_reply("AssumeRole", inner, call.request_id)

    def op_AssumeRoleWithWebIdentity(self, call, args):
        spec = self.identity.web_tokens.get(args["WebIdentityToken"])
        if spec is None:
            raise ApiError(400, "InvalidIdentityToken", MSG_INVALID_WEB_TOKEN)
        role = self.identity.roles.get(args["RoleArn"])
        if role is None or (spec["roles"] is not None
                            and role["arn"] not in spec["roles"]):
            raise ApiError(403, "AccessDenied", "Not authorized to perform "
                           "sts:AssumeRoleWithWebIdentity")
        seconds = self._duration(role, args, False)
        rec = self.identity.issue("sts", role["arn"], args["RoleSessionName"],
                                  seconds, assumed_by=spec["subject"],
                                  web_identity=True)
        inner = _elems([
            ("SubjectFromWebIdentityToken", spec["subject"]),
            ("Audience", spec["audience"])] + credentials_xml(rec) + [
            ("Provider", spec["provider"])], "    ")
        return xml_reply("AssumeRoleWithWebIdentity", inner, call.request_id)
