#!/usr/bin/env python3
"""fakeaws: a fake AWS endpoint for secmond's tests.

Owns: the command line, the HTTP/1.1 server (keep-alive, optional TLS),
reading requests, the signature gate, routing a request to a service module
by the credential scope's service name (and to the caller's account's state
for per-account services), the unsigned endpoints (IMDS, container
credentials, STS AssumeRoleWithWebIdentity), fault injection on the
connection, the request log and the admin API under /_fake/.

Services live in svc_<name>.py modules (see svc_guardduty.py for the
interface); to add one with per-account state, import it and add it to
SERVICE_MODULES.  Identities and issued credentials: identity.py; STS:
svc_sts.py; IMDS and container credentials: svc_metadata.py.

Usage: fakeaws.py --scenario FILE [--host 127.0.0.1] [--port 0]
                  [--log FILE] [--tls-cert CERT --tls-key KEY] [--verbose]
Prints "fakeaws listening on http(s)://HOST:PORT" once bound; exits 0 on
SIGTERM/SIGINT.  See README.md.
"""

import argparse
import datetime
import json
import os
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote

sys.dont_write_bytecode = True   # keep tests/fakeaws free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import faults as faultlib  # noqa: E402
import identity as identitylib  # noqa: E402
import scenario as scenariolib  # noqa: E402
import sigv4check  # noqa: E402
import svc_cloudwatch  # noqa: E402
import svc_guardduty  # noqa: E402
import svc_metadata  # noqa: E402
import svc_securityhub  # noqa: E402
import svc_sns  # noqa: E402
import svc_sts  # noqa: E402
from wire import (REST_JSON, ApiError, Call, Reply, auth_error,  # noqa: E402
                  json_bytes, render_error)

# services whose state is per account (scenario top level + "accounts"),
# keyed by scenario section name (SECTION, default NAME); NAME is the
# SigV4 signing name that routes requests (cloudwatch signs as monitoring)
SERVICE_MODULES = {getattr(m, "SECTION", m.NAME): m
                   for m in (svc_guardduty, svc_securityhub, svc_cloudwatch,
                             svc_sns)}
SIGNING_NAMES = {m.NAME: section for section, m in SERVICE_MODULES.items()}
MAX_BODY = 8 * 1024 * 1024
TOP_LEVEL_KEYS = {"credentials", "steps", "description", "comment", "roles",
                  "web_identity_tokens", "credential_lifetime_seconds",
                  "imds", "container", "accounts"}
ACCOUNT_RE = identitylib.ACCOUNT_RE


