"""DVSA-style flaws found with their exact flow from the event to the sink."""

from __future__ import annotations

from typing import TYPE_CHECKING

from code_js.js_helpers import flows

if TYPE_CHECKING:
    from code_js.js_helpers import Analyse


def test_order_id_reaches_exec_in_commonjs(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            const { exec } = require('child_process');

            exports.handler = async (event, context) => {
              const body = JSON.parse(event.body);
              const orderId = body.orderId;
              exec(`cat /tmp/orders/${orderId}.json`, (err, out) => {});
              return { statusCode: 200 };
            };
            """
        }
    )
    assert flows(facts) == [
        (
            "INJ001",
            6,
            "child_process.exec",
            [
                (4, "event.body read"),
                (4, "assigned to body"),
                (5, "assigned to orderId"),
                (6, "reaches child_process.exec"),
            ],
        )
    ]
    issue = facts.issues[0]
    assert issue.function == "aws_lambda_function.api"
    assert issue.location.file.endswith("code/index.js")
    assert issue.message == (
        "event data reaches an operating-system command: child_process.exec (from event.body)"
    )


def test_node_serialize_on_the_body(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            var serialize = require('node-serialize');

            module.exports.handler = function (event, context, callback) {
              var req = serialize.unserialize(event.body.replace(/\\\\/g, ''));
              callback(null, req);
            };
            """
        }
    )
    assert flows(facts) == [
        (
            "INJ002",
            4,
            "node-serialize.unserialize",
            [
                (4, "event.body read"),
                (4, "reaches node-serialize.unserialize"),
            ],
        )
    ]


def test_eval_of_a_query_parameter_in_esm(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.mjs": """
            export const handler = async (event) => {
              const expr = event.queryStringParameters.expr;
              const result = eval(expr);
              return { statusCode: 200, body: String(result) };
            };
            """
        }
    )
    assert flows(facts) == [
        (
            "INJ002",
            3,
            "eval",
            [
                (2, "event.queryStringParameters.expr read"),
                (2, "assigned to expr"),
                (3, "reaches eval"),
            ],
        )
    ]


def test_typescript_handler_spawns_with_a_shell(analyse: Analyse) -> None:
    facts = analyse(
        {
            "src/app.ts": """
            import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
            import * as cp from 'node:child_process';

            export async function lambdaHandler(
              event: APIGatewayProxyEvent,
            ): Promise<APIGatewayProxyResult> {
              const name = (event.pathParameters?.name as string)!;
              cp.spawnSync('convert', [name, 'out.png'], { shell: true });
              return { statusCode: 200, body: '' };
            }
            """
        },
        handler="src/app.lambdaHandler",
    )
    assert flows(facts) == [
        (
            "INJ001",
            8,
            "child_process.spawnSync(shell: true)",
            [
                (7, "event.pathParameters?.name read"),
                (7, "assigned to name"),
                (8, "reaches child_process.spawnSync(shell: true)"),
            ],
        )
    ]
    assert facts.handlers[0].language == "typescript"
    assert facts.handlers[0].entry.line == 4


def test_flow_through_a_local_module_and_a_return(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            const helper = require('./lib/helper');

            exports.handler = async (event) => {
              const body = JSON.parse(event.body);
              helper.run(body.cmd);
            };
            """,
            "lib/helper.js": """
            const cp = require('node:child_process');
            function build(x) {
              return 'ls ' + x;
            }
            module.exports.run = function (c) {
              const line = build(c);
              cp.execSync(line);
            };
            """,
        }
    )
    ((rule, line, sink, steps),) = flows(facts)
    assert (rule, line, sink) == ("INJ001", 7, "child_process.execSync")
    assert steps == [
        (4, "event.body read"),
        (4, "assigned to body"),
        (5, "passed to helper.run() as c"),
        (5, "parameter c"),
        (6, "passed to build() as x"),
        (2, "parameter x"),
        (6, "returned from build()"),
        (6, "assigned to line"),
        (7, "reaches child_process.execSync"),
    ]
    files = [s.location.file.rsplit("/", 2)[-2:] for s in facts.issues[0].steps]
    assert files[:3] == [["code", "index.js"]] * 3
    assert files[3:] == [["lib", "helper.js"]] * 6
    assert facts.issues[0].location.file.endswith("lib/helper.js")
    assert [f.rsplit("/", 1)[-1] for f in facts.handlers[0].files] == ["index.js", "helper.js"]


