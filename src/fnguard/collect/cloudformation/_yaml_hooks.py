"""libyaml's events as calls to the builder, without PyYAML's event objects.

PyYAML's C parser turns each libyaml event into an instance of a ``yaml.events`` class,
called by its name in ``yaml._yaml`` at every event: a Python ``__init__`` setting up to
seven attributes, about a third of decoding a template, for objects the builder reads once
and drops, in a Python loop of its own. While ``Hooks`` is entered (one document at a time,
under a lock), those names stand for the builder's functions instead: ``get_event`` calls
one for each event, with the event's fields, and hands back what it returns (``True``, and
``DOCUMENT_END`` at the document's end, so ``iter(get_event, DOCUMENT_END)`` walks a
document without Python code between events). Only ``CParser.get_event`` (and
``peek_event`` / ``check_event``) makes event objects: PyYAML's composer reads libyaml's
structs, so loaders never see these names, and the originals are back when ``Hooks`` is
left. Should a PyYAML release build its events otherwise, the first one is not
``STREAM_START`` and the caller decodes the other way.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Final

import yaml._yaml

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType

__all__ = ["DOCUMENT_END", "STREAM_END", "STREAM_START", "Hooks"]

STREAM_START: Final = ("the stream's start",)
STREAM_END: Final = ("the stream's end",)
DOCUMENT_END: Final = False  # the document's other events give True


def _stream_start(*_: Any) -> tuple[str]:
    return STREAM_START


def _document_start(*_: Any) -> bool:
    return True


def _document_end(*_: Any) -> bool:
    return DOCUMENT_END


def _stream_end(*_: Any) -> tuple[str]:
    return STREAM_END


_MODULE = vars(yaml._yaml)
_NAMES = (
    "ScalarEvent",
    "MappingStartEvent",
    "SequenceStartEvent",
    "MappingEndEvent",
    "SequenceEndEvent",
    "AliasEvent",
    "StreamStartEvent",
    "DocumentStartEvent",
    "DocumentEndEvent",
    "StreamEndEvent",
)
_ORIGINALS = {name: _MODULE[name] for name in _NAMES}
_LOCK = threading.Lock()


class Hooks:
    """The parser's events as calls while entered. Each function takes the fields of its
    ``yaml.events`` class, in order, and returns True: ``scalar(anchor, tag, implicit,
    value, start_mark, end_mark, style)``, ``mapping_start`` / ``sequence_start(anchor, tag,
    implicit, start_mark, end_mark, flow_style)``, ``end(start_mark, end_mark)`` for both
    ends, ``alias(anchor, start_mark, end_mark)``."""

    def __init__(
        self,
        *,
        scalar: Callable[..., bool],
        mapping_start: Callable[..., bool],
        sequence_start: Callable[..., bool],
        end: Callable[..., bool],
        alias: Callable[..., bool],
    ) -> None:
        self.calls: dict[str, Callable[..., Any]] = {
            "ScalarEvent": scalar,
            "MappingStartEvent": mapping_start,
            "SequenceStartEvent": sequence_start,
            "MappingEndEvent": end,
            "SequenceEndEvent": end,
            "AliasEvent": alias,
            "StreamStartEvent": _stream_start,
            "DocumentStartEvent": _document_start,
            "DocumentEndEvent": _document_end,
            "StreamEndEvent": _stream_end,
        }

    def __enter__(self) -> None:
        _LOCK.acquire()
        _MODULE.update(self.calls)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        _MODULE.update(_ORIGINALS)
        _LOCK.release()
