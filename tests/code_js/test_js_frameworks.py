"""Class-method handlers, Express apps behind an adapter, Cloud Functions registrations."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from code_js.js_helpers import flows, rules

if TYPE_CHECKING:
    from code_js.js_helpers import Analyse


def test_class_method_handler_and_this_calls(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.ts": """
            import { exec } from 'child_process';
            class Handler {
              private prefix = 'ls ';
              async handle(event: any) {
                return this.run(event.body);
              }
              run(arg: string) {
                exec(this.prefix + arg);
              }
            }
            const h = new Handler();
            export const handler = h.handle.bind(h);
            """
        }
    )
    assert flows(facts) == [
        (
            "INJ001",
            8,
            "child_process.exec",
            [
                (5, "event.body read"),
                (5, "passed to this.run() as arg"),
                (7, "parameter arg"),
                (8, "reaches child_process.exec"),
            ],
        )
    ]
    assert facts.handlers[0].entry.line == 4


def test_express_routes_behind_serverless_http(analyse: Analyse) -> None:
    facts = analyse(
        {
            "app.js": """
            const express = require('express');
            const serverless = require('serverless-http');
            const { execSync } = require('child_process');
            const app = express();
            app.get('/ping', (req, res) => {
              res.send(execSync('ping -c 1 ' + req.query.host).toString());
            });
            app.get('/health', (req, res) => res.send(execSync('uptime').toString()));
            module.exports.handler = serverless(app);
            """
        },
        handler="app.handler",
    )
    assert facts.gaps == ()
    assert flows(facts) == [
        (
            "INJ001",
            6,
            "child_process.execSync",
            [(6, "req.query.host read"), (6, "reaches child_process.execSync")],
        )
    ]
    assert facts.handlers[0].entry.line == 9


def test_functions_framework_registration(analyse: Analyse) -> None:
    facts = analyse(
        {
            "package.json": '{"main": "fn.js"}',
            "fn.js": """
            const functions = require('@google-cloud/functions-framework');
            functions.http('evaluate', (req, res) => {
              res.send(String(eval(req.body.expression)));
            });
            """,
        },
        handler="evaluate",
        runtime="nodejs20",
    )
    assert rules(facts) == [("INJ002", 3)]
    assert facts.handlers[0].entry.line == 2


def test_promise_callbacks_carry_the_event(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            const vm = require('vm');
            exports.handler = (event) =>
              Promise.resolve(event.body)
                .then((code) => vm.runInThisContext(code));
            """
        }
    )
    assert flows(facts) == [
        (
            "INJ002",
            4,
            "vm.runInThisContext",
            [(3, "event.body read"), (4, "parameter code"), (4, "reaches vm.runInThisContext")],
        )
    ]


def test_recursion_terminates(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            const { exec } = require('child_process');
            function walk(node, depth) {
              if (depth > 3) { exec(node); return node; }
              return walk(node + '/x', depth + 1);
            }
            exports.handler = async (event) => walk(event.root, 0);
            """
        }
    )
    assert rules(facts) == [("INJ001", 3)]


BUNDLE = """
"use strict";
var __defProp = Object.defineProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);
var src_exports = {};
__export(src_exports, {
  handler: () => handler
});
module.exports = __toCommonJS(src_exports);
var import_child_process = require("child_process");
function runReport(kind) {
  return (0, import_child_process.execSync)(`report --kind ${kind}`).toString();
}
var handler = async (event) => runReport(event.body);
"""


@pytest.mark.parametrize("annotated", [False, True])
def test_esbuild_commonjs_bundle(analyse: Analyse, annotated: bool) -> None:
    source = BUNDLE + ("0 && (module.exports = {\n  handler\n});\n" if annotated else "")
    facts = analyse({"dist/index.js": source}, handler="index.handler")
    assert facts.gaps == ()
    assert flows(facts) == [
        (
            "INJ001",
            15,
            "child_process.execSync",
            [
                (17, "event.body read"),
                (17, "passed to runReport() as kind"),
                (14, "parameter kind"),
                (15, "reaches child_process.execSync"),
            ],
        )
    ]
    assert facts.handlers[0].entry.line == 17
