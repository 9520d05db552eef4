"""Generate a synthetic, deterministic Terraform corpus of serverless functions.

The corpus looks like a real multi-team repository so that a scanner has to do the work it does
on one: resolve references across files, variables and locals, read IAM documents written three
different ways, and connect functions to their triggers, front doors and neighbours.

Shape (``N`` functions, ``--per-folder`` functions per folder, default 100)::

    <out>/service-00/                one Terraform root module per folder ("a team's service")
        main.tf                      provider, variables (with defaults), locals
        network.tf                   VPC, two subnets in two AZs, a security group, endpoints
        shared.tf                    KMS key, a REST API and an HTTP API with their stages,
                                     an SNS topic, a shared execution role
        fn_0000.tf .. fn_0099.tf     one file per function: package, function, role, policy,
                                     log group, its trigger / front door and permission
    <out>/service-01/ ...

Each function draws (from a seeded RNG) a runtime (some deprecated), memory and timeout (a few
out of range), a policy style (``aws_iam_policy_document`` data source, ``jsonencode`` inline
policy, or a customer-managed policy plus attachment; some attach AWS-managed policies, a few
``AdministratorAccess``), a trigger (SQS event source mapping with its queue, S3 notification
with its bucket, SNS subscription, EventBridge schedule, REST API integration, HTTP API
integration, function URL), optional VPC placement, environment variables (some literal
secrets, some references), tracing, DLQ, reserved concurrency and code signing. The same seed
and arguments always produce byte-identical files.

Usage: ``python benchmarks/gen_terraform_corpus.py [-n 1000] [--out .bench/corpus-1000]``
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["STAMP", "CorpusSpec", "clear_output", "generate", "is_current", "main", "stamped"]

#: file at the corpus root recording what generated it (not a Terraform or JSON file, so no
#: scanner reads it); bump GENERATOR_VERSION whenever the output changes.
STAMP = ".corpus-spec"
GENERATOR_VERSION = 1

RUNTIMES = (
    ("python3.13", 30),
    ("python3.12", 30),
    ("python3.11", 15),
    ("nodejs20.x", 10),
    ("nodejs22.x", 5),
    ("python3.9", 4),
    ("python3.8", 3),
    ("nodejs16.x", 2),
    ("java21", 1),
)
TRIGGERS = (
    ("sqs", 22),
    ("s3", 14),
    ("sns", 12),
    ("schedule", 12),
    ("rest", 18),
    ("http", 14),
    ("url", 8),
)
POLICY_STYLES = (("document", 45), ("jsonencode", 35), ("managed", 20))


@dataclass(frozen=True)
class CorpusSpec:
    """What to generate; the defaults are the benchmark's corpus."""

    functions: int = 1000
    per_folder: int = 100
    seed: int = 20261125


