"""Handler analysis benchmark: fnguard's Python analyser against Bandit and Semgrep.

    .venv/bin/python benchmarks/bench_code.py            # all three tools, 3 timed runs each
    .venv/bin/python benchmarks/bench_code.py --runs 1 --skip-semgrep

The corpus is ``benchmarks/corpus/handlers``: Python Lambda handlers written for this benchmark
(DVSA-style: an API, queue consumers, admin tools), each flaw labelled in ``manifest.json`` with
its rule ID and the line a tool should report; the safe twins and near misses carry no labels.
The ``ho_*`` handlers are held out: written and labelled after the analyser was frozen, scored
once, never tuned on; they get a table of their own. Every tool runs in its own process on the
same corpus in the same run, and is timed from process start to exit (interpreter start-up and
imports included), median of ``--runs``.

Scoring is per line on the rules all tools aim at (INJ001-005, SEC004, SEC005): a reported
line is a true positive when it lies on a labelled flaw (the statement the label starts, or
an ``also`` line of the manifest), and every other reported line, whatever the tool's own
severity or test, is a false positive (that is what a user has to read); recall is the share
of labelled flaws with a reported line. A recall-by-rule table shows where each tool looks.
fnguard is also scored rule-exactly, and on its own rules that the others lack (INJ006,
RUN002, RUN003).

Bandit and Semgrep live in their own venvs under ``benchmarks/.venvs`` (created with pip on
first use) and run offline: inside ``unshare -rn`` (no network namespace) when available,
Semgrep with ``--metrics=off`` and a local rule file. Semgrep's own AWS Lambda rules are in
the semgrep-rules repository, which is not reachable from here and is shipped by no PyPI
package; ``SEMGREP_RULES`` below is our own taint rule set written to check what those rules
check (event data of a ``handler(event, context)`` function reaching OS commands, code
evaluation, pickle-family deserialisation, SQL text and DynamoDB filter expressions), in our
words, not a copy.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus" / "handlers"
VENVS = HERE / ".venvs"

SEMGREP_RULES = """
rules:
  - id: lambda-event-to-os-command
    mode: taint
    languages: [python]
    severity: ERROR
    message: data from the Lambda event reaches an operating-system command
    pattern-sources: &event
      - patterns:
          - pattern-inside: |
              def $HANDLER($EVENT, $CONTEXT):
                ...
          - pattern: $EVENT
    pattern-sanitizers: &cleaners
      - pattern: shlex.quote(...)
      - pattern: int(...)
      - pattern: float(...)
    pattern-sinks:
      - patterns:
          - pattern-either:
              - pattern: os.system($CMD)
              - pattern: os.popen($CMD, ...)
              - pattern: os.spawnlp($MODE, $CMD, ...)
              - pattern: subprocess.$RUN($CMD, ..., shell=True, ...)
              - pattern: subprocess.$RUN([$SHELL, "-c", $CMD, ...], ...)
              - pattern: asyncio.create_subprocess_shell($CMD, ...)
              - pattern: asyncio.create_subprocess_exec($CMD, ...)
          - focus-metavariable: $CMD
  - id: lambda-event-to-code-execution
    mode: taint
    languages: [python]
    severity: ERROR
    message: data from the Lambda event is evaluated as code
    pattern-sources: *event
    pattern-sanitizers: *cleaners
    pattern-sinks:
      - patterns:
          - pattern-either:
              - pattern: eval($CODE, ...)
              - pattern: exec($CODE, ...)
          - focus-metavariable: $CODE
  - id: lambda-event-to-pickle
    mode: taint
    languages: [python]
    severity: ERROR
    message: data from the Lambda event is unpickled
    pattern-sources: *event
    pattern-sinks:
      - patterns:
          - pattern-either:
              - pattern: pickle.$LOAD($DATA, ...)
              - pattern: _pickle.$LOAD($DATA, ...)
              - pattern: cPickle.$LOAD($DATA, ...)
              - pattern: dill.$LOAD($DATA, ...)
              - pattern: shelve.open($DATA, ...)
          - metavariable-regex:
              metavariable: $LOAD
              regex: ^(load|loads|open)$
          - focus-metavariable: $DATA
  - id: lambda-event-to-sql-text
    mode: taint
    languages: [python]
    severity: ERROR
    message: data from the Lambda event is part of SQL text
    pattern-sources: *event
    pattern-sanitizers: *cleaners
    pattern-sinks:
      - patterns:
          - pattern-either:
              - pattern: $CUR.execute($QUERY, ...)
              - pattern: $CUR.executemany($QUERY, ...)
              - pattern: sqlalchemy.text($QUERY, ...)
              - pattern: text($QUERY, ...)
          - focus-metavariable: $QUERY
  - id: lambda-event-to-dynamodb-filter
    mode: taint
    languages: [python]
    severity: ERROR
    message: data from the Lambda event is part of a DynamoDB filter expression
    pattern-sources: *event
    pattern-sinks:
      - patterns:
          - pattern-either:
              - pattern: $TABLE.scan(..., FilterExpression=$EXPR, ...)
              - pattern: $TABLE.query(..., FilterExpression=$EXPR, ...)
              - pattern: $TABLE.query(..., KeyConditionExpression=$EXPR, ...)
          - focus-metavariable: $EXPR
