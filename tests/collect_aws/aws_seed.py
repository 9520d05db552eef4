"""A small account seeded through boto3: each function carries misconfigurations the catalog
covers, or is the near miss that must stay quiet."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

ACCOUNT = "123456789012"
REGION = "us-east-1"

_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
_LOGS = {
    "Effect": "Allow",
    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
    "Resource": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/*",
}


@dataclass(frozen=True)
class Seeded:
    endpoint: str
    functions: dict[str, str]  # name -> ARN
    roles: dict[str, str]  # name -> ARN
    key_arn: str
    queue_arn: str


def code_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", "def handler(event, context):\n    return {}\n")
    return buf.getvalue()


def seed(endpoint: str) -> Seeded:
    import boto3

    def client(service: str) -> Any:
        return boto3.client(service, region_name=REGION, endpoint_url=endpoint)

    iam, lam = client("iam"), client("lambda")
    roles: dict[str, str] = {}

    def role(name: str, statements: list[dict[str, Any]], managed: str | None = None) -> str:
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(_TRUST))["Role"][
            "Arn"
        ]
        iam.put_role_policy(
            RoleName=name,
            PolicyName=f"{name}-inline",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
        )
        if managed:
            iam.attach_role_policy(RoleName=name, PolicyArn=managed)
        roles[name] = arn
        return str(arn)

    admin = role("admin-role", [_LOGS], "arn:aws:iam::aws:policy/AdministratorAccess")
    sqs = client("sqs")
    queue_url = sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": "30"})[
        "QueueUrl"
    ]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    worker = role(
        "worker-role",
        [
            _LOGS,
            {
                "Effect": "Allow",
                "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                "Resource": queue_arn,
            },
        ],
    )
    uploader = role(
        "uploader-role",
        [
            _LOGS,
            {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::uploads/*"},
        ],
    )
    quiet = role("quiet-role", [_LOGS])
    key_arn = client("kms").create_key(Description="env key")["KeyMetadata"]["Arn"]
    client("kms").enable_key_rotation(KeyId=key_arn)

    functions: dict[str, str] = {}

    def function(name: str, role_arn: str, **extra: Any) -> str:
        params: dict[str, Any] = {
            "FunctionName": name,
            "Runtime": "python3.12",
            "Role": role_arn,
            "Handler": "app.handler",
            "Code": {"ZipFile": code_zip()},
            "Timeout": 10,
            "MemorySize": 256,
            **extra,
        }
        arn = lam.create_function(**params)["FunctionArn"]
        functions[name] = arn
        return str(arn)

    # Public: anyone may invoke, an open URL, a plaintext secret, admin rights, no tracing.
    public = function(
        "public-api",
        admin,
        Environment={"Variables": {"DB_PASSWORD": "Zx9!qLr7#vTq2@mW4pKs"}},
    )
    lam.add_permission(
        FunctionName=public, StatementId="anyone", Action="lambda:InvokeFunction", Principal="*"
    )
    lam.create_function_url_config(FunctionName=public, AuthType="NONE")

    # Queue worker whose timeout is longer than the queue's visibility timeout / 6.
    worker_fn = function("queue-worker", worker, Timeout=60, TracingConfig={"Mode": "Active"})
    lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=worker_fn, BatchSize=5)

    # Triggered by a bucket its role writes to: a recursive loop.
    s3 = client("s3")
    s3.create_bucket(Bucket="uploads")
    loop_fn = function("thumbnailer", uploader, TracingConfig={"Mode": "Active"})
    lam.add_permission(
        FunctionName=loop_fn,
        StatementId="s3",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn="arn:aws:s3:::uploads",
        SourceAccount=ACCOUNT,
    )
    s3.put_bucket_notification_configuration(
        Bucket="uploads",
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {"Id": "on-upload", "LambdaFunctionArn": loop_fn, "Events": ["s3:ObjectCreated:*"]}
            ]
        },
    )

    # Near misses: secret by reference, own key with rotation, IAM-authenticated URL, tracing,
    # reserved concurrency, a log group with retention and a key, JSON logs.
    logs = client("logs")
    logs.create_log_group(logGroupName="/aws/lambda/hardened", kmsKeyId=key_arn)
    logs.put_retention_policy(logGroupName="/aws/lambda/hardened", retentionInDays=30)
    hardened = function(
        "hardened",
        quiet,
        Environment={
            "Variables": {
                "DB_PASSWORD_ARN": (f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:db-AbCdEf"),
                "STAGE": "prod",
            }
        },
        KMSKeyArn=key_arn,
        TracingConfig={"Mode": "Active"},
        LoggingConfig={"LogFormat": "JSON", "LogGroup": "/aws/lambda/hardened"},
    )
    lam.put_function_concurrency(FunctionName=hardened, ReservedConcurrentExecutions=5)
    lam.create_function_url_config(FunctionName=hardened, AuthType="AWS_IAM")

    # A multi-region trail that records the invocations of the hardened function only.
    s3.create_bucket(Bucket="audit-trail")
    trail = client("cloudtrail")
    trail.create_trail(Name="audit", S3BucketName="audit-trail", IsMultiRegionTrail=True)
    trail.put_event_selectors(
        TrailName="audit",
        EventSelectors=[
            {
                "ReadWriteType": "All",
                "DataResources": [{"Type": "AWS::Lambda::Function", "Values": [hardened]}],
            }
        ],
    )
    trail.start_logging(Name="audit")
    return Seeded(endpoint, functions, roles, key_arn, queue_arn)
