"""The Python analyser as a whole: handler resolution, gaps, artifacts, flows, never executing."""

from __future__ import annotations

import zipfile
from typing import TYPE_CHECKING

from code_python.pyfixtures import HANDLERS, analyse, analyse_source, found, function, write

from fnguard import limits
from fnguard.code import CodeEnricher
from fnguard.code.python import PythonAnalyser
from fnguard.model import Inventory, PackageRef

if TYPE_CHECKING:
    from pathlib import Path


def test_handles_python_runtimes_only() -> None:
    analyser = PythonAnalyser()
    assert analyser.language == "python"
    assert analyser.handles(function(runtime="python3.13"))
    assert not analyser.handles(function(runtime="nodejs20.x"))
    assert not analyser.handles(function(runtime=None))


def test_flow_runs_from_the_event_to_the_sink_across_modules() -> None:
    facts = analyse(HANDLERS, "interprocedural.handler")
    [issue] = [i for i in facts.issues if i.rule_id == "INJ001"]
    first, last = issue.steps[0], issue.steps[-1]
    assert first.location.file.endswith("interprocedural.py")
    assert "event parameter of handler()" in first.note
    assert last.location == issue.location
    assert last.location.file.endswith("helpers/commands.py")
    assert any("passed to run(command)" in s.note for s in issue.steps)
    assert issue.sink == "subprocess.run(shell=True)"
    assert issue.function == "aws_lambda_function.fn"


def test_handler_record_lists_the_files_read() -> None:
    facts = analyse(HANDLERS, "interprocedural.handler")
    [handler] = facts.handlers
    assert handler.language == "python" and handler.entry.line > 0
    names = sorted(f.rsplit("/", 1)[-1] for f in handler.files)
    assert names == ["commands.py", "interprocedural.py", "store.py"]


def test_class_attribute_flows_and_constant_attributes(tmp_path: Path) -> None:
    facts = analyse_source(
        tmp_path,
        """
        import os

        class Job:
            def __init__(self, spec):
                self.target = spec["target"]
                self.label = "fixed"

            def run(self):
                os.system("ping " + self.target)

            def banner(self):
                os.system("echo " + self.label)

        def handler(event, context):
            Job(event).run()
            Job(event).banner()
        """,
    )
    assert found(facts, "INJ001") == {("INJ001", 9)}


def test_attribute_set_later_is_seen_by_an_earlier_reader(tmp_path: Path) -> None:
    facts = analyse_source(
        tmp_path,
        """
        import os

        class Holder:
            def show(self):
                os.system("echo " + self.value)

            def keep(self, v):
                self.value = v

        def handler(event, context):
            h = Holder()
            h.show()
            h.keep(event["v"])
        """,
    )
    assert found(facts, "INJ001") == {("INJ001", 5)}


def test_returns_comprehensions_and_containers_carry_taint(tmp_path: Path) -> None:
    facts = analyse_source(
        tmp_path,
        """
        import os

        def build(parts):
            return " ".join(p.strip() for p in parts)

        def handler(event, context):
            names = [r["name"] for r in event["Records"]]
            os.system("rm " + build(names))
            safe = [int(r["size"]) for r in event["Records"]]
            os.system("echo " + str(sum(safe)))
            opts = {"cmd": event["cmd"], "mode": "fast"}
            os.system(opts["mode"])
            os.system(opts["cmd"])
        """,
    )
    assert found(facts, "INJ001") == {("INJ001", 8), ("INJ001", 13)}


def test_regex_guard_and_isinstance_clean_a_value(tmp_path: Path) -> None:
    facts = analyse_source(
        tmp_path,
        """
        import os
        import re

        NAME = re.compile(r"[a-z]+")

        def handler(event, context):
            a = event["a"]
            if not re.fullmatch(r"[a-z]{1,8}", a):
                raise ValueError(a)
            os.system("echo " + a)
            b = event["b"]
            if NAME.fullmatch(b):
                os.system("echo " + b)
            c = event["c"]
            if re.search("[a-z]", c):
                os.system("echo " + c)
            d = event["d"]
            assert isinstance(d, int)
            os.system(f"echo {d}")
        """,
    )
    assert found(facts, "INJ001") == {("INJ001", 16)}


