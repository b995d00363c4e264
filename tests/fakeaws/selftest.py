#!/usr/bin/env python3
"""Self-test of the fake AWS server (plain unittest, no network).

Owns: checks that the fake itself is right, so that failures in secmond's
tests point at secmond: SigV4 verification against botocore-signed
requests (paths with %3A, query values with '+', '/', '=' sent as %2B %2F
%3D, tampering, expiry, session tokens, AWS's own test vector), the
GuardDuty operations through a real botocore client (criteria, sorting,
pagination, validation), the faults, the admin API and the HTTP framing
(keep-alive, Expect: 100-continue, chunked bodies), and the credential
side: STS (GetCallerIdentity, AssumeRole, AssumeRoleWithWebIdentity),
per-account state, expiry, IMDSv2 and the container endpoint; SNS Publish
(validation, FIFO deduplication, the message record, probability and
accept_then_reset faults); CloudWatch ListMetrics (filters, pages of 500,
both protocols), metric series (spikes, sums across periods) and scripted
answers.

Run: python3 tests/fakeaws/selftest.py [-v]
"""

import copy
import datetime
import http.client
import json
import os
import socket
import sys
import tempfile
import threading
import time
import unittest
import unittest.mock
from xml.etree import ElementTree
from email.message import Message

os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
for _v in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL",
           "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
    os.environ.pop(_v, None)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # keep tests/fakeaws free of __pycache__
sys.path.insert(0, HERE)

import botocore.session  # noqa: E402
from botocore.auth import SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

import fakeaws  # noqa: E402
import scenario as scenariolib  # noqa: E402
import sigv4check  # noqa: E402
import svc_cloudwatch  # noqa: E402
import svc_securityhub  # noqa: E402
import svc_sns  # noqa: E402
import faults as faultlib  # noqa: E402

AKID, SECRET = "AKIDSECMONFAKE0000001", "fake/secret+key=for/tests"
AKID2, SECRET2, TOKEN2 = ("AKIDSECMONFAKE0000002", "another/fake+secret=key",
                          "FAKE//SESSION+TOKEN==")
DET = "12abc34d567e8fa901bc2d34e56789f0"
TOKEN_VALUE = "ab+cd/ef=="


def _finding(i, **kw):
    f = {"id": "f%031d" % i, "type": "Recon:EC2/PortProbeUnprotectedPort",
         "severity": [2.0, 5.0, 7.5, 9.0][i % 4], "title": "finding %d" % i,
         "updatedAt": "2026-11-20T10:%02d:00.000Z" % i, "archived": i % 5 == 0,
         "count": 1}
    f.update(kw)
    return f


SCENARIO = {
    "credentials": [
        {"access_key_id": AKID, "secret_access_key": SECRET,
         "session_token": None, "account_id": "111122223333"},
        {"access_key_id": AKID2, "secret_access_key": SECRET2,
         "session_token": TOKEN2, "account_id": "444455556666"}],
    "guardduty": {
        "us-east-1": {"detectors": [DET],
                      "findings": [_finding(i) for i in range(12)] + [
                          _finding(12, type="UnauthorizedAccess:IAMUser/"
                                   "ConsoleLoginSuccess.B", severity=8.0)]},
        "eu-west-1": {"detectors": ["d%031d" % i for i in range(5)],
                      "findings": []}},
    "steps": [{"guardduty": {"us-east-1": {
        "add": [_finding(20, severity=6.0, archived=False)],
        "update": [{"id": "f%031d" % 1, "severity": 8.5}],
        "archive": ["f%031d" % 2]}}}],
}


def headers_of(pairs):
    msg = Message()
    for k, v in pairs:
        msg[k] = v
    return msg


def sign(method, url, body=b"", headers=None, akid=AKID, secret=SECRET,
         token=None, region="us-east-1", service="guardduty"):
    """A botocore-signed AWSRequest (prepared)."""
    req = AWSRequest(method=method, url=url, data=body,
                     headers=dict(headers or {}))
    SigV4Auth(Credentials(akid, secret, token), service, region).add_auth(req)
    return req


def verify_request(req, raw_path=None, raw_query=None, body=None,
                   now=None, creds=None):
    """Run sigv4check.verify on a signed AWSRequest as the server would."""
    from urllib.parse import urlsplit
    u = urlsplit(req.url)
    hdrs = dict(req.headers.items())
    hdrs.setdefault("Host", u.netloc)
    return sigv4check.verify(
        req.method, raw_path if raw_path is not None else u.path,
        raw_query if raw_query is not None else u.query,
        headers_of(hdrs.items()), req.body if body is None else body,
        creds or {AKID: {"secret_access_key": SECRET},
                  AKID2: {"secret_access_key": SECRET2,
                          "session_token": TOKEN2}}, now)


class SigV4Tests(unittest.TestCase):
    """sigv4check against requests signed by botocore."""

    def test_aws_notes_vector(self):
        """The CloudWatch vector of AWS-NOTES section 1."""
        sig = sigv4check.compute_signature(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "POST",
            "monitoring.us-east-1.amazonaws.com", "/", "",
            [("content-type", "application/x-amz-json-1.0"),
             ("host", "monitoring.us-east-1.amazonaws.com"),
             ("x-amz-date", "20150830T123600Z"),
             ("x-amz-security-token", "TOKEN"),
             ("x-amz-target",
              "GraniteServiceVersion20100801.DescribeAlarms")],
            b'{"StateValue":"ALARM"}', "20150830T123600Z", "us-east-1",
            "monitoring")
        self.assertEqual(sig, "cae7aeeb3836ba49f31afc558103478c7af01ef8e2888"
                              "76d646c97363e149a8e")

    def test_post_json_ok(self):
        req = sign("POST", "http://127.0.0.1:4566/detector/%s/findings" % DET,
                   b'{"maxResults":5}', {"Content-Type": "application/json"})
        self.assertEqual(verify_request(req).outcome, "ok")

    def test_path_with_percent_3a(self):
        path = ("/standards/controls/arn%3Aaws%3Asecurityhub%3Aus-east-1"
                "%3A111122223333%3Acontrol%2Fcis%2F1.1")
        req = sign("GET", "http://127.0.0.1:4566" + path)
        res = verify_request(req)
        self.assertEqual(res.outcome, "ok", res.message)
        # the same path sent decoded is a different canonical URI
        res = verify_request(req, raw_path=path.replace("%3A", ":"))
        self.assertEqual(res.outcome, "bad")

    def test_query_with_plus_slash_equals(self):
        url = "http://127.0.0.1:4566/detector?maxResults=1&nextToken=ab%2Bcd%2Fef%3D%3D"
        req = sign("GET", url)
        self.assertEqual(verify_request(req).outcome, "ok")
        # lowercase hex is the same value, hence the same signature
        res = verify_request(req, raw_query="maxResults=1&nextToken=ab%2bcd"
                                            "%2fef%3d%3d")
        self.assertEqual(res.outcome, "ok")
        # raw '+' is a space: not what was signed
        res = verify_request(req, raw_query="maxResults=1&nextToken=ab+cd"
                                            "%2Fef%3D%3D")
        self.assertEqual(res.outcome, "bad")
        self.assertEqual(res.error, "mismatch")

    def test_tampered(self):
        req = sign("POST", "http://127.0.0.1:4566/detector/%s/findings" % DET,
                   b'{"maxResults":5}', {"Content-Type": "application/json"})
        self.assertEqual(verify_request(req, body=b'{"maxResults":6}').outcome,
                         "bad")
        self.assertEqual(verify_request(
            req, raw_path="/detector/%s/findings/get" % DET).outcome, "bad")
        self.assertEqual(verify_request(req, raw_query="x=1").outcome, "bad")

    def test_wrong_secret_unknown_key_missing(self):
        req = sign("GET", "http://127.0.0.1:4566/detector", secret="wrong")
        res = verify_request(req)
        self.assertEqual((res.outcome, res.error), ("bad", "mismatch"))
        req = sign("GET", "http://127.0.0.1:4566/detector",
                   akid="AKIDSECMONFAKE0000099")
        self.assertEqual(verify_request(req).outcome, "unknown-key")
        req = AWSRequest(method="GET", url="http://127.0.0.1:4566/detector")
        self.assertEqual(verify_request(req).outcome, "missing")

    def test_expired_and_future(self):
        req = sign("GET", "http://127.0.0.1:4566/detector")
        now = datetime.datetime.now(datetime.timezone.utc)
        for delta in (16, -16):
            res = verify_request(req, now=now + datetime.timedelta(minutes=delta))
            self.assertEqual(res.error, "expired")
            self.assertIn("Signature", res.message)
        res = verify_request(req, now=now + datetime.timedelta(minutes=14))
        self.assertEqual(res.outcome, "ok")

    def test_session_token(self):
        url = "http://127.0.0.1:4566/detector"
        self.assertEqual(verify_request(sign("GET", url, akid=AKID2,
                                             secret=SECRET2, token=TOKEN2)
                                        ).outcome, "ok")
        res = verify_request(sign("GET", url, akid=AKID2, secret=SECRET2))
        self.assertEqual(res.error, "token")
        res = verify_request(sign("GET", url, akid=AKID2, secret=SECRET2,
                                  token="other"))
        self.assertEqual(res.error, "token")


