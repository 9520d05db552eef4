"""Finding the handler: Lambda handler strings, TypeScript output folders, zips, and gaps."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from code_js.js_helpers import function, issues, rules

from fnguard.code.javascript import JavaScriptAnalyser
from fnguard.code.javascript._locate import (
    HandlerRef,
    entry_candidates,
    parse_handler,
    resolve_import,
)

if TYPE_CHECKING:
    from code_js.js_helpers import Analyse

EXEC_HANDLER = """
const { exec } = require('child_process');
exports.handler = async (event) => { exec(event.body); };
"""


@pytest.mark.parametrize(
    ("runtime", "handled"),
    [
        ("nodejs20.x", True),
        ("nodejs18.x", True),
        ("nodejs22", True),
        ("python3.12", False),
        (None, False),
    ],
)
def test_handles_node_runtimes_only(runtime: str | None, handled: bool) -> None:
    fn = function(runtime=runtime or "")
    assert JavaScriptAnalyser().handles(fn) is handled
    assert JavaScriptAnalyser.language == "javascript"


def test_parse_handler() -> None:
    assert parse_handler("index.handler", None) == HandlerRef("index", ("handler",))
    assert parse_handler("src/app.lambdaHandler", None) == HandlerRef("src/app", ("lambdaHandler",))
    assert parse_handler("app.handlers.create", None) == HandlerRef("app", ("handlers", "create"))
    # Cloud Functions name the export only; the module is package.json's main, else index.
    assert parse_handler("helloHttp", None) == HandlerRef("index", ("helloHttp",))
    assert parse_handler("helloHttp", "./build/main.js") == HandlerRef("build/main", ("helloHttp",))
    assert parse_handler("index.", None) is None
    assert parse_handler("dir/", None) is None


def test_entry_candidates_cover_compiled_typescript() -> None:
    assert entry_candidates("index")[:9] == [
        "index",
        "index.js",
        "index.mjs",
        "index.cjs",
        "index.ts",
        "index.mts",
        "index.cts",
        "index.tsx",
        "index.jsx",
    ]
    assert "dist/index.js" in entry_candidates("index")
    assert "build/index.js" in entry_candidates("index")
    assert "src/index.ts" in entry_candidates("dist/index")


def test_resolve_import() -> None:
    names = frozenset({"lib/a.js", "lib/b/index.ts", "src/x.ts", "node_modules/y/index.js"})
    assert resolve_import("index.js", "./lib/a", names) == "lib/a.js"
    assert resolve_import("index.js", "./lib/b", names) == "lib/b/index.ts"
    assert resolve_import("src/index.ts", "./x.js", names) == "src/x.ts"
    assert resolve_import("src/index.ts", "../lib/a.js", names) == "lib/a.js"
    assert resolve_import("index.js", "y", names) is None
    assert resolve_import("index.js", "../outside", names) is None


@pytest.mark.parametrize(
    ("files", "handler"),
    [
        ({"index.js": EXEC_HANDLER}, "index.handler"),
        ({"index.cjs": EXEC_HANDLER}, "index.handler"),
        ({"dist/index.js": EXEC_HANDLER}, "index.handler"),
        ({"build/index.js": EXEC_HANDLER}, "index.handler"),
        ({"src/index.ts": EXEC_HANDLER}, "dist/index.handler"),
        ({"functions/orders/app.js": EXEC_HANDLER}, "functions/orders/app.handler"),
    ],
)
def test_handler_module_found(analyse: Analyse, files: dict[str, str], handler: str) -> None:
    facts = analyse(files, handler=handler)
    assert facts.gaps == ()
    assert rules(facts) == [("INJ001", 2)]


def test_inside_a_zip_locations_name_the_member(analyse: Analyse) -> None:
    facts = analyse({"index.js": EXEC_HANDLER}, zipped=True)
    (issue,) = issues(facts)
    assert issue.location.file.endswith("code.zip!/index.js")
    assert facts.handlers[0].files[0].endswith("code.zip!/index.js")


def test_cloud_functions_entry_point(analyse: Analyse) -> None:
    facts = analyse(
        {
            "package.json": '{"main": "server.js"}',
            "server.js": """
            const { execSync } = require('child_process');
            exports.helloHttp = (req, res) => {
              res.send(execSync('whois ' + req.query.domain).toString());
            };
            """,
        },
        handler="helloHttp",
    )
    assert [(i.rule_id, i.location.line, i.steps[0].note) for i in issues(facts)] == [
        ("INJ001", 3, "req.query.domain read")
    ]


def test_default_export_object_and_wrapped_handler(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.mjs": """
            import middy from '@middy/core';
            import { exec } from 'child_process';
            const base = async (event) => { exec(event.body); };
            export const handler = middy(base).use(jsonBodyParser());
            """
        }
    )
    assert rules(facts) == [("INJ001", 3)]


def test_handler_module_missing_is_a_gap(analyse: Analyse) -> None:
    facts = analyse({"other.js": EXEC_HANDLER}, handler="index.handler")
    (gap,) = facts.gaps
    assert gap.field == "code"
    assert gap.resource == "aws_lambda_function.api"
    assert gap.reason.startswith("handler module 'index' not found in the code (tried index, ")
    assert facts.handlers == () and facts.issues == ()


def test_export_missing_is_a_gap(analyse: Analyse) -> None:
    facts = analyse({"index.js": "exports.other = async () => 1;\n"}, handler="index.handler")
    (gap,) = facts.gaps
    assert gap.reason.endswith("handler is not a function exported by " + gap.location.file)
    assert gap.field == "code"


def test_syntax_error_hiding_the_handler_is_a_gap(analyse: Analyse) -> None:
    facts = analyse({"index.js": "exports.handler = async (event => {\n  return ;;; }}\n"})
    (gap,) = facts.gaps
    assert gap.field == "code"
    assert "(syntax errors from line 1)" in gap.reason


def test_syntax_error_elsewhere_still_analyses_the_handler(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            const { exec } = require('child_process');
            exports.handler = async (event) => { exec(event.body); };
            function broken( { return 1 +; }
            """
        }
    )
    assert facts.gaps == ()
    assert rules(facts) == [("INJ001", 2)]


