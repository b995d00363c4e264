"""Fake CloudWatch (model 2010-08-01): JSON 1.0 and the query protocol.

Owns: CloudWatch state per region (metric and composite alarms, metric
data series), the scenario section "cloudwatch" (explicit alarms or ones
generated from a seed, explicit or generated series) and its steps
(set_state, add, remove), the operations DescribeAlarms, GetMetricData and
ListMetrics over both wire protocols, and scripted JSON answers queued
through /_fake/cloudwatch/replies (link()):

- JSON 1.0 (what botocore >= 1.42.7 and the AWS CLI v1 on this machine
  send): POST /, X-Amz-Target GraniteServiceVersion20100801.<Op>,
  Content-Type application/x-amz-json-1.0, optional x-amzn-query-mode:
  true (awsQueryCompatible).  Timestamps are epoch seconds numbers (some
  fractional, some in exponent form like 1.700000000123E9).  Errors:
  {"__type": "com.amazonaws.cloudwatch#InvalidNextToken", "message"} and,
  when the request carried x-amzn-query-mode: true, the header
  x-amzn-query-error: <QueryCode>;Sender|Receiver (its code wins).
- query (botocore 1.29 style): form body Action=..&Version=2010-08-01;
  XML replies in the monitoring namespace, timestamps ISO 8601 with
  milliseconds, errors in <ErrorResponse>.

Inputs are checked against the model (ValidationError), unknown query
parameters are rejected (InvalidParameterValue; stricter than AWS, to
catch typos).
"""

import copy
import datetime
import hashlib
import json
import random
import re
import threading
import time
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

import validate
from svc_guardduty import make_token, read_token, request_key
from wire import JSON, QUERY, ApiError, Reply, json_bytes, render_error

NAME = "monitoring"
SECTION = "cloudwatch"
PROTOCOL = JSON
VERSION = "2010-08-01"
XMLNS = "http://monitoring.amazonaws.com/doc/2010-08-01/"
TARGET_PREFIX = "GraniteServiceVersion20100801"
OPS = ("DescribeAlarms", "GetMetricData", "ListMetrics")
NS = "com.amazonaws.cloudwatch#"
# query error code -> JSON __type
JSON_TYPES = {
    "InvalidNextToken": NS + "InvalidNextToken",
    "InvalidParameterValue": NS + "InvalidParameterValueException",
    "InvalidParameterCombination": NS + "InvalidParameterCombinationException",
    "MissingParameter": NS + "MissingRequiredParameterException",
    "InternalServiceError": NS + "InternalServiceFault",
    "ValidationError": "com.amazon.coral.validate#ValidationException",
    "Throttling": "com.amazon.coral.availability#ThrottlingException",
    "InvalidAction": "com.amazon.coral.service#UnknownOperationException",
}
# JSON-family auth codes (wire.auth_error) -> the query code
AUTH_QUERY = {
    "MissingAuthenticationTokenException": "MissingAuthenticationToken",
    "IncompleteSignatureException": "IncompleteSignature",
    "UnrecognizedClientException": "InvalidClientTokenId",
    "InvalidSignatureException": "SignatureDoesNotMatch",
    "ExpiredTokenException": "ExpiredToken",
}
STATES = ("OK", "ALARM", "INSUFFICIENT_DATA")
RAW = "@@RAWNUM:"
MAX_QUERIES = 500
LIST_PAGE = 500          # ListMetrics: metrics per page, as AWS sends
REGION_KEYS = {"alarms", "metric_data"}
ALARM_KEYS = {"name", "type", "state", "reason", "reason_data",
              "description", "namespace", "metric", "dimensions",
              "statistic", "period", "threshold", "comparison",
              "evaluation_periods", "datapoints_to_alarm", "rule", "actions",
              "ok_actions", "actions_enabled", "updated", "transitioned",
              "configured", "treat_missing_data", "unit"}
GEN_KEYS = {"seed", "metric", "composite", "prefix", "prefix_fraction",
            "alarm_fraction", "insufficient_fraction"}
METRIC_DATA_KEYS = {"seed", "series", "generate"}
SERIES_KEYS = {"namespace", "metric", "dimensions", "max", "missing_fraction",
               "spike"}
SERIES_GEN_KEYS = {"seed", "count", "missing_fraction"}
REPLY_KEYS = {"op", "region", "body", "raw", "times"}