class FakeServer:
    """The fake on an ephemeral port, in this process."""

    def __init__(self, sc=SCENARIO):
        self.dir = tempfile.TemporaryDirectory()
        path = os.path.join(self.dir.name, "scenario.json")
        with open(path, "w") as fh:
            json.dump(sc, fh)
        self.fake = fakeaws.FakeAWS(scenariolib.load(path))
        self.server = fakeaws.Server(("127.0.0.1", 0), fakeaws.Handler)
        self.server.fake = self.fake
        self.port = self.server.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.dir.cleanup()

    def admin(self, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request(method, path, json.dumps(body) if body is not None
                     else None)
        resp = conn.getresponse()
        data = json.loads(resp.read() or b"null")
        conn.close()
        return resp.status, data

    def client(self, akid=AKID, secret=SECRET, token=None, region="us-east-1",
               validate=True):
        sess = botocore.session.get_session()
        return sess.create_client(
            "guardduty", region_name=region, endpoint_url=self.url,
            aws_access_key_id=akid, aws_secret_access_key=secret,
            aws_session_token=token,
            config=Config(retries={"total_max_attempts": 1},
                          parameter_validation=validate,
                          connect_timeout=5, read_timeout=10))

    def raw(self, method, path, body=b"", extra=None, region="us-east-1"):
        """A botocore-signed request sent with http.client: (status,
        headers, body)."""
        headers = {"Content-Type": "application/json"} if body else {}
        headers.update(extra or {})
        req = sign(method, self.url + path, body, headers, region=region)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request(method, path, body or None, dict(req.headers.items()))
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, resp, data


class ServerTests(unittest.TestCase):

    def setUp(self):
        self.srv = FakeServer()
        self.gd = self.srv.client()

    def tearDown(self):
        self.srv.close()

    def state(self, region="us-east-1"):
        return self.srv.admin("GET", "/_fake/state")[1]["guardduty"][region]

    def list_all(self, **kw):
        pag = self.gd.get_paginator("list_findings")
        ids = []
        for page in pag.paginate(DetectorId=DET, **kw):
            ids += page["FindingIds"]
        return ids

    def code(self, ctx):
        return ctx.exception.response["Error"]["Code"]

    # -- operations

    def test_list_detectors(self):
        self.assertEqual(self.gd.list_detectors()["DetectorIds"], [DET])
        eu = self.srv.client(region="eu-west-1")
        ids = []
        for page in eu.get_paginator("list_detectors").paginate(
                PaginationConfig={"PageSize": 2}):
            ids += page["DetectorIds"]
        self.assertEqual(ids, ["d%031d" % i for i in range(5)])
        log = self.srv.admin("GET", "/_fake/requests")[1]
        queries = [r["raw_query"] for r in log if r["region"] == "eu-west-1"]
        self.assertTrue(any("%2B" in q and "%2F" in q and "%3D" in q
                            for q in queries), queries)

    def test_list_findings_pages(self):
        ids = self.list_all(PaginationConfig={"PageSize": 4})
        self.assertEqual(ids, [f["id"] for f in self.state()["findings"]])
        log = self.srv.admin("GET", "/_fake/requests")[1]
        self.assertEqual(len(log), 4)
        token = log[1]["params"]["nextToken"]
        for ch in "+/=":
            self.assertIn(ch, token)

    def test_criteria(self):
        st = self.state()["findings"]
        crit = {"Criterion": {"service.archived": {"Equals": ["false"]},
                              "severity": {"GreaterThanOrEqual": 7}}}
        want = [f["id"] for f in st if not f["service"]["archived"]
                and f["severity"] >= 7]
        self.assertEqual(self.list_all(FindingCriteria=crit), want)
        ms = 1795168800000 + 5 * 60000   # 2026-11-20T10:05:00Z
        crit = {"Criterion": {"updatedAt": {"GreaterThan": ms}}}
        self.assertEqual(self.list_all(FindingCriteria=crit),
                         ["f%031d" % i for i in range(6, 13)])
        crit = {"Criterion": {"severity": {"Gte": 9}}}
        self.assertEqual(len(self.list_all(FindingCriteria=crit)), 3)
        crit = {"Criterion": {"type": {"NotEquals": [
            "Recon:EC2/PortProbeUnprotectedPort"]}}}
        self.assertEqual(self.list_all(FindingCriteria=crit), ["f%031d" % 12])
        crit = {"Criterion": {"accountId": {"Equals": ["111122223333"]},
                              "region": {"Equals": ["us-east-1"]},
                              "resource.resourceType": {"Equals": ["AccessKey"]}}}
        self.assertEqual(self.list_all(FindingCriteria=crit), ["f%031d" % 12])

    def test_sort(self):
        ids = self.list_all(SortCriteria={"AttributeName": "updatedAt",
                                          "OrderBy": "DESC"})
        self.assertEqual(ids, ["f%031d" % i for i in reversed(range(13))])

    def test_get_findings(self):
        ids = ["f%031d" % 3, "f%031d" % 1, "nope"]
        out = self.gd.get_findings(DetectorId=DET, FindingIds=ids)["Findings"]
        self.assertEqual([f["Id"] for f in out], ids[:2])
        f = out[0]
        self.assertEqual(f["AccountId"], "111122223333")
        self.assertEqual(f["Service"]["DetectorId"], DET)
        self.assertEqual(f["SchemaVersion"], "2.0")
        self.assertEqual(f["Resource"]["ResourceType"], "Instance")

    def test_statistics(self):
        out = self.gd.get_findings_statistics(
            DetectorId=DET, FindingStatisticTypes=["COUNT_BY_SEVERITY"])
        counts = out["FindingStatistics"]["CountBySeverity"]
        self.assertEqual(sum(counts.values()), 13)
        self.assertEqual(counts["8.0"], 1)
        out = self.gd.get_findings_statistics(
            DetectorId=DET, GroupBy="SEVERITY", FindingCriteria={
                "Criterion": {"service.archived": {"Equals": ["false"]}}})
        groups = out["FindingStatistics"]["GroupedBySeverity"]
        self.assertEqual(sum(g["TotalFindings"] for g in groups), 10)
        with self.assertRaises(ClientError) as ctx:
            self.gd.get_findings_statistics(DetectorId=DET)
        self.assertEqual(self.code(ctx), "BadRequestException")

    def test_validation(self):
        lax = self.srv.client(validate=False)
        for call in (
                lambda: self.gd.list_findings(DetectorId="unknown"),
                lambda: lax.list_findings(DetectorId=DET, MaxResults=51),
                lambda: lax.list_findings(DetectorId=DET, MaxResults="5"),
                lambda: lax.get_findings(DetectorId=DET,
                                         FindingIds=["x"] * 51),
                lambda: self.gd.list_findings(DetectorId=DET,
                                              NextToken="bm90LW91cnM="),
                lambda: self.gd.list_findings(DetectorId=DET, FindingCriteria={
                    "Criterion": {"nosuchfield": {"Equals": ["x"]}}}),
                lambda: self.gd.list_findings(DetectorId=DET, FindingCriteria={
                    "Criterion": {"updatedAt": {"Gte": 1795168800000}}})):
            with self.assertRaises(ClientError) as ctx:
                call()
            self.assertEqual(self.code(ctx), "BadRequestException")
            self.assertEqual(ctx.exception.response["ResponseMetadata"]
                             ["HTTPStatusCode"], 400)
        st, resp, body = self.srv.raw(
            "POST", "/detector/%s/findings" % DET, b'{"maxResult": 5}')
        self.assertEqual(st, 400)
        self.assertEqual(resp.getheader("x-amzn-ErrorType").split(":")[0],
                         "BadRequestException")
        self.assertIn("maxResult", json.loads(body)["message"])
        st, _, body = self.srv.raw("POST", "/detector/%s/findings" % DET,
                                   b'{"maxResults": 5')
        self.assertEqual(st, 400)

    def test_percent_3a_detector_and_unknown_route(self):
        st, _, body = self.srv.raw("POST", "/detector/abc%3Adef/findings",
                                   b"{}")
        self.assertEqual(st, 400)   # signature fine, detector unknown
        self.assertIn("detectorId", json.loads(body)["message"])
        log = self.srv.admin("GET", "/_fake/requests")[1]
        self.assertEqual(log[-1]["signature"], "ok")
        st, resp, body = self.srv.raw("GET", "/nosuch")
        self.assertEqual(st, 404)
        self.assertEqual(json.loads(body)["__type"], "UnknownOperationException")

    def test_auth_errors(self):
        for kw, code in (({"secret": "wrong"}, "InvalidSignatureException"),
                         ({"akid": "AKIDSECMONFAKE0000099"},
                          "UnrecognizedClientException"),
                         ({"akid": AKID2, "secret": SECRET2},
                          "UnrecognizedClientException")):
            with self.assertRaises(ClientError) as ctx:
                self.srv.client(**kw).list_detectors()
            self.assertEqual(self.code(ctx), code)
        ok = self.srv.client(akid=AKID2, secret=SECRET2, token=TOKEN2)
        out = ok.get_findings(DetectorId=DET, FindingIds=["f%031d" % 0])
        self.assertEqual(out["Findings"][0]["AccountId"], "444455556666")
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port)
        conn.request("GET", "/detector")
        resp = conn.getresponse()
        self.assertEqual(resp.status, 403)
        self.assertEqual(json.loads(resp.read())["__type"],
                         "MissingAuthenticationTokenException")
        conn.close()

    # -- steps and admin

    def test_steps(self):
        st, out = self.srv.admin("POST", "/_fake/step")
        self.assertEqual((st, out), (200, {"step": 1}))
        findings = {f["id"]: f for f in self.state()["findings"]}
        self.assertEqual(findings["f%031d" % 1]["severity"], 8.5)
        self.assertEqual(findings["f%031d" % 1]["service"]["count"], 2)
        self.assertTrue(findings["f%031d" % 2]["service"]["archived"])
        self.assertIn("f%031d" % 20, findings)
        self.assertEqual(self.srv.admin("POST", "/_fake/step")[0], 409)

    def test_requests_log_clear(self):
        self.gd.list_detectors()
        log = self.srv.admin("GET", "/_fake/requests")[1]
        self.assertEqual([(r["service"], r["op"], r["status"], r["signature"])
                          for r in log],
                         [("guardduty", "ListDetectors", 200, "ok")])
        self.srv.admin("DELETE", "/_fake/requests")
        self.assertEqual(self.srv.admin("GET", "/_fake/requests")[1], [])

    # -- faults

    def fault(self, **kw):
        spec = {"service": "guardduty"}
        spec.update(kw)
        st, out = self.srv.admin("POST", "/_fake/faults", spec)
        self.assertEqual(st, 200, out)

    def test_fault_status_times_after(self):
        self.fault(op="ListDetectors", kind="status", status=429,
                   code="TooManyRequestsException", times=2, after=1)
        self.gd.list_detectors()
        for _ in range(2):
            with self.assertRaises(ClientError) as ctx:
                self.gd.list_detectors()
            self.assertEqual(self.code(ctx), "TooManyRequestsException")
        self.gd.list_detectors()
        self.fault(op="ListDetectors", kind="status", status=500, times=-1)
        for _ in range(3):
            with self.assertRaises(ClientError):
                self.gd.list_detectors()
        self.srv.admin("DELETE", "/_fake/faults")
        self.gd.list_detectors()

    def test_fault_connection_kinds(self):
        for kind in ("reset", "truncate"):
            self.fault(op="ListDetectors", kind=kind)
            with self.assertRaises(Exception, msg=kind):
                self.gd.list_detectors()
            self.gd.list_detectors()
        for kind in ("malformed", "badutf8"):
            self.fault(op="ListDetectors", kind=kind)
            st, _, body = self.srv.raw("GET", "/detector")
            self.assertEqual(st, 200)
            with self.assertRaises(ValueError, msg=kind):
                json.loads(body)
        self.assertIn(b"\xff", body)
        self.assertEqual(self.srv.admin("GET", "/_fake/faults")[1], [])

    def test_fault_oversize_delay(self):
        self.fault(op="ListDetectors", kind="oversize", bytes=100000)
        st, resp, body = self.srv.raw("GET", "/detector")
        self.assertEqual((st, len(body)), (200, 100000))
        self.assertEqual(json.loads(body)["detectorIds"], [DET])
        self.fault(op="ListDetectors", kind="delay", seconds=0.3)
        t0 = time.monotonic()
        self.gd.list_detectors()
        self.assertGreaterEqual(time.monotonic() - t0, 0.3)

    def test_fault_wait(self):
        st, out = self.srv.admin("POST", "/_fake/faults", {
            "service": "guardduty", "op": "ListDetectors", "kind": "status",
            "status": 500, "times": 1})
        fid = out["id"]
        st, out = self.srv.admin("GET", f"/_fake/faults/wait?id={fid}"
                                 "&timeout=0.1")
        self.assertEqual((st, out["hits"]), (408, 0))
        with self.assertRaises(ClientError):
            self.gd.list_detectors()
        # Used up and gone, its hits still count.
        st, out = self.srv.admin("GET", f"/_fake/faults/wait?id={fid}")
        self.assertEqual((st, out["hits"]), (200, 1))
        st, _ = self.srv.admin("GET", "/_fake/faults/wait?id=x")
        self.assertEqual(st, 400)

    def test_fault_emptypage(self):
        self.fault(op="ListFindings", kind="emptypage")
        first = self.gd.list_findings(DetectorId=DET, MaxResults=50)
        self.assertEqual(first["FindingIds"], [])
        self.assertTrue(first["NextToken"])
        self.assertEqual(len(self.list_all()), 13)

    # -- HTTP framing

    def test_keepalive_expect_chunked(self):
        body = b'{"maxResults": 3}'
        req = sign("POST", self.srv.url + "/detector/%s/findings" % DET, body,
                   {"Content-Type": "application/json"})
        sock = socket.create_connection(("127.0.0.1", self.srv.port), 5)
        head = "POST /detector/%s/findings HTTP/1.1\r\n" % DET
        for k, v in req.headers.items():
            head += "%s: %s\r\n" % (k, v)
        head += "Host: 127.0.0.1:%d\r\n" % self.srv.port
        head += "Content-Length: %d\r\nExpect: 100-continue\r\n\r\n" % len(body)
        sock.sendall(head.encode())
        f = sock.makefile("rb")
        self.assertIn(b"100 Continue", f.readline())
        self.assertEqual(f.readline(), b"\r\n")
        sock.sendall(body)
        status, data = read_response(f)
        self.assertEqual((status, len(json.loads(data)["findingIds"])),
                         (200, 3))
        # second request on the same connection, chunked body
        head = head.replace("Content-Length: %d\r\nExpect: 100-continue"
                            % len(body), "Transfer-Encoding: chunked")
        sock.sendall(head.encode() + b"%x\r\n%s\r\n0\r\n\r\n"
                     % (len(body), body))
        status, data = read_response(f)
        self.assertEqual((status, len(json.loads(data)["findingIds"])),
                         (200, 3))
        sock.close()


# ------------------------------------------------------------ credentials

ACCT_A, ACCT_B = "444455556666", "777788889999"
ROLE_A = "arn:aws:iam::%s:role/secmond-readonly" % ACCT_A
ROLE_B = "arn:aws:iam::%s:role/secmond-readonly" % ACCT_B
ROLE_WEB = "arn:aws:iam::111122223333:role/secmond-eks"
WEB_TOKEN = "fake.web-identity.token"
CTR_PATH, CTR_TOKEN = "/v2/credentials/secmond-task", "ctr-auth-token"
DET_A = "a" * 32


def cred_scenario(**extra):
    sc = {
        "credentials": [{"access_key_id": AKID, "secret_access_key": SECRET,
                         "account_id": "111122223333"}],
        "roles": [
            {"arn": ROLE_A, "external_id": "secmond-ext-1",
             "max_session_duration": 43200, "trusted": ["111122223333"]},
            {"arn": ROLE_B},
            {"arn": ROLE_WEB}],
        "web_identity_tokens": [{"token": WEB_TOKEN, "subject": "sub-1",
                                 "roles": [ROLE_WEB]}],
        "imds": {"role": "secmond-instance"},
        "container": {"path": CTR_PATH, "authorization_token": CTR_TOKEN,
                      "role": "secmond-task"},
        "guardduty": {"us-east-1": {"detectors": [DET], "findings": [
            _finding(0)]}},
        "accounts": {ACCT_A: {"guardduty": {"us-east-1": {
            "detectors": [DET_A], "findings": [_finding(1), _finding(2)]}}}},
        "steps": [{"accounts": {ACCT_A: {"guardduty": {"us-east-1": {
            "add": [_finding(3)]}}}}}],
    }
    sc.update(extra)
    return sc