def test_esm_import_of_a_typescript_module_named_js(analyse: Analyse) -> None:
    facts = analyse(
        {
            "src/index.ts": """
            import { runReport } from './report.js';
            export const handler = async (event: { body: string }) => runReport(event.body);
            """,
            "src/report.ts": """
            import { execSync } from 'child_process';
            export function runReport(kind: string): string {
              return execSync(`report --kind ${kind}`).toString();
            }
            """,
        },
        handler="src/index.handler",
    )
    assert flows(facts) == [
        (
            "INJ001",
            3,
            "child_process.execSync",
            [
                (2, "event.body read"),
                (2, "passed to runReport() as kind"),
                (2, "parameter kind"),
                (3, "reaches child_process.execSync"),
            ],
        )
    ]


def test_handler_declared_elsewhere_and_destructured_parameters(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            const childProcess = require('child_process');

            async function main({ body, queryStringParameters: q = {} }) {
              childProcess.exec('grep ' + q.term + ' /data');
              return body;
            }

            exports.handler = main;
            """
        }
    )
    assert flows(facts) == [
        (
            "INJ001",
            4,
            "child_process.exec",
            [
                (3, "event.queryStringParameters read"),
                (3, "parameter q"),
                (4, "reaches child_process.exec"),
            ],
        )
    ]


def test_module_exports_object_and_callbacks(analyse: Analyse) -> None:
    facts = analyse(
        {
            "handler.js": """
            const { exec } = require('child_process');
            const util = require('util');
            const run = util.promisify(exec);

            const process_ = async (event) => {
              const files = JSON.parse(event.body).files;
              files.forEach((f) => {
                run(`rm ${f}`);
              });
            };

            module.exports = { process: process_ };
            """
        },
        handler="handler.process",
    )
    assert flows(facts) == [
        (
            "INJ001",
            8,
            "child_process.exec",
            [
                (6, "event.body read"),
                (6, "assigned to files"),
                (7, "parameter f"),
                (8, "reaches child_process.exec"),
            ],
        )
    ]


def test_typescript_import_require_and_export_assignment(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.ts": """
            import cp = require('child_process');
            const impl = { handler: async (event: any) => { cp.exec(event.body); } };
            export = impl;
            """
        }
    )
    assert flows(facts) == [
        (
            "INJ001",
            2,
            "child_process.exec",
            [(2, "event.body read"), (2, "reaches child_process.exec")],
        )
    ]


def test_typescript_declarations_around_the_handler(analyse: Analyse) -> None:
    facts = analyse(
        {
            "src/handler.mts": """
            import type { Context } from 'aws-lambda';
            import { execFileSync } from 'node:child_process';

            enum Mode { Fast = 'fast', Slow = 'slow' }
            interface Request<T = unknown> { tool: string; args: T[] }
            type Event = { body: string; headers?: Record<string, string> };
            declare const VERSION: string;
            namespace Util { export const id = <T,>(x: T): T => x; }

            abstract class Base { abstract run(e: Event): Promise<void>; }

            function decorate(_t: unknown, _k: string) {}

            export const handler = async (event: Event, _ctx?: Context): Promise<void> => {
              const req = JSON.parse(event.body) as Request<string>;
              const tool: string = req.tool satisfies string;
              const mode = Mode.Fast;
              execFileSync(tool!, [mode, ...req.args]);
            };
            """
        },
        handler="src/handler.handler",
    )
    assert facts.gaps == ()
    assert flows(facts) == [
        (
            "INJ001",
            18,
            "child_process.execFileSync (program)",
            [
                (15, "event.body read"),
                (15, "assigned to req"),
                (16, "assigned to tool"),
                (18, "reaches child_process.execFileSync (program)"),
            ],
        )
    ]
