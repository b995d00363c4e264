"""Fake SNS (query protocol, API version 2010-03-31).

Owns: the scenario section "sns" (topics per account: standard and FIFO,
content-based deduplication, dedup scope, who may publish) and its steps
(add / remove topics), the operations Publish and GetTopicAttributes with
SNS's input checks and error codes, FIFO deduplication over a 5-minute
window of the fake's SNS clock, and the record of everything accepted
(what subscribers would receive, duplicates flagged), served by the admin
API under /_fake/sns/ (see Hub.admin).

Requests are POST / with a form body (Action=Publish&Version=2010-03-31
&TopicArn=..&Message=..) or GET /?Action=..., signed for service "sns";
the scope's region must be the topic's region.  Replies are SNS's XML in
the namespace http://sns.amazonaws.com/doc/2010-03-31/, errors the query
<ErrorResponse> (Type Sender for 4xx, Receiver for 5xx).

Error codes (the model's): InvalidParameter 400 (InvalidParameterException),
ParameterValueInvalid 400 (InvalidParameterValueException: message
attributes), NotFound 404, AuthorizationError 403, InvalidAction 400.
Messages follow AWS's where they are known ("Invalid parameter: TopicArn",
"Topic does not exist", "Invalid parameter: The MessageGroupId parameter
is required for FIFO topics", "Invalid parameter: Message too long", ...).
"""

import base64
import copy
import datetime
import hashlib
import json
import re
import threading
import time
import uuid
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from wire import QUERY, ApiError, Reply, render_error

NAME = "sns"
PROTOCOL = QUERY
VERSION = "2010-03-31"
XMLNS = "http://sns.amazonaws.com/doc/2010-03-31/"
OPS = ("Publish", "GetTopicAttributes")
MAX_MESSAGE_BYTES = 262144
MAX_ATTRIBUTES = 10
DEDUP_WINDOW = 300
SECTION_KEYS = {"topics", "dedup_window_seconds"}
TOPIC_KEYS = {"arn", "content_based_deduplication", "display_name",
              "fifo_throughput_scope", "publishers"}
ARN_RE = re.compile(r"^arn:(aws|aws-cn|aws-us-gov):sns:([a-z0-9-]+):(\d{12}):"
                    r"([A-Za-z0-9_.-]{1,256})$")
# MessageGroupId / MessageDeduplicationId: 1-128 alphanumerics and ASCII
# punctuation
ID_RE = re.compile(r"^[A-Za-z0-9!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]"
                   r"{1,128}$")
ATTR_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,256}$")
ATTR_TYPE_RE = re.compile(r"^(String|Number|Binary)(\.[A-Za-z0-9_.-]+)?$")
NUMBER_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
# a delivered / accepted message as GET /_fake/sns/messages lists it
RECORD_KEYS = ("index", "topic", "region", "message_id", "sequence",
               "subject", "message", "structure", "attributes", "group_id",
               "dedup_id", "dedup_source", "duplicate", "duplicate_of",
               "delivered", "answered", "time", "publisher_account",
               "publisher", "request_id")
PUBLISH_MEMBERS = {"TopicArn", "TargetArn", "PhoneNumber", "Message",
                   "Subject", "MessageStructure", "MessageDeduplicationId",
                   "MessageGroupId"}
ATTR_ENTRY_RE = re.compile(r"^MessageAttributes\.entry\.(\d+)\."
                           r"(Name|Value\.DataType|Value\.StringValue|"
                           r"Value\.BinaryValue)$")


def invalid(text):
    return ApiError(400, "InvalidParameter", "Invalid parameter: " + text)


def value_invalid(text):
    return ApiError(400, "ParameterValueInvalid", text)


def iso_ms(epoch):
    t = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def parse_topic_arn(arn):
    """(partition, region, account, name) or None."""
    m = ARN_RE.match(arn or "")
    if not m:
        return None
    name = m.group(4)
    base = name[:-5] if name.endswith(".fifo") else name
    if not base or "." in base or len(name) > 256:
        return None
    return m.groups()


