"""One template resource before resolution, as the SAM expansion and the mapper share it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Raw"]


@dataclass
class Raw:
    """A CloudFormation resource with unresolved properties.

    ``origin`` is the logical ID written in the template: the resource itself, or the SAM
    resource that generates it (so suppressions and locations follow the source). ``file`` is
    set when the resource was written in another file than the template (an OpenAPI body).
    """

    logical_id: str
    type: str
    props: dict[str, Any]
    line: int
    origin: str
    condition: str | None = None
    file: str | None = None
