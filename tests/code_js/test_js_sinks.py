"""Each sink the analyser knows, reached by event data (twins of the near misses)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from code_js.js_helpers import flows, issues, rules

if TYPE_CHECKING:
    from code_js.js_helpers import Analyse

# name -> (handler source, [(rule, sink line, sink)])
POSITIVES: dict[str, tuple[str, list[tuple[str, int, str]]]] = {
    "exec without parseInt": (
        """
        const { exec } = require('child_process');
        exports.handler = async (event) => {
          const count = event.queryStringParameters.count;
          exec(`head -n ${count} /data/log`);
        };
        """,
        [("INJ001", 4, "child_process.exec")],
    ),
    "execFile of an event-chosen program": (
        """
        const { execFile } = require('child_process');
        exports.handler = async (event) => {
          execFile(event.tool, ['--version']);
        };
        """,
        [("INJ001", 3, "child_process.execFile (program)")],
    ),
    "spawn sh -c": (
        """
        const { spawn } = require('child_process');
        exports.handler = async (event) => {
          spawn('/bin/sh', ['-c', 'convert ' + event.body]);
        };
        """,
        [("INJ001", 3, "child_process.spawn(/bin/sh -c)")],
    ),
    "require('child_process').exec": (
        """
        exports.handler = async (event) => {
          require('child_process').exec('ping -c 1 ' + event.host);
        };
        """,
        [("INJ001", 2, "child_process.exec")],
    ),
    "shelljs exec": (
        """
        const shell = require('shelljs');
        exports.handler = async (event) => {
          shell.exec(`git clone ${event.repo}`);
        };
        """,
        [("INJ001", 3, "shelljs.exec")],
    ),
    "allow-list checked on another variable": (
        """
        const { exec } = require('child_process');
        const ALLOWED = ['status', 'uptime'];
        exports.handler = async (event) => {
          const cmd = event.queryStringParameters.cmd;
          const other = event.queryStringParameters.other;
          if (!ALLOWED.includes(other)) return { statusCode: 400 };
          exec(cmd);
        };
        """,
        [("INJ001", 7, "child_process.exec")],
    ),
    "guard that does not exit": (
        """
        const { exec } = require('child_process');
        exports.handler = async (event) => {
          const id = event.pathParameters.id;
          if (!/^[0-9]+$/.test(id)) console.warn('odd id');
          exec(`show ${id}`);
        };
        """,
        [("INJ001", 5, "child_process.exec")],
    ),
    "validation error logged, not acted on": (
        """
        const Joi = require('joi');
        const { exec } = require('child_process');
        const schema = Joi.object({ name: Joi.string().alphanum() });
        exports.handler = async (event) => {
          const body = JSON.parse(event.body);
          const { error } = schema.validate(body);
          if (error) {
            console.warn(error.message);
          }
          exec(`greet ${body.name}`);
        };
        """,
        [("INJ001", 10, "child_process.exec")],
    ),
    "tainted in one branch": (
        """
        const { exec } = require('child_process');
        exports.handler = async (event) => {
          let cmd = 'uptime';
          if (event.debug) {
            cmd = event.debug;
          }
          exec(cmd);
        };
        """,
        [("INJ001", 7, "child_process.exec")],
    ),
    "new Function": (
        """
        exports.handler = async (event) => {
          const fn = new Function('x', event.body);
          return fn(1);
        };
        """,
        [("INJ002", 2, "Function()")],
    ),
    "vm.runInNewContext": (
        """
        import vm from 'node:vm';
        export const handler = async (event) => vm.runInNewContext(event.body, {});
        """,
        [("INJ002", 2, "vm.runInNewContext")],
    ),
    "new vm.Script": (
        """
        const vm = require('vm');
        exports.handler = async (event) => new vm.Script(event.body).runInThisContext();
        """,
        [("INJ002", 2, "vm.Script")],
    ),
    "vm2 and vm.compileFunction": (
        """
        const { VM } = require('vm2');
        const vm = require('node:vm');
        exports.handler = async (event) => {
          new VM({ timeout: 100 }).run(event.body);
          return vm.compileFunction(event.code, ['a']);
        };
        """,
        [("INJ002", 4, "vm2.VM().run"), ("INJ002", 5, "vm.compileFunction")],
    ),
    "setTimeout with a string": (
        """
        exports.handler = async (event) => {
          setTimeout('process(' + event.body + ')', 10);
        };
        """,
        [("INJ002", 2, "setTimeout(string)")],
    ),
    "dynamic require": (
        """
        exports.handler = async (event) => {
          const plugin = require('./plugins/' + event.plugin);
          return plugin.run();
        };
        """,
        [("INJ002", 2, "require(dynamic)")],
    ),
    "js-yaml 3 load": (
        """
        const yaml = require('js-yaml');
        exports.handler = async (event) => yaml.load(event.body);
        """,
        [("INJ002", 2, "js-yaml.load (js-yaml 3 full schema)")],
    ),
    "string query": (
        """
        const mysql = require('mysql');
        const connection = mysql.createConnection({});
        exports.handler = async (event) => {
          connection.query(`SELECT * FROM orders WHERE id = '${event.pathParameters.id}'`);
        };
        """,
        [("INJ003", 4, "mysql.createConnection().query")],
    ),
    "pg client of unknown origin": (
        """
        const { getClient } = require('./db');
        exports.handler = async (event) => {
          const client = await getClient();
          const sql = 'DELETE FROM t WHERE name = ' + event.name;
          return client.query(sql);
        };
        """,
        [("INJ003", 5, "client.query")],
    ),
    "file path": (
        """
        const fs = require('fs/promises');
        const path = require('path');
        exports.handler = async (event) => {
          return fs.readFile(path.join('/data', event.pathParameters.file));
        };
        """,
        [("INJ004", 4, "fs.readFile")],
    ),
    "outbound url": (
        """
        const axios = require('axios');
        exports.handler = async (event) => {
          const { url } = JSON.parse(event.body);
          await fetch(url);
          return axios.get(`${url}/status`);
        };
        """,
        [("INJ005", 4, "fetch"), ("INJ005", 5, "axios.get")],
    ),
    "request options with an event host": (
        """
        const https = require('https');
        exports.handler = async (event) => {
          https.get({ hostname: event.target, path: '/', method: 'GET' });
        };
        """,
        [("INJ005", 3, "https.get")],
    ),
}


@pytest.mark.parametrize("name", sorted(POSITIVES))
def test_sink_reached(analyse: Analyse, name: str) -> None:
    source, expected = POSITIVES[name]
    files = {
        "index.js": source,
        "db.js": "exports.getClient = async () => null;\n",
        "package.json": '{"dependencies": {"js-yaml": "^3.14.1"}}',
    }
    assert [(r, line, sink) for r, line, sink, _ in flows(analyse(files))] == expected


def test_js_yaml_version_from_the_installed_package(analyse: Analyse) -> None:
    source = "const yaml = require('js-yaml');\nexports.handler = async (e) => yaml.load(e.body);\n"
    v3 = analyse({"index.js": source, "node_modules/js-yaml/package.json": '{"version": "3.14.1"}'})
    assert rules(v3) == [("INJ002", 2)]


def test_js_yaml_version_from_the_lock(analyse: Analyse) -> None:
    source = "const yaml = require('js-yaml');\nexports.handler = async (e) => yaml.load(e.body);\n"
    lock = '{"packages": {"node_modules/js-yaml": {"version": "4.1.0"}}}'
    assert rules(analyse({"index.js": source, "package-lock.json": lock})) == []


def test_js_yaml_4_with_js_types_is_unsafe(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            const yaml = require('js-yaml');
            const types = require('js-yaml-js-types');
            const schema = yaml.DEFAULT_SCHEMA.extend(types.all);
            exports.handler = async (event) => yaml.load(event.body, { schema });
            """,
            "package.json": '{"dependencies": {"js-yaml": "^4.1.0"}}',
        }
    )
    assert [i.sink for i in issues(facts)] == ["js-yaml.load (js-types schema)"]


