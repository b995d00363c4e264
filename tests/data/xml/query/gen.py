#!/usr/bin/env python3
"""gen.py: regenerate the query protocol body fixtures for test_query.

For each case below, botocore (the installed version, 1.43.11 when these
were made) serialises the input with its query serializer and the real
service model, and sends it through a real client whose request is caught
before it leaves. Writes, per case:
  <case>.body  the serializer's pairs strictly percent-encoded
               (botocore.utils.percent_encode_sequence: RFC 3986, space
               %20): what lib/aws/query.c must produce byte for byte;
  <case>.wire  the body botocore's client actually sends (urlencode, so
               space is '+'): test_query checks that both decode to the
               same pairs in the same order.
The inputs are given in the model's member order (checked here), because
botocore keeps the caller's order; test_query adds them in that order too.
Keep the inputs in step with tests/unit/test_query.c.

Run from anywhere: python3 tests/data/xml/query/gen.py
"""
import os
import sys
from urllib.parse import parse_qsl

import botocore
import botocore.session
import botocore.utils
from botocore.serialize import create_serializer
from botocore.validate import validate_parameters

HERE = os.path.dirname(os.path.abspath(__file__))

SNS_MESSAGE = (
    "secmond: 3 new HIGH findings in 123456789012/eu-west-1\n"
    "score 87.5% -> 81.0% (a=b&c=d, 1+1=2)\r\n"
    "Grüße, 日本語, emoji \U0001F512; tab\there ~_.-*'()!/?#[]@$,;:\n"
)

CASES = [
    ("sts-assume-role", "sts", "us-east-1", "AssumeRole", {
        "RoleArn": "arn:aws:iam::123456789012:role/secmond-readonly",
        "RoleSessionName": "secmond@host-1.example",
        "PolicyArns": [
            {"arn": "arn:aws:iam::aws:policy/SecurityAudit"},
            {"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
        ],
        "DurationSeconds": 3600,
        "Tags": [
            {"Key": "app", "Value": "secmond"},
            {"Key": "owner", "Value": "sec team+ops=on/call"},
        ],
        "TransitiveTagKeys": [],
        "ExternalId": "ext-id:2024/a+b=c,d.e@f-g_h",
    }),
    ("sts-assume-role-web-identity", "sts", "eu-west-1",
     "AssumeRoleWithWebIdentity", {
        "RoleArn": "arn:aws:iam::123456789012:role/secmond-oidc",
        "RoleSessionName": "secmond-1700000000",
        "WebIdentityToken": (
            "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9."
            "eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6c2VjbW9uZCJ9."
            "c2lnbmF0dXJlLXdpdGgtXy1hbmQtLQ"
        ),
        "DurationSeconds": 900,
    }),
    ("sts-get-caller-identity", "sts", "us-east-1", "GetCallerIdentity", {}),
    ("sns-publish", "sns", "eu-west-1", "Publish", {
        "TopicArn": "arn:aws:sns:eu-west-1:123456789012:secmond-alerts.fifo",
        "Message": SNS_MESSAGE,
        "Subject": "secmond: 3 HIGH — acct 123456789012 & eu-west-1 (ü)",
        "MessageAttributes": {
            "severity": {"DataType": "String", "StringValue": "HIGH"},
            "score": {"DataType": "Number", "StringValue": "81.0"},
        },
        "MessageDeduplicationId": "123456789012-eu-west-1-1700000000",
        "MessageGroupId": "123456789012/eu-west-1",
    }),
    ("sns-publish-json", "sns", "us-east-1", "Publish", {
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:secmond",
        "Message": '{"default":"3 new findings","email":"a & b\\nc"}',
        "MessageStructure": "json",
    }),
]


class Caught(Exception):
    pass


def check_order(value, shape, where):
    """Fail unless every structure's keys follow the model's order."""
    if shape.type_name == "structure":
        members = list(shape.members)
        keys = list(value)
        if keys != sorted(keys, key=members.index):
            sys.exit(f"{where}: input not in model order: {keys}")
        for k, v in value.items():
            check_order(v, shape.members[k], f"{where}.{k}")
    elif shape.type_name == "list":
        for i, v in enumerate(value):
            check_order(v, shape.member, f"{where}[{i}]")
    elif shape.type_name == "map":
        for k, v in value.items():
            check_order(v, shape.value, f"{where}[{k}]")


def serialize(session, service, op, params):
    model = session.get_service_model(service).operation_model(op)
    check_order(params, model.input_shape, op) if params else None
    validate_parameters(params, model.input_shape)
    req = create_serializer("query").serialize_to_request(params, model)
    return list(req["body"].items())


def wire(session, service, region, op, params):
    client = session.create_client(
        service, region_name=region, aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    got = {}

    def catch(request, **kwargs):
        got["body"] = request.body
        raise Caught()

    client.meta.events.register("before-send", catch)
    method = getattr(client, botocore.xform_name(op))
    try:
        method(**params)
    except Caught:
        pass
    body = got["body"]
    return body.encode() if isinstance(body, str) else body


def main():
    for var in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        os.environ[var] = "/dev/null"
    session = botocore.session.get_session()
    for name, service, region, op, params in CASES:
        pairs = serialize(session, service, op, params)
        body = botocore.utils.percent_encode_sequence(pairs).encode()
        sent = wire(session, service, region, op, params)
        decoded = parse_qsl(sent.decode(), keep_blank_values=True,
                            strict_parsing=True)
        if decoded != [(k, str(v)) for k, v in pairs]:
            sys.exit(f"{name}: client body differs from serializer pairs")
        for ext, data in ((".body", body), (".wire", sent)):
            with open(os.path.join(HERE, name + ext), "wb") as f:
                f.write(data)
        print(f"{name}: {len(pairs)} parameters, {len(body)} bytes "
              f"(botocore {botocore.__version__})")


if __name__ == "__main__":
    main()
