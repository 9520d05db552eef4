"""SEC005 (insecure transport written in the code) and RUN002 (writes outside /tmp)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from code_js.js_helpers import flows, rules

if TYPE_CHECKING:
    from code_js.js_helpers import Analyse


def test_tls_verification_off_and_old_tls(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            const https = require('https');
            const agent = new https.Agent({ rejectUnauthorized: false });
            process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
            const legacy = { minVersion: 'TLSv1.1', checkServerIdentity: () => undefined };
            const LOGIN = 'http://auth.example.com/oauth/token';
            const DOCS = 'http://example.com/docs';
            const LOCAL = 'http://localhost:8080/login';
            const strict = new https.Agent({ rejectUnauthorized: true, minVersion: 'TLSv1.2' });
            exports.handler = async () => agent;
            """
        }
    )
    assert flows(facts) == [
        (
            "SEC005",
            2,
            "rejectUnauthorized: false",
            [(2, "rejectUnauthorized: false: TLS verification turned off")],
        ),
        (
            "SEC005",
            3,
            "NODE_TLS_REJECT_UNAUTHORIZED",
            [(3, "NODE_TLS_REJECT_UNAUTHORIZED: TLS verification turned off for the process")],
        ),
        ("SEC005", 4, "minVersion: 'TLSv1.1'", [(4, "minVersion: 'TLSv1.1': TLS below 1.2")]),
        (
            "SEC005",
            5,
            "http://auth.example.com/oauth/token",
            [
                (
                    5,
                    "http://auth.example.com/oauth/token: "
                    "plain http:// to an authentication or secret endpoint",
                )
            ],
        ),
    ]
    assert facts.issues[0].message == "insecure transport: TLS verification turned off"


def test_writes_outside_tmp(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            const fs = require('fs');
            const path = require('path');
            exports.handler = async (event) => {
              fs.writeFileSync('/var/task/cache.json', '{}');
              fs.writeFileSync(path.join(__dirname, 'state.json'), '{}');
              await fs.promises.appendFile(`logs/${event.id}.log`, 'x');
              fs.writeFileSync('/tmp/cache.json', '{}');
              fs.writeFileSync(`/tmp/${event.id}`, '{}');
              fs.mkdirSync(process.env.WORK_DIR);
            };
            """
        }
    )
    assert [
        (i.rule_id, i.location.line, i.message) for i in facts.issues if i.rule_id == "RUN002"
    ] == [
        (
            "RUN002",
            4,
            "writes to /var/task/cache.json (fs.writeFileSync): outside /tmp the Lambda file "
            "system is read-only, so this fails at run time",
        ),
        (
            "RUN002",
            5,
            "writes to the function's code folder (/var/task) (fs.writeFileSync): outside /tmp "
            "the Lambda file system is read-only, so this fails at run time",
        ),
        (
            "RUN002",
            6,
            "writes to a relative path under /var/task (fs.appendFile): outside /tmp the Lambda "
            "file system is read-only, so this fails at run time",
        ),
    ]
    # The event picks the file name under /tmp: a path flow (INJ004), not a read-only write.
    assert rules(facts) == [
        ("RUN002", 4),
        ("RUN002", 5),
        ("INJ004", 6),
        ("RUN002", 6),
        ("INJ004", 8),
    ]
