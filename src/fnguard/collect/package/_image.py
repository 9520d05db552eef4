"""Container images as package artifacts: what tells an image apart, and its reader.

``fnguard.artifact`` asks here whether a folder or file is an image (an OCI layout folder,
an OCI archive or ``docker save`` tar); the reader itself (``_layers``, with tarfile and the
decompressors) loads only when one is opened, so a scan with no image never imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from fnguard.artifact import Artifact

__all__ = ["INDEX", "is_oci_layout", "looks_like_tar", "open_image"]

#: an OCI layout's entry point (beside its ``oci-layout`` marker)
INDEX = "index.json"


def is_oci_layout(path: Path) -> bool:
    try:
        return (path / "oci-layout").is_file() and (path / INDEX).is_file()
    except OSError:  # an unreadable folder: read as a folder, which records why
        return False


def looks_like_tar(head: bytes) -> bool:
    """A ustar header, or gzip (``docker save | gzip``): worth trying as an image."""
    return head[257:262] == b"ustar" or head[:2] == b"\x1f\x8b"


def open_image(path: Path) -> Artifact:
    """Open an OCI layout folder, an OCI archive or a docker-save tar."""
    from fnguard.collect.package._layers import open_image as open_layers

    return open_layers(path)
