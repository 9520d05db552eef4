"""What the Python analysis knows about libraries: sinks, sanitisers, sources, object kinds.

Qualified names are the import paths a handler uses (``subprocess.run``, ``yaml.load``);
the walk resolves aliases (``import subprocess as sp``) before looking them up here.
Objects whose methods matter (boto3 clients, DB-API connections, HTTP sessions, loggers)
are tracked by a *kind* that sticks to what their methods return.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "AUTH_HEADERS",
    "BOTO_WRITES",
    "CLEANERS",
    "CONVERTERS",
    "HTTP_WRITE_METHODS",
    "KINDS",
    "LOGGER_NAMES",
    "LOG_METHODS",
    "SECRET_CALLS",
    "SECRET_FIELDS",
    "SHELLS",
    "SINKS",
    "SUBPROCESS",
    "VALIDATOR_CALLS",
    "VALIDATOR_METHODS",
    "WEB_ADAPTERS",
    "Sink",
    "is_secret_name",
]


@dataclass(frozen=True)
class Sink:
    """A call whose listed positional arguments / keywords must not carry event data."""

    rule: str
    args: tuple[int, ...] = (0,)
    keywords: tuple[str, ...] = ()


def _many(
    rule: str, names: str, args: tuple[int, ...], keywords: tuple[str, ...]
) -> dict[str, Sink]:
    return {name: Sink(rule, args, keywords) for name in names.split()}


SINKS: dict[str, Sink] = {
    # INJ001: a shell runs the text
    **_many(
        "INJ001",
        "os.system os.popen commands.getoutput commands.getstatusoutput "
        "subprocess.getoutput subprocess.getstatusoutput",
        (0,),
        ("cmd", "command"),
    ),
    **_many("INJ001", "asyncio.create_subprocess_shell", (0,), ("cmd",)),
    # INJ002: code runs or objects are rebuilt from the data
    **_many("INJ002", "eval exec compile builtins.eval builtins.exec", (0,), ("source",)),
    **_many(
        "INJ002",
        "pickle.loads pickle.load _pickle.loads cPickle.loads cPickle.load "
        "dill.loads dill.load marshal.loads marshal.load jsonpickle.decode "
        "jsonpickle.loads yaml.unsafe_load yaml.unsafe_load_all pandas.read_pickle "
        "joblib.load importlib.import_module __import__",
        (0,),
        ("data", "string", "name"),
    ),
    **_many("INJ002", "shelve.open", (0,), ("filename",)),
    # INJ003: query text
    **_many(
        "INJ003",
        "sqlalchemy.text sqlalchemy.sql.text sqlalchemy.sql.expression.text",
        (0,),
        ("text",),
    ),
    # INJ004: file paths
    **_many(
        "INJ004",
        "open io.open codecs.open os.open os.remove os.unlink os.rmdir "
        "os.removedirs os.makedirs os.mkdir os.listdir os.chmod os.chown os.truncate "
        "os.scandir shutil.rmtree tarfile.open zipfile.ZipFile",
        (0,),
        ("file", "path", "name", "filename"),
    ),
    **_many(
        "INJ004",
        "os.rename os.renames os.replace os.symlink os.link shutil.copy "
        "shutil.copyfile shutil.copy2 shutil.copytree shutil.move shutil.unpack_archive",
        (0, 1),
        ("src", "dst", "filename", "extract_dir"),
    ),
    # INJ005: where a request goes
    **_many(
        "INJ005",
        "requests.get requests.post requests.put requests.patch requests.delete "
        "requests.head requests.options httpx.get httpx.post httpx.put httpx.patch "
        "httpx.delete httpx.head httpx.options urllib.request.urlopen urllib.request.Request "
        "urllib.request.urlretrieve urllib2.urlopen",
        (0,),
        ("url",),
    ),
    **_many(
        "INJ005", "requests.request httpx.request httpx.stream urllib3.request", (1,), ("url",)
    ),
    **_many(
        "INJ005",
        "http.client.HTTPConnection http.client.HTTPSConnection "
        "httplib.HTTPConnection httplib.HTTPSConnection",
        (0,),
        ("host",),
    ),
}

# Methods of tracked objects that are sinks: kind -> method -> sink.
KIND_SINKS: dict[str, dict[str, Sink]] = {
    "http.session": {
        **{
            m: Sink("INJ005", (0,), ("url",))
            for m in ["get", "post", "put", "patch", "delete", "head", "options"]
        },
        "request": Sink("INJ005", (1,), ("url",)),
        "stream": Sink("INJ005", (1,), ("url",)),
    },
    "urllib3.pool": {
        "request": Sink("INJ005", (1,), ("url",)),
        "urlopen": Sink("INJ005", (1,), ("url",)),
        "request_encode_url": Sink("INJ005", (1,), ("url",)),
    },
    "path": {
        m: Sink("INJ004", (), ())
        for m in [
            "open",
            "read_text",
            "read_bytes",
            "write_text",
            "write_bytes",
            "unlink",
            "mkdir",
            "rmdir",
            "rename",
            "replace",
            "touch",
            "iterdir",
            "glob",
            "rglob",
            "symlink_to",
            "chmod",
        ]
    },
    "boto3": {
        "download_file": Sink("INJ004", (2,), ("Filename",)),
        "upload_file": Sink("INJ004", (0,), ("Filename",)),
    },
}
KIND_SINKS["boto3.resource"] = {
    "download_file": Sink("INJ004", (1,), ("Filename",)),
    "upload_file": Sink("INJ004", (0,), ("Filename",)),
}

# subprocess functions: INJ001 with shell=True, or when the program is a shell given -c.
SUBPROCESS = frozenset(
    [
        "subprocess.call",
        "subprocess.run",
        "subprocess.Popen",
        "subprocess.check_call",
        "subprocess.check_output",
        "asyncio.create_subprocess_exec",
    ]
)
SHELLS = frozenset(
    [
        "sh",
        "bash",
        "zsh",
        "dash",
        "ksh",
        "/bin/sh",
        "/bin/bash",
        "/usr/bin/bash",
        "/bin/zsh",
        "cmd",
        "cmd.exe",
        "powershell",
        "pwsh",
    ]
)

# What calls return: qualified name (or prefix) -> kind of the object.
KINDS: dict[str, str] = {
    "boto3.client": "boto3",
    "boto3.resource": "boto3.resource",
    "boto3.session.Session": "boto3.session",
    "boto3.Session": "boto3.session",
    "boto3.session.Session.client": "boto3",
    "requests.Session": "http.session",
    "requests.session": "http.session",
    "httpx.Client": "http.session",
    "httpx.AsyncClient": "http.session",
    "aiohttp.ClientSession": "http.session",
    "urllib3.PoolManager": "urllib3.pool",
    "urllib3.ProxyManager": "urllib3.pool",
    "urllib3.HTTPConnectionPool": "urllib3.pool",
    "urllib3.HTTPSConnectionPool": "urllib3.pool",
    "urllib3.connection_from_url": "urllib3.pool",
    "pymongo.MongoClient": "mongo",
    "motor.motor_asyncio.AsyncIOMotorClient": "mongo",
    "sqlalchemy.create_engine": "sql",
    "sqlalchemy.orm.Session": "sql",
    "sqlalchemy.orm.sessionmaker": "sql",
    "logging.getLogger": "logger",
    "logging.Logger": "logger",
    "aws_lambda_powertools.Logger": "logger",
    "aws_lambda_powertools.logging.Logger": "logger",
    "structlog.get_logger": "logger",
    "pathlib.Path": "path",
    "pathlib.PurePath": "path",
    "pathlib.PosixPath": "path",
    "boto3.dynamodb.conditions.Attr": "ddb.condition",
    "boto3.dynamodb.conditions.Key": "ddb.condition",
    "ssl.create_default_context": "ssl.context",
    "ssl.SSLContext": "ssl.context",
    "tempfile.NamedTemporaryFile": "tempfile",
    "tempfile.TemporaryFile": "tempfile",
    "tempfile.SpooledTemporaryFile": "tempfile",
    "tempfile.TemporaryDirectory": "tempfile",
    "re.compile": "regex",
}
for _db in [
    "sqlite3",
    "psycopg2",
    "psycopg",
    "pymysql",
    "MySQLdb",
    "mysql.connector",
    "pg8000",
    "oracledb",
    "cx_Oracle",
    "pyodbc",
    "snowflake.connector",
    "redshift_connector",
    "pymssql",
    "aiomysql",
    "asyncpg",
]:
    KINDS[f"{_db}.connect"] = "dbapi"

# Methods on tracked objects that return the object's kind again (a cursor of a connection,
# a table of a resource, a collection of a database).
STICKY = frozenset(
    {
        "boto3",
        "boto3.resource",
        "mongo",
        "dbapi",
        "sql",
        "http.session",
        "urllib3.pool",
        "logger",
        "ddb.condition",
        "path",
    }
)

# DB-API / SQLAlchemy statements: the first argument is the query text.
QUERY_METHODS = frozenset({"execute", "executemany", "executescript", "exec_driver_sql"})
MONGO_METHODS = frozenset(
    [
        "find",
        "find_one",
        "find_one_and_delete",
        "find_one_and_replace",
        "find_one_and_update",
        "delete_one",
        "delete_many",
        "update_one",
        "update_many",
        "replace_one",
        "count_documents",
        "aggregate",
        "distinct",
    ]
)
DYNAMO_EXPRESSIONS = (
    "FilterExpression",
    "KeyConditionExpression",
    "ConditionExpression",
    "ProjectionExpression",
    "UpdateExpression",
)
PARTIQL_METHODS = frozenset({"execute_statement", "batch_execute_statement", "execute_transaction"})

# Calls whose result carries no text of its argument: a number, a UUID, a digest.
CONVERTERS = frozenset(
    [
        "int",
        "float",
        "bool",
        "complex",
        "len",
        "hash",
        "round",
        "abs",
        "uuid.UUID",
        "decimal.Decimal",
        "hashlib.sha256",
        "hashlib.sha1",
        "hashlib.md5",
        "hashlib.sha512",
        "hashlib.blake2b",
        "hmac.new",
        "hmac.compare_digest",
        "datetime.datetime.fromisoformat",
        "datetime.date.fromisoformat",
        "datetime.datetime.strptime",
        "isinstance",
        "issubclass",
        "callable",
        "id",
        "type",
    ]
)
# Calls whose result is safe for some sinks only.
CLEANERS: dict[str, frozenset[str]] = {
    "shlex.quote": frozenset({"INJ001"}),
    "pipes.quote": frozenset({"INJ001"}),
    "os.path.basename": frozenset({"INJ004"}),
    "ntpath.basename": frozenset({"INJ004"}),
    "posixpath.basename": frozenset({"INJ004"}),
    "werkzeug.utils.secure_filename": frozenset({"INJ004"}),
    "urllib.parse.quote": frozenset({"INJ005"}),
    "urllib.parse.quote_plus": frozenset({"INJ005"}),
    "ipaddress.ip_address": frozenset({"INJ001", "INJ002", "INJ003", "INJ004"}),
}
# Schema validation: (qualified-name suffix) the call validates its argument.
VALIDATOR_CALLS = (
    "jsonschema.validate",
    "fastjsonschema.validate",
    "aws_lambda_powertools.utilities.validation.validate",
    "aws_lambda_powertools.utilities.parser.parse",
    "aws_lambda_powertools.utilities.parser.event_parser",
    "aws_lambda_powertools.utilities.validation.validator",
    "cerberus.Validator",
)
VALIDATOR_METHODS = frozenset(
    [
        "model_validate",
        "model_validate_json",
        "parse_obj",
        "parse_raw",
        "validate_python",
        "validate_json",
        "is_valid",
        "iter_errors",
    ]
)

# Adapters that hand a Lambda event to a web framework's routes.
WEB_ADAPTERS = frozenset({"awsgi", "serverless_wsgi", "mangum", "apig_wsgi", "aws_wsgi"})

LOG_METHODS = frozenset(
    ["debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"]
)
LOGGER_NAMES = frozenset(["logger", "log", "LOGGER", "LOG", "_logger", "_log", "logging_client"])

# AWS calls whose result is secret material.
SECRET_CALLS = frozenset(
    [
        "get_secret_value",
        "get_credentials",
        "get_frozen_credentials",
        "assume_role",
        "assume_role_with_web_identity",
        "get_session_token",
        "get_authorization_token",
        "decrypt",
        "generate_data_key",
        "get_secret",
    ]
)
SECRET_IF_DECRYPTED = frozenset({"get_parameter", "get_parameters", "get_parameters_by_path"})
AUTH_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "cookie", "x-amz-security-token"}
)

# External writes (RUN003).
BOTO_WRITES = frozenset(
    [
        "put_item",
        "update_item",
        "batch_write_item",
        "transact_write_items",
        "delete_item",
        "put_object",
        "copy_object",
        "upload_file",
        "upload_fileobj",
        "delete_object",
        "send_message",
        "send_message_batch",
        "publish",
        "publish_batch",
        "put_events",
        "put_record",
        "put_records",
        "start_execution",
        "send_email",
        "send_raw_email",
        "put",
    ]
)
HTTP_WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})

_SECRET_NAME = re.compile(
    r"(?i)(?:^|_)(?:pass(?:word|wd|phrase)?|pwd|secrets?|tokens?|api_?key|apikey|access_?key|"
    r"secret_?key|private_?key|credentials?|creds|auth(?:orization)?|session_?token|"
    r"client_?secret|bearer|jwt)(?:$|_)"
)
_NOT_SECRET = re.compile(
    r"(?i)_(?:name|names|arn|id|ids|url|uri|path|file|filename|filepath|dir|directory|len|"
    r"length|count|type|expires?|expiry|ttl|field|header|param|parameter|key_name|hash|prefix|"
    r"suffix|env|var|endpoint|table|bucket|region|ref|version|label|format|size|policy|"
    r"provider|providers|status|required|enabled|scheme|schemes|method|methods|source|chain|"
    r"location|resolver|loader|fetcher|manager|client|config|store|cache|timeout|error)$"
    r"|(?:^|_)(?:next|page|pagination|continuation|starting|start|resume|sync|csrf)_?tokens?$"
)
# Fields of a secret-bearing response or document that hold the secret itself.
SECRET_FIELDS = frozenset(
    [
        "secretstring",
        "secretbinary",
        "credentials",
        "plaintext",
        "value",
        "parameter",
        "parameters",
        "secretaccesskey",
        "sessiontoken",
        "authorizationdata",
        "authorizationtoken",
    ]
)


def is_secret_name(name: str) -> bool:
    """A variable or environment name that says it holds a secret (not its ARN or name)."""
    return bool(_SECRET_NAME.search(name)) and not _NOT_SECRET.search(name)
