"""The benchmark corpus generator: the right number of functions, valid HCL, deterministic."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import hcl2
import pytest

if TYPE_CHECKING:
    from types import ModuleType

_GENERATOR = Path(__file__).resolve().parents[2] / "benchmarks" / "gen_terraform_corpus.py"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_terraform_corpus", _GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def _parse_all(root: Path) -> dict[Path, dict[str, list[dict[str, dict[str, object]]]]]:
    parsed = {}
    for path in sorted(root.rglob("*.tf")):
        with path.open(encoding="utf-8") as handle:
            parsed[path] = hcl2.load(handle)
    return parsed


def _label(text: str) -> str:
    """python-hcl2 8 keeps the quotes of block labels; older versions strip them."""
    return text.strip('"')


def test_small_corpus_has_the_requested_functions_and_parses(
    gen: ModuleType, tmp_path: Path
) -> None:
    out = tmp_path / "corpus"
    written = gen.generate(out, gen.CorpusSpec(functions=10, per_folder=4))

    parsed = _parse_all(out)
    assert written == len(parsed) == 3 * 3 + 10  # three folders of shared files + one per fn
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert folders == ["service-00", "service-01", "service-02"]
    functions = [
        _label(name)
        for doc in parsed.values()
        for block in doc.get("resource", [])
        for rtype, body in block.items()
        if _label(rtype) == "aws_lambda_function"
        for name in body
    ]
    assert sorted(functions) == [f"fn_{i:04d}" for i in range(10)]


def test_every_function_has_a_role_and_a_trigger_or_front_door(
    gen: ModuleType, tmp_path: Path
) -> None:
    gen.generate(tmp_path, gen.CorpusSpec(functions=30))
    invokers = {
        "aws_lambda_event_source_mapping",
        "aws_s3_bucket_notification",
        "aws_sns_topic_subscription",
        "aws_cloudwatch_event_target",
        "aws_api_gateway_integration",
        "aws_apigatewayv2_integration",
        "aws_lambda_function_url",
    }
    for path, doc in _parse_all(tmp_path).items():
        if not path.name.startswith("fn_"):
            continue
        types = {_label(rtype) for block in doc.get("resource", []) for rtype in block}
        assert "aws_lambda_function" in types, path
        assert types & invokers, f"{path} has no trigger or front door"


def test_generation_is_deterministic(gen: ModuleType, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    gen.generate(first, gen.CorpusSpec(functions=12))
    gen.generate(second, gen.CorpusSpec(functions=12))
    files = sorted(p.relative_to(first) for p in first.rglob("*.tf"))
    assert files == sorted(p.relative_to(second) for p in second.rglob("*.tf"))
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_stamp_tells_a_current_corpus_from_a_stale_one(gen: ModuleType, tmp_path: Path) -> None:
    spec = gen.CorpusSpec(functions=3)
    assert not gen.is_current(tmp_path, spec)
    gen.generate(tmp_path, spec)
    assert gen.is_current(tmp_path, spec)
    assert not gen.is_current(tmp_path, gen.CorpusSpec(functions=4))


def test_rejects_an_empty_corpus(gen: ModuleType, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="positive"):
        gen.generate(tmp_path / "x", gen.CorpusSpec(functions=0))