class IdentityUnitTests(unittest.TestCase):
    """identity.py and the scenario checks, without a server."""

    def load(self, sc):
        d = tempfile.TemporaryDirectory()
        self.addCleanup(d.cleanup)
        path = os.path.join(d.name, "s.json")
        with open(path, "w") as fh:
            json.dump(sc, fh)
        return fakeaws.FakeAWS(scenariolib.load(path))

    def test_bad_scenarios(self):
        for bad in (
                {"roles": [{"arn": "arn:aws:iam::1:role/x"}]},
                {"roles": [{"arn": ROLE_A, "max_session_duration": 100}]},
                {"roles": [{"arn": ROLE_A, "typo": 1}]},
                {"roles": [{"arn": ROLE_A, "trusted": ["someone"]}]},
                {"web_identity_tokens": ["abc"]},
                {"credential_lifetime_seconds": 0},
                {"imds": {"role": "x", "allow_v1": "yes"}},
                {"container": {"path": "/latest/x", "role": "r"}},
                {"container": {"path": "/v2/x"}},
                {"accounts": {"12": {}}},
                {"accounts": {ACCT_A: {"nosuchservice": {}}}},
                {"accounts": {"111122223333": {"guardduty": {}}}},
                {"steps": [{"accounts": {ACCT_B: {"guardduty": {}}}}]},
                {"steps": [{"accounts": {ACCT_A: {"guardduty": {
                    "us-east-1": {"archive": ["nope"]}}}}}]}):
            with self.assertRaises(ValueError, msg=bad):
                self.load(cred_scenario(**bad))

    def test_base_account_in_accounts(self):
        sc = cred_scenario()
        sc["accounts"]["111122223333"] = {"guardduty": sc.pop("guardduty")}
        fake = self.load(sc)
        self.assertEqual(fake.state()["guardduty"]["us-east-1"]["detectors"],
                         [DET])

    def test_issue_trust_expire(self):
        ident = self.load(cred_scenario()).identity
        base = ident.get(AKID)
        self.assertEqual(base["arn"], "arn:aws:iam::111122223333:user/secmond")
        self.assertTrue(base["user_id"].startswith("AIDA"))
        for arn in (ROLE_A, ROLE_B):
            self.assertTrue(ident.is_trusted(ident.roles[arn], base))
        rec = ident.issue("sts", ROLE_B, "s1", 900)
        self.assertRegex(rec["access_key_id"], r"^ASIASECMONFAKE[A-Z0-9]{6}$")
        for ch in "+/=":
            self.assertIn(ch, rec["session_token"])
        self.assertEqual(rec["expires_at"] - rec["issued_at"], 900)
        self.assertIs(ident.get(rec["access_key_id"]), rec)
        # a session is not a "scenario credential": default trust refuses
        self.assertFalse(ident.is_trusted(ident.roles[ROLE_B], rec))
        self.assertTrue(ident.is_trusted(ident.roles[ROLE_A], dict(
            rec, account_id="111122223333")))
        self.assertEqual(ident.expire(), 1)
        self.assertTrue(ident.expired(rec))
        self.assertEqual(ident.listing()[0]["expired"], True)

    def test_lifetime_override(self):
        ident = self.load(cred_scenario(
            credential_lifetime_seconds=20)).identity
        rec = ident.issue("sts", ROLE_B, "s1", 3600)
        self.assertEqual(rec["expires_at"] - rec["issued_at"], 20)

    def test_verify_expired_token(self):
        ident = self.load(cred_scenario()).identity
        rec = ident.issue("sts", ROLE_B, "s1", 900)
        url = "http://127.0.0.1:4566/detector"
        req = sign("GET", url, akid=rec["access_key_id"],
                   secret=rec["secret_access_key"],
                   token=rec["session_token"])
        self.assertEqual(verify_request(req, creds=ident).outcome, "ok")
        req2 = sign("GET", url, akid=rec["access_key_id"],
                    secret=rec["secret_access_key"])
        self.assertEqual(verify_request(req2, creds=ident).error, "token")
        ident.expire()
        res = verify_request(req, creds=ident)
        self.assertEqual((res.outcome, res.error),
                         ("expired-token", "expired-token"))
        self.assertEqual(res.message, "The security token included in the "
                                      "request is expired")

    def test_shipped_accounts_scenario(self):
        fake = fakeaws.FakeAWS(scenariolib.load(
            os.path.join(HERE, "scenarios", "accounts.json")))
        st = fake.state()
        self.assertEqual(set(st["accounts"]),
                         {"111122223333", ACCT_A, ACCT_B})
        self.assertEqual(fake.identity.roles[ROLE_A]["external_id"],
                         "secmond-ext-1")
        while fake.next_step():
            pass