class FakeAWS:
    """Everything the handlers share: scenario, services, faults, log."""

    def __init__(self, sc, log_path=None, verbose=False):
        self.lock = threading.Lock()
        self.identity = identitylib.Identity(sc)
        self.credentials = self.identity   # .get(akid), for sigv4check
        self.default_account = sc["credentials"][0]["account_id"]
        self.sts = svc_sts.Service(self.identity)
        self.imds = svc_metadata.Imds(sc.get("imds"), self.identity)
        self.container = svc_metadata.Container(sc.get("container"),
                                                self.identity)
        for key in sc:
            if key not in TOP_LEVEL_KEYS and key not in SERVICE_MODULES:
                raise scenariolib.ScenarioError("unknown scenario section %r"
                                                % key)
        accounts = sc.get("accounts") or {}
        if not isinstance(accounts, dict):
            raise scenariolib.ScenarioError("accounts must be an object "
                                            "keyed by 12-digit account id")
        top = {k: sc[k] for k in SERVICE_MODULES if k in sc}
        base = accounts.get(self.default_account)
        if base is not None:   # the base account may be given here instead
            self._check_account_section(self.default_account, base)
            both = set(top) & set(base)
            if both:
                raise scenariolib.ScenarioError(
                    "accounts.%s: %s also given at the top level (the top "
                    "level is the base account's state)"
                    % (self.default_account, sorted(both)))
            top.update(base)
        self.services = self._make_services(top, None)
        # account id -> {service name -> Service}; accounts not listed
        # share the top-level state
        self.account_services = {}
        for acct, section in accounts.items():
            if acct == self.default_account:
                continue
            self._check_account_section(acct, section)
            self.account_services[acct] = self._make_services(section, acct)
        # modules whose accounts share something (SNS: topic lookup across
        # accounts, the message record): link(services), base account
        # first; the result may serve /_fake/<section>/... (admin())
        self.links = {}
        for name, mod in SERVICE_MODULES.items():
            if hasattr(mod, "link"):
                self.links[name] = mod.link(
                    [self.services[name]] + [svcs[name] for svcs in
                                             self.account_services.values()])
        self.steps = sc["steps"]
        self.step_index = 0
        self.faults = faultlib.FaultTable()
        self.requests = []
        self.verbose = verbose
        self.log_file = open(log_path, "a", encoding="utf-8") \
            if log_path else None
        self._dry_run_steps()

    @staticmethod
    def _check_account_section(acct, section):
        if not ACCOUNT_RE.match(acct):
            raise scenariolib.ScenarioError("accounts: %r is not a 12-digit "
                                            "account id" % acct)
        if not isinstance(section, dict) or set(section) - set(
                SERVICE_MODULES):
            raise scenariolib.ScenarioError(
                "accounts.%s: must be an object with keys among %s"
                % (acct, sorted(SERVICE_MODULES)))

    def _make_services(self, sections, account):
        """One Service per module for `account` (None: the base account,
        whose sections are the scenario's top level)."""
        out = {}
        for name, mod in SERVICE_MODULES.items():
            try:
                out[name] = mod.Service(sections.get(name) or {},
                                        account or self.default_account)
            except ValueError as e:
                if account is None:
                    raise
                raise scenariolib.ScenarioError("accounts.%s: %s"
                                                % (account, e))
        return out

    def service_for(self, name, account):
        """The service object answering `name` for a caller in `account`."""
        if name == svc_sts.NAME:
            return self.sts
        name = SIGNING_NAMES.get(name, name)
        per = self.account_services.get(account)
        if per is not None and name in per:
            return per[name]
        return self.services.get(name)

    def _apply_step(self, step, where, services, account_services,
                    faults=None):
        for key, section in step.items():
            if key == "faults":
                for f in section:
                    if faults is None:
                        faultlib.check_fault(f)
                    else:
                        faults.add(f)
            elif key == "accounts":
                if not isinstance(section, dict):
                    raise scenariolib.ScenarioError(
                        where + ".accounts must be an object")
                for acct, sub in section.items():
                    self._check_account_section(acct, sub)
                    target = services if acct == self.default_account \
                        else account_services.get(acct)
                    if target is None:
                        raise scenariolib.ScenarioError(
                            "%s.accounts: account %s is not in the "
                            "scenario's accounts" % (where, acct))
                    for name, part in sub.items():
                        target[name].apply_step(
                            part, "%s.accounts.%s" % (where, acct))
            elif key in services:
                services[key].apply_step(section, where)
            else:
                raise scenariolib.ScenarioError(
                    "%s: unknown key %r" % (where, key))

    def _dry_run_steps(self):
        """Apply every step to copies so a broken scenario fails early."""
        twins = {n: s.clone() for n, s in self.services.items()}
        acct_twins = {a: {n: s.clone() for n, s in svcs.items()}
                      for a, svcs in self.account_services.items()}
        for i, step in enumerate(self.steps):
            self._apply_step(step, "steps[%d]" % i, twins, acct_twins)

    def next_step(self):
        """Apply the next scenario step; its 1-based number, or None."""
        with self.lock:
            if self.step_index >= len(self.steps):
                return None
            step = self.steps[self.step_index]
            self.step_index += 1
            n = self.step_index
        self._apply_step(step, "steps[%d]" % (n - 1), self.services,
                         self.account_services, self.faults)
        return n

    def record(self, rec):
        with self.lock:
            self.requests.append(rec)
            if self.log_file:
                self.log_file.write(json.dumps(rec, sort_keys=True) + "\n")
                self.log_file.flush()

    def expected(self):
        """Expected results per account and region (services with an
        expected() method: Security Hub's console scores)."""
        out = {}
        every = [(self.default_account, self.services)] + list(
            self.account_services.items())
        for acct, svcs in every:
            for name, svc in svcs.items():
                if hasattr(svc, "expected"):
                    out.setdefault(acct, {}).update(svc.expected(acct))
        return out

    def state(self):
        out = {"step": self.step_index, "steps_total": len(self.steps),
               "account": self.default_account}
        for name, svc in self.services.items():
            out[name] = svc.state()
        out["accounts"] = {self.default_account: {
            name: out[name] for name in self.services}}
        for acct, svcs in self.account_services.items():
            out["accounts"][acct] = {n: s.state() for n, s in svcs.items()}
        out["imds"] = self.imds.state()
        out["container"] = self.container.state()
        return out


