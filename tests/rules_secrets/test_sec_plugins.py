"""The recorded detect-secrets patterns are the installed plugins' own, and behave the same."""

from __future__ import annotations

import importlib

import pytest

from fnguard.rules._sec_plugins import detectors, installed_version, live_plugins, recorded_index

SAMPLES = [
    '"AKIAIOSFODNN7EXAMPLF"',
    '"postgres://app:Zt9-qW2_kP@db.internal:5432/app"',
    '"xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"',
    '"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6y"',
    '"eyJnotajwt.eyJalsonot"',
    '"sk_live_4eC39HqLyjWDarjtT1zdp7dc"',
    '"-----BEGIN OPENSSH PRIVATE KEY-----"',
    '"arn:aws:iam::111122223333:role/exec"',
    '"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"',
]


def test_recorded_index_is_current() -> None:
    generator = importlib.import_module("fnguard.data.gen_detect_secrets_patterns")
    assert recorded_index() == generator.snapshot(), (
        "run: python src/fnguard/data/gen_detect_secrets_patterns.py"
    )
    assert recorded_index()["detect_secrets"] == installed_version()


@pytest.mark.parametrize("line", SAMPLES)
def test_recorded_patterns_find_what_the_plugins_find(line: str) -> None:
    assert all(d.plugin is None for d in detectors())  # the fast path is in use
    recorded = {d.name: list(d.analyze_string(line)) for d in detectors()}
    live = {type(p).__name__: list(p.analyze_string(line)) for p in live_plugins()}
    assert recorded == live
