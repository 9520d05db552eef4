"""Secrets written in package files (SEC003), judged with SEC001's detectors.

Three kinds of evidence:
- a private key block with a real body (a header alone, as parsing code writes it, or a
  ``...`` placeholder body is not a key; public keys and certificates never are);
- a token of a known shape anywhere in the text (detect-secrets' regex plugins, through
  ``find_secret`` so the same placeholder and weak-plugin filters as SEC001 apply);
- a literal assigned to a secret-named key: ``KEY=value`` in ``.env`` and credential files
  (judged exactly as SEC001 judges an environment variable), ``password = "..."`` in code and
  ``password: value`` in configuration.

On top of SEC001's filters, values that announce themselves as examples are dropped
(``AKIAIOSFODNN7EXAMPLE``, ``changeme``, ``<your-key>``, ``${VAR}``, ``{{ var }}``), and in
code a literal must not look like an identifier (``ID_TOKEN = "IdToken"`` names a field).
The secret is masked with ``fnguard.masking.mask`` before it leaves this module.
"""

from __future__ import annotations

import bisect
import itertools
import re
from typing import TYPE_CHECKING

from fnguard.content._kinds import Kind
from fnguard.content._scan import secret_assignments, token_runs
from fnguard.masking import mask
from fnguard.model import FoundSecret
from fnguard.rules._sec_detect import entropy, find_secret, name_is_secretish
from fnguard.rules._sec_plugins import detectors

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fnguard.rules._sec_detect import SecretHit

__all__ = ["find_secrets"]

# --------------------------------------------------------------------------- private keys

_KEY_BLOCK = re.compile(
    r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----(.{0,65536}?)-----END \1PRIVATE KEY",
    re.DOTALL,
)
_PEM_HEADER_LINE = re.compile(r"^[A-Za-z-]+:.*$", re.MULTILINE)  # Proc-Type:, DEK-Info:
_ESCAPED_BREAK = re.compile(r"\\[rn]")
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/=]")
_MIN_KEY_BODY = 64  # the smallest real keys (Ed25519 in OpenSSH form) are well above this
_MIN_KEY_ENTROPY = 3.5  # base64 of key material is near 6 bits per character

# --------------------------------------------------------------------------- values

_EXAMPLE_WORDS = re.compile(
    r"example|sample|dummy|placeholder|change[_-]?me|your[_-]|xxxx|fake|redacted|"
    r"insert[_-]|replace[_-]|not[_-]?a[_-]?real|do[_-]?not[_-]?use|1234|abcd",
    re.IGNORECASE,
)
_TEMPLATE = re.compile(r"\$\{|\{\{|\{%|%\(|\$\(|%s\b|^<.*>$|^\$[A-Za-z_]")
# Words of letters only or digits only, in any case: names, not random values.
_WORDS = re.compile(r"^(?:[A-Za-z]+|[0-9]+)(?:[^A-Za-z0-9]+(?:[A-Za-z]+|[0-9]+))*[^A-Za-z0-9]*$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_NAMES_ITSELF = re.compile(r"passw|secret|token", re.IGNORECASE)
_YAML_SIGILS = ("!", "&", "*", "{", "[", "|", ">", "@", "#")
_PRIVATE_KEY_TYPE = "Private Key"  # detect-secrets' PrivateKeyDetector; blocks are judged here
_TOKEN_CHARS = re.compile(r"[^\s\"'`,;()<>\[\]{}]+")

# --------------------------------------------------------------------------- lines

_CODE_ASSIGN = re.compile(
    r"""(?<![\w$.:-])(?P<name>[A-Za-z_$][\w$.-]*)["']?\s*(?:=|:|:=|=>)\s*"""
    r"""(?P<q>["'`])(?P<value>[^"'`\\\n]{1,512})(?P=q)"""
)
_CONFIG_ASSIGN = re.compile(r"^\s*(?P<name>[A-Za-z_][\w.-]*)\s*[:=]\s*(?P<value>[^\s#;]\S*)\s*$")
_ENV_ASSIGN = re.compile(r"^\s*(?:export\s+)?(?P<name>[A-Za-z_][\w.-]*)\s*=\s*(?P<value>.*)$")
_NETRC_PASSWORD = re.compile(r"\bpassword\s+(\S+)")
_HEXISH = re.compile(r"[0-9a-fA-F-]+")
_URL_CREDENTIALS = re.compile(r"://[^\s/@'\"]+@")
_COMMENT_STARTS = ("#", "//", "/*", "*", "--", ";", "<!--")
# ``.env.example`` and friends document the variables; only a real token shape counts there.
_TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".tmpl", ".tpl")
_CONFIG_SUFFIXES = (".yaml", ".yml", ".ini", ".cfg", ".conf", ".config", ".properties", ".toml")


# Lines longer than this (minified bundles) are examined near each candidate, not whole.
_LONG_LINE = 4096
_CONTEXT = 256
_COUNTED = 16


