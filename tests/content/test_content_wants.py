"""``wants``: which members the package collector reads, from the name and size alone."""

from __future__ import annotations

import pytest

from fnguard.content import wants
from fnguard.limits import Limits, use

WANTED = [
    "requests-2.31.0.dist-info/METADATA",
    "python/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA",
    "legacy.egg-info/PKG-INFO",
    "requirements.txt",
    "requirements-prod.txt",
    "requirements/base.txt",
    "poetry.lock",
    "uv.lock",
    "Pipfile.lock",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "node_modules/lodash/package.json",
    "node_modules/@aws-sdk/client-s3/package.json",
    "nodejs/node_modules/a/node_modules/b/package.json",
    ".env",
    "app/.env.production",
    "config/prod.env",
    ".aws/credentials",
    "home/.aws/config",
    ".npmrc",
    ".netrc",
    ".git-credentials",
    "certs/server.key",
    "certs/server.pem",
    ".ssh/id_rsa",
    "app/handler.py",
    "index.mjs",
    "src/config.yaml",
    "settings.json",
    "app.properties",
]

NOT_WANTED = [
    "node_modules/lodash/lodash.js",  # third-party code: not searched for secrets
    "node_modules/lodash/lib/package.json",  # not a package root
    "python/lib/python3.11/site-packages/requests/api.py",
    "requests-2.31.0.dist-info/RECORD",
    "app/tests/test_handler.py",  # test fixtures are fixtures by convention
    "app/test_handler.py",
    "src/handler.test.js",
    "src/handler.spec.ts",
    "tests/fixtures/id_rsa",
    "conftest.py",
    "app/__pycache__/handler.cpython-311.pyc",
    "lib/libssl.so.3",
    "bin/ffmpeg",
    "static/logo.png",
    "dist/vendor.min.js",
    "types/index.d.ts",
    "index.js.map",
    "app/",
    "METADATA",  # not inside a dist-info folder
]


@pytest.mark.parametrize("name", WANTED)
def test_wanted_members(name: str) -> None:
    assert wants(name, 1024)


@pytest.mark.parametrize("name", NOT_WANTED)
def test_members_not_read(name: str) -> None:
    assert not wants(name, 1024)


def test_size_caps_keep_big_files_out() -> None:
    assert wants("app/handler.py", 4 * 1024 * 1024)
    assert not wants("app/handler.py", 4 * 1024 * 1024 + 1)  # generated data, not code
    assert not wants(".env", 2 * 1024 * 1024)  # not what its name says
    assert wants("package-lock.json", 40 * 1024 * 1024)  # manifests: up to the file limit


def test_manifest_cap_follows_the_active_limits() -> None:
    with use(Limits(max_file_bytes=1000)):
        assert wants("poetry.lock", 1000)
        assert not wants("poetry.lock", 1001)
