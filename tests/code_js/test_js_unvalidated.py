"""INJ006 facts: event data handed to an external call (or a sink) that nothing validated."""

from __future__ import annotations

from typing import TYPE_CHECKING

from code_js.js_helpers import flows, rules

if TYPE_CHECKING:
    from code_js.js_helpers import Analyse

SDK_HANDLER = """
const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');
const client = new DynamoDBClient({});
exports.handler = async (event) => {
  const body = JSON.parse(event.body);
  const item = { pk: { S: body.id }, note: { S: body.note } };
  await client.send(new PutItemCommand({ TableName: 'notes', Item: item }));
  return { statusCode: 201 };
};
"""


def test_event_data_to_an_sdk_call_unvalidated(analyse: Analyse) -> None:
    facts = analyse({"index.js": SDK_HANDLER})
    assert flows(facts, inj006=True) == [
        (
            "INJ006",
            6,
            "@aws-sdk/client-dynamodb.DynamoDBClient().send",
            [
                (4, "event.body read"),
                (4, "assigned to body"),
                (5, "assigned to item"),
                (6, "reaches @aws-sdk/client-dynamodb.DynamoDBClient().send"),
            ],
        )
    ]
    assert facts.issues[0].message == (
        "event data is used without validation: "
        "@aws-sdk/client-dynamodb.DynamoDBClient().send (from event.body)"
    )


def test_schema_validation_anywhere_silences_it(analyse: Analyse) -> None:
    validated = SDK_HANDLER.replace(
        "const body = JSON.parse(event.body);",
        "const body = JSON.parse(event.body);\n  Note.parse(body);",
    )
    facts = analyse(
        {"index.js": "const { Note } = require('./schema');\n" + validated, "schema.js": SCHEMA}
    )
    assert rules(facts, inj006=True) == []


SCHEMA = """
const { z } = require('zod');
exports.Note = z.object({ id: z.string().uuid(), note: z.string().max(200) });
"""


def test_checked_values_and_local_use_are_quiet(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            const axios = require('axios');
            const KINDS = ['daily', 'weekly'];
            exports.handler = async (event) => {
              const kind = event.queryStringParameters.kind;
              if (!KINDS.includes(kind)) return { statusCode: 400 };
              await axios.post('https://reports.internal/run', { kind });
              return { statusCode: 200, body: event.body.length };
            };
            """
        }
    )
    assert rules(facts, inj006=True) == []


def test_first_of_several_uses_is_reported_once(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            const { Pool } = require('pg');
            const pool = new Pool();
            exports.handler = async (event) => {
              await pool.query('select * from t where id = $1', [event.id]);
              await fetch('https://api.example.com/x', { method: 'POST', body: event.body });
            };
            """
        }
    )
    assert rules(facts, inj006=True) == [("INJ006", 4)]