"""

COMPARED = ("INJ001", "INJ002", "INJ003", "INJ004", "INJ005", "SEC004", "SEC005")


@dataclass(frozen=True)
class Report:
    """One tool's answer: reported (file, line, rule or test id) and median wall time."""

    name: str
    found: frozenset[tuple[str, int, str]]
    seconds: float
    note: str = ""


# --------------------------------------------------------------------------- the tools


def fnguard_worker(corpus: Path) -> None:
    """Analyse every handler of the corpus in this process; print the issues as JSON."""
    from fnguard.artifact import open_artifact
    from fnguard.code.python import PythonAnalyser
    from fnguard.model import Function, Location, Provider

    manifest = json.loads((corpus / "manifest.json").read_text())
    analyser = PythonAnalyser()
    started = time.perf_counter()
    found: list[dict[str, object]] = []
    artifact = open_artifact(corpus)
    for entry in manifest["handlers"]:
        fn = Function(
            f"fn.{entry['file']}",
            Provider.AWS,
            Location("bench"),
            runtime="python3.12",
            handler=entry["handler"],
        )
        facts = analyser.analyse(fn, artifact)
        if facts.gaps:
            raise SystemExit(f"gap in {entry['file']}: {facts.gaps[0].reason}")
        found.extend(
            {"file": Path(i.location.file).name, "line": i.location.line, "rule": i.rule_id}
            for i in facts.issues
        )
    artifact.close()
    elapsed = time.perf_counter() - started
    json.dump({"issues": found, "analysis_seconds": elapsed}, sys.stdout)


def _timed(command: list[str], env: dict[str, str] | None = None) -> tuple[str, float]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout, elapsed


def _offline(command: list[str]) -> tuple[list[str], str]:
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-rn", "true"], check=False).returncode == 0:
        return [unshare, "-rn", *command], "offline: unshare -rn"
    return command, "unshare unavailable: not network-isolated"


def _venv_tool(name: str, package: str) -> Path:
    venv = VENVS / name
    tool = venv / "bin" / name
    if not tool.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "pip"), "install", "--quiet", package]
        subprocess.run(pip, check=True)
    return tool


def run_fnguard(corpus: Path, runs: int) -> tuple[Report, float]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", str(corpus)]
    times: list[float] = []
    analysis: list[float] = []
    payload: dict[str, object] = {}
    for _ in range(runs):
        out, elapsed = _timed(command)
        payload = json.loads(out)
        times.append(elapsed)
        analysis.append(float(payload["analysis_seconds"]))  # type: ignore[arg-type]
    issues = payload["issues"]
    assert isinstance(issues, list)
    found = frozenset((str(i["file"]), int(i["line"]), str(i["rule"])) for i in issues)
    return Report("fnguard", found, statistics.median(times)), statistics.median(analysis)


