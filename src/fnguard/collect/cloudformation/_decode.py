"""Template decoding with cfn-lint's maintained loader as the rule (short-form tags, node
positions), and a fast path that gives the same values and positions without it.

Most templates are decoded by ``_fast_yaml`` (libyaml's C composer) or ``_fast_json`` (the
stdlib's C string scanner), several times faster than cfn-lint's pure-Python constructors and
without importing cfn-lint (~0.45 s). Whatever the fast path does not accept (broken input,
repeated keys, merge keys, explicit YAML tags, ...) goes to cfn-lint, so errors, their lines
and every odd case stay exactly cfn-lint's. Its YAML loader already refuses alias
amplification ("billion laughs"); a size check here bounds the input again so the guarantee
does not depend on the loader's version. A text over ``max-file-bytes`` or nested deeper than
``max-nesting-depth`` raises ``LimitError`` naming the limit and its flag (the loaders recurse:
their recursion errors are that limit too).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from fnguard import limits
from fnguard.collect.cloudformation._fast_json import decode_json
from fnguard.collect.cloudformation._fast_yaml import decode_yaml
from fnguard.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["MAX_ALIASES", "claims_text", "decode", "line_of"]

# A template may use a handful of YAML anchors; more than this is not a CloudFormation template
# (CloudFormation itself rejects aliases) and would let a small file expand without bound.
MAX_ALIASES = 100
_UNKNOWN_DEPTH = 1 << 62  # cfn-lint's values: walked to find how deep they nest
_EXCLUDED_NAMES = re.compile(
    r"^(serverless\.(ya?ml|json)|package(-lock)?\.json|docker-compose.*|compose\.ya?ml|"
    r"tsconfig\.json|composer\.json|\.pre-commit-config\.yaml)$",
    re.IGNORECASE,
)
_SUFFIXES = (".yaml", ".yml", ".json", ".template")
_VERSION = re.compile(rb"AWSTemplateFormatVersion")
_SAM = re.compile(rb"AWS::Serverless-20")
_RESOURCES = re.compile(rb"""(^|[\s{,"'])Resources["']?\s*:""")
_AWS_TYPE = re.compile(rb"""["']?Type["']?\s*:\s*["']?AWS::""")
# serverless.yml and friends also have "Resources" with "Type: AWS::" under `resources:`.
_OTHER_FORMAT = re.compile(
    rb"^(service|provider|frameworkVersion|apiVersion|kind|on|jobs|services)\s*:", re.MULTILINE
)


def claims_text(name: str, head: bytes, in_workflow_dir: bool = False) -> bool:
    """Whether a file named ``name`` starting with ``head`` is a CloudFormation/SAM template."""
    if not name.lower().endswith(_SUFFIXES) or _EXCLUDED_NAMES.match(name) or in_workflow_dir:
        return False
    if _VERSION.search(head) or _SAM.search(head):
        return True
    if _OTHER_FORMAT.search(head):
        return False
    return bool(_RESOURCES.search(head) and _AWS_TYPE.search(head))


def decode(text: str, path: str) -> dict[str, Any]:
    """The template as cfn-lint's position-carrying dict, or ``InputError`` (one line)."""
    bound = limits.active()
    if len(text) > bound.max_file_bytes:
        raise limits.LimitError(path, 0, "max_file_bytes", f"text of {len(text):,} characters")
    stripped = text.lstrip()
    template, depth = _json(text, path) if stripped.startswith(("{", "[")) else _yaml(text, path)
    # The fast decoders measure the depth as they go; cfn-lint's value is walked here.
    deep = (
        _deeper_than(template, bound.max_nesting_depth) if depth > bound.max_nesting_depth else None
    )
    if deep is not None:
        what = f"nested more than {bound.max_nesting_depth} levels"
        raise limits.LimitError(path, line_of(deep, 0), "max_nesting_depth", what)
    return template


def _deeper_than(value: Any, limit: int) -> Any:
    """The first node nested deeper than ``limit`` (maps and lists), or None; iterative."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > limit:
                return node
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return None


def _too_deep(path: str, line: int = 0) -> limits.LimitError:
    what = "nested too deeply for the decoder"
    return limits.LimitError(path, line, "max_nesting_depth", what)


def _fast(load: Callable[[str], tuple[Any, int]], text: str) -> tuple[Any, int] | None:
    """What the fast decoder makes of ``text`` and its depth, or None for cfn-lint to decide."""
    try:
        return load(text)
    except Exception:  # refused, or tripped on odd input: cfn-lint decides, errors and all
        return None


def _json(text: str, path: str) -> tuple[dict[str, Any], int]:
    fast = _fast(decode_json, text)
    if fast is not None:
        return _mapping(fast[0], path), fast[1]
    from cfnlint.decode import cfn_json  # type: ignore[import-untyped]

    try:
        template = cfn_json.loads(text)
    except cfn_json.JSONDecodeError as exc:
        raise InputError(path, int(exc.lineno or 0), f"expected valid JSON ({exc.msg})") from None
    except RecursionError:
        raise _too_deep(path) from None
    except ValueError as exc:
        if "recursion" in str(exc):
            raise _too_deep(path) from None
        raise InputError(path, 0, f"expected valid JSON ({_first_line(exc)})") from None
    except Exception as exc:  # cfn-lint's decoder trips on some broken input (StopIteration)
        raise InputError(path, 0, f"expected valid JSON ({type(exc).__name__})") from None
    return _mapping(template, path), _UNKNOWN_DEPTH


def _yaml(text: str, path: str) -> tuple[dict[str, Any], int]:
    # ``in`` finds a character at memchr speed; a count reads every character of the text
    if "&" in text and text.count("*") > MAX_ALIASES and _alias_count(text) > MAX_ALIASES:
        raise InputError(path, 0, f"expected at most {MAX_ALIASES} YAML aliases")
    fast = _fast(decode_yaml, text)
    if fast is not None:
        return _mapping(fast[0], path), fast[1]
    from cfnlint.decode import cfn_yaml
    from yaml import YAMLError

    try:
        template = cfn_yaml.loads(text, path)
    except cfn_yaml.CfnParseError as exc:
        match = exc.matches[0] if exc.matches else None
        line = int(getattr(match, "linenumber", 0) or 0)
        message = str(getattr(match, "message", exc))
        if "alias" in message.lower():
            raise InputError(path, line, "expected no YAML alias amplification") from None
        if "recursion" in message or "nesting depth" in message:
            raise _too_deep(path, line) from None
        raise InputError(
            path, line, f"expected a valid template ({_first_line(message)})"
        ) from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = int(mark.line) + 1 if mark is not None else 0
        problem = getattr(exc, "problem", None) or "syntax error"
        if "nesting depth" in str(problem):
            raise _too_deep(path, line) from None
        raise InputError(path, line, f"expected valid YAML ({problem})") from None
    except RecursionError:
        raise _too_deep(path) from None
    except Exception as exc:  # the loader tripping on broken input is still broken input
        raise InputError(path, 0, f"expected valid YAML ({type(exc).__name__})") from None
    return _mapping(template, path), _UNKNOWN_DEPTH


def _alias_count(text: str) -> int:
    return len(re.findall(r"(?:^|[\s\[{,:-])\*[A-Za-z0-9_-]+", text))


def _mapping(template: Any, path: str) -> dict[str, Any]:
    if not isinstance(template, dict):
        raise InputError(path, 1, "expected a template (a mapping with Resources)")
    return template


def _first_line(value: object) -> str:
    lines = str(value).strip().splitlines()
    return lines[0][:120] if lines else "unknown error"


def line_of(node: Any, default: int = 0) -> int:
    """The 1-based line where a decoded node starts (cfn-lint marks are 0-based)."""
    mark = getattr(node, "start_mark", None)
    line = getattr(mark, "line", None)
    return int(line) + 1 if isinstance(line, int) else default
