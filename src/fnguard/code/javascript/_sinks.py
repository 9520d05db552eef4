"""The sinks, sanitisers and loggers the taint engine recognises, by qualified name.

A qualified name is what a callee resolves to through ``require`` / ``import`` bindings:
``child_process.exec`` whether the code wrote ``cp.exec``, ``exec`` after
``const { exec } = require('node:child_process')`` or ``require('child_process').exec``.
Instances keep their constructor's name with ``()``: ``new VM().run`` is ``vm2.VM().run``.

js-yaml: version 3's ``load`` uses ``DEFAULT_FULL_SCHEMA`` (``!!js/function`` runs code),
version 4's ``load`` is safe unless the schema is extended with ``js-yaml-js-types``. The
version is read from the artifact (installed ``node_modules/js-yaml``, ``package-lock.json``,
``package.json``); when none says, version 4 is assumed (current since January 2021) and only
an explicit full or js-types schema is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from tree_sitter import Node

    from fnguard.code.javascript._values import Value

__all__ = [
    "ALL_RULES",
    "CallSite",
    "Hit",
    "clears_secret",
    "external_call",
    "is_check_call",
    "is_logger",
    "is_validation",
    "module_name",
    "sanitised",
    "sink_hits",
    "write_outside_tmp",
]

ALL_RULES = frozenset({"INJ001", "INJ002", "INJ003", "INJ004", "INJ005"})

# Module aliases: one name per API, whatever the package spelled.
_MODULE_ALIASES = {
    "fs/promises": "fs",
    "fs-extra": "fs",
    "graceful-fs": "fs",
    "mysql2/promise": "mysql2",
    "@hapi/joi": "joi",
    "child_process/promises": "child_process",
    "timers/promises": "timers",
}


def module_name(spec: str) -> str:
    """``node:fs/promises`` -> ``fs``: the name sinks are written against."""
    spec = spec.removeprefix("node:")
    return _MODULE_ALIASES.get(spec, spec)


@dataclass(frozen=True)
class CallSite:
    """One call as the sink tables see it: its resolved callee and argument values, so the tables
    need no tree walking of their own (``evaluate`` reads any other node, such as a property of an
    options object)."""

    qual: str  # the callee's qualified name ("" when unknown)
    method: str  # the member called (``query`` in ``db.query(...)``), "" for plain calls
    receiver: str  # source text of the receiver, "" for plain calls
    args: Sequence[Node]
    values: Sequence[Value]
    evaluate: Callable[[Node], Value]
    yaml_major: int | None
    js_types: bool = False  # the file imports js-yaml-js-types (code-running YAML tags)
    is_new: bool = False


@dataclass(frozen=True)
class Hit:
    """A call that is a sink for a rule, with the value reaching it: reported only when that value
    carries event data."""

    rule: str
    sink: str  # how the report names the sink: "child_process.exec"
    value: Value  # the event data that reaches it


def _root(qual: str) -> str:
    """The package a qualified name starts from: ``knex().raw`` -> ``knex``."""
    return qual.partition(".")[0].removesuffix("()")


def _tainted(rule: str, value: Value) -> bool:
    return value.flow is not None and rule not in value.safe and not value.inert


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _string(node: Node | None) -> str | None:
    if node is None or node.type != "string":
        return None
    return _text(node)[1:-1]


# --------------------------------------------------------------------------- INJ001

_SHELL_STRING = frozenset(
    {
        "child_process.exec",
        "child_process.execSync",
        "shelljs.exec",
        "execa.command",
        "execa.commandSync",
        "execa.execaCommand",
        "execa.execaCommandSync",
    }
)
_SPAWN = frozenset(
    {
        "child_process.spawn",
        "child_process.spawnSync",
        "child_process.execFile",
        "child_process.execFileSync",
        "execa",
        "execa.execa",
        "execa.sync",
        "execa.execaSync",
        "cross-spawn",
        "cross-spawn.sync",
    }
)
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "cmd", "cmd.exe", "powershell", "pwsh"})
_SHELL_FLAGS = frozenset({"-c", "/c", "/C", "-Command", "-command"})


def _shell_option(args: Sequence[Node]) -> bool:
    """An options object literal with a truthy ``shell`` (``true`` or a shell's path)."""
    for arg in args:
        if arg.type != "object":
            continue
        for pair in arg.named_children:
            if pair.type != "pair":
                continue
            key = pair.child_by_field_name("key")
            value = pair.child_by_field_name("value")
            if key is None or value is None or _text(key).strip("'\"") != "shell":
                continue
            return value.type not in ("false", "null", "undefined") and _text(value) not in (
                "''",
                '""',
                "0",
            )
    return False


def _runs_shell_script(args: Sequence[Node]) -> bool:
    """``spawn('sh', ['-c', ...])``: a shell given its command line as an argument."""
    program = _string(args[0]) if args else None
    if program is None or program.rsplit("/", 1)[-1] not in _SHELLS or len(args) < 2:
        return False
    if args[1].type != "array":
        return False
    return any(_string(item) in _SHELL_FLAGS for item in args[1].named_children)


def _command_hits(site: CallSite) -> list[Hit]:
    values = site.values
    if site.qual in _SHELL_STRING and values and _tainted("INJ001", values[0]):
        return [Hit("INJ001", site.qual, values[0])]
    if site.qual not in _SPAWN or not values:
        return []
    if _shell_option(site.args):
        label = f"{site.qual}(shell: true)"
        return [Hit("INJ001", label, v) for v in values[:2] if _tainted("INJ001", v)][:1]
    if _tainted("INJ001", values[0]):
        return [Hit("INJ001", f"{site.qual} (program)", values[0])]
    if len(values) > 1 and _runs_shell_script(site.args) and _tainted("INJ001", values[1]):
        return [Hit("INJ001", f"{site.qual}({_string(site.args[0])} -c)", values[1])]
    return []


# --------------------------------------------------------------------------- INJ002

_CODE = frozenset(
    {
        "eval",
        "Function",
        "vm.runInNewContext",
        "vm.runInThisContext",
        "vm.runInContext",
        "vm.Script",
        "vm.compileFunction",
        "vm.SourceTextModule",
        "vm2.VM().run",
        "vm2.NodeVM().run",
        "vm2.VMScript",
        "safe-eval",
        "static-eval",
    }
)
_TIMERS = frozenset({"setTimeout", "setInterval", "setImmediate"})
_DESERIALISE = frozenset(
    {
        "node-serialize.unserialize",
        "funcster.deepDeserialize",
        "cryo.parse",
        "serialize-to-js.deserialize",
    }
)
_YAML_LOAD = frozenset({"js-yaml.load", "js-yaml.loadAll"})
_SAFE_SCHEMAS = ("SAFE_SCHEMA", "CORE_SCHEMA", "JSON_SCHEMA", "FAILSAFE_SCHEMA")


def _schema_text(args: Sequence[Node]) -> str | None:
    """The ``schema`` option's source text; None when no schema is given."""
    for arg in args[1:]:
        if arg.type != "object":
            continue
        for pair in arg.named_children:
            if pair.type == "shorthand_property_identifier" and _text(pair) == "schema":
                return "schema"
            key = pair.child_by_field_name("key") if pair.type == "pair" else None
            value = pair.child_by_field_name("value") if pair.type == "pair" else None
            if key is not None and value is not None and _text(key) == "schema":
                return _text(value)
    return None


def _yaml_unsafe(site: CallSite) -> str | None:
    """Why this js-yaml load runs code, or None when it cannot."""
    schema = _schema_text(site.args)
    if schema is not None and any(safe in schema for safe in _SAFE_SCHEMAS):
        return None
    if schema is not None and (site.js_types or "js-types" in schema):
        return "js-types schema"
    schema = schema or ""
    major = site.yaml_major
    if major is not None and major < 4:
        return f"js-yaml {major} full schema"
    if major is None and "FULL_SCHEMA" in schema:
        return "full schema"
    return None


def _code_hits(site: CallSite) -> list[Hit]:
    qual, values = site.qual, site.values
    if qual == "Function":  # every argument is code: new Function('a', 'b', body)
        return [Hit("INJ002", "Function()", v) for v in values if _tainted("INJ002", v)][:1]
    if qual in _CODE or qual in _DESERIALISE:
        if values and _tainted("INJ002", values[0]):
            return [Hit("INJ002", qual, values[0])]
        return []
    if qual in _TIMERS and values and values[0].func is None and _tainted("INJ002", values[0]):
        return [Hit("INJ002", f"{qual}(string)", values[0])]
    if qual in _YAML_LOAD and values and _tainted("INJ002", values[0]):
        why = _yaml_unsafe(site)
        if why is not None:
            return [Hit("INJ002", f"{qual} ({why})", values[0])]
    return []


# --------------------------------------------------------------------------- INJ003

_SQL_MODULES = frozenset(
    {
        "mysql",
        "mysql2",
        "pg",
        "pg-promise",
        "postgres",
        "knex",
        "sequelize",
        "sqlite3",
        "better-sqlite3",
        "mssql",
        "oracledb",
        "@prisma/client",
    }
)
_SQL_METHODS = frozenset(
    {
        "query",
        "execute",
        "raw",
        "unsafe",
        "prepare",
        "exec",
        "run",
        "all",
        "get",
        "any",
        "one",
        "none",
        "many",
        "oneOrNone",
        "manyOrNone",
        "$queryRawUnsafe",
        "$executeRawUnsafe",
    }
)
# Methods that only ever take SQL text; a receiver of unknown origin still counts.
_SQL_ONLY_METHODS = frozenset({"query", "execute", "raw", "$queryRawUnsafe", "$executeRawUnsafe"})
_DB_RECEIVER = re.compile(
    r"(?:^|[._])(?:db|conn|connection|client|pool|pg|mysql|sql|knex|sequelize|database|tx|trx|"
    r"prisma)[A-Za-z]*$",
    re.IGNORECASE,
)


def _sql_hits(site: CallSite) -> list[Hit]:
    if not site.method or not site.values or not _tainted("INJ003", site.values[0]):
        return []
    root = _root(site.qual)
    if site.qual and root in _SQL_MODULES and site.method in _SQL_METHODS:
        return [Hit("INJ003", site.qual, site.values[0])]
    if site.qual or site.method not in _SQL_ONLY_METHODS:
        return []
    if _DB_RECEIVER.search(site.receiver):
        return [Hit("INJ003", f"{site.receiver}.{site.method}", site.values[0])]
    return []


# --------------------------------------------------------------------------- INJ004

_FS_ONE_PATH = frozenset(
    {
        "readFile",
        "readFileSync",
        "writeFile",
        "writeFileSync",
        "appendFile",
        "appendFileSync",
        "createReadStream",
        "createWriteStream",
        "open",
        "openSync",
        "unlink",
        "unlinkSync",
        "rm",
        "rmSync",
        "rmdir",
        "rmdirSync",
        "mkdir",
        "mkdirSync",
        "readdir",
        "readdirSync",
        "truncate",
        "truncateSync",
        "chmod",
        "chmodSync",
        "readJson",
        "readJsonSync",
        "writeJson",
        "outputFile",
        "outputJson",
        "remove",
        "removeSync",
        "emptyDir",
    }
)
_FS_TWO_PATHS = frozenset(
    {
        "copyFile",
        "copyFileSync",
        "rename",
        "renameSync",
        "symlink",
        "symlinkSync",
        "link",
        "linkSync",
        "cp",
        "cpSync",
        "copy",
        "move",
    }
)


def _path_hits(site: CallSite) -> list[Hit]:
    module, _, name = site.qual.rpartition(".")
    if module != "fs":
        return []
    count = 2 if name in _FS_TWO_PATHS else 1 if name in _FS_ONE_PATH else 0
    return [Hit("INJ004", site.qual, v) for v in site.values[:count] if _tainted("INJ004", v)][:1]


# --------------------------------------------------------------------------- RUN002

_FS_WRITES: dict[str, int] = {
    "writeFile": 0,
    "writeFileSync": 0,
    "appendFile": 0,
    "appendFileSync": 0,
    "createWriteStream": 0,
    "mkdir": 0,
    "mkdirSync": 0,
    "outputFile": 0,
    "outputFileSync": 0,
    "outputJson": 0,
    "writeJson": 0,
    "writeJsonSync": 0,
    "copyFile": 1,
    "copyFileSync": 1,
    "rename": 1,
    "renameSync": 1,
    "symlink": 1,
    "symlinkSync": 1,
}
WRITABLE_PREFIXES = ("/tmp", "/dev/", "/proc/", "/mnt/")
_CODE_FOLDERS = frozenset({"__dirname", "process.cwd()", "import.meta.dirname"})


def constant_prefix(node: Node) -> tuple[str, bool] | None:
    """The text a path expression starts with, and whether that is all of it."""
    if node.type == "string":
        return _text(node)[1:-1], True
    if node.type == "template_string":
        prefix = ""
        for child in node.children:
            if child.type == "template_substitution":
                return prefix, False
            if child.type == "string_fragment":
                prefix += _text(child)
        return prefix, True
    if node.type == "binary_expression":
        left = node.child_by_field_name("left")
        found = constant_prefix(left) if left is not None else None
        return (found[0], False) if found is not None else None
    if node.type == "call_expression":
        function = node.child_by_field_name("function")
        callee = _text(function) if function is not None else ""
        args = node.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        if callee in ("path.join", "path.resolve", "join", "resolve") and first is not None:
            if _text(first) in _CODE_FOLDERS:
                return "__dirname/", False
            found = constant_prefix(first)
            return (found[0], False) if found is not None else None
    if _text(node) in _CODE_FOLDERS:
        return "__dirname/", False
    return None


def write_outside_tmp(site: CallSite) -> tuple[str, str] | None:
    """(path shown, where) when an fs write targets the read-only part of the file system."""
    module, _, name = site.qual.rpartition(".")
    index = _FS_WRITES.get(name)
    if module != "fs" or index is None or len(site.args) <= index:
        return None
    found = constant_prefix(site.args[index])
    if found is None or not found[0]:
        return None
    prefix, complete = found
    if prefix.startswith(WRITABLE_PREFIXES) or "/tmp".startswith(prefix):
        return None
    shown = prefix if complete else f"{prefix}..."
    if prefix.startswith("__dirname/"):
        return shown, "the function's code folder (/var/task)"
    if not prefix.startswith("/"):
        return shown, "a relative path under /var/task"
    return shown, shown


# --------------------------------------------------------------------------- INJ005

_HTTP_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "request", "stream"}
)
_HTTP_CLIENTS = frozenset(
    {"axios", "got", "needle", "superagent", "request", "node-fetch", "undici", "ky", "phin"}
)
_HTTP_FUNCTIONS = frozenset(
    {
        "fetch",
        "node-fetch",
        "axios",
        "got",
        "needle",
        "request",
        "phin",
        "undici.fetch",
        "undici.request",
        "http.get",
        "http.request",
        "https.get",
        "https.request",
        "superagent",
    }
)
_URL_KEYS = frozenset({"url", "uri", "host", "hostname", "baseURL", "baseUrl", "prefixUrl"})
# A URL whose host is fixed before any substitution: only its path can vary.
_FIXED_HOST = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#${}]+[/?#]")