def run_bandit(corpus: Path, runs: int, *, medium: bool) -> Report:
    tool = _venv_tool("bandit", "bandit>=1.7")
    command, note = _offline([str(tool), "-r", str(corpus), "-f", "json", "-q"])
    if medium:
        command += ["-ll"]
    times: list[float] = []
    out = ""
    for _ in range(runs):
        out, elapsed = _timed(command)
        times.append(elapsed)
    results = json.loads(out)["results"]
    found = frozenset(
        (Path(r["filename"]).name, int(r["line_number"]), str(r["test_id"])) for r in results
    )
    name = "bandit -ll (medium+)" if medium else "bandit (defaults)"
    return Report(name, found, statistics.median(times), note)


def run_semgrep(corpus: Path, runs: int) -> Report:
    tool = _venv_tool("semgrep", "semgrep>=1.50")
    with tempfile.TemporaryDirectory() as folder:
        rules = Path(folder) / "lambda-rules.yml"
        rules.write_text(SEMGREP_RULES)
        base = [str(tool), "scan", "--config", str(rules), "--metrics=off", "--json", "--quiet"]
        command, note = _offline([*base, "--disable-version-check", str(corpus)])
        env = {**os.environ, "SEMGREP_SEND_METRICS": "off", "SEMGREP_ENABLE_VERSION_CHECK": "0"}
        env["SEMGREP_USER_HOME"] = folder
        times: list[float] = []
        out = ""
        for _ in range(runs):
            out, elapsed = _timed(command, env)
            times.append(elapsed)
    results = json.loads(out)["results"]
    found = frozenset(
        (Path(r["path"]).name, int(r["start"]["line"]), str(r["check_id"]).rsplit(".", 1)[-1])
        for r in results
    )
    return Report("semgrep (own Lambda taint rules)", found, statistics.median(times), note)


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Label:
    """A labelled flaw and the lines where reporting it counts: the statement it starts
    (a call spread over lines is reported at its first line by some tools and at an argument
    by others) and the manifest's ``also`` lines (query text built before the call)."""

    file: str
    line: int
    rule: str
    accepted: frozenset[int]


def _spans(path: Path) -> dict[int, int]:
    """First line -> last line of the outermost expression starting on each line."""
    ends: dict[int, int] = {}
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.expr) and node.end_lineno is not None:
            ends[node.lineno] = max(ends.get(node.lineno, node.lineno), node.end_lineno)
    return ends


def load_labels(corpus: Path, manifest: dict[str, Any]) -> list[Label]:
    spans = {h["file"]: _spans(corpus / h["file"]) for h in manifest["handlers"]}
    labels = []
    for raw in manifest["labels"]:
        line = int(raw["line"])
        end = spans[raw["file"]].get(line, line)
        accepted = frozenset(range(line, end + 1)) | frozenset(raw.get("also", ()))
        labels.append(Label(raw["file"], line, raw["rule"], accepted))
    return labels


@dataclass(frozen=True)
class Score:
    reported: int
    true_positives: int  # reported lines on a label
    labels: int
    hit: int  # labels with a reported line

    @property
    def precision(self) -> float:
        return self.true_positives / self.reported if self.reported else 1.0

    @property
    def recall(self) -> float:
        return self.hit / self.labels if self.labels else 1.0


def score(found: set[tuple[str, int]], labels: list[Label]) -> Score:
    accepted = {(lab.file, n) for lab in labels for n in lab.accepted}
    hit = sum(1 for lab in labels if any((lab.file, n) in found for n in lab.accepted))
    return Score(len(found), len(found & accepted), len(labels), hit)


def _lines(report: Report, rules: tuple[str, ...] | None = None) -> set[tuple[str, int]]:
    return {(f, n) for f, n, r in report.found if rules is None or r in rules}


