"""Fake Security Hub CSPM (rest-json, model 2018-10-26).

Owns: Security Hub state per region (hub on/off, finding generator mode,
standards and their subscriptions, the security control catalogue, control
associations, control findings), the scenario section "securityhub" (an
explicit estate or one generated from a seed), its steps, the expected
console security scores (AWS-NOTES 4.1; GET /_fake/expected), the
operations DescribeHub, GetEnabledStandards, DescribeStandards,
GetFindings, BatchGetStandardsControlAssociations,
ListSecurityControlDefinitions, BatchGetSecurityControls and
ListStandardsControlAssociations, and the optional per-operation rate
limit (token buckets, 429 TooManyRequestsException).

Findings are stored as one record per (control, resource); how a record
is rendered depends on the hub's mode: SECURITY_CONTROL (consolidated: one
ASFF finding, GeneratorId security-control/<ID>, AssociatedStandards =
every standard of the record) or STANDARD_CONTROL (one ASFF finding per
standard, GeneratorId <standard path>/<ControlId>, ProductFields
StandardsArn/ControlId or, for CIS 1.2, StandardsGuideArn/RuleId).  The
expected score is the same in both modes.
"""

import copy
import datetime
import json
import random
import re
import threading
import time
import uuid
from urllib.parse import unquote

import validate
from svc_guardduty import make_token, read_token, request_key
from wire import REST_JSON, ApiError, ok_json, render_error

NAME = "securityhub"
PROTOCOL = REST_JSON

ROUTES = [
    ("GET", re.compile(r"^/accounts/?$"), "DescribeHub"),
    ("POST", re.compile(r"^/standards/get/?$"), "GetEnabledStandards"),
    ("GET", re.compile(r"^/standards/?$"), "DescribeStandards"),
    ("POST", re.compile(r"^/findings/?$"), "GetFindings"),
    ("POST", re.compile(r"^/associations/batchGet/?$"),
     "BatchGetStandardsControlAssociations"),
    ("GET", re.compile(r"^/associations/?$"),
     "ListStandardsControlAssociations"),
    ("GET", re.compile(r"^/securityControls/definitions/?$"),
     "ListSecurityControlDefinitions"),
    ("POST", re.compile(r"^/securityControls/batchGet/?$"),
     "BatchGetSecurityControls"),
]

MODES = ("SECURITY_CONTROL", "STANDARD_CONTROL")
STATUSES = ("PASSED", "WARNING", "FAILED", "NOT_AVAILABLE")
WORKFLOWS = ("NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED")
RECORD_STATES = ("ACTIVE", "ARCHIVED")
SUB_STATUSES = ("PENDING", "READY", "FAILED", "DELETING", "INCOMPLETE")
SEVERITIES = ("LOW", "MEDIUM", "HIGH", "CRITICAL")
NORMALIZED = {"INFORMATIONAL": 0, "LOW": 1, "MEDIUM": 40, "HIGH": 70,
              "CRITICAL": 90}
SEV_RANK = {"INFORMATIONAL": 0, "LOW": 1, "MEDIUM": 2, "HIGH": 3,
            "CRITICAL": 4}
MAX_FILTER_FIELDS, MAX_FILTER_VALUES = 10, 20
MSG_TOKEN = "The NextToken value is invalid."
DEFAULT_SUBSCRIBED = "2024-02-01T10:00:00.000Z"

REGION_KEYS = {"enabled", "mode", "subscribed_at", "auto_enable_controls",
               "standards", "controls", "findings", "disabled_controls",
               "disabled_associations", "generate", "base_time"}
GEN_KEYS = {"seed", "controls_total", "findings", "suppressed_fraction",
            "archived_fraction", "not_available_fraction", "warning_fraction",
            "failed_fraction", "no_data_controls", "disabled_controls",
            "disabled_associations", "other_findings",
            "disabled_active_findings"}
FINDING_KEYS = {"id", "control", "resource", "resource_type", "status",
                "workflow", "record_state", "standards", "created_at",
                "updated_at", "severity", "product", "title", "types"}
STEP_KEYS = {"add", "update", "set_status", "archive", "unarchive",
             "suppress", "unsuppress", "remove", "disable_controls",
             "enable_controls", "disable_associations",
             "enable_associations", "standards_status", "enabled", "mode"}

# real-looking service prefixes for generated control ids
PREFIXES = ["S3", "EC2", "IAM", "RDS", "Lambda", "CloudTrail", "KMS", "ELB",
            "DynamoDB", "ECS", "EKS", "ECR", "SQS", "SNS", "SSM", "Config",
            "CloudFront", "ACM", "APIGateway", "AutoScaling", "CodeBuild",
            "EFS", "ElastiCache", "ES", "GuardDuty", "Redshift", "SageMaker",
            "SecretsManager", "WAF", "Account"]
RESOURCE_TYPES = {"S3": "AwsS3Bucket", "EC2": "AwsEc2Instance",
                  "IAM": "AwsIamRole", "RDS": "AwsRdsDbInstance",
                  "Lambda": "AwsLambdaFunction", "KMS": "AwsKmsKey",
                  "DynamoDB": "AwsDynamoDbTable", "SQS": "AwsSqsQueue",
                  "SNS": "AwsSnsTopic"}


# ---------------------------------------------------------------- helpers

def iso_ms(epoch):
    t = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def parse_iso(text):
    """ISO 8601 text -> epoch seconds (float); ValueError if not one."""
    if not isinstance(text, str):
        raise ValueError(text)
    t = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.timezone.utc)
    return t.timestamp()


def invalid_input(msg):
    return ApiError(400, "InvalidInputException", msg)


def standards_id(arn):
    """'standards/aws-foundational-.../v/1.0.0' from a StandardsArn."""
    return arn.split(":", 5)[5] if arn.count(":") >= 5 else arn


def standard_path(arn):
    """'aws-foundational-security-best-practices/v/1.0.0'."""
    sid = standards_id(arn)
    return sid.split("/", 1)[1] if "/" in sid else sid


def is_ruleset(arn):
    return ":ruleset/" in arn


def round_half_up(x):
    return int(x + 0.5)


def worst(statuses):
    """Console control status from finding compliance statuses."""
    if not statuses:
        return "NO_DATA"
    if "FAILED" in statuses:
        return "FAILED"
    if "WARNING" in statuses or "NOT_AVAILABLE" in statuses:
        return "UNKNOWN"
    return "PASSED"


# -------------------------------------------------------------- region

