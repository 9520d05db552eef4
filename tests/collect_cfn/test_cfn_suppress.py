"""Inline suppressions: YAML comments on or in a resource; JSON Metadata."""

from __future__ import annotations

from collect_cfn.cfn_helpers import collect_fixture

from fnguard.model import Location, Suppression


def test_yaml_comments_above_and_inside_cover_what_sam_generates() -> None:
    sups = collect_fixture("suppress.yaml").suppressions
    by_rule: dict[str, set[str]] = {}
    for sup in sups:
        by_rule.setdefault(sup.rule_id, set()).add(sup.resource)
    generated = {
        "Hook",
        "HookRole",
        "HookUrl",
        "HookUrlPublicPermissions",
        "HookURLInvokeAllowPublicAccess",
    }
    assert by_rule == {
        "EXP002": generated,
        "EXP005": generated,
        "LIM005": generated,
        "LIM004": {"Later"},
    }
    assert (
        Suppression(
            "EXP002",
            "HookUrl",
            "webhook, verified by HMAC in the handler",
            Location("suppress.yaml", 5),
        )
        in sups
    )
    assert (
        Suppression("LIM005", "Hook", "rate limited upstream", Location("suppress.yaml", 13))
        in sups
    )
    # No reason: recorded as written; the scan reports it instead of honouring it.
    assert Suppression("LIM004", "Later", "", Location("suppress.yaml", 18)) in sups
    assert not any(s.resource == "Plain" for s in sups)


def test_json_metadata_key() -> None:
    inv = collect_fixture("suppress.json")
    assert inv.suppressions == (
        Suppression(
            "LIM004", "Queue", "batch job, short visibility is fine", Location("suppress.json", 4)
        ),
    )
    assert inv.queues[0].location == Location("suppress.json", 4)