def iso_ms(epoch):
    t = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def parse_time(v, where):
    """Epoch seconds from a JSON number or an ISO 8601 string."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    try:
        t = datetime.datetime.fromisoformat(str(v).replace("Z", "+00:00"))
    except ValueError:
        try:
            return float(v)
        except ValueError:
            raise validation("Value '%s' at '%s' is not a valid timestamp"
                             % (v, where))
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.timezone.utc)
    return t.timestamp()


def validation(text):
    return ApiError(400, "ValidationError",
                    "1 validation error detected: " + text)


def bad_param(text, code="InvalidParameterValue"):
    return ApiError(400, code, text)


def epoch_json(v):
    """Epoch seconds as JSON: integral, fractional, or exponent form."""
    ms = int(round(v * 1000))
    if ms % 1000 == 0:
        return int(ms // 1000)
    if ms % 3 == 0:
        digits = "%d" % ms   # 1700000000123 -> 1.700000000123E9
        return RAW + "%s.%sE%d" % (digits[0], digits[1:].rstrip("0") or "0",
                                   len(digits) - 4)
    return ms / 1000.0


def dumps_json(obj):
    text = json_bytes(obj).decode("utf-8")
    text = re.sub(r'"' + RAW + r'([0-9.E+-]+)"', r"\1", text)
    return text.encode("utf-8")


# ------------------------------------------------------------ model I/O

def model():
    return validate.service_model("cloudwatch")


def query_input(shape, params, used, key=""):
    """Nested input from flat query parameters (Name.member.N, A.B)."""
    t = shape.type_name
    if t == "structure":
        out = {}
        for name, member in shape.members.items():
            k = key + "." + name if key else name
            v = query_input(member, params, used, k)
            if v is not None:
                out[name] = v
        return out if (out or not key) else None
    if t == "list":
        if params.get(key) == "":
            used.add(key)
            return []
        items, i = [], 1
        while True:
            k = "%s.member.%d" % (key, i)
            if not any(p == k or p.startswith(k + ".") for p in params):
                break
            items.append(query_input(shape.member, params, used, k))
            i += 1
        return items if items else None
    if t == "map":
        return None
    if key not in params:
        return None
    used.add(key)
    v = params[key]
    if t in ("integer", "long"):
        try:
            return int(v)
        except ValueError:
            raise validation("Value '%s' at '%s' failed to satisfy "
                             "constraint: Member must be an integer"
                             % (v, key))
    if t in ("double", "float"):
        try:
            return float(v)
        except ValueError:
            raise validation("Value '%s' at '%s' must be a number" % (v, key))
    if t == "boolean":
        if v not in ("true", "false"):
            raise validation("Value '%s' at '%s' must be true or false"
                             % (v, key))
        return v == "true"
    return v


def to_xml(shape, value, name, ind):
    pad = "  " * ind
    t = shape.type_name
    if t == "structure":
        inner = "".join(to_xml(m, value[n], n, ind + 1)
                        for n, m in shape.members.items()
                        if value.get(n) is not None)
        return "%s<%s>\n%s%s</%s>\n" % (pad, name, inner, pad, name)
    if t == "list":
        if not value:
            return "%s<%s/>\n" % (pad, name)
        inner = "".join(to_xml(shape.member, v, "member", ind + 1)
                        for v in value)
        return "%s<%s>\n%s%s</%s>\n" % (pad, name, inner, pad, name)
    if t == "timestamp":
        text = iso_ms(value)
    elif t == "boolean":
        text = "true" if value else "false"
    elif t in ("double", "float"):
        text = repr(float(value))
    else:
        text = escape(str(value))
    return "%s<%s>%s</%s>\n" % (pad, name, text, name)


def to_json(shape, value):
    t = shape.type_name
    if t == "structure":
        return {n: to_json(m, value[n]) for n, m in shape.members.items()
                if value.get(n) is not None}
    if t == "list":
        return [to_json(shape.member, v) for v in value]
    if t == "timestamp":
        return epoch_json(value)
    return value


# ------------------------------------------------------------- state

class RegionState:
    def __init__(self):
        self.alarms = {}        # name -> record (python values)
        # series None: every metric has data; else only those listed
        # (series_record()), index: metric_key -> record
        self.metric_data = {"seed": 1, "series": None, "index": {}}


def _number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def metric_key(namespace, name, dims):
    """Identity of a metric: namespace, name and the dimension set."""
    return (namespace, name, tuple(_dims(dims)))


def series_record(spec, anchor, where):
    """A scenario series, checked: dimensions as [{Name, Value}] in the
    scenario's order, the spike resolved against anchor (epoch seconds,
    the load time rounded down to the hour)."""
    if not isinstance(spec, dict) or set(spec) - SERIES_KEYS:
        raise ValueError("%s: an object with keys among %s"
                         % (where, sorted(SERIES_KEYS)))
    for k in ("namespace", "metric"):
        if not isinstance(spec.get(k), str) or not spec[k]:
            raise ValueError("%s.%s: a non-empty string" % (where, k))
    dims = spec.get("dimensions", {})
    if isinstance(dims, dict):
        dims = [{"Name": k, "Value": v} for k, v in dims.items()]
    if not isinstance(dims, list) or len(dims) > 30 or any(
            not isinstance(d, dict) or set(d) != {"Name", "Value"} or
            not isinstance(d["Name"], str) or not d["Name"] or
            not isinstance(d["Value"], str) or not d["Value"]
            for d in dims):
        raise ValueError(where + ".dimensions: {name: value} or [{Name, "
                         "Value}], at most 30, non-empty strings")
    if len({d["Name"] for d in dims}) != len(dims):
        raise ValueError(where + ".dimensions: a name repeats")
    top = spec.get("max", 20)
    if not isinstance(top, int) or isinstance(top, bool) or top < 0:
        raise ValueError(where + ".max: an integer >= 0")
    miss = spec.get("missing_fraction", 0)
    if not _number(miss) or not 0 <= miss <= 1:
        raise ValueError(where + ".missing_fraction: a number from 0 to 1")
    rec = {"namespace": spec["namespace"], "metric": spec["metric"],
           "dimensions": [dict(d) for d in dims], "max": top,
           "missing_fraction": miss}
    sp = spec.get("spike")
    if sp is not None:
        if not isinstance(sp, dict) or set(sp) != {"hours", "factor"} or \
                not _number(sp["hours"]) or sp["hours"] <= 0 or \
                not _number(sp["factor"]) or sp["factor"] < 0:
            raise ValueError(where + ".spike: {\"hours\": H > 0, "
                             "\"factor\": F >= 0}")
        rec["spike"] = {"hours": sp["hours"], "factor": sp["factor"],
                        "since": anchor - int(round(sp["hours"] * 3600))}
    return rec


def generate_series(gen, region, where):
    """A mix of series for a big estate (ListMetrics paging): EC2 CPU,
    WAF per-rule BlockedRequests, WAF AllowedRequests totals, SQS ages,
    Lambda errors; deterministic for a seed."""
    if not isinstance(gen, dict) or set(gen) - SERIES_GEN_KEYS:
        raise ValueError("%s: keys must be among %s"
                         % (where, sorted(SERIES_GEN_KEYS)))
    count, seed = gen.get("count", 0), gen.get("seed", 1)
    if not isinstance(count, int) or isinstance(count, bool) or \
            not 0 <= count <= 100000:
        raise ValueError(where + ".count: an integer from 0 to 100000")
    rng = random.Random(seed)
    out = []
    for i in range(count):
        k = i % 5
        if k == 0:
            ns, m, dims = "AWS/EC2", "CPUUtilization", {
                "InstanceId": "i-%017x" % (rng.getrandbits(40) << 20 | i)}
        elif k == 1:
            ns, m, dims = "AWS/WAFV2", "BlockedRequests", {
                "WebACL": "gen-acl-%03d" % (i // 25),
                "Rule": "gen-rule-%04d" % i, "Region": region}
        elif k == 2:
            ns, m, dims = "AWS/WAFV2", "AllowedRequests", {
                "WebACL": "gen-acl-%04d" % i, "Rule": "ALL",
                "Region": region}
        elif k == 3:
            ns, m, dims = "AWS/SQS", "ApproximateAgeOfOldestMessage", {
                "QueueName": "gen-queue-%04d" % i}
        else:
            ns, m, dims = "AWS/Lambda", "Errors", {
                "FunctionName": "gen-fn-%04d" % i}
        out.append(series_record({
            "namespace": ns, "metric": m, "dimensions": dims,
            "max": rng.randint(1, 50),
            "missing_fraction": gen.get("missing_fraction", 0.5)},
            0, "%s[%d]" % (where, i)))
    return out


def metric_data_record(md, region, anchor, where):
    """The scenario's metric_data for a region: seed, series, index."""
    if not isinstance(md, dict) or set(md) - METRIC_DATA_KEYS:
        raise ValueError(where + ": {seed, series, generate}")
    series = None
    if md.get("series") is not None or md.get("generate") is not None:
        if not isinstance(md.get("series", []), list):
            raise ValueError(where + ".series: a list")
        series = [series_record(x, anchor, "%s.series[%d]" % (where, i))
                  for i, x in enumerate(md.get("series", []))]
        if md.get("generate") is not None:
            series += generate_series(md["generate"], region,
                                      where + ".generate")
    index = {}
    for i, rec in enumerate(series or []):
        key = metric_key(rec["namespace"], rec["metric"], rec["dimensions"])
        if key in index:
            raise ValueError("%s: series %d repeats metric %s %s %s"
                             % (where, i, key[0], key[1], list(key[2])))
        index[key] = rec
    return {"seed": md.get("seed", 1), "series": series, "index": index}


