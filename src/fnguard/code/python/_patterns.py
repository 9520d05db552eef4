"""SEC005 by shape: TLS settings that are wrong wherever they appear in the handler's code.

These need no data flow: ``verify=False``, an unverified SSL context, ``CERT_NONE``,
``check_hostname = False``, protocol constants below TLS 1.2, and plain ``http://`` URLs to
authentication or secret endpoints (loopback and the link-local metadata address excepted:
they never leave the host).
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from fnguard.model import CodeIssue, FlowStep, Location

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fnguard.code.python._program import Module

__all__ = ["tls_issues"]

_WEAK = {
    "ssl._create_unverified_context": "an SSL context that verifies nothing",
    "ssl.CERT_NONE": "certificate verification off (CERT_NONE)",
    "ssl.PROTOCOL_SSLv2": "SSL 2 (below TLS 1.2)",
    "ssl.PROTOCOL_SSLv3": "SSL 3 (below TLS 1.2)",
    "ssl.PROTOCOL_TLSv1": "TLS 1.0 (below TLS 1.2)",
    "ssl.PROTOCOL_TLSv1_1": "TLS 1.1 (below TLS 1.2)",
    "ssl.TLSVersion.SSLv3": "SSL 3 (below TLS 1.2)",
    "ssl.TLSVersion.TLSv1": "TLS 1.0 (below TLS 1.2)",
    "ssl.TLSVersion.TLSv1_1": "TLS 1.1 (below TLS 1.2)",
    "ssl.TLSVersion.MINIMUM_SUPPORTED": "the oldest protocol the library supports",
    "OpenSSL.SSL.TLSv1_METHOD": "TLS 1.0 (below TLS 1.2)",
    "OpenSSL.SSL.SSLv23_METHOD": "SSL 2/3 negotiation",
}
_OFF_KEYWORDS = {"verify": False, "verify_ssl": False, "ssl": False, "check_hostname": False}
_OFF_ATTRIBUTES = {"verify", "check_hostname"}
_AUTH_URL = re.compile(
    r"^http://(?!(?:localhost|127\.\d+\.\d+\.\d+|169\.254\.\d+\.\d+|\[::1\]|0\.0\.0\.0)(?:[:/]|$))"
    r"[^\s]*(?:auth|login|logon|token|oauth|secret|passw|credential|sign-?in|session|api-?key|"
    r"jwt|sso|saml|vault|openid|keycloak)",
    re.I,
)


def _qual(node: ast.expr, aliases: dict[str, str]) -> str:
    if isinstance(node, ast.Name):
        return aliases.get(node.id, node.id)
    if isinstance(node, ast.Attribute):
        base = _qual(node.value, aliases)
        return f"{base}.{node.attr}" if base else ""
    return ""


def _findings(module: Module) -> Iterator[tuple[ast.AST, str, str]]:
    """(node, sink, what is wrong) for each TLS weakness in the module."""
    docstrings: set[int] = set()
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
        if isinstance(node, ast.Attribute | ast.Name):
            qual = _qual(node, module.aliases)
            if qual in _WEAK:
                yield node, qual, _WEAK[qual]
        elif isinstance(node, ast.Call):
            for kw in node.keywords:
                off = kw.arg in _OFF_KEYWORDS and isinstance(kw.value, ast.Constant)
                if off and kw.value.value is _OFF_KEYWORDS[kw.arg or ""]:  # type: ignore[attr-defined]
                    call = _qual(node.func, module.aliases) or ast.unparse(node.func)
                    yield (
                        node,
                        f"{call}({kw.arg}=False)",
                        f"TLS verification turned off ({kw.arg}=False)",
                    )
                elif (
                    kw.arg == "cert_reqs"
                    and isinstance(kw.value, ast.Constant)
                    and str(kw.value.value).upper() in ("CERT_NONE", "NONE")
                ):
                    yield (
                        node,
                        "cert_reqs='CERT_NONE'",
                        "certificate verification off (CERT_NONE)",
                    )
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                off = isinstance(node.value, ast.Constant) and node.value.value is False
                if isinstance(target, ast.Attribute) and target.attr in _OFF_ATTRIBUTES and off:
                    yield (
                        node,
                        f"{ast.unparse(target)} = False",
                        f"TLS verification turned off ({target.attr} = False)",
                    )
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and _AUTH_URL.match(node.value)
        ):
            url = node.value if len(node.value) <= 80 else node.value[:79] + "…"
            yield node, url, "plain http:// to an authentication or secret endpoint"


def tls_issues(module: Module, function: str) -> list[CodeIssue]:
    issues: dict[int, CodeIssue] = {}
    for node, sink, problem in _findings(module):
        line = getattr(node, "lineno", 0)
        if line in issues:
            continue
        location = Location(module.file, line)
        message = f"insecure transport: {problem}"
        step = FlowStep(location, f"{sink}: {problem}")
        issues[line] = CodeIssue("SEC005", function, location, message, (step,), sink)
    return list(issues.values())
