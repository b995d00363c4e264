#!/usr/bin/env python3
"""measure.py: the measuring half of tests/bench/full-poll.sh.

    measure.py --url URL --region R --conf CONF --secmond BIN --aws AWS
               --fake-pid PID --fake-log LOG --work DIR [--json OUT]

Runs, one after the other against the running fake: a warm-up (botocore,
not measured), `secmond --once -c CONF`, then the same API calls with the
AWS CLI (one process per call site, as a shell script would). Every process
is reaped with os.wait4(), whose rusage gives its CPU (user + sys, its
waited-for children included) and its peak RSS; wall time is the monotonic
clock around the phase. API calls are the fake's request-log records
written during the phase. Prints the side-by-side table.
No new dependency: python3 with botocore (the fake's own requirement).
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys
import threading
import time

CALL_TIMEOUT = 300      # one process (CLI call or secmond --once), seconds
SECMOND_TIMEOUT = 900
CLK_TCK = os.sysconf("SC_CLK_TCK")


class Usage:
    """Sums of what the processes of a phase used."""

    def __init__(self):
        self.user = self.sys = 0.0
        self.maxrss_kib = 0
        self.procs = 0
        self.wall = 0.0
        self.floor_kib = 0      # the driver's RSS when it forked

    @property
    def cpu(self):
        return self.user + self.sys

    def add(self, ru):
        self.user += ru.ru_utime
        self.sys += ru.ru_stime
        self.maxrss_kib = max(self.maxrss_kib, ru.ru_maxrss)
        self.procs += 1

    def as_dict(self):
        return {"wall_s": round(self.wall, 3), "user_s": round(self.user, 3),
                "sys_s": round(self.sys, 3), "cpu_s": round(self.cpu, 3),
                "peak_rss_mib": round(self.maxrss_kib / 1024.0, 1),
                "processes": self.procs,
                "rss_floor_mib": round(self.floor_kib / 1024.0, 1)}


def self_rss_kib():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


# Linux keeps, in a process's peak RSS, the peak of the memory it had
# before exec(): a child forked from this driver starts at the driver's
# RSS. The driver therefore stays small (no botocore here: the warm-up is
# its own process) and remembers its RSS at each fork, the floor below
# which a figure says nothing.


def run(cmd, usage, env, stdout_path, stderr_path, timeout=CALL_TIMEOUT):
    """Run cmd to completion (killed after timeout); account it in usage;
    returns the exit code (-9 when killed)."""
    usage.floor_kib = max(usage.floor_kib, self_rss_kib())
    with open(stdout_path, "wb") as out, open(stderr_path, "ab") as err:
        p = subprocess.Popen(cmd, env=env, stdout=out, stderr=err,
                             stdin=subprocess.DEVNULL)
    killer = threading.Timer(timeout, p.kill)
    killer.start()
    try:
        _, status, ru = os.wait4(p.pid, 0)
    finally:
        killer.cancel()
    p.returncode = os.waitstatus_to_exitcode(status)   # reaped: tell Popen
    usage.add(ru)
    return p.returncode


def proc_cpu(pid):
    """utime + stime of a running process, seconds (0 if gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return 0.0


class FakeLog:
    """The fake's request log (one JSON object a line), read by offset."""

    def __init__(self, path):
        self.path = path
        self.offset = os.path.getsize(path) if os.path.exists(path) else 0

    def since_mark(self):
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            data = f.read()
        self.offset += len(data)
        return [json.loads(line) for line in data.splitlines() if line]


def summarize_requests(reqs):
    ops = collections.Counter("%s.%s" % (r["service"], r["op"]) for r in reqs)
    bad = [r for r in reqs if r.get("status") != 200]
    return {"api_calls": len(reqs), "by_op": dict(sorted(ops.items())),
            "non_200": len(bad),
            "non_200_examples": ["%s.%s %s" % (r["service"], r["op"],
                                               r.get("status"))
                                 for r in bad[:5]]}


# ------------------------------------------------------------- warm-up

def warm_up(a):
    """One call of each heavy operation, so that no phase pays for the
    fake's first-call work (building its caches). Run as its own process
    (--warm-up): botocore would make this one large."""
    import botocore.session
    sess = botocore.session.Session()
    mk = lambda svc: sess.create_client(svc, region_name=a.region,
                                        endpoint_url=a.url)
    gd = mk("guardduty")
    det = gd.list_detectors()["DetectorIds"][0]
    ids = gd.list_findings(DetectorId=det, FindingCriteria=gd_criteria(),
                           SortCriteria=GD_SORT, MaxResults=50)["FindingIds"]
    gd.get_findings(DetectorId=det, FindingIds=ids)
    mk("securityhub").get_findings(Filters=sh_filters(a.region, True),
                                   MaxResults=100)
    mk("cloudwatch").describe_alarms(AlarmTypes=CW_TYPES, MaxRecords=100)


# ------------------------------------------------------------- secmond

def secmond_phase(a, env, log):
    u = Usage()
    out = os.path.join(a.work, "secmond-once.out")
    err = os.path.join(a.work, "secmond.log")
    fake0 = proc_cpu(a.fake_pid)
    t0 = time.monotonic()
    rc = run([a.secmond, "--once", "-c", a.conf], u, env, out, err,
             SECMOND_TIMEOUT)
    u.wall = time.monotonic() - t0
    res = {"tool": "secmond", "rc": rc, "fake_cpu_s": round(
        proc_cpu(a.fake_pid) - fake0, 2)}
    res.update(u.as_dict())
    res.update(summarize_requests(log.since_mark()))
    text = open(out, errors="replace").read()
    res["summary"] = text.strip().splitlines()
    m = re.search(r"guardduty \S+: ok in (\d+) ms: (\d+) active", text)
    res["gd_findings"] = int(m.group(2)) if m else None
    res["gd_ms"] = int(m.group(1)) if m else None
    m = re.search(r"securityhub \S+: ok in (\d+) ms", text)
    res["sh_ms"] = int(m.group(1)) if m else None
    m = re.search(r"cloudwatch \S+: ok in (\d+) ms: (\d+) alarms", text)
    res["cw_ms"] = int(m.group(1)) if m else None
    res["alarms"] = int(m.group(2)) if m else None
    logtext = open(err, errors="replace").read()
    m = re.search(r"securityhub \S+: poll ok in \d+ ms: .*?(\d+) findings",
                  logtext)
    res["sh_findings"] = int(m.group(1)) if m else None
    m = re.search(r"guardduty \S+: poll ok in (\d+) ms", logtext)
    res["gd_poll_logged_ms"] = int(m.group(1)) if m else None
    res["alerts"] = logtext.count('SECMOND_KIND="')
    return res


# ------------------------------------------------------------- the CLI

GD_SORT = {"AttributeName": "updatedAt", "OrderBy": "ASC"}
CW_TYPES = ["MetricAlarm", "CompositeAlarm"]


def gd_criteria(min_severity=0):
    # what lib/sources/gd.c sends: non-archived, severity >= floor(min)
    return {"Criterion": {"service.archived": {"Equals": ["false"]},
                          "severity": {"GreaterThanOrEqual": min_severity}}}


def sh_filters(region, consolidated):
    # what lib/sources/sh.c sends (sh_get_findings)
    eq = lambda v, c="EQUALS": [{"Value": v, "Comparison": c}]
    f = {"ProductArn": eq("arn:aws:securityhub:%s::product/aws/securityhub"
                          % region),
         "RecordState": eq("ACTIVE"),
         "WorkflowStatus": eq("SUPPRESSED", "NOT_EQUALS")}
    if consolidated:
        f["GeneratorId"] = eq("security-control/", "PREFIX")
    return f


class Cli:
    def __init__(self, a, env):
        self.a, self.env = a, env
        self.dir = os.path.join(a.work, "cli")
        os.makedirs(self.dir, exist_ok=True)
        self.n = 0
        self.total = Usage()
        self.per_service = collections.OrderedDict()
        self.failures = []

    def __call__(self, service, op, *args):
        """One AWS CLI process; its parsed JSON output."""
        self.n += 1
        out = os.path.join(self.dir, "%03d-%s-%s.json" % (self.n, service, op))
        err = os.path.join(self.dir, "stderr.txt")
        u = self.per_service.setdefault(service, Usage())
        cmd = [self.a.aws, "--endpoint-url", self.a.url, "--region",
               self.a.region, "--output", "json", service, op] + list(args)
        t0 = time.monotonic()
        before = (u.user, u.sys, u.maxrss_kib, u.procs)
        rc = run(cmd, u, self.env, out, err)
        u.wall += time.monotonic() - t0
        self.total.user += u.user - before[0]
        self.total.sys += u.sys - before[1]
        self.total.maxrss_kib = max(self.total.maxrss_kib, u.maxrss_kib)
        self.total.procs += 1
        self.total.floor_kib = max(self.total.floor_kib, u.floor_kib)
        if rc != 0:
            self.failures.append("%s %s: exit %d" % (service, op, rc))
            return {}
        with open(out) as f:
            text = f.read()
        return json.loads(text) if text.strip() else {}


def cli_phase(a, env, log):
    cli = Cli(a, env)
    fake0 = proc_cpu(a.fake_pid)
    t0 = time.monotonic()
    counts = {}

    # GuardDuty (lib/sources/gd.c): ListDetectors, ListFindings (every page
    # of 50), GetFindings per 50 ids, GetFindingsStatistics.
    gd_findings = 0
    for det in cli("guardduty", "list-detectors").get("DetectorIds", []):
        ids = cli("guardduty", "list-findings", "--detector-id", det,
                  "--finding-criteria", json.dumps(gd_criteria()),
                  "--sort-criteria", json.dumps(GD_SORT),
                  "--page-size", "50").get("FindingIds", [])
        for i in range(0, len(ids), 50):
            got = cli("guardduty", "get-findings", "--detector-id", det,
                      "--finding-ids", *ids[i:i + 50])
            gd_findings += len(got.get("Findings", []))
        cli("guardduty", "get-findings-statistics", "--detector-id", det,
            "--finding-criteria",
            json.dumps({"Criterion": {"service.archived":
                                      {"Equals": ["false"]}}}),
            "--group-by", "SEVERITY", "--max-results", "100")
    counts["gd_findings"] = gd_findings

    # Security Hub (lib/sources/sh.c): DescribeHub, GetEnabledStandards
    # (every page), GetFindings (every page of 100, same filters),
    # BatchGetStandardsControlAssociations per 100 (control, standard) pairs
    # the findings name.
    hub = cli("securityhub", "describe-hub")
    consolidated = hub.get("ControlFindingGenerator") == "SECURITY_CONTROL"
    stds = [s["StandardsArn"] for s in cli(
        "securityhub", "get-enabled-standards", "--page-size", "100").get(
        "StandardsSubscriptions", [])]
    findings = cli("securityhub", "get-findings", "--filters",
                   json.dumps(sh_filters(a.region, consolidated)),
                   "--page-size", "100").get("Findings", [])
    counts["sh_findings"] = len(findings)
    member = collections.OrderedDict()
    for f in findings:
        comp = f.get("Compliance") or {}
        ctl = comp.get("SecurityControlId") or \
            f.get("GeneratorId", "").replace("security-control/", "", 1)
        for s in comp.get("AssociatedStandards") or []:
            sid = s.get("StandardsId", "")
            for arn in stds:
                if arn == sid or arn.endswith(":" + sid):
                    member.setdefault(ctl, set()).add(arn)
    pairs = [{"SecurityControlId": c, "StandardsArn": s}
             for c, ss in member.items() for s in stds if s in ss]
    for i in range(0, len(pairs), 100):
        path = os.path.join(cli.dir, "pairs-%d.json" % i)
        with open(path, "w") as f:
            json.dump(pairs[i:i + 100], f)
        cli("securityhub", "batch-get-standards-control-associations",
            "--standards-control-association-ids", "file://" + path)
    counts["sh_pairs"] = len(pairs)

    # CloudWatch (lib/sources/cw.c): DescribeAlarms, both types, pages of
    # 100.
    al = cli("cloudwatch", "describe-alarms", "--alarm-types", *CW_TYPES,
             "--page-size", "100")
    counts["alarms"] = len(al.get("MetricAlarms", [])) + \
        len(al.get("CompositeAlarms", []))

    cli.total.wall = time.monotonic() - t0
    res = {"tool": "aws CLI", "rc": 1 if cli.failures else 0,
           "failures": cli.failures,
           "fake_cpu_s": round(proc_cpu(a.fake_pid) - fake0, 2)}
    res.update(cli.total.as_dict())
    res.update(summarize_requests(log.since_mark()))
    res.update(counts)
    res["per_service"] = {k: v.as_dict() for k, v in cli.per_service.items()}
    return res


# ------------------------------------------------------------- report

def rate_floor(by_op, ratelimit_c):
    """Least time secmond's own client-side quotas (lib/aws/ratelimit.c,
    at rate_limit_factor 1.0) allow for these calls: per (service, op)
    bucket, (calls - burst) / rate; the largest."""
    try:
        src = open(ratelimit_c).read()
    except OSError:
        return None, None
    table = {m.group(1): (float(m.group(2)), float(m.group(3))) for m in
             re.finditer(r'\{\s*"([\w.*]+)",\s*([\d.]+),\s*([\d.]+)\s*\}',
                         src)}
    m = re.search(r'ratelimit_default\s*=\s*\{\s*"\*",\s*([\d.]+),\s*([\d.]+)',
                  src)
    default = (float(m.group(1)), float(m.group(2))) if m else (5.0, 5.0)
    worst, which = 0.0, None
    for op, n in by_op.items():
        svc = op.split(".", 1)[0]
        rate, burst = table.get(op, table.get(svc + ".*", default))
        t = max(0.0, n - burst) / rate
        if t > worst:
            worst, which = t, "%s: %d calls at %g/s, burst %g" % (
                op, n, rate, burst)
    return worst, which


def ratio(a, b):
    return "%.1fx" % (a / b) if b else "n/a"


def report(s, c, a):
    rows = [("tool", "wall s", "CPU s", "peak RSS MiB", "API calls",
             "processes")]
    for r in (s, c):
        rows.append((r["tool"], "%.2f" % r["wall_s"], "%.2f" % r["cpu_s"],
                     "%.1f" % r["peak_rss_mib"], str(r["api_calls"]),
                     str(r["processes"])))
    w = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    line = lambda row: "  ".join(
        x.ljust(w[i]) if i == 0 else x.rjust(w[i]) for i, x in enumerate(row))
    print()
    print("One full poll: %s GuardDuty findings, %s Security Hub findings, "
          "%s alarms (%s)" % (s.get("gd_findings"), s.get("sh_findings"),
                              s.get("alarms"), a.region))
    print()
    print(line(rows[0]))
    print(line(tuple("-" * n for n in w)))
    for row in rows[1:]:
        print(line(row))
    print()
    print("aws CLI / secmond: wall %s, CPU %s, peak RSS %s (largest single "
          "CLI process), API calls %s" % (
              ratio(c["wall_s"], s["wall_s"]), ratio(c["cpu_s"], s["cpu_s"]),
              ratio(c["peak_rss_mib"], s["peak_rss_mib"]),
              ratio(c["api_calls"], s["api_calls"])))
    print()
    print("CPU = user + sys of the client's processes (secmond: %.2f + %.2f; "
          "CLI: %.2f + %.2f); the CLI's %d processes average %.2f s wall, "
          "%.2f s CPU each."
          % (s["user_s"], s["sys_s"], c["user_s"], c["sys_s"], c["processes"],
             c["wall_s"] / max(1, c["processes"]),
             c["cpu_s"] / max(1, c["processes"])))
    if c.get("per_service"):
        print("CLI by service: " + "; ".join(
            "%s %d processes, %.1f s wall, %.1f s CPU" % (
                k, v["processes"], v["wall_s"], v["cpu_s"])
            for k, v in c["per_service"].items()))
    print("secmond by source (concurrent): guardduty %s ms, securityhub %s "
          "ms, cloudwatch %s ms; %s alerts written."
          % (s.get("gd_ms"), s.get("sh_ms"), s.get("cw_ms"), s.get("alerts")))
    if s.get("gd_poll_logged_ms") and s.get("gd_ms"):
        print("secmond after the last GuardDuty answer: %.1f s storing the "
              "findings, queueing their %d alerts in the outbox and "
              "delivering them (one transaction per notification)."
              % ((s["gd_poll_logged_ms"] - s["gd_ms"]) / 1000.0,
                 s.get("alerts") or 0))
    floor, which = rate_floor(s["by_op"], a.ratelimit_c)
    if floor is not None:
        print("secmond's wall time includes its own client-side rate limits "
              "(rate_limit_factor = 1.0, the maximum): at least %.1f s for "
              "these calls (%s). The CLI does not limit itself."
              % (floor, which))
    print("The fake's Security Hub GetFindings rate limit is off in this "
          "scenario (it would dominate wall time), so the fake never "
          "throttled either client (non-200 answers: secmond %d, CLI %d)."
          % (s["non_200"], c["non_200"]))
    print("The fake's own CPU during each run: secmond %.1f s, CLI %.1f s "
          "(%s fake; on this machine the fake and the client share %d "
          "cores)." % (s["fake_cpu_s"], c["fake_cpu_s"],
                       "stock" if a.stock_fake else "GuardDuty-cached",
                       os.cpu_count() or 0))
    print("Peak RSS is wait4()'s ru_maxrss; Linux counts in it the RSS of the "
          "forking driver (here <= %.1f MiB for secmond, <= %.1f MiB for the "
          "CLI), so only figures above that mean anything."
          % (s["rss_floor_mib"], c["rss_floor_mib"]))
    for k in ("gd_findings", "sh_findings", "alarms"):
        if s.get(k) != c.get(k):
            print("WARNING: %s differ: secmond %s, CLI %s"
                  % (k, s.get(k), c.get(k)))


def main():
    ap = argparse.ArgumentParser()
    for k in ("url", "region", "conf", "secmond", "aws", "fake-log", "work",
              "ratelimit-c"):
        ap.add_argument("--" + k, required=True)
    ap.add_argument("--fake-pid", type=int, required=True)
    ap.add_argument("--json")
    ap.add_argument("--stock-fake", action="store_true")
    ap.add_argument("--only", choices=("secmond", "cli"))
    ap.add_argument("--warm-up", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.warm_up:
        warm_up(a)
        return 0
    env = dict(os.environ)
    log = FakeLog(a.fake_log)

    try:
        subprocess.run([sys.executable] + sys.argv + ["--warm-up"],
                       check=True, timeout=CALL_TIMEOUT,
                       stdin=subprocess.DEVNULL)
    except (subprocess.SubprocessError, OSError) as e:
        print("warm-up failed: %s" % e, file=sys.stderr)
        return 1
    log.since_mark()
    s = c = None
    if a.only != "cli":
        print("running secmond --once ...", file=sys.stderr, flush=True)
        s = secmond_phase(a, env, log)
        if s["rc"] != 0:
            print("secmond --once exited %s:\n%s" % (
                s["rc"], "\n".join(s["summary"])), file=sys.stderr)
    if a.only != "secmond":
        print("running the AWS CLI ...", file=sys.stderr, flush=True)
        c = cli_phase(a, env, log)
        if c["failures"]:
            print("CLI failures: %s" % c["failures"][:5], file=sys.stderr)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"secmond": s, "cli": c}, f, indent=1, sort_keys=True)
    if s and c:
        report(s, c, a)
    else:
        print(json.dumps(s or c, indent=1, sort_keys=True))
    ok = all(r is None or r["rc"] == 0 for r in (s, c))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