def test_file_over_the_size_limit_is_a_gap(analyse: Analyse) -> None:
    from fnguard import limits

    with limits.use(limits.Limits(max_file_bytes=16)):
        facts = analyse({"index.js": EXEC_HANDLER})
    (gap,) = facts.gaps
    assert "max-file-bytes" in gap.reason and gap.field == "code"
    assert facts.issues == ()


def test_unresolved_handler_string_is_a_gap(analyse: Analyse) -> None:
    facts = analyse({"index.js": EXEC_HANDLER}, handler="index.")
    (gap,) = facts.gaps
    assert gap.reason == "handler 'index.' does not name <module>.<export>"


def test_tsconfig_path_aliases(analyse: Analyse) -> None:
    facts = analyse(
        {
            "tsconfig.json": """
            {
              // comments and trailing commas, as tsc accepts them
              "compilerOptions": {
                "baseUrl": ".",
                "paths": { "@/*": ["src/*"], "@shell": ["src/lib/shell.ts"], },
              },
            }
            """,
            "src/handler.ts": """
            import { report } from '@/lib/report';
            import { run } from '@shell';
            import { unrelated } from 'lodash';
            export const handler = async (event: { body: string }) => {
              run(report(event.body));
            };
            """,
            "src/lib/report.ts": "export const report = (k: string) => `report ${k}`;\n",
            "src/lib/shell.ts": """
            import { execSync } from 'child_process';
            export const run = (line: string) => execSync(line);
            """,
        },
        handler="src/handler.handler",
    )
    assert rules(facts) == [("INJ001", 2)]
    assert [f.rsplit("/", 1)[-1] for f in facts.handlers[0].files] == [
        "handler.ts",
        "report.ts",
        "shell.ts",
    ]


def test_path_aliases_candidates() -> None:
    from fnguard.code.javascript._tsconfig import read_aliases

    aliases = read_aliases(
        b'{"compilerOptions": {"baseUrl": "src", "paths": {"~/*": ["./*", "../shared/*"]}}}',
        "app",
    )
    assert aliases is not None
    assert aliases.candidates("~/db/client") == [
        "app/src/db/client",
        "app/shared/db/client",
        "app/src/~/db/client",
    ]
    assert read_aliases(b'{"compilerOptions": {"strict": true}}', "") is None
    assert read_aliases(b"not json at all {", "") is None
