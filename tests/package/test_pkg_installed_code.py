"""Files a distribution installed (its RECORD) are third-party code: not searched for secrets."""

from __future__ import annotations

import zipfile
from typing import TYPE_CHECKING

import pytest

from fnguard.artifact import open_artifact
from fnguard.collect.package import default_inspector
from fnguard.collect.package._read import read_contents

if TYPE_CHECKING:
    from pathlib import Path

# A private key block: what SEC003 finds in any file it searches.
KEY = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n"
    "KUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQJAIJLixBy2qpFoS4DSmoEm\n"
    "-----END RSA PRIVATE KEY-----\n"
)
FILES = {
    "app.py": f'KEY = """{KEY}"""\n',
    "vendored/settings.py": f'KEY = """{KEY}"""\n',
    "vendored-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: vendored\nVersion: 1.0\n",
    "vendored-1.0.dist-info/RECORD": (
        "vendored/settings.py,sha256=x,10\n"
        "vendored-1.0.dist-info/METADATA,,\nvendored-1.0.dist-info/RECORD,,\n"
    ),
}


@pytest.mark.parametrize("kind", ["zip", "folder"])
def test_installed_files_keep_their_dependency_but_not_their_secrets(
    tmp_path: Path, kind: str
) -> None:
    if kind == "zip":
        path = tmp_path / "fn.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for name, text in FILES.items():
                archive.writestr(name, text)
    else:
        path = tmp_path / "fn"
        for name, text in FILES.items():
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            (path / name).write_text(text)
    contents = read_contents(open_artifact(path), default_inspector())
    where = {s.path.rsplit("/", 1)[-1] for s in contents.secrets}
    assert where == {"app.py"}
    assert [(d.name, d.version) for d in contents.dependencies] == [("vendored", "1.0")]