class CredentialServerTests(unittest.TestCase):
    """STS, accounts, IMDS, container endpoints through the server."""

    def setUp(self):
        self.srv = FakeServer(cred_scenario())

    def tearDown(self):
        self.srv.close()

    def client(self, service, akid=AKID, secret=SECRET, token=None,
               region="us-east-1", **kw):
        sess = botocore.session.get_session()
        return sess.create_client(
            service, region_name=region, endpoint_url=self.srv.url,
            aws_access_key_id=akid, aws_secret_access_key=secret,
            aws_session_token=token,
            config=Config(retries={"total_max_attempts": 1},
                          connect_timeout=5, read_timeout=10, **kw))

    def as_role(self, service, out):
        c = out["Credentials"]
        return self.client(service, c["AccessKeyId"], c["SecretAccessKey"],
                           c["SessionToken"])

    def err(self, call, code, status=None):
        with self.assertRaises(ClientError) as ctx:
            call()
        self.assertEqual(ctx.exception.response["Error"]["Code"], code,
                         ctx.exception.response)
        if status:
            self.assertEqual(ctx.exception.response["ResponseMetadata"]
                             ["HTTPStatusCode"], status)
        return ctx.exception.response

    def get(self, path, headers=None, method="GET"):
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port,
                                          timeout=10)
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        return resp.status, resp, body

    def test_caller_identity_any_region(self):
        for region in ("us-east-1", "eu-central-1"):
            out = self.client("sts", region=region).get_caller_identity()
            self.assertEqual((out["Account"], out["Arn"]), (
                "111122223333", "arn:aws:iam::111122223333:user/secmond"))

    def test_assume_role_and_member_state(self):
        sts = self.client("sts")
        out = sts.assume_role(RoleArn=ROLE_A, RoleSessionName="it",
                              ExternalId="secmond-ext-1",
                              DurationSeconds=43200)
        exp = out["Credentials"]["Expiration"]
        left = (exp - datetime.datetime.now(datetime.timezone.utc))
        self.assertTrue(43100 < left.total_seconds() <= 43201, left)
        who = self.as_role("sts", out).get_caller_identity()
        self.assertEqual(who["Arn"], "arn:aws:sts::%s:assumed-role/"
                                     "secmond-readonly/it" % ACCT_A)
        self.assertEqual(who["UserId"],
                         out["AssumedRoleUser"]["AssumedRoleId"])
        gd = self.as_role("guardduty", out)
        self.assertEqual(gd.list_detectors()["DetectorIds"], [DET_A])
        ids = gd.list_findings(DetectorId=DET_A)["FindingIds"]
        self.assertEqual(ids, ["f%031d" % 1, "f%031d" % 2])
        f = gd.get_findings(DetectorId=DET_A, FindingIds=ids[:1])
        self.assertEqual(f["Findings"][0]["AccountId"], ACCT_A)
        # base account unchanged; B (no accounts entry) shares the top level
        base = self.srv.client()
        self.assertEqual(base.list_detectors()["DetectorIds"], [DET])
        b = sts.assume_role(RoleArn=ROLE_B, RoleSessionName="bb")
        self.assertEqual(self.as_role("guardduty", b).get_findings(
            DetectorId=DET, FindingIds=["f%031d" % 0])["Findings"][0]
            ["AccountId"], ACCT_B)
        # an account step
        self.assertEqual(self.srv.admin("POST", "/_fake/step")[1],
                         {"step": 1})
        self.assertEqual(len(gd.list_findings(DetectorId=DET_A)
                             ["FindingIds"]), 3)
        self.assertEqual(len(base.list_findings(DetectorId=DET)
                             ["FindingIds"]), 1)
        st = self.srv.admin("GET", "/_fake/state")[1]
        self.assertEqual(len(st["accounts"][ACCT_A]["guardduty"]["us-east-1"]
                             ["findings"]), 3)
        log = self.srv.admin("GET", "/_fake/requests")[1]
        self.assertEqual(log[-1]["account"], "111122223333")

    def test_assume_role_errors(self):
        sts = self.client("sts")
        msg = ("User: arn:aws:iam::111122223333:user/secmond is not "
               "authorized to perform: sts:AssumeRole on resource: " + ROLE_A)
        for kw in ({}, {"ExternalId": "wrong-ext"}):
            r = self.err(lambda: sts.assume_role(
                RoleArn=ROLE_A, RoleSessionName="it", **kw),
                "AccessDenied", 403)
            self.assertEqual(r["Error"]["Message"], msg)
            self.assertEqual(r["Error"]["Type"], "Sender")
        self.err(lambda: sts.assume_role(
            RoleArn="arn:aws:iam::111122223333:role/nosuch",
            RoleSessionName="it"), "AccessDenied", 403)
        lax = self.client("sts", parameter_validation=False)
        for kw, text in (
                ({"RoleSessionName": "a b"}, "regular expression"),
                ({"RoleSessionName": "a"}, "greater than or equal to 2"),
                ({"RoleSessionName": "x" * 65}, "less than or equal to 64"),
                ({"RoleSessionName": "it", "DurationSeconds": 899},
                 "greater than or equal to 900"),
                ({"RoleSessionName": "it", "DurationSeconds": 43201},
                 "less than or equal to 43200"),
                ({"RoleSessionName": "it", "DurationSeconds": 3601},
                 "MaxSessionDuration")):
            r = self.err(lambda: lax.assume_role(RoleArn=ROLE_B, **kw),
                         "ValidationError", 400)
            self.assertIn(text, r["Error"]["Message"])
        # chaining: a session may not ask for more than an hour
        out = sts.assume_role(RoleArn=ROLE_WEB, RoleSessionName="ww")
        chained = self.as_role("sts", out)
        self.err(lambda: chained.assume_role(RoleArn=ROLE_B,
                                             RoleSessionName="cc"),
                 "AccessDenied")   # default trust: scenario credentials only
        st, resp, body = self.get("/?Action=GetCallerIdentity")
        self.assertEqual(st, 403)
        self.assertIn(b"<Code>MissingAuthenticationToken</Code>", body)

    def test_raw_xml_and_unknown_action(self):
        body = b"Action=GetCallerIdentity&Version=2011-06-15"
        hdrs = {"Content-Type": "application/x-www-form-urlencoded; "
                                "charset=utf-8"}
        req = sign("POST", self.srv.url + "/", body, hdrs, service="sts")
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port)
        conn.request("POST", "/", body, dict(req.headers.items()))
        resp = conn.getresponse()
        xml = resp.read().decode()
        rid = resp.getheader("x-amzn-RequestId")
        self.assertTrue(xml.startswith('<GetCallerIdentityResponse xmlns="'
                                       'https://sts.amazonaws.com/doc/'
                                       '2011-06-15/">'))
        self.assertIn("<RequestId>%s</RequestId>" % rid, xml)
        self.assertEqual(resp.getheader("Content-Type"), "text/xml")
        for bad in (b"Action=Nope&Version=2011-06-15",
                    b"Action=GetCallerIdentity"):
            req = sign("POST", self.srv.url + "/", bad, hdrs, service="sts")
            conn.request("POST", "/", bad, dict(req.headers.items()))
            resp = conn.getresponse()
            out = resp.read().decode()
            self.assertEqual(resp.status, 400)
            self.assertIn("<Code>InvalidAction</Code>", out)
            self.assertIn("<ErrorResponse xmlns=\"https://sts.amazonaws.com/",
                          out)
        self.assertIn("NO_VERSION_SPECIFIED", out)
        conn.close()

    def test_web_identity_unsigned(self):
        sts = self.client("sts")
        out = sts.assume_role_with_web_identity(
            RoleArn=ROLE_WEB, RoleSessionName="web",
            WebIdentityToken=WEB_TOKEN)
        self.assertEqual(out["SubjectFromWebIdentityToken"], "sub-1")
        self.assertEqual(out["AssumedRoleUser"]["Arn"],
                         "arn:aws:sts::111122223333:assumed-role/"
                         "secmond-eks/web")
        log = self.srv.admin("GET", "/_fake/requests")[1]
        self.assertEqual(log[-1]["signature"], "unsigned")
        self.err(lambda: sts.assume_role_with_web_identity(
            RoleArn=ROLE_WEB, RoleSessionName="web",
            WebIdentityToken="other-token"), "InvalidIdentityToken", 400)
        self.err(lambda: sts.assume_role_with_web_identity(
            RoleArn=ROLE_B, RoleSessionName="web",
            WebIdentityToken=WEB_TOKEN), "AccessDenied", 403)
        # other actions still need a signature
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port)
        conn.request("POST", "/", b"Action=AssumeRole&Version=2011-06-15"
                     b"&RoleArn=x&RoleSessionName=y", {
                         "Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(conn.getresponse().status, 403)
        conn.close()

    def test_expire_and_listing(self):
        sts = self.client("sts")
        out = sts.assume_role(RoleArn=ROLE_B, RoleSessionName="x1")
        gd = self.as_role("guardduty", out)
        gd.list_detectors()
        creds = self.srv.admin("GET", "/_fake/credentials")[1]
        self.assertEqual([(c["source"], c["account_id"], c["used"],
                           c["expired"]) for c in creds],
                         [("sts", ACCT_B, True, False)])
        self.assertEqual(self.srv.admin("POST", "/_fake/expire")[1],
                         {"expired": 1})
        r = self.err(gd.list_detectors, "ExpiredTokenException", 403)
        self.assertEqual(r["Error"]["Message"], "The security token included "
                         "in the request is expired")
        st, resp, body = self.srv.raw("GET", "/detector")
        self.assertEqual(st, 200)   # base credentials never expire
        self.err(self.as_role("sts", out).get_caller_identity,
                 "ExpiredToken", 403)
        log = self.srv.admin("GET", "/_fake/requests")[1]
        self.assertEqual(log[-1]["signature"], "expired-token")
        self.assertEqual(self.srv.admin("POST", "/_fake/expire",
                                        {"bogus": 1})[0], 400)

    def test_faults_on_sts(self):
        sts = self.client("sts")
        self.srv.admin("POST", "/_fake/faults", {
            "service": "sts", "op": "AssumeRole", "kind": "status",
            "status": 503, "code": "ServiceUnavailable"})
        r = self.err(lambda: sts.assume_role(RoleArn=ROLE_B,
                                             RoleSessionName="xx"),
                     "ServiceUnavailable", 503)
        self.assertEqual(r["Error"]["Type"], "Receiver")
        self.srv.admin("POST", "/_fake/faults", {
            "service": "sts", "op": "GetCallerIdentity", "kind": "reset"})
        with self.assertRaises(Exception):
            sts.get_caller_identity()
        self.srv.admin("POST", "/_fake/faults", {
            "service": "sts", "kind": "delay", "seconds": 0.2})
        t0 = time.monotonic()
        sts.get_caller_identity()
        self.assertGreaterEqual(time.monotonic() - t0, 0.2)

    def test_imds(self):
        cp = "/latest/meta-data/iam/security-credentials/"
        st, _, _ = self.get("/latest/api/token", method="PUT")
        self.assertEqual(st, 400)
        for ttl in ("0", "21601", "x"):
            st, _, _ = self.get("/latest/api/token", {
                "x-aws-ec2-metadata-token-ttl-seconds": ttl}, "PUT")
            self.assertEqual(st, 400, ttl)
        st, _, _ = self.get("/latest/api/token", {
            "x-aws-ec2-metadata-token-ttl-seconds": "60",
            "X-Forwarded-For": "10.0.0.1"}, "PUT")
        self.assertEqual(st, 403)
        st, resp, tok = self.get("/latest/api/token", {
            "x-aws-ec2-metadata-token-ttl-seconds": "60"}, "PUT")
        self.assertEqual((st, resp.getheader(
            "x-aws-ec2-metadata-token-ttl-seconds")), (200, "60"))
        h = {"x-aws-ec2-metadata-token": tok.decode()}
        self.assertEqual(self.get(cp)[0], 401)
        self.assertEqual(self.get(cp, {"x-aws-ec2-metadata-token": "x"})[0],
                         401)
        st, _, role = self.get(cp, h)
        self.assertEqual((st, role), (200, b"secmond-instance"))
        st, _, body = self.get(cp + "secmond-instance", h)
        doc = json.loads(body)
        self.assertEqual((doc["Code"], doc["Type"]), ("Success", "AWS-HMAC"))
        self.assertRegex(doc["Expiration"],
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(self.get(cp + "other", h)[0], 404)
        self.assertEqual(self.get("/latest/meta-data/instance-id", h)[2],
                         b"i-0123456789abcdef0")
        # the same credentials until expired, then new ones
        again = json.loads(self.get(cp + "secmond-instance", h)[2])
        self.assertEqual(again["AccessKeyId"], doc["AccessKeyId"])
        self.srv.admin("POST", "/_fake/expire", {"source": "imds"})
        new = json.loads(self.get(cp + "secmond-instance", h)[2])
        self.assertNotEqual(new["AccessKeyId"], doc["AccessKeyId"])
        who = self.client("sts", new["AccessKeyId"], new["SecretAccessKey"],
                          new["Token"]).get_caller_identity()
        self.assertEqual(who["Arn"], "arn:aws:sts::111122223333:assumed-role/"
                                     "secmond-instance/i-0123456789abcdef0")
        # botocore's fetcher
        os.environ["AWS_EC2_METADATA_DISABLED"] = "false"
        from botocore.utils import InstanceMetadataFetcher
        got = InstanceMetadataFetcher(
            timeout=2, num_attempts=1,
            base_url=self.srv.url + "/").retrieve_iam_role_credentials()
        self.assertEqual(got["access_key"], new["AccessKeyId"])
        # faults
        for kind, check in (("status", lambda st, b: st == 500),
                            ("malformed", lambda st, b: st == 200
                             and not is_json(b))):
            self.srv.admin("POST", "/_fake/faults", {
                "service": "imds", "op": "GetCredentials", "kind": kind,
                "status": 500})
            st, _, body = self.get(cp + "secmond-instance", h)
            self.assertTrue(check(st, body), (kind, st, body))
        self.srv.admin("POST", "/_fake/faults", {
            "service": "imds", "op": "GetToken", "kind": "reset"})
        with self.assertRaises(Exception):
            self.get("/latest/api/token", {
                "x-aws-ec2-metadata-token-ttl-seconds": "60"}, "PUT")
        log = [r for r in self.srv.admin("GET", "/_fake/requests")[1]
               if r["service"] == "imds"]
        self.assertTrue(log and all(r["signature"] == "none" for r in log))

    def test_imds_v1_and_absent(self):
        self.srv.close()
        self.srv = FakeServer(cred_scenario(imds={"role": "r1",
                                                  "allow_v1": True}))
        cp = "/latest/meta-data/iam/security-credentials/"
        self.assertEqual(self.get(cp), (200, unittest.mock.ANY, b"r1"))
        self.assertEqual(self.get(cp, {"x-aws-ec2-metadata-token": "x"})[0],
                         401)
        self.srv.close()
        sc = cred_scenario()
        del sc["imds"], sc["container"]
        self.srv = FakeServer(sc)
        self.assertEqual(self.get(cp)[0], 404)
        self.assertEqual(self.get("/latest/api/token", {
            "x-aws-ec2-metadata-token-ttl-seconds": "60"}, "PUT")[0], 404)
        self.assertEqual(self.get(CTR_PATH)[0], 403)   # no such endpoint:
        # an unsigned API request (MissingAuthenticationToken)

    def test_container(self):
        self.assertEqual(self.get(CTR_PATH)[0], 401)
        self.assertEqual(self.get(CTR_PATH, {"Authorization": "no"})[0], 403)
        st, resp, body = self.get(CTR_PATH, {"Authorization": CTR_TOKEN})
        doc = json.loads(body)
        self.assertEqual(set(doc), {"AccessKeyId", "SecretAccessKey", "Token",
                                    "Expiration", "RoleArn"})
        self.assertEqual(doc["RoleArn"],
                         "arn:aws:iam::111122223333:role/secmond-task")
        from botocore.utils import ContainerMetadataFetcher
        got = ContainerMetadataFetcher().retrieve_full_uri(
            self.srv.url + CTR_PATH, headers={"Authorization": CTR_TOKEN})
        self.assertEqual(got["AccessKeyId"], doc["AccessKeyId"])
        self.srv.admin("POST", "/_fake/faults", {
            "service": "container", "kind": "delay", "seconds": 0.2})
        t0 = time.monotonic()
        self.assertEqual(self.get(CTR_PATH, {"Authorization": CTR_TOKEN})[0],
                         200)
        self.assertGreaterEqual(time.monotonic() - t0, 0.2)
        self.srv.admin("POST", "/_fake/faults", {
            "service": "container", "kind": "status", "status": 500})
        self.assertEqual(self.get(CTR_PATH, {"Authorization": CTR_TOKEN})[0],
                         500)
        creds = self.srv.admin("GET", "/_fake/credentials")[1]
        self.assertEqual([c["source"] for c in creds], ["container"])


FSBP = ("arn:aws:securityhub:us-east-1::standards/"
        "aws-foundational-security-best-practices/v/1.0.0")
CIS12 = "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
SH_SCENARIO = {
    "credentials": SCENARIO["credentials"],
    "securityhub": {
        "us-east-1": {
            "standards": [{"arn": FSBP}, {"arn": CIS12}],
            "controls": [
                {"id": "S3.1", "severity": "MEDIUM", "standards": [FSBP]},
                {"id": "S3.2", "severity": "LOW", "standards": [FSBP]},
                {"id": "IAM.1", "severity": "HIGH", "standards": [FSBP, CIS12]},
                {"id": "CloudTrail.1", "severity": "HIGH",
                 "standards": [FSBP, CIS12]},
                {"id": "EC2.1", "severity": "CRITICAL", "standards": [FSBP]},
                {"id": "KMS.1", "standards": [FSBP]}],
            "disabled_controls": ["KMS.1"],
            "disabled_associations": [{"control": "CloudTrail.1",
                                       "standard": FSBP}],
            "findings": [
                {"id": "00000000-0000-4000-8000-000000000001",
                 "control": "S3.1", "status": "PASSED"},
                {"control": "S3.1", "status": "FAILED",
                 "record_state": "ARCHIVED"},
                {"control": "S3.2", "status": "NOT_AVAILABLE"},
                {"control": "IAM.1", "status": "FAILED"},
                {"control": "IAM.1", "status": "PASSED"},
                {"control": "CloudTrail.1", "status": "PASSED"},
                {"control": "EC2.1", "status": "FAILED",
                 "workflow": "SUPPRESSED"},
                {"control": "KMS.1", "status": "FAILED"},
                {"product": "guardduty", "severity": "HIGH"}]},
        "eu-west-1": {"enabled": False}},
    "cloudwatch": {"us-east-1": {"alarms": [
        {"name": "a-%03d" % i, "state": "OK"} for i in range(7)] + [
        {"name": "c-1", "type": "composite", "state": "ALARM",
         "rule": 'ALARM("a-001")'}]}},
    "steps": [{"securityhub": {"us-east-1": {
        "set_status": [{"control": "S3.1", "status": "FAILED"}],
        "mode": "STANDARD_CONTROL"}},
        "cloudwatch": {"us-east-1": {"set_state": [
            {"name": "a-001", "state": "ALARM", "reason": "x"}]}}},
        {"cloudwatch": {"us-east-1": {"set_state": [
            {"name": "a-001", "state": "ALARM", "reason": "y"}]}}}],
}


class SecurityHubCloudWatchTests(unittest.TestCase):
    """Security Hub and CloudWatch through real botocore clients."""

    def setUp(self):
        self.srv = FakeServer(SH_SCENARIO)

    def tearDown(self):
        self.srv.close()

    def client(self, service, region="us-east-1"):
        return botocore.session.get_session().create_client(
            service, region_name=region, endpoint_url=self.srv.url,
            aws_access_key_id=AKID, aws_secret_access_key=SECRET,
            config=Config(retries={"total_max_attempts": 1}))

    def code(self, fn, **kw):
        try:
            fn(**kw)
        except ClientError as e:
            return (e.response["ResponseMetadata"]["HTTPStatusCode"],
                    e.response["Error"]["Code"])
        return None

    def test_expected_scores(self):
        exp = self.srv.admin("GET", "/_fake/expected")[1]
        e = exp["111122223333"]["us-east-1"]
        fsbp, cis = e["standards"][FSBP], e["standards"][CIS12]
        # FSBP: S3.1 passed (failed one archived), S3.2 unknown, IAM.1
        # failed, EC2.1 no data (suppressed), CloudTrail.1 and KMS.1
        # disabled
        self.assertEqual((fsbp["passed"], fsbp["failed"], fsbp["unknown"],
                          fsbp["no_data"], fsbp["disabled"]),
                         (1, 1, 1, 1, 2))
        self.assertEqual((fsbp["score"], fsbp["score_exact"]), (33, 33.33))
        self.assertEqual((cis["passed"], cis["failed"], cis["score"]),
                         (1, 1, 50))
        o = e["overall"]
        self.assertEqual((o["passed"], o["failed"], o["unknown"],
                          o["no_data"], o["disabled"], o["score"]),
                         (2, 1, 1, 1, 1, 50))
        self.assertEqual(e["failed_controls"], [{
            "id": "IAM.1", "title": "IAM.1 resources should be configured "
            "securely", "severity": "HIGH", "failed_resources": 1}])
        self.assertEqual(self.srv.admin("POST", "/_fake/step")[0], 200)
        o = self.srv.admin("GET", "/_fake/expected")[1][
            "111122223333"]["us-east-1"]["overall"]
        self.assertEqual((o["passed"], o["failed"], o["score"]),
                         (1, 2, 25))

    def test_findings_filters_modes(self):
        c = self.client("securityhub")
        hub = c.describe_hub()
        self.assertEqual(hub["ControlFindingGenerator"], "SECURITY_CONTROL")
        fs = c.get_findings()["Findings"]
        self.assertEqual(len(fs), 9)
        f = fs[0]
        self.assertEqual(f["GeneratorId"], "security-control/S3.1")
        self.assertEqual(f["Id"], "arn:aws:securityhub:us-east-1:"
                         "111122223333:security-control/S3.1/finding/"
                         "00000000-0000-4000-8000-000000000001")
        self.assertEqual(f["ProductName"], "Security Hub")
        got = c.get_findings(Filters={
            "ComplianceSecurityControlId": [
                {"Value": "S3.", "Comparison": "PREFIX"},
                {"Value": "S3.2", "Comparison": "NOT_EQUALS"}],
            "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}]})
        self.assertEqual([x["Compliance"]["Status"] for x in
                          got["Findings"]], ["PASSED"])
        got = c.get_findings(Filters={"ComplianceAssociatedStandardsId": [
            {"Value": "ruleset/cis", "Comparison": "PREFIX"}]})["Findings"]
        self.assertEqual(sorted({x["Compliance"]["SecurityControlId"]
                                 for x in got}), ["CloudTrail.1", "IAM.1"])
        got = c.get_findings(Filters={"ProductArn": [
            {"Value": "arn:aws:securityhub:us-east-1::product/aws/"
             "securityhub", "Comparison": "NOT_EQUALS"}]})["Findings"]
        self.assertEqual([x["ProductName"] for x in got], ["GuardDuty"])
        for bad in ({"Title": [{"Value": "a", "Comparison": "CONTAINS"},
                               {"Value": "b", "Comparison": "EQUALS"}]},
                    {"Id": [{"Value": "a", "Comparison": "CONTAINS_WORD"}]},
                    {"NetworkProtocol": [{"Value": "a",
                                          "Comparison": "EQUALS"}]},
                    {k: [{"Value": "x", "Comparison": "EQUALS"}] for k in (
                        "Id", "Title", "Type", "Region", "AwsAccountId",
                        "GeneratorId", "ProductArn", "ProductName",
                        "RecordState", "WorkflowStatus", "SeverityLabel")}):
            self.assertEqual(self.code(c.get_findings, Filters=bad),
                             (400, "InvalidInputException"))
        pages = list(c.get_paginator("get_findings").paginate(
            PaginationConfig={"PageSize": 4}))
        self.assertEqual([len(p["Findings"]) for p in pages], [4, 4, 1])
        self.assertTrue(all(c_ in pages[0]["NextToken"] for c_ in "+/="))
        self.assertEqual(self.code(c.get_findings, NextToken="bogus"),
                         (400, "InvalidInputException"))
        self.srv.admin("POST", "/_fake/step")
        fs = c.get_findings(Filters={"ComplianceSecurityControlId": [
            {"Value": "IAM.1", "Comparison": "EQUALS"}]})["Findings"]
        self.assertEqual(len(fs), 4)   # 2 records x 2 standards
        gens = sorted({x["GeneratorId"] for x in fs})
        self.assertEqual(len(gens), 2)
        self.assertTrue(gens[0].startswith(CIS12 + "/rule/"))
        self.assertEqual(gens[1], "aws-foundational-security-best-practices/"
                         "v/1.0.0/IAM.1")
        cis = [x for x in fs if "StandardsGuideArn" in x["ProductFields"]]
        self.assertTrue(cis and all("RuleId" in x["ProductFields"]
                                    for x in cis))

    def test_controls_associations_rate_limit_hub_off(self):
        c = self.client("securityhub")
        out = c.batch_get_standards_control_associations(
            StandardsControlAssociationIds=[
                {"SecurityControlId": "CloudTrail.1", "StandardsArn": FSBP},
                {"SecurityControlId": "CloudTrail.1", "StandardsArn": CIS12},
                {"SecurityControlId": "S3.1", "StandardsArn": CIS12}])
        self.assertEqual([d["AssociationStatus"] for d in
                          out["StandardsControlAssociationDetails"]],
                         ["DISABLED", "ENABLED"])
        self.assertEqual(len(out["UnprocessedAssociations"]), 1)
        sc = c.batch_get_security_controls(
            SecurityControlIds=["KMS.1", "EC2.1", "X.9"])
        self.assertEqual([(x["SecurityControlId"], x["SecurityControlStatus"],
                           x["SeverityRating"]) for x in
                          sc["SecurityControls"]],
                         [("KMS.1", "DISABLED", "MEDIUM"),
                          ("EC2.1", "ENABLED", "CRITICAL")])
        defs = c.list_security_control_definitions(StandardsArn=CIS12)
        self.assertEqual(sorted(d["SecurityControlId"] for d in
                                defs["SecurityControlDefinitions"]),
                         ["CloudTrail.1", "IAM.1"])
        self.assertEqual(len(c.get_enabled_standards()[
            "StandardsSubscriptions"]), 2)
        self.srv.close()
        sc = copy.deepcopy(SH_SCENARIO)
        sc["securityhub"]["rate_limit"] = {"GetFindings": [2, 3]}
        self.srv = FakeServer(sc)
        c = self.client("securityhub")
        codes = [self.code(c.get_findings) for _ in range(15)]
        self.assertEqual(codes[:3], [None] * 3)
        self.assertIn((429, "TooManyRequestsException"), codes[3:])
        self.assertIsNone(self.code(c.describe_hub))   # other ops unlimited
        eu = self.client("securityhub", "eu-west-1")
        self.assertEqual(self.code(eu.describe_hub),
                         (401, "InvalidAccessException"))

    def test_cloudwatch_json_and_query(self):
        cw = self.client("cloudwatch")
        out = cw.describe_alarms(MaxRecords=3)
        self.assertEqual([a["AlarmName"] for a in out["MetricAlarms"]],
                         ["a-000", "a-001", "a-002"])
        self.assertEqual(out["CompositeAlarms"], [])
        names = []
        for page in cw.get_paginator("describe_alarms").paginate(
                AlarmTypes=["MetricAlarm", "CompositeAlarm"],
                PaginationConfig={"PageSize": 3}):
            names += [a["AlarmName"] for a in page["MetricAlarms"] +
                      page["CompositeAlarms"]]
        self.assertEqual(len(names), 8)
        self.assertEqual(self.code(cw.describe_alarms, NextToken="x"),
                         (400, "InvalidNextToken"))
        req = sign("POST", self.srv.url + "/", b'{"MaxRecords": 0}', {
            "X-Amz-Target": "GraniteServiceVersion20100801.DescribeAlarms",
            "Content-Type": "application/x-amz-json-1.0",
            "x-amzn-query-mode": "true"}, service="monitoring")
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port)
        conn.request("POST", "/", b'{"MaxRecords": 0}',
                     dict(req.headers.items()))
        resp = conn.getresponse()
        body = json.loads(resp.read())
        conn.close()
        self.assertEqual(resp.status, 400)
        self.assertEqual(resp.getheader("x-amzn-query-error"),
                         "ValidationError;Sender")
        self.assertIn("ValidationException", body["__type"])
        # query protocol, XML
        form = (b"Action=DescribeAlarms&Version=2010-08-01&AlarmTypes.member"
                b".1=CompositeAlarm&MaxRecords=5")
        req = sign("POST", self.srv.url + "/", form, {
            "Content-Type": "application/x-www-form-urlencoded; "
                            "charset=utf-8"}, service="monitoring")
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port)
        conn.request("POST", "/", form, dict(req.headers.items()))
        resp = conn.getresponse()
        text = resp.read().decode()
        conn.close()
        self.assertEqual(resp.status, 200)
        self.assertIn("<DescribeAlarmsResponse xmlns=\"http://monitoring."
                      "amazonaws.com/doc/2010-08-01/\">", text)
        self.assertIn("<AlarmName>c-1</AlarmName>", text)
        self.assertIn("<MetricAlarms/>", text)
        self.assertRegex(text, r"<StateUpdatedTimestamp>\d{4}-\d\d-\d\dT"
                         r"\d\d:\d\d:\d\d\.\d{3}Z</StateUpdatedTimestamp>")
        # steps: transition time moves only when the value changes
        a0 = cw.describe_alarms(AlarmNames=["a-001"])["MetricAlarms"][0]
        self.srv.admin("POST", "/_fake/step")
        a1 = cw.describe_alarms(AlarmNames=["a-001"])["MetricAlarms"][0]
        time.sleep(0.01)
        self.srv.admin("POST", "/_fake/step")
        a2 = cw.describe_alarms(AlarmNames=["a-001"])["MetricAlarms"][0]
        self.assertEqual((a0["StateValue"], a1["StateValue"],
                          a2["StateValue"]), ("OK", "ALARM", "ALARM"))
        self.assertGreater(a1["StateTransitionedTimestamp"],
                           a0["StateTransitionedTimestamp"])
        self.assertEqual(a2["StateTransitionedTimestamp"],
                         a1["StateTransitionedTimestamp"])
        self.assertGreater(a2["StateUpdatedTimestamp"],
                           a1["StateUpdatedTimestamp"])
        self.assertEqual(a2["StateReason"], "y")
        # faults: the cloudwatch alias, Throttling via x-amzn-query-error
        self.srv.admin("POST", "/_fake/faults", {
            "service": "cloudwatch", "kind": "status", "status": 400,
            "code": "Throttling"})
        self.assertEqual(self.code(cw.describe_alarms),
                         (400, "Throttling"))
        now = int(time.time()) // 60 * 60
        md = cw.get_metric_data(MetricDataQueries=[{
            "Id": "m1", "MetricStat": {"Metric": {
                "Namespace": "AWS/WAFV2", "MetricName": "BlockedRequests",
                "Dimensions": [{"Name": "Rule", "Value": "ALL"}]},
                "Period": 60, "Stat": "Sum"}}],
            StartTime=now - 600, EndTime=now, MaxDatapoints=4)
        r = md["MetricDataResults"][0]
        self.assertEqual((len(r["Values"]), r["StatusCode"]),
                         (4, "PartialData"))
        self.assertTrue(md["NextToken"])
        # no series: ListMetrics lists the metric alarms' metrics, once
        self.assertEqual(cw.list_metrics()["Metrics"], [{
            "Namespace": "AWS/EC2", "MetricName": "CPUUtilization",
            "Dimensions": [{"Name": "InstanceId",
                            "Value": "i-0123456789abcdef0"}]}])

    def test_expected_is_per_account_and_bad_scenarios(self):
        for bad in ({"us-east-1": {"findings": [{"control": "NOPE.1"}]}},
                    {"us-east-1": {"mode": "OTHER"}},
                    {"rate_limit": {"GetFindings": [0, 1]}},
                    {"us-east-1": {"standards": [{"arn": "x"}]}},
                    {"us-east-1": {"typo": 1}}):
            with self.assertRaises(ValueError):
                svc_securityhub.Service(bad, "111122223333")
        for bad in ({"us-east-1": {"alarms": [{"name": "a", "state": "X"}]}},
                    {"us-east-1": {"alarms": [{"name": "c",
                                               "type": "composite"}]}}):
            with self.assertRaises(ValueError):
                svc_cloudwatch.Service(bad, "111122223333")


DEMO_FILE = os.path.join(HERE, "scenarios", "demo.json")
RULE_ALL = [{"Name": "Rule", "Value": "ALL"}]


def demo_with(**cloudwatch):
    """demo.json with its cloudwatch regions replaced or added."""
    with open(DEMO_FILE) as fh:
        sc = json.load(fh)
    sc["cloudwatch"].update(cloudwatch)
    return sc


class CloudWatchMetricsTests(unittest.TestCase):
    """ListMetrics, metric series and scripted answers (demo.json's WAF
    series, plus a generated region for paging)."""

    def setUp(self):
        self.srv = FakeServer(demo_with(**{"ap-south-1": {"metric_data": {
            "seed": 2, "generate": {"seed": 9, "count": 1203},
            "series": [{"namespace": "AWS/WAFV2",
                        "metric": "BlockedRequests",
                        "dimensions": [{"Name": "WebACL", "Value": "a"},
                                       {"Name": "Rule", "Value": "ALL"}],
                        "max": 10,
                        "spike": {"hours": 2, "factor": 0}}]}}}))

    def tearDown(self):
        self.srv.close()

    def client(self, region="us-east-1"):
        return botocore.session.get_session().create_client(
            "cloudwatch", region_name=region, endpoint_url=self.srv.url,
            aws_access_key_id=AKID, aws_secret_access_key=SECRET,
            config=Config(retries={"total_max_attempts": 1}))

    def code(self, fn, **kw):
        try:
            fn(**kw)
        except ClientError as e:
            return (e.response["ResponseMetadata"]["HTTPStatusCode"],
                    e.response["Error"]["Code"])
        return None

    def query(self, form, region="us-east-1"):
        """A signed query-protocol request: (status, XML text)."""
        req = sign("POST", self.srv.url + "/", form, {
            "Content-Type": "application/x-www-form-urlencoded; "
                            "charset=utf-8"}, region=region,
            service="monitoring")
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port)
        conn.request("POST", "/", form, dict(req.headers.items()))
        resp = conn.getresponse()
        text = resp.read().decode()
        conn.close()
        return resp.status, text

    def test_list_metrics_filters(self):
        cw = self.client()
        got = cw.list_metrics(Namespace="AWS/WAFV2",
                              MetricName="BlockedRequests",
                              Dimensions=RULE_ALL)
        self.assertNotIn("NextToken", got)
        dims = [{d["Name"]: d["Value"] for d in m["Dimensions"]}
                for m in got["Metrics"]]
        acls = sorted(d.get("WebACL", "-") for d in dims)
        self.assertEqual(acls, ["-", "api-public-acl", "cdn-edge-acl",
                                "legacy-admin-acl", "shop-prod-acl"])
        self.assertTrue(all(d["Rule"] == "ALL" for d in dims))
        self.assertIn({"WebACL": "cdn-edge-acl", "Rule": "ALL"}, dims)
        # the scenario's dimension order is kept
        shop = [m for m in got["Metrics"] if {"Name": "WebACL", "Value":
                "shop-prod-acl"} in m["Dimensions"]][0]
        self.assertEqual([d["Name"] for d in shop["Dimensions"]],
                         ["WebACL", "Rule", "Region"])
        # a name without a value; other dimensions may be there too
        regional = cw.list_metrics(Namespace="AWS/WAFV2", Dimensions=[
            {"Name": "Region"}, {"Name": "WebACL", "Value": "shop-prod-acl"}])
        self.assertEqual(sorted(
            (m["MetricName"], {d["Name"]: d["Value"] for d in
                               m["Dimensions"]}["Rule"])
            for m in regional["Metrics"]),
            [("AllowedRequests", "ALL"), ("BlockedRequests", "ALL"),
             ("BlockedRequests", "RateLimit-2000"),
             ("BlockedRequests", "SQLiRule")])
        everything = cw.list_metrics()["Metrics"]
        self.assertEqual(everything, self.srv.admin(
            "GET", "/_fake/state")[1]["cloudwatch"]["us-east-1"]["metrics"])
        self.assertEqual(len(everything), 9)
        self.assertEqual(cw.list_metrics(Namespace="AWS/EC2")["Metrics"],
                         [{"Namespace": "AWS/EC2",
                           "MetricName": "CPUUtilization", "Dimensions": [
                               {"Name": "InstanceId",
                                "Value": "i-0123456789abcdef0"}]}])
        self.assertEqual(cw.list_metrics(Namespace="AWS/WAFV2", Dimensions=[
            {"Name": "Rule", "Value": "all"}])["Metrics"], [])
        eu = self.client("eu-west-1").list_metrics(Dimensions=RULE_ALL)
        self.assertEqual([m["Dimensions"][0]["Value"]
                          for m in eu["Metrics"]], ["eu-shop-acl"])
        self.assertEqual(self.client("sa-east-1").list_metrics()["Metrics"],
                         [])
        # linked accounts, validation
        out = cw.list_metrics(Namespace="AWS/EC2", IncludeLinkedAccounts=True,
                              OwningAccount="111122223333")
        self.assertEqual(out["OwningAccounts"], ["111122223333"])
        self.assertEqual(cw.list_metrics(
            IncludeLinkedAccounts=True, OwningAccount="999988887777")[
                "Metrics"], [])
        self.assertEqual(self.code(cw.list_metrics,
                                   OwningAccount="111122223333"),
                         (400, "InvalidParameterCombination"))
        self.assertIsNone(self.code(cw.list_metrics, RecentlyActive="PT3H"))
        self.assertEqual(self.code(self.client_novalidate().list_metrics,
                                   RecentlyActive="PT1H"),
                         (400, "ValidationError"))
        self.assertEqual(self.code(
            self.client_novalidate().list_metrics,
            Dimensions=[{"Name": "n%d" % i} for i in range(11)]),
            (400, "ValidationError"))
        self.assertEqual(self.code(
            self.client_novalidate().list_metrics,
            Dimensions=[{"Value": "ALL"}]), (400, "ValidationError"))

    def client_novalidate(self):
        return botocore.session.get_session().create_client(
            "cloudwatch", region_name="us-east-1", endpoint_url=self.srv.url,
            aws_access_key_id=AKID, aws_secret_access_key=SECRET,
            config=Config(retries={"total_max_attempts": 1},
                          parameter_validation=False))

    def test_list_metrics_pages_and_query_protocol(self):
        cw = self.client("ap-south-1")
        pages = list(cw.get_paginator("list_metrics").paginate())
        self.assertEqual([len(p["Metrics"]) for p in pages], [500, 500, 204])
        self.assertTrue(all(c in pages[0]["NextToken"] for c in "+/="))
        self.assertNotIn("NextToken", pages[-1])
        names = [json.dumps(m, sort_keys=True) for p in pages
                 for m in p["Metrics"]]
        self.assertEqual(len(set(names)), 1204)
        log = [r for r in self.srv.admin("GET", "/_fake/requests")[1]
               if r["op"] == "ListMetrics"]
        self.assertEqual([bool(r["params"].get("NextToken")) for r in log],
                         [False, True, True])
        # a token is bound to its filters
        tok = pages[0]["NextToken"]
        self.assertEqual(self.code(cw.list_metrics, NextToken=tok,
                                   Namespace="AWS/EC2"),
                         (400, "InvalidNextToken"))
        self.assertEqual(self.code(cw.list_metrics, NextToken="x+y/z="),
                         (400, "InvalidNextToken"))
        # emptypage: nothing, and a token that resumes at the same place
        self.srv.admin("POST", "/_fake/faults", {
            "service": "cloudwatch", "op": "ListMetrics",
            "kind": "emptypage"})
        empty = cw.list_metrics(NextToken=tok)
        self.assertEqual(empty["Metrics"], [])
        self.assertEqual(cw.list_metrics(NextToken=empty["NextToken"])[
            "Metrics"], pages[1]["Metrics"])
        # the query protocol: same metrics, XML, paged by NextToken
        waf = cw.list_metrics(Namespace="AWS/WAFV2",
                              Dimensions=RULE_ALL)["Metrics"]
        self.assertTrue(200 < len(waf) < 500)
        st, text = self.query(
            b"Action=ListMetrics&Version=2010-08-01&Namespace=AWS%2FWAFV2"
            b"&Dimensions.member.1.Name=Rule"
            b"&Dimensions.member.1.Value=ALL", "ap-south-1")
        self.assertEqual(st, 200)
        self.assertIn("<ListMetricsResponse xmlns=\"http://monitoring."
                      "amazonaws.com/doc/2010-08-01/\">", text)
        ns = "{http://monitoring.amazonaws.com/doc/2010-08-01/}"
        res = ElementTree.fromstring(text).find(ns + "ListMetricsResult")
        self.assertIsNone(res.find(ns + "NextToken"))
        xml = [{"Namespace": m.findtext(ns + "Namespace"),
                "MetricName": m.findtext(ns + "MetricName"),
                "Dimensions": [{"Name": d.findtext(ns + "Name"),
                                "Value": d.findtext(ns + "Value")}
                               for d in m.find(ns + "Dimensions")]}
               for m in res.find(ns + "Metrics")]
        self.assertEqual(xml, waf)
        st, text = self.query(b"Action=ListMetrics&Version=2010-08-01",
                              "ap-south-1")
        tok = text.split("<NextToken>")[1].split("</NextToken>")[0]
        self.assertEqual(text.count("<MetricName>"), 500)
        st, text = self.query(
            b"Action=ListMetrics&Version=2010-08-01&NextToken=" +
            tok.replace("+", "%2B").replace("/", "%2F").replace(
                "=", "%3D").encode(), "ap-south-1")
        self.assertEqual((st, text.count("<MetricName>")), (200, 500))
        st, text = self.query(b"Action=ListMetrics&Version=2010-08-01"
                              b"&RecentlyActive=PT1H")
        self.assertEqual(st, 400)
        self.assertIn("<Code>ValidationError</Code>", text)

    def test_series_sums_and_spike(self):
        cw = self.client()
        end = int(time.time()) // 3600 * 3600
        acl = [{"Name": "WebACL", "Value": "shop-prod-acl"},
               {"Name": "Rule", "Value": "ALL"},
               {"Name": "Region", "Value": "us-east-1"}]

        def q(period, dims=acl, qid="m1"):
            return {"Id": qid, "MetricStat": {"Metric": {
                "Namespace": "AWS/WAFV2", "MetricName": "BlockedRequests",
                "Dimensions": dims}, "Period": period, "Stat": "Sum"}}
        hourly = cw.get_metric_data(MetricDataQueries=[q(3600)],
                                    StartTime=end - 6 * 3600, EndTime=end)
        minutes = cw.get_metric_data(MetricDataQueries=[q(60)],
                                     StartTime=end - 6 * 3600, EndTime=end)
        h = hourly["MetricDataResults"][0]
        m = minutes["MetricDataResults"][0]
        self.assertEqual(len(h["Values"]), 6)
        self.assertGreater(len(m["Values"]), 300)
        self.assertEqual(sum(h["Values"]), sum(m["Values"]))
        self.assertTrue(all(v == int(v) for v in m["Values"]))
        # dimensions in another order are the same metric; a subset is not
        again = cw.get_metric_data(MetricDataQueries=[q(3600, acl[::-1])],
                                   StartTime=end - 6 * 3600, EndTime=end)
        self.assertEqual(again["MetricDataResults"][0]["Values"],
                         h["Values"])
        none = cw.get_metric_data(MetricDataQueries=[q(3600, acl[:2])],
                                  StartTime=end - 6 * 3600, EndTime=end)
        self.assertEqual((none["MetricDataResults"][0]["Values"],
                          none["MetricDataResults"][0]["StatusCode"]),
                         ([], "Complete"))
        # the spike: series "a" (ap-south-1) is 0 from 2 hours before
        # start-up on, and not before
        st = self.srv.admin("GET", "/_fake/state")[1]["cloudwatch"]
        ser = [x for x in st["ap-south-1"]["series"]
               if x["dimensions"][0]["Value"] == "a"][0]
        since = ser["spike"]["since"]
        self.assertEqual((since + 2 * 3600) % 3600, 0)
        self.assertLessEqual(since + 2 * 3600, time.time())
        ap = self.client("ap-south-1").get_metric_data(
            MetricDataQueries=[q(3600, [{"Name": "WebACL", "Value": "a"},
                                        {"Name": "Rule", "Value": "ALL"}])],
            StartTime=since - 4 * 3600, EndTime=since + 2 * 3600,
            ScanBy="TimestampAscending")["MetricDataResults"][0]
        self.assertEqual(len(ap["Values"]), 6)
        self.assertTrue(all(v > 0 for v in ap["Values"][:4]))
        self.assertEqual(ap["Values"][4:], [0.0, 0.0])
        # demo: shop-prod-acl's last 7 days clearly above the 7 before,
        # legacy-admin-acl's below
        def week(dims, a, b):
            out = cw.get_metric_data(MetricDataQueries=[q(3600, dims)],
                                     StartTime=a, EndTime=b)
            return sum(out["MetricDataResults"][0]["Values"])
        legacy = [dict(d) for d in acl]
        legacy[0]["Value"] = "legacy-admin-acl"
        wk = 7 * 86400
        self.assertGreater(week(acl, end - wk, end),
                           2.5 * week(acl, end - 2 * wk, end - wk))
        self.assertLess(week(legacy, end - wk, end),
                        0.5 * week(legacy, end - 2 * wk, end - wk))

    def test_scripted_replies(self):
        cw = self.client()
        body = {"MetricDataResults": [{
            "Id": "m1", "Label": "x", "Timestamps": [1.8e9],
            "Values": [7.0], "StatusCode": "Forbidden",
            "Messages": [{"Code": "Forbidden", "Value": "no access"}]}],
            "Messages": [{"Code": "X", "Value": "y"}]}
        st, out = self.srv.admin("POST", "/_fake/cloudwatch/replies", [
            {"op": "GetMetricData", "region": "eu-west-1", "body": body},
            {"op": "ListMetrics", "raw": "{\"Metrics\": [", "times": 2}])
        self.assertEqual((st, out), (200, {"queued": 2}))
        for bad in ({"op": "Nope", "body": {}}, {"op": "ListMetrics"},
                    {"op": "ListMetrics", "body": {}, "raw": "x"},
                    {"op": "ListMetrics", "body": [], "times": 1},
                    {"op": "ListMetrics", "body": {}, "times": 0},
                    {"op": "ListMetrics", "body": {}, "typo": 1}):
            self.assertEqual(self.srv.admin(
                "POST", "/_fake/cloudwatch/replies", bad)[0], 400)
        q = [{"Id": "m1", "MetricStat": {"Metric": {
            "Namespace": "AWS/WAFV2", "MetricName": "BlockedRequests"},
            "Period": 60, "Stat": "Sum"}}]
        now = int(time.time()) // 60 * 60
        # another region, and an invalid request, do not use it up
        us = cw.get_metric_data(MetricDataQueries=q, StartTime=now - 600,
                                EndTime=now)
        self.assertEqual(us["MetricDataResults"][0]["StatusCode"],
                         "Complete")
        eu = self.client("eu-west-1")
        self.assertEqual(self.code(self.client_novalidate().get_metric_data,
                                   MetricDataQueries=q, StartTime=now),
                         (400, "ValidationError"))
        got = eu.get_metric_data(MetricDataQueries=q, StartTime=now - 600,
                                 EndTime=now)
        self.assertEqual(got["MetricDataResults"][0]["StatusCode"],
                         "Forbidden")
        self.assertEqual(got["Messages"], [{"Code": "X", "Value": "y"}])
        self.assertEqual(eu.get_metric_data(
            MetricDataQueries=q, StartTime=now - 600, EndTime=now)[
                "MetricDataResults"][0]["StatusCode"], "Complete")
        # raw text, twice; the query protocol is never scripted
        st, text = self.query(b"Action=ListMetrics&Version=2010-08-01")
        self.assertEqual(st, 200)
        for _ in range(2):   # botocore reads a broken body as {}
            self.assertNotIn("Metrics", cw.list_metrics())
        left = self.srv.admin("GET", "/_fake/cloudwatch/replies")[1]
        self.assertEqual((left["queued"], left["served"]), ([], 3))
        self.assertEqual(len(cw.list_metrics()["Metrics"]), 9)
        self.srv.admin("POST", "/_fake/cloudwatch/replies",
                       {"op": "ListMetrics", "body": {}})
        self.assertEqual(self.srv.admin(
            "DELETE", "/_fake/cloudwatch/replies")[1], {"cleared": 1})
        self.assertEqual(self.srv.admin(
            "GET", "/_fake/cloudwatch/nothing")[0], 404)

    def test_bad_series(self):
        ok = {"namespace": "N", "metric": "M", "dimensions": {"A": "1"}}
        for bad in ([dict(ok, typo=1)], [dict(ok, namespace="")],
                    [ok, dict(ok, dimensions=[{"Name": "A", "Value": "1"}])],
                    [dict(ok, dimensions=[{"Name": "A", "Value": ""}])],
                    [dict(ok, dimensions=[{"Name": "A", "Value": "1"},
                                          {"Name": "A", "Value": "2"}])],
                    [dict(ok, max=-1)], [dict(ok, missing_fraction=2)],
                    [dict(ok, spike={"hours": 0, "factor": 1})],
                    [dict(ok, spike={"hours": 1})],
                    [dict(ok, spike={"hours": 1, "factor": -1})]):
            with self.assertRaises(ValueError):
                svc_cloudwatch.Service({"us-east-1": {"metric_data": {
                    "series": bad}}}, "111122223333")
        for md in ({"generate": {"count": -1}}, {"generate": {"typo": 1}},
                   {"series": {}}, {"other": 1}):
            with self.assertRaises(ValueError):
                svc_cloudwatch.Service({"us-east-1": {"metric_data": md}},
                                       "111122223333")


SNS_SCENARIO_FILE = os.path.join(HERE, "scenarios", "sns.json")
T_STD = "arn:aws:sns:us-east-1:111122223333:secops"
T_FIFO = "arn:aws:sns:us-east-1:111122223333:secops.fifo"
T_GROUP = "arn:aws:sns:us-east-1:111122223333:secops-group.fifo"
T_EU = "arn:aws:sns:eu-west-1:111122223333:secops-eu"
T_CENTRAL = "arn:aws:sns:us-east-1:444455556666:central-alerts"


class SnsTests(unittest.TestCase):
    """SNS through a real botocore client and raw requests."""

    def setUp(self):
        with open(SNS_SCENARIO_FILE) as fh:
            self.srv = FakeServer(json.load(fh))
        self.sns = self.client()

    def tearDown(self):
        self.srv.close()

    def client(self, region="us-east-1", validate=True, akid=AKID,
               secret=SECRET):
        return botocore.session.get_session().create_client(
            "sns", region_name=region, endpoint_url=self.srv.url,
            aws_access_key_id=akid, aws_secret_access_key=secret,
            config=Config(retries={"total_max_attempts": 1},
                          parameter_validation=validate,
                          connect_timeout=5, read_timeout=10))

    def err(self, fn=None, **kw):
        try:
            (fn or self.sns.publish)(**kw)
        except ClientError as e:
            return (e.response["ResponseMetadata"]["HTTPStatusCode"],
                    e.response["Error"]["Code"],
                    e.response["Error"]["Message"])
        self.fail("no error for %r" % (kw,))

    def messages(self, query=""):
        return self.srv.admin("GET", "/_fake/sns/messages" + query)[1]

    def summary(self):
        return self.srv.admin("GET", "/_fake/sns/summary")[1]

    def test_publish_standard_and_record(self):
        out = self.sns.publish(
            TopicArn=T_STD, Message="héllo", Subject="Alert: high",
            MessageAttributes={
                "sev": {"DataType": "String", "StringValue": "HIGH"},
                "n": {"DataType": "Number.float", "StringValue": "-1.5e3"},
                "b": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
                "a": {"DataType": "String.Array",
                      "StringValue": '["x", 1, true, null]'}},
            MessageGroupId="fair-queue-group")   # allowed on standard topics
        self.assertNotIn("SequenceNumber", out)
        m, = self.messages()
        self.assertEqual(m["message_id"], out["MessageId"])
        self.assertEqual((m["message"], m["subject"], m["group_id"]),
                         ("héllo", "Alert: high", "fair-queue-group"))
        self.assertEqual(m["attributes"]["b"], {"type": "Binary",
                                                "value": "AP8="})
        self.assertEqual(m["attributes"]["n"]["type"], "Number.float")
        self.assertTrue(m["delivered"] and m["answered"])
        self.assertFalse(m["duplicate"])
        self.assertEqual(m["publisher"], "arn:aws:iam::111122223333:user/"
                         "secmond")
        self.sns.publish(TopicArn=T_STD, MessageStructure="json",
                         Message='{"default": "d", "email": "e", "x": 1}')
        self.assertEqual(self.summary()["delivered"], 2)
        self.assertEqual(self.srv.admin("DELETE", "/_fake/sns/messages")[1],
                         {"cleared": 2})
        self.assertEqual(self.messages(), [])
        # TargetArn naming a topic works too; cross-account with publishers
        self.sns.publish(TargetArn=T_STD, Message="t")
        self.sns.publish(TopicArn=T_CENTRAL, Message="c")
        self.assertEqual([m["topic"] for m in self.messages()],
                         [T_STD, T_CENTRAL])
        attrs = self.sns.get_topic_attributes(TopicArn=T_STD)["Attributes"]
        self.assertEqual(attrs["DisplayName"], "SecOps")
        self.assertNotIn("FifoTopic", attrs)
        st = self.srv.admin("GET", "/_fake/state")[1]
        self.assertIn(T_CENTRAL, [t["arn"] for t in st["accounts"][
            "444455556666"]["sns"]["topics"]])

    def test_fifo_dedup_window_and_scope(self):
        a = self.sns.publish(TopicArn=T_FIFO, Message="a", MessageGroupId="g",
                             MessageDeduplicationId="d1")
        b = self.sns.publish(TopicArn=T_FIFO, Message="b", MessageGroupId="h",
                             MessageDeduplicationId="d1")
        self.assertEqual(a["MessageId"], b["MessageId"])
        self.assertEqual(a["SequenceNumber"], b["SequenceNumber"])
        c = self.sns.publish(TopicArn=T_FIFO, Message="c", MessageGroupId="g",
                             MessageDeduplicationId="d2")
        self.assertGreater(int(c["SequenceNumber"]), int(a["SequenceNumber"]))
        # MessageGroup scope: the same id in another group is a new message
        self.sns.publish(TopicArn=T_GROUP, Message="x", MessageGroupId="g1",
                         MessageDeduplicationId="same")
        self.sns.publish(TopicArn=T_GROUP, Message="x", MessageGroupId="g2",
                         MessageDeduplicationId="same")
        s = self.summary()
        self.assertEqual((s["accepted"], s["delivered"], s["duplicates"]),
                         (5, 4, 1))
        self.assertEqual(s["by_dedup_id"]["d1"], {"accepted": 2,
                                                  "delivered": 1})
        dup, = self.messages("?delivered=false")
        self.assertEqual((dup["message"], dup["duplicate_of"]),
                         ("b", a["MessageId"]))
        # dedup memory outlives DELETE unless asked; the clock moves it on
        self.srv.admin("DELETE", "/_fake/sns/messages")
        self.sns.publish(TopicArn=T_FIFO, Message="a", MessageGroupId="g",
                         MessageDeduplicationId="d1")
        self.assertTrue(self.messages()[0]["duplicate"])
        self.assertEqual(self.srv.admin("POST", "/_fake/sns/advance",
                                        {"seconds": 299})[0], 200)
        self.sns.publish(TopicArn=T_FIFO, Message="a", MessageGroupId="g",
                         MessageDeduplicationId="d1")
        self.assertTrue(self.messages()[-1]["duplicate"])
        self.srv.admin("POST", "/_fake/sns/advance", {"seconds": 2})
        self.sns.publish(TopicArn=T_FIFO, Message="a", MessageGroupId="g",
                         MessageDeduplicationId="d1")
        self.assertTrue(self.messages()[-1]["delivered"])
        self.srv.admin("DELETE", "/_fake/sns/messages", {"dedup": True})
        self.sns.publish(TopicArn=T_FIFO, Message="a", MessageGroupId="g",
                         MessageDeduplicationId="d1")
        self.assertTrue(self.messages()[-1]["delivered"])
        self.assertEqual(self.srv.admin("POST", "/_fake/sns/advance",
                                        {"seconds": -1})[0], 400)
        self.assertEqual(self.srv.admin("GET", "/_fake/sns/nope")[0], 404)

    def test_validation(self):
        raw = self.client(validate=False)
        ip = (400, "InvalidParameter")
        pv = (400, "ParameterValueInvalid")
        cases = [
            (ip, "Invalid parameter: Subject",
             dict(TopicArn=T_STD, Message="m", Subject="s" * 100)),
            (ip, "Invalid parameter: Subject",
             dict(TopicArn=T_STD, Message="m", Subject="a\tb")),
            (ip, "Invalid parameter: Message too long",
             dict(TopicArn=T_STD, Message="x" * 262145)),
            (ip, "Invalid parameter: Message too long",
             dict(TopicArn=T_STD, Message="x" * 262140, MessageAttributes={
                 "ab": {"DataType": "String", "StringValue": "x"}})),
            (ip, "Invalid parameter: Empty message",
             dict(TopicArn=T_STD, Message="")),
            (ip, "Invalid parameter: The MessageGroupId parameter is "
                 "required for FIFO topics",
             dict(TopicArn=T_FIFO, Message="m", MessageDeduplicationId="d")),
            (ip, "ContentBasedDeduplication",
             dict(TopicArn=T_FIFO, Message="m", MessageGroupId="g")),
            (ip, "MessageDeduplicationId",
             dict(TopicArn=T_STD, Message="m", MessageDeduplicationId="d")),
            (ip, "MessageGroupId",
             dict(TopicArn=T_FIFO, Message="m", MessageGroupId="g" * 129,
                  MessageDeduplicationId="d")),
            (ip, "MessageDeduplicationId",
             dict(TopicArn=T_FIFO, Message="m", MessageGroupId="g",
                  MessageDeduplicationId="é")),
            (ip, "Invalid parameter: TopicArn",
             dict(TopicArn=T_EU, Message="m")),
            (ip, "Invalid parameter: TopicArn",
             dict(TopicArn="arn:aws:sns:us-east-1:1:x", Message="m")),
            ((404, "NotFound"), "Topic does not exist",
             dict(TopicArn=T_STD + "-nope", Message="m")),
            (ip, "No default entry",
             dict(TopicArn=T_STD, Message='{"default": 1}',
                  MessageStructure="json")),
            (ip, "failed to parse",
             dict(TopicArn=T_STD, Message='{"default": "a", "default": "b"}',
                  MessageStructure="json")),
            (ip, "Invalid parameter: MessageStructure",
             dict(TopicArn=T_STD, Message="m", MessageStructure="xml")),
            (pv, "non-empty", dict(TopicArn=T_STD, Message="m",
                                   MessageAttributes={"k": {
                                       "DataType": "String",
                                       "StringValue": ""}})),
            (pv, "must use field 'Binary'", dict(
                TopicArn=T_STD, Message="m", MessageAttributes={"k": {
                    "DataType": "Binary", "StringValue": "x"}})),
            (pv, "number", dict(TopicArn=T_STD, Message="m",
                                MessageAttributes={"k": {
                                    "DataType": "Number",
                                    "StringValue": "1" * 39}})),
            (pv, "String.Array", dict(TopicArn=T_STD, Message="m",
                                      MessageAttributes={"k": {
                                          "DataType": "String.Array",
                                          "StringValue": '[{"a": 1}]'}})),
            (pv, "AWS.", dict(TopicArn=T_STD, Message="m",
                              MessageAttributes={"AWS.x": {
                                  "DataType": "String",
                                  "StringValue": "v"}})),
            (pv, "exceeds the allowed maximum [10]", dict(
                TopicArn=T_STD, Message="m", MessageAttributes={
                    "a%d" % i: {"DataType": "String", "StringValue": "v"}
                    for i in range(11)})),
            (ip, "TopicArn or TargetArn", dict(Message="m")),
            (ip, "PhoneNumber", dict(PhoneNumber="+15555550100",
                                     Message="m")),
        ]
        for (status, code), text, kw in cases:
            got = self.err(raw.publish, **kw)
            self.assertEqual(got[:2], (status, code), kw)
            self.assertIn(text, got[2], kw)
        self.assertEqual(self.messages(), [])
        # exactly the limit is fine
        self.sns.publish(TopicArn=T_STD, Message="x" * 262144)
        self.sns.publish(TopicArn=T_STD, Message="m", Subject="s" * 99)
        eu = self.client("eu-west-1")
        eu.publish(TopicArn=T_EU, Message="m")
        outsider = self.client(akid="AKIDSECMONFAKE0000003",
                               secret="other/account+key=for/tests")
        got = self.err(outsider.publish, TopicArn=T_STD, Message="m")
        self.assertEqual(got[:2], (403, "AuthorizationError"))
        self.assertIn("arn:aws:iam::999988887777:user/outsider", got[2])
        self.assertEqual(len(self.messages()), 3)

    def test_raw_xml_errors_and_steps(self):
        hdrs = {"Content-Type": "application/x-www-form-urlencoded; "
                                "charset=utf-8"}

        def post(body):
            req = sign("POST", self.srv.url + "/", body, hdrs, service="sns")
            conn = http.client.HTTPConnection("127.0.0.1", self.srv.port)
            conn.request("POST", "/", body, dict(req.headers.items()))
            resp = conn.getresponse()
            out = resp.read().decode()
            conn.close()
            return resp.status, resp.getheader("x-amzn-RequestId"), out

        st, rid, xml = post(b"Action=Publish&Version=2010-03-31&TopicArn="
                            b"arn%3Aaws%3Asns%3Aus-east-1%3A111122223333%3A"
                            b"secops.fifo&Message=m&MessageGroupId=g&"
                            b"MessageDeduplicationId=d")
        self.assertEqual(st, 200)
        self.assertRegex(xml, r'^<PublishResponse xmlns="http://sns\.amazonaws'
                         r'\.com/doc/2010-03-31/">\s*<PublishResult>\s*'
                         r'<MessageId>[0-9a-f-]{36}</MessageId>\s*'
                         r'<SequenceNumber>\d{20}</SequenceNumber>\s*'
                         r'</PublishResult>\s*<ResponseMetadata>\s*'
                         r'<RequestId>' + rid + '</RequestId>')
        st, rid, xml = post(b"Action=Publish&Version=2010-03-31&TopicArn="
                            b"arn%3Aaws%3Asns%3Aus-east-1%3A111122223333%3A"
                            b"nope&Message=m")
        self.assertEqual(st, 404)
        self.assertIn('<ErrorResponse xmlns="http://sns.amazonaws.com/doc/'
                      '2010-03-31/"><Error><Type>Sender</Type><Code>NotFound'
                      '</Code>', xml)
        self.assertIn("<RequestId>%s</RequestId>" % rid, xml)
        st, _, xml = post(b"Action=Publish&Version=2010-03-31&Message=%FF")
        self.assertEqual(st, 400)
        self.assertIn("<Code>InvalidParameter</Code>", xml)
        st, _, xml = post(b"Action=Publish&Version=2010-03-31&TopicArn=" +
                          T_STD.encode() + b"&Message=m&Bogus=1")
        self.assertIn("Bogus", xml)
        st, _, xml = post(b"Action=CreateTopic&Version=2010-03-31&Name=x")
        self.assertEqual((st, "<Code>InvalidAction</Code>" in xml),
                         (400, True))
        self.srv.admin("POST", "/_fake/faults", {
            "service": "sns", "kind": "status", "status": 500,
            "code": "InternalError"})
        st, _, xml = post(b"Action=Publish&Version=2010-03-31")
        self.assertEqual(st, 500)
        self.assertIn("<Type>Receiver</Type><Code>InternalError</Code>", xml)
        # steps remove and add topics
        self.srv.admin("POST", "/_fake/step")
        self.assertEqual(self.err(TopicArn=T_STD + "-old", Message="m")[1],
                         "NotFound")
        self.srv.admin("POST", "/_fake/step")
        self.sns.publish(TopicArn=T_STD + "-old", Message="m")

    def test_probability_and_accept_then_reset(self):
        self.srv.admin("POST", "/_fake/faults", {
            "service": "sns", "op": "Publish", "kind": "status",
            "status": 400, "code": "Throttling", "probability": 0.5,
            "seed": 7, "times": -1, "after": 2})
        outcomes = []
        for i in range(22):
            try:
                self.sns.publish(TopicArn=T_STD, Message="m%d" % i)
                outcomes.append(True)
            except ClientError as e:
                self.assertEqual(e.response["Error"]["Code"], "Throttling")
                self.assertEqual(e.response["Error"]["Message"],
                                 "Rate exceeded")
                outcomes.append(False)
        rng = __import__("random").Random(7)
        want = [True, True] + [rng.random() >= 0.5 for _ in range(20)]
        self.assertEqual(outcomes, want)
        self.assertEqual(len(self.messages()), sum(want))
        self.srv.admin("DELETE", "/_fake/faults")
        self.srv.admin("DELETE", "/_fake/sns/messages")
        self.srv.admin("POST", "/_fake/faults", {
            "service": "sns", "op": "Publish", "kind": "accept_then_reset"})
        with self.assertRaises(Exception) as ctx:
            self.sns.publish(TopicArn=T_FIFO, Message="m", MessageGroupId="g",
                             MessageDeduplicationId="x")
        self.assertNotIsInstance(ctx.exception, ClientError)
        out = self.sns.publish(TopicArn=T_FIFO, Message="m",
                               MessageGroupId="g", MessageDeduplicationId="x")
        first, retry = self.messages()
        self.assertEqual((first["delivered"], first["answered"]),
                         (True, False))
        self.assertEqual((retry["delivered"], retry["duplicate"]),
                         (False, True))
        self.assertEqual(out["MessageId"], first["message_id"])
        s = self.summary()
        self.assertEqual((s["accepted"], s["delivered"], s["unanswered"]),
                         (2, 1, 1))
        # a rejected publish under accept_then_reset records nothing
        self.srv.admin("POST", "/_fake/faults", {
            "service": "sns", "op": "Publish", "kind": "accept_then_reset"})
        with self.assertRaises(Exception):
            self.sns.publish(TopicArn=T_FIFO, Message="m")
        self.assertEqual(len(self.messages()), 2)
        log = self.srv.admin("GET", "/_fake/requests")[1]
        self.assertEqual([r.get("unsent_status") for r in log
                          if r["fault"] == "accept_then_reset"], [200, 400])


class SnsUnitTests(unittest.TestCase):

    def test_fault_probability_checks(self):
        for bad in ({"probability": 1.5}, {"probability": "x"},
                    {"probability": True}, {"seed": 1.5}):
            spec = {"service": "sns", "kind": "reset"}
            spec.update(bad)
            with self.assertRaises(faultlib.FaultError):
                faultlib.check_fault(spec)
        table = faultlib.FaultTable()
        table.add({"service": "sns", "kind": "reset", "probability": 0.3,
                   "seed": "s", "times": 3})
        rng = __import__("random").Random("s")
        want = []
        while sum(want) < 3:
            want.append(rng.random() < 0.3)
        got = [table.take("sns", "Publish", "us-east-1") is not None
               for _ in want]
        self.assertEqual(got, want)
        self.assertIsNone(table.take("sns", "Publish", "us-east-1"))
        self.assertEqual(table.list(), [])
        table.add({"service": "sns", "kind": "status", "status": 400,
                   "code": "ThrottlingException"})
        self.assertEqual(table.list()[0]["message"], "Rate exceeded")

    def test_bad_scenarios(self):
        acct = "111122223333"
        for bad in ({"typo": []}, {"topics": {}},
                    {"topics": [{"arn": "arn:aws:sns:us-east-1:"
                                        "444455556666:x"}]},
                    {"topics": [{"arn": "arn:aws:sns:us-east-1:%s:a.b"
                                 % acct}]},
                    {"topics": [{"arn": "arn:aws:sns:us-east-1:%s:x" % acct,
                                 "content_based_deduplication": True}]},
                    {"topics": [{"arn": "arn:aws:sns:us-east-1:%s:x" % acct,
                                 "fifo_throughput_scope": "Topic"}]},
                    {"topics": [{"arn": "arn:aws:sns:us-east-1:%s:x" % acct},
                                {"arn": "arn:aws:sns:us-east-1:%s:x" % acct}]},
                    {"topics": [], "dedup_window_seconds": 0},
                    {"topics": [{"arn": "arn:aws:sns:us-east-1:%s:x" % acct,
                                 "colour": "red"}]}):
            with self.assertRaises(ValueError, msg=repr(bad)):
                svc_sns.Service(bad, acct)
        svc = svc_sns.Service({"topics": []}, acct)
        with self.assertRaises(ValueError):
            svc.apply_step({"remove": ["arn:aws:sns:us-east-1:%s:x" % acct]})
        sc = copy.deepcopy(SCENARIO)
        sc["steps"] = [{"sns": {"remove": ["arn:aws:sns:us-east-1:%s:x"
                                           % acct]}}]
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "sc.json")
            with open(path, "w") as fh:
                json.dump(sc, fh)
            with self.assertRaises(ValueError):   # dry run at start-up
                fakeaws.FakeAWS(scenariolib.load(path))


def is_json(data):
    try:
        json.loads(data)
        return True
    except ValueError:
        return False


def read_response(f):
    """(status, body) of one HTTP/1.1 response with Content-Length."""
    status = int(f.readline().split()[1])
    length = 0
    while True:
        line = f.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return status, f.read(length)

if __name__ == "__main__":
    unittest.main()