def alarm_record(spec, region, now, where):
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) \
            or not spec["name"]:
        raise ValueError(where + ": an alarm needs a name")
    unknown = set(spec) - ALARM_KEYS
    if unknown:
        raise ValueError("%s: unknown keys %s" % (where, sorted(unknown)))
    kind = spec.get("type", "metric")
    if kind not in ("metric", "composite"):
        raise ValueError(where + ".type: metric or composite")
    state = spec.get("state", "OK")
    if state not in STATES:
        raise ValueError("%s.state: one of %s" % (where, STATES))

    def t(key, default):
        if key not in spec:
            return default
        return parse_time(spec[key], where + "." + key)
    updated = t("updated", now)
    name = spec["name"]
    rec = {
        "AlarmName": name,
        "AlarmArn": "arn:aws:cloudwatch:%s:ACCOUNT:alarm:%s" % (region, name),
        "AlarmDescription": spec.get("description", "fakeaws alarm " + name),
        "AlarmConfigurationUpdatedTimestamp": t("configured",
                                                updated - 86400 * 30),
        "ActionsEnabled": bool(spec.get("actions_enabled", True)),
        "OKActions": list(spec.get("ok_actions", [])),
        "AlarmActions": list(spec.get(
            "actions", ["arn:aws:sns:%s:ACCOUNT:secmond-alerts" % region])),
        "InsufficientDataActions": [],
        "StateValue": state,
        "StateReason": spec.get("reason", default_reason(state) if kind ==
                                "metric" else "fakeaws: composite alarm "
                                "rule evaluated to %s" % state),
        "StateUpdatedTimestamp": updated,
        "StateTransitionedTimestamp": t("transitioned", updated),
    }
    if "reason_data" in spec:
        rec["StateReasonData"] = spec["reason_data"]
    if kind == "composite":
        rule = spec.get("rule")
        if not isinstance(rule, str) or not rule:
            raise ValueError(where + ": a composite alarm needs a rule")
        rec["AlarmRule"] = rule
        rec["_type"] = "CompositeAlarm"
        return rec
    dims = spec.get("dimensions", {"InstanceId": "i-0123456789abcdef0"})
    if isinstance(dims, dict):
        dims = [{"Name": k, "Value": v} for k, v in dims.items()]
    rec.update({
        "MetricName": spec.get("metric", "CPUUtilization"),
        "Namespace": spec.get("namespace", "AWS/EC2"),
        "Statistic": spec.get("statistic", "Average"),
        "Dimensions": dims,
        "Period": spec.get("period", 300),
        "EvaluationPeriods": spec.get("evaluation_periods", 1),
        "DatapointsToAlarm": spec.get("datapoints_to_alarm",
                                      spec.get("evaluation_periods", 1)),
        "Threshold": float(spec.get("threshold", 80.0)),
        "ComparisonOperator": spec.get("comparison",
                                       "GreaterThanOrEqualToThreshold"),
        "TreatMissingData": spec.get("treat_missing_data", "missing"),
    })
    if "unit" in spec:
        rec["Unit"] = spec["unit"]
    rec["_type"] = "MetricAlarm"
    if "reason_data" not in spec and state != "INSUFFICIENT_DATA":
        rec["StateReasonData"] = json.dumps({
            "version": "1.0", "queryDate": iso_ms(updated).replace("Z",
                                                                   "+0000"),
            "statistic": rec["Statistic"], "period": rec["Period"],
            "recentDatapoints": [round(rec["Threshold"] * (
                1.2 if state == "ALARM" else 0.5), 3)],
            "threshold": rec["Threshold"]}, separators=(",", ":"))
    return rec


