"""SEC003: a secret shipped in the code, a layer or the deployment package.

Reads ``Package.secrets`` (found by ``fnguard.content`` with SEC001's detectors: token
shapes, private key blocks, ``.env`` and credential files, secret-named literals) for every
package a function deploys, its layers included, and any ``CodeIssue`` the handler analysis
filed under SEC003. Anyone who can download the function's code (lambda:GetFunction, the
layer's GetLayerVersion, the artifact bucket, the image registry) gets the secret, so the
impact is SEC001's. An encrypted private key still needs its passphrase: impact 7. The
secret itself is never in the inventory: evidence shows it masked. A package that could not
be read fully gets an unknown finding instead of a pass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard.model import Evidence, Location, Provider, Remediation
from fnguard.rules._base import Mappings, Rule, RuleMeta
from fnguard.rules._code_common import code_issue_findings
from fnguard.rules._pkg_vulns import subjects, unknown_finding, unread_reasons

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fnguard.model import Finding, FoundSecret, Function, Inventory, Package
    from fnguard.rules._base import RuleContext

__all__ = ["RULES", "SEC003"]

_UNREAD_FIELDS = ("", "package")  # the package collector's gaps; advisories are not ours
_ENCRYPTED_KEY_IMPACT = 7

SEC003 = RuleMeta(
    id="SEC003",
    title="Secret in the code, a layer or the package",
    impact=9,
    area="secrets",
    providers=(Provider.AWS, Provider.GCP),
    description=(
        "A file deployed with the function holds a secret: a cloud or service key, a "
        "private key, a .env file or a credential file (.aws/credentials, .npmrc, .netrc), "
        "or a password literal in the code. Whoever can download the function's code or "
        "layers (lambda:GetFunction, lambda:GetLayerVersion, the artifact bucket or image "
        "registry) can read it, and it stays in every old version. Example and placeholder "
        "values, public keys, hashes, UUIDs, ARNs, test fixtures and third-party install "
        "trees (node_modules, site-packages) are not reported."
    ),
    remediation=Remediation(
        text=(
            "Rotate the secret now: it has been published with the code. Then keep it out of "
            "the package (exclude .env, key and credential files from the build) and read it "
            "at runtime from Secrets Manager or SSM Parameter Store (SecureString); the "
            "function receives only the secret's name or ARN."
        ),
        terraform=(
            'data "archive_file" "fn" {\n'
            '  type        = "zip"\n'
            '  source_dir  = "${path.module}/src"\n'
            '  output_path = "${path.module}/build/fn.zip"\n'
            '  excludes    = [".env", ".env.local", "id_rsa", "server.key", ".aws/credentials"]\n'
            "}\n"
            'resource "aws_lambda_function" "fn" {\n'
            "  # ...\n"
            "  environment {\n"
            "    variables = { API_KEY_SECRET_ARN = aws_secretsmanager_secret.api.arn }\n"
            "  }\n"
            "}"
        ),
        cloudformation=(
            "# keep secrets out of CodeUri (build from a clean folder), store them instead:\n"
            "ApiKeySecret:\n"
            "  Type: AWS::SecretsManager::Secret\n"
            "Function:\n"
            "  Properties:\n"
            "    Environment:\n"
            "      Variables:\n"
            "        API_KEY_SECRET_ARN: !Ref ApiKeySecret"
        ),
        cli=(
            "aws iam update-access-key --access-key-id AKIA... --status Inactive  # rotate\n"
            "zip -d build/fn.zip .env '*.pem' .aws/credentials\n"
            "aws secretsmanager create-secret --name app/api-key --secret-string file://key.txt\n"
            "aws lambda update-function-code --function-name FN --zip-file fileb://build/fn.zip"
        ),
    ),
    mappings=Mappings(iso27001=("A.5.17", "A.8.12", "A.8.4"), owasp_serverless=("SAS-7",)),
)


def _what(pkg: Package) -> str:
    return f"layer {pkg.path}" if pkg.is_layer else f"package {pkg.path}"


def _impact(secret: FoundSecret) -> int:
    return _ENCRYPTED_KEY_IMPACT if secret.kind.startswith("encrypted ") else SEC003.impact


def _secret_finding(fn: Function | None, pkg: Package, secret: FoundSecret) -> Finding:
    subject = fn.name or fn.address if fn is not None else _what(pkg)
    return SEC003.finding(
        resource=fn.address if fn is not None else pkg.address,
        location=Location(secret.path, secret.line),
        message=(
            f"{subject}: {_what(pkg)} ships a secret in {Location(secret.path, secret.line)} "
            f"({secret.kind})"
        ),
        evidence=[
            Evidence("file", str(Location(secret.path, secret.line))),
            Evidence("kind", secret.kind),
            Evidence("value", secret.masked),
            Evidence("deployed in", _what(pkg)),
        ],
        function=fn,
        impact=_impact(secret),
    )


def _check(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    seen: set[tuple[str | None, Location]] = set()  # (function, file and line) reported
    for fn, packages in subjects(
        inv, _UNREAD_FIELDS, member_errors=True, judged=lambda pkg: pkg.secrets
    ):
        subject = fn.address if fn is not None else None
        for pkg in packages:
            for secret in pkg.secrets:
                where = (subject, Location(secret.path, secret.line))
                if where not in seen:
                    seen.add(where)
                    yield _secret_finding(fn, pkg, secret)
        unread = unread_reasons(inv, fn, packages, _UNREAD_FIELDS, member_errors=True)
        if unread:
            yield unknown_finding(SEC003, fn, packages, "files not searched for secrets", unread)

    # what the handler analysis filed under SEC003, unless a package file said it already
    for finding in code_issue_findings(SEC003, inv):
        if (finding.function, finding.location) not in seen:
            yield finding


RULES: tuple[Rule, ...] = (Rule(SEC003, _check),)
