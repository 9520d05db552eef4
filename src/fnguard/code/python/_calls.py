"""Calls: local functions and methods (walked with their arguments), library calls (sinks,
sanitisers, validators, secret sources, writes) and methods of tracked objects."""

from __future__ import annotations

import ast
import re
from dataclasses import replace

from fnguard.code.python import _specs as spec
from fnguard.code.python._common import (
    AUTH_ENDPOINT,
    CLEAN_ANNOTATIONS,
    FIXED_HOST,
    IDEMPOTENCY_NAME,
    MESSAGES,
    SQL_IDEMPOTENT,
    SQL_WRITE,
    WRITABLE_PREFIXES,
    WRITE_MODE,
    TmpWrite,
    arg,
    cleaned,
    const_str,
    short,
    stepped,
    validated,
)
from fnguard.code.python._expressions import Expressions, secret_field
from fnguard.code.python._values import EMPTY, Label, Value, join, join_all
from fnguard.model import FlowStep, Location

__all__ = ["Calls"]

_MUTATORS = frozenset({"append", "extend", "insert", "add", "update", "setdefault", "appendleft"})


class Calls(Expressions):
    """The call layer of a frame."""

    # ---------------------------------------------------------------- calls

    def call(self, node: ast.Call) -> Value:
        args = [self.ev(a) for a in node.args]
        kwargs: dict[str, Value] = {}
        for kw in node.keywords:
            value = self.ev(kw.value)
            if kw.arg is None:
                kwargs["**"] = join(kwargs.get("**", value), value)
                for name, item in value.fields:
                    kwargs.setdefault(name, item)
            else:
                kwargs[kw.arg] = value
        func = node.func
        if isinstance(func, ast.Attribute):
            receiver = self.ev(func.value)
            ref = receiver.ref or ""
            if ref.startswith("mod:"):
                return self.dispatch(self.an.resolve(f"{ref[4:]}.{func.attr}"), node, args, kwargs)
            if ref.startswith(("inst:", "cls:")):
                return self.local_method(receiver, func.attr, node, args, kwargs)
            external = (
                ref
                and receiver.taint is None
                and receiver.secret is None
                and ref not in spec.STICKY
                and ref not in ("os.environ", "env", "regex", "ssl.context", "tempfile")
                and not ref.startswith(("def:", "bound:", "file:"))
            )
            if external:
                return self.external(f"{ref}.{func.attr}", node, args, kwargs)
            if func.attr in _MUTATORS and isinstance(func.value, ast.Name):
                self.mutated(func.value.id, receiver, [*args, *kwargs.values()], node)
            return self.method_call(receiver, func.attr, node, args, kwargs)
        return self.dispatch(self.ev(func), node, args, kwargs)

    def mutated(self, name: str, receiver: Value, values: list[Value], node: ast.Call) -> None:
        """``items.append(x)``, ``opts.update(d)``: the container now holds what was put in."""
        added = join_all(values)
        if added.taint is None and added.secret is None:
            return
        step = stepped(added, self.loc(node), short(node))
        self.env[name] = join(receiver, Value(step.taint, step.secret))

    def dispatch(
        self, target: Value, node: ast.Call, args: list[Value], kwargs: dict[str, Value]
    ) -> Value:
        ref = target.ref or ""
        callee = self.an.callee(ref)
        if callee is not None:
            return self.an.invoke(callee, args, kwargs, self.loc(node), None, self.depth)
        if ref.startswith("cls:"):
            return self.instantiate(ref[4:], node, args, kwargs)
        if ref.startswith("bound:"):
            _, key, name = ref.split(":", 2)
            return self.local_method(Value(ref=f"inst:{key}"), name, node, args, kwargs)
        if ref and not ref.startswith(("inst:", "mod:", "file:")):
            return self.external(ref, node, args, kwargs)
        return join_all([*args, *kwargs.values()])

    def instantiate(
        self, key: str, node: ast.Call, args: list[Value], kwargs: dict[str, Value]
    ) -> Value:
        instance = Value(ref=f"inst:{key}")
        init = self.an.method(key, "__init__")
        if init is not None:
            self.an.invoke(init, args, kwargs, self.loc(node), instance, self.depth)
        else:
            self.populate_fields(key, join_all([*args, *kwargs.values()]), kwargs, node)
        return instance

    def is_model(self, key: str) -> bool:
        return any(
            re.search(r"BaseModel|Schema|RootModel|Struct", b) for b in self.an.base_names(key)
        )

    def populate_fields(
        self, key: str, labels: Value, kwargs: dict[str, Value], node: ast.AST
    ) -> None:
        """A dataclass or model built from data: its annotated fields hold that data, except
        fields typed as numbers, booleans, UUIDs or literals. Models validate it."""
        entry = self.an.class_entry(f"cls:{key}")
        if entry is None:
            return
        model = self.is_model(key)
        if model:
            self.an.flags.schema_validated = True
        for stmt in entry[1].body:
            if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
                continue
            annotation = ast.unparse(stmt.annotation)
            value = kwargs.get(stmt.target.id, labels)
            if (
                annotation in CLEAN_ANNOTATIONS
                or annotation.startswith("Literal")
                or (model and re.search(r"constr\(.*pattern|Field\(.*pattern", annotation))
            ):
                value = EMPTY
            elif value.taint is not None and model:
                value = replace(value, taint=value.taint.cleaned(frozenset(), validated=True))
            self.an.set_class_attr(
                key,
                stmt.target.id,
                stepped(
                    value.labels_only(),
                    self.loc(node),
                    f"field {stmt.target.id} of {key.split(':')[-1]}",
                ),
            )

    def local_method(
        self,
        receiver: Value,
        name: str,
        node: ast.Call,
        args: list[Value],
        kwargs: dict[str, Value],
    ) -> Value:
        ref = receiver.ref or ""
        key = ref.split(":", 1)[1]
        callee = self.an.method(key, name)
        if callee is not None:
            bound = receiver if ref.startswith("inst:") else None
            return self.an.invoke(callee, args, kwargs, self.loc(node), bound, self.depth)
        if name in spec.VALIDATOR_METHODS or (
            name in ("load", "loads", "validate") and self.is_model(key)
        ):
            self.an.flags.schema_validated = True
            if self.is_model(key) or name in spec.VALIDATOR_METHODS:
                self.populate_fields(key, join_all(args), kwargs, node)
                return (
                    Value(ref=f"inst:{key}")
                    if name not in ("load", "loads", "validate")
                    else validated(join_all(args))
                )
        return join_all([*args, *kwargs.values()])

    # ---------------------------------------------------------------- library calls

    def external(
        self, qual: str, node: ast.Call, args: list[Value], kwargs: dict[str, Value]
    ) -> Value:
        loc = self.loc(node)
        labels = join_all([*args, *kwargs.values()])
        desc = f"{qual}()"
        if qual.split(".", 1)[0] in spec.WEB_ADAPTERS:
            self.an.flags.routes = True
        if qual in spec.SUBPROCESS:
            self.subprocess(qual, node, args, kwargs)
            return EMPTY
        if qual in ("yaml.load", "yaml.load_all"):
            loader = (
                node.args[1]
                if len(node.args) > 1
                else next((k.value for k in node.keywords if k.arg == "Loader"), None)
            )
            text = ast.unparse(loader) if loader is not None else ""
            if not re.search(r"SafeLoader|CSafeLoader|BaseLoader", text):
                self.an.sink(
                    "INJ002", arg(args, kwargs, 0, ("stream",)), loc, desc, "no SafeLoader"
                )
            return labels.labels_only()
        sink = spec.SINKS.get(qual)
        if sink is not None:
            self.check_sink(sink, node, args, kwargs, desc)
            if sink.rule == "INJ003":
                return Value(ref="sql.text")
        if qual in ("open", "io.open", "codecs.open", "builtins.open"):
            return self.opened(node, args, kwargs)
        if qual in ("print", "logging.log", "sys.stdout.write", "sys.stderr.write") or (
            qual.startswith("logging.") and qual.rsplit(".", 1)[-1] in spec.LOG_METHODS
        ):
            self.logged(node, args, kwargs, desc)
            return EMPTY
        if qual in ("os.getenv", "os.environ.get"):
            return self.environment(const_str(node.args[0]) if node.args else None, node)
        if qual in spec.CONVERTERS or qual.startswith(("hashlib.", "hmac.")):
            return EMPTY
        cleaner = spec.CLEANERS.get(qual)
        if cleaner is not None:
            return cleaned(labels, cleaner)
        if any(qual.endswith(v) for v in spec.VALIDATOR_CALLS) or (
            qual.endswith((".validate", "validator"))
            and qual.startswith(
                ("jsonschema", "fastjsonschema", "aws_lambda_powertools", "cerberus", "voluptuous")
            )
        ):
            self.an.flags.schema_validated = True
            return validated(labels)
        if qual.endswith(
            ("parameters.get_secret", "parameters.get_parameter", "parameters.get_parameters")
        ):
            return Value(secret=Label((FlowStep(loc, f"{desc}: a secret"),)))
        if qual == "re.compile":
            return Value(ref="regex", const=const_str(node.args[0]) if node.args else None)
        if qual in ("tempfile.gettempdir",):
            return Value(const="/tmp")
        if qual in ("tempfile.mkdtemp", "tempfile.mkstemp"):
            return Value(prefix="/tmp/")
        if qual in ("os.path.join", "posixpath.join"):
            return self.path_join(args)
        if qual in (
            "os.path.abspath",
            "os.path.realpath",
            "os.path.normpath",
            "os.path.expanduser",
            "os.path.dirname",
        ):
            first = arg(args, kwargs, 0, ("path",))
            normal = not qual.endswith(("expanduser", "dirname"))
            return Value(first.taint, first.secret, prefix=first.text_prefix, normal=normal)
        if qual in ("os.remove", "os.unlink", "shutil.rmtree", "os.rmdir"):
            self.removed(arg(args, kwargs, 0, ("path",)))
        if qual in ("os.makedirs", "os.mkdir"):
            self.write_target(arg(args, kwargs, 0, ("name", "path")), loc, desc)
        if qual in (
            "shutil.copy",
            "shutil.copyfile",
            "shutil.copy2",
            "shutil.copytree",
            "shutil.move",
            "os.rename",
            "os.replace",
        ):
            self.write_target(arg(args, kwargs, 1, ("dst",)), loc, desc)
        if qual in ("json.loads", "json.load", "simplejson.loads", "orjson.loads", "ujson.loads"):
            taint = replace(labels.taint, decoded=True) if labels.taint else None
            return Value(taint, labels.secret)
        if qual in ("json.dump",) and len(args) > 1:
            self.file_write(args[1], args[0], loc)
        if qual.rsplit(".", 1)[-1] in ("get_credentials", "get_frozen_credentials"):
            return Value(secret=Label((FlowStep(loc, f"{desc}: AWS credentials"),)))
        if (
            qual == "getattr"
            and len(args) > 1
            and args[0].ref
            and not args[0].ref.startswith(("inst:", "cls:"))
        ):
            self.an.sink("INJ002", args[1], loc, desc, "the event picks which function runs")
        kind = spec.KINDS.get(qual)
        if kind is not None:
            if kind == "path":
                first = join_all(args)
                return Value(
                    first.taint,
                    first.secret,
                    prefix=(args[0].text_prefix if args else None),
                    ref="path",
                )
            return Value(ref=kind)
        if qual.startswith(("requests.", "httpx.", "urllib3.", "urllib.request.", "aiohttp.")):
            self.http_call(qual.rsplit(".", 1)[-1], node, args, kwargs, desc)
            return EMPTY
        if qual in ("str", "repr", "ascii", "format"):
            return labels.as_text()
        return labels.labels_only()

    def check_sink(
        self,
        sink: spec.Sink,
        node: ast.Call,
        args: list[Value],
        kwargs: dict[str, Value],
        desc: str,
        receiver: Value | None = None,
    ) -> None:
        loc = self.loc(node)
        values = [args[i] for i in sink.args if i < len(args)]
        values += [kwargs[k] for k in sink.keywords if k in kwargs]
        if receiver is not None:
            values.append(receiver)
        for value in values:
            if (
                sink.rule == "INJ005"
                and value.text_prefix is not None
                and FIXED_HOST.match(value.text_prefix)
            ):
                self.an.external_use(value, loc, desc)
                continue
            self.an.sink(sink.rule, value, loc, desc)

    def subprocess(
        self, qual: str, node: ast.Call, args: list[Value], kwargs: dict[str, Value]
    ) -> None:
        loc = self.loc(node)
        shell_kw = next((k.value for k in node.keywords if k.arg == "shell"), None)
        shell = shell_kw is not None and not (
            isinstance(shell_kw, ast.Constant) and not shell_kw.value
        )
        command_node = (
            node.args[0]
            if node.args
            else next((k.value for k in node.keywords if k.arg == "args"), None)
        )
        command = arg(args, kwargs, 0, ("args",))
        if qual == "asyncio.create_subprocess_exec":
            elements = [self.ev(a) for a in node.args]
        elif isinstance(command_node, ast.List | ast.Tuple):
            elements = [self.ev(e) for e in command_node.elts]
        else:
            elements = []
        if shell:
            self.an.sink("INJ001", command, loc, f"{qual}(shell=True)")
            return
        if elements:
            program = (elements[0].const or "").rsplit("/", 1)[-1]
            consts = [e.const for e in elements]
            if program in {s.rsplit("/", 1)[-1] for s in spec.SHELLS} and "-c" in consts:
                script = (
                    elements[consts.index("-c") + 1]
                    if consts.index("-c") + 1 < len(elements)
                    else EMPTY
                )
                self.an.sink(
                    "INJ001",
                    script,
                    loc,
                    f"{qual}([{program!r}, '-c', ...])",
                    "a shell runs the text",
                )
            elif elements[0].taint is not None:
                self.an.sink(
                    "INJ001", elements[0], loc, f"{qual}()", "the event chooses the program"
                )
            for element in elements:
                self.an.external_use(element, loc, f"{qual}()")
            return
        if isinstance(command_node, ast.JoinedStr | ast.BinOp):
            self.an.sink("INJ001", command, loc, f"{qual}()", "the event chooses the program")
        else:
            self.an.external_use(command, loc, f"{qual}()")

    def opened(self, node: ast.Call, args: list[Value], kwargs: dict[str, Value]) -> Value:
        path = arg(args, kwargs, 0, ("file", "filename"))
        mode_node = (
            node.args[1]
            if len(node.args) > 1
            else next((k.value for k in node.keywords if k.arg == "mode"), None)
        )
        mode = const_str(mode_node) or "r"
        target = path.text_prefix if path.const is not None else None
        if WRITE_MODE.search(mode):
            self.write_target(path, self.loc(node), "open(..., 'w')")
            return Value(ref=f"file:{target or path.prefix or ''}")
        return Value(ref="file:")

    def path_join(self, args: list[Value]) -> Value:
        labels = join_all(args)
        if args and all(a.const is not None for a in args):
            return Value(labels.taint, labels.secret, const="/".join(a.const or "" for a in args))
        if args and args[0].const is not None:
            return Value(labels.taint, labels.secret, prefix=args[0].const.rstrip("/") + "/")
        return Value(labels.taint, labels.secret, prefix=args[0].text_prefix if args else None)

    def write_target(self, path: Value, location: Location, what: str) -> None:
        prefix = path.text_prefix
        if prefix is None or not prefix or path.ref == "env":
            return
        if prefix.startswith(WRITABLE_PREFIXES) or "/tmp".startswith(prefix):
            return
        shown = prefix if path.const is not None else f"{prefix}…"
        where = "a relative path under /var/task" if not prefix.startswith("/") else shown
        message = (
            f"writes to {where} ({what}): outside /tmp the Lambda file system is read-only, "
            "so this fails at run time"
        )
        self.an.report("RUN002", location, what, (FlowStep(location, f"writes {shown}"),), message)

    def removed(self, path: Value) -> None:
        if path.const is not None:
            self.an.flags.removed.add(path.const)
        else:
            self.an.flags.removes_unknown = True

    def file_write(self, handle: Value, data: Value, location: Location) -> None:
        ref = handle.ref or ""
        if data.secret is None or not ref.startswith("file:/tmp"):
            return
        self.an.flags.tmp_writes.append(TmpWrite(ref[5:], location, data.secret))

    def logged(
        self, node: ast.Call, args: list[Value], kwargs: dict[str, Value], desc: str
    ) -> None:
        loc = self.loc(node)
        for value in [*args, *kwargs.values()]:
            if value.secret is not None:
                steps = value.secret.step(loc, f"logged by {desc}").steps
                self.an.report("SEC004", loc, desc, steps, f"{MESSAGES['SEC004']}: {desc}")
                return
        for expr in [*node.args, *(k.value for k in node.keywords)]:
            name = _secret_named(expr, self)
            if name is not None:
                step = FlowStep(loc, f"{name} (named like a credential) logged by {desc}")
                message = f"{MESSAGES['SEC004']}: {name} (named like a credential) via {desc}"
                self.an.report("SEC004", loc, desc, (step,), message)
                return

    def http_call(
        self, method: str, node: ast.Call, args: list[Value], kwargs: dict[str, Value], desc: str
    ) -> None:
        loc = self.loc(node)
        verb = method.lower()
        if verb in ("request", "urlopen") and node.args:
            verb = (const_str(node.args[0]) or "").lower()
        url = arg(args, kwargs, 1 if method in ("request", "urlopen") else 0, ("url",))
        if verb in spec.HTTP_WRITE_METHODS and not AUTH_ENDPOINT.search(url.text_prefix or ""):
            self.an.flags.writes.append(FlowStep(loc, f"HTTP {verb.upper()}"))
        for value in [*args, *kwargs.values()]:
            self.an.external_use(value, loc, desc)

    # ---------------------------------------------------------------- object methods

    def method_call(
        self,
        receiver: Value,
        method: str,
        node: ast.Call,
        args: list[Value],
        kwargs: dict[str, Value],
    ) -> Value:
        loc = self.loc(node)
        kind = receiver.ref or ""
        func = node.func
        owner = ast.unparse(func.value) if isinstance(func, ast.Attribute) else ""
        desc = f"{short(func, 60)}()"
        labels = join_all([*args, *kwargs.values()])
        if kind == "os.environ":
            if method in ("get", "pop", "setdefault"):
                return self.environment(const_str(node.args[0]) if node.args else None, node)
            return Value(secret=receiver.secret, ref=None)
        if method in ("get_credentials", "get_frozen_credentials"):
            return Value(secret=Label((FlowStep(loc, f"{desc}: AWS credentials"),)))
        if method in spec.LOG_METHODS and (
            kind == "logger"
            or (not kind and owner in spec.LOGGER_NAMES)
            or owner in spec.LOGGER_NAMES
        ):
            self.logged(node, args, kwargs, desc)
            return EMPTY
        if method == "resolve" and labels.taint is not None:
            self.an.flags.routes = True
        if method in spec.VALIDATOR_METHODS:
            self.an.flags.schema_validated = True
            return validated(labels)
        if kind.startswith("boto3"):
            return self.boto_call(kind, method, node, args, kwargs, desc)
        if kind == "mongo" or (
            kind == "" and method in spec.MONGO_METHODS and re.search(r"(?i)coll|mongo|db", owner)
        ):
            return self.mongo_call(method, node, args, desc)
        if method in spec.QUERY_METHODS and kind in ("", "dbapi", "sql"):
            query = arg(args, kwargs, 0, ("statement", "sql", "query", "operation"))
            if query.ref != "sql.text":
                self.an.sink(
                    "INJ003",
                    query,
                    loc,
                    desc,
                    "build the query with placeholders and pass values as parameters",
                )
            for value in args[1:]:
                self.an.external_use(value, loc, desc)
            text = query.text_prefix or ""
            if SQL_WRITE.search(text):
                self.an.flags.writes.append(FlowStep(loc, "SQL write"))
                if SQL_IDEMPOTENT.search(query.const or ""):
                    self.an.flags.guarded = True
            return Value(ref=kind or None)
        if kind in spec.KIND_SINKS and method in spec.KIND_SINKS[kind]:
            sink = spec.KIND_SINKS[kind][method]
            self.check_sink(sink, node, args, kwargs, desc, receiver if kind == "path" else None)
        if kind in ("http.session", "urllib3.pool"):
            self.http_call(method, node, args, kwargs, desc)
            return Value(ref=None)
        if kind == "path":
            return self.path_method(receiver, method, node, args, kwargs, desc)
        if kind.startswith("file:") and method in ("write", "writelines"):
            self.file_write(receiver, labels, loc)
            return EMPTY
        if kind == "ddb.condition":
            # Values go to DynamoDB as parameters: still event data (INJ006), not query text.
            joined = join_all([receiver, *args])
            return Value(joined.taint, joined.secret, ref="ddb.condition")
        if kind == "regex":
            return EMPTY
        if kind in spec.STICKY:
            return Value(ref=kind)
        if re.search(r"_", method) and method in spec.BOTO_WRITES:
            return self.boto_call("boto3", method, node, args, kwargs, desc)
        if IDEMPOTENCY_NAME.search(method):
            self.an.flags.guarded = True
        if receiver.taint is not None or receiver.secret is not None:
            return self.tainted_method(receiver, method, node, args)
        if receiver.const is not None:
            if method == "format":
                return Value(
                    labels.taint and replace(labels.taint, decoded=False),
                    labels.secret,
                    prefix=receiver.const.split("{", 1)[0] or None,
                )
            if method in ("join", "replace", "strip", "lower", "upper"):
                return Value(labels.taint and replace(labels.taint, decoded=False), labels.secret)
        if method in ("get", "pop") and receiver.fields and node.args:
            key = const_str(node.args[0])
            found = receiver.field(key) if key is not None else None
            if found is not None:
                return found
        if method in ("get", "pop", "__getitem__"):
            return EMPTY
        return labels.labels_only()

    def tainted_method(
        self, receiver: Value, method: str, node: ast.Call, args: list[Value]
    ) -> Value:
        if method in (
            "startswith",
            "endswith",
            "isdigit",
            "isdecimal",
            "isnumeric",
            "isalnum",
            "isalpha",
            "count",
            "find",
            "index",
            "__len__",
            "isidentifier",
        ):
            return EMPTY
        if method in ("get", "pop", "setdefault"):
            key = const_str(node.args[0]) if node.args else None
            if key is not None and receiver.fields:
                found = receiver.field(key)
                if found is not None:
                    return found
            default = args[1] if len(args) > 1 else EMPTY
            if receiver.taint is not None:
                picked = self.member(receiver, key, node)
            else:
                picked = Value(secret=receiver.secret if secret_field(key) else None)
            if default.taint or default.secret:
                return join(picked, default.labels_only())
            return picked
        if method in ("copy", "items", "values", "keys"):
            return receiver.labels_only()
        joined = join_all([receiver, *args])
        taint = replace(joined.taint, decoded=False) if joined.taint else None
        return Value(taint, joined.secret, ref="path" if receiver.ref == "path" else None)

    def path_method(
        self,
        receiver: Value,
        method: str,
        node: ast.Call,
        args: list[Value],
        kwargs: dict[str, Value],
        desc: str,
    ) -> Value:
        loc = self.loc(node)
        if method in ("write_text", "write_bytes", "touch", "mkdir"):
            self.write_target(receiver, loc, desc)
            if (
                method in ("write_text", "write_bytes")
                and args
                and receiver.text_prefix
                and receiver.text_prefix.startswith("/tmp")
            ):
                self.file_write(Value(ref=f"file:{receiver.text_prefix}"), args[0], loc)
        if method == "open":
            mode = (
                const_str(node.args[0])
                if node.args
                else const_str(next((k.value for k in node.keywords if k.arg == "mode"), None))
            )
            if mode and WRITE_MODE.search(mode):
                self.write_target(receiver, loc, desc)
                return Value(ref=f"file:{receiver.text_prefix or ''}")
            return Value(ref="file:")
        if method in ("unlink", "rmdir"):
            self.removed(Value(const=receiver.const))
        if method in ("joinpath", "with_name", "with_suffix", "resolve", "absolute", "expanduser"):
            joined = join_all([receiver, *args])
            normal = method == "resolve"
            prefix = receiver.text_prefix
            return Value(joined.taint, joined.secret, prefix=prefix, ref="path", normal=normal)
        if method in ("read_text", "read_bytes"):
            return EMPTY
        return Value(ref="path") if method in ("parent",) else EMPTY

    def boto_call(
        self,
        kind: str,
        method: str,
        node: ast.Call,
        args: list[Value],
        kwargs: dict[str, Value],
        desc: str,
    ) -> Value:
        loc = self.loc(node)
        if method == "client":
            return Value(ref="boto3")
        if method in ("resource", "Table", "Bucket", "Object", "Queue", "Topic", "batch_writer"):
            return Value(ref="boto3.resource")
        for keyword in spec.DYNAMO_EXPRESSIONS:
            value = kwargs.get(keyword)
            if value is not None and value.ref != "ddb.condition":
                self.an.sink(
                    "INJ003",
                    value,
                    loc,
                    f"{desc} {keyword}",
                    "use boto3.dynamodb.conditions or ExpressionAttributeValues",
                )
        if method in spec.PARTIQL_METHODS:
            if "Statement" in kwargs:
                self.an.sink(
                    "INJ003",
                    kwargs["Statement"],
                    loc,
                    f"{desc} Statement",
                    "pass values in Parameters",
                )
            for kw_node in node.keywords:
                if kw_node.arg in ("Statements", "TransactStatements") and isinstance(
                    kw_node.value, ast.List
                ):
                    for item in kw_node.value.elts:
                        statement = self.ev(item).field("Statement")
                        if statement is not None:
                            self.an.sink(
                                "INJ003",
                                statement,
                                loc,
                                f"{desc} Statement",
                                "pass values in Parameters",
                            )
        sinks = spec.KIND_SINKS.get(kind, spec.KIND_SINKS["boto3"])
        if method in sinks:
            self.check_sink(sinks[method], node, args, kwargs, desc)
        for value in [*args, *kwargs.values()]:
            self.an.external_use(value, loc, desc)
        if method in spec.BOTO_WRITES:
            self.an.flags.writes.append(FlowStep(loc, method))
            if "ConditionExpression" in kwargs or "MessageDeduplicationId" in kwargs:
                self.an.flags.guarded = True
        if method in spec.SECRET_CALLS:
            return Value(secret=Label((FlowStep(loc, f"{desc}: secret material"),)), ref=None)
        if method in spec.SECRET_IF_DECRYPTED:
            decrypt = next((k.value for k in node.keywords if k.arg == "WithDecryption"), None)
            if isinstance(decrypt, ast.Constant) and decrypt.value is True:
                return Value(secret=Label((FlowStep(loc, f"{desc}: a decrypted parameter"),)))
        return Value(ref=kind if kind != "boto3.session" else "boto3.session")

    def mongo_call(self, method: str, node: ast.Call, args: list[Value], desc: str) -> Value:
        loc = self.loc(node)
        if method not in spec.MONGO_METHODS:
            if method.startswith(("insert", "update", "replace", "delete", "bulk")):
                self.an.flags.writes.append(FlowStep(loc, f"MongoDB {method}"))
                for value in args:
                    self.an.external_use(value, loc, desc)
            return Value(ref="mongo")
        if method.startswith(("update", "replace", "delete", "find_one_and")):
            self.an.flags.writes.append(FlowStep(loc, f"MongoDB {method}"))
        query = node.args[0] if node.args else None
        if isinstance(query, ast.Dict):
            for key, item in zip(query.keys, query.values, strict=True):
                value = self.ev(item)
                if const_str(key) == "$where":
                    self.an.sink(
                        "INJ003",
                        value,
                        loc,
                        f"{desc} $where",
                        "server-side JavaScript from the event",
                    )
                elif value.taint is not None and value.taint.decoded:
                    self.an.sink(
                        "INJ003",
                        value,
                        loc,
                        desc,
                        "a decoded JSON value can carry query operators such as $ne",
                    )
                self.an.external_use(value, loc, desc)
        elif args and args[0].taint is not None:
            if args[0].taint.decoded:
                self.an.sink(
                    "INJ003", args[0], loc, desc, "the filter document comes from the event"
                )
            self.an.external_use(args[0], loc, desc)
        return Value(ref="mongo")


_MASKERS = re.compile(r"(?i)mask|redact|hash|len|type|bool|isinstance|sha|digest|bool")


def _secret_named(expr: ast.expr, frame: Calls) -> str | None:
    """A variable or attribute named like a credential inside a logged expression."""
    stack: list[ast.AST] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Call):
            name = short(node.func, 40)
            if _MASKERS.search(name):
                continue
            stack.extend(node.args)
            stack.extend(k.value for k in node.keywords)
            continue
        if isinstance(node, ast.Name) and spec.is_secret_name(node.id):
            value = frame.env.get(node.id) or frame.an.module_env(frame.module).get(node.id)
            if value is None or value.const is None:
                return node.id
        elif isinstance(node, ast.Attribute) and spec.is_secret_name(node.attr):
            return short(node, 40)
        elif isinstance(node, ast.Subscript):
            key = const_str(node.slice)
            if key is not None and spec.is_secret_name(key):
                return short(node, 40)
            if key is None:  # credentials["expiry_time"] is not the credentials
                stack.append(node.value)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return None