def topic_record(spec, account, where):
    if not isinstance(spec, dict) or set(spec) - TOPIC_KEYS:
        raise ValueError("%s: an object with keys among %s"
                         % (where, sorted(TOPIC_KEYS)))
    arn = spec.get("arn")
    parts = parse_topic_arn(arn) if isinstance(arn, str) else None
    if parts is None:
        raise ValueError("%s.arn: arn:aws:sns:REGION:ACCOUNT:NAME (NAME 1-256 "
                         "of [A-Za-z0-9_-], '.fifo' for FIFO topics)" % where)
    if parts[2] != account:
        raise ValueError("%s.arn: the topic's account %s is not this "
                         "section's account %s (give other accounts' topics "
                         "under accounts.ACCOUNT.sns)" % (where, parts[2],
                                                          account))
    fifo = arn.endswith(".fifo")
    cbd = spec.get("content_based_deduplication", False)
    if not isinstance(cbd, bool) or (cbd and not fifo):
        raise ValueError("%s.content_based_deduplication: a boolean, true "
                         "only for FIFO topics" % where)
    scope = spec.get("fifo_throughput_scope", "Topic")
    if scope not in ("Topic", "MessageGroup") or \
            ("fifo_throughput_scope" in spec and not fifo):
        raise ValueError("%s.fifo_throughput_scope: Topic or MessageGroup "
                         "(FIFO topics only)" % where)
    pubs = spec.get("publishers", [])
    if not isinstance(pubs, list) or not all(isinstance(p, str)
                                             for p in pubs):
        raise ValueError("%s.publishers: list of account ids, principal "
                         "ARNs or \"*\"" % where)
    name = spec.get("display_name", "")
    if not isinstance(name, str) or len(name) > 100:
        raise ValueError("%s.display_name: a string of at most 100 "
                         "characters" % where)
    return {"arn": arn, "region": parts[1], "account": parts[2],
            "name": parts[3], "fifo": fifo,
            "content_based_deduplication": cbd,
            "fifo_throughput_scope": scope, "publishers": list(pubs),
            "display_name": name}


def form_params(call):
    """Query string and form body merged (the body wins); values must be
    UTF-8 once percent-decoded."""
    out = dict(call.query or {})
    ctype = call.headers.get("Content-Type", "") if call.headers else ""
    if call.body:
        if "x-www-form-urlencoded" not in ctype:
            raise invalid("Content-Type %r is not supported by the query "
                          "protocol" % ctype)
        try:
            pairs = parse_qs(call.body.decode("utf-8"),
                             keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise invalid("Message must be UTF-8 encoded")
        for k, v in pairs.items():
            out[k] = v[-1]
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in out.items()}


