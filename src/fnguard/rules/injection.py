"""Injection rules from the handler's code: event data reaching dangerous sinks (INJ001-005)
and event data used without validation (INJ006).

The analysis (``fnguard.code.python`` and the other languages) decides what the code does
and files a ``CodeIssue`` with the flow from the event to the sink; these rules own the
wording, impact and fix. A function whose code could not be analysed at all gets an
"unknown" finding, never a silent pass.

Code rules have no infrastructure fix: their remediation carries the prose and a Python
example in ``text`` (indented by four spaces after a blank line, so Markdown and HTML show
it as code), and in ``cli`` the command that checks the rule again. ``code_findings`` and
``code_remediation`` are shared with the SEC and RUN code rules.

INJ006 is precise on purpose (a rule that fires on every handler is noise): it fires when a
value read from the event reaches a sink or an external call (an AWS SDK call, an HTTP
request, a database statement, a subprocess) and on its way was never validated: no schema
validation anywhere in the handler (jsonschema, pydantic, marshmallow, Powertools parser or
validator, cerberus), and for that value no type check (``isinstance``, ``int()``), allow-list
membership, equality with a constant, anchored regular expression or ``is...()`` check. One
finding per function, at the first such use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard.model import Provider, Remediation
from fnguard.rules._base import Mappings, Rule, RuleContext, RuleMeta
from fnguard.rules._code_common import code_issue_findings
from fnguard.rules._memo import per_object

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fnguard.model import Finding, Function, Inventory

__all__ = ["RULES", "code_findings", "code_remediation", "unanalysed"]

_BOTH = (Provider.AWS, Provider.GCP)
_SAS1 = ("SAS-1",)


def code_remediation(prose: str, example: str, rule_id: str) -> Remediation:
    """Prose plus a Python example in ``text``; ``cli`` re-runs the one rule."""
    lines = example.strip("\n").splitlines()
    snippet = "\n".join(f"    {line}" if line else "" for line in lines)
    return Remediation(text=f"{prose}\n\n{snippet}", cli=f"fnguard scan . --select {rule_id}")


def unanalysed(inventory: Inventory) -> Iterator[tuple[Function, str]]:
    """Functions with a code gap and no analysed handler, with the gap's reason."""
    return iter(_unanalysed(inventory))


@per_object
def _unanalysed(inventory: Inventory) -> tuple[tuple[Function, str], ...]:
    """``unanalysed``, once per inventory: every code rule asks."""
    unread: dict[str, str] = {}  # the first code gap's reason, by resource
    for gap in inventory.gaps:
        if gap.field == "code":
            unread.setdefault(gap.resource, gap.reason)
    if not unread:
        return ()
    return tuple(
        (fn, unread[fn.address])
        for fn in inventory.functions
        if fn.address in unread and inventory.handler_of(fn) is None
    )


def code_findings(meta: RuleMeta, inventory: Inventory) -> Iterator[Finding]:
    """The rule's code issues as findings, then one "unknown" per function not analysed."""
    yield from code_issue_findings(meta, inventory)
    for fn, reason in unanalysed(inventory):
        message = f"{meta.id} not checked for {fn.name or fn.address}: {reason}"
        yield meta.unknown(fn=fn, message=message)


def _rule(meta: RuleMeta) -> Rule:
    def check(inventory: Inventory, ctx: RuleContext) -> Iterator[Finding]:
        del ctx
        return code_findings(meta, inventory)

    return Rule(meta, check)


INJ001 = RuleMeta(
    id="INJ001",
    title="Event data reaches OS command execution",
    impact=9,
    area="injection",
    providers=_BOTH,
    description=(
        "A value from the invocation event reaches a shell: os.system, os.popen, "
        "subprocess with shell=True (or a list that runs sh -c), subprocess getoutput, "
        "asyncio.create_subprocess_shell, or a program whose name comes from the event. "
        "An attacker who controls the event runs commands with the function's role. "
        "shlex.quote, int() and allow-list checks clean the value; a list of arguments "
        "without a shell is not reported (no shell parses it)."
    ),
    remediation=code_remediation(
        "Do not use a shell. Pass a list of arguments with shell=False, check the value "
        "against an allow-list or a strict pattern, and quote it with shlex.quote if a shell "
        "cannot be avoided.",
        """
# before: os.system("convert " + body["name"])
if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", name):
    raise ValueError("bad name")
subprocess.run(["convert", name, "/tmp/out.png"], check=True)  # no shell
""",
        "INJ001",
    ),
    mappings=Mappings(iso27001=("A.8.28",), owasp_serverless=_SAS1),
)

INJ002 = RuleMeta(
    id="INJ002",
    title="Event data reaches eval, exec or unsafe deserialisation",
    impact=9,
    area="injection",
    providers=_BOTH,
    description=(
        "A value from the event reaches eval, exec, compile, importlib.import_module, "
        "pickle/cPickle/dill/marshal/joblib loads, jsonpickle.decode, shelve, yaml.load "
        "without SafeLoader or yaml.unsafe_load: whoever sends the event runs code in the "
        "function. yaml.safe_load and yaml.load(..., Loader=SafeLoader) are not reported."
    ),
    remediation=code_remediation(
        "Never evaluate or unpickle data from the event. Parse JSON with json.loads, YAML "
        "with yaml.safe_load, and map names to functions through a fixed dictionary.",
        """
# before: result = eval(body["expr"]); obj = pickle.loads(raw)
OPERATIONS = {"sum": sum, "max": max}
result = OPERATIONS[body["op"]](values)
config = yaml.safe_load(body["config"])
""",
        "INJ002",
    ),
    mappings=Mappings(iso27001=("A.8.28",), owasp_serverless=_SAS1),
)

