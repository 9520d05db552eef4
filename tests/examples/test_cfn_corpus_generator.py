"""The CloudFormation/SAM and serverless.yml benchmark corpora: N functions the collectors read."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from fnguard.collect.cloudformation import CloudFormationCollector
from fnguard.collect.serverless import ServerlessCollector

if TYPE_CHECKING:
    from types import ModuleType

    from fnguard.collect._interface import Collector

_BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    sys.path.insert(0, str(_BENCHMARKS))  # the generator imports the Terraform one's tables
    spec = importlib.util.spec_from_file_location(
        "gen_cfn_corpus", _BENCHMARKS / "gen_cfn_corpus.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def _collector(fmt: str) -> Collector:
    return CloudFormationCollector() if fmt == "cloudformation" else ServerlessCollector()


@pytest.mark.parametrize("fmt", ["cloudformation", "serverless"])
def test_the_collectors_read_every_generated_function(
    gen: ModuleType, tmp_path: Path, fmt: str
) -> None:
    written = gen.generate(tmp_path, gen.CfnCorpusSpec(fmt=fmt, functions=10, per_folder=4))
    folders = sorted(p.name for p in tmp_path.iterdir() if p.is_dir())
    assert folders == ["service-00", "service-01", "service-02"]
    assert written == 3 * (2 if fmt == "cloudformation" else 1)
    collector = _collector(fmt)
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file() and collector.claims(p))
    assert len(files) == written
    inventory = collector.collect(files, tmp_path)
    assert len(inventory.functions) == 10
    assert inventory.gaps == ()
    # Every function has a role and is invoked by something: a trigger or a front door.
    invoked = {t.function for t in inventory.triggers}
    invoked.update(address for door in inventory.front_doors for address in door.functions)
    assert {fn.address for fn in inventory.functions} <= invoked
    assert all(fn.role for fn in inventory.functions)


@pytest.mark.parametrize("fmt", ["cloudformation", "serverless"])
def test_generation_is_deterministic_and_stamped(gen: ModuleType, tmp_path: Path, fmt: str) -> None:
    spec = gen.CfnCorpusSpec(fmt=fmt, functions=12)
    first, second = tmp_path / "a", tmp_path / "b"
    gen.generate(first, spec)
    gen.generate(second, spec)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel
    assert gen.is_current(first, spec)
    assert not gen.is_current(first, gen.CfnCorpusSpec(fmt=fmt, functions=13))


def test_rejects_an_unknown_format_or_an_empty_corpus(gen: ModuleType, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format"):
        gen.generate(tmp_path / "x", gen.CfnCorpusSpec(fmt="pulumi", functions=3))
    with pytest.raises(ValueError, match="positive"):
        gen.generate(tmp_path / "y", gen.CfnCorpusSpec(functions=0))
