"""Compiled resources (serverless.yml) are read as written without a ``Resources`` map made
of them: the names their ``!Ref`` stands for come from the resources themselves, as the map
gave them (the last of a repeated logical ID winning), and a whole service's inventory is the
same either way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fnguard.collect.cloudformation import Raw, collect_compiled, decode
from fnguard.collect.cloudformation._collector import _names_of, _Template
from fnguard.collect.serverless._compile import compile_service
from fnguard.collect.serverless._variables import Variables

_ROOT = Path(__file__).resolve().parents[2]


def _written(raws: list[Raw], conditions: Any) -> dict[str, Any]:
    """The template the compiled resources used to come in."""
    resources = {raw.logical_id: {"Type": raw.type, "Properties": raw.props} for raw in raws}
    return {"Resources": resources, "Conditions": conditions}


_raws = st.lists(
    st.builds(
        lambda logical_id, rtype, value: Raw(
            logical_id,
            rtype,
            {}
            if value is None
            else {"FunctionName": value, "BucketName": value, "RoleName": value},
            3,
            logical_id,
        ),
        st.sampled_from(["Fn", "Bucket", "Role", "Other"]),
        st.sampled_from(
            ["AWS::Lambda::Function", "AWS::S3::Bucket", "AWS::IAM::Role", "AWS::SQS::Queue"]
        ),
        st.one_of(st.none(), st.text(max_size=3), st.just({"Ref": "X"}), st.integers()),
    ),
    max_size=8,
)


@given(_raws)
def test_the_names_are_those_the_written_map_gave(raws: list[Raw]) -> None:
    template = _written(raws, {})
    written = _Template(template, template["Resources"], "", "s.yml", "", raws, {})
    assert _names_of(raws) == written._read_resources()


def _services() -> list[Path]:
    found = sorted((_ROOT / "examples").rglob("serverless.yml"))
    found += sorted(
        (_ROOT / ".bench" / "corpus-serverless-1000").glob("service-0[0-2]/serverless.yml")
    )
    return found


@pytest.mark.parametrize("path", _services(), ids=lambda p: p.parent.name)
def test_a_service_maps_the_same_without_the_resources_map(path: Path) -> None:
    text = path.read_text()
    rel = f"{path.parent.name}/serverless.yml"
    config = decode(text, rel)
    resolved = Variables(config, path.parent, path.parent, text=text).resolved()
    compiled = compile_service(resolved, rel)
    assert "Resources" not in compiled.template()
    for prefix in ("", rel + ":"):
        now = collect_compiled(
            compiled.template(), compiled.raws, text, rel, compiled.spans, prefix, path.parent
        )
        before = collect_compiled(
            _written(compiled.raws, compiled.conditions),
            compiled.raws,
            text,
            rel,
            compiled.spans,
            prefix,
            path.parent,
        )
        assert now == before
        assert now.functions