def default_reason(state):
    return {"OK": "Threshold Crossed: 1 datapoint [12.5 (20/11/26 10:00:00)] "
                  "was not greater than or equal to the threshold (80.0).",
            "ALARM": "Threshold Crossed: 1 datapoint [97.2 (20/11/26 "
                     "10:00:00)] was greater than or equal to the threshold "
                     "(80.0).",
            "INSUFFICIENT_DATA": "Insufficient Data: 1 datapoint was unknown."
            }[state]


NAME_PARTS = ["api", "db", "queue", "lambda", "waf", "billing", "disk",
              "cpu", "latency", "errors"]


def generate_alarms(gen, region, now, where):
    if not isinstance(gen, dict) or set(gen) - GEN_KEYS:
        raise ValueError("%s: keys must be among %s" % (where,
                                                        sorted(GEN_KEYS)))
    rng = random.Random(gen.get("seed", 1))
    prefix = gen.get("prefix", "prod-")
    pf = gen.get("prefix_fraction", 0.3)
    fa = gen.get("alarm_fraction", 0.1)
    fi = gen.get("insufficient_fraction", 0.05)
    others = ["dev-", "staging-", "team-a/", "Legacy ", "ops:"]
    out, metric_names = [], []
    for i in range(gen.get("metric", 0)):
        base = "%s-%s-%04d" % (rng.choice(NAME_PARTS), rng.choice(NAME_PARTS),
                               i)
        name = (prefix if rng.random() < pf else rng.choice(others)) + base
        if i % 97 == 5:
            name += " \u00e9t\u00e9 \u2713"   # non-ASCII names exist
        r = rng.random()
        state = "ALARM" if r < fa else ("INSUFFICIENT_DATA" if r < fa + fi
                                        else "OK")
        upd = now - rng.randint(60, 30 * 86400) - rng.randint(0, 999) / 1000
        trans = upd - (0 if rng.random() < 0.7 else rng.randint(60, 86400))
        ns, metric, dims = rng.choice([
            ("AWS/EC2", "CPUUtilization", {"InstanceId": "i-%017x" % i}),
            ("AWS/RDS", "FreeStorageSpace",
             {"DBInstanceIdentifier": "db-%d" % i}),
            ("AWS/WAFV2", "BlockedRequests",
             {"WebACL": "acl-%d" % (i % 7), "Rule": "ALL",
              "Region": region}),
            ("AWS/SQS", "ApproximateAgeOfOldestMessage",
             {"QueueName": "q-%d" % i})])
        out.append(alarm_record({
            "name": name, "state": state, "updated": upd,
            "transitioned": trans, "namespace": ns, "metric": metric,
            "dimensions": dims, "threshold": float(rng.randint(1, 100)),
            "period": rng.choice([60, 300, 3600]),
            "evaluation_periods": rng.randint(1, 5)}, region, now, where))
        metric_names.append(name)
    for i in range(gen.get("composite", 0)):
        kids = rng.sample(metric_names, min(len(metric_names), 3))
        name = (prefix if rng.random() < pf else rng.choice(others)) + \
            "composite-%04d" % i
        r = rng.random()
        state = "ALARM" if r < fa else "OK"
        upd = now - rng.randint(60, 30 * 86400) - rng.randint(0, 999) / 1000
        out.append(alarm_record({
            "name": name, "type": "composite", "state": state,
            "updated": upd, "transitioned": upd,
            "reason": "arn:aws:cloudwatch:%s:ACCOUNT:alarm:%s transitioned "
                      "to %s" % (region, kids[0] if kids else "x", state),
            "rule": " OR ".join('ALARM("%s")' % k for k in kids)
            or "TRUE"}, region, now, where))
    return out


class Script:
    """Scripted JSON 1.0 answers, served in order to the next valid
    requests of their operation (and region) instead of what the state
    says: shapes a scenario cannot produce (PartialData pages, messages,
    Forbidden results, broken members) for client tests."""

    def __init__(self, services):
        self.lock = threading.Lock()
        self.queue = []
        self.served = 0
        for svc in services:
            svc.script = self

    def take(self, op, region):
        """The body bytes of the first reply queued for op/region, or
        None (consumed one use)."""
        with self.lock:
            for r in self.queue:
                if r["op"] == op and r.get("region") in (None, region):
                    r["times"] -= 1
                    if r["times"] == 0:
                        self.queue.remove(r)
                    self.served += 1
                    if "raw" in r:
                        return r["raw"].encode("utf-8")
                    return json_bytes(r["body"])
        return None

    @staticmethod
    def check(spec):
        """A reply definition, checked and completed (a new dict)."""
        if not isinstance(spec, dict) or set(spec) - REPLY_KEYS or \
                spec.get("op") not in OPS or \
                ("body" in spec) == ("raw" in spec) or \
                ("body" in spec and not isinstance(spec["body"], dict)) or \
                ("raw" in spec and not isinstance(spec["raw"], str)) or \
                not isinstance(spec.get("region", ""), str):
            raise ValueError("a reply: {\"op\": one of %s, \"region\"?, "
                             "\"times\"? (1), and \"body\": {JSON object} "
                             "or \"raw\": \"text\"}" % ", ".join(OPS))
        times = spec.get("times", 1)
        if not isinstance(times, int) or isinstance(times, bool) or \
                times < 1:
            raise ValueError("times: an integer >= 1")
        r = copy.deepcopy(spec)
        r["times"] = times
        return r

    def admin(self, method, sub, query, arg):
        """(status, JSON) for /_fake/cloudwatch/<sub>."""
        if (method, sub) == ("POST", "replies"):
            specs = arg if isinstance(arg, list) else [arg]
            try:
                recs = [self.check(spec) for spec in specs]
            except ValueError as e:
                return 400, {"error": str(e)}
            with self.lock:
                self.queue += recs
                return 200, {"queued": len(self.queue)}
        if (method, sub) == ("GET", "replies"):
            with self.lock:
                return 200, {"queued": copy.deepcopy(self.queue),
                             "served": self.served}
        if (method, sub) == ("DELETE", "replies"):
            with self.lock:
                n = len(self.queue)
                self.queue = []
                return 200, {"cleared": n}
        return 404, {"error": "no admin route %s /_fake/cloudwatch/%s"
                     % (method, sub)}


