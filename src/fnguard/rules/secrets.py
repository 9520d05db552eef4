"""Secret rules for function configuration: what the environment holds and how it is encrypted.

SEC001 reports two things. A literal secret written in the source (impact 9). And a value
copied from a secret store into the environment at deploy time
(``aws_secretsmanager_secret_version.x.secret_string``, ``data.aws_ssm_parameter.x.value``,
``{{resolve:secretsmanager:...}}``): the store is bypassed, the secret sits in plaintext in the
function configuration (and the Terraform state) for anyone with lambda:GetFunctionConfiguration,
so it is reported at impact 7 with the expression as evidence. Evidence never holds a secret:
values are shown through ``fnguard.masking.mask``.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from fnguard.masking import mask
from fnguard.model import (
    EnvVar,
    Evidence,
    Finding,
    Function,
    Inventory,
    KmsKey,
    Provider,
    Remediation,
)
from fnguard.rules._base import Mappings, Rule, RuleContext, RuleMeta
from fnguard.rules._gaps import GapIndex, inventory_gaps
from fnguard.rules._sec_detect import find_secret, secret_store_read

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["RULES"]

_BOTH = (Provider.AWS, Provider.GCP)
_STORE_READ_IMPACT = 7


def _environment_gap(gaps: GapIndex, fn: Function) -> str | None:
    """Why the environment is unknown, if it is; computed values of known origin don't count.

    A collector records a gap for each variable computed at apply time; when every variable
    still has its source expression (``aws_sns_topic.events.arn``), the rules can judge it.
    """
    found = gaps.get(fn.address, "environment")
    if not found:
        return None
    opaque = [v for v in fn.environment if v.value is None and not v.source_expr]
    if fn.environment and not opaque:
        return None
    return found[0].reason


# --------------------------------------------------------------------------- SEC001

SEC001 = RuleMeta(
    id="SEC001",
    title="Plaintext secret in environment variables",
    impact=9,
    area="secrets",
    providers=_BOTH,
    description=(
        "An environment variable holds a secret: a key, token or password written in the "
        "source, or a secret-store value copied into the environment at deploy time. "
        "Environment variables are readable by anyone with read access to the function "
        "configuration and end up in state files and logs. References to SSM / Secrets "
        "Manager / Secret Manager that the function resolves at runtime are not secrets."
    ),
    remediation=Remediation(
        text=(
            "Store the secret in Secrets Manager or SSM Parameter Store (SecureString) and "
            "pass only its name or ARN; the function reads it at runtime (SDK, or the AWS "
            "Parameters and Secrets Lambda extension). On GCP, store it in Secret Manager and "
            "expose it with secret_environment_variables. Rotate any secret that was committed."
        ),
        terraform=(
            "environment {\n"
            "  variables = {\n"
            "    DB_SECRET_ARN = aws_secretsmanager_secret.db.arn   # not the secret string\n"
            "  }\n"
            "}"
        ),
        cloudformation=(
            "Environment:\n"
            "  Variables:\n"
            "    DB_SECRET_ARN: !Ref DbSecret   # not {{resolve:secretsmanager:...}}"
        ),
        cli=(
            "aws secretsmanager create-secret --name app/db --secret-string file://db.json\n"
            "aws lambda update-function-configuration --function-name FN "
            "--environment 'Variables={DB_SECRET_ARN=arn:aws:secretsmanager:"
            "REGION:ACCOUNT:secret:app/db}'"
        ),
    ),
    mappings=Mappings(
        iso27001=("A.5.17", "A.8.24", "A.8.12"),
        cis=("AWS Compute Services 12.3",),
        owasp_serverless=("SAS-7",),
    ),
)


# Environment variables repeat across functions (LOG_LEVEL=INFO a thousand times): each
# distinct (name, value) goes through the detectors once.
_find_secret = functools.lru_cache(maxsize=8192)(find_secret)
# Expressions repeat too (one secret reference in every function of a service).
_store_read_of = functools.lru_cache(maxsize=8192)(secret_store_read)

# (the kind of the literal secret and its masked value, else the secret-store read)
_Verdict = tuple[tuple[str, str] | None, str | None]
_VarKey = tuple[str, str | None, bool, str | None]


def _verdict(var: EnvVar) -> _Verdict:
    """What the variable holds: a literal secret, else a value read from a secret store."""
    if var.value is not None and not var.is_reference:
        hit = _find_secret(var.name, var.value)
        if hit is not None:
            return (hit.kind, mask(var.value)), None
    return None, _store_read_of(var.source_expr) or _store_read_of(var.value)


def _literal_secret(fn: Function, var: EnvVar, kind: str, masked: str) -> Finding:
    return SEC001.finding(
        resource=fn.address,
        location=var.location or fn.location,
        message=f"{fn.address}: environment variable {var.name} holds a secret ({kind})",
        evidence=[Evidence("variable", var.name), Evidence("value", masked)],
        function=fn,
    )


def _store_read(fn: Function, var: EnvVar, read: str) -> Finding:
    return SEC001.finding(
        resource=fn.address,
        location=var.location or fn.location,
        message=(
            f"{fn.address}: environment variable {var.name} copies a secret-store value into "
            "the configuration, where it is stored in plaintext"
        ),
        evidence=[Evidence("variable", var.name), Evidence("source", read)],
        function=fn,
        impact=_STORE_READ_IMPACT,
    )


def _check_env_secrets(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    gaps = inventory_gaps(inv)
    # one verdict per distinct variable: most repeat from function to function
    verdicts: dict[_VarKey, _Verdict] = {}
    for fn in inv.functions:
        reported = False
        for var in fn.environment:
            key = (var.name, var.value, var.is_reference, var.source_expr)
            verdict = verdicts.get(key)
            if verdict is None:
                verdict = verdicts[key] = _verdict(var)
            secret, read = verdict
            if secret is not None:
                yield _literal_secret(fn, var, *secret)
            elif read is not None:
                yield _store_read(fn, var, read)
            else:
                continue
            reported = True
        gap = _environment_gap(gaps, fn)
        if gap and not reported:
            yield SEC001.unknown(fn=fn, message=f"{fn.address}: environment unknown ({gap})")


# --------------------------------------------------------------------------- SEC002

SEC002 = RuleMeta(
    id="SEC002",
    title="Environment not encrypted with a customer-managed key",
    impact=7,
    area="secrets",
    providers=_BOTH,
    description=(
        "The function has literal environment values but no customer-managed KMS key "
        "(AWS kms_key_arn, GCP CMEK): they are encrypted with a provider-managed key that "
        "every principal allowed to read the configuration can decrypt, and whose use you "
        "cannot restrict or audit separately."
    ),
    remediation=Remediation(
        text=(
            "Create a customer-managed KMS key with rotation, restrict its key policy to the "
            "deployers and the execution role, and set it as the function's environment key. "
            "GCP: create a Cloud KMS key and set kms_key_name on the function (CMEK)."
        ),
        terraform=(
            'resource "aws_kms_key" "env" {\n'
            "  enable_key_rotation = true\n"
            "}\n"
            'resource "aws_lambda_function" "fn" {\n'
            "  # ...\n"
            "  kms_key_arn = aws_kms_key.env.arn\n"
            "}"
        ),
        cloudformation="KmsKeyArn: !GetAtt EnvKey.Arn",
        cli="aws lambda update-function-configuration --function-name FN --kms-key-arn KEY_ARN",
    ),
    mappings=Mappings(
        iso27001=("A.8.24", "A.5.17"),
        cis=("AWS Compute Services 12.12",),
        owasp_serverless=("SAS-7",),
    ),
)


def _check_env_key(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    gaps = inventory_gaps(inv)
    for fn in inv.functions:
        literals = [v.name for v in fn.environment if v.value is not None and not v.is_reference]
        if not literals:
            gap = _environment_gap(gaps, fn)
            if gap:
                yield SEC002.unknown(fn=fn, message=f"{fn.address}: environment unknown ({gap})")
            continue
        key_gaps = gaps.get(fn.address, "kms_key_arn")
        if fn.kms_key_arn is None and key_gaps:
            yield SEC002.unknown(
                fn=fn, message=f"{fn.address}: environment key unknown ({key_gaps[0].reason})"
            )
            continue
        if fn.kms_key_arn is not None:
            key = inv.lookup(KmsKey, fn.kms_key_arn)
            provider_managed = (
                key is not None and not key.customer_managed
            ) or "alias/aws/" in fn.kms_key_arn
            if not provider_managed:
                continue
        shown = ", ".join(sorted(literals)[:8])
        managed_by = "Google" if fn.provider is Provider.GCP else "provider"
        yield SEC002.finding(
            resource=fn.address,
            location=fn.location,
            message=(
                f"{fn.address}: environment ({len(literals)} literal "
                f"{'value' if len(literals) == 1 else 'values'}) is encrypted with a "
                f"{managed_by}-managed key"
            ),
            evidence=[
                Evidence("variables", shown),
                Evidence("kms key", fn.kms_key_arn or f"none ({managed_by} default)"),
            ],
            function=fn,
        )


RULES: tuple[Rule, ...] = (
    Rule(SEC001, _check_env_secrets),
    Rule(SEC002, _check_env_key),
)
