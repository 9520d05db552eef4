"""OpenAPI bodies: the same API declared through ``Events`` or through an OpenAPI document gives
the same triggers, front doors, permissions and findings.

Front door and trigger addresses differ by nature (``PublicFnList`` for the event,
``ItemsApiGetItems`` for the operation): they are compared by what they are (kind and
function), and findings by rule, function and status.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from collect_cfn.cfn_helpers import scan_copies
from collect_cfn.test_cfn_translator import _translate

from fnguard.collect.cloudformation import CloudFormationCollector, collect_text
from fnguard.config import Thresholds
from fnguard.iam import default_checker
from fnguard.rules import all_rules
from fnguard.rules._base import RuleContext

if TYPE_CHECKING:
    from fnguard.model import Inventory

OPENAPI = Path(__file__).resolve().parent / "openapi"


def _collect(name: str) -> Inventory:
    path = OPENAPI / name
    collector = CloudFormationCollector()
    assert collector.claims(path)
    return collector.collect([path], OPENAPI)


def _doors(inv: Inventory, *, stages: bool = True) -> list[tuple[Any, ...]]:
    return sorted(
        (
            d.kind,
            d.functions,
            d.integration_timeout_ms,
            d.authorization,
            d.public,
            d.waf_acl,
            d.stages if stages else (),
            d.throttling_rate_limit,
            d.throttling_burst_limit,
            d.cors_allow_origins,
        )
        for d in inv.front_doors
    )


def _triggers(inv: Inventory) -> list[tuple[Any, ...]]:
    by_door = {d.address for d in inv.front_doors}
    return sorted(
        (t.kind, t.function, t.invocation, t.source, t.front_door in by_door) for t in inv.triggers
    )


def _permissions(inv: Inventory) -> list[Any]:
    return sorted(
        repr(dataclasses.replace(p, address="", location=None))  # type: ignore[arg-type]
        for p in inv.permissions
    )


def _findings(inv: Inventory) -> set[tuple[str, str, str]]:
    # a door's address stands for "the <kind> door of <function>" in either form
    names = {d.address: f"{d.kind}:{','.join(d.functions)}" for d in inv.front_doors}
    names.update({t.address: f"{t.kind}:{t.function}" for t in inv.triggers})
    context = RuleContext(thresholds=Thresholds(), permissions=default_checker())
    return {
        (f.rule_id, names.get(f.resource, f.resource), str(f.status))
        for rule in all_rules()
        for f in rule.check(inv, context)
    }


@pytest.fixture(scope="module")
def pair() -> tuple[Inventory, Inventory]:
    return _collect("sam_events.yaml"), _collect("sam_openapi.yaml")


def test_openapi_body_gives_the_events_triggers_and_doors(
    pair: tuple[Inventory, Inventory],
) -> None:
    events, body = pair
    assert body.gaps == events.gaps == ()
    assert _triggers(body) == _triggers(events)
    assert _doors(body) == _doors(events)
    assert _permissions(body) == _permissions(events)
    assert {d.authorization for d in body.front_doors} == {"NONE", "AWS_IAM"}


def test_openapi_body_gives_the_events_findings(pair: tuple[Inventory, Inventory]) -> None:
    events, body = pair
    expected = _findings(events)
    # the open routes lack concurrency limits (LIM005) and a WAF (EXP005); the IAM one is closed
    assert {("LIM005", "PublicFn", "fail"), ("LIM005", "HookFn", "fail")} <= expected
    assert ("LIM005", "PrivateFn", "fail") not in expected
    assert ("LIM003", "PublicFn", "fail") in expected  # 60 s function behind a 29 s API
    assert _findings(body) == expected


def test_operations_point_at_their_own_lines(pair: tuple[Inventory, Inventory]) -> None:
    _, body = pair
    where = {t.function: (t.location.file, t.location.line) for t in body.triggers}
    assert where == {
        "PublicFn": ("sam_openapi.yaml", 25),
        "PrivateFn": ("sam_openapi.yaml", 30),
        "HookFn": ("hooks-api.yaml", 7),  # the included file, not the template
    }


@pytest.mark.parametrize("fixture", ["sam_events.yaml", "sam_auth_events.yaml"])
def test_the_translators_openapi_body_gives_the_events_doors(
    fixture: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The AWS SAM translator writes every API as an OpenAPI body with its authorisers.

    Stages are left out: the translator's ``AWS::ApiGateway::Deployment`` also names the
    ``Stage`` stage SAM famously creates, which fnguard's own SAM expansion does not declare.
    """
    text = (OPENAPI / fixture).read_text(encoding="utf-8")
    ours = collect_text(text, "sam.yaml")
    theirs = collect_text(_translate(text, monkeypatch), "translated.json")
    assert [g for g in theirs.gaps if g.field in ("body", "authorization")] == []
    assert _triggers(theirs) == _triggers(ours)
    assert _doors(theirs, stages=False) == _doors(ours, stages=False)
    assert len(ours.front_doors) >= 3


def test_cli_scan_reads_the_openapi_body(tmp_path: Path) -> None:
    code, result = scan_copies(OPENAPI, ("sam_openapi.yaml", "hooks-api.yaml"), tmp_path)
    assert code == 1
    assert result["gaps"] == []
    found = {(f["rule_id"], f["resource"], f["location"]["file"]) for f in result["findings"]}
    assert {
        ("LIM005", "PublicFn", "sam_openapi.yaml"),
        ("LIM005", "HookFn", "sam_openapi.yaml"),
        ("EXP005", "HooksApiPostHookIntegration", "hooks-api.yaml"),
    } <= found
    assert not any(rule == "LIM005" and res == "PrivateFn" for rule, res, _ in found)