def link(services):
    """One Script for the CloudWatch services of every account
    (fakeaws.py calls this once, base account first)."""
    return Script(services)


class Service:
    """CloudWatch state and operations for all regions of one account."""

    protocol = PROTOCOL

    def __init__(self, section, default_account):
        self.lock = threading.RLock()
        self.default_account = default_account
        self.regions = {}
        self.script = None      # Script shared by every account (link())
        section = section or {}
        if not isinstance(section, dict):
            raise ValueError("cloudwatch: must be an object keyed by region")
        now = float(int(time.time()))
        for region, body in section.items():
            where = "cloudwatch.%s" % region
            if not isinstance(body, dict) or set(body) - REGION_KEYS:
                raise ValueError("%s: keys must be among %s"
                                 % (where, sorted(REGION_KEYS)))
            st = self.regions.setdefault(region, RegionState())
            alarms = body.get("alarms", [])
            if isinstance(alarms, dict):
                if set(alarms) - {"generate", "explicit"}:
                    raise ValueError(where + ".alarms: a list, or "
                                     "{\"generate\": {...}}")
                recs = generate_alarms(alarms.get("generate", {}), region,
                                       now, where + ".alarms.generate")
                recs += [alarm_record(a, region, now, where + ".alarms")
                         for a in alarms.get("explicit", [])]
            elif isinstance(alarms, list):
                recs = [alarm_record(a, region, now, "%s.alarms[%d]"
                                     % (where, i))
                        for i, a in enumerate(alarms)]
            else:
                raise ValueError(where + ".alarms: list or object")
            for r in recs:
                if r["AlarmName"] in st.alarms:
                    raise ValueError("%s: duplicate alarm name %r"
                                     % (where, r["AlarmName"]))
                st.alarms[r["AlarmName"]] = r
            md = body.get("metric_data")
            if md is not None:
                st.metric_data = metric_data_record(
                    md, region, int(now) // 3600 * 3600,
                    where + ".metric_data")

    def clone(self):
        twin = Service.__new__(Service)
        twin.lock = threading.RLock()
        twin.default_account = self.default_account
        twin.script = None
        with self.lock:
            twin.regions = copy.deepcopy(self.regions)
        return twin

    def apply_step(self, section, where="step"):
        if not isinstance(section, dict):
            raise ValueError(where + ".cloudwatch: must be an object")
        now = time.time()
        with self.lock:
            for region, ch in section.items():
                w = "%s.cloudwatch.%s" % (where, region)
                if not isinstance(ch, dict) or set(ch) - {"set_state", "add",
                                                          "remove"}:
                    raise ValueError(w + ": keys among add, remove, "
                                     "set_state")
                st = self.regions.setdefault(region, RegionState())
                for i, a in enumerate(ch.get("add", [])):
                    r = alarm_record(a, region, now, "%s.add[%d]" % (w, i))
                    st.alarms[r["AlarmName"]] = r
                for n in ch.get("remove", []):
                    if n not in st.alarms:
                        raise ValueError("%s.remove: no alarm %r" % (w, n))
                    del st.alarms[n]
                for i, s in enumerate(ch.get("set_state", [])):
                    ww = "%s.set_state[%d]" % (w, i)
                    if not isinstance(s, dict) or \
                            s.get("name") not in st.alarms or \
                            s.get("state") not in STATES or \
                            set(s) - {"name", "state", "reason",
                                      "reason_data"}:
                        raise ValueError(ww + ": {name (existing alarm), "
                                         "state, reason?, reason_data?}")
                    a = st.alarms[s["name"]]
                    if a["StateValue"] != s["state"]:
                        a["StateTransitionedTimestamp"] = now
                    a["StateValue"] = s["state"]
                    a["StateUpdatedTimestamp"] = now
                    a["StateReason"] = s.get("reason",
                                             default_reason(s["state"]))
                    if "reason_data" in s:
                        a["StateReasonData"] = s["reason_data"]

    def state(self, account=None):
        acct = account or self.default_account
        with self.lock:
            return {region: {
                "alarms": [to_json(model().shape_for(a["_type"]),
                                   render_alarm(a, acct))
                           for a in self.sorted_alarms(st)],
                "metrics": listed_metrics(st),
                "series": copy.deepcopy(st.metric_data["series"])}
                for region, st in self.regions.items()}

    @staticmethod
    def sorted_alarms(st):
        return [st.alarms[n] for n in sorted(st.alarms)]

    # -- wire

    def route(self, method, raw_path, headers=None, body=b"", raw_query=""):
        if raw_path not in ("", "/") or method not in ("POST", "GET"):
            return None
        target = headers.get("X-Amz-Target") if headers else None
        if target:
            prefix, _, op = target.partition(".")
            if prefix != TARGET_PREFIX:
                return None
            return op, {"protocol": JSON}
        params = parse_qs(raw_query or "", keep_blank_values=True)
        ctype = headers.get("Content-Type", "") if headers else ""
        if body and "x-www-form-urlencoded" in ctype:
            try:
                params.update(parse_qs(body.decode("utf-8"),
                                       keep_blank_values=True))
            except UnicodeDecodeError:
                pass
        return (params.get("Action") or [""])[-1], {"protocol": QUERY}

    def protocol_for(self, headers):
        return JSON if headers and headers.get("X-Amz-Target") else QUERY

    def error_reply(self, err):
        return self.error_reply_for(err, None)

    def error_reply_for(self, err, headers):
        if self.protocol_for(headers) == QUERY:
            if err.code in AUTH_QUERY:
                err = ApiError(err.status, AUTH_QUERY[err.code], err.message,
                               err.headers)
            return render_error(QUERY, err, xmlns=XMLNS)
        qcode = AUTH_QUERY.get(err.code, err.code)
        jtype = JSON_TYPES.get(err.code, err.code)
        body = {"__type": jtype, "message": err.message}
        hdrs = dict(err.headers)
        hdrs["Content-Type"] = "application/x-amz-json-1.0"
        if headers is not None and \
                headers.get("x-amzn-query-mode", "").lower() == "true":
            hdrs["x-amzn-query-error"] = "%s;%s" % (
                qcode, "Receiver" if err.status >= 500 else "Sender")
        return Reply(err.status, json_bytes(body), hdrs)

    def parse_input(self, call):
        proto = call.labels.get("protocol")
        if proto == JSON:
            ctype = call.headers.get("Content-Type", "")
            if not ctype.startswith("application/x-amz-json-1.0"):
                raise bad_param("Content-Type must be "
                                "application/x-amz-json-1.0, not %r" % ctype)
            mode = call.headers.get("x-amzn-query-mode")
            if mode is not None and mode.lower() != "true":
                raise bad_param("x-amzn-query-mode must be 'true' when sent")
            if call.op not in OPS:
                raise ApiError(400, "InvalidAction", "Operation %s is not "
                               "supported by fakeaws" % call.op)
            try:
                params = json.loads(call.body.decode("utf-8") or "{}")
            except (UnicodeDecodeError, ValueError) as e:
                raise ApiError(400, "SerializationException",
                               "Body is not valid JSON: %s" % e)
            call.params = params
        else:
            params = {k: (v[-1] if isinstance(v, list) else v)
                      for k, v in (call.query or {}).items()}
            ctype = call.headers.get("Content-Type", "")
            if call.body:
                if "x-www-form-urlencoded" not in ctype:
                    raise bad_param("Unsupported Content-Type %r" % ctype)
                params.update((k, v[-1]) for k, v in parse_qs(
                    call.body.decode("utf-8", "replace"),
                    keep_blank_values=True).items())
            call.params = params
            op, version = params.get("Action"), params.get("Version")
            if op not in OPS or version != VERSION:
                raise ApiError(400, "InvalidAction",
                               "Could not find operation %s for version %s"
                               % (op, version or "NO_VERSION_SPECIFIED"))
            shape = model().operation_model(op).input_shape
            used = {"Action", "Version"}
            params = query_input(shape, params, used)
            extra = set(call.params) - used
            if extra:
                raise bad_param("Unknown parameter(s) %s for %s (fakeaws "
                                "rejects unknown parameters)"
                                % (sorted(extra), op))
        shape = model().operation_model(call.op).input_shape
        try:
            validate.check_value(shape, params, "")
        except ApiError as e:
            raise ApiError(400, "ValidationError", e.message)
        return params

    def handle(self, call):
        params = self.parse_input(call)
        if self.script is not None and call.labels.get("protocol") == JSON:
            body = self.script.take(call.op, call.region)
            if body is not None:
                return Reply(200, body,
                             {"Content-Type": "application/x-amz-json-1.0"})
        with self.lock:
            st = self.regions.get(call.region) or RegionState()
            out = getattr(self, "op_" + call.op)(call, st, params)
        oshape = model().operation_model(call.op).output_shape
        if call.labels.get("protocol") == JSON:
            return Reply(200, dumps_json(to_json(oshape, out)),
                         {"Content-Type": "application/x-amz-json-1.0"})
        body = ('<%sResponse xmlns="%s">\n%s  <ResponseMetadata>\n'
                '    <RequestId>%s</RequestId>\n  </ResponseMetadata>\n'
                '</%sResponse>\n' % (call.op, XMLNS,
                                     to_xml(oshape, out, call.op + "Result",
                                            1),
                                     call.request_id, call.op))
        return Reply(200, body.encode("utf-8"), {"Content-Type": "text/xml"})

    # -- operations

    def op_DescribeAlarms(self, call, st, p):
        if p.get("AlarmNames") and p.get("AlarmNamePrefix"):
            raise bad_param("AlarmNames and AlarmNamePrefix cannot be "
                            "specified together",
                            "InvalidParameterCombination")
        rel = [k for k in ("ChildrenOfAlarmName", "ParentsOfAlarmName")
               if p.get(k)]
        if rel and (len(rel) > 1 or any(p.get(k) for k in (
                "AlarmNames", "AlarmNamePrefix", "StateValue",
                "ActionPrefix"))):
            raise bad_param("ChildrenOfAlarmName / ParentsOfAlarmName cannot "
                            "be combined with other filters",
                            "InvalidParameterCombination")
        types = p.get("AlarmTypes") or ["MetricAlarm"]
        alarms = [a for a in self.sorted_alarms(st) if a["_type"] in types]
        if p.get("AlarmNames"):
            alarms = [a for a in alarms if a["AlarmName"] in p["AlarmNames"]]
        if p.get("AlarmNamePrefix"):
            alarms = [a for a in alarms
                      if a["AlarmName"].startswith(p["AlarmNamePrefix"])]
        if p.get("StateValue"):
            alarms = [a for a in alarms if a["StateValue"] == p["StateValue"]]
        if p.get("ActionPrefix"):
            alarms = [a for a in alarms if any(
                x.replace("ACCOUNT", call.account_id).startswith(
                    p["ActionPrefix"]) for x in a["AlarmActions"] +
                a["OKActions"] + a["InsufficientDataActions"])]
        if p.get("ChildrenOfAlarmName"):
            parent = st.alarms.get(p["ChildrenOfAlarmName"])
            kids = set(re.findall(r'ALARM\("([^"]+)"\)',
                                  parent.get("AlarmRule", ""))) \
                if parent else set()
            alarms = [a for a in alarms if a["AlarmName"] in kids]
        if p.get("ParentsOfAlarmName"):
            needle = 'ALARM("%s")' % p["ParentsOfAlarmName"]
            alarms = [a for a in alarms if needle in a.get("AlarmRule", "")]
        key = request_key(p, ["AlarmNames", "AlarmNamePrefix", "AlarmTypes",
                              "StateValue", "ActionPrefix",
                              "ChildrenOfAlarmName", "ParentsOfAlarmName"])
        start = 0
        if p.get("NextToken"):
            try:
                start = read_token(p["NextToken"], "DescribeAlarms", key)
            except ApiError:
                raise ApiError(400, "InvalidNextToken", "The service "
                               "returned an error: invalid NextToken")
        size = p.get("MaxRecords") or 50
        if call.emptypage:
            page, token = [], make_token("DescribeAlarms", start, key)
        else:
            page = alarms[start:start + size]
            token = make_token("DescribeAlarms", start + size, key) \
                if start + size < len(alarms) else None
        acct = call.account_id
        out = {"MetricAlarms": [render_alarm(a, acct) for a in page
                                if a["_type"] == "MetricAlarm"],
               "CompositeAlarms": [render_alarm(a, acct) for a in page
                                   if a["_type"] == "CompositeAlarm"]}
        if token:
            out["NextToken"] = token
        return out

    def op_GetMetricData(self, call, st, p):
        queries = p["MetricDataQueries"]
        if not queries or len(queries) > MAX_QUERIES:
            raise validation("The collection MetricDataQueries must not be "
                             "empty and must have at most %d members"
                             % MAX_QUERIES)
        start = parse_time(p["StartTime"], "startTime")
        end = parse_time(p["EndTime"], "endTime")
        if start >= end:
            raise bad_param("The parameter StartTime must be less than the "
                            "parameter EndTime.")
        ids = set()
        series = []
        for i, q in enumerate(queries):
            if not re.match(r"^[a-z][a-zA-Z0-9_]*$", q["Id"]):
                raise validation("Value '%s' at 'metricDataQueries.%d.member."
                                 "id' failed to satisfy constraint: Member "
                                 "must satisfy regular expression pattern: "
                                 "^[a-z][a-zA-Z0-9_]*$" % (q["Id"], i + 1))
            if q["Id"] in ids:
                raise bad_param("The value %s for field Id is not unique"
                                % q["Id"])
            ids.add(q["Id"])
            if q.get("Expression") or not q.get("MetricStat"):
                raise bad_param("fakeaws evaluates only MetricStat queries "
                                "(query %s)" % q["Id"])
            if q.get("ReturnData") is False:
                continue
            ms = q["MetricStat"]
            period = ms["Period"]
            if period not in (1, 5, 10, 30) and period % 60:
                raise bad_param("The parameter Period must be 1, 5, 10, 30 "
                                "or a multiple of 60")
            first = -(-int(start) // period) * period
            stamps = list(range(first, int(end) if end == int(end)
                                else int(end) + 1, period))
            stamps = [t for t in stamps if t < end and t <= time.time() - 60]
            if p.get("ScanBy", "TimestampDescending") == \
                    "TimestampDescending":
                stamps.reverse()
            pts = []
            ser = series_of(st.metric_data, ms["Metric"])
            for t in stamps if ser is not None else ():
                v = metric_value(st.metric_data, ms, t, period, ser)
                if v is not None:
                    pts.append((t, v))
            series.append((q, pts))
        flat = [(qi, k) for qi, (_, pts) in enumerate(series)
                for k in range(len(pts))]
        key = request_key(p, ["MetricDataQueries", "StartTime", "EndTime",
                              "ScanBy"])
        off = 0
        if p.get("NextToken"):
            try:
                off = read_token(p["NextToken"], "GetMetricData", key)
            except ApiError:
                raise ApiError(400, "InvalidNextToken", "The service "
                               "returned an error: invalid NextToken")
        size = p.get("MaxDatapoints") or 100800
        window = [] if call.emptypage else flat[off:off + size]
        more = call.emptypage or off + size < len(flat)
        mine_of = {}
        for i, k in window:
            mine_of.setdefault(i, []).append(series[i][1][k])
        left = {i for i, _ in flat[off + len(window):]}
        results = []
        for qi, (q, pts) in enumerate(series):
            mine = mine_of.get(qi, [])
            rest = qi in left
            results.append({
                "Id": q["Id"],
                "Label": q.get("Label") or q["MetricStat"]["Metric"].get(
                    "MetricName", q["Id"]),
                "Timestamps": [float(t) for t, _ in mine],
                "Values": [v for _, v in mine],
                "StatusCode": "PartialData" if rest or call.emptypage
                else "Complete"})
        out = {"MetricDataResults": results, "Messages": []}
        if more:
            out["NextToken"] = make_token("GetMetricData",
                                          off + len(window), key)
        return out

    def op_ListMetrics(self, call, st, p):
        if p.get("OwningAccount") and not p.get("IncludeLinkedAccounts"):
            raise bad_param("OwningAccount needs IncludeLinkedAccounts "
                            "true", "InvalidParameterCombination")
        metrics = [m for m in listed_metrics(st)
                   if metric_matches(m, p.get("Namespace"),
                                     p.get("MetricName"),
                                     p.get("Dimensions") or [])]
        if p.get("OwningAccount") not in (None, call.account_id):
            metrics = []   # no linked source accounts in the fake
        key = request_key(p, ["Namespace", "MetricName", "Dimensions",
                              "RecentlyActive", "IncludeLinkedAccounts",
                              "OwningAccount"])
        start = 0
        if p.get("NextToken"):
            try:
                start = read_token(p["NextToken"], "ListMetrics", key)
            except ApiError:
                raise ApiError(400, "InvalidNextToken", "The service "
                               "returned an error: invalid NextToken")
        if call.emptypage:
            page, token = [], make_token("ListMetrics", start, key)
        else:
            page = metrics[start:start + LIST_PAGE]
            token = make_token("ListMetrics", start + LIST_PAGE, key) \
                if start + LIST_PAGE < len(metrics) else None
        out = {"Metrics": copy.deepcopy(page)}
        if p.get("IncludeLinkedAccounts"):
            out["OwningAccounts"] = [call.account_id] * len(page)
        if token:
            out["NextToken"] = token
        return out


def listed_metrics(st):
    """What ListMetrics lists in a region, as Metric objects in a stable
    order: the scenario's series, or, when every metric has data (no
    series), the metrics of the region's metric alarms."""
    md = st.metric_data
    if md.get("series") is not None:
        recs = [(r["namespace"], r["metric"], r["dimensions"])
                for r in md["series"]]
    else:
        recs = [(a["Namespace"], a["MetricName"], a["Dimensions"])
                for a in st.alarms.values() if a["_type"] == "MetricAlarm"]
    out = {}
    for ns, name, dims in recs:
        out.setdefault(metric_key(ns, name, dims), {
            "Namespace": ns, "MetricName": name,
            "Dimensions": [{"Name": d["Name"], "Value": d["Value"]}
                           for d in dims]})
    return [out[k] for k in sorted(out)]


def metric_matches(m, namespace, name, filters):
    """ListMetrics' filters: exact namespace and name; each dimension
    filter needs a dimension of that name (and value, when given), other
    dimensions may be there too."""
    if namespace is not None and m["Namespace"] != namespace:
        return False
    if name is not None and m["MetricName"] != name:
        return False
    have = {d["Name"]: d["Value"] for d in m["Dimensions"]}
    return all(f["Name"] in have and f.get("Value") in (None, have[f["Name"]])
               for f in filters)


def render_alarm(a, account):
    out = {k: v for k, v in a.items() if not k.startswith("_")}
    out["AlarmArn"] = out["AlarmArn"].replace("ACCOUNT", account)
    for k in ("AlarmActions", "OKActions", "InsufficientDataActions"):
        out[k] = [x.replace("ACCOUNT", account) for x in out[k]]
    if "StateReason" in out:
        out["StateReason"] = out["StateReason"].replace("ACCOUNT", account)
    return out


def _dims(d):
    if isinstance(d, dict):
        return sorted(d.items())
    return sorted((x["Name"], x["Value"]) for x in d or [])


def series_of(md, metric):
    """The scenario series of a metric ({Namespace, MetricName,
    Dimensions}), a default one when every metric has data, or None."""
    if md.get("series") is None:
        return {"max": 20, "missing_fraction": 0}
    return md["index"].get(metric_key(metric.get("Namespace"),
                                      metric.get("MetricName"),
                                      metric.get("Dimensions")))


def metric_value(md, ms, t, period, series=None):
    """Deterministic value of a metric statistic for [t, t+period): one
    value per minute from a hash of (seed, metric, minute), the spike's
    factor applied to minutes from its start on."""
    m = ms["Metric"]
    ns, name, dims = m.get("Namespace"), m.get("MetricName"), \
        _dims(m.get("Dimensions"))
    s = series if series is not None else series_of(md, m)
    if s is None:
        return None
    top, missing = s.get("max", 20), s.get("missing_fraction", 0)
    if missing >= 1:
        return None
    spike = s.get("spike")
    ident = "%s|%s|%s|%s" % (md.get("seed", 1), ns, name, dims)
    vals = []
    step = 60 if period >= 60 else period
    for sub in range(t, t + period, step):
        h = hashlib.sha256(("%s|%d" % (ident, sub)).encode()).digest()
        if h[0] / 255.0 < missing:
            continue
        x = int.from_bytes(h[1:4], "big") % (top + 1)
        v = float(x if h[4] < 200 else x * 5)   # spikes
        if spike is not None and sub >= spike["since"]:
            v = float(round(v * spike["factor"]))
        vals.append(v)
    if not vals:
        return None
    stat = ms["Stat"]
    if stat == "Sum":
        return sum(vals)
    if stat == "Average":
        return round(sum(vals) / len(vals), 6)
    if stat == "Minimum":
        return min(vals)
    if stat == "SampleCount":
        return float(len(vals))
    return max(vals)
