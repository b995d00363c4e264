"""Fake GuardDuty (rest-json, model 2017-11-28).

Owns: GuardDuty state per region (detectors, findings), the scenario
section "guardduty" and its steps, completing compact scenario findings
into full Finding objects, and the operations ListDetectors, ListFindings,
GetFindings and GetFindingsStatistics (findingCriteria filtering,
sortCriteria, pagination with opaque tokens containing '+', '/', '=').

Service module interface (what fakeaws.py expects of every service):
  NAME, PROTOCOL; Service(section, default_account) with
  route(method, raw_path, headers, body, raw_query) -> (op, labels) | None,
  handle(call) -> wire.Reply (raises wire.ApiError),
  error_reply(ApiError) -> wire.Reply, apply_step(section, where),
  clone() (for dry runs of the steps), state(account) -> JSON.
"""

import base64
import copy
import datetime
import hashlib
import json
import re
import threading
from urllib.parse import unquote

import validate
from wire import REST_JSON, bad_request, ok_json, render_error

NAME = "guardduty"
PROTOCOL = REST_JSON

ROUTES = [
    ("GET", re.compile(r"^/detector/?$"), "ListDetectors"),
    ("POST", re.compile(r"^/detector/([^/]+)/findings/?$"), "ListFindings"),
    ("POST", re.compile(r"^/detector/([^/]+)/findings/get/?$"), "GetFindings"),
    ("POST", re.compile(r"^/detector/([^/]+)/findings/statistics/?$"),
     "GetFindingsStatistics"),
]

ERROR_TYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazonaws.guardduty/"
MSG_DETECTOR = ("The request is rejected because the input detectorId is not "
                "owned by the current account.")
MSG_TOKEN = "The request is rejected because the input nextToken is invalid."

COMPACT_KEYS = {"id", "type", "severity", "title", "description", "createdAt",
                "updatedAt", "archived", "count", "resourceType", "resource",
                "accountId", "confidence", "eventFirstSeen", "eventLastSeen"}

# criterion fields: how to read them from a full finding, and their kind
FIELDS = {
    "service.archived": "bool", "severity": "number", "updatedAt": "time",
    "type": "string", "id": "string", "accountId": "string",
    "region": "string", "resource.resourceType": "string",
    "confidence": "number", "service.resourceRole": "string",
    "resource.instanceDetails.instanceId": "string",
    "resource.accessKeyDetails.userName": "string",
    "resource.accessKeyDetails.accessKeyId": "string",
}
LIST_CONDS = {"equals": True, "eq": True, "notEquals": False, "neq": False}
NUM_CONDS = {
    "greaterThan": lambda a, b: a > b, "gt": lambda a, b: a > b,
    "greaterThanOrEqual": lambda a, b: a >= b, "gte": lambda a, b: a >= b,
    "lessThan": lambda a, b: a < b, "lt": lambda a, b: a < b,
    "lessThanOrEqual": lambda a, b: a <= b, "lte": lambda a, b: a <= b,
}
TOKEN_MAGIC = b"\xfb\xff\xbf"   # base64 "+/+/": every token has '+' and '/'


# ---------------------------------------------------------------- times

def now_iso():
    t = datetime.datetime.now(datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def iso_to_ms(text):
    """'2026-11-20T10:00:00.000Z' (or without millis) -> epoch ms."""
    t = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.timezone.utc)
    return int(round(t.timestamp() * 1000))


def _check_iso(value, where):
    try:
        iso_to_ms(value)
    except (TypeError, ValueError, AttributeError):
        raise ValueError("%s: not an ISO 8601 time: %r" % (where, value))


# ------------------------------------------------------------- findings

def normalize(compact, where, defaults=None):
    """Check a compact scenario finding; returns the stored record."""
    if not isinstance(compact, dict):
        raise ValueError(where + ": finding must be an object")
    unknown = set(compact) - COMPACT_KEYS
    if unknown:
        raise ValueError("%s: unknown finding keys %s" % (where,
                                                          sorted(unknown)))
    rec = dict(defaults or {})
    rec.update(compact)
    for key in ("id", "type"):
        if not isinstance(rec.get(key), str) or not rec[key]:
            raise ValueError("%s: %s (string) is required" % (where, key))
    sev = rec.get("severity")
    if isinstance(sev, bool) or not isinstance(sev, (int, float)) \
            or not 0 <= sev <= 10:
        raise ValueError(where + ": severity must be a number 0-10")
    rec["severity"] = float(sev)
    rec.setdefault("updatedAt", now_iso())
    rec.setdefault("createdAt", rec["updatedAt"])
    for key in ("updatedAt", "createdAt"):
        _check_iso(rec[key], "%s.%s" % (where, key))
    rec.setdefault("title", default_title(rec["type"]))
    rec.setdefault("archived", False)
    rec.setdefault("count", 1)
    if not isinstance(rec["archived"], bool):
        raise ValueError(where + ": archived must be true/false")
    if not isinstance(rec["count"], int) or rec["count"] < 1:
        raise ValueError(where + ": count must be a positive integer")
    return rec


