#!/usr/bin/env python3
"""gen-scenario.py: write the benchmark's fake AWS scenario (JSON).

One region (us-east-1 by default) with:
- GuardDuty: N explicit findings (default 10,000), none archived, severities
  spread over 1.0-9.9 (all >= 0, the bench's min_severity), 24 real finding
  types (EC2 / IAM / S3 / EKS resources), distinct updatedAt times;
- Security Hub CSPM: a generated estate (consolidated control findings,
  FSBP + CIS 1.4 + NIST 800-53 over 400 controls) sized so that at least
  the asked number of findings (default 3,000) pass secmond's GetFindings
  filters (ACTIVE, not SUPPRESSED, product securityhub, security-control/);
  no "rate_limit": the fake does not throttle GetFindings, so the bench
  measures the clients, not the fake's quota;
- CloudWatch: N generated alarms (default 1,000: 90% metric, 10% composite).

Deterministic: the same arguments give the same bytes (no clock, no
randomness other than a seeded PRNG).
"""
import argparse
import hashlib
import json
import random
import sys
from datetime import datetime, timedelta, timezone

CREDENTIALS = [{
    "access_key_id": "AKIDSECMONFAKE0000001",
    "secret_access_key": "fake/secret+key=for/tests",
    "session_token": None,
    "account_id": "111122223333",
}]

GD_TYPES = [
    "Recon:EC2/PortProbeUnprotectedPort",
    "Recon:EC2/Portscan",
    "UnauthorizedAccess:EC2/SSHBruteForce",
    "UnauthorizedAccess:EC2/RDPBruteForce",
    "UnauthorizedAccess:EC2/TorClient",
    "CryptoCurrency:EC2/BitcoinTool.B!DNS",
    "Backdoor:EC2/C&CActivity.B!DNS",
    "Trojan:EC2/DNSDataExfiltration",
    "Impact:EC2/WinRMBruteForce",
    "Behavior:EC2/NetworkPortUnusual",
    "Behavior:EC2/TrafficVolumeUnusual",
    "DefenseEvasion:EC2/UnusualDNSResolver",
    "Discovery:IAMUser/AnomalousBehavior",
    "Exfiltration:IAMUser/AnomalousBehavior",
    "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
    "Policy:IAMUser/RootCredentialUsage",
    "Stealth:IAMUser/CloudTrailLoggingDisabled",
    "PenTest:IAMUser/KaliLinux",
    "Policy:S3/BucketBlockPublicAccessDisabled",
    "Exfiltration:S3/AnomalousBehavior",
    "Discovery:S3/MaliciousIPCaller",
    "Impact:S3/AnomalousBehavior.Delete",
    "Policy:Kubernetes/AnonymousAccessGranted",
    "Discovery:Kubernetes/SuccessfulAnonymousAccess",
]

# Severities as GuardDuty gives them (one decimal), in every band.
BASE_TIME = datetime(2026, 1, 1, tzinfo=timezone.utc)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def gd_findings(n, rng):
    out = []
    for i in range(n):
        ftype = GD_TYPES[i % len(GD_TYPES)]
        sev = round(rng.uniform(1.0, 9.9), 1)
        created = BASE_TIME + timedelta(seconds=37 * i)
        updated = created + timedelta(seconds=rng.randrange(0, 86400),
                                      milliseconds=i % 1000)
        out.append({
            "id": hashlib.md5(b"secmond-bench-%d" % i).hexdigest(),
            "type": ftype,
            "severity": sev,
            "title": "Bench finding %d: %s" % (i, ftype.split("/", 1)[-1]),
            "createdAt": iso(created),
            "updatedAt": iso(updated),
            "count": 1 + i % 7,
        })
    return out


def securityhub(region, findings):
    # archived and suppressed findings are generated on top (5% each) and
    # filtered out by secmond: ask for enough that `findings` remain.
    total = int(findings / 0.9) + 50
    return {
        region: {
            "mode": "SECURITY_CONTROL",
            "base_time": "2026-06-01T00:00:00Z",
            "standards": [
                {"arn": "arn:aws:securityhub:%s::standards/"
                        "aws-foundational-security-best-practices/v/1.0.0"
                        % region,
                 "name": "AWS Foundational Security Best Practices v1.0.0",
                 "controls": 300},
                {"arn": "arn:aws:securityhub:%s::standards/"
                        "cis-aws-foundations-benchmark/v/1.4.0" % region,
                 "name": "CIS AWS Foundations Benchmark v1.4.0",
                 "controls": 40},
                {"arn": "arn:aws:securityhub:%s::standards/nist-800-53/v/5.0.0"
                        % region,
                 "name": "NIST Special Publication 800-53 Revision 5",
                 "controls": 250},
            ],
            "generate": {
                "seed": 11,
                "controls_total": 400,
                "findings": total,
                "suppressed_fraction": 0.05,
                "archived_fraction": 0.05,
                "not_available_fraction": 0.03,
                "warning_fraction": 0.02,
                "failed_fraction": 0.3,
                "disabled_controls": ["S3.1", "EC2.2", "IAM.3"],
                "disabled_associations": 8,
                "no_data_controls": 10,
                "other_findings": 25,
            },
        },
    }


def cloudwatch(region, alarms):
    composite = alarms // 10
    return {
        region: {
            "alarms": {"generate": {
                "seed": 3, "metric": alarms - composite,
                "composite": composite, "prefix": "prod-",
                "prefix_fraction": 0.3, "alarm_fraction": 0.1,
                "insufficient_fraction": 0.05}},
        },
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--guardduty", type=int, default=10000,
                    help="GuardDuty findings (default 10000)")
    ap.add_argument("--securityhub", type=int, default=3000,
                    help="Security Hub findings secmond fetches, at least "
                         "(default 3000)")
    ap.add_argument("--alarms", type=int, default=1000,
                    help="CloudWatch alarms (default 1000)")
    ap.add_argument("-o", "--output", default="-")
    a = ap.parse_args()
    rng = random.Random(20260101)
    scen = {
        "description": "secmond benchmark: %d GuardDuty findings, a Security "
                       "Hub estate of >= %d fetched control findings (no "
                       "rate limit), %d CloudWatch alarms in %s"
                       % (a.guardduty, a.securityhub, a.alarms, a.region),
        "credentials": CREDENTIALS,
        "guardduty": {a.region: {
            "detectors": ["b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8"],
            "findings": gd_findings(a.guardduty, rng)}},
        "securityhub": securityhub(a.region, a.securityhub),
        "cloudwatch": cloudwatch(a.region, a.alarms),
    }
    text = json.dumps(scen, indent=1, sort_keys=True) + "\n"
    if a.output == "-":
        sys.stdout.write(text)
    else:
        with open(a.output, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
