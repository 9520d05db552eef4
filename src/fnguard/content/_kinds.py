"""Which package members are worth reading, decided from the name and size alone.

The package collector asks this for every member of every artifact, so it looks at nothing
but the path: no regular expression over the whole name, no I/O. A member is read when it
declares dependencies (PKG007) or may hold a secret (SEC003). Third-party install trees
(``node_modules``, ``site-packages``) and test fixtures are not searched for secrets: their
keys are fixtures or examples by convention, and reporting them is the noise users of other
scanners complain about. Their dependency manifests are still read.
"""

from __future__ import annotations

import enum

from fnguard.limits import active

__all__ = ["Kind", "classify", "size_cap"]

_KIB = 1024
_MIB = 1024 * _KIB


class Kind(enum.Enum):
    # dependency manifests
    DIST_METADATA = "dist-info METADATA"
    REQUIREMENTS = "requirements file"
    POETRY_LOCK = "poetry.lock"
    UV_LOCK = "uv.lock"
    PIPFILE_LOCK = "Pipfile.lock"
    NPM_LOCK = "package-lock.json"
    NODE_PACKAGE = "node_modules package.json"
    # secret-bearing files
    ENV_FILE = ".env file"
    CREDENTIALS = "credential file"
    KEY_FILE = "key file"
    SOURCE = "source or configuration file"

    @property
    def is_manifest(self) -> bool:
        return self in _MANIFESTS


_MANIFESTS = frozenset(
    {
        Kind.DIST_METADATA,
        Kind.REQUIREMENTS,
        Kind.POETRY_LOCK,
        Kind.UV_LOCK,
        Kind.PIPFILE_LOCK,
        Kind.NPM_LOCK,
        Kind.NODE_PACKAGE,
    }
)

# Secret-bearing files are small; a bigger one is not what its name says.
_SECRET_FILE_CAP = 1 * _MIB
# Bundled handlers (esbuild, webpack) reach a few MiB; generated data files are bigger.
_SOURCE_CAP = 4 * _MIB

_SOURCE_SUFFIXES = frozenset(
    {
        ".py",
        ".js",
        ".mjs",
        ".cjs",
        ".ts",
        ".mts",
        ".cts",
        ".jsx",
        ".tsx",
        ".json",
        ".yaml",
        ".yml",
        ".toml",
        ".ini",
        ".cfg",
        ".conf",
        ".config",
        ".properties",
        ".sh",
        ".bash",
        ".rb",
        ".php",
        ".go",
        ".java",
        ".cs",
        ".xml",
    }
)
_KEY_SUFFIXES = (".pem", ".key")
_KEY_NAMES = frozenset({"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"})
_CREDENTIAL_NAMES = frozenset(
    {".netrc", "_netrc", ".npmrc", ".pypirc", ".git-credentials", ".dockercfg", ".pgpass"}
)
_AWS_FILES = ("credentials", "config")
# Folders whose files are other people's code, or fixtures by convention.
_NO_SECRETS_DIRS = frozenset(
    {
        "node_modules",
        "site-packages",
        "dist-packages",
        "__pycache__",
        ".git",
        "test",
        "tests",
        "testing",
        "__tests__",
        "__mocks__",
        "fixtures",
        "testdata",
        "test_data",
    }
)
_TEST_FILE_PREFIXES = ("test_", "conftest.")
_TEST_FILE_MARKERS = ("_test.", ".test.", ".spec.")
# Generated or third-party text that is never a handler's own code.
_SKIPPED_SUFFIXES = (".min.js", ".d.ts", ".js.map")


def _manifest(parts: list[str], base: str) -> Kind | None:
    parent = parts[-2] if len(parts) >= 2 else ""
    if base == "METADATA" and parent.endswith(".dist-info"):
        return Kind.DIST_METADATA
    if base == "PKG-INFO" and parent.endswith(".egg-info"):
        return Kind.DIST_METADATA
    lowered = base.lower()
    if lowered.endswith(".txt") and (
        lowered.startswith("requirements") or parent.lower() == "requirements"
    ):
        return Kind.REQUIREMENTS
    if base == "poetry.lock":
        return Kind.POETRY_LOCK
    if base == "uv.lock":
        return Kind.UV_LOCK
    if base == "Pipfile.lock":
        return Kind.PIPFILE_LOCK
    if base in ("package-lock.json", "npm-shrinkwrap.json"):
        return Kind.NPM_LOCK
    if base == "package.json" and len(parts) >= 3:
        # node_modules/<name>/package.json or node_modules/@scope/<name>/package.json
        if parts[-3] == "node_modules":
            return Kind.NODE_PACKAGE
        if len(parts) >= 4 and parts[-4] == "node_modules" and parts[-3].startswith("@"):
            return Kind.NODE_PACKAGE
    return None


def _secret_kind(parts: list[str], base: str) -> Kind | None:
    if any(part in _NO_SECRETS_DIRS for part in parts[:-1]):
        return None
    lowered = base.lower()
    if lowered.startswith(_TEST_FILE_PREFIXES) or any(m in lowered for m in _TEST_FILE_MARKERS):
        return None
    if lowered == ".env" or lowered.startswith(".env.") or lowered.endswith(".env"):
        return Kind.ENV_FILE
    if lowered in _CREDENTIAL_NAMES:
        return Kind.CREDENTIALS
    if lowered in _AWS_FILES and len(parts) >= 2 and parts[-2] == ".aws":
        return Kind.CREDENTIALS
    if lowered in _KEY_NAMES or lowered.endswith(_KEY_SUFFIXES):
        return Kind.KEY_FILE
    if lowered.endswith(_SKIPPED_SUFFIXES):
        return None
    dot = lowered.rfind(".")
    if dot > 0 and lowered[dot:] in _SOURCE_SUFFIXES:
        return Kind.SOURCE
    return None


def classify(name: str) -> Kind | None:
    """What kind of member ``name`` is (a '/' path relative to the artifact root), if wanted."""
    parts = name.split("/")
    base = parts[-1]
    if not base:
        return None
    return _manifest(parts, base) or _secret_kind(parts, base)


def size_cap(kind: Kind) -> int:
    """The largest member of this kind worth reading."""
    if kind.is_manifest:
        return active().max_file_bytes
    if kind is Kind.SOURCE:
        return _SOURCE_CAP
    return _SECRET_FILE_CAP