def default_title(ftype):
    return "Finding of type %s" % ftype


def _sentence(text):
    return text if text.endswith(".") else text + "."


def _short_hash(text, n=17):
    return hashlib.sha256(text.encode()).hexdigest()[:n]


def default_resource(rec, region):
    """A plausible resource object for the finding's type."""
    ftype = rec["type"]
    kind = ftype.split(":", 1)[-1].split("/", 1)[0]
    rtype = rec.get("resourceType")
    if kind in ("IAMUser", "IAM") or rtype == "AccessKey":
        return {"resourceType": rtype or "AccessKey", "accessKeyDetails": {
            "accessKeyId": "GeneratedFindingAccessKeyId",
            "principalId": "GeneratedFindingPrincipalId",
            "userName": "GeneratedFindingUserName", "userType": "IAMUser"}}
    if kind == "S3" or rtype == "S3Bucket":
        name = "secmon-fake-bucket-" + _short_hash(rec["id"], 8)
        return {"resourceType": rtype or "S3Bucket", "s3BucketDetails": [{
            "arn": "arn:aws:s3:::" + name, "name": name, "type": "Destination"}]}
    if kind in ("Kubernetes", "EKS") or rtype == "EKSCluster":
        return {"resourceType": rtype or "EKSCluster",
                "eksClusterDetails": {"name": "secmon-fake-cluster"}}
    return {"resourceType": rtype or "Instance", "instanceDetails": {
        "instanceId": "i-" + _short_hash(rec["id"]),
        "instanceType": "t3.micro", "availabilityZone": region + "a"}}


def complete(rec, region, detector, account):
    """Full Finding object (GuardDuty model) from a stored record."""
    acct = rec.get("accountId") or account
    resource = copy.deepcopy(rec.get("resource")) or \
        default_resource(rec, region)
    finding = {
        "accountId": acct,
        "arn": "arn:aws:guardduty:%s:%s:detector/%s/finding/%s"
               % (region, acct, detector, rec["id"]),
        "createdAt": rec["createdAt"],
        "description": rec.get("description") or _sentence(rec["title"]),
        "id": rec["id"],
        "partition": "aws",
        "region": region,
        "resource": resource,
        "schemaVersion": "2.0",
        "service": {
            "archived": rec["archived"],
            "count": rec["count"],
            "detectorId": detector,
            "eventFirstSeen": rec.get("eventFirstSeen", rec["createdAt"]),
            "eventLastSeen": rec.get("eventLastSeen", rec["updatedAt"]),
            "resourceRole": "TARGET",
            "serviceName": "guardduty",
        },
        "severity": rec["severity"],
        "title": rec["title"],
        "type": rec["type"],
        "updatedAt": rec["updatedAt"],
    }
    if "confidence" in rec:
        finding["confidence"] = rec["confidence"]
    return finding


def field_values(finding, field):
    """Values of a dotted field in a full finding (lists flattened)."""
    vals = [finding]
    for part in field.split("."):
        nxt = []
        for v in vals:
            v = v.get(part) if isinstance(v, dict) else None
            if isinstance(v, list):
                nxt.extend(v)
            elif v is not None:
                nxt.append(v)
        vals = nxt
    return vals


# ------------------------------------------------------- criteria / sort

def _as_number(kind, value):
    if kind == "time":
        return iso_to_ms(value)
    if kind == "bool":
        return None
    return float(value)