class RegionState:
    """One region's hub: standards, controls, associations, findings."""

    def __init__(self, region):
        self.region = region
        self.enabled = True
        self.mode = "SECURITY_CONTROL"
        self.subscribed_at = DEFAULT_SUBSCRIBED
        self.auto_enable = True
        self.base_time = time.time()
        # arn -> {arn, name, description, subscribed, status}
        self.standards = {}
        # id -> {id, title, severity, description, status, standards[list]}
        self.controls = {}
        self.disabled_assoc = set()   # (control id, standards arn)
        self.findings = {}            # record id -> record (ordered)
        self.version = 0              # bumped on every change (cache key)

    # per-standard control ids (CIS uses its own numbering)
    def standard_control_id(self, control, arn):
        if "cis-aws-foundations-benchmark" not in arn:
            return control
        ids = [c for c, rec in self.controls.items() if arn in rec["standards"]]
        i = ids.index(control) if control in ids else 0
        return "%d.%d" % (i // 10 + 1, i % 10 + 1)

    def assoc_status(self, control, arn):
        c = self.controls.get(control)
        if c is None or arn not in c["standards"]:
            return None
        if c["status"] == "DISABLED" or (control, arn) in self.disabled_assoc:
            return "DISABLED"
        return "ENABLED"

    def ready_standards(self):
        return [a for a, s in self.standards.items()
                if s["subscribed"] and s["status"] == "READY"]


class Service:
    """Security Hub state and operations for all regions of one account."""

    protocol = PROTOCOL

    def __init__(self, section, default_account):
        self.lock = threading.RLock()
        self.default_account = default_account
        self.regions = {}
        self.rate_limit = {}
        self.buckets = {}
        self._cache = {}
        section = section or {}
        if not isinstance(section, dict):
            raise ValueError("securityhub: must be an object keyed by region")
        for region, body in section.items():
            if region == "rate_limit":
                self.rate_limit = check_rate_limit(body)
                continue
            self.regions[region] = load_region(region, body, default_account)

    def clone(self):
        twin = Service.__new__(Service)
        twin.lock = threading.RLock()
        twin.default_account = self.default_account
        with self.lock:
            twin.regions = copy.deepcopy(self.regions)
        twin.rate_limit = dict(self.rate_limit)
        twin.buckets = {}
        twin._cache = {}
        return twin

    # -- steps

    def apply_step(self, section, where="step"):
        if not isinstance(section, dict):
            raise ValueError(where + ".securityhub: must be an object")
        with self.lock:
            for region, ch in section.items():
                w = "%s.securityhub.%s" % (where, region)
                if region == "rate_limit":
                    self.rate_limit = check_rate_limit(ch)
                    self.buckets = {}
                    continue
                if region not in self.regions:
                    raise ValueError(w + ": region has no securityhub state")
                apply_region_step(self.regions[region], ch, w,
                                  self.default_account)

    # -- admin views

    def state(self, account=None):
        acct = account or self.default_account
        out = {}
        with self.lock:
            for region, st in self.regions.items():
                findings = self.rendered(st, acct)
                out[region] = {
                    "enabled": st.enabled, "mode": st.mode,
                    "standards": [dict(s) for s in st.standards.values()],
                    "controls": [dict(c, disabled_in=sorted(
                        a for a in c["standards"]
                        if st.assoc_status(c["id"], a) == "DISABLED"))
                        for c in st.controls.values()],
                    "findings_total": len(findings),
                    "findings": [summary(f) for f in findings],
                }
        return out

    def expected(self, account=None):
        with self.lock:
            return {region: expected_scores(st)
                    for region, st in self.regions.items()}

    def rendered(self, st, account):
        key = (st.region, account)
        hit = self._cache.get(key)
        if hit and hit[0] == (st.version, st.mode):
            return hit[1]
        out = []
        for rec in st.findings.values():
            out.extend(render(rec, st, account))
        self._cache[key] = ((st.version, st.mode), out)
        return out

    # -- wire

    def route(self, method, raw_path, headers=None, body=b"", raw_query=""):
        for m, rx, op in ROUTES:
            if m == method and rx.match(raw_path):
                return op, {}
        return None

    def error_reply(self, err):
        return render_error(PROTOCOL, err, "Code+Message")

    def parse_input(self, call):
        body = None
        if call.body:
            try:
                body = json.loads(call.body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as e:
                raise invalid_input("The request body is not valid JSON: %s"
                                    % e)
        call.params = body
        try:
            return validate.rest_json_input(NAME, call.op, call.labels,
                                            call.query, body)
        except ApiError as e:
            raise invalid_input(e.message)

    def handle(self, call):
        with self.lock:
            self._throttle(call)
            params = self.parse_input(call)
            st = self.regions.get(call.region)
            if st is None or not st.enabled:
                raise ApiError(401, "InvalidAccessException",
                               "Account %s is not subscribed to AWS Security "
                               "Hub" % call.account_id)
            return getattr(self, "op_" + call.op)(call, st, params)

    def _throttle(self, call):
        spec = self.rate_limit.get(call.op)
        if not spec:
            return
        rate, burst = spec
        key = (call.account_id, call.region, call.op)
        now = time.monotonic()
        tokens, last = self.buckets.get(key, (float(burst), now))
        tokens = min(float(burst), tokens + (now - last) * rate)
        if tokens < 1.0:
            self.buckets[key] = (tokens, now)
            raise ApiError(429, "TooManyRequestsException", "Rate exceeded")
        self.buckets[key] = (tokens - 1.0, now)

    # -- operations

    def op_DescribeHub(self, call, st, params):
        arn = "arn:aws:securityhub:%s:%s:hub/default" % (call.region,
                                                         call.account_id)
        if params.get("HubArn") not in (None, arn):
            raise invalid_input("Invalid HubArn %s" % params["HubArn"])
        return ok_json({"HubArn": arn, "SubscribedAt": st.subscribed_at,
                        "AutoEnableControls": st.auto_enable,
                        "ControlFindingGenerator": st.mode})

    def op_GetEnabledStandards(self, call, st, params):
        subs = [subscription(s, call.region, call.account_id)
                for s in st.standards.values() if s["subscribed"]]
        want = params.get("StandardsSubscriptionArns")
        if want:
            subs = [s for s in subs if s["StandardsSubscriptionArn"] in want]
        page, token = page_of(call, "GetEnabledStandards", subs, params,
                              ["StandardsSubscriptionArns"], 100)
        return ok_json(with_token({"StandardsSubscriptions": page}, token))

    def op_DescribeStandards(self, call, st, params):
        out = [{"StandardsArn": s["arn"], "Name": s["name"],
                "Description": s["description"],
                "EnabledByDefault": s["enabled_by_default"],
                "StandardsManagedBy": {"Company": "AWS",
                                       "Product": "Security Hub"}}
               for s in st.standards.values()]
        page, token = page_of(call, "DescribeStandards", out, params, [], 10)
        return ok_json(with_token({"Standards": page}, token))

    def op_GetFindings(self, call, st, params):
        filters = params.get("Filters") or {}
        check_filters(filters)
        findings = self.rendered(st, call.account_id)
        hits = [f for f in findings if finding_matches(f, filters)]
        hits = sort_findings(hits, params.get("SortCriteria"))
        page, token = page_of(call, "GetFindings", hits, params,
                              ["Filters", "SortCriteria"], 100)
        if call.emptypage:
            return ok_json({"Findings": [], "NextToken": token or ""})
        return ok_json(with_token({"Findings": page}, token))

    def op_BatchGetStandardsControlAssociations(self, call, st, params):
        ids = params["StandardsControlAssociationIds"]
        if len(ids) > 100:
            raise invalid_input("StandardsControlAssociationIds can contain "
                                "at most 100 items")
        details, unprocessed = [], []
        for ident in ids:
            cid, arn = ident["SecurityControlId"], ident["StandardsArn"]
            status = st.assoc_status(cid, arn)
            if status is None:
                unprocessed.append({
                    "StandardsControlAssociationId": ident,
                    "ErrorCode": "RESOURCE_NOT_FOUND",
                    "ErrorReason": "The control %s is not associated with "
                                   "the standard %s" % (cid, arn)})
                continue
            details.append(association(st, cid, arn, call))
        out = {"StandardsControlAssociationDetails": details}
        if unprocessed:
            out["UnprocessedAssociations"] = unprocessed
        return ok_json(out)

    def op_ListStandardsControlAssociations(self, call, st, params):
        cid = params.get("SecurityControlId")
        if not cid:
            raise invalid_input("SecurityControlId is required")
        c = st.controls.get(cid)
        if c is None:
            raise ApiError(404, "ResourceNotFoundException",
                           "Security control %s not found" % cid)
        out = []
        for arn in c["standards"]:
            d = association(st, cid, arn, call)
            d.pop("StandardsControlArns", None)
            d.pop("RelatedRequirements", None)
            out.append(d)
        page, token = page_of(call, "ListStandardsControlAssociations", out,
                              params, ["SecurityControlId"], 100)
        return ok_json(with_token(
            {"StandardsControlAssociationSummaries": page}, token))

    def op_ListSecurityControlDefinitions(self, call, st, params):
        arn = params.get("StandardsArn")
        if arn is not None and arn not in st.standards:
            raise invalid_input("Invalid StandardsArn %s" % arn)
        out = [definition(c, call.region) for c in st.controls.values()
               if arn is None or arn in c["standards"]]
        page, token = page_of(call, "ListSecurityControlDefinitions", out,
                              params, ["StandardsArn"], 25)
        return ok_json(with_token({"SecurityControlDefinitions": page},
                                  token))

    def op_BatchGetSecurityControls(self, call, st, params):
        ids = params["SecurityControlIds"]
        if not ids or len(ids) > 100:
            raise invalid_input("SecurityControlIds must contain 1 to 100 "
                                "items")
        found, missing = [], []
        for cid in ids:
            c = st.controls.get(cid)
            if c is None:
                missing.append({"SecurityControlId": cid,
                                "ErrorCode": "NOT_FOUND",
                                "ErrorReason": "Security control %s not "
                                               "found" % cid})
                continue
            found.append(dict(definition(c, call.region), **{
                "SecurityControlArn": control_arn(cid, call),
                "SecurityControlStatus": c["status"],
                "UpdateStatus": "READY"}))
            found[-1].pop("CurrentRegionAvailability")
        out = {"SecurityControls": found}
        if missing:
            out["UnprocessedIds"] = missing
        return ok_json(out)


# ------------------------------------------------------------- rendering

def control_arn(cid, call):
    return "arn:aws:securityhub:%s:%s:security-control/%s" % (
        call.region, call.account_id, cid)


def subscription(s, region, account):
    arn = "arn:aws:securityhub:%s:%s:subscription/%s" % (
        region, account, standard_path(s["arn"]))
    out = {"StandardsSubscriptionArn": arn, "StandardsArn": s["arn"],
           "StandardsInput": {}, "StandardsStatus": s["status"],
           "StandardsControlsUpdatable": "READY_FOR_UPDATES"
           if s["status"] == "READY" else "NOT_READY_FOR_UPDATES"}
    if s["status"] in ("FAILED", "INCOMPLETE"):
        out["StandardsStatusReason"] = {"StatusReasonCode": "INTERNAL_ERROR"}
    return out


def association(st, cid, arn, call):
    c = st.controls[cid]
    status = st.assoc_status(cid, arn)
    out = {"StandardsArn": arn, "SecurityControlId": cid,
           "SecurityControlArn": control_arn(cid, call),
           "AssociationStatus": status,
           "RelatedRequirements": [],
           "UpdatedAt": st.subscribed_at,
           "StandardsControlTitle": c["title"],
           "StandardsControlDescription": c["description"],
           "StandardsControlArns": [
               "arn:aws:securityhub:%s:%s:control/%s/%s" % (
                   call.region, call.account_id, standard_path(arn),
                   st.standard_control_id(cid, arn))]}
    if status == "DISABLED":
        out["UpdatedReason"] = "Not applicable to this account"
    return out


def definition(c, region):
    return {"SecurityControlId": c["id"], "Title": c["title"],
            "Description": c["description"],
            "RemediationUrl": "https://docs.aws.amazon.com/console/"
                              "securityhub/%s/remediation" % c["id"],
            "SeverityRating": c["severity"],
            "CurrentRegionAvailability": "AVAILABLE"}


def render(rec, st, account):
    """ASFF findings for one stored record (one, or one per standard)."""
    region = st.region
    acct = account
    common = {
        "SchemaVersion": "2018-10-08",
        "AwsAccountId": acct,
        "Region": region,
        "CreatedAt": rec["created_at"],
        "UpdatedAt": rec["updated_at"],
        "FirstObservedAt": rec["created_at"],
        "LastObservedAt": rec["updated_at"],
        "CompanyName": "AWS",
        "RecordState": rec["record_state"],
        "Workflow": {"Status": rec["workflow"]},
        "WorkflowState": "NEW" if rec["workflow"] in ("NEW", "NOTIFIED")
        else ("RESOLVED" if rec["workflow"] == "RESOLVED" else "DEFERRED"),
        "Resources": [{
            "Type": rec["resource_type"],
            "Id": rec["resource"].replace("ACCOUNT", acct),
            "Partition": "aws", "Region": region}],
        "FindingProviderFields": {"Types": list(rec["types"])},
        "Types": list(rec["types"]),
    }
    if rec["product"] != "securityhub":
        f = dict(common)
        f.update({
            "Id": "arn:aws:%s:%s:%s:finding/%s" % (rec["product"], region,
                                                   acct, rec["id"]),
            "ProductArn": "arn:aws:securityhub:%s::product/aws/%s"
                          % (region, rec["product"]),
            "ProductName": rec["product"].capitalize()
            if rec["product"] != "guardduty" else "GuardDuty",
            "GeneratorId": "arn:aws:%s:%s:%s:detector/fake"
                           % (rec["product"], region, acct),
            "Title": rec["title"], "Description": rec["title"] + ".",
            "Severity": {"Label": rec["severity"],
                         "Normalized": NORMALIZED[rec["severity"]],
                         "Original": rec["severity"]},
            "ProductFields": {"aws/securityhub/ProductName":
                              "GuardDuty"},
        })
        return [f]
    c = st.controls[rec["control"]]
    sev = rec.get("severity") or c["severity"]
    product_arn = "arn:aws:securityhub:%s::product/aws/securityhub" % region
    base = dict(common)
    base.update({
        "ProductArn": product_arn, "ProductName": "Security Hub",
        "Title": c["title"], "Description": c["description"],
        "Severity": {"Label": sev, "Normalized": NORMALIZED[sev],
                     "Original": sev},
        "Remediation": {"Recommendation": {
            "Text": "For information on how to correct this issue, consult "
                    "the AWS Security Hub controls documentation.",
            "Url": "https://docs.aws.amazon.com/console/securityhub/%s/"
                   "remediation" % c["id"]}},
    })
    stds = rec["standards"]
    compliance = {"Status": rec["status"], "SecurityControlId": c["id"],
                  "AssociatedStandards": [{"StandardsId": standards_id(a)}
                                          for a in stds]}
    if rec["status"] != "PASSED":
        compliance["StatusReasons"] = [{
            "ReasonCode": "CONFIG_EVALUATIONS_EMPTY"
            if rec["status"] == "NOT_AVAILABLE" else "CONFIG_RULE_EVALUATION",
            "Description": "fakeaws: %s" % rec["status"]}]
    pf_common = {"aws/securityhub/ProductName": "Security Hub",
                 "aws/securityhub/CompanyName": "AWS",
                 "Resources:0/Id": base["Resources"][0]["Id"],
                 "RelatedAWSResources:0/type": "AWS::Config::ConfigRule"}
    if st.mode == "SECURITY_CONTROL":
        f = dict(base)
        f.update({
            "Id": "arn:aws:securityhub:%s:%s:security-control/%s/finding/%s"
                  % (region, acct, c["id"], rec["id"]),
            "GeneratorId": "security-control/%s" % c["id"],
            "Compliance": compliance,
            "ProductFields": dict(pf_common, **{
                "aws/securityhub/FindingId": "arn:aws:securityhub:%s::"
                "product/aws/securityhub/%s" % (region, rec["id"])}),
        })
        return [f]
    out = []
    for i, arn in enumerate(stds):
        ctl = st.standard_control_id(c["id"], arn)
        fid = str(uuid.uuid5(uuid.UUID(rec["id"]), arn))
        f = dict(base)
        comp = dict(compliance, AssociatedStandards=[
            {"StandardsId": standards_id(arn)}])
        pf = dict(pf_common)
        if is_ruleset(arn):
            gen = "%s/rule/%s" % (arn, ctl)
            pf.update({"StandardsGuideArn": arn,
                       "StandardsGuideSubscriptionArn":
                       "arn:aws:securityhub:%s:%s:subscription/%s"
                       % (region, acct, standard_path(arn)),
                       "RuleId": ctl})
            sub = "subscription/%s/rule/%s" % (standard_path(arn), ctl)
        else:
            gen = "%s/%s" % (standard_path(arn), ctl)
            pf.update({"StandardsArn": arn,
                       "StandardsSubscriptionArn":
                       "arn:aws:securityhub:%s:%s:subscription/%s"
                       % (region, acct, standard_path(arn)),
                       "ControlId": ctl,
                       "StandardsControlArn":
                       "arn:aws:securityhub:%s:%s:control/%s/%s"
                       % (region, acct, standard_path(arn), ctl)})
            sub = "subscription/%s/%s" % (standard_path(arn), ctl)
        pf["aws/securityhub/FindingId"] = (
            "arn:aws:securityhub:%s::product/aws/securityhub/%s"
            % (region, fid))
        f.update({
            "Id": "arn:aws:securityhub:%s:%s:%s/finding/%s"
                  % (region, acct, sub, fid),
            "GeneratorId": gen, "Compliance": comp, "ProductFields": pf})
        out.append(f)
    return out


def summary(f):
    comp = f.get("Compliance") or {}
    return {"Id": f["Id"], "GeneratorId": f["GeneratorId"],
            "ProductArn": f["ProductArn"],
            "SecurityControlId": comp.get("SecurityControlId"),
            "ComplianceStatus": comp.get("Status"),
            "Standards": [a["StandardsId"]
                          for a in comp.get("AssociatedStandards", [])],
            "WorkflowStatus": f["Workflow"]["Status"],
            "RecordState": f["RecordState"],
            "ResourceId": f["Resources"][0]["Id"],
            "SeverityLabel": f["Severity"]["Label"],
            "UpdatedAt": f["UpdatedAt"]}


# ------------------------------------------------------------- scores

def expected_scores(st):
    """The console's scores (AWS-NOTES 4.1) for one region's state."""
    ready = st.ready_standards()
    # (control, standard) -> statuses of counted findings
    per_pair = {}
    resources_failed = {}
    for rec in st.findings.values():
        if rec["product"] != "securityhub":
            continue
        if rec["record_state"] == "ARCHIVED" or \
                rec["workflow"] == "SUPPRESSED":
            continue
        for arn in rec["standards"]:
            per_pair.setdefault((rec["control"], arn), []).append(
                rec["status"])
        if rec["status"] == "FAILED" and any(
                st.assoc_status(rec["control"], a) == "ENABLED" and a in ready
                for a in rec["standards"]):
            resources_failed.setdefault(rec["control"], set()).add(
                rec["resource"])
    standards = {}
    overall_status = {}   # control -> list of statuses over enabled pairs
    overall_disabled = set()
    for arn in ready:
        counts = {"passed": 0, "failed": 0, "unknown": 0, "no_data": 0,
                  "disabled": 0}
        for cid, c in st.controls.items():
            status = st.assoc_status(cid, arn)
            if status is None:
                continue
            if status == "DISABLED":
                counts["disabled"] += 1
                overall_disabled.add(cid)
                continue
            stats = per_pair.get((cid, arn), [])
            overall_status.setdefault(cid, []).extend(stats)
            counts[{"FAILED": "failed", "UNKNOWN": "unknown",
                    "PASSED": "passed", "NO_DATA": "no_data"}[
                worst(stats)]] += 1
        standards[arn] = score_of(counts)
    counts = {"passed": 0, "failed": 0, "unknown": 0, "no_data": 0,
              "disabled": len(overall_disabled - set(overall_status))}
    failed = []
    for cid, stats in overall_status.items():
        s = worst(stats)
        counts[{"FAILED": "failed", "UNKNOWN": "unknown",
                "PASSED": "passed", "NO_DATA": "no_data"}[s]] += 1
        if s == "FAILED":
            c = st.controls[cid]
            failed.append({"id": cid, "title": c["title"],
                           "severity": c["severity"],
                           "failed_resources": len(
                               resources_failed.get(cid, ()))})
    failed.sort(key=lambda x: (-SEV_RANK[x["severity"]], x["id"]))
    overall = score_of(counts)
    scored = [s["score_exact"] for s in standards.values()
              if s["score_exact"] is not None]
    overall["mean_of_standards"] = round(sum(scored) / len(scored), 2) \
        if scored else None
    ignored = {a: s["status"] for a, s in st.standards.items()
               if s["subscribed"] and a not in ready}
    return {"enabled": st.enabled, "mode": st.mode, "standards": standards,
            "overall": overall, "failed_controls": failed,
            "ignored_standards": ignored}


def score_of(counts):
    out = dict(counts)
    den = counts["passed"] + counts["failed"] + counts["unknown"]
    out["enabled"] = den + counts["no_data"]
    if den == 0:
        out["score_exact"] = out["score"] = None
    else:
        exact = 100.0 * counts["passed"] / den
        out["score_exact"] = round(exact, 2)
        out["score"] = round_half_up(exact)
    return out


# ------------------------------------------------------------- filters

def _v(f, *path):
    cur = f
    for p in path:
        if isinstance(cur, dict):
            cur = cur.get(p)
        else:
            return []
    if cur is None:
        return []
    return cur if isinstance(cur, list) else [cur]


STRING_FIELDS = {
    "ProductArn": lambda f: _v(f, "ProductArn"),
    "ProductName": lambda f: _v(f, "ProductName"),
    "CompanyName": lambda f: _v(f, "CompanyName"),
    "AwsAccountId": lambda f: _v(f, "AwsAccountId"),
    "Id": lambda f: _v(f, "Id"),
    "GeneratorId": lambda f: _v(f, "GeneratorId"),
    "Region": lambda f: _v(f, "Region"),
    "Type": lambda f: _v(f, "Types"),
    "Title": lambda f: _v(f, "Title"),
    "Description": lambda f: _v(f, "Description"),
    "SeverityLabel": lambda f: _v(f, "Severity", "Label"),
    "RecordState": lambda f: _v(f, "RecordState"),
    "WorkflowStatus": lambda f: _v(f, "Workflow", "Status"),
    "WorkflowState": lambda f: _v(f, "WorkflowState"),
    "ComplianceStatus": lambda f: _v(f, "Compliance", "Status"),
    "ComplianceSecurityControlId":
        lambda f: _v(f, "Compliance", "SecurityControlId"),
    "ComplianceAssociatedStandardsId":
        lambda f: [a.get("StandardsId") for a in
                   _v(f, "Compliance", "AssociatedStandards")],
    "ResourceType": lambda f: [r["Type"] for r in f["Resources"]],
    "ResourceId": lambda f: [r["Id"] for r in f["Resources"]],
    "ResourceRegion": lambda f: [r.get("Region") for r in f["Resources"]],
}
DATE_FIELDS = {"UpdatedAt": "UpdatedAt", "CreatedAt": "CreatedAt",
               "FirstObservedAt": "FirstObservedAt",
               "LastObservedAt": "LastObservedAt"}
NUMBER_FIELDS = {"SeverityNormalized": ("Severity", "Normalized")}
MAP_FIELDS = {"ProductFields": "ProductFields"}
POSITIVE = ("EQUALS", "PREFIX", "CONTAINS")
NEGATIVE = ("NOT_EQUALS", "PREFIX_NOT_EQUALS", "NOT_CONTAINS")


def check_filters(filters):
    """InvalidInputException for filters beyond the limits or the rules
    (AWS-NOTES 4), or fields the fake does not evaluate."""
    used = {k: v for k, v in filters.items() if v}
    if len(used) > MAX_FILTER_FIELDS:
        raise invalid_input("Invalid filter: at most %d filter attributes "
                            "are allowed, got %d" % (MAX_FILTER_FIELDS,
                                                     len(used)))
    for name, conds in used.items():
        if len(conds) > MAX_FILTER_VALUES:
            raise invalid_input("Invalid filter: at most %d values are "
                                "allowed for %s, got %d"
                                % (MAX_FILTER_VALUES, name, len(conds)))
        if name in STRING_FIELDS:
            comps = set()
            for c in conds:
                if c.get("Value") is None or c.get("Comparison") is None:
                    raise invalid_input("Invalid filter for %s: Value and "
                                        "Comparison are required" % name)
                if c["Comparison"] == "CONTAINS_WORD":
                    raise invalid_input("CONTAINS_WORD is only supported by "
                                        "GetFindingsV2")
                comps.add(c["Comparison"])
            if "EQUALS" in comps and comps & {"NOT_EQUALS",
                                              "PREFIX_NOT_EQUALS"}:
                raise invalid_input(
                    "Invalid filter for %s: EQUALS cannot be combined with "
                    "NOT_EQUALS or PREFIX_NOT_EQUALS" % name)
            for only in ("CONTAINS", "NOT_CONTAINS"):
                if only in comps and comps != {only}:
                    raise invalid_input(
                        "Invalid filter for %s: %s filters can only be "
                        "combined with other %s filters" % (name, only, only))
        elif name in DATE_FIELDS:
            for c in conds:
                if c.get("DateRange"):
                    dr = c["DateRange"]
                    if dr.get("Value") is None or dr.get("Unit") != "DAYS":
                        raise invalid_input("Invalid DateRange for %s"
                                            % name)
                elif not (c.get("Start") or c.get("End")):
                    raise invalid_input("Invalid DateFilter for %s: Start/End "
                                        "or DateRange required" % name)
                for k in ("Start", "End"):
                    if c.get(k) is not None:
                        try:
                            parse_iso(c[k])
                        except ValueError:
                            raise invalid_input("Invalid date %r for %s.%s"
                                                % (c[k], name, k))
        elif name in NUMBER_FIELDS or name in MAP_FIELDS:
            pass
        else:
            raise invalid_input("fakeaws does not implement the filter "
                                "attribute %s" % name)


def _string_ok(values, conds):
    pos = [c for c in conds if c["Comparison"] in POSITIVE]
    neg = [c for c in conds if c["Comparison"] in NEGATIVE]
    values = [v for v in values if isinstance(v, str)]

    def hit(v, c):
        comp, want = c["Comparison"], c["Value"]
        if comp in ("EQUALS", "NOT_EQUALS"):
            return v == want
        if comp in ("PREFIX", "PREFIX_NOT_EQUALS"):
            return v.startswith(want)
        return want in v
    if pos and not any(hit(v, c) for c in pos for v in values):
        return False
    for c in neg:
        if any(hit(v, c) for v in values):
            return False
    return True


def _date_ok(values, conds, now):
    def one(c, t):
        if c.get("DateRange"):
            return t >= now - c["DateRange"]["Value"] * 86400
        if c.get("Start") and t < parse_iso(c["Start"]):
            return False
        if c.get("End") and t > parse_iso(c["End"]):
            return False
        return True
    ts = [parse_iso(v) for v in values]
    return any(one(c, t) for c in conds for t in ts)


def _number_ok(values, conds):
    ops = {"Gte": lambda a, b: a >= b, "Lte": lambda a, b: a <= b,
           "Eq": lambda a, b: a == b, "Gt": lambda a, b: a > b,
           "Lt": lambda a, b: a < b}
    return any(all(ops[k](v, b) for k, b in c.items() if b is not None)
               for c in conds for v in values)


def _map_ok(m, conds):
    m = m or {}
    for c in conds:
        v = m.get(c.get("Key"))
        comp, want = c.get("Comparison"), c.get("Value")
        if comp == "EQUALS" and v != want:
            return False
        if comp == "NOT_EQUALS" and v == want:
            return False
        if comp == "CONTAINS" and (v is None or want not in v):
            return False
        if comp == "NOT_CONTAINS" and v is not None and want in v:
            return False
    return True


def finding_matches(f, filters):
    now = time.time()
    for name, conds in filters.items():
        if not conds:
            continue
        if name in STRING_FIELDS:
            ok = _string_ok(STRING_FIELDS[name](f), conds)
        elif name in DATE_FIELDS:
            ok = _date_ok(_v(f, DATE_FIELDS[name]), conds, now)
        elif name in NUMBER_FIELDS:
            ok = _number_ok(_v(f, *NUMBER_FIELDS[name]), conds)
        else:
            ok = _map_ok(f.get(MAP_FIELDS[name]), conds)
        if not ok:
            return False
    return True


def sort_findings(findings, criteria):
    """Stable multi-key sort; without SortCriteria: stored order."""
    for crit in reversed(criteria or []):
        field = crit.get("Field")
        if not field:
            continue
        if field in STRING_FIELDS:
            get = STRING_FIELDS[field]
        elif field in NUMBER_FIELDS:
            path = NUMBER_FIELDS[field]
            get = (lambda p: lambda f: _v(f, *p))(path)
        else:
            path = tuple(field.split("."))
            get = (lambda p: lambda f: _v(f, *p))(path)

        def key(f, get=get):
            vals = get(f)
            if not vals:
                return (0, "")
            v = vals[0]
            if field == "SeverityLabel":
                return (1, SEV_RANK.get(v, 0))
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                return (1, v)
            return (2, str(v))
        findings = sorted(findings, key=key,
                          reverse=crit.get("SortOrder") == "desc")
    return findings


# ------------------------------------------------------------- paging

def page_of(call, op, items, params, bound_to, default_max):
    key = request_key(params, bound_to)
    start = 0
    if params.get("NextToken"):
        try:
            start = read_token(params["NextToken"], op, key)
        except ApiError:
            raise invalid_input(MSG_TOKEN)
    size = params.get("MaxResults") or default_max
    if call.emptypage:
        return [], make_token(op, start, key)
    page = items[start:start + size]
    more = start + size < len(items)
    return page, (make_token(op, start + size, key) if more else None)


def with_token(out, token):
    if token:
        out["NextToken"] = token
    return out


def check_rate_limit(spec):
    if not isinstance(spec, dict):
        raise ValueError("securityhub.rate_limit: must be an object "
                         "{OP: [rate, burst]}")
    out = {}
    for op, v in spec.items():
        if not (isinstance(v, list) and len(v) == 2 and all(
                isinstance(x, (int, float)) and not isinstance(x, bool)
                and x > 0 for x in v)):
            raise ValueError("securityhub.rate_limit.%s: must be [rate per "
                             "second, burst]" % op)
        out[op] = (float(v[0]), float(v[1]))
    return out


# ------------------------------------------------------------- loading

def _std_defaults(s, where):
    if not isinstance(s, dict) or not isinstance(s.get("arn"), str):
        raise ValueError(where + ": a standard needs an arn")
    unknown = set(s) - {"arn", "name", "description", "controls",
                        "status", "subscribed", "enabled_by_default"}
    if unknown:
        raise ValueError("%s: unknown keys %s" % (where, sorted(unknown)))
    if not re.match(r"^arn:aws:securityhub:[a-z0-9-]*::(standards|ruleset)/",
                    s["arn"]):
        raise ValueError(where + ": arn must look like arn:aws:securityhub:"
                         "REGION::standards/... or ...:::ruleset/...")
    status = s.get("status", "READY")
    if status not in SUB_STATUSES:
        raise ValueError("%s: status must be one of %s" % (where,
                                                           SUB_STATUSES))
    return {"arn": s["arn"], "name": s.get("name") or standard_path(s["arn"]),
            "description": s.get("description") or
            "fakeaws standard %s" % standard_path(s["arn"]),
            "status": status, "subscribed": bool(s.get("subscribed", True)),
            "enabled_by_default": bool(s.get("enabled_by_default",
                                             "foundational" in s["arn"]))}


def load_region(region, body, account):
    where = "securityhub.%s" % region
    if not isinstance(body, dict):
        raise ValueError(where + ": must be an object")
    unknown = set(body) - REGION_KEYS
    if unknown:
        raise ValueError("%s: unknown keys %s" % (where, sorted(unknown)))
    st = RegionState(region)
    st.enabled = bool(body.get("enabled", True))
    st.mode = body.get("mode", "SECURITY_CONTROL")
    if st.mode not in MODES:
        raise ValueError("%s.mode: one of %s" % (where, MODES))
    st.subscribed_at = body.get("subscribed_at", DEFAULT_SUBSCRIBED)
    st.auto_enable = bool(body.get("auto_enable_controls", True))
    if "base_time" in body:
        try:
            st.base_time = parse_iso(body["base_time"])
        except ValueError:
            raise ValueError(where + ".base_time: not ISO 8601")
    st.base_time = float(int(st.base_time) // 3600 * 3600)
    stds = body.get("standards") or []
    if not isinstance(stds, list):
        raise ValueError(where + ".standards: must be a list")
    counts = {}
    for i, s in enumerate(stds):
        rec = _std_defaults(s, "%s.standards[%d]" % (where, i))
        st.standards[rec["arn"]] = rec
        counts[rec["arn"]] = s.get("controls")
    gen = body.get("generate")
    if gen is not None:
        generate(st, gen, counts, "%s.generate" % where)
    for i, c in enumerate(body.get("controls") or []):
        add_control(st, c, "%s.controls[%d]" % (where, i))
    for arn, ids in counts.items():   # explicit id lists on standards
        if isinstance(ids, list):
            for cid in ids:
                if cid not in st.controls:
                    add_control(st, {"id": cid}, where)
                if arn not in st.controls[cid]["standards"]:
                    st.controls[cid]["standards"].append(arn)
    set_disabled(st, body.get("disabled_controls") or [], True,
                 where + ".disabled_controls")
    set_assoc(st, body.get("disabled_associations") or [], True,
              where + ".disabled_associations")
    for i, f in enumerate(body.get("findings") or []):
        rec = normalize_finding(st, f, "%s.findings[%d]" % (where, i))
        st.findings[rec["id"]] = rec
    return st


def add_control(st, c, where):
    if not isinstance(c, dict) or not isinstance(c.get("id"), str):
        raise ValueError(where + ": a control needs an id")
    unknown = set(c) - {"id", "title", "severity", "description",
                        "standards", "status"}
    if unknown:
        raise ValueError("%s: unknown keys %s" % (where, sorted(unknown)))
    sev = c.get("severity", "MEDIUM")
    if sev not in SEVERITIES:
        raise ValueError("%s.severity: one of %s" % (where, SEVERITIES))
    old = st.controls.get(c["id"], {})
    stds = list(c.get("standards", old.get("standards", [])))
    for a in stds:
        if a not in st.standards:
            raise ValueError("%s: unknown standard %s" % (where, a))
    st.controls[c["id"]] = {
        "id": c["id"],
        "title": c.get("title") or old.get("title") or
        "%s resources should be configured securely" % c["id"],
        "severity": sev if "severity" in c else old.get("severity", sev),
        "description": c.get("description") or old.get("description") or
        "This control checks whether %s resources meet the fakeaws rule."
        % c["id"],
        "status": c.get("status", old.get("status", "ENABLED")),
        "standards": stds}


def set_disabled(st, ids, disabled, where):
    for cid in ids:
        if cid not in st.controls:
            raise ValueError("%s: unknown control %r" % (where, cid))
        st.controls[cid]["status"] = "DISABLED" if disabled else "ENABLED"
    st.version += 1


def set_assoc(st, pairs, disabled, where):
    for p in pairs:
        if not isinstance(p, dict) or st.assoc_status(
                p.get("control"), p.get("standard")) is None:
            raise ValueError("%s: %r is not an association {control, "
                             "standard} of this region" % (where, p))
        pair = (p["control"], p["standard"])
        if disabled:
            st.disabled_assoc.add(pair)
        else:
            st.disabled_assoc.discard(pair)
    st.version += 1


def normalize_finding(st, f, where, rng=None):
    if not isinstance(f, dict):
        raise ValueError(where + ": finding must be an object")
    unknown = set(f) - FINDING_KEYS
    if unknown:
        raise ValueError("%s: unknown finding keys %s" % (where,
                                                          sorted(unknown)))
    product = f.get("product", "securityhub")
    rec = {"product": product}
    if product == "securityhub":
        cid = f.get("control")
        if cid not in st.controls:
            raise ValueError("%s: unknown control %r" % (where, cid))
        rec["control"] = cid
        stds = f.get("standards", st.controls[cid]["standards"])
        for a in stds:
            if a not in st.controls[cid]["standards"]:
                raise ValueError("%s: control %s is not in standard %s"
                                 % (where, cid, a))
        rec["standards"] = list(stds)
        prefix = cid.split(".")[0]
        rec["resource_type"] = f.get("resource_type",
                                     RESOURCE_TYPES.get(prefix, "AwsAccount"))
    else:
        rec["control"] = None
        rec["standards"] = []
        rec["resource_type"] = f.get("resource_type", "AwsEc2Instance")
    rid = f.get("id")
    if rid is None:
        r = rng or random.Random(json.dumps(f, sort_keys=True))
        rid = str(uuid.UUID(int=r.getrandbits(128), version=4))
    rec["id"] = rid
    rec["resource"] = f.get("resource") or default_resource(
        rec["resource_type"], st.region, rid)
    rec["status"] = f.get("status", "PASSED")
    rec["workflow"] = f.get("workflow", "NEW")
    rec["record_state"] = f.get("record_state", "ACTIVE")
    for key, allowed in (("status", STATUSES), ("workflow", WORKFLOWS),
                         ("record_state", RECORD_STATES)):
        if rec[key] not in allowed:
            raise ValueError("%s.%s: one of %s" % (where, key, allowed))
    rec["updated_at"] = f.get("updated_at") or iso_ms(st.base_time)
    rec["created_at"] = f.get("created_at") or rec["updated_at"]
    for k in ("updated_at", "created_at"):
        try:
            parse_iso(rec[k])
        except ValueError:
            raise ValueError("%s.%s: not ISO 8601" % (where, k))
    sev = f.get("severity")
    if sev is not None and sev not in NORMALIZED:
        raise ValueError("%s.severity: one of %s" % (where, list(NORMALIZED)))
    if product != "securityhub":
        sev = sev or "MEDIUM"
    rec["severity"] = sev
    rec["title"] = f.get("title") or "Finding from %s" % product
    rec["types"] = f.get("types") or (
        ["Software and Configuration Checks/Industry and Regulatory "
         "Standards"] if product == "securityhub"
        else ["TTPs/Discovery/Recon:EC2-PortProbeUnprotectedPort"])
    return rec


def default_resource(rtype, region, seed):
    h = uuid.uuid5(uuid.NAMESPACE_URL, seed).hex
    if rtype == "AwsS3Bucket":
        return "arn:aws:s3:::secmond-fake-%s" % h[:12]
    if rtype == "AwsEc2Instance":
        return "arn:aws:ec2:%s:ACCOUNT:instance/i-%s" % (region, h[:17])
    if rtype == "AwsIamRole":
        return "arn:aws:iam::ACCOUNT:role/fake-role-%s" % h[:8]
    if rtype == "AwsAccount":
        return "AWS::::Account:ACCOUNT"
    return "arn:aws:%s:%s:ACCOUNT:fake/%s" % (
        rtype[3:].lower() or "x", region, h[:12])


# ------------------------------------------------------------- generating

def _fraction(gen, key, where):
    v = gen.get(key, 0)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or \
            not 0 <= v <= 1:
        raise ValueError("%s.%s: a fraction 0..1" % (where, key))
    return float(v)


def generate(st, gen, counts, where):
    """A deterministic estate from gen (see README)."""
    if not isinstance(gen, dict) or set(gen) - GEN_KEYS:
        raise ValueError("%s: keys must be among %s" % (where,
                                                        sorted(GEN_KEYS)))
    rng = random.Random(gen.get("seed", 1))
    arns = list(st.standards)
    if not arns:
        raise ValueError(where + ": needs standards with a controls count")
    sizes = {}
    for a in arns:
        n = counts.get(a)
        if not isinstance(n, int) or n < 1:
            raise ValueError("%s: standard %s needs \"controls\": N"
                             % (where, a))
        sizes[a] = n
    total = gen.get("controls_total", max(sizes.values()))
    if not isinstance(total, int) or total < max(sizes.values()) or \
            total > sum(sizes.values()):
        raise ValueError("%s.controls_total: between the largest standard "
                         "(%d) and the sum of all (%d)"
                         % (where, max(sizes.values()), sum(sizes.values())))
    # catalogue: S3.1, EC2.1, IAM.1, ..., S3.2, ...
    ids = ["%s.%d" % (PREFIXES[i % len(PREFIXES)], i // len(PREFIXES) + 1)
           for i in range(total)]
    sev_w = [("LOW", 3), ("MEDIUM", 4), ("HIGH", 2.5), ("CRITICAL", 0.5)]
    for i, cid in enumerate(ids):
        sev = rng.choices([s for s, _ in sev_w], [w for _, w in sev_w])[0]
        title = "%s resources should follow fakeaws rule %d" % (
            cid.split(".")[0], i + 1)
        if i == 1:
            title = "EC2 \u201csecurity groups\u201d should not allow " \
                    "0.0.0.0/0 \u2192 port 22 (caf\u00e9 \"quoted\")"
        st.controls[cid] = {"id": cid, "title": title, "severity": sev,
                            "description": "Generated control %s." % cid,
                            "status": "ENABLED", "standards": []}
    # every control in >= 1 standard, each standard exactly its size
    members = {a: set() for a in arns}
    order = ids[:]
    rng.shuffle(order)
    for cid in order:
        room = [a for a in arns if len(members[a]) < sizes[a]]
        members[rng.choice(room)].add(cid)
    for a in arns:
        rest = [c for c in ids if c not in members[a]]
        members[a].update(rng.sample(rest, sizes[a] - len(members[a])))
    for cid in ids:
        st.controls[cid]["standards"] = [a for a in arns if cid in members[a]]
    # disabled controls / associations
    dis = gen.get("disabled_controls", [])
    if isinstance(dis, int):
        dis = rng.sample(ids, dis)
    set_disabled(st, dis, True, where + ".disabled_controls")
    da = gen.get("disabled_associations", [])
    if isinstance(da, int):
        multi = [c for c in ids if len(st.controls[c]["standards"]) > 1
                 and c not in dis]
        da = [{"control": c, "standard": rng.choice(
            st.controls[c]["standards"])} for c in rng.sample(multi, da)]
    set_assoc(st, da, True, where + ".disabled_associations")
    # controls with data
    candidates = [c for c in ids if c not in dis]
    nodata = set(rng.sample(candidates, gen.get("no_data_controls", 0)))
    with_data = [c for c in ids if c not in nodata]
    n = gen.get("findings", len(with_data))
    if n < len(with_data):
        raise ValueError("%s.findings: at least one per control with data "
                         "(%d)" % (where, len(with_data)))
    per = {c: 1 for c in with_data}
    weights = [rng.random() ** 2 + 0.05 for _ in with_data]
    for c in rng.choices(with_data, weights, k=n - len(with_data)):
        per[c] += 1
    f_fail = _fraction(gen, "failed_fraction", where)
    f_warn = _fraction(gen, "warning_fraction", where)
    f_na = _fraction(gen, "not_available_fraction", where)
    f_sup = _fraction(gen, "suppressed_fraction", where)
    f_arc = _fraction(gen, "archived_fraction", where)
    dis_active = _fraction(gen, "disabled_active_findings", where) \
        if "disabled_active_findings" in gen else 0.5
    span = 3 * 86400
    for cid in with_data:
        failing = rng.random() < f_fail
        for k in range(per[cid]):
            r = rng.random()
            if failing and (k == 0 or rng.random() < 0.5):
                status = "FAILED"
            elif r < f_warn:
                status = "WARNING"
            elif r < f_warn + f_na:
                status = "NOT_AVAILABLE"
            else:
                status = "PASSED"
            workflow = "SUPPRESSED" if rng.random() < f_sup else (
                "RESOLVED" if status == "PASSED" else "NEW")
            record = "ARCHIVED" if rng.random() < f_arc else "ACTIVE"
            if cid in dis and rng.random() >= dis_active:
                record = "ARCHIVED"
            t = st.base_time - rng.random() * span
            rec = normalize_finding(st, {
                "control": cid, "status": status, "workflow": workflow,
                "record_state": record, "updated_at": iso_ms(t),
                "created_at": iso_ms(t - 86400 * rng.randint(1, 60))},
                where, rng)
            st.findings[rec["id"]] = rec
    for k in range(gen.get("other_findings", 0)):
        t = st.base_time - rng.random() * span
        rec = normalize_finding(st, {
            "product": "guardduty", "severity": rng.choice(
                ["LOW", "MEDIUM", "HIGH"]), "updated_at": iso_ms(t),
            "title": "GuardDuty finding %d" % k}, where, rng)
        st.findings[rec["id"]] = rec
    st.version += 1


# ------------------------------------------------------------- steps

def apply_region_step(st, ch, where, account):
    if not isinstance(ch, dict) or set(ch) - STEP_KEYS:
        raise ValueError("%s: keys must be among %s" % (where,
                                                        sorted(STEP_KEYS)))
    now = iso_ms(time.time())
    if "enabled" in ch:
        st.enabled = bool(ch["enabled"])
    if "mode" in ch:
        if ch["mode"] not in MODES:
            raise ValueError("%s.mode: one of %s" % (where, MODES))
        st.mode = ch["mode"]
    for arn, status in (ch.get("standards_status") or {}).items():
        if arn not in st.standards or status not in SUB_STATUSES:
            raise ValueError("%s.standards_status: %s -> %s" % (where, arn,
                                                                status))
        st.standards[arn]["status"] = status
    for i, f in enumerate(ch.get("add", [])):
        rec = normalize_finding(st, f, "%s.add[%d]" % (where, i))
        st.findings[rec["id"]] = rec
    for i, u in enumerate(ch.get("update", [])):
        if not isinstance(u, dict) or u.get("id") not in st.findings:
            raise ValueError("%s.update[%d]: needs the id of a finding"
                             % (where, i))
        old = st.findings[u["id"]]
        merged = {"id": old["id"], "product": old["product"],
                  "resource": old["resource"],
                  "resource_type": old["resource_type"],
                  "status": old["status"], "workflow": old["workflow"],
                  "record_state": old["record_state"],
                  "created_at": old["created_at"], "title": old["title"],
                  "types": old["types"], "updated_at": now}
        if old["product"] == "securityhub":
            merged.update(control=old["control"], standards=old["standards"])
        if old["severity"]:
            merged["severity"] = old["severity"]
        merged.update(u)
        st.findings[u["id"]] = normalize_finding(st, merged, where)
    for i, s in enumerate(ch.get("set_status", [])):
        cid = s.get("control") if isinstance(s, dict) else None
        recs = [r for r in st.findings.values() if r["control"] == cid
                and r["record_state"] == "ACTIVE"
                and r["workflow"] != "SUPPRESSED"]
        if s.get("resource"):
            recs = [r for r in recs if r["resource"] == s["resource"]]
        if not recs or s.get("status") not in STATUSES:
            raise ValueError("%s.set_status[%d]: needs a control with an "
                             "active finding and a status" % (where, i))
        recs[0]["status"] = s["status"]
        recs[0]["updated_at"] = now
    for key, field, value in (("archive", "record_state", "ARCHIVED"),
                              ("unarchive", "record_state", "ACTIVE"),
                              ("suppress", "workflow", "SUPPRESSED"),
                              ("unsuppress", "workflow", "NEW")):
        for fid in ch.get(key, []):
            if fid not in st.findings:
                raise ValueError("%s.%s: no finding %r" % (where, key, fid))
            st.findings[fid][field] = value
            st.findings[fid]["updated_at"] = now
    for fid in ch.get("remove", []):
        if fid not in st.findings:
            raise ValueError("%s.remove: no finding %r" % (where, fid))
        del st.findings[fid]
    set_disabled(st, ch.get("disable_controls", []), True, where)
    set_disabled(st, ch.get("enable_controls", []), False, where)
    set_assoc(st, ch.get("disable_associations", []), True, where)
    set_assoc(st, ch.get("enable_associations", []), False, where)
    st.version += 1