class _Lines:
    """Line numbers and line text for offsets into one file.

    A file has a few candidate places, so a line number is first found by counting newlines
    (C speed, nothing built); past ``_COUNTED`` questions the line starts are indexed.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._asked = 0
        self._starts: list[int] | None = None

    def number(self, offset: int) -> int:
        if self._starts is None:
            self._asked += 1
            if self._asked <= _COUNTED:
                return self.text.count("\n", 0, offset) + 1
            lengths = map((1).__add__, map(len, self.text.split("\n")))
            self._starts = list(itertools.accumulate(lengths, initial=0))[:-1]
        return bisect.bisect_right(self._starts, offset)

    def around(self, start: int, end: int) -> str:
        """The line holding start:end, or on a long line (a minified bundle) the text near it."""
        first = self.text.rfind("\n", 0, start) + 1
        last = self.text.find("\n", end)
        last = len(self.text) if last < 0 else last
        if last - first <= _LONG_LINE:
            return self.text[first:last]
        return self.text[max(first, start - _CONTEXT) : min(last, end + _CONTEXT)]


def _announced_example(value: str) -> bool:
    return bool(_EXAMPLE_WORDS.search(value) or _TEMPLATE.search(value))


def _token_around(line: str, secret: str) -> str:
    """The whole token holding ``secret`` (plugins may report a prefix such as ``ghp``)."""
    at = line.find(secret)
    if at < 0:
        return secret
    for match in _TOKEN_CHARS.finditer(line):
        if match.start() <= at < match.end():
            return match.group(0)
    return secret


def _found(location: str, line: int, kind: str, secret: str) -> FoundSecret:
    return FoundSecret(path=location, line=line, kind=kind, masked=mask(secret))


# --------------------------------------------------------------------------- detectors


def _private_keys(text: str, lines: _Lines, location: str) -> Iterator[FoundSecret]:
    for match in _KEY_BLOCK.finditer(text):
        label, body = match.group(1).strip(), match.group(3)
        encrypted = "ENCRYPTED" in label or "ENCRYPTED" in body[:200]
        cleaned = _NOT_BASE64.sub("", _PEM_HEADER_LINE.sub("", _ESCAPED_BREAK.sub("\n", body)))
        if len(cleaned) < _MIN_KEY_BODY or entropy(cleaned) < _MIN_KEY_ENTROPY:
            continue  # a header in parsing code, or a placeholder body
        words = [w for w in label.split() if w != "ENCRYPTED"]
        kind = " ".join([*(["encrypted"] if encrypted else []), *words, "private key"])
        yield _found(location, lines.number(match.start()), kind, cleaned)


def _candidates(text: str, lines: _Lines) -> dict[int, list[str]]:
    """Where a plugin could match: the only text worth ``find_secret``, by line.

    Every token the regex plugins report is a run of at least 16 token characters holding a
    digit and a letter (keys, JWTs, webhook paths), or sits in a URL
    (``://user:password@host``). Hex runs (hashes, UUIDs, commit IDs) are left to the
    secret-named-assignment path: only keyword plugins match them, and their keyword makes
    the assignment's name secret-ish. Running the plugins' 45 patterns over whole files runs
    at ~1 MB/s; ``token_runs`` at ~90 MB/s.
    """
    if any(d.plugin is not None or not d.patterns for d in detectors()):
        # live plugins (another detect-secrets version): ask every line
        return {n: [line] for n, line in enumerate(text.split("\n"), 1)}
    spans = [(s, e) for s, e in token_runs(text) if not _HEXISH.fullmatch(text, s, e)]
    spans.extend(m.span() for m in _URL_CREDENTIALS.finditer(text))
    found: dict[int, list[str]] = {}
    for start, end in sorted(spans):
        number = lines.number(start)
        snippet = lines.around(start, end)
        if snippet not in found.setdefault(number, []):
            found[number].append(snippet)
    return found


def _shaped_tokens(text: str, lines: _Lines, location: str) -> Iterator[FoundSecret]:
    for number, snippets in _candidates(text, lines).items():
        for snippet in snippets:
            hit = find_secret("", snippet)
            if hit is None or hit.kind == _PRIVATE_KEY_TYPE:
                continue
            token = _token_around(snippet, hit.secret)
            if not _announced_example(token):
                yield _found(location, number, hit.kind, token)


def _judge(name: str, value: str, *, code: bool) -> SecretHit | None:
    """SEC001's verdict on ``name = value``, less announced examples (and identifiers in code)."""
    value = value.strip()
    if not value or _announced_example(value) or value.startswith(_YAML_SIGILS):
        return None
    if code and (
        _WORDS.match(value) or " " in value or _NAMES_ITSELF.search(value) or _UUID.match(value)
    ):
        return None  # a field or type name ("IdToken"), a message, "password1", an id
    return find_secret(name, value)


def _assignments(
    text: str, lines: _Lines, location: str, *, config: bool, data: bool = False
) -> Iterator[FoundSecret]:
    """``name = "literal"`` in code, and ``name: value`` lines in configuration files."""
    seen: set[str] = set()
    # code: from each literal back to its name; JSON data (a literal per value) and
    # configuration: from each secret word forward to its operator
    for at in secret_assignments(text, quoted=not (config or data)):
        number = lines.number(at)
        line = lines.around(at, at)
        if line in seen:
            continue
        seen.add(line)
        if line.lstrip().startswith(_COMMENT_STARTS) and len(line) < _LONG_LINE:
            continue  # commented-out examples
        matches = [(m.group("name"), m.group("value")) for m in _CODE_ASSIGN.finditer(line)]
        if config and not matches:
            plain = _CONFIG_ASSIGN.match(line)
            if plain:
                matches = [(plain.group("name"), plain.group("value"))]
        for name, value in matches:
            if not name_is_secretish(name):
                continue
            hit = _judge(name, value, code=not config)
            if hit is not None and hit.kind != _PRIVATE_KEY_TYPE:
                kind = f"{hit.kind} ({name})"
                yield _found(location, number, kind, _token_around(value, hit.secret))


def _unquote(raw: str) -> str:
    raw = raw.strip()
    if raw[:1] in ("'", '"'):
        end = raw.find(raw[0], 1)
        return raw[1:end] if end > 0 else raw[1:]
    return re.sub(r"\s+#.*$", "", raw)


def _key_values(text: str, location: str, label: str, *, env: bool) -> Iterator[FoundSecret]:
    """``KEY=VALUE`` files (``.env``, INI credential files), judged as SEC001 judges a variable."""
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip() or line.lstrip().startswith(("#", ";", "[")):
            continue
        if env:
            match = _ENV_ASSIGN.match(line)
            if not match:
                continue
            name, value = match.group("name"), _unquote(match.group("value"))
        else:
            name, sep, rest = line.partition("=")
            if not sep:
                name, sep, rest = line.partition(":")
            if not sep:
                continue
            name, value = name.strip(), _unquote(rest)
        hit = _judge(name, value, code=False)
        if hit is not None and hit.kind != _PRIVATE_KEY_TYPE:
            yield _found(location, number, f"{label}: {hit.kind} ({name})", value)


def _netrc(text: str, lines: _Lines, location: str) -> Iterator[FoundSecret]:
    for match in _NETRC_PASSWORD.finditer(text):
        hit = _judge("password", match.group(1), code=False)
        if hit is not None:
            yield _found(location, lines.number(match.start()), "netrc password", match.group(1))


def _pgpass(text: str, location: str) -> Iterator[FoundSecret]:
    """``host:port:database:user:password`` lines."""
    for number, line in enumerate(text.split("\n"), 1):
        fields = line.strip().split(":")
        entry = len(fields) == 5 and not fields[0].startswith("#")
        if entry and _judge("password", fields[4], code=False) is not None:
            yield _found(location, number, "pgpass password", fields[4])


def _documents_values(base: str) -> bool:
    """``.env.example``, ``examples-1.json``: values there are illustrations by intent."""
    return base.endswith(_TEMPLATE_SUFFIXES) or "example" in base or "sample" in base


def find_secrets(kind: Kind, name: str, text: str, location: str) -> tuple[FoundSecret, ...]:
    """Every secret in ``text`` (the member ``name`` of ``kind``), masked, each once."""
    lines = _Lines(text)
    base = name.rsplit("/", 1)[-1].lower()
    found: list[FoundSecret] = list(_private_keys(text, lines, location))
    if _documents_values(base):
        found.extend(_shaped_tokens(text, lines, location))  # names alone prove nothing here
    elif kind is Kind.ENV_FILE:
        found.extend(_key_values(text, location, ".env file", env=True))
    elif kind is Kind.CREDENTIALS:
        if base in (".netrc", "_netrc"):
            found.extend(_netrc(text, lines, location))
        elif base == ".pgpass":
            found.extend(_pgpass(text, location))
        else:
            aws = name.endswith((".aws/credentials", ".aws/config"))
            label = "AWS credentials file" if aws else f"credential file {base}"
            found.extend(_key_values(text, location, label, env=False))
        found.extend(_shaped_tokens(text, lines, location))
    elif kind in (Kind.SOURCE, Kind.REQUIREMENTS):
        found.extend(_shaped_tokens(text, lines, location))
        config = base.endswith(_CONFIG_SUFFIXES)
        data = base.endswith(".json")
        found.extend(_assignments(text, lines, location, config=config, data=data))
    unique: dict[tuple[int, str], FoundSecret] = {}
    for secret in found:
        unique.setdefault((secret.line, secret.masked), secret)
    return tuple(sorted(unique.values(), key=lambda s: s.line))