def _as_string(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _list_matches(kind, got, wanted, field):
    if kind in ("number", "time"):
        try:
            wanted = [float(w) for w in wanted]
        except ValueError:
            raise bad_request("The request is rejected because the value "
                              "of criterion '%s' must be numeric." % field)
        got_n = [_as_number(kind, g) for g in got]
        return any(g == w for g in got_n for w in wanted)
    got_s = [_as_string(g) for g in got]
    return any(g == w for g in got_s for w in wanted)


def check_criteria(criteria):
    """400 for criterion fields/conditions the fake cannot evaluate."""
    crit = (criteria or {}).get("criterion") or {}
    for field, cond in crit.items():
        kind = FIELDS.get(field)
        if kind is None:
            raise bad_request("The request is rejected because the criterion "
                              "field '%s' is not supported." % field)
        for name in cond:
            if name in ("matches", "notMatches"):
                raise bad_request("The request is rejected because the "
                                  "'%s' condition is only valid for filters."
                                  % name)
            if name in NUM_CONDS and kind not in ("number", "time"):
                raise bad_request("The request is rejected because condition "
                                  "'%s' cannot be used with the field '%s'."
                                  % (name, field))


def matches(finding, criteria):
    """True if a full finding satisfies findingCriteria (fields ANDed)."""
    crit = (criteria or {}).get("criterion") or {}
    for field, cond in crit.items():
        kind = FIELDS[field]
        got = field_values(finding, field)
        for name, arg in cond.items():
            if arg is None:
                continue
            if name in LIST_CONDS:
                hit = _list_matches(kind, got, arg, field)
                if hit != LIST_CONDS[name]:
                    return False
            elif name in NUM_CONDS:
                nums = [_as_number(kind, g) for g in got]
                if not any(NUM_CONDS[name](n, arg) for n in nums):
                    return False
    return True


def sort_findings(findings, sort):
    """Sort full findings by sortCriteria (stable; missing values first)."""
    if not sort or not sort.get("attributeName"):
        return findings
    attr = sort["attributeName"]
    kind = FIELDS.get(attr, "time" if attr in ("createdAt",) else None)

    def key(f):
        vals = field_values(f, attr)
        if not vals:
            return (0, "")
        v = vals[0]
        if kind == "time":
            return (1, iso_to_ms(v))
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return (1, v)
        return (2, _as_string(v))
    return sorted(findings, key=key, reverse=sort.get("orderBy") == "DESC")


# ----------------------------------------------------------- tokens

def make_token(op, offset, request_key):
    """Opaque, standard-base64 token; always holds '+', '/' and '='."""
    payload = json.dumps({"op": op, "o": offset, "k": request_key},
                         separators=(",", ":")).encode()
    while (len(TOKEN_MAGIC) + len(payload)) % 3 != 1:
        payload += b" "
    return base64.b64encode(TOKEN_MAGIC + payload).decode()


def read_token(token, op, request_key):
    """Offset encoded in a token; 400 if it is not one of ours for this
    operation and these criteria."""
    try:
        raw = base64.b64decode(token.encode(), validate=True)
        if not raw.startswith(TOKEN_MAGIC):
            raise ValueError
        data = json.loads(raw[len(TOKEN_MAGIC):])
        if data["op"] != op or data["k"] != request_key:
            raise ValueError
        offset = data["o"]
        if not isinstance(offset, int) or offset < 0:
            raise ValueError
        return offset
    except (ValueError, KeyError, TypeError, UnicodeError):
        raise bad_request(MSG_TOKEN)


def request_key(params, names):
    """Short hash of the request members a token is bound to."""
    sub = {n: params.get(n) for n in names}
    return _short_hash(json.dumps(sub, sort_keys=True), 12)


def paginate(op, items, params, bound_to, default_max):
    """(page, next_token or None) for a list and the request's
    maxResults/nextToken."""
    key = request_key(params, bound_to)
    start = 0
    if params.get("nextToken"):
        start = read_token(params["nextToken"], op, key)
    size = params.get("maxResults") or default_max
    page = items[start:start + size]
    more = start + size < len(items)
    return page, (make_token(op, start + size, key) if more else None), \
        (start, key)


# ----------------------------------------------------------- service

class RegionState:
    def __init__(self):
        self.detectors = []
        self.findings = {}   # id -> record, in insertion order


class Service:
    """GuardDuty state and operations for all regions."""

    protocol = PROTOCOL

    def __init__(self, section, default_account):
        self.lock = threading.RLock()
        self.default_account = default_account
        self.regions = {}
        section = section or {}
        if not isinstance(section, dict):
            raise ValueError("guardduty: must be an object keyed by region")
        for region, body in section.items():
            self._load_region(region, body)

    # -- scenario

    def _region(self, region):
        return self.regions.setdefault(region, RegionState())

    def _load_region(self, region, body):
        where = "guardduty.%s" % region
        if not isinstance(body, dict):
            raise ValueError(where + ": must be an object")
        unknown = set(body) - {"detectors", "findings"}
        if unknown:
            raise ValueError("%s: unknown keys %s" % (where, sorted(unknown)))
        st = self._region(region)
        st.detectors = list(body.get("detectors", []))
        for i, f in enumerate(body.get("findings", [])):
            rec = normalize(f, "%s.findings[%d]" % (where, i))
            st.findings[rec["id"]] = rec

    def clone(self):
        """An independent copy (used to dry-run scenario steps)."""
        twin = Service.__new__(Service)
        twin.lock = threading.RLock()
        twin.default_account = self.default_account
        with self.lock:
            twin.regions = copy.deepcopy(self.regions)
        return twin

    def apply_step(self, section, where="step"):
        if not isinstance(section, dict):
            raise ValueError(where + ".guardduty: must be an object")
        with self.lock:
            for region, ch in section.items():
                self._apply_region(region, ch, "%s.guardduty.%s"
                                   % (where, region))

    def _apply_region(self, region, ch, where):
        allowed = {"add", "update", "archive", "unarchive", "remove",
                   "detectors"}
        if not isinstance(ch, dict) or set(ch) - allowed:
            raise ValueError("%s: keys must be among %s" % (where,
                                                            sorted(allowed)))
        st = self._region(region)
        if "detectors" in ch:
            st.detectors = list(ch["detectors"])
        for i, f in enumerate(ch.get("add", [])):
            rec = normalize(f, "%s.add[%d]" % (where, i))
            st.findings[rec["id"]] = rec
        for i, upd in enumerate(ch.get("update", [])):
            self._update(st, upd, "%s.update[%d]" % (where, i))
        for fid in ch.get("archive", []):
            self._find(st, fid, where)["archived"] = True
        for fid in ch.get("unarchive", []):
            self._find(st, fid, where)["archived"] = False
        for fid in ch.get("remove", []):
            self._find(st, fid, where)
            del st.findings[fid]

    @staticmethod
    def _find(st, fid, where):
        if fid not in st.findings:
            raise ValueError("%s: no finding %r" % (where, fid))
        return st.findings[fid]

    def _update(self, st, upd, where):
        """Recurrence: merge fields; updatedAt defaults to now and count
        to count+1 unless given."""
        if not isinstance(upd, dict) or "id" not in upd:
            raise ValueError(where + ": update needs an id")
        old = self._find(st, upd["id"], where)
        merged = dict(old)
        merged.update(upd)
        if "updatedAt" not in upd:
            merged["updatedAt"] = now_iso()
        if "count" not in upd:
            merged["count"] = old["count"] + 1
        merged.pop("eventLastSeen", None)
        st.findings[upd["id"]] = normalize(merged, where)

    def state(self, account=None):
        acct = account or self.default_account
        with self.lock:
            return {region: {
                "detectors": list(st.detectors),
                "findings": self._full(region, st, acct)}
                for region, st in self.regions.items()}

    def _full(self, region, st, account):
        det = st.detectors[0] if st.detectors else "0" * 32
        return [complete(r, region, det, account)
                for r in st.findings.values()]

    # -- wire

    def route(self, method, raw_path, headers=None, body=b"", raw_query=""):
        """(op, labels) for a request, or None (rest-json: method+path)."""
        for m, rx, op in ROUTES:
            hit = rx.match(raw_path)
            if hit and m == method:
                labels = {"DetectorId": unquote(hit.group(1))} \
                    if hit.groups() else {}
                return op, labels
        return None

    def error_reply(self, err):
        return render_error(PROTOCOL, err, "message+__type", ERROR_TYPE_SUFFIX)

    def parse_input(self, call):
        """Merged, validated input of a routed call (400 on bad input)."""
        body = None
        if call.body:
            try:
                body = json.loads(call.body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as e:
                raise bad_request("The request body is not valid JSON: %s" % e)
        call.params = body
        return validate.rest_json_input(NAME, call.op, call.labels,
                                        call.query, body)

    def handle(self, call):
        params = self.parse_input(call)
        with self.lock:
            st = self.regions.get(call.region) or RegionState()
            if call.op == "ListDetectors":
                return self.list_detectors(call, st, params)
            if params["DetectorId"] not in st.detectors:
                raise bad_request(MSG_DETECTOR)
            findings = self._full(call.region, st, call.account_id)
            findings = [dict(f, service=dict(
                f["service"], detectorId=params["DetectorId"]))
                for f in findings]
            return getattr(self, "op_" + call.op)(call, findings, params)

    # -- operations

    def list_detectors(self, call, st, params):
        page, token, (start, key) = paginate(
            "ListDetectors", st.detectors, params, [], 50)
        if call.emptypage:
            return ok_json({"detectorIds": [],
                            "nextToken": make_token("ListDetectors", start,
                                                    key)})
        out = {"detectorIds": page}
        if token:
            out["nextToken"] = token
        return ok_json(out)

    def op_ListFindings(self, call, findings, params):
        check_criteria(params.get("findingCriteria"))
        hits = [f for f in findings
                if matches(f, params.get("findingCriteria"))]
        hits = sort_findings(hits, params.get("sortCriteria"))
        ids = [f["id"] for f in hits]
        page, token, (start, key) = paginate(
            "ListFindings", ids, params,
            ["DetectorId", "findingCriteria", "sortCriteria"], 50)
        if call.emptypage:
            return ok_json({"findingIds": [],
                            "nextToken": make_token("ListFindings", start,
                                                    key)})
        return ok_json({"findingIds": page, "nextToken": token or ""})

    def op_GetFindings(self, call, findings, params):
        if call.emptypage:
            return ok_json({"findings": []})
        wanted = set(params["findingIds"])
        hits = [f for f in findings if f["id"] in wanted]
        if params.get("sortCriteria"):
            hits = sort_findings(hits, params["sortCriteria"])
        else:
            order = {fid: i for i, fid in enumerate(params["findingIds"])}
            hits.sort(key=lambda f: order[f["id"]])
        return ok_json({"findings": hits})

    def op_GetFindingsStatistics(self, call, findings, params):
        group, types = params.get("groupBy"), params.get("findingStatisticTypes")
        if (group is None) == (types is None):
            raise bad_request("The request is rejected because exactly one of "
                              "'groupBy' or 'findingStatisticTypes' must be "
                              "specified.")
        if types is not None and ("maxResults" in params
                                  or "orderBy" in params):
            raise bad_request("The request is rejected because 'maxResults' "
                              "and 'orderBy' can be used only with 'groupBy'.")
        check_criteria(params.get("findingCriteria"))
        hits = [] if call.emptypage else [
            f for f in findings if matches(f, params.get("findingCriteria"))]
        if types is not None:
            return ok_json({"findingStatistics": count_by_severity(hits)})
        groups = group_by(hits, group, params.get("orderBy") or "DESC")
        groups = groups[:params.get("maxResults") or 25]
        name = {"ACCOUNT": "groupedByAccount", "DATE": "groupedByDate",
                "FINDING_TYPE": "groupedByFindingType",
                "RESOURCE": "groupedByResource",
                "SEVERITY": "groupedBySeverity"}[group]
        return ok_json({"findingStatistics": {name: groups}})


# ---------------------------------------------------------- statistics

def count_by_severity(findings):
    counts = {}
    for f in findings:
        k = repr(float(f["severity"]))
        counts[k] = counts.get(k, 0) + 1
    return {"countBySeverity": counts}


def _group_key(f, group):
    if group == "SEVERITY":
        return (f["severity"],)
    if group == "ACCOUNT":
        return (f["accountId"],)
    if group == "FINDING_TYPE":
        return (f["type"],)
    if group == "DATE":
        return (f["updatedAt"][:10],)
    res = f["resource"]
    rid = (field_values(res, "instanceDetails.instanceId")
           or field_values(res, "accessKeyDetails.accessKeyId")
           or field_values(res, "s3BucketDetails.name")
           or field_values(res, "eksClusterDetails.name") or ["unknown"])
    return (f["accountId"], rid[0], res.get("resourceType"))


def _group_entry(group, key, members):
    last = max(iso_to_ms(f["updatedAt"]) for f in members) / 1000.0
    n = len(members)
    if group == "SEVERITY":
        return {"severity": key[0], "totalFindings": n, "lastGeneratedAt": last}
    if group == "ACCOUNT":
        return {"accountId": key[0], "totalFindings": n,
                "lastGeneratedAt": last}
    if group == "FINDING_TYPE":
        return {"findingType": key[0], "totalFindings": n,
                "lastGeneratedAt": last}
    if group == "DATE":
        day = datetime.datetime.fromisoformat(key[0]).replace(
            tzinfo=datetime.timezone.utc).timestamp()
        return {"date": day, "totalFindings": n, "lastGeneratedAt": last,
                "severity": max(f["severity"] for f in members)}
    return {"accountId": key[0], "resourceId": key[1], "resourceType": key[2],
            "totalFindings": n, "lastGeneratedAt": last}


def group_by(findings, group, order):
    """Grouped statistics, ordered by totalFindings (then key), DESC by
    default as the service does."""
    groups = {}
    for f in findings:
        groups.setdefault(_group_key(f, group), []).append(f)
    entries = [(len(m), k, _group_entry(group, k, m))
               for k, m in groups.items()]
    entries.sort(key=lambda e: (e[0], e[1]), reverse=(order == "DESC"))
    return [e[2] for e in entries]

