"""Recorded detectors compile their patterns only when first asked, then keep them."""

from __future__ import annotations

import re

from fnguard.rules._sec_plugins import Detector, detectors, recorded_index


def test_a_detector_compiles_its_recorded_patterns_on_first_use() -> None:
    detector = Detector("X", "x token", sources=(("tok_[a-z]{4}", re.IGNORECASE),))
    assert "patterns" not in vars(detector)
    assert list(detector.analyze_string('"TOK_abcd"')) == ["TOK_abcd"]
    assert [(p.pattern, p.flags & re.IGNORECASE) for p in detector.patterns] == [
        ("tok_[a-z]{4}", re.IGNORECASE)
    ]
    assert detector.patterns is detector.patterns  # compiled once


def test_recorded_detectors_hold_the_index_patterns_as_written() -> None:
    recorded = {e["name"]: [tuple(p) for p in e["patterns"]] for e in recorded_index()["plugins"]}
    for detector in detectors():
        if detector.plugin is None:
            assert [list(s) for s in detector.sources] == [list(p) for p in recorded[detector.name]]
            assert [(p.pattern, p.flags) for p in detector.patterns] == [
                (s, re.compile(s, f).flags) for s, f in detector.sources
            ]