def test_js_yaml_3_safe_schema_and_safe_load(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            const yaml = require('js-yaml');
            exports.handler = async (event) => [
              yaml.safeLoad(event.body),
              yaml.load(event.body, { schema: yaml.JSON_SCHEMA }),
            ];
            """,
            "package.json": '{"dependencies": {"js-yaml": "~3.13.1"}}',
        }
    )
    assert rules(facts) == []


def test_an_authorisation_check_does_not_sanitise(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            const fs = require('fs');
            function isAdmin(event) { return event.headers['x-role'] === 'admin'; }
            exports.handler = async (event) => {
              if (isAdmin(event) && verify(event.headers.token)) {
                eval(event.body.script);
                return fs.readFileSync('/tmp/' + event.body.file, 'utf8');
              }
            };
            """
        }
    )
    assert rules(facts) == [("INJ002", 5), ("INJ004", 6)]


def test_two_unserialize_calls_on_one_line_each_reported(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            const serialize = require('node-serialize');
            exports.handler = async (event) => {
              const req = serialize.unserialize(event.body);
              const headers = serialize.unserialize(event.headers);
              return [req, headers];
            };
            """
        }
    )
    assert [(r, line, steps[0][1]) for r, line, _, steps in flows(facts)] == [
        ("INJ002", 3, "event.body read"),
        ("INJ002", 4, "event.headers read"),
    ]


def test_query_builders_and_instances(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            const knex = require('knex')({ client: 'pg' });
            const { Pool } = require('pg');
            const pool = new Pool();
            exports.handler = async (event) => {
              await knex.raw(`select * from t where name = '${event.name}'`);
              await pool.query('select * from t where id = ' + event.id);
              await pool.query('select * from t where id = $1', [event.id]);
            };
            """
        }
    )
    assert [(r, line, sink) for r, line, sink, _ in flows(facts)] == [
        ("INJ003", 5, "knex().raw"),
        ("INJ003", 6, "pg.Pool().query"),
    ]


def test_ajv_instance_validation_guard(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.mjs": """
            import Ajv from 'ajv';
            import { execSync } from 'node:child_process';
            const ajv = new Ajv();
            const schema = { type: 'object' };
            export const handler = async (event) => {
              const body = JSON.parse(event.body);
              if (!ajv.validate(schema, body)) throw new Error(ajv.errorsText());
              execSync(`tool ${body.name}`);
            };
            """
        }
    )
    assert rules(facts) == []


def test_url_hosts_fixed_by_a_base_or_left_to_the_event(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            const axios = require('axios');
            const BASE = process.env.ORDERS_API;
            const SITE = 'https://api.example.com';
            exports.handler = async (event) => {
              const id = event.pathParameters.id;
              await axios.get(`${BASE}/orders/${id}`);
              await fetch(SITE + '/orders/' + id);
              const url = `${SITE}/orders/${id}`;
              await fetch(url);
              await fetch(`${SITE}${id}`);
              await fetch('https://' + event.host + '/status');
              await axios({ baseURL: BASE + '/v1', url: `/orders/${id}` });
            };
            """
        }
    )
    assert rules(facts) == [("INJ005", 10), ("INJ005", 11)]