def _fixed_host(node: Node) -> bool:
    while node.type == "binary_expression":
        left = node.child_by_field_name("left")
        if left is None:
            return False
        node = left
    if node.type == "template_string":
        prefix = ""
        for child in node.children:
            if child.type == "template_substitution":
                break
            if child.type == "string_fragment":
                prefix += _text(child)
        return bool(_FIXED_HOST.match(prefix))
    literal = _string(node)
    return literal is not None and bool(_FIXED_HOST.match(literal))


def _url_value(site: CallSite) -> Value | None:
    """The tainted part of the first argument that names where the request goes."""
    node, value = site.args[0], site.values[0]
    if node.type == "object":
        for pair in node.named_children:
            key = pair.child_by_field_name("key") if pair.type == "pair" else None
            if key is None or _text(key).strip("'\"") not in _URL_KEYS:
                continue
            inner = pair.child_by_field_name("value")
            if inner is not None and not _fixed_host(inner):
                found = site.evaluate(inner)
                if _tainted("INJ005", found) and not found.fixed_host:
                    return found
        return None
    if _fixed_host(node) or value.fixed_host or not _tainted("INJ005", value):
        return None
    return value


def _is_http_call(site: CallSite) -> bool:
    if site.qual in _HTTP_FUNCTIONS:
        return True
    root, rest = _root(site.qual), site.qual.partition(".")[2]
    last = site.qual.rsplit(".", 1)[-1]
    return root in _HTTP_CLIENTS and bool(rest) and last in _HTTP_METHODS


