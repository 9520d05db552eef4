"""Package rules: recorded hash, code signing, runtime lifecycle; the artifact rules beside.

PKG003 compares the recorded hash with the artifact the package stage read (SHA-256, hex or
Lambda's base64 form) and, when no artifact is readable, still reports a zip deployed with no
recorded hash. PKG009 reads the dated table in ``fnguard/data/runtimes.json`` and the injected
``ctx.today``, never the clock. ``ARTIFACT_RULES`` (PKG001, PKG002, PKG004-PKG006) judge what
the package stage read inside the artifacts; they live in ``_pkg_native`` / ``_pkg_artifact``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard.artifact import code_sha256
from fnguard.model import (
    CodeSigningConfig,
    Evidence,
    Finding,
    Function,
    Inventory,
    PackageType,
    Provider,
    Remediation,
)
from fnguard.rules import _pkg_artifact, _pkg_native
from fnguard.rules._base import Mappings, Rule, RuleContext, RuleMeta
from fnguard.rules._gaps import inventory_gaps
from fnguard.rules._pkg_hash import compare
from fnguard.rules._pkg_runtimes import default_runtime_table

if TYPE_CHECKING:
    import datetime as _dt
    from collections.abc import Iterator

    from fnguard.rules._pkg_runtimes import RuntimeLifecycle, RuntimeTable

__all__ = ["ARTIFACT_RULES", "PKG003", "PKG008", "PKG009", "RULES"]


def _label(fn: Function) -> str:
    return fn.name or fn.address


# --------------------------------------------------------------------------- PKG003

PKG003 = RuleMeta(
    id="PKG003",
    title="Deployed code not tied to a recorded artifact hash",
    impact=8,
    area="package",
    description=(
        "The deployed code should be traceable to the built artifact. Without a recorded hash "
        "(Terraform source_code_hash) for a zip built from local files, Terraform does not see "
        "a changed zip: new code, a security fix included, is never deployed, and drift goes "
        "unnoticed. When the artifact is on disk, its SHA-256 is compared with the recorded "
        "hash (hex, or base64 as Lambda's CodeSha256 and filebase64sha256 give it): a "
        "different hash means the deployed code is not the built artifact. A container image "
        "referenced by a mutable tag has the same problem. Packages in S3 are judged once the "
        "inventory carries their object version."
    ),
    remediation=Remediation(
        text=(
            "Record the artifact hash in the function definition (Terraform source_code_hash "
            "from archive_file), or reference images by digest."
        ),
        terraform=(
            'data "archive_file" "fn" {\n'
            '  type        = "zip"\n'
            '  source_dir  = "${path.module}/src"\n'
            '  output_path = "${path.module}/build/fn.zip"\n'
            "}\n"
            'resource "aws_lambda_function" "fn" {\n'
            "  filename         = data.archive_file.fn.output_path\n"
            "  source_code_hash = data.archive_file.fn.output_base64sha256\n"
            "}"
        ),
        cloudformation=(
            "# SAM/CloudFormation package local code under a content-hash key:\n"
            "sam package --output-template-file packaged.yaml --s3-bucket ARTIFACT_BUCKET"
        ),
        cli=(
            "aws lambda update-function-code --function-name FN --zip-file fileb://fn.zip "
            "--publish\n"
            "# images: --image-uri ACCOUNT.dkr.ecr.REGION.amazonaws.com/repo@sha256:DIGEST"
        ),
    ),
    mappings=Mappings(iso27001=("A.8.32", "A.8.9"), owasp_serverless=("SAS-3",)),
)

_PKG003_ZIP_IMPACT = 5  # stale code in production, not an exposure by itself
_PKG003_TAG_IMPACT = 3  # Lambda pins the digest at deploy time; only IaC drift is hidden


def _hash_mismatch(inv: Inventory, fn: Function) -> Finding | None:
    """The recorded hash against the artifact read from disk (hex or base64 SHA-256)."""
    recorded = fn.package.recorded_hash
    if not recorded:
        return None
    code = next((p for p in inv.packages_of(fn) if not p.is_layer), None)
    if code is None or code.sha256_hex is None:
        return None
    check = compare(recorded, code.sha256_hex)
    if check.matches:
        return None
    actual = code_sha256(code.sha256_hex)
    return PKG003.finding(
        resource=fn.address,
        location=fn.location,
        function=fn,
        # The hashes stay in the evidence: a finding's key must not change with every build.
        message=(
            f"{_label(fn)} records a code hash ({check.form}) that does not match "
            f"{code.path}: the deployed code is not this artifact"
        ),
        evidence=[
            Evidence("recorded hash", recorded),
            Evidence("artifact", code.path),
            Evidence("artifact sha256 (base64, CodeSha256)", actual),
            Evidence("artifact sha256 (hex)", code.sha256_hex),
        ],
    )


def _check_pkg003(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    for fn in inv.functions:
        if fn.provider is not Provider.AWS:
            continue
        package = fn.package
        if fn.package_type is PackageType.IMAGE:
            uri = package.image_uri
            if uri and "@sha256:" not in uri:
                yield PKG003.finding(
                    resource=fn.address,
                    location=fn.location,
                    function=fn,
                    impact=_PKG003_TAG_IMPACT,
                    message=(
                        f"{_label(fn)} deploys image {uri} by tag: moving the tag does not "
                        "redeploy, and the source does not say which image runs"
                    ),
                    evidence=[Evidence("image_uri", uri)],
                )
            continue
        mismatch = _hash_mismatch(inv, fn) if package.recorded_hash else None
        if mismatch is not None:
            yield mismatch
            continue
        if package.path and not package.hash_declared and not package.s3_bucket:
            yield PKG003.finding(
                resource=fn.address,
                location=fn.location,
                function=fn,
                impact=_PKG003_ZIP_IMPACT,
                message=(
                    f"{_label(fn)} deploys {package.path} with no recorded hash "
                    "(source_code_hash): changed code is not redeployed and drift goes unnoticed"
                ),
                evidence=[Evidence("package", package.path)],
            )


# --------------------------------------------------------------------------- PKG008

PKG008 = RuleMeta(
    id="PKG008",
    title="Code signing not enforced",
    impact=5,
    area="package",
    description=(
        "Without a code signing configuration that enforces signatures, Lambda accepts any "
        "zip package from whoever can call UpdateFunctionCode; with 'Warn' an unsigned or "
        "untrusted package is deployed anyway. Code signing does not apply to container "
        "images, which are not reported."
    ),
    remediation=Remediation(
        text=(
            "Sign packages with an AWS Signer profile and attach a code signing configuration "
            "whose untrusted-artifact policy is Enforce."
        ),
        terraform=(
            'resource "aws_lambda_code_signing_config" "enforce" {\n'
            "  allowed_publishers {\n"
            "    signing_profile_version_arns = [aws_signer_signing_profile.fn.version_arn]\n"
            "  }\n"
            "  policies {\n"
            '    untrusted_artifact_on_deployment = "Enforce"\n'
            "  }\n"
            "}\n"
            "# in aws_lambda_function.fn:\n"
            "code_signing_config_arn = aws_lambda_code_signing_config.enforce.arn"
        ),
        cloudformation=(
            "SigningConfig:\n"
            "  Type: AWS::Lambda::CodeSigningConfig\n"
            "  Properties:\n"
            "    AllowedPublishers:\n"
            "      SigningProfileVersionArns: [!GetAtt SigningProfile.ProfileVersionArn]\n"
            "    CodeSigningPolicies:\n"
            "      UntrustedArtifactOnDeployment: Enforce\n"
            "# in the function: CodeSigningConfigArn: !Ref SigningConfig"
        ),
        cli=(
            "aws lambda create-code-signing-config \\\n"
            "  --allowed-publishers SigningProfileVersionArns=PROFILE_VERSION_ARN \\\n"
            "  --code-signing-policies UntrustedArtifactOnDeployment=Enforce\n"
            "aws lambda put-function-code-signing-config --function-name FN "
            "--code-signing-config-arn CSC_ARN"
        ),
    ),
    mappings=Mappings(iso27001=("A.8.19", "A.5.21"), owasp_serverless=("SAS-3", "SAS-6")),
)


_NOT_SIGNED = (Evidence("code_signing_config", "not set"),)


def _check_pkg008(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    gaps = inventory_gaps(inv)
    for fn in inv.functions:
        if fn.provider is not Provider.AWS or fn.package_type is PackageType.IMAGE:
            continue
        if fn.code_signing_config is None:
            if gaps.get(fn.address, "code_signing_config"):
                yield PKG008.unknown(
                    fn=fn, message=f"the code signing configuration of {_label(fn)} is unknown"
                )
                continue
            yield PKG008.finding(
                resource=fn.address,
                location=fn.location,
                function=fn,
                message=f"{_label(fn)} has no code signing configuration",
                evidence=_NOT_SIGNED,
            )
            continue
        config = inv.lookup(CodeSigningConfig, fn.code_signing_config)
        if config is None or config.untrusted_artifact_on_deployment is None:
            yield PKG008.unknown(
                fn=fn,
                message=(
                    f"the policy of code signing configuration {fn.code_signing_config} "
                    f"of {_label(fn)} is unknown"
                ),
                evidence=[Evidence("code_signing_config", fn.code_signing_config)],
            )
            continue
        policy = config.untrusted_artifact_on_deployment
        if policy.strip().lower() == "enforce":
            continue
        yield PKG008.finding(
            resource=config.address,
            location=config.location,
            function=fn,
            message=(
                f"code signing configuration {config.address} of {_label(fn)} only warns "
                f"({policy}): unsigned code is deployed anyway"
            ),
            evidence=[Evidence("untrusted_artifact_on_deployment", policy)],
        )


# --------------------------------------------------------------------------- PKG009

PKG009 = RuleMeta(
    id="PKG009",
    title="Runtime deprecated or deprecating soon",
    impact=6,
    area="package",
    providers=(Provider.AWS, Provider.GCP),
    description=(
        "After deprecation a runtime gets no security patches; later the provider blocks "
        "creating, then updating, functions that use it, so even an urgent fix cannot be "
        "deployed. Dates come from a dated table of the providers' published schedules "
        "(fnguard/data/runtimes.json); a warning is given `runtime_warning_days` (90) ahead. "
        "A runtime missing from the table is reported as unknown; image functions have none."
    ),
    remediation=Remediation(
        text=(
            "Move the function to a supported runtime of the same language and test it; "
            "dependencies with native code must be rebuilt for it."
        ),
        terraform='runtime = "python3.13"',
        cloudformation="Runtime: python3.13",
        cli="aws lambda update-function-configuration --function-name FN --runtime python3.13",
    ),
    mappings=Mappings(iso27001=("A.8.8", "A.8.19"), owasp_serverless=("SAS-6",)),
)

_PKG009_BLOCKED_UPDATE_IMPACT = 8
_PKG009_BLOCKED_CREATE_IMPACT = 7
_PKG009_UPCOMING_IMPACT = 4


def _lifecycle_verdict(
    entry: RuntimeLifecycle, today: _dt.date, window_days: int
) -> tuple[int, str] | None:
    """(impact, what happened or will happen) for the runtime on ``today``, or None if fine."""
    if entry.block_update and today >= entry.block_update:
        return _PKG009_BLOCKED_UPDATE_IMPACT, f"updates blocked since {entry.block_update}"
    if entry.block_create and today >= entry.block_create:
        later = f"; updates blocked from {entry.block_update}" if entry.block_update else ""
        return _PKG009_BLOCKED_CREATE_IMPACT, f"creation blocked since {entry.block_create}{later}"
    if entry.deprecation and today >= entry.deprecation:
        later = f"; creation blocked from {entry.block_create}" if entry.block_create else ""
        return PKG009.impact, f"deprecated since {entry.deprecation}, no security patches{later}"
    if entry.deprecation and (entry.deprecation - today).days <= window_days:
        return _PKG009_UPCOMING_IMPACT, f"to be deprecated on {entry.deprecation}"
    return None


_Judged = tuple["RuntimeLifecycle | None", "tuple[int, str] | None", tuple[Evidence, ...]]


def _judge_runtime(
    table: RuntimeTable, provider: Provider, runtime: str, ctx: RuleContext, as_of: Evidence
) -> _Judged:
    """(the table's entry, the verdict on ``ctx.today``, the evidence) for one runtime."""
    entry = table.get(provider, runtime)
    if entry is None:
        return None, None, (Evidence("runtime", runtime), as_of)
    verdict = _lifecycle_verdict(entry, ctx.today, ctx.thresholds.runtime_warning_days)
    if verdict is None:
        return entry, None, ()
    evidence = [Evidence("runtime", entry.runtime), Evidence("source", entry.source), as_of]
    if entry.deprecation and ctx.today < entry.deprecation:
        # Kept out of the message: a finding's key must not change from one day to the next.
        days = (entry.deprecation - ctx.today).days
        evidence.append(Evidence("days until deprecation", str(days)))
    return entry, verdict, tuple(evidence)


def _check_pkg009(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    table = default_runtime_table()
    as_of = Evidence("runtime table as of", table.retrieved.isoformat())
    judged: dict[tuple[Provider, str], _Judged] = {}  # a handful of runtimes, many functions
    for fn in inv.functions:
        if fn.package_type is PackageType.IMAGE:
            continue
        if fn.runtime is None:
            yield PKG009.unknown(fn=fn, message=f"the runtime of {_label(fn)} is unknown")
            continue
        key = (fn.provider, fn.runtime)
        found = judged.get(key)
        if found is None:
            found = judged[key] = _judge_runtime(table, fn.provider, fn.runtime, ctx, as_of)
        entry, verdict, evidence = found
        if entry is None:
            yield PKG009.unknown(
                fn=fn,
                message=(
                    f"runtime {fn.runtime} of {_label(fn)} is not in fnguard's runtime table; "
                    "check the provider's runtime page"
                ),
                evidence=evidence,
            )
            continue
        if verdict is None:
            continue
        impact, what = verdict
        yield PKG009.finding(
            resource=fn.address,
            location=fn.location,
            function=fn,
            impact=impact,
            message=f"{_label(fn)} uses {entry.name} ({entry.runtime}): {what}",
            evidence=evidence,
        )


RULES: tuple[Rule, ...] = (
    Rule(PKG003, _check_pkg003),
    Rule(PKG008, _check_pkg008),
    Rule(PKG009, _check_pkg009),
)

# The rules reading inside artifacts, registered with the pack by the integrator.
ARTIFACT_RULES: tuple[Rule, ...] = (*_pkg_native.RULES, *_pkg_artifact.RULES)