def test_schema_validation_silences_inj006_but_not_injection(tmp_path: Path) -> None:
    facts = analyse_source(
        tmp_path,
        """
        import os
        import jsonschema

        SCHEMA = {"type": "object"}

        def handler(event, context):
            jsonschema.validate(instance=event, schema=SCHEMA)
            os.system("echo " + event["name"])
        """,
    )
    assert found(facts) == {("INJ001", 8)}


def test_syntax_error_is_a_gap_with_its_line(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": "def handler(event, context)\n    return event\n"})
    facts = analyse(tmp_path)
    [gap] = facts.gaps
    assert gap.field == "code" and gap.resource == "aws_lambda_function.fn"
    assert gap.location.line == 1 and "syntax error" in gap.reason
    assert not facts.handlers and not facts.issues


def test_syntax_error_in_an_imported_module_keeps_the_rest(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app.py": "import os\nimport util\n\ndef handler(event, context):\n"
            "    os.system(event['c'])\n    util.go()\n",
            "util.py": "def go(:\n",
        },
    )
    facts = analyse(tmp_path)
    assert found(facts, "INJ001") == {("INJ001", 5)}
    [gap] = facts.gaps
    assert gap.location.file.endswith("util.py") and gap.field == "code"


def test_missing_handler_function_and_module_are_gaps(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": "def other(event, context):\n    return 1\n"})
    [gap] = analyse(tmp_path, "app.handler").gaps
    assert "handler function handler() not found" in gap.reason and gap.field == "code"
    [gap] = analyse(tmp_path, "missing.handler").gaps
    assert "handler module missing not found" in gap.reason
    [gap] = analyse(tmp_path, "").gaps
    assert "cannot read handler name" in gap.reason


def test_nested_handler_path_and_gcp_entry_point(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "src/api/app.py": "import os\n\ndef handler(event, context):\n"
            "    os.system(event['c'])\n",
            "main.py": "import os\n\ndef entry(request):\n    os.system(request.args['c'])\n",
        },
    )
    assert found(analyse(tmp_path, "src/api/app.handler"), "INJ001") == {("INJ001", 4)}
    assert found(analyse(tmp_path, "src.api.app.handler"), "INJ001") == {("INJ001", 4)}
    assert found(analyse(tmp_path, "entry"), "INJ001") == {("INJ001", 4)}


def test_zip_locations_use_the_member_form(tmp_path: Path) -> None:
    archive = tmp_path / "fn.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(
            "app.py", "import os\n\ndef handler(event, context):\n    os.system(event['c'])\n"
        )
    from fnguard.artifact import open_artifact

    artifact = open_artifact(archive)
    facts = PythonAnalyser().analyse(function(), artifact)
    artifact.close()
    [issue, _] = sorted(facts.issues, key=lambda i: i.rule_id)
    assert issue.location.file == f"{archive.as_posix()}!/app.py"


def test_vendored_distributions_are_not_analysed(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app.py": "import requests\n\ndef handler(event, context):\n"
            "    return requests.get('https://x.example.com', timeout=1)\n",
            "requests/__init__.py": "import os\n\ndef get(url, **kw):\n    os.system(url)\n",
            "requests-2.32.0.dist-info/top_level.txt": "requests\n",
            "requests-2.32.0.dist-info/METADATA": "Name: requests\n",
        },
    )
    facts = analyse(tmp_path)
    assert facts.issues == ()
    assert [f.rsplit("/", 1)[-1] for f in facts.handlers[0].files] == ["app.py"]


def test_code_is_parsed_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    write(
        tmp_path,
        {
            "app.py": f"open({str(marker)!r}, 'w').write('x')\nimport helper\n\n"
            "def handler(event, context):\n    return helper.go()\n",
            "helper.py": f"open({str(marker)!r}, 'w').write('y')\n\ndef go():\n    return 1\n",
        },
    )
    facts = analyse(tmp_path)
    assert facts.handlers and not marker.exists()


