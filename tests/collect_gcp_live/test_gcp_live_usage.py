"""What the user must fix before a GCP scan can start is a ``UsageError`` (a message, never
a traceback): a malformed project, an unknown endpoint name, no credentials, no project."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from collect_gcp_live.gcp_fake_server import FakeGcp, fake

from fnguard.collect.gcp import GcpOptions, collect_gcp
from fnguard.errors import UsageError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["fake"]


def test_a_path_is_not_a_project_id(fake: FakeGcp) -> None:
    with pytest.raises(UsageError, match="not a project ID"):
        collect_gcp(fake.options(projects=("projects/acme/../x",)))


def test_unknown_endpoint_service() -> None:
    with pytest.raises(UsageError, match="unknown GCP service endpoint"):
        collect_gcp(GcpOptions(projects=("acme",), endpoints={"lambda": "http://127.0.0.1:1"}))


def test_anonymous_credentials_need_a_named_project(fake: FakeGcp) -> None:
    with pytest.raises(UsageError, match="--project"):
        collect_gcp(fake.options())


def test_no_application_default_credentials(
    fake: FakeGcp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An empty gcloud configuration, no key file, no metadata server (the fake fixture).
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path))
    with pytest.raises(UsageError, match="application default credentials"):
        collect_gcp(GcpOptions(projects=("acme",), endpoints={"*": fake.url}))
    assert fake.requests == []