def evaluate(
    reports: list[Report], labels: list[Label], fnguard_only: tuple[str, ...]
) -> list[str]:
    compared = [lab for lab in labels if lab.rule in COMPARED]
    handlers = len({lab.file for lab in compared})
    lines = [
        f"{len(compared)} labelled flaws on {', '.join(COMPARED)} in {handlers} handlers",
        "",
        f"{'tool':<36}{'reported':>9}{'TP':>5}{'precision':>11}{'recall':>8}{'time s':>9}",
    ]
    for report in reports:
        rules = COMPARED if report.name == "fnguard" else None
        s = score(_lines(report, rules), compared)
        lines.append(
            f"{report.name:<36}{s.reported:>9}{s.true_positives:>5}"
            f"{s.precision:>11.2f}{s.recall:>8.2f}{report.seconds:>9.2f}"
            + (f"   ({report.note})" if report.note else "")
        )
    lines += ["", "recall by rule (labels found / labelled):"]
    lines.append(f"{'tool':<36}" + "".join(f"{r:>8}" for r in COMPARED))
    for report in reports:
        rules = COMPARED if report.name == "fnguard" else None
        found = _lines(report, rules)
        cells = []
        for rule in COMPARED:
            group = [lab for lab in compared if lab.rule == rule]
            s = score(found, group)
            cells.append(f"{s.hit}/{s.labels}")
        lines.append(f"{report.name:<36}" + "".join(f"{c:>8}" for c in cells))
    mine = next((r for r in reports if r.name == "fnguard"), None)
    if mine is not None:
        lines += ["", "fnguard, rule-exact (the rule ID must match too):"]
        for group, rules in (("compared rules", COMPARED), ("its own rules", fnguard_only)):
            want = [lab for lab in labels if lab.rule in rules]
            got = {(f, n, r) for f, n, r in mine.found if r in rules}
            ok = {(lab.file, n, lab.rule) for lab in want for n in lab.accepted}
            hit = [lab for lab in want if any((lab.file, n, lab.rule) in got for n in lab.accepted)]
            s = Score(len(got), len(got & ok), len(want), len(hit))
            lines.append(
                f"  {group:<16} reported {s.reported:>3}, TP {s.true_positives:>3}, "
                f"precision {s.precision:.2f}, recall {s.recall:.2f}"
            )
            lines += [f"    missed        {x.file}:{x.line} {x.rule}" for x in want if x not in hit]
            lines += [f"    not labelled  {f}:{n} {r}" for f, n, r in sorted(got - ok)]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--runs", type=int, default=3, help="timed runs per tool (median)")
    parser.add_argument("--skip-bandit", action="store_true")
    parser.add_argument("--skip-semgrep", action="store_true")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        fnguard_worker(args.worker)
        return 0
    manifest = json.loads((args.corpus / "manifest.json").read_text())
    labels = load_labels(args.corpus, manifest)
    mine, analysis = run_fnguard(args.corpus, args.runs)
    reports = [mine]
    if not args.skip_bandit:
        reports.append(run_bandit(args.corpus, args.runs, medium=False))
        reports.append(run_bandit(args.corpus, args.runs, medium=True))
    if not args.skip_semgrep:
        reports.append(run_semgrep(args.corpus, args.runs))
    own = tuple(manifest["fnguard_only_rules"])
    held_out = {h["file"] for h in manifest["handlers"] if h.get("set") == "held-out"}
    print(f"== all {len(manifest['handlers'])} handlers")
    for line in evaluate(reports, labels, own):
        print(line)
    if held_out:
        print(f"\n== the {len(held_out)} held-out handlers (written after the analyser was frozen)")
        subset = [
            replace(r, found=frozenset(f for f in r.found if f[0] in held_out)) for r in reports
        ]
        for line in evaluate(subset, [lab for lab in labels if lab.file in held_out], own):
            print(line)
    print(f"\nfnguard analysis alone (in process, no start-up): {analysis:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