def test_file_size_limit_becomes_a_gap(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": "def handler(event, context):\n    return 1\n" + "#" * 200})
    with limits.use(limits.Limits(max_file_bytes=64)):
        [gap] = analyse(tmp_path).gaps
    assert "max-file-bytes" in gap.reason


def test_recursion_and_deep_call_chains_terminate(tmp_path: Path) -> None:
    facts = analyse_source(
        tmp_path,
        """
        import os

        def a(x, n):
            return b(x, n - 1) if n else x

        def b(x, n):
            return a(x, n)

        def handler(event, context):
            os.system(a(event["c"], 50))
        """,
    )
    assert ("INJ001", 10) in found(facts)


def test_enricher_puts_the_facts_into_the_inventory(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"app.py": "import os\n\ndef handler(event, context):\n    os.system(event['c'])\n"},
    )
    fn = function(package=PackageRef(source_dir=str(tmp_path)))
    inventory = Inventory(functions=(fn,))
    added = CodeEnricher([PythonAnalyser()]).enrich(inventory, None)
    merged = inventory.merge(added)
    assert merged.handler_of(fn) is not None
    assert {i.rule_id for i in merged.code_issues_of(fn)} == {"INJ001", "INJ006"}


def test_containers_filled_by_methods_and_keyword_spreads_carry_taint(tmp_path: Path) -> None:
    facts = analyse_source(
        tmp_path,
        """
        import os

        def archive(*, name, level="6"):
            os.system(f"gzip -{level} {name}")

        def handler(event, context):
            options = ["-v"]
            options.append(event["extra"])
            os.system("backup " + " ".join(options))
            fixed = ["-v"]
            fixed.append("-q")
            os.system("backup " + " ".join(fixed))
            archive(**event["params"])
        """,
    )
    assert found(facts, "INJ001") == {("INJ001", 4), ("INJ001", 9)}


def test_request_headers_logged_whole_or_credential_header_only(tmp_path: Path) -> None:
    facts = analyse_source(
        tmp_path,
        """
        import json

        def handler(event, context):
            headers = event["headers"]
            print(json.dumps(headers))
            print(headers.get("content-type"))
            print(event["headers"]["User-Agent"])
            print(headers.get("Authorization"))
        """,
    )
    assert found(facts, "SEC004") == {("SEC004", 5), ("SEC004", 8)}


def test_host_allow_list_paths_and_dynamodb_conditions(tmp_path: Path) -> None:
    facts = analyse_source(
        tmp_path,
        """
        from pathlib import Path
        from urllib.parse import urlsplit

        import boto3
        import requests
        from boto3.dynamodb.conditions import Attr

        table = boto3.resource("dynamodb").Table("t")

        def handler(event, context):
            url = event["url"]
            if urlsplit(url).hostname in {"hooks.example.com"}:
                requests.get(url, timeout=5)
            requests.get(url, timeout=5)
            (Path("/tmp/in") / event["name"]).read_text()
            cond = Attr("a").eq(event["a"]) & Attr("b").eq(event["b"])
            table.scan(FilterExpression=cond)
        """,
    )
    assert found(facts) == {("INJ005", 14), ("INJ006", 14), ("INJ004", 15)}


def test_work_bound_stops_with_a_gap_and_keeps_what_was_found(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(50))
    source = f"import os\n\ndef handler(event, context):\n    os.system(event['c'])\n{body}\n"
    write(tmp_path, {"app.py": source})
    from fnguard.artifact import open_artifact

    artifact = open_artifact(tmp_path)
    facts = PythonAnalyser(max_statements=20).analyse(function(), artifact)
    [gap] = facts.gaps
    assert "more than 20 statements" in gap.reason and gap.field == "code"
    assert ("INJ001", 4) in found(facts) and facts.handlers


def test_deeply_nested_expressions_are_a_gap_not_a_crash(tmp_path: Path) -> None:
    reasons = []
    for terms in (1000, 3000):  # deep for the walk; too deep for Python's own parser
        chain = " + ".join(["event['a']"] * terms)
        source = f"import os\n\ndef handler(event, context):\n    os.system({chain})\n"
        write(tmp_path, {"app.py": source})
        [gap] = analyse(tmp_path).gaps
        assert gap.field == "code"
        reasons.append(gap.reason)
    assert "nested too deeply" in reasons[0] and "cannot parse" in reasons[1]


def test_inline_normalised_root_check_cleans_the_original_path() -> None:
    facts = analyse(HANDLERS, "paths.download")
    assert not facts.gaps and facts.issues == ()
