"""Each handler fixture yields exactly the issues its ``# expect:`` markers name.

The fixtures hold the true positives and, on the lines without a marker, the near misses:
sanitised flows, constants that look tainted, parameterised queries, list arguments without a
shell, safe YAML loading, fixed hosts, loopback URLs, /tmp and EFS writes.
"""

from __future__ import annotations

import pytest
from code_python.pyfixtures import HANDLERS, analyse, expected

CASES = sorted(p.stem for p in HANDLERS.glob("*.py") if p.stem not in ("__init__",))


@pytest.mark.parametrize("name", CASES)
def test_fixture_issues_match_markers_exactly(name: str) -> None:
    facts = analyse(HANDLERS, f"{name}.handler")
    assert not facts.gaps
    [handler] = facts.handlers
    got = {(i.rule_id, i.location.file, i.location.line) for i in facts.issues}
    assert got == expected(handler.files)


def test_every_rule_has_a_true_positive_among_the_fixtures() -> None:
    rules = set()
    for name in CASES:
        rules |= {i.rule_id for i in analyse(HANDLERS, f"{name}.handler").issues}
    wanted = {f"INJ00{n}" for n in range(1, 7)} | {"SEC004", "SEC005", "RUN002", "RUN003"}
    assert rules == wanted