def _url_hits(site: CallSite) -> list[Hit]:
    if not site.args or not _is_http_call(site):
        return []
    value = _url_value(site)
    return [Hit("INJ005", site.qual, value)] if value is not None else []


# --------------------------------------------------------------------------- entry points


def sink_hits(site: CallSite) -> list[Hit]:
    """Every sink this call is, with the event data reaching it."""
    return [
        *_command_hits(site),
        *_code_hits(site),
        *_sql_hits(site),
        *_path_hits(site),
        *_url_hits(site),
    ]


# Calls whose result holds none of the event data's meaning any more (numbers, booleans,
# validated objects).
_CLEARING = frozenset(
    {
        "parseInt",
        "parseFloat",
        "Number",
        "Boolean",
        "isNaN",
        "isFinite",
        "Number.parseInt",
        "Number.parseFloat",
        "Number.isInteger",
        "Date.parse",
        "Array.isArray",
    }
)
_VALIDATION_MODULES = frozenset(
    {"zod", "joi", "yup", "superstruct", "valibot", "io-ts", "@sinclair/typebox", "ajv"}
)
_VALIDATION_METHODS = frozenset(
    {
        "parse",
        "parseAsync",
        "safeParse",
        "safeParseAsync",
        "validate",
        "validateSync",
        "validateAsync",
        "attempt",
        "assert",
        "cast",
        "create",
        "mask",
        "decode",
        "Check",
        "Decode",
    }
)
_PARTIAL: dict[str, frozenset[str]] = {
    "shell-quote.quote": frozenset({"INJ001"}),
    "shell-escape": frozenset({"INJ001"}),
    "shescape.quote": frozenset({"INJ001"}),
    "shescape.escape": frozenset({"INJ001"}),
    "any-shell-escape": frozenset({"INJ001"}),
    "path.basename": frozenset({"INJ004"}),
    "encodeURIComponent": frozenset({"INJ005"}),
    "mysql.escape": frozenset({"INJ003"}),
    "mysql2.escape": frozenset({"INJ003"}),
    "sqlstring.escape": frozenset({"INJ003"}),
    "pg-format": frozenset({"INJ003"}),
}