# ------------------------------------------------------------------ HTTP

class Handler(BaseHTTPRequestHandler):
    """One connection; requests are served in turn (keep-alive)."""

    protocol_version = "HTTP/1.1"
    server_version = "fakeaws/1.0"
    sys_version = ""
    timeout = 120   # idle keep-alive connections are closed after this

    def setup(self):
        super().setup()
        if isinstance(self.connection, ssl.SSLSocket):
            self.connection.do_handshake()

    def log_message(self, fmt, *args):  # quiet unless --verbose
        if self.server.fake.verbose:
            sys.stderr.write("fakeaws: %s\n" % (fmt % args))

    def do_GET(self):
        self.dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    # -- request

    def read_body(self):
        """The request body bytes, or None after replying with an error."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        try:
            n = int(length)
            if n < 0:
                raise ValueError
        except ValueError:
            self.send_plain(400, "bad Content-Length")
            return None
        if n > MAX_BODY:
            self.send_plain(413, "request body too large")
            return None
        return self.rfile.read(n)

    def _read_chunked(self):
        out = bytearray()
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                self.send_plain(400, "bad chunk")
                return None
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return bytes(out)
            if len(out) + size > MAX_BODY:
                self.send_plain(413, "request body too large")
                return None
            out += self.rfile.read(size)
            self.rfile.readline(1024)

    def dispatch(self):
        body = self.read_body()
        if body is None:
            return
        raw_path, _, raw_query = self.path.partition("?")
        fake = self.server.fake
        if raw_path.startswith("/_fake/") or raw_path == "/_fake":
            self.admin(raw_path, body)
        elif fake.imds.owns(raw_path):
            self.local(fake.imds, raw_path, raw_query, body)
        elif fake.container.owns(raw_path):
            self.local(fake.container, raw_path, raw_query, body)
        else:
            self.api(raw_path, raw_query, body)

    # -- replies

    def send_reply(self, reply, request_id=None, body_limit=None):
        """Send a Reply; body_limit cuts the body (truncate fault)."""
        self.send_response(reply.status)
        headers = dict(reply.headers)
        headers.setdefault("x-amzn-RequestId", request_id or str(uuid.uuid4()))
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(reply.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body if body_limit is None
                             else reply.body[:body_limit])
        self.wfile.flush()

    def send_json(self, status, obj):
        self.send_reply(Reply(status, json_bytes(obj),
                              {"Content-Type": "application/json"}))

    def send_plain(self, status, text):
        self.close_connection = True
        self.send_reply(Reply(status, text.encode() + b"\n",
                              {"Content-Type": "text/plain"}))

    def reset_connection(self):
        """Close with RST and no reply."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.connection.close()

    # -- API requests

    def local(self, svc, raw_path, raw_query, body):
        """Unsigned credential endpoints (IMDS, container agent)."""
        rec = self.new_record(raw_path, raw_query, body)
        rec["signature"] = "none"
        rec["service"] = svc.name
        op, labels = svc.route(self.command, raw_path, self.headers, body,
                               raw_query)
        rec["op"] = op
        call = Call(service=svc.name, op=op, labels=labels, region=None,
                    method=self.command, path=unquote(raw_path),
                    raw_path=raw_path, query=rec["query"],
                    headers=self.headers, body=body,
                    request_id=rec["request_id"])
        self.run_call(rec, svc, call)

    def unsigned_sts(self, rec, raw_path, raw_query, body):
        """AssumeRoleWithWebIdentity without a signature."""
        fake = self.server.fake
        rec["signature"] = "unsigned"
        rec["service"] = svc_sts.NAME
        rec["region"] = region_from_host(self.headers.get("Host"))
        op = fake.sts.route(self.command, raw_path, self.headers, body,
                            raw_query)[0]
        rec["op"] = op
        call = Call(service=svc_sts.NAME, op=op, labels={},
                    region=rec["region"], method=self.command,
                    path=unquote(raw_path), raw_path=raw_path,
                    query=rec["query"], headers=self.headers, body=body,
                    request_id=rec["request_id"])
        self.run_call(rec, fake.sts, call)

    def api(self, raw_path, raw_query, body):
        fake = self.server.fake
        rec = self.new_record(raw_path, raw_query, body)
        if not self.headers.get("Authorization") and \
                fake.sts.is_unsigned_call(self.command, raw_path, raw_query,
                                          self.headers, body):
            return self.unsigned_sts(rec, raw_path, raw_query, body)
        auth = sigv4check.verify(self.command, raw_path, raw_query,
                                 self.headers, body, fake.credentials)
        rec["signature"] = auth.outcome
        rec["service"], rec["region"] = auth.service, auth.region
        account = auth.credential["account_id"] if auth.credential else None
        rec["account"] = account
        svc = fake.service_for(auth.service, account)
        if svc is None and auth.service is None:
            routed = fake.sts.route(self.command, raw_path, self.headers,
                                    body, raw_query)
            if routed and routed[0]:   # Action=...: answer in XML
                svc = fake.sts
        if not auth.ok:
            rec["auth_error"] = auth.error
            proto = svc_protocol(svc, self.headers)
            return self.finish_api(rec, svc, auth_error(proto, auth.error,
                                                        auth.message))
        if svc is None:
            return self.finish_api(rec, None, ApiError(
                403, "InvalidSignatureException", "Credential should be "
                "scoped to correct service: '%s'. (fakeaws serves %s)"
                % (auth.service, ", ".join(sorted(fake.services)))))
        fake.identity.mark_used(auth.scope[0])
        routed = svc.route(self.command, raw_path, self.headers, body,
                           raw_query)
        if routed is None:
            return self.finish_api(rec, svc, ApiError(
                404, "UnknownOperationException", "No operation matches %s %s"
                % (self.command, raw_path)))
        rec["op"] = routed[0]
        call = Call(service=auth.service, op=routed[0], labels=routed[1],
                    region=auth.region, method=self.command,
                    account_id=account, credential=auth.credential,
                    path=unquote(raw_path), raw_path=raw_path,
                    query=rec["query"], headers=self.headers, body=body,
                    request_id=rec["request_id"])
        self.run_call(rec, svc, call)

    def run_call(self, rec, svc, call):
        fault = self.server.fake.faults.take(call.service, call.op,
                                             call.region)
        kind = fault["kind"] if fault else None
        rec["fault"] = kind
        call.fault = kind
        if kind == "status":
            return self.finish_api(rec, svc, ApiError(
                fault["status"], fault["code"], fault["message"],
                fault.get("headers")))
        if kind == "reset":
            rec["status"] = None
            self.server.fake.record(rec)
            return self.reset_connection()
        if kind == "delay":
            time.sleep(fault["seconds"])
        if kind == "accept_then_reset":
            return self.accept_then_reset(rec, svc, call)
        call.emptypage = kind == "emptypage"
        try:
            reply = svc.handle(call)
        except ApiError as e:
            e.request_id = rec["request_id"]
            reply = error_reply(svc, e, self.headers)
        except Exception:  # a bug in the fake: say so loudly
            traceback.print_exc()
            reply = error_reply(svc, ApiError(
                500, "InternalServerErrorException", "fakeaws bug, see its "
                "stderr"), self.headers)
        rec["params"] = call.params
        self.finish_api(rec, svc, reply, fault)

    def accept_then_reset(self, rec, svc, call):
        """Carry the request out (an SNS Publish is recorded as
        delivered), then reset the connection instead of answering."""
        try:
            reply = svc.handle(call)
            rec["unsent_status"] = reply.status
        except ApiError as e:
            rec["unsent_status"] = e.status
        except Exception:  # a bug in the fake: say so loudly
            traceback.print_exc()
            rec["unsent_status"] = 500
        rec["params"] = call.params
        rec["status"] = None
        self.server.fake.record(rec)
        return self.reset_connection()

    def finish_api(self, rec, svc, reply, fault=None):
        """Send an API reply (Reply or ApiError), applying body faults."""
        if isinstance(reply, ApiError):
            reply.request_id = rec["request_id"]
            reply = error_reply(svc, reply, self.headers) if svc else \
                render_error(REST_JSON, reply)
        limit = None
        kind = fault["kind"] if fault else None
        if kind in ("malformed", "badutf8", "oversize"):
            reply.status = 200
            reply.body = {"malformed": faultlib.malformed_body,
                          "badutf8": faultlib.badutf8_body,
                          "oversize": lambda b: faultlib.oversize_body(
                              b, fault["bytes"])}[kind](reply.body)
        elif kind == "truncate":
            limit = len(reply.body) // 2
            self.close_connection = True
        rec["status"] = reply.status
        self.server.fake.record(rec)
        self.send_reply(reply, rec["request_id"], limit)

    def new_record(self, raw_path, raw_query, body):
        query = {k: v[-1] if len(v) == 1 else v for k, v in
                 parse_qs(raw_query, keep_blank_values=True).items()}
        return {
            "time": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "request_id": str(uuid.uuid4()),
            "service": None, "op": None, "region": None,
            "method": self.command, "path": raw_path, "raw_query": raw_query,
            "query": query,
            "params": parse_body(self.headers, body),
            "status": None, "fault": None, "signature": None,
            "account": None,
        }

    # -- admin API

    def admin(self, raw_path, body):
        fake = self.server.fake
        route = (self.command, raw_path.rstrip("/"))
        try:
            arg = json.loads(body) if body.strip() else None
        except ValueError:
            return self.send_json(400, {"error": "body is not JSON"})
        parts = route[1].split("/", 3)   # "", "_fake", section, rest
        if len(parts) == 4 and parts[2] in fake.links and \
                hasattr(fake.links[parts[2]], "admin"):
            query = {k: v[-1] for k, v in parse_qs(
                self.path.partition("?")[2], keep_blank_values=True).items()}
            status, obj = fake.links[parts[2]].admin(self.command, parts[3],
                                                     query, arg)
            return self.send_json(status, obj)
        if route == ("POST", "/_fake/step"):
            n = fake.next_step()
            if n is None:
                return self.send_json(409, {"error": "no steps left",
                                            "step": fake.step_index})
            return self.send_json(200, {"step": n})
        if route == ("POST", "/_fake/faults"):
            try:
                return self.send_json(200, {"id": fake.faults.add(arg)})
            except faultlib.FaultError as e:
                return self.send_json(400, {"error": str(e)})
        if route == ("GET", "/_fake/faults"):
            return self.send_json(200, fake.faults.list())
        if route == ("GET", "/_fake/faults/wait"):
            # Long poll: answers once fault `id` has hit `hits` requests
            # (status 200) or after `timeout` seconds (408), with the count.
            q = {k: v[-1] for k, v in parse_qs(
                self.path.partition("?")[2]).items()}
            try:
                fid, want = int(q["id"]), int(q.get("hits", "1"))
                timeout = float(q.get("timeout", "30"))
            except (KeyError, ValueError):
                return self.send_json(400, {"error": "want id=N[&hits=N]"
                                                     "[&timeout=S]"})
            got = fake.faults.wait(fid, want, timeout)
            return self.send_json(200 if got >= want else 408,
                                  {"id": fid, "hits": got})
        if route == ("DELETE", "/_fake/faults"):
            fake.faults.clear()
            return self.send_json(200, {"cleared": True})
        if route == ("GET", "/_fake/requests"):
            with fake.lock:
                return self.send_json(200, list(fake.requests))
        if route == ("DELETE", "/_fake/requests"):
            with fake.lock:
                fake.requests.clear()
            return self.send_json(200, {"cleared": True})
        if route == ("GET", "/_fake/expected"):
            return self.send_json(200, fake.expected())
        if route == ("GET", "/_fake/state"):
            return self.send_json(200, fake.state())
        if route == ("GET", "/_fake/credentials"):
            return self.send_json(200, fake.identity.listing())
        if route == ("POST", "/_fake/expire"):
            arg = arg or {}
            if not isinstance(arg, dict) or set(arg) - {"access_key_id",
                                                        "source"}:
                return self.send_json(400, {
                    "error": "body: {} or {\"access_key_id\", \"source\"}"})
            return self.send_json(200, {"expired": fake.identity.expire(
                arg.get("access_key_id"), arg.get("source"))})
        self.send_json(404, {"error": "no admin route %s %s" % route})