INJ003 = RuleMeta(
    id="INJ003",
    title="Event data reaches SQL or NoSQL query text",
    impact=8,
    area="injection",
    providers=_BOTH,
    description=(
        "Event data is part of the text of a query: DB-API cursor.execute/executemany "
        "(the first argument; values passed as the parameters argument are safe), "
        "SQLAlchemy text() or execute on a string, DynamoDB FilterExpression / "
        "KeyConditionExpression / ConditionExpression / UpdateExpression / "
        "ProjectionExpression strings, PartiQL execute_statement(Statement=...), MongoDB "
        "$where or a filter document decoded from the event (operator injection such as "
        '{"$ne": null}).'
    ),
    remediation=code_remediation(
        "Keep query text constant and pass values as parameters: DB-API placeholders, "
        "SQLAlchemy bound parameters, DynamoDB ExpressionAttributeValues or "
        "boto3.dynamodb.conditions, PartiQL Parameters; cast MongoDB filter values with "
        "str() and never use $where.",
        """
# before: cur.execute(f"SELECT * FROM users WHERE id = '{user_id}'")
cur.execute("SELECT * FROM users WHERE id = %s", (user_id,))
table.query(KeyConditionExpression=Key("pk").eq(user_id))
""",
        "INJ003",
    ),
    mappings=Mappings(iso27001=("A.8.28",), owasp_serverless=_SAS1),
)

INJ004 = RuleMeta(
    id="INJ004",
    title="Event data reaches a file path (path traversal)",
    impact=7,
    area="injection",
    providers=_BOTH,
    description=(
        "Event data decides which file is opened, written, copied, moved or deleted: open, "
        "os.path.join then open, pathlib.Path methods, os.remove/rename/makedirs, shutil, "
        "tarfile/zipfile, boto3 download_file/upload_file Filename. ../ sequences reach "
        "/proc/self/environ (the function's credentials) or other tenants' files in /tmp. "
        "os.path.basename, werkzeug secure_filename and a check of the normalised path "
        "(os.path.realpath / Path.resolve) against a fixed root clean the value."
    ),
    remediation=code_remediation(
        "Keep only the file name, or resolve the path and check that it stays under a "
        "fixed root before using it.",
        """
root = "/tmp/uploads"
path = os.path.realpath(os.path.join(root, body["name"]))
if not path.startswith(root + os.sep):
    raise ValueError("path leaves the upload folder")
with open(path, "rb") as f:
    ...
""",
        "INJ004",
    ),
    mappings=Mappings(iso27001=("A.8.28",), owasp_serverless=_SAS1),
)

INJ005 = RuleMeta(
    id="INJ005",
    title="Event data reaches outbound request URLs (SSRF)",
    impact=8,
    area="injection",
    providers=_BOTH,
    description=(
        "Event data decides the scheme, host or port of an outbound request: requests, "
        "httpx, urllib.request, urllib3, aiohttp sessions, http.client connections. An "
        "attacker reaches internal services or the runtime's credential endpoints. A URL "
        "whose scheme and host are fixed in the code (https://api.example.com/users/{id}) "
        "is not reported: the event only chooses a path on a host the code picked."
    ),
    remediation=code_remediation(
        "Fix the scheme and host in code, or check the parsed host against an allow-list "
        "before the request.",
        """
ALLOWED_HOSTS = {"api.example.com"}
url = urllib.parse.urlsplit(body["callback"])
if url.scheme != "https" or url.hostname not in ALLOWED_HOSTS:
    raise ValueError("callback host not allowed")
requests.post(url.geturl(), json=payload, timeout=5)
""",
        "INJ005",
    ),
    mappings=Mappings(iso27001=("A.8.28", "A.8.20"), owasp_serverless=_SAS1),
)

INJ006 = RuleMeta(
    id="INJ006",
    title="Handler uses the event without validating it",
    impact=3,
    area="injection",
    providers=_BOTH,
    description=(
        "A value read from the event reaches a sink or an external call (AWS SDK, HTTP, "
        "database, subprocess) and the handler validates nothing on the way: no schema "
        "validation (jsonschema, pydantic, marshmallow, Powertools parser or validator), "
        "no type check, allow-list, equality with a constant or anchored pattern for that "
        "value. Reported once per function, at the first such use."
    ),
    remediation=code_remediation(
        "Validate the event against a schema at the top of the handler (Powertools parser, "
        "pydantic or jsonschema) and work with the validated object.",
        """
from aws_lambda_powertools.utilities.parser import event_parser, BaseModel

class Order(BaseModel):
    order_id: int
    quantity: int

@event_parser(model=Order)
def handler(event: Order, context):
    ...
""",
        "INJ006",
    ),
    mappings=Mappings(iso27001=("A.8.28", "A.8.26"), owasp_serverless=_SAS1),
)

RULES: tuple[Rule, ...] = tuple(_rule(m) for m in (INJ001, INJ002, INJ003, INJ004, INJ005, INJ006))
