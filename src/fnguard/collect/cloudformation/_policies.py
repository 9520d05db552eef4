"""SAM's own policy tables (the AWS-managed documents are in ``collect._shared``).

SAM policy templates and the managed-policy name -> ARN map are read from the installed
``aws-sam-translator`` package (its JSON files, not its Python code), so they follow SAM's
releases instead of a copy drifting here.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from fnguard._data import package_text

__all__ = ["managed_policy_arn", "policy_template"]


@functools.cache
def _sam_file(*parts: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(package_text("samtranslator", "/".join(parts)))
    return data


def managed_policy_arn(name: str) -> str:
    """What SAM makes of a ``Policies`` string: a known managed-policy name's ARN, else as is."""
    try:
        table = _sam_file("internal", "data", "aws_managed_policies.json").get("aws", {})
    except (FileNotFoundError, ModuleNotFoundError):
        table = {}
    arn = table.get(name) if isinstance(table, dict) else None
    return str(arn) if arn else name


def policy_template(name: str) -> dict[str, Any] | None:
    """SAM's policy template ``name`` (``Definition`` and ``Parameters``), if SAM defines one."""
    try:
        templates = _sam_file("policy_templates_data", "policy_templates.json")["Templates"]
    except (FileNotFoundError, ModuleNotFoundError, KeyError):
        return None
    template = templates.get(name)
    return template if isinstance(template, dict) else None