def svc_protocol(svc, headers=None):
    """The wire protocol of a request to svc (CloudWatch speaks two)."""
    if svc is None:
        return REST_JSON
    if hasattr(svc, "protocol_for"):
        return svc.protocol_for(headers)
    return svc.protocol


def error_reply(svc, err, headers):
    """svc's error Reply for err, in the request's protocol."""
    if hasattr(svc, "error_reply_for"):
        return svc.error_reply_for(err, headers)
    return svc.error_reply(err)


def region_from_host(host):
    """us-east-1 for sts.amazonaws.com / an IP; REGION for
    sts.REGION.amazonaws.com."""
    parts = (host or "").split(":")[0].split(".")
    if len(parts) >= 4 and parts[0].startswith("sts") and \
            parts[-2] == "amazonaws":
        return parts[1]
    return "us-east-1"


def parse_body(headers, body):
    """Request input for the log: JSON, a form (query protocol) or None."""
    if not body:
        return None
    ctype = headers.get("Content-Type", "")
    try:
        text = body.decode("utf-8")
        if "x-www-form-urlencoded" in ctype:
            return {k: v[-1] for k, v in parse_qs(
                text, keep_blank_values=True).items()}
        return json.loads(text)
    except ValueError:
        return None


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    # socketserver's default backlog of 5 overflows when a client, the
    # daemon and a test's admin calls connect at once on a loaded machine.
    request_queue_size = 128

    def handle_error(self, request, client_address):
        """Client went away, TLS handshake failed, ...: one quiet line."""
        exc = sys.exc_info()[1]
        if self.fake.verbose or not isinstance(
                exc, (OSError, ssl.SSLError, ConnectionError)):
            sys.stderr.write("fakeaws: %s: %r\n" % (client_address, exc))


# ------------------------------------------------------------------ main

def parse_args(argv):
    p = argparse.ArgumentParser(description="fake AWS for secmond tests")
    p.add_argument("--scenario", required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--log")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        p.error("--tls-cert and --tls-key go together")
    return args


def make_server(args, fake):
    server = Server((args.host, args.port), Handler)
    server.fake = fake
    scheme = "http"
    if args.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True,
                                        do_handshake_on_connect=False)
        scheme = "https"
    host, port = server.server_address[:2]
    return server, "%s://%s:%d" % (scheme, host, port)


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    try:
        fake = FakeAWS(scenariolib.load(args.scenario), args.log,
                       args.verbose)
    except (ValueError, OSError) as e:   # ScenarioError is a ValueError
        sys.stderr.write("fakeaws: scenario %s: %s\n" % (args.scenario, e))
        return 2
    server, url = make_server(args, fake)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever,
                              kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    print("fakeaws listening on %s" % url, flush=True)
    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
