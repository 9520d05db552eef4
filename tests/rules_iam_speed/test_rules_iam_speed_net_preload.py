"""NET003's environment texts with deploy-time attributes ruled out over their join first
are the texts filtered one by one; ``fnguard.iam.preload`` loads what it says it loads."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fnguard.iam import preload
from fnguard.iam._actions import _INDEXES, known_services, service_index
from fnguard.iam._escalation import methods
from fnguard.model import EnvVar, Function, Location, Provider
from fnguard.rules.network import _DEPLOY_TIME_ATTRS, _env_texts

HERE = Location("sls.yml", 1)
_PIECES = ["arn:aws:kms:eu-west-1:1:key/a", ".val", "ue", ".value", "{{resolve:", "x", "", "\0"]
texts = st.one_of(st.none(), st.lists(st.sampled_from(_PIECES), max_size=3).map("".join))


def _one_by_one(fn: Function) -> tuple[list[tuple[str, str]], str]:
    pairs = [
        (var.name, text)
        for var in fn.environment
        for text in (var.source_expr, var.value)
        if text and not any(attr in text for attr in _DEPLOY_TIME_ATTRS)
    ]
    return pairs, "\0".join(text for _, text in pairs)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(texts, texts), max_size=4))
def test_env_texts_are_the_texts_filtered_one_by_one(
    values: list[tuple[str | None, str | None]],
) -> None:
    env = tuple(
        EnvVar(f"V{i}", value=value, source_expr=expr) for i, (value, expr) in enumerate(values)
    )
    fn = Function(address="fn", provider=Provider.AWS, location=HERE, environment=env)
    assert _env_texts(fn) == _one_by_one(fn)


def test_preload_loads_the_methods_and_the_services() -> None:
    preload()
    assert methods.cache_info().currsize == 1
    assert known_services.cache_info().currsize == 1
    assert "s3" in known_services()
    assert methods()


def test_preload_builds_the_indexes_asked_for() -> None:
    preload(("S3",))
    assert "s3" in _INDEXES
    assert service_index("s3") is _INDEXES["s3"]
    assert service_index("s3").get("getobject") == ("GetObject", "Read", True)
    preload(("no-such-service",))
    assert service_index("no-such-service") == {}
