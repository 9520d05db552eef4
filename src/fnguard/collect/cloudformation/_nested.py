"""Nested stacks: a local child template collected with the values its parent passes in.

``AWS::CloudFormation::Stack`` (``TemplateURL``) and ``AWS::Serverless::Application``
(``Location``) name a child template. When it is a local file, the child is collected as part
of the parent: its ``Parameters`` take the values the parent passes (so they are known in the
child) and each child resource's address names the nesting (``<Stack>/<LogicalId>``). A child
that cannot be read is a gap on the stack resource; a remote one (https, s3, the Serverless
Application Repository) too.

The child's resources are mapped together with the parent's, so a parent resource passed in
(``RoleArn: !GetAtt Role.Arn``) is that resource in the child (the function's role is the
parent's role). Another deploy-time value (an unresolved parameter, a computed string) reaches
the child as a reference to the parent's value, as ``Fn::ImportValue`` does: not a gap there.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fnguard.collect.cloudformation._intrinsic import ParentRef, Ref, Unknown

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "NESTED_TYPES",
    "Child",
    "child_of",
    "child_rel",
    "nested_children",
    "passed_parameters",
]

NESTED_TYPES = {
    "AWS::CloudFormation::Stack": "TemplateURL",
    "AWS::Serverless::Application": "Location",
}
# ``TemplateURL: child.yaml`` / ``"Location": "./child.json"``: enough to know, without
# decoding, which scanned files are nested in another one (see ``nested_children``)
_NAMED = re.compile(r"""["']?(?:TemplateURL|Location)["']?\s*:\s*["']?([^"'\s,}#]+)""")
_MARKERS = (b"AWS::CloudFormation::Stack", b"AWS::Serverless::Application")


@dataclass(frozen=True)
class Child:
    """A nested template to collect, or why it cannot be (``problem``)."""

    location: str | None  # the template's path relative to the parent's folder
    problem: str | None = None


def child_of(rtype: str, props: Mapping[str, Any]) -> Child:
    """Where a nested stack's template is, from the resolved properties of its resource."""
    value = props.get(NESTED_TYPES[rtype])
    if isinstance(value, Mapping):
        return Child(
            None,
            "a Serverless Application Repository application is not read; "
            "its resources are not analysed",
        )
    if not isinstance(value, str):
        return Child(
            None,
            "the nested template's location is known at deploy time only; "
            "its resources are not analysed",
        )
    if "://" in value or value.startswith("s3:"):
        return Child(
            None, f"remote nested template {value} is not read; its resources are not analysed"
        )
    return Child(value)


def passed_parameters(props: Mapping[str, Any]) -> dict[str, Any]:
    """The parameter values a parent passes, as the child's resolver takes them (references
    already carry the parent's file prefix, as every resolved value does)."""
    given = props.get("Parameters")
    if not isinstance(given, Mapping):
        return {}
    return {str(k): _passed(v) for k, v in given.items()}


def _passed(value: Any) -> Any:
    if isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ",".join(str(v) for v in value)
    if isinstance(value, Ref):
        return ParentRef(value.target, value.attr)  # mapped with the parent: it resolves
    if isinstance(value, Unknown):
        return Unknown(value.expr, (), reference=True)
    return Unknown(str(value), (), reference=True)


def nested_children(paths: Sequence[Path]) -> set[Path]:
    """The files among ``paths`` another of them nests: they are collected as its children.

    Only the raw bytes are searched; a template naming no nested stack costs one read.
    """
    texts: dict[Path, str] = {}
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            continue  # collecting it reports why
        if any(m in data for m in _MARKERS):
            texts[path] = data.decode("utf-8", "replace")
    if not texts:
        return set()
    known = {p.resolve(): p for p in paths}
    out: set[Path] = set()
    for path, text in texts.items():
        for name in _NAMED.findall(text):
            if "://" in name:
                continue
            found = known.get((path.parent / name).resolve())
            if found is not None and found != path:
                out.add(found)
    return out


def child_rel(parent_rel: str, location: str) -> str:
    """The child's path as reported: relative to the scan root, like the parent's."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(parent_rel), location))
