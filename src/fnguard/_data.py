"""Data files of installed packages (fnguard's own ``fnguard/data/``, SAM's tables), read
through each package's loader.

Why not ``importlib.resources``: importing it brings tempfile, shutil and the compressors
(~4 ms in every process that reads a table, the collectors' included). ``pkgutil.get_data``
asks the same loader (an install from a zip or a wheel reads as well) for ~0.8 ms.
"""

from __future__ import annotations

import pkgutil

__all__ = ["package_text", "shipped_text"]


def package_text(package: str, path: str) -> str:
    """The text (UTF-8) of the file at ``path`` ('/'-separated) in ``package``; OSError when it
    cannot be read, FileNotFoundError when the package is not installed."""
    data = pkgutil.get_data(package, path)
    if data is None:  # no such package, or a loader that reads no data files
        raise FileNotFoundError(f"{package}/{path}")
    return data.decode("utf-8")


def shipped_text(name: str) -> str:
    """The text of ``fnguard/data/<name>``."""
    return package_text("fnguard", f"data/{name}")