def _pick(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    names = [name for name, _ in table]
    weights = [weight for _, weight in table]
    return rng.choices(names, weights=weights, k=1)[0]


def _main_tf(folder: int) -> str:
    return f"""terraform {{
  required_version = ">= 1.5"
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }}
    archive = {{
      source  = "hashicorp/archive"
      version = "~> 2.4"
    }}
  }}
}}

provider "aws" {{
  region = var.region
}}

variable "region" {{
  type    = string
  default = "eu-west-1"
}}

variable "account_id" {{
  type    = string
  default = "123456789012"
}}

variable "environment" {{
  type    = string
  default = "prod"
}}

locals {{
  service = "service-{folder:02d}"
  prefix  = "${{local.service}}-${{var.environment}}"
  tags = {{
    service     = local.service
    environment = var.environment
    owner       = "team-{folder % 7}"
  }}
}}
"""


def _network_tf() -> str:
    endpoints = "\n".join(
        f"""resource "aws_vpc_endpoint" "{svc}" {{
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.${{var.region}}.{svc}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.private_a.id, aws_subnet.private_b.id]
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true
}}
"""
        for svc in ("secretsmanager", "kms")
    )
    return f"""resource "aws_vpc" "main" {{
  cidr_block           = "10.20.0.0/16"
  enable_dns_hostnames = true
  tags                 = local.tags
}}

resource "aws_subnet" "private_a" {{
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.1.0/24"
  availability_zone = "${{var.region}}a"
}}

resource "aws_subnet" "private_b" {{
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.2.0/24"
  availability_zone = "${{var.region}}b"
}}

resource "aws_security_group" "lambda" {{
  name   = "${{local.prefix}}-lambda"
  vpc_id = aws_vpc.main.id

  egress {{
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.main.cidr_block]
  }}
}}

resource "aws_security_group" "lambda_open" {{
  name   = "${{local.prefix}}-lambda-open"
  vpc_id = aws_vpc.main.id

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

resource "aws_security_group" "endpoints" {{
  name   = "${{local.prefix}}-endpoints"
  vpc_id = aws_vpc.main.id

  ingress {{
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    security_groups = [aws_security_group.lambda.id]
  }}
}}

resource "aws_vpc_endpoint" "s3" {{
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.${{var.region}}.s3"
  vpc_endpoint_type = "Gateway"
}}

{endpoints}"""


def _shared_tf() -> str:
    return """resource "aws_kms_key" "main" {
  description         = "${local.prefix} environment and logs"
  enable_key_rotation = true
}

resource "aws_lambda_code_signing_config" "main" {
  allowed_publishers {
    signing_profile_version_arns = [aws_signer_signing_profile.main.version_arn]
  }
  policies {
    untrusted_artifact_on_deployment = "Enforce"
  }
}

resource "aws_signer_signing_profile" "main" {
  platform_id = "AWSLambda-SHA384-ECDSA"
  name_prefix = "corpus"
}

resource "aws_sqs_queue" "dlq" {
  name = "${local.prefix}-dlq"
}

resource "aws_sns_topic" "events" {
  name = "${local.prefix}-events"
}

resource "aws_api_gateway_rest_api" "main" {
  name = "${local.prefix}-rest"
  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_deployment" "main" {
  rest_api_id = aws_api_gateway_rest_api.main.id
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "main" {
  rest_api_id          = aws_api_gateway_rest_api.main.id
  deployment_id        = aws_api_gateway_deployment.main.id
  stage_name           = var.environment
  xray_tracing_enabled = true
}

resource "aws_apigatewayv2_api" "main" {
  name          = "${local.prefix}-http"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_stage" "main" {
  api_id      = aws_apigatewayv2_api.main.id
  name        = "$default"
  auto_deploy = true
  default_route_settings {
    throttling_rate_limit  = 100
    throttling_burst_limit = 200
  }
}

data "aws_iam_policy_document" "lambda_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "shared" {
  name               = "${local.prefix}-shared"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
}

resource "aws_iam_role_policy_attachment" "shared_basic" {
  role       = aws_iam_role.shared.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}
"""


class _FunctionWriter:
    """Writes one function's file; every random draw happens here, in a fixed order."""

    def __init__(self, rng: random.Random, index: int) -> None:
        self.rng = rng
        self.index = index
        self.name = f"fn_{index:04d}"

    def render(self) -> str:
        rng = self.rng
        name = self.name
        runtime = _pick(rng, RUNTIMES)
        trigger = _pick(rng, TRIGGERS)
        style = _pick(rng, POLICY_STYLES)
        shared_role = rng.random() < 0.08
        admin = rng.random() < 0.02
        in_vpc = rng.random() < 0.3
        open_egress = rng.random() < 0.3
        literal_secret = rng.random() < 0.1
        tracing = rng.random() < 0.5
        kms = rng.random() < 0.5
        dlq = rng.random() < 0.4
        reserved = rng.random() < 0.4
        signing = rng.random() < 0.3
        hashed = rng.random() < 0.85
        memory = rng.choice((128, 256, 512, 1024, 1769, 3008)) if rng.random() > 0.01 else 20480
        timeout = rng.choice((3, 10, 15, 30, 60, 120, 300)) if rng.random() > 0.01 else 1200
        wildcard = rng.random() < 0.15
        handler, ext = (
            ("index.handler", "js") if runtime.startswith("node") else ("app.handler", "py")
        )
        if runtime.startswith("java"):
            handler, ext = "example.Handler::handleRequest", "java"

        role_ref = "aws_iam_role.shared" if shared_role else f"aws_iam_role.{name}"
        parts = [self._package(ext)]
        parts.append(
            self._function(
                runtime=runtime,
                handler=handler,
                role_ref=role_ref,
                memory=memory,
                timeout=timeout,
                in_vpc=in_vpc,
                open_egress=open_egress,
                literal_secret=literal_secret,
                tracing=tracing,
                kms=kms,
                dlq=dlq,
                reserved=reserved,
                signing=signing,
                hashed=hashed,
            )
        )
        if not shared_role:
            parts.append(self._role(style=style, admin=admin, wildcard=wildcard, trigger=trigger))
        parts.append(self._log_group(retention=rng.choice((None, 14, 30, 90)), kms=kms))
        parts.append(self._trigger(trigger))
        return "\n".join(parts)

    def _package(self, ext: str) -> str:
        return f"""data "archive_file" "{self.name}" {{
  type        = "zip"
  source_file = "${{path.module}}/src/{self.name}/handler.{ext}"
  output_path = "${{path.module}}/build/{self.name}.zip"
}}
"""

    def _function(
        self,
        *,
        runtime: str,
        handler: str,
        role_ref: str,
        memory: int,
        timeout: int,
        in_vpc: bool,
        open_egress: bool,
        literal_secret: bool,
        tracing: bool,
        kms: bool,
        dlq: bool,
        reserved: bool,
        signing: bool,
        hashed: bool,
    ) -> str:
        n = self.name
        env = [
            f'      TABLE_NAME  = "${{local.prefix}}-{n}"',
            '      LOG_LEVEL   = "INFO"',
            "      EVENTS_ARN  = aws_sns_topic.events.arn",
        ]
        if literal_secret:
            alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
            token = "".join(self.rng.choices(alphabet, k=36))
            env.append(f'      API_TOKEN   = "ghp_{token}"')
        lines = [
            f'resource "aws_lambda_function" "{n}" {{',
            f'  function_name = "${{local.prefix}}-{n}"',
            f"  role          = {role_ref}.arn",
            f'  handler       = "{handler}"',
            f'  runtime       = "{runtime}"',
            f"  memory_size   = {memory}",
            f"  timeout       = {timeout}",
            f"  filename      = data.archive_file.{n}.output_path",
        ]
        if hashed:
            lines.append(f"  source_code_hash = data.archive_file.{n}.output_base64sha256")
        if kms:
            lines.append("  kms_key_arn   = aws_kms_key.main.arn")
        if reserved:
            lines.append(f"  reserved_concurrent_executions = {self.rng.choice((5, 10, 50))}")
        if signing:
            lines.append("  code_signing_config_arn = aws_lambda_code_signing_config.main.arn")
        lines.append("  tags          = local.tags")
        lines += ["", "  environment {", "    variables = {", *env, "    }", "  }"]
        if in_vpc:
            sg = "lambda_open" if open_egress else "lambda"
            lines += [
                "",
                "  vpc_config {",
                "    subnet_ids         = [aws_subnet.private_a.id, aws_subnet.private_b.id]",
                f"    security_group_ids = [aws_security_group.{sg}.id]",
                "  }",
            ]
        if tracing:
            lines += ["", "  tracing_config {", '    mode = "Active"', "  }"]
        if dlq:
            lines += ["", "  dead_letter_config {", "    target_arn = aws_sqs_queue.dlq.arn", "  }"]
        lines += [
            "",
            "  logging_config {",
            f'    log_format = "{self.rng.choice(("JSON", "Text"))}"',
            f"    log_group  = aws_cloudwatch_log_group.{n}.name",
            "  }",
            "}",
            "",
        ]
        return "\n".join(lines)

    def _statements(
        self, *, admin: bool, wildcard: bool, trigger: str
    ) -> list[dict[str, list[str]]]:
        n = self.name
        stmts: list[dict[str, list[str]]] = [
            {
                "actions": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "resources": [f"${{aws_cloudwatch_log_group.{n}.arn}}:*"],
            },
            {
                "actions": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
                "resources": [
                    f"arn:aws:dynamodb:${{var.region}}:${{var.account_id}}:table/${{local.prefix}}-{n}"
                ],
            },
        ]
        if trigger == "sqs":
            stmts.append(
                {
                    "actions": [
                        "sqs:ReceiveMessage",
                        "sqs:DeleteMessage",
                        "sqs:GetQueueAttributes",
                    ],
                    "resources": [f"${{aws_sqs_queue.{n}.arn}}"],
                }
            )
        if trigger == "s3":
            stmts.append(
                {
                    "actions": ["s3:GetObject", "s3:PutObject"],
                    "resources": [f"${{aws_s3_bucket.{n}.arn}}/*"],
                }
            )
        if wildcard:
            stmts.append({"actions": ["s3:*", "secretsmanager:GetSecretValue"], "resources": ["*"]})
        if admin:
            stmts.append({"actions": ["*"], "resources": ["*"]})
        return stmts

    def _role(self, *, style: str, admin: bool, wildcard: bool, trigger: str) -> str:
        n = self.name
        out = [
            f'resource "aws_iam_role" "{n}" {{',
            f'  name               = "${{local.prefix}}-{n}"',
            "  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json",
            "}",
            "",
        ]
        stmts = self._statements(admin=admin, wildcard=wildcard, trigger=trigger)
        if style == "document":
            out.append(f'data "aws_iam_policy_document" "{n}" {{')
            for stmt in stmts:
                out += [
                    "  statement {",
                    f"    actions   = {_hcl_list(stmt['actions'])}",
                    f"    resources = {_hcl_list(stmt['resources'])}",
                    "  }",
                ]
            out += [
                "}",
                "",
                f'resource "aws_iam_role_policy" "{n}" {{',
                f'  name   = "{n}"',
                f"  role   = aws_iam_role.{n}.id",
                f"  policy = data.aws_iam_policy_document.{n}.json",
                "}",
                "",
            ]
        else:
            body = ["  policy = jsonencode({", '    Version = "2012-10-17"', "    Statement = ["]
            for stmt in stmts:
                body += [
                    "      {",
                    '        Effect   = "Allow"',
                    f"        Action   = {_hcl_list(stmt['actions'])}",
                    f"        Resource = {_hcl_list(stmt['resources'])}",
                    "      },",
                ]
            body += ["    ]", "  })"]
            if style == "jsonencode":
                out += [
                    f'resource "aws_iam_role_policy" "{n}" {{',
                    f'  name = "{n}"',
                    f"  role = aws_iam_role.{n}.id",
                    *body,
                    "}",
                    "",
                ]
            else:
                out += [
                    f'resource "aws_iam_policy" "{n}" {{',
                    f'  name = "${{local.prefix}}-{n}"',
                    *body,
                    "}",
                    "",
                    f'resource "aws_iam_role_policy_attachment" "{n}" {{',
                    f"  role       = aws_iam_role.{n}.name",
                    f"  policy_arn = aws_iam_policy.{n}.arn",
                    "}",
                    "",
                ]
        if admin:
            out += [
                f'resource "aws_iam_role_policy_attachment" "{n}_admin" {{',
                f"  role       = aws_iam_role.{n}.name",
                '  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"',
                "}",
                "",
            ]
        return "\n".join(out)

    def _log_group(self, *, retention: int | None, kms: bool) -> str:
        n = self.name
        lines = [
            f'resource "aws_cloudwatch_log_group" "{n}" {{',
            f'  name              = "/aws/lambda/${{local.prefix}}-{n}"',
        ]
        if retention is not None:
            lines.append(f"  retention_in_days = {retention}")
        if kms:
            lines.append("  kms_key_id        = aws_kms_key.main.arn")
        lines += ["}", ""]
        return "\n".join(lines)

    def _permission(self, principal: str, source_arn: str | None) -> str:
        n = self.name
        lines = [
            f'resource "aws_lambda_permission" "{n}" {{',
            '  statement_id  = "AllowInvoke"',
            '  action        = "lambda:InvokeFunction"',
            f"  function_name = aws_lambda_function.{n}.function_name",
            f'  principal     = "{principal}"',
        ]
        if source_arn is not None:
            lines.append(f"  source_arn    = {source_arn}")
        lines += ["}", ""]
        return "\n".join(lines)

    def _trigger(self, kind: str) -> str:
        n = self.name
        # A fifth of the service-principal permissions omit SourceArn (confused deputy).
        with_source = self.rng.random() > 0.2
        if kind == "sqs":
            visibility = self.rng.choice((30, 60, 300, 900))
            return f"""resource "aws_sqs_queue" "{n}" {{
  name                       = "${{local.prefix}}-{n}"
  visibility_timeout_seconds = {visibility}
  redrive_policy = jsonencode({{
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = 5
  }})
}}

resource "aws_lambda_event_source_mapping" "{n}" {{
  event_source_arn = aws_sqs_queue.{n}.arn
  function_name    = aws_lambda_function.{n}.arn
  batch_size       = {self.rng.choice((1, 10, 100))}
}}
"""
        if kind == "s3":
            prefix = self.rng.choice(("incoming/", ""))
            perm = self._permission(
                "s3.amazonaws.com", f"aws_s3_bucket.{n}.arn" if with_source else None
            )
            return f"""resource "aws_s3_bucket" "{n}" {{
  bucket = "${{local.prefix}}-{n.replace("_", "-")}"
}}

resource "aws_s3_bucket_notification" "{n}" {{
  bucket = aws_s3_bucket.{n}.id
  lambda_function {{
    lambda_function_arn = aws_lambda_function.{n}.arn
    events              = ["s3:ObjectCreated:*"]
    filter_prefix       = "{prefix}"
  }}
  depends_on = [aws_lambda_permission.{n}]
}}

{perm}"""
        if kind == "sns":
            perm = self._permission(
                "sns.amazonaws.com", "aws_sns_topic.events.arn" if with_source else None
            )
            return f"""resource "aws_sns_topic_subscription" "{n}" {{
  topic_arn = aws_sns_topic.events.arn
  protocol  = "lambda"
  endpoint  = aws_lambda_function.{n}.arn
}}

{perm}"""
        if kind == "schedule":
            perm = self._permission(
                "events.amazonaws.com",
                f"aws_cloudwatch_event_rule.{n}.arn" if with_source else None,
            )
            return f"""resource "aws_cloudwatch_event_rule" "{n}" {{
  name                = "${{local.prefix}}-{n}"
  schedule_expression = "rate({self.rng.choice((5, 15, 60))} minutes)"
}}

resource "aws_cloudwatch_event_target" "{n}" {{
  rule = aws_cloudwatch_event_rule.{n}.name
  arn  = aws_lambda_function.{n}.arn
}}

{perm}"""
        if kind == "rest":
            perm = self._permission(
                "apigateway.amazonaws.com",
                '"${aws_api_gateway_rest_api.main.execution_arn}/*/*"' if with_source else None,
            )
            return f"""resource "aws_api_gateway_resource" "{n}" {{
  rest_api_id = aws_api_gateway_rest_api.main.id
  parent_id   = aws_api_gateway_rest_api.main.root_resource_id
  path_part   = "{n.replace("_", "-")}"
}}

resource "aws_api_gateway_method" "{n}" {{
  rest_api_id   = aws_api_gateway_rest_api.main.id
  resource_id   = aws_api_gateway_resource.{n}.id
  http_method   = "POST"
  authorization = "{self.rng.choice(("NONE", "AWS_IAM"))}"
}}

resource "aws_api_gateway_integration" "{n}" {{
  rest_api_id             = aws_api_gateway_rest_api.main.id
  resource_id             = aws_api_gateway_resource.{n}.id
  http_method             = aws_api_gateway_method.{n}.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.{n}.invoke_arn
  timeout_milliseconds    = {self.rng.choice((29000, 10000))}
}}

{perm}"""
        if kind == "http":
            perm = self._permission(
                "apigateway.amazonaws.com",
                '"${aws_apigatewayv2_api.main.execution_arn}/*/*"' if with_source else None,
            )
            return f"""resource "aws_apigatewayv2_integration" "{n}" {{
  api_id                 = aws_apigatewayv2_api.main.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.{n}.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = 30000
}}

resource "aws_apigatewayv2_route" "{n}" {{
  api_id             = aws_apigatewayv2_api.main.id
  route_key          = "POST /{n.replace("_", "-")}"
  target             = "integrations/${{aws_apigatewayv2_integration.{n}.id}}"
  authorization_type = "{self.rng.choice(("NONE", "AWS_IAM"))}"
}}

{perm}"""
        auth = self.rng.choice(("NONE", "AWS_IAM"))
        origins = self.rng.choice(('["*"]', '["https://app.example.com"]'))
        return f"""resource "aws_lambda_function_url" "{n}" {{
  function_name      = aws_lambda_function.{n}.function_name
  authorization_type = "{auth}"
  cors {{
    allow_origins = {origins}
    allow_methods = ["POST"]
  }}
}}
"""


def _hcl_list(values: list[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def _stamp_text(spec: CorpusSpec) -> str:
    return (
        f"generator={GENERATOR_VERSION} functions={spec.functions} "
        f"per_folder={spec.per_folder} seed={spec.seed}\n"
    )


def stamped(out: Path, text: str) -> bool:
    """Whether the corpus under ``out`` was written with the stamp ``text``."""
    stamp = out / STAMP
    return stamp.is_file() and stamp.read_text(encoding="utf-8") == text


def clear_output(out: Path, functions: int, per_folder: int) -> None:
    """Check the sizes and remove a previous corpus: generators replace, never merge."""
    if functions < 1 or per_folder < 1:
        raise ValueError("functions and per_folder must be positive")
    if out.exists():
        shutil.rmtree(out)


def is_current(out: Path, spec: CorpusSpec = CorpusSpec()) -> bool:
    """Whether ``out`` holds exactly the corpus this generator makes for ``spec``."""
    return stamped(out, _stamp_text(spec))


def generate(out: Path, spec: CorpusSpec = CorpusSpec()) -> int:
    """Write the corpus under ``out`` (replacing it); return the number of files written."""
    clear_output(out, spec.functions, spec.per_folder)
    rng = random.Random(spec.seed)
    written = 0
    folders = (spec.functions + spec.per_folder - 1) // spec.per_folder
    index = 0
    for folder in range(folders):
        base = out / f"service-{folder:02d}"
        base.mkdir(parents=True)
        for fname, text in (
            ("main.tf", _main_tf(folder)),
            ("network.tf", _network_tf()),
            ("shared.tf", _shared_tf()),
        ):
            (base / fname).write_text(text, encoding="utf-8")
            written += 1
        for _ in range(min(spec.per_folder, spec.functions - index)):
            (base / f"fn_{index:04d}.tf").write_text(
                _FunctionWriter(rng, index).render(), encoding="utf-8"
            )
            written += 1
            index += 1
    (out / STAMP).write_text(_stamp_text(spec), encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a synthetic Terraform corpus.")
    parser.add_argument("-n", "--functions", type=int, default=CorpusSpec.functions)
    parser.add_argument("--per-folder", type=int, default=CorpusSpec.per_folder)
    parser.add_argument("--seed", type=int, default=CorpusSpec.seed)
    parser.add_argument("--out", type=Path, default=None, help="default: .bench/corpus-N")
    args = parser.parse_args(argv)
    out = args.out or Path(".bench") / f"corpus-{args.functions}"
    spec = CorpusSpec(functions=args.functions, per_folder=args.per_folder, seed=args.seed)
    try:
        count = generate(out, spec)
    except ValueError as exc:
        parser.error(str(exc))
    print(f"wrote {count} files ({spec.functions} functions) to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