def sanitised(qual: str) -> frozenset[str]:
    """The rules a call's result is safe for (``ALL_RULES`` when nothing of the input is left)."""
    if qual in _CLEARING or qual.startswith("Math."):
        return ALL_RULES
    root, rest = _root(qual), qual.partition(".")[2]
    last = qual.rsplit(".", 1)[-1]
    if root == "validator" and rest and re.match(r"(is|to)[A-Z]", last):
        return ALL_RULES
    if root in _VALIDATION_MODULES and rest and last in _VALIDATION_METHODS:
        return ALL_RULES
    return _PARTIAL.get(qual, frozenset())


def is_validation(qual: str) -> bool:
    """A schema library or validator call (``Body.parse``, ``ajv.validate``, ``isUUID``)."""
    root = _root(qual)
    return bool(qual.partition(".")[2]) and (root in _VALIDATION_MODULES or root == "validator")


_SUBPROCESS_MODULES = frozenset({"child_process", "execa", "shelljs", "cross-spawn"})


def external_call(site: CallSite) -> str | None:
    """What a call hands data to outside the function (an AWS API, a database, an HTTP
    endpoint, a subprocess), or None; INJ006 reports unvalidated event data reaching one."""
    root = _root(site.qual)
    if site.is_new:  # building a client or a command sends nothing yet
        return None
    if root.startswith("@aws-sdk/") or root == "aws-sdk":
        return site.qual
    if root in _SQL_MODULES or root in _SUBPROCESS_MODULES or _is_http_call(site):
        return site.qual
    if not site.qual and site.method in _SQL_ONLY_METHODS and _DB_RECEIVER.search(site.receiver):
        return f"{site.receiver}.{site.method}"
    return None


