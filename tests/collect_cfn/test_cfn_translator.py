"""fnguard's own SAM expansion agrees with the AWS SAM translator.

The translator's CloudFormation output, collected as a plain template, must give the same
functions, roles, event triggers and permissions as the SAM template collected directly.
APIs are the exception the translator imposes: it writes implicit APIs as an OpenAPI body,
which fnguard reports as a gap instead of reading, so API doors are compared elsewhere.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from fnguard.collect.cloudformation import collect_text
from fnguard.model import Inventory, Location, TriggerKind

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
_API = (TriggerKind.API_REST, TriggerKind.API_HTTP)


def _translate(text: str, monkeypatch: pytest.MonkeyPatch) -> str:
    translator = pytest.importorskip("samtranslator.translator.transform")
    from cfnlint.decode import cfn_yaml  # type: ignore[import-untyped]

    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")  # the translator insists on one

    class NoManagedPolicies:
        def load(self) -> dict[str, str]:
            return {}

    template = json.loads(json.dumps(cfn_yaml.loads(text, "sam.yaml")))
    output = translator.transform(template, {}, NoManagedPolicies())
    return json.dumps(output, indent=1)


def _without_locations(value: Any) -> Any:
    if isinstance(value, Location):
        return None
    if isinstance(value, tuple):
        return tuple(_without_locations(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value,
            **{
                f.name: _without_locations(getattr(value, f.name))
                for f in dataclasses.fields(value)
            },
        )
    return value


def _comparable(inv: Inventory) -> dict[str, list[Any]]:
    parts = {
        "functions": inv.functions,
        "roles": inv.roles,
        "triggers": tuple(t for t in inv.triggers if t.kind not in _API),
        "permissions": tuple(
            p for p in inv.permissions if p.principal != "apigateway.amazonaws.com"
        ),
        "queues": inv.queues,
        "buckets": inv.buckets,
    }
    return {
        name: sorted((_without_locations(v) for v in values), key=lambda v: str(v.address))
        for name, values in parts.items()
    }


@pytest.mark.parametrize(
    "fixture", ["cloudformation/sam_translatable.yaml", "equivalence/sam.yaml"]
)
def test_expansion_matches_the_translator(fixture: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    ours = collect_text(text, "sam.yaml")
    theirs = collect_text(_translate(text, monkeypatch), "translated.json")
    assert _comparable(ours) == _comparable(theirs)
    assert ours.functions  # not vacuous
    assert len(ours.roles[0].policies) >= 2
