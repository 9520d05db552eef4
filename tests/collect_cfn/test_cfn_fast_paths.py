"""The collector's shortcuts give what the long way gives.

- A property no intrinsic function went into is not walked for references to prefix (several
  templates in one scan): ``Resolver.intrinsics`` tells which, and must count every way a
  ``Ref`` or ``Unknown`` can enter a value.
- Plain scalars' YAML tags are remembered across files: only for plain (unquoted) scalars.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fnguard.collect.cloudformation import LAMBDA_TRUST, _collector, _fast_yaml, lambda_trust
from fnguard.collect.cloudformation._fast_yaml import decode_yaml
from fnguard.collect.cloudformation._intrinsic import Ref, Resolver, Unknown

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TEMPLATES = sorted(
    [*(FIXTURES / "cloudformation").glob("*.yaml"), *(FIXTURES / "equivalence").glob("*.yaml")]
)


def _count(template: dict[str, Any], node: Any) -> int:
    resolver = Resolver(template, {"Role": object(), "Queue": object()})
    resolver.resolve(node)
    return resolver.intrinsics


TEMPLATE: dict[str, Any] = {"Parameters": {"Id": {"Type": "String"}}}


@pytest.mark.parametrize(
    "node",
    [
        {"Ref": "Role"},
        {"A": [{"B": {"Fn::GetAtt": ["Role", "Arn"]}}]},
        {"Fn::Sub": "${Queue.Arn}"},
        {"Ref": "Id"},  # a parameter without a default: an Unknown made before resolution
        {"Fn::Unheard": 1},  # not understood: an Unknown and a problem
    ],
)
def test_every_intrinsic_is_counted(node: Any) -> None:
    assert _count(TEMPLATE, node) > 0


def test_values_nested_past_the_limit_are_counted() -> None:
    deep: Any = "x"
    for _ in range(70):
        deep = [deep]
    assert _count(TEMPLATE, deep) > 0


@pytest.mark.parametrize("node", ["text", 5, None, True, {"A": ["b", {"C": 1.5}]}, {"Ref": 1}])
def test_plain_data_counts_nothing_but_a_ref_does(node: Any) -> None:
    count = _count(TEMPLATE, node)
    assert count == (1 if isinstance(node, dict) and "Ref" in node else 0)


def test_prefixed_values_name_the_prefixed_resources() -> None:
    value = {"A": [Ref("Role", "Arn")], "B": Unknown("${Q}", ("Q",)), "C": "plain"}
    assert _collector._prefixed(value, "t.yaml:") == {
        "A": [Ref("t.yaml:Role", "Arn")],
        "B": Unknown("${Q}", ("t.yaml:Q",)),
        "C": "plain",
    }


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_skipping_plain_properties_changes_no_inventory(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = path.read_text(encoding="utf-8")
    fast = _collector.collect_text(text, path.name, "dir/t.yaml:")
    original = Resolver.resolve

    def always_counted(self: Resolver, node: Any, depth: int = 0) -> Any:
        self.intrinsics += 1  # every property walked, as before the shortcut
        return original(self, node, depth)

    monkeypatch.setattr(Resolver, "resolve", always_counted)
    assert _collector.collect_text(text, path.name, "dir/t.yaml:") == fast


def test_remembered_tags_are_for_plain_scalars_only() -> None:
    _fast_yaml._TAGS.clear()
    first, _ = decode_yaml("a: 123\nb: yes\n")
    second, _ = decode_yaml("a: '123'\nb: 'yes'\nc: 123\n")  # quoted: strings, not the tags
    assert first == {"a": 123, "b": True}
    assert second == {"a": "123", "b": "yes", "c": 123}
    assert _fast_yaml._TAGS["123"].endswith(":int")


def test_remembered_tags_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_fast_yaml, "_MAX_TAGS", 3)
    _fast_yaml._TAGS.clear()
    decode_yaml("a: 1\nb: 2\nc: 3\nd: 4\n")
    assert len(_fast_yaml._TAGS) > 3
    decode_yaml("e: 5\n")  # a new file starts from an emptied memory
    assert len(_fast_yaml._TAGS) <= 3


def test_references_in_a_prefixed_template_carry_the_prefix() -> None:
    text = (FIXTURES / "cloudformation" / "function_full.yaml").read_text(encoding="utf-8")
    inventory = _collector.collect_text(text, "t.yaml", "dir/t.yaml:")
    roles = {f.address: f.role for f in inventory.functions}
    assert roles == {"dir/t.yaml:Api": "dir/t.yaml:ApiRole"}


def test_each_generated_role_gets_its_own_trust_policy() -> None:
    first, second = lambda_trust(), lambda_trust()
    assert first == second == LAMBDA_TRUST
    first["Statement"][0]["Action"].append("sts:TagSession")
    assert second == LAMBDA_TRUST
    assert LAMBDA_TRUST["Statement"][0]["Action"] == ["sts:AssumeRole"]


@pytest.mark.parametrize(("levels", "too_deep"), [(64, False), (65, True)])
def test_a_string_just_past_the_depth_limit_is_still_reported(levels: int, too_deep: bool) -> None:
    for wrap in (lambda v: [v], lambda v: {"K": v}):
        node: Any = "leaf"
        for _ in range(levels):
            node = wrap(node)
        resolver = Resolver(TEMPLATE, {})
        resolver.resolve(node)
        assert bool(resolver.problems) is too_deep
