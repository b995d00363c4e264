"""Wire framing shared by all fake services.

Owns: the Call (one parsed API request), Reply (what to send back),
ApiError, and how each AWS protocol frames successes and errors:
- rest-json: JSON body, errors as header `x-amzn-ErrorType` + JSON body
  (the body shape is the service's: GuardDuty {"message","__type"},
  Security Hub {"Code","Message"});
- json (awsJson 1.0/1.1): JSON body, errors {"__type","message"} (+ an
  optional `x-amzn-query-error` header for awsQueryCompatible services);
- query: XML bodies, <ErrorResponse><Error><Type/><Code/><Message/>...

It also maps the signature checker's generic failures to the code each
protocol's front end really sends.
"""

import json
import uuid
from xml.sax.saxutils import escape

REST_JSON, JSON, QUERY = "rest-json", "json", "query"

# sigv4check error name -> (status, code) per protocol family
_AUTH_CODES = {
    "json": {
        "missing": (403, "MissingAuthenticationTokenException"),
        "incomplete": (403, "IncompleteSignatureException"),
        "unknown-key": (403, "UnrecognizedClientException"),
        "token": (403, "UnrecognizedClientException"),
        "mismatch": (403, "InvalidSignatureException"),
        "expired": (403, "InvalidSignatureException"),
        "expired-token": (403, "ExpiredTokenException"),
    },
    "query": {
        "missing": (403, "MissingAuthenticationToken"),
        "incomplete": (400, "IncompleteSignature"),
        "unknown-key": (403, "InvalidClientTokenId"),
        "token": (403, "InvalidClientTokenId"),
        "mismatch": (403, "SignatureDoesNotMatch"),
        "expired": (403, "SignatureDoesNotMatch"),
        "expired-token": (403, "ExpiredToken"),
    },
}


class ApiError(Exception):
    """An AWS error reply: HTTP status, error code and message."""

    def __init__(self, status, code, message, headers=None):
        super().__init__("%s %s: %s" % (status, code, message))
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.request_id = None   # set by the server before rendering


def bad_request(message, code="BadRequestException"):
    return ApiError(400, code, message)


class Reply:
    """A complete HTTP reply (status, headers dict, body bytes)."""

    def __init__(self, status=200, body=b"", headers=None):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


class Call:
    """One signed API request after routing.

    Fields: service, op, region, account_id, method, path (decoded path
    without query), raw_path, query (dict name -> last value), headers,
    body (bytes), params (parsed input: JSON object or form dict),
    labels (path parameters), request_id, emptypage (fault flag), fault
    (kind of the fault hitting the request, or None),
    credential (the caller's identity.Identity record; None if unsigned).
    """

    def __init__(self, **kw):
        self.service = kw.get("service")
        self.op = kw.get("op")
        self.region = kw.get("region")
        self.account_id = kw.get("account_id")
        self.method = kw.get("method")
        self.path = kw.get("path")
        self.raw_path = kw.get("raw_path")
        self.query = kw.get("query", {})
        self.headers = kw.get("headers")
        self.body = kw.get("body", b"")
        self.params = kw.get("params")
        self.labels = kw.get("labels", {})
        self.request_id = kw.get("request_id") or str(uuid.uuid4())
        self.credential = kw.get("credential")
        self.emptypage = False
        self.fault = None   # the kind of the fault hitting this request


def auth_error(protocol, err_name, message):
    """ApiError for a failed signature check under `protocol`."""
    family = "query" if protocol == QUERY else "json"
    status, code = _AUTH_CODES[family][err_name]
    return ApiError(status, code, message)


def json_bytes(obj):
    return json.dumps(obj, separators=(",", ":")).encode("utf-8")


def ok_json(obj, protocol=REST_JSON):
    ctype = ("application/json" if protocol == REST_JSON
             else "application/x-amz-json-1.0")
    return Reply(200, json_bytes(obj), {"Content-Type": ctype})


def render_error(protocol, err, body_style="message+__type",
                 error_type_suffix="", xmlns=None):
    """Reply for an ApiError in the given protocol.

    body_style (rest-json only): "message+__type" (GuardDuty) or
    "Code+Message" (Security Hub).  error_type_suffix is appended to the
    x-amzn-ErrorType header value (real services add ':http://internal...').
    xmlns (query only): the service's namespace for <ErrorResponse>.
    """
    headers = dict(err.headers)
    if protocol == QUERY:
        return Reply(err.status, _query_error_xml(err, xmlns),
                     dict(headers, **{"Content-Type": "text/xml"}))
    if protocol == JSON:
        body = {"__type": err.code, "message": err.message}
        headers["Content-Type"] = "application/x-amz-json-1.0"
        return Reply(err.status, json_bytes(body), headers)
    if body_style == "Code+Message":
        body = {"Code": err.code, "Message": err.message}
    else:
        body = {"message": err.message, "__type": err.code}
    headers["Content-Type"] = "application/json"
    headers["x-amzn-ErrorType"] = err.code + error_type_suffix
    return Reply(err.status, json_bytes(body), headers)


def _query_error_xml(err, xmlns=None):
    kind = "Receiver" if err.status >= 500 else "Sender"
    xml = ('<ErrorResponse xmlns="%s">'
           "<Error><Type>%s</Type><Code>%s</Code><Message>%s</Message>"
           "</Error><RequestId>%s</RequestId></ErrorResponse>"
           % (xmlns or "https://iam.amazonaws.com/doc/2010-05-08/", kind,
              escape(err.code), escape(err.message),
              err.request_id or uuid.uuid4()))
    return xml.encode("utf-8")
