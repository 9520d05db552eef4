"""What a handler analyser is: one language's code in, facts about what it does out.

Analysers decide what the code does (a flow from the event to a sink, an SDK call); the
catalog rules decide how bad that is. Locations inside an archive are written
``<archive>!/<member>``; inside a folder, the folder's path joined with the member.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from fnguard.artifact import Artifact
    from fnguard.model import CodeIssue, CollectionGap, Function, HandlerCode, SdkCall

__all__ = ["Analyser", "CodeFacts", "member_location"]


@dataclass(frozen=True)
class CodeFacts:
    """What one analyser learnt from one function's code, in the inventory's types: the code
    enricher adds it to the inventory for the INJ / SEC / RUN / IAM007 rules."""

    handlers: tuple[HandlerCode, ...] = ()
    issues: tuple[CodeIssue, ...] = ()
    sdk_calls: tuple[SdkCall, ...] = ()
    gaps: tuple[CollectionGap, ...] = ()


class Analyser(Protocol):
    #: "python", "javascript", ...; also the name in progress output
    language: str

    def handles(self, fn: Function) -> bool:
        """Whether the function's runtime (and handler) is in this analyser's language."""
        ...

    def analyse(self, fn: Function, artifact: Artifact) -> CodeFacts:
        """Analyse the handler ``fn.handler`` inside ``artifact``; never execute or import it.

        Code that cannot be parsed or a handler that cannot be found is a gap (with
        ``field="code"``), not an exception.
        """
        ...


def member_location(artifact: Artifact, member: str) -> str:
    """The file name a location inside ``artifact`` is reported under."""
    if artifact.kind == "folder":
        return (artifact.path / member).as_posix()
    return f"{artifact.path.as_posix()}!/{member}"
