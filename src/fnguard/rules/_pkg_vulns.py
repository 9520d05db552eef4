"""PKG007: a dependency the function ships has a known vulnerability (OSV data).

Reads what the package collector found (``Package.dependencies``, exact versions only) and
what the advisory stage looked up (``Inventory.advisories_for``). One finding per function,
dependency and advisory: the same library in the code package and in a layer is one
finding listing both manifests. The impact is the advisory's own (CVSS band or database
severity, see ``fnguard.osv``). When the advisory source could not answer for a package
(no network, an export without that ecosystem, ``--osv off``) or the package was not fully
read, the function gets an unknown finding: an unchecked dependency is not a clean one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fnguard.model import Evidence, FindingStatus, Function, Location, Provider, Remediation
from fnguard.rules._base import Mappings, Rule, RuleMeta
from fnguard.rules._gaps import inventory_gaps
from fnguard.rules._pkg_common import concerned, unused

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from fnguard.model import Advisory, Dependency, Finding, Inventory, Package
    from fnguard.rules._base import RuleContext

__all__ = ["PKG007", "RULES", "subjects", "unknown_finding", "unread_reasons"]

# ``CollectionGap.field`` values that leave a package's dependencies unchecked: the advisory
# stage's ("advisories", fnguard.osv.ADVISORIES_FIELD) and the package collector's.
_ADVISORY_FIELD = "advisories"
_PACKAGE_FIELD = "package"
_UNCHECKED_FIELDS = ("", _ADVISORY_FIELD, _PACKAGE_FIELD)
_MANIFESTS_SHOWN = 5

PKG007 = RuleMeta(
    id="PKG007",
    title="Dependency with a known vulnerability",
    impact=7,  # nominal: each finding carries its advisory's impact
    area="package",
    providers=(Provider.AWS, Provider.GCP),
    description=(
        "A third-party package deployed with the function (in its code package or a layer) "
        "is a version that a published advisory (OSV: GitHub, PyPA, npm and other databases) "
        "says is vulnerable. Only exact versions are judged: installed distributions, lock "
        "files and requirements pinned with ==; a version range is not a version. The "
        "finding's impact is the advisory's severity."
    ),
    remediation=Remediation(
        text=(
            "Upgrade the dependency to a fixed version (see 'fixed in'), rebuild the package "
            "or layer from the updated lock file and redeploy. If no fix exists, remove the "
            "dependency or check that the vulnerable code path is unreachable, and record "
            "the decision as a suppression with a reason."
        ),
        terraform=(
            "# requirements.txt / package.json: pin a fixed version, then rebuild the zip\n"
            'data "archive_file" "fn" {\n'
            '  type        = "zip"\n'
            '  source_dir  = "${path.module}/build"   # pip install -r requirements.txt -t build\n'
            '  output_path = "${path.module}/fn.zip"\n'
            "}\n"
            'resource "aws_lambda_function" "fn" {\n'
            "  filename         = data.archive_file.fn.output_path\n"
            "  source_code_hash = data.archive_file.fn.output_base64sha256  # redeploys\n"
            "}"
        ),
        cloudformation=(
            "# pin the fixed version in requirements.txt / package-lock.json, then:\n"
            "sam build && sam deploy"
        ),
        cli=(
            "pip install --upgrade 'PACKAGE>=FIXED' -t build/   # npm: npm install PACKAGE@FIXED\n"
            "(cd build && zip -qr ../fn.zip .)\n"
            "aws lambda update-function-code --function-name FN --zip-file fileb://fn.zip"
        ),
    ),
    mappings=Mappings(iso27001=("A.8.8", "A.5.21"), owasp_serverless=("SAS-6",)),
)


def _label(fn: Function | None, pkg: Package) -> str:
    if fn is not None:
        return fn.name or fn.address
    return f"layer {pkg.path}" if pkg.is_layer else f"package {pkg.path}"


@dataclass
class _Hit:
    """One vulnerable dependency of one subject, wherever it is declared."""

    advisory: Advisory
    declared: list[tuple[Dependency, Package]] = field(default_factory=list)


def unread_reasons(
    inv: Inventory,
    fn: Function | None,
    packages: tuple[Package, ...],
    fields: tuple[str, ...],
    *,
    member_errors: bool = False,
) -> list[str]:
    """Why part of what ``fn`` deploys was not examined: one line per package.

    A gap with ``field="package"`` on the function means its artifact was not found or not
    opened; a gap on a package (``fields``) means reading or checking it stopped early;
    ``member_errors`` counts unreadable members too.
    """
    reasons: list[str] = []
    if fn is not None:
        reasons.extend(
            g.reason
            for g in inventory_gaps(inv).get(fn.address, _PACKAGE_FIELD)
            if g.field == _PACKAGE_FIELD
        )
    for pkg in packages:
        why = _unread(inv, pkg, fields, member_errors)
        if why is not None:
            reasons.append(f"{pkg.path}: {why}")
    return reasons


def _unread(
    inv: Inventory, pkg: Package, fields: tuple[str, ...], member_errors: bool
) -> str | None:
    gap = next((g for g in inventory_gaps(inv).get(pkg.address) if g.field in fields), None)
    if gap is not None:
        return gap.reason
    if member_errors and pkg.errors:
        return f"{len(pkg.errors)} member(s) unreadable: {pkg.errors[0]}"
    return None


def subjects(
    inv: Inventory,
    fields: tuple[str, ...],
    *,
    member_errors: bool = False,
    judged: Callable[[Package], object],
) -> Iterator[tuple[Function | None, tuple[Package, ...]]]:
    """Each function a rule can say something about, with the packages it deploys, then
    each package no function deploys, alone. A function is left out when its artifact was
    found and none of its packages is ``judged`` true or was read in part (``fields`` and
    ``member_errors`` as for ``unread_reasons``): the rule would find nothing there."""

    def wanted(pkg: Package) -> bool:
        return bool(judged(pkg)) or _unread(inv, pkg, fields, member_errors) is not None

    for fn in concerned(inv, wanted):
        yield fn, inv.packages_of(fn)
    for pkg in unused(inv):
        yield None, (pkg,)


def _finding(fn: Function | None, hit: _Hit) -> Finding:
    advisory = hit.advisory
    dep, pkg = hit.declared[0]
    subject = fn.address if fn is not None else pkg.address
    manifests = list(dict.fromkeys(d.manifest for d, _ in hit.declared))
    shipped = list(dict.fromkeys(p.path for _, p in hit.declared))
    evidence = [
        Evidence("package", f"{advisory.name} ({advisory.ecosystem})"),
        Evidence("version", advisory.version),
        Evidence("advisory", advisory.id),
        Evidence("aliases", ", ".join(advisory.aliases) or "none"),
        Evidence("fixed in", ", ".join(advisory.fixed) or "no fixed version published"),
        *(Evidence("manifest", m) for m in manifests[:_MANIFESTS_SHOWN]),
        Evidence("deployed in", ", ".join(shipped)),
    ]
    return PKG007.finding(
        resource=subject,
        location=Location(dep.manifest, dep.line),
        message=(
            f"{_label(fn, pkg)}: {advisory.name} {advisory.version} has a known vulnerability, "
            f"{advisory.id}: {advisory.summary}"
        ),
        evidence=evidence,
        function=fn,
        impact=max(1, min(10, advisory.impact)),
    )


def unknown_finding(
    meta: RuleMeta,
    fn: Function | None,
    packages: tuple[Package, ...],
    what: str,
    reasons: list[str],
) -> Finding:
    """``meta``'s unknown finding: ``what`` ("dependencies not checked") and why."""
    evidence = [Evidence("not examined", r) for r in reasons]
    if fn is not None:
        message = f"{fn.name or fn.address}: {what} ({reasons[0]})"
        return meta.unknown(fn=fn, message=message, evidence=evidence)
    pkg = packages[0]
    return meta.finding(
        resource=pkg.address,
        location=pkg.location,
        message=f"{_label(None, pkg)}: {what} ({reasons[0]})",
        evidence=evidence,
        status=FindingStatus.UNKNOWN,
    )


def _check(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    def vulnerable(pkg: Package) -> bool:
        return any(inv.advisories_for(dep) for dep in pkg.dependencies)

    for fn, packages in subjects(inv, _UNCHECKED_FIELDS, judged=vulnerable):
        hits: dict[tuple[str, str, str, str], _Hit] = {}
        for pkg in packages:
            for dep in pkg.dependencies:
                for advisory in inv.advisories_for(dep):
                    key = (dep.ecosystem, dep.name, dep.version, advisory.id)
                    hits.setdefault(key, _Hit(advisory)).declared.append((dep, pkg))
        for hit in hits.values():
            yield _finding(fn, hit)
        unchecked = unread_reasons(inv, fn, packages, _UNCHECKED_FIELDS)
        if unchecked:
            yield unknown_finding(PKG007, fn, packages, "dependencies not checked", unchecked)


RULES: tuple[Rule, ...] = (Rule(PKG007, _check),)