def _no_dup_keys(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(pairs)


def check_structure(message):
    try:
        obj = json.loads(message, object_pairs_hook=_no_dup_keys)
    except ValueError:
        raise invalid("Message Structure - JSON message body failed to parse")
    if not isinstance(obj, dict):
        raise invalid("Message Structure - JSON message body failed to parse")
    if not isinstance(obj.get("default"), str):
        raise invalid("Message Structure - No default entry in JSON message "
                      "body")


def check_number(name, text):
    bad = value_invalid("Could not cast message attribute '%s' value to "
                        "number." % name)
    if not NUMBER_RE.match(text):
        raise bad
    mant = re.split(r"[eE]", text)[0].lstrip("+-").replace(".", "")
    if len(mant.lstrip("0")) > 38:
        raise bad
    v = float(text)
    if not -1e128 <= v <= 1e126:
        raise bad


def parse_attributes(params):
    """{name: (type, value-bytes-for-size, recorded value)}, in entry
    order; ParameterValueInvalid on bad entries."""
    entries = {}
    for key, value in params.items():
        m = ATTR_ENTRY_RE.match(key)
        if m:
            entries.setdefault(int(m.group(1)), {})[m.group(2)] = value
    if len(entries) > MAX_ATTRIBUTES:
        raise value_invalid("Number of message attributes [%d] exceeds the "
                            "allowed maximum [%d]." % (len(entries),
                                                       MAX_ATTRIBUTES))
    out = {}
    for n in sorted(entries):
        e = entries[n]
        name = e.get("Name")
        if not name:
            raise value_invalid("The message attribute name at entry %d "
                                "must not be empty." % n)
        if not ATTR_NAME_RE.match(name) or name.startswith(".") or \
                name.endswith(".") or ".." in name or \
                name.lower().startswith(("aws.", "amazon.")):
            raise value_invalid("Invalid message attribute name '%s': up to "
                                "256 of A-Z a-z 0-9 _ - ., no leading, "
                                "trailing or double period, no AWS. or "
                                "Amazon. prefix." % name)
        if name in out:
            raise value_invalid("Message attribute name '%s' is used more "
                                "than once." % name)
        dtype = e.get("Value.DataType")
        if not dtype:
            raise value_invalid("The message attribute '%s' must contain a "
                                "non-empty message attribute type." % name)
        if not ATTR_TYPE_RE.match(dtype) or len(dtype) > 256:
            raise value_invalid("The message attribute '%s' has an invalid "
                                "message attribute type, the set of supported "
                                "type prefixes is Binary, Number, and String."
                                % name)
        base = dtype.split(".", 1)[0]
        sval, bval = e.get("Value.StringValue"), e.get("Value.BinaryValue")
        field = "Binary" if base == "Binary" else "String"
        if (base == "Binary" and sval is not None) or \
                (base != "Binary" and bval is not None):
            raise value_invalid("The message attribute '%s' with type '%s' "
                                "must use field '%s'." % (name, base, field))
        if base == "Binary":
            try:
                raw = base64.b64decode(bval or "", validate=True)
            except ValueError:
                raise value_invalid("The message attribute '%s' has a "
                                    "BinaryValue that is not base64." % name)
            if not raw:
                raise value_invalid(
                    "The message attribute '%s' must contain non-empty "
                    "message attribute value for message attribute type "
                    "'%s'." % (name, dtype))
            out[name] = (dtype, raw, base64.b64encode(raw).decode())
            continue
        if not sval:
            raise value_invalid("The message attribute '%s' must contain "
                                "non-empty message attribute value for "
                                "message attribute type '%s'." % (name, dtype))
        if base == "Number":
            check_number(name, sval)
        elif dtype == "String.Array":
            try:
                arr = json.loads(sval)
            except ValueError:
                arr = None
            if not isinstance(arr, list) or not all(
                    v is None or isinstance(v, (str, int, float, bool))
                    for v in arr):
                raise value_invalid(
                    "The message attribute '%s' with type 'String.Array' "
                    "must be a JSON array of strings, numbers, true, false "
                    "or null." % name)
        out[name] = (dtype, sval.encode("utf-8"), sval)
    return out


def check_id(params, key):
    v = params.get(key)
    if v is not None and not ID_RE.match(v):
        raise invalid("%s Reason: %s can only include alphanumeric and "
                      "punctuation characters. 1 to 128 in length."
                      % (key, key))
    return v


def xml_reply(op, pairs, request_id):
    inner = "".join("    <%s>%s</%s>\n" % (k, v, k) for k, v in pairs
                    if v is not None)
    body = ('<%sResponse xmlns="%s">\n  <%sResult>\n%s  </%sResult>\n'
            '  <ResponseMetadata>\n    <RequestId>%s</RequestId>\n'
            '  </ResponseMetadata>\n</%sResponse>\n'
            % (op, XMLNS, op, inner, op, request_id, op))
    return Reply(200, body.encode("utf-8"), {"Content-Type": "text/xml"})


# ------------------------------------------------------------------ hub

class Hub:
    """What the SNS services of all accounts share: topic lookup across
    accounts, the SNS clock, FIFO dedup memory and the message record."""

    def __init__(self, services):
        self.lock = threading.RLock()
        self.services = list(services)
        self.offset = 0.0
        self.records = []
        self.dedup = {}
        self.sequences = {}
        self.counter = 0
        self.window = DEDUP_WINDOW
        for s in self.services:
            s.hub = self
            if s.window is not None:
                self.window = s.window

    def now(self):
        return time.time() + self.offset

    def find(self, arn, first):
        for svc in [first] + [s for s in self.services if s is not first]:
            t = svc.topics.get(arn)
            if t is not None:
                return t
        return None

    def next_sequence(self, arn):
        n = self.sequences.get(arn, 0) + 1
        self.sequences[arn] = n
        # 20 digits, increasing, not consecutive (AWS: 128-bit number)
        return "%d" % (10 ** 19 + n * 1000 + (n * 7919) % 1000)

    def listing(self, query=None):
        q = query or {}
        out = []
        with self.lock:
            recs = [dict(r) for r in self.records]
        for r in recs:
            if "topic" in q and r["topic"] != q["topic"]:
                continue
            if "dedup_id" in q and r["dedup_id"] != q["dedup_id"]:
                continue
            if "delivered" in q and r["delivered"] != (
                    q["delivered"] in ("1", "true")):
                continue
            out.append(r)
        return out

    def summary(self):
        with self.lock:
            recs = list(self.records)
        out = {"accepted": len(recs),
               "delivered": sum(r["delivered"] for r in recs),
               "duplicates": sum(r["duplicate"] for r in recs),
               "unanswered": sum(not r["answered"] for r in recs),
               "by_topic": {}, "by_dedup_id": {}, "by_message_id": {}}
        for r in recs:
            for key, val in (("by_topic", r["topic"]),
                             ("by_dedup_id", r["dedup_id"]),
                             ("by_message_id", r["message_id"])):
                if val is None:
                    continue
                c = out[key].setdefault(val, {"accepted": 0, "delivered": 0})
                c["accepted"] += 1
                c["delivered"] += r["delivered"]
        return out

    def admin(self, method, sub, query, arg):
        """(status, JSON) for /_fake/sns/<sub>."""
        if (method, sub) == ("GET", "messages"):
            return 200, self.listing(query)
        if (method, sub) == ("DELETE", "messages"):
            with self.lock:
                n = len(self.records)
                self.records = []
                if isinstance(arg, dict) and arg.get("dedup"):
                    self.dedup.clear()
            return 200, {"cleared": n}
        if (method, sub) == ("GET", "summary"):
            return 200, self.summary()
        if (method, sub) == ("POST", "advance"):
            secs = (arg or {}).get("seconds") if isinstance(arg, dict) \
                else None
            if not isinstance(secs, (int, float)) or isinstance(secs, bool) \
                    or secs < 0:
                return 400, {"error": "body: {\"seconds\": N >= 0}"}
            with self.lock:
                self.offset += secs
                return 200, {"offset": self.offset,
                             "now": iso_ms(self.now())}
        return 404, {"error": "no admin route %s /_fake/sns/%s"
                     % (method, sub)}


def link(services):
    """Join the SNS services of every account (fakeaws.py calls this once
    with the base account's service first)."""
    return Hub(services)


# -------------------------------------------------------------- service

class Service:
    """SNS topics of one account; shared parts live in the Hub."""

    protocol = PROTOCOL

    def __init__(self, section, default_account):
        self.default_account = default_account
        self.topics = {}
        self.hub = None
        self.window = None
        section = section or {}
        if not isinstance(section, dict) or set(section) - SECTION_KEYS:
            raise ValueError("sns: an object with keys among %s"
                             % sorted(SECTION_KEYS))
        if "dedup_window_seconds" in section:
            w = section["dedup_window_seconds"]
            if not isinstance(w, (int, float)) or isinstance(w, bool) or \
                    w <= 0:
                raise ValueError("sns.dedup_window_seconds: a number > 0")
            self.window = float(w)
        topics = section.get("topics", [])
        if not isinstance(topics, list):
            raise ValueError("sns.topics: a list of topics")
        for i, spec in enumerate(topics):
            t = topic_record(spec, default_account, "sns.topics[%d]" % i)
            if t["arn"] in self.topics:
                raise ValueError("sns.topics[%d]: duplicate topic %s"
                                 % (i, t["arn"]))
            self.topics[t["arn"]] = t

    def clone(self):
        twin = Service.__new__(Service)
        twin.default_account = self.default_account
        twin.topics = copy.deepcopy(self.topics)
        twin.hub = None
        twin.window = self.window
        return twin

    def _hub(self):
        if self.hub is None:
            Hub([self])
        return self.hub

    def apply_step(self, section, where="step"):
        w = where + ".sns"
        if not isinstance(section, dict) or set(section) - {"add", "remove"}:
            raise ValueError(w + ": keys among add, remove")
        lock = self.hub.lock if self.hub else threading.RLock()
        with lock:
            for i, spec in enumerate(section.get("add", [])):
                t = topic_record(spec, self.default_account,
                                 "%s.add[%d]" % (w, i))
                self.topics[t["arn"]] = t
            for arn in section.get("remove", []):
                if arn not in self.topics:
                    raise ValueError("%s.remove: no topic %r" % (w, arn))
                del self.topics[arn]

    def state(self):
        return {"topics": [dict(t) for _, t in sorted(self.topics.items())],
                "dedup_window_seconds": self._hub().window}

    # -- wire

    def route(self, method, raw_path, headers=None, body=b"", raw_query=""):
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
        return (params.get("Action") or [""])[-1], {}

    def error_reply(self, err):
        return render_error(PROTOCOL, err, xmlns=XMLNS)

    def handle(self, call):
        params = form_params(call)
        call.params = params
        op, version = params.get("Action"), params.get("Version")
        if op not in OPS or version != VERSION:
            raise ApiError(400, "InvalidAction",
                           "Could not find operation %s for version %s"
                           % (op, version or "NO_VERSION_SPECIFIED"))
        return getattr(self, "op_" + op)(call, params)

    # -- operations

    def _topic(self, call, arn, member="TopicArn"):
        """The topic the caller may use, or the error SNS answers."""
        parts = parse_topic_arn(arn)
        if parts is None or parts[1] != call.region:
            raise invalid(member)
        topic = self._hub().find(arn, self)
        if topic is None:
            raise ApiError(404, "NotFound", "Topic does not exist")
        cred = call.credential or {}
        caller = call.account_id or self.default_account
        allowed = {topic["account"]} | set(topic["publishers"])
        if not ({"*", caller, cred.get("arn"), cred.get("role_arn")}
                & allowed):
            raise ApiError(403, "AuthorizationError",
                           "User: %s is not authorized to perform: "
                           "SNS:%s on resource: %s"
                           % (cred.get("arn", caller), call.op, arn))
        return topic

    def op_GetTopicAttributes(self, call, params):
        extra = set(params) - {"Action", "Version", "TopicArn"}
        if extra:
            raise invalid("%s (fakeaws rejects unknown parameters)"
                          % sorted(extra)[0])
        if not params.get("TopicArn"):
            raise invalid("TopicArn Reason: no value for required parameter")
        t = self._topic(call, params["TopicArn"])
        policy = {
            "Version": "2008-10-17", "Id": "__default_policy_ID",
            "Statement": [{
                "Sid": "__default_statement_ID", "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["SNS:Publish", "SNS:GetTopicAttributes"],
                "Resource": t["arn"],
                "Condition": {"StringEquals": {
                    "AWS:SourceOwner": t["account"]}}}]}
        attrs = [("Policy", json.dumps(policy, separators=(",", ":"))),
                 ("Owner", t["account"]), ("SubscriptionsPending", "0"),
                 ("TopicArn", t["arn"]),
                 ("EffectiveDeliveryPolicy", json.dumps(
                     {"http": {"defaultHealthyRetryPolicy": {
                         "minDelayTarget": 20, "maxDelayTarget": 20,
                         "numRetries": 3, "numMaxDelayRetries": 0,
                         "numNoDelayRetries": 0, "numMinDelayRetries": 0,
                         "backoffFunction": "linear"},
                         "disableSubscriptionOverrides": False}},
                     separators=(",", ":"))),
                 ("SubscriptionsConfirmed", "1"),
                 ("DisplayName", t["display_name"]),
                 ("SubscriptionsDeleted", "0")]
        if t["fifo"]:
            attrs += [("FifoTopic", "true"),
                      ("ContentBasedDeduplication",
                       "true" if t["content_based_deduplication"]
                       else "false"),
                      ("FifoThroughputScope", t["fifo_throughput_scope"])]
        entries = "".join(
            "\n      <entry>\n        <key>%s</key>\n        <value>%s"
            "</value>\n      </entry>" % (escape(k), escape(v))
            for k, v in attrs)
        return xml_reply("GetTopicAttributes",
                         [("Attributes", entries + "\n    ")],
                         call.request_id)

    def op_Publish(self, call, params):
        for key in params:
            if key not in PUBLISH_MEMBERS | {"Action", "Version"} and \
                    not ATTR_ENTRY_RE.match(key):
                raise invalid("%s (fakeaws rejects unknown parameters)" % key)
        targets = [k for k in ("TopicArn", "TargetArn", "PhoneNumber")
                   if params.get(k)]
        if not targets:
            raise invalid("TopicArn or TargetArn Reason: no value for "
                          "required parameter")
        if len(targets) > 1:
            raise invalid("%s Reason: only one of TopicArn, TargetArn or "
                          "PhoneNumber may be given" % targets[1])
        if targets[0] == "PhoneNumber":
            raise invalid("PhoneNumber Reason: fakeaws does not send SMS")
        member = targets[0]
        arn = params[member]
        if parse_topic_arn(arn) is None or \
                parse_topic_arn(arn)[1] != call.region:
            raise invalid(member)
        message = params.get("Message")
        if not message:
            raise invalid("Empty message")
        subject = params.get("Subject")
        if subject is not None and (
                not subject or len(subject) >= 100 or
                any(ord(c) < 32 or 127 <= ord(c) < 160 for c in subject)):
            raise invalid("Subject")
        structure = params.get("MessageStructure")
        if structure is not None:
            if structure != "json":
                raise invalid("MessageStructure")
            check_structure(message)
        attrs = parse_attributes(params)
        size = len(message.encode("utf-8")) + sum(
            len(n.encode("utf-8")) + len(t.encode("utf-8")) + len(v)
            for n, (t, v, _) in attrs.items())
        if size > MAX_MESSAGE_BYTES:
            raise invalid("Message too long")
        group = check_id(params, "MessageGroupId")
        dedup = check_id(params, "MessageDeduplicationId")
        topic = self._topic(call, arn, member)
        source = "explicit" if dedup is not None else None
        if topic["fifo"]:
            if group is None:
                raise invalid("The MessageGroupId parameter is required for "
                              "FIFO topics")
            if dedup is None:
                if not topic["content_based_deduplication"]:
                    raise invalid("The topic should either have "
                                  "ContentBasedDeduplication enabled or "
                                  "MessageDeduplicationId provided "
                                  "explicitly")
                dedup = hashlib.sha256(message.encode("utf-8")).hexdigest()
                source = "content"
        elif dedup is not None:
            raise invalid("MessageDeduplicationId Reason: The request "
                          "includes MessageDeduplicationId parameter that is "
                          "not valid for this topic type")
        return self._accept(call, topic, {
            "message": message, "subject": subject, "structure": structure,
            "attributes": {n: {"type": t, "value": shown}
                           for n, (t, _, shown) in attrs.items()},
            "group_id": group, "dedup_id": dedup, "dedup_source": source})

    def _accept(self, call, topic, rec):
        hub = self._hub()
        cred = call.credential or {}
        answered = getattr(call, "fault", None) not in (
            "accept_then_reset", "truncate", "malformed", "badutf8")
        with hub.lock:
            now = hub.now()
            original = None
            if topic["fifo"]:
                key = (topic["arn"], rec["dedup_id"]) \
                    if topic["fifo_throughput_scope"] == "Topic" \
                    else (topic["arn"], rec["group_id"], rec["dedup_id"])
                prev = hub.dedup.get(key)
                if prev is not None and now < prev["_epoch"] + hub.window:
                    original = prev
            hub.counter += 1
            rec.update({
                "index": hub.counter,
                "topic": topic["arn"], "region": topic["region"],
                "publisher_account": call.account_id,
                "publisher": cred.get("arn"),
                "request_id": call.request_id, "time": iso_ms(now),
                "duplicate": original is not None,
                "delivered": original is None,
                "duplicate_of": original["message_id"] if original else None,
                "answered": answered})
            if original is not None:
                rec["message_id"] = original["message_id"]
                rec["sequence"] = original["sequence"]
            else:
                rec["message_id"] = str(uuid.uuid4())
                rec["sequence"] = hub.next_sequence(topic["arn"]) \
                    if topic["fifo"] else None
                if topic["fifo"]:
                    hub.dedup[key] = {"_epoch": now,
                                      "message_id": rec["message_id"],
                                      "sequence": rec["sequence"]}
            hub.records.append({k: rec[k] for k in RECORD_KEYS})
        return xml_reply("Publish", [("MessageId", rec["message_id"]),
                                     ("SequenceNumber", rec["sequence"])],
                         call.request_id)
