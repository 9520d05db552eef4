"""Code that looks dangerous but is not: nothing of the event reaches a sink unsanitised."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from code_js.js_helpers import issues, rules

if TYPE_CHECKING:
    from code_js.js_helpers import Analyse

NEAR_MISSES = {
    "constant command": """
        const { exec, execSync } = require('child_process');
        const DIR = '/tmp/cache';
        exports.handler = async (event) => {
          exec('rm -rf ' + DIR);
          execSync(`ls ${DIR}`);
          eval('1 + 1');
        };
    """,
    "execFile with an array and no shell": """
        const { execFile, spawn } = require('child_process');
        exports.handler = async (event) => {
          const name = JSON.parse(event.body).name;
          execFile('convert', [name, '/tmp/out.png'], (err) => {});
          spawn('git', ['log', name], { shell: false });
        };
    """,
    "parseInt sanitised": """
        const { exec } = require('child_process');
        exports.handler = async (event) => {
          const count = parseInt(event.queryStringParameters.count, 10);
          const n = Number(event.body);
          exec(`head -n ${count} /data/log`);
          exec('seq ' + n);
        };
    """,
    "validated with zod": """
        import { z } from 'zod';
        import { exec } from 'node:child_process';
        const Body = z.object({ name: z.string().regex(/^[a-z]+$/) });
        export const handler = async (event) => {
          const body = Body.parse(JSON.parse(event.body));
          exec(`echo ${body.name}`);
        };
    """,
    "validated with joi": """
        const Joi = require('joi');
        const { exec } = require('child_process');
        const schema = Joi.object({ id: Joi.number().integer() });
        exports.handler = async (event) => {
          const { error, value } = schema.validate(JSON.parse(event.body));
          if (error) throw error;
          exec(`show ${value.id}`);
        };
    """,
    "validated with ajv (guard)": """
        const Ajv = require('ajv');
        const { exec } = require('child_process');
        const ajv = new Ajv();
        const validate = ajv.compile({ type: 'object' });
        exports.handler = async (event) => {
          const body = JSON.parse(event.body);
          if (!validate(body)) {
            return { statusCode: 400 };
          }
          exec(`show ${body.id}`);
        };
    """,
    "joi error checked, original body used": """
        const Joi = require('joi');
        const { exec } = require('child_process');
        const schema = Joi.object({ name: Joi.string().alphanum() });
        exports.handler = async (event) => {
          const body = JSON.parse(event.body);
          const { error } = schema.validate(body);
          if (error) {
            throw new Error(error.message);
          }
          exec(`greet ${body.name}`);
        };
    """,
    "zod safeParse success checked": """
        import { z } from 'zod';
        import { exec } from 'node:child_process';
        const Body = z.object({ name: z.string().regex(/^[a-z]+$/) });
        export const handler = async (event) => {
          const body = JSON.parse(event.body);
          const parsed = Body.safeParse(body);
          if (!parsed.success) return { statusCode: 400 };
          exec(`greet ${body.name}`);
        };
    """,
    "allow-list includes": """
        const { exec } = require('child_process');
        const ALLOWED = ['status', 'uptime'];
        exports.handler = async (event) => {
          const cmd = event.queryStringParameters.cmd;
          if (!ALLOWED.includes(cmd)) return { statusCode: 400 };
          exec(cmd);
        };
    """,
    "allow-list inside the branch": """
        const { exec } = require('child_process');
        exports.handler = async (event) => {
          const { cmd } = event;
          if (['status', 'uptime'].includes(cmd)) {
            exec(cmd);
          }
        };
    """,
    "regex test guard": """
        const { exec } = require('child_process');
        exports.handler = async (event) => {
          const id = event.pathParameters.id;
          if (!/^[0-9a-f]{8}$/.test(id)) throw new Error('bad id');
          exec(`show ${id}`);
        };
    """,
    "equality guard": """
        const { exec } = require('child_process');
        exports.handler = async (event) => {
          const mode = event.mode;
          if (mode !== 'fast' && mode !== 'slow') return;
          if (mode === 'fast') exec('run --' + mode);
        };
    """,
    "shell-quote quote": """
        const { exec } = require('child_process');
        const { quote } = require('shell-quote');
        exports.handler = async (event) => {
          exec('grep ' + quote([event.body]) + ' /data');
        };
    """,
    "JSON.parse alone": """
        exports.handler = async (event) => {
          const body = JSON.parse(event.body);
          return { statusCode: 200, body: JSON.stringify(body) };
        };
    """,
    "js-yaml 4 load": """
        const yaml = require('js-yaml');
        exports.handler = async (event) => yaml.load(event.body);
    """,
    "timer with a function": """
        exports.handler = async (event) => {
          setTimeout(() => console.log(event.body.length), 10);
        };
    """,
    "event data to a parameterised query": """
        const mysql = require('mysql');
        const connection = mysql.createConnection({});
        exports.handler = async (event) => {
          connection.query('SELECT * FROM orders WHERE id = ?', [event.pathParameters.id]);
        };
    """,
    "basename path": """
        const fs = require('fs');
        const path = require('path');
        exports.handler = async (event) => {
          return fs.readFileSync(path.join('/data', path.basename(event.pathParameters.file)));
        };
    """,
    "fixed host url": """
        const axios = require('axios');
        exports.handler = async (event) => {
          return axios.get(`https://api.example.com/items/${event.pathParameters.id}`);
        };
    """,
    "sink in code the event never reaches": """
        const { exec } = require('child_process');
        function cleanup(dir) { exec('rm -rf ' + dir); }
        exports.handler = async (event) => {
          cleanup('/tmp/work');
          return event.body;
        };
    """,
    "value overwritten with a constant": """
        const { exec } = require('child_process');
        exports.handler = async (event) => {
          let cmd = event.body;
          cmd = 'uptime';
          exec(cmd);
        };
    """,
    "non secret logs": """
        exports.handler = async (event) => {
          console.log(process.env.AWS_REGION, process.env.TABLE_NAME);
          const secretName = process.env.SECRET_NAME;
          const PASSWORD_MIN_LENGTH = 12;
          console.log('reading', secretName, PASSWORD_MIN_LENGTH);
          console.log('event', JSON.stringify(event.body));
          console.log(Object.keys(process.env));
        };
    """,
}


@pytest.mark.parametrize("name", sorted(NEAR_MISSES))
def test_near_miss_reports_nothing(analyse: Analyse, name: str) -> None:
    facts = analyse({"index.js": NEAR_MISSES[name]})
    assert facts.gaps == ()
    assert len(facts.handlers) == 1
    assert rules(facts) == []


def test_mapping_through_a_sanitiser(analyse: Analyse) -> None:
    facts = analyse(
        {
            "index.js": """
            const { execSync } = require('child_process');
            exports.handler = async (event) => {
              const ids = event.ids.map(Number);
              const ports = event.ports.map((p) => parseInt(p, 10));
              const names = event.names.map((n) => n.trim());
              execSync(`lookup ${ids.join(',')}`);
              execSync(`scan ${ports.join(' ')}`);
              execSync(`greet ${names.join(' ')}`);
            };
            """
        }
    )
    assert [(i.rule_id, i.location.line) for i in issues(facts)] == [("INJ001", 8)]
    assert [(s.location.line, s.note) for s in facts.issues[0].steps] == [
        (5, "event.names read"),
        (5, "parameter n"),
        (5, "assigned to names"),
        (8, "reaches child_process.execSync"),
    ]
