"""Insecure transport written into the code (SEC005), found by shape rather than by flow.

Node turns TLS verification off with ``rejectUnauthorized: false`` (an https Agent, a request
option, a database client's ``ssl``), ``NODE_TLS_REJECT_UNAUTHORIZED = '0'`` for the whole
process, or a ``checkServerIdentity`` that accepts anything; ``minVersion`` / ``secureProtocol``
choose TLS below 1.2; an ``http://`` URL to a login, token or secret endpoint sends credentials
in clear.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fnguard.model import CodeIssue, FlowStep

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tree_sitter import Node

    from fnguard.code.javascript._values import Module

__all__ = ["transport_issues"]

_OLD_TLS = frozenset(
    {"TLSv1", "TLSv1.1", "SSLv3", "TLSv1_method", "TLSv1_1_method", "SSLv3_method", "SSLv23_method"}
)
_AUTH_URL = re.compile(
    r"^http://(?!(?:localhost|127\.\d+\.\d+\.\d+|169\.254\.\d+\.\d+|\[::1\]|0\.0\.0\.0)(?:[:/]|$))"
    r"[^\s]*(?:auth|login|logon|token|oauth|secret|passw|credential|sign-?in|session|api-?key|"
    r"jwt|sso|saml|vault|openid|keycloak)",
    re.IGNORECASE,
)
_DISABLED = frozenset({"false", "0", "'0'", '"0"', "null"})


def _text(node: Node | None) -> str:
    return "" if node is None else (node.text or b"").decode("utf-8", "replace")


def _accepts_anything(node: Node) -> bool:
    """``() => undefined`` / ``function () {}``: a server identity check that never fails."""
    if node.type not in ("arrow_function", "function_expression", "function"):
        return False
    body = node.child_by_field_name("body")
    if body is None:
        return False
    if body.type == "statement_block":
        statements = [c for c in body.named_children if c.type != "comment"]
        return not statements or (
            len(statements) == 1
            and statements[0].type == "return_statement"
            and _text(statements[0]).rstrip(";").strip() in ("return", "return undefined")
        )
    return body.type in ("undefined", "null")


def _pair_problem(key: str, value: Node) -> tuple[str, str] | None:
    shown = _text(value)
    if key == "rejectUnauthorized" and shown in _DISABLED:
        return f"rejectUnauthorized: {shown}", "TLS verification turned off"
    if key in ("minVersion", "maxVersion", "secureProtocol") and shown.strip("'\"`") in _OLD_TLS:
        return f"{key}: {shown}", "TLS below 1.2"
    if key == "checkServerIdentity" and _accepts_anything(value):
        return "checkServerIdentity", "server identity never checked"
    return None


def _problems(root: Node) -> Iterator[tuple[Node, str, str]]:
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(reversed(node.named_children))
        if node.type == "pair":
            key = node.child_by_field_name("key")
            value = node.child_by_field_name("value")
            if key is not None and value is not None:
                found = _pair_problem(_text(key).strip("'\""), value)
                if found is not None:
                    yield node, found[0], found[1]
        elif node.type == "assignment_expression":
            left = _text(node.child_by_field_name("left")).replace(" ", "")
            right = _text(node.child_by_field_name("right"))
            if (
                left.endswith(
                    ("env.NODE_TLS_REJECT_UNAUTHORIZED", "env['NODE_TLS_REJECT_UNAUTHORIZED']")
                )
                and right in _DISABLED
            ):
                yield (
                    node,
                    "NODE_TLS_REJECT_UNAUTHORIZED",
                    "TLS verification turned off for the process",
                )
        elif node.type == "string_fragment" and _AUTH_URL.match(_text(node)):
            url = _text(node)
            shown = url if len(url) <= 80 else url[:77] + "..."
            yield node, shown, "plain http:// to an authentication or secret endpoint"


def transport_issues(module: Module, function: str) -> list[CodeIssue]:
    """One SEC005 issue per line of ``module`` that weakens transport security."""
    issues: dict[int, CodeIssue] = {}
    for node, sink, problem in _problems(module.root):
        location = module.location(node)
        if location.line in issues:
            continue
        step = FlowStep(location, f"{sink}: {problem}")
        message = f"insecure transport: {problem}"
        issues[location.line] = CodeIssue("SEC005", function, location, message, (step,), sink)
    return list(issues.values())
