"""A JSON-Schema subset compiled once, at decoration time, into nested closures.

Supported: type, properties, required, additionalProperties (bool or schema), items,
enum, const, pattern, minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength,
maxLength, minItems, maxItems, format (email, uri, uuid, date-time). Annotations ($schema,
$id, title, description, default, examples) are ignored; any other keyword is refused at
compile time, so a schema never looks enforced when it is not.
"""

from __future__ import annotations

from ._errors import GuardConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sized
    from typing import Any

    Validator = Callable[[Any, str, list[str]], None]

_ANNOTATIONS = frozenset(("$schema", "$id", "$comment", "title", "description", "default",
                          "examples", "deprecated", "readOnly", "writeOnly"))
_KNOWN = frozenset(("type", "properties", "required", "additionalProperties", "items", "enum",
                    "const", "pattern", "minimum", "maximum", "exclusiveMinimum",
                    "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems",
                    "format")) | _ANNOTATIONS
_FORMATS = {
    "email": r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
    "uri": r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*$",
    "uuid": r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    "date-time": (r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:"
                  r"([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$"),
}


def _is_type(value: Any, name: str) -> bool:
    if name == "string":
        return isinstance(value, str)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if isinstance(value, bool):
        return False
    if name == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, (int, float))
    raise GuardConfigError(f"unknown JSON Schema type {name!r}")


def _where(path: str) -> str:
    return path or "$"


def compile_schema(schema: Mapping[str, Any] | bool) -> Validator:
    """Compile `schema` into a function (value, path, errors) that appends error messages."""
    if schema is True or schema == {}:
        return lambda value, path, errors: None
    if schema is False:
        return lambda value, path, errors: errors.append(f"{_where(path)}: not allowed")
    if not isinstance(schema, dict):
        raise GuardConfigError("a JSON Schema must be an object or a boolean")
    unknown = set(schema) - _KNOWN
    if unknown:
        raise GuardConfigError(f"unsupported JSON Schema keyword(s): {sorted(unknown)}")
    checks: list[Validator] = []
    add = checks.append

    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        for name in names:
            _is_type(None, name)
        label = " or ".join(names)

        def check_type(value: Any, path: str, errors: list[str]) -> None:
            if not any(_is_type(value, n) for n in names):
                errors.append(f"{_where(path)}: expected {label}")

        add(check_type)
    if "enum" in schema:
        options = list(schema["enum"])
        add(lambda v, p, e: None if any(_equal(v, o) for o in options)
            else e.append(f"{_where(p)}: must be one of {options}"))
    if "const" in schema:
        const = schema["const"]
        add(lambda v, p, e: None if _equal(v, const) else e.append(f"{_where(p)}: must be {const!r}"))
    _numbers(schema, add)
    _strings(schema, add)
    _objects(schema, add)
    _arrays(schema, add)
    if len(checks) == 1:
        return checks[0]

    def check_all(value: Any, path: str, errors: list[str]) -> None:
        for check in checks:
            check(value, path, errors)

    return check_all


def _equal(a: Any, b: Any) -> bool:
    return a == b and isinstance(a, bool) == isinstance(b, bool)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _numbers(schema: Mapping[str, Any], add: Callable[[Validator], None]) -> None:
    for key, test, word in (("minimum", float.__ge__, ">="), ("maximum", float.__le__, "<="),
                            ("exclusiveMinimum", float.__gt__, ">"),
                            ("exclusiveMaximum", float.__lt__, "<")):
        if key in schema:
            bound = float(schema[key])

            def check(v: Any, p: str, e: list[str], bound: float = bound,
                      test: Callable[[float, float], bool] = test, word: str = word) -> None:
                if _number(v) and not test(float(v), bound):
                    e.append(f"{_where(p)}: must be {word} {bound:g}")

            add(check)


def _sizes(schema: Mapping[str, Any], add: Callable[[Validator], None], kind: type[Sized],
           low_key: str, high_key: str, unit: str) -> None:
    """minLength/maxLength for strings, minItems/maxItems for arrays."""
    low = int(schema.get(low_key, 0))
    high = schema.get(high_key)
    if low_key not in schema and high is None:
        return
    top = None if high is None else int(high)

    def check(v: Any, p: str, e: list[str]) -> None:
        if isinstance(v, kind):
            if len(v) < low:
                e.append(f"{_where(p)}: fewer than {low} {unit}")
            elif top is not None and len(v) > top:
                e.append(f"{_where(p)}: more than {top} {unit}")

    add(check)


def _strings(schema: Mapping[str, Any], add: Callable[[Validator], None]) -> None:
    _sizes(schema, add, str, "minLength", "maxLength", "characters")
    if "pattern" in schema or schema.get("format") in _FORMATS:
        import re

        if "pattern" in schema:
            try:
                regex = re.compile(schema["pattern"])
            except re.error as exc:
                raise GuardConfigError(f"bad pattern {schema['pattern']!r}: {exc}") from None
            add(lambda v, p, e: e.append(f"{_where(p)}: does not match {regex.pattern}")
                if isinstance(v, str) and regex.search(v) is None else None)
        fmt = schema.get("format")
        if fmt in _FORMATS:
            fregex = re.compile(_FORMATS[fmt])
            add(lambda v, p, e: e.append(f"{_where(p)}: not a valid {fmt}")
                if isinstance(v, str) and fregex.match(v) is None else None)


def _objects(schema: Mapping[str, Any], add: Callable[[Validator], None]) -> None:
    properties = {k: compile_schema(s) for k, s in dict(schema.get("properties", {})).items()}
    required = list(schema.get("required", ()))
    extra = schema.get("additionalProperties", True)
    extra_check = None if extra is True else compile_schema(extra)
    if not properties and not required and extra_check is None:
        return

    def check_object(value: Any, path: str, errors: list[str]) -> None:
        if not isinstance(value, dict):
            return
        for name in required:
            if name not in value:
                errors.append(f"{_where(path)}: missing required property {name!r}")
        for name, item in value.items():
            check = properties.get(name)
            if check is not None:
                check(item, f"{path}.{name}" if path else str(name), errors)
            elif extra_check is not None:
                if extra is False:
                    errors.append(f"{_where(path)}: unexpected property {name!r}")
                else:
                    extra_check(item, f"{path}.{name}" if path else str(name), errors)

    add(check_object)


def _arrays(schema: Mapping[str, Any], add: Callable[[Validator], None]) -> None:
    _sizes(schema, add, list, "minItems", "maxItems", "items")
    if "items" in schema:
        item_check = compile_schema(schema["items"])

        def check_items(value: Any, path: str, errors: list[str]) -> None:
            if isinstance(value, list):
                for index, item in enumerate(value):
                    item_check(item, f"{path}[{index}]", errors)

        add(check_items)


def validator(schema: Mapping[str, Any]) -> Callable[[Any], list[str]]:
    """Compile `schema` and return a function giving the list of errors for a value."""
    check = compile_schema(schema)

    def validate(value: Any) -> list[str]:
        errors: list[str] = []
        check(value, "", errors)
        return errors

    return validate
