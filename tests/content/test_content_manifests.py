"""Dependencies from manifests: exact versions only, names as OSV expects them."""

from __future__ import annotations

import json

from fnguard.content import inspect
from fnguard.model import Dependency

LOC = "build/fn.zip!/"


def deps(name: str, text: str) -> list[tuple[str, str, str, int]]:
    facts = inspect(name, text.encode(), LOC + name)
    assert all(d.manifest == LOC + name for d in facts.dependencies)
    return [(d.ecosystem, d.name, d.version, d.line) for d in facts.dependencies]


def test_dist_info_metadata_is_normalised_as_pep_503() -> None:
    text = (
        "Metadata-Version: 2.1\nName: Zope.Interface\nVersion: 6.1\n"
        "Summary: x\n\nLong description with Version: 9.9 in it\n"
    )
    assert deps("zope.interface-6.1.dist-info/METADATA", text) == [
        ("PyPI", "zope-interface", "6.1", 3)
    ]


def test_metadata_without_a_version_declares_nothing() -> None:
    assert deps("x-1.dist-info/METADATA", "Metadata-Version: 2.1\nName: x\n") == []


def test_requirements_record_only_exact_pins() -> None:
    text = "\n".join(
        [
            "# production",
            "requests==2.31.0  # pinned",
            "Flask>=2.0",  # a range is not a version
            "urllib3~=2.0",
            "boto3",
            "Jinja2==3.*",  # a wildcard is a range
            "legacy===1.0-custom",
            "cryptography==41.0.3 \\",
            "    --hash=sha256:0123456789abcdef",
            "pyyaml==6.0.1 ; python_version >= '3.8'",
            "-r base.txt",
            "--index-url https://pypi.org/simple",
            "-e ./local",
            "git+https://github.com/org/repo.git@v1#egg=repo",
            "pkg @ https://example.org/pkg-1.0.tar.gz",
            "not a requirement at all ==",
        ]
    )
    assert deps("requirements.txt", text) == [
        ("PyPI", "requests", "2.31.0", 2),
        ("PyPI", "legacy", "1.0-custom", 7),
        ("PyPI", "cryptography", "41.0.3", 8),
        ("PyPI", "pyyaml", "6.0.1", 10),
    ]


def test_poetry_lock_skips_git_and_path_sources() -> None:
    text = """
[[package]]
name = "Django"
version = "4.2.1"
description = "x"

[package.dependencies]
asgiref = ">=3.6.0"

[[package]]
name = "mylib"
version = "0.1.0"

[package.source]
type = "git"
url = "https://github.com/org/mylib.git"

[[package]]
name = "internal"
version = "2.0"

[package.source]
type = "legacy"
url = "https://pypi.internal/simple"

[metadata]
lock-version = "2.0"
"""
    assert deps("poetry.lock", text) == [
        ("PyPI", "django", "4.2.1", 3),
        ("PyPI", "internal", "2.0", 19),
    ]


def test_uv_lock_keeps_registry_packages_only() -> None:
    text = """
version = 1

[[package]]
name = "myproject"
version = "0.1.0"
source = { editable = "." }

[[package]]
name = "PyJWT"
version = "2.8.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "tool"
version = "1.0"
source = { git = "https://github.com/org/tool?rev=abc" }
"""
    assert deps("uv.lock", text) == [("PyPI", "pyjwt", "2.8.0", 10)]


def test_broken_lock_files_declare_nothing() -> None:
    assert deps("uv.lock", "[[package]\nname=") == []
    assert deps("package-lock.json", "{not json") == []
    assert deps("package-lock.json", "[]") == []
    assert deps("node_modules/x/package.json", '"just a string"') == []


def test_package_lock_v3_with_nesting_aliases_links_and_dev() -> None:
    lock = {
        "name": "app",
        "lockfileVersion": 3,
        "packages": {
            "": {"name": "app", "version": "1.0.0"},
            "node_modules/lodash": {
                "version": "4.17.20",
                "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz",
                "integrity": "sha512-PlhdFcillOINfeV7Ni6oF1TAEayyZBoZ8bcshTHq"
                "OYJYlrqzRK5hagpagky5o4HfCzzd1TRkXPMFq6cKk9rGmA==",
            },
            "node_modules/@aws-sdk/client-s3": {"version": "3.400.0"},
            "node_modules/a/node_modules/minimist": {"version": "1.2.5"},
            "node_modules/my-alias": {"name": "axios", "version": "0.21.1"},
            "node_modules/local": {"resolved": "../local", "link": True},
            "node_modules/jest": {"version": "29.0.0", "dev": True},
            "node_modules/fromgit": {
                "version": "1.0.0",
                "resolved": "git+ssh://git@github.com/org/fromgit.git#abc",
            },
            "packages/workspace": {"version": "0.0.1"},
        },
    }
    assert deps("package-lock.json", json.dumps(lock)) == [
        ("npm", "lodash", "4.17.20", 0),
        ("npm", "@aws-sdk/client-s3", "3.400.0", 0),
        ("npm", "minimist", "1.2.5", 0),
        ("npm", "axios", "0.21.1", 0),
    ]


def test_package_lock_v1_tree() -> None:
    lock = {
        "lockfileVersion": 1,
        "dependencies": {
            "express": {
                "version": "4.17.1",
                "dependencies": {"qs": {"version": "6.7.0"}},
            },
            "mocha": {"version": "10.0.0", "dev": True},
            "gitdep": {"version": "github:org/gitdep#abc"},
        },
    }
    assert deps("npm-shrinkwrap.json", json.dumps(lock)) == [
        ("npm", "express", "4.17.1", 0),
        ("npm", "qs", "6.7.0", 0),
    ]


def test_node_modules_package_json() -> None:
    text = json.dumps({"name": "@types/node", "version": "20.1.0", "main": "index.js"})
    assert deps("node_modules/@types/node/package.json", text) == [
        ("npm", "@types/node", "20.1.0", 0)
    ]
    no_version = json.dumps({"name": "x"})
    assert deps("node_modules/x/package.json", no_version) == []


def test_same_dependency_twice_in_one_manifest_is_kept_once() -> None:
    assert inspect("requirements.txt", b"a==1\na==1\n", "r.txt").dependencies == (
        Dependency("PyPI", "a", "1", "r.txt", 1),
    )


def test_members_not_wanted_yield_nothing() -> None:
    facts = inspect("lib/libssl.so", b"\x7fELF" + b"\0" * 64, "x")
    assert facts.dependencies == () and facts.secrets == ()


def test_pipfile_lock_default_section_only() -> None:
    lock = {
        "_meta": {"hash": {"sha256": "abc"}},
        "default": {
            "requests": {"hashes": ["sha256:0"], "index": "pypi", "version": "==2.31.0"},
            "Flask": {"version": "==2.3.2"},
            "mylib": {"git": "https://github.com/org/mylib.git", "ref": "abc"},
            "local": {"editable": True, "path": "."},
        },
        "develop": {"pytest": {"version": "==8.0.0"}},
    }
    assert deps("Pipfile.lock", json.dumps(lock)) == [
        ("PyPI", "requests", "2.31.0", 0),
        ("PyPI", "flask", "2.3.2", 0),
    ]
