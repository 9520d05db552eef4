"""A moto server process on loopback, seeded once per module through boto3.

tests/ is put on sys.path so the shared ``moto_server`` module imports the same way from
every test folder, without making tests/ a package.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

TESTS = Path(__file__).resolve().parent.parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))
HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from aws_seed import Seeded, seed  # noqa: E402
from moto_server import AWS_TEST_ENV, moto_server  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Iterator


_MANAGED = "MOTO_IAM_LOAD_MANAGED_POLICIES"
# The developer's own ~/.aws files never take part (no profile, no region, no credentials).
_ISOLATED = {"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}


@pytest.fixture(scope="module")
def aws_account() -> Iterator[Seeded]:
    """A fresh moto server per test module, with the seeded functions."""
    keys = (*AWS_TEST_ENV, *_ISOLATED, "NO_PROXY", "AWS_ENDPOINT_URL", "AWS_PROFILE", _MANAGED)
    saved = {k: os.environ.get(k) for k in keys}
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.update(AWS_TEST_ENV)
    os.environ.update(_ISOLATED)
    os.environ[_MANAGED] = "true"  # moto knows AdministratorAccess & co only when asked
    os.environ["NO_PROXY"] = "127.0.0.1,localhost"
    try:
        with moto_server() as endpoint:
            yield seed(endpoint)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def cli_env(endpoint: str | None = None) -> dict[str, str]:
    """The environment for ``python -m fnguard scan aws``: fake credentials, no proxy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_TEST_ENV)
    env.update(_ISOLATED)
    env["NO_PROXY"] = "127.0.0.1,localhost"
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    return env