_HASHING = re.compile(r"^(crypto\.create(Hash|Hmac)|bcrypt|bcryptjs|argon2|Object\.keys)\b")
_MASKING = re.compile(r"(mask|redact|hash|obfuscate|censor|sanitize|sanitise)", re.IGNORECASE)


def clears_secret(qual: str, callee: str) -> bool:
    """Whether a call's result no longer reveals a secret passed to it (hashing, masking)."""
    return bool(_HASHING.match(qual)) or bool(_MASKING.search(callee.rsplit(".", 1)[-1]))


_LOG_METHODS = frozenset(
    {
        "log",
        "info",
        "warn",
        "warning",
        "error",
        "debug",
        "trace",
        "fatal",
        "verbose",
        "silly",
        "critical",
        "dir",
        "table",
        "notice",
    }
)
_LOGGER_NAME = re.compile(r"(?:^|\.)(?:console|_?logger|_?log|winston|pino|bunyan)$", re.I)
_LOGGER_SUFFIX = re.compile(r"logger$", re.IGNORECASE)


def is_logger(qual: str, method: str, receiver: str) -> bool:
    """``console.log``, ``logger.info``, ``this.log.error``, ``process.stdout.write``."""
    if qual in ("process.stdout.write", "process.stderr.write"):
        return True
    if not method or method not in _LOG_METHODS:
        return False
    if qual.startswith("console."):
        return True
    return bool(_LOGGER_NAME.search(receiver) or _LOGGER_SUFFIX.search(receiver))


# Validation by name: not ``isAdmin(event)`` or ``verify(token)``, which answer who is
# calling, not whether the data is acceptable.
_CHECK_NAME = re.compile(
    r"^(validate\w*|isValid\w*|is(Safe|Allowed|Allowlisted|Whitelisted|Permitted)[A-Z]?\w*|"
    r"matches\w*|conformsTo\w*)$"
)


def is_check_call(qual: str, name: str) -> bool:
    """A call that answers whether its arguments are acceptable (an allow-list, a schema)."""
    if name in ("includes", "has", "test"):
        return True
    root = _root(qual)
    if root in _VALIDATION_MODULES or root == "validator":
        return True
    return bool(_CHECK_NAME.match(name))
