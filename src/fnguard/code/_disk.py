"""Whether a path can be on disk, asked of the folders above it first, and paths as strings.

An unbuilt tree names a thousand artifacts and code folders below folders that are not
there (``build/``, ``dist/``, a source folder per function). Nothing can be inside a folder
that is missing (or is a file), so one question about the folder answers for everything
below it; and a path that needs no normalising is joined as a string, not a ``Path``. The
package stage (``collect.package._locate``) and the code stage both look this way.
"""

from __future__ import annotations

import os
import stat

__all__ = ["Folders", "joined"]


def joined(base: str, raw: str) -> str | None:
    """``(Path(base) / raw).as_posix()`` by string when ``raw`` needs no normalising (no
    empty or ``.`` component, not absolute): None when pathlib has to decide."""
    framed = f"/{raw}/"  # an empty part shows as "//", a "." part as "/./"
    if "//" in framed or "/./" in framed:
        return None
    if base == ".":
        return raw
    return f"{base}{raw}" if base.endswith("/") else f"{base}/{raw}"  # "/" (the root) ends so


class Folders:
    """Which folders are certainly not there, each asked once."""

    def __init__(self) -> None:
        self._absent: dict[str, bool] = {}

    def absent(self, folder: str) -> bool:
        """True only when ``folder`` certainly cannot hold anything; False when unsure."""
        known = self._absent.get(folder)
        if known is None:
            parent = folder.rpartition("/")[0]
            known = (bool(parent) and self.absent(parent)) or _no_folder(folder)
            self._absent[folder] = known
        return known

    def below_absent(self, path: str) -> bool:
        """True only when a folder above ``path`` is certainly not there (then neither is
        ``path``, however it is asked about); False when unsure."""
        parent = path.rpartition("/")[0]  # the folder's name, not normalised: a key only
        return bool(parent) and self.absent(parent)


def _no_folder(folder: str) -> bool:
    try:
        # followed, as a path through it would be; a string stat (no Path per folder)
        mode = os.stat(folder).st_mode  # noqa: PTH116
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:  # unreadable, a link loop, a name too long: let the candidate say
        return False
    return not stat.S_ISDIR(mode)
