"""The YAML builder's hooks into PyYAML's C parser: entered for one document, always left.

``_yaml_hooks`` puts the builder's functions in place of ``yaml._yaml``'s event classes while a
document is parsed. Whatever happens inside (a value, a refusal, a parser error), PyYAML's own
names are back afterwards, the lock is free, and other users of PyYAML see real events; should
the parser not call the hooks, the node path decides and the value is the same.
"""

from __future__ import annotations

import contextlib
import re
import threading
from typing import Any

import pytest
import yaml
import yaml._yaml
import yaml.events
from collect_cfn.test_cfn_event_decode import TEMPLATE, _same, check_paths_agree

from fnguard.collect.cloudformation import _fast_yaml, _yaml_hooks
from fnguard.collect.cloudformation._fast_yaml import UndecidedError, decode_yaml
from fnguard.collect.cloudformation._nodes import MarkedDict, MarkedStr

# every event class PyYAML's C parser names
_EVENTS = [
    name
    for name, value in vars(yaml.events).items()
    if isinstance(value, type) and issubclass(value, yaml.events.Event) and name in vars(yaml._yaml)
]


def _pyyaml_is_itself() -> None:
    assert len(_EVENTS) == 10
    for name in _EVENTS:
        assert getattr(yaml._yaml, name) is getattr(yaml.events, name), name
    assert not _yaml_hooks._LOCK.locked()
    events = list(yaml.parse("a: [1, &x b, *x]\n", Loader=yaml.CSafeLoader))
    assert [type(e).__name__ for e in events][:4] == [
        "StreamStartEvent",
        "DocumentStartEvent",
        "MappingStartEvent",
        "ScalarEvent",
    ]
    assert yaml.load("a: [1, &x b, *x]\n", Loader=yaml.CSafeLoader) == {"a": [1, "b", "b"]}


@pytest.mark.parametrize(
    "text",
    [
        TEMPLATE,
        "a: 1\na: 2\n",  # refused inside a hook: a repeated key
        "a: [\n",  # the parser's own error
        "a: *nowhere\n",
        "--- a\n--- b\n",
        "",
        "k: !GetAtt {a: b}\n",
    ],
)
def test_pyyaml_is_itself_after_each_document(text: str) -> None:
    with contextlib.suppress(UndecidedError):
        decode_yaml(text)
    _pyyaml_is_itself()


def test_an_exception_inside_a_hook_leaves_pyyaml_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: Any) -> Any:
        raise RuntimeError("a hook broke")

    monkeypatch.setattr(_yaml_hooks, "_document_start", broken)
    with pytest.raises(RuntimeError, match="a hook broke"):
        _fast_yaml._from_events("a: 1\n")
    monkeypatch.undo()
    _pyyaml_is_itself()
    assert decode_yaml("a: 1\n")[0] == {"a": 1}


def test_a_parser_that_does_not_call_the_hooks_leaves_the_document_to_the_node_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the hooks go into a dict the parser does not read: it makes its own event objects
    monkeypatch.setattr(_yaml_hooks, "_MODULE", {})
    with pytest.raises(_fast_yaml._TooDeepError):
        _fast_yaml._from_events(TEMPLATE)
    value, depth = decode_yaml(TEMPLATE)
    reference = _fast_yaml._from_nodes(TEMPLATE)
    _same(value, reference[0], {})
    assert depth == reference[1]


def test_plain_values_arrive_built_with_their_marks() -> None:
    value, depth = decode_yaml("Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n")
    assert depth == 2
    assert type(value) is MarkedDict
    fn = value["Resources"]["Fn"]
    kind = fn["Type"]
    key = next(iter(fn))
    assert type(kind) is MarkedStr and type(key) is MarkedStr
    assert (kind.start_mark.line, kind.start_mark.column) == (2, 10)
    assert (kind.end_mark.line, kind.end_mark.column) == (2, 31)
    assert (key.start_mark.line, key.start_mark.column) == (2, 4)
    assert (fn.start_mark.line, fn.end_mark.line) == (2, 3)


@pytest.mark.parametrize(
    "text",
    [
        # plain scalars whose first character a resolver may claim, and ones none may
        "a: [true, True, yes, no, on, off, '', ~, null, Null, 1, -1, +1, .5, 0x1F, 1_0]\n",
        "b: [Type, Tags, Fn, tr, nope, offset, 2024-01-31, 2024-01-31x, 12:30, 1e3, =]\n",
        "c: [<<, <x, ~x, -x, +x, .x, 0x, 'true', \"1\", !!str 1, ! 1, ! true]\n",
        'd: {"": 1, ? "" : 2}\n',
        "e: ''\nf:\ng: ~\n",
        "h: [\u00e9t\u00e9, \U0001f600, \u00ff]\n",
    ],
)
def test_tags_of_plain_scalars_agree_with_the_node_path(text: str) -> None:
    check_paths_agree(text)


def test_tags_agree_when_a_resolver_applies_to_any_first_character(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    resolvers = dict(_fast_yaml._Loader.yaml_implicit_resolvers)
    resolvers[None] = [("tag:yaml.org,2002:null", re.compile(r"^Z+$"))]
    monkeypatch.setattr(_fast_yaml._Loader, "yaml_implicit_resolvers", resolvers)
    monkeypatch.setattr(_fast_yaml, "_TAGS", {})
    monkeypatch.setattr(_fast_yaml._Loader, "__init__", _fresh_memory)
    text = "a: ZZ\nb: Zz\nc: 1\n"
    assert check_paths_agree(text)
    assert decode_yaml(text)[0] == {"a": None, "b": "Zz", "c": 1}


def _fresh_memory(self: Any, text: str) -> None:
    yaml.CSafeLoader.__init__(self, text)
    self._tags = _fast_yaml._TAGS


def test_with_another_thread_running_the_names_are_never_swapped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {A: !Ref B, C: [1, x]}\n"
    alone = _fast_yaml.decode_yaml(text)

    def refuse(self: object) -> None:
        raise AssertionError("hooks entered while another thread runs")

    monkeypatch.setattr(_yaml_hooks.Hooks, "__enter__", refuse)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        beside = _fast_yaml.decode_yaml(text)
    finally:
        release.set()
        other.join()
    assert beside == alone
    assert beside[0]["Resources"]["Q"]["Properties"]["A"] == {"Ref": "B"}
