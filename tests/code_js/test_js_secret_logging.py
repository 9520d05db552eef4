"""SEC004 facts: secrets reaching console / logger calls, and look-alikes that do not."""

from __future__ import annotations

from typing import TYPE_CHECKING

from code_js.js_helpers import flows, rules

if TYPE_CHECKING:
    from code_js.js_helpers import Analyse


def test_whole_environment_logged(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            console.log('cold start', JSON.stringify(process.env));
            exports.handler = async (event) => {
              const env = { ...process.env };
              console.info(env);
            };
            """
        }
    )
    assert flows(facts) == [
        ("SEC004", 1, "console.log", [(1, "process.env read"), (1, "reaches console.log")]),
        (
            "SEC004",
            4,
            "console.info",
            [(3, "process.env read"), (3, "assigned to env"), (4, "reaches console.info")],
        ),
    ]
    assert facts.issues[0].message == (
        "a secret is written to the logs: process.env via console.log"
    )


def test_authorization_header_and_secret_env_var(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.ts": """
            import { Logger } from '@aws-lambda-powertools/logger';
            const logger = new Logger();
            const apiKey = process.env.PAYMENT_API_KEY;

            export const handler = async (event: any) => {
              const token = event.headers['authorization'].split(' ')[1];
              logger.info('token', { token });
              logger.debug(`calling with ${apiKey}`);
              console.error(process.env.AWS_SECRET_ACCESS_KEY);
            };
            """
        }
    )
    assert flows(facts) == [
        (
            "SEC004",
            7,
            "@aws-lambda-powertools/logger.Logger().info",
            [
                (6, "event.headers['authorization'] read"),
                (6, "assigned to token"),
                (7, "reaches @aws-lambda-powertools/logger.Logger().info"),
            ],
        ),
        (
            "SEC004",
            8,
            "@aws-lambda-powertools/logger.Logger().debug",
            [
                (3, "process.env.PAYMENT_API_KEY read"),
                (3, "assigned to apiKey"),
                (8, "reaches @aws-lambda-powertools/logger.Logger().debug"),
            ],
        ),
        (
            "SEC004",
            9,
            "console.error",
            [
                (9, "process.env.AWS_SECRET_ACCESS_KEY read"),
                (9, "reaches console.error"),
            ],
        ),
    ]


def test_secret_named_parameter_in_a_helper(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            const { connect } = require('./db');
            exports.handler = async () => connect('db.internal', await fetchSecret());
            """,
            "db.js": """
            exports.connect = (host, password) => {
              console.log(`connecting to ${host} with ${password}`);
            };
            """,
        }
    )
    assert rules(facts) == [("SEC004", 2)]
    assert [(s.location.line, s.note) for s in facts.issues[0].steps] == [
        (1, "parameter password"),
        (2, "reaches console.log"),
    ]


def test_aws_credentials_from_sts(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            const { STSClient, AssumeRoleCommand } = require('@aws-sdk/client-sts');
            exports.handler = async () => {
              const out = await new STSClient({}).send(new AssumeRoleCommand({}));
              console.log('assumed', out.Credentials);
              console.log('key id', out.Credentials.AccessKeyId);
            };
            """
        }
    )
    assert flows(facts) == [
        (
            "SEC004",
            4,
            "console.log",
            [(4, "out.Credentials read"), (4, "reaches console.log")],
        )
    ]


def test_hashed_or_masked_secrets_are_not_reported(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            const crypto = require('crypto');
            exports.handler = async (event) => {
              const password = event.body;
              console.log(crypto.createHash('sha256').update(password).digest('hex'));
              console.log(maskSecret(password));
              console.log(password.length);
              console.log('auth header present', Boolean(event.headers.Authorization));
            };
            """
        }
    )
    assert rules(facts) == []


def test_redacted_copy_and_env_lookups_by_variable(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            exports.handler = async (event) => {
              const { username, password } = JSON.parse(event.body);
              const body = { name: username, password };
              console.log('login', { ...body, password: 'XXXXX' });
              for (const name of ['npm_package_name', 'npm_package_version']) {
                console.log(name, process.env[name]);
              }
              console.log('login', body);
            };
            """
        }
    )
    assert flows(facts) == [
        (
            "SEC004",
            8,
            "console.log",
            [
                (2, "JSON.parse(event.body).password read"),
                (2, "assigned to password"),
                (3, "assigned to body"),
                (8, "reaches console.log"),
            ],
        )
    ]


def test_sdk_credentials_property_logged(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            const AWS = require('aws-sdk');
            exports.handler = async () => {
              console.log('creds', AWS.config.credentials);
              console.log('region', AWS.config.region, AWS.SecretsManager);
            };
            """
        }
    )
    assert flows(facts) == [
        (
            "SEC004",
            3,
            "console.log",
            [(3, "AWS.config.credentials read"), (3, "reaches console.log")],
        )
    ]
