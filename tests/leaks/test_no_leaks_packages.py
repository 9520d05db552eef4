"""No output repeats a secret found in a deployment package or in handler code.

The CLI does not run the package and code stages on main yet, so the scan is run through
``fnguard.scan.scan`` with ``PackageEnricher`` and ``CodeEnricher`` (and every registered
analyser), then rendered by every reporter, as ``fnguard scan`` will once it wires them.
Secrets are planted in a ``.env`` file, a JSON config, a private key, a Python handler and a
JavaScript module inside the function's zip; SEC003 must see them, no report may hold them.
"""

from __future__ import annotations

import json
import zipfile
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

SECRETS = {
    "dotenv": "sk_live_51Ma9PqRs7TuVwXyZ0123456789abcdEFGH",
    "config_json": "AKIAZ7XQ4NB2RT5LKW3M",
    "config_secret": "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",
    "handler_py": "ghp_Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz9Xc8Vb7N",
    "handler_js": "xoxp-2345678901-3456789012-4567890123-abcdef0123456789abcdef0123456789",
    "private_key": "MIIEowIBAAKCAQEA7fY2kq9Lr8Wm3Xn5Pb6Tc1Vd4Ze7Hf0Jg2Kh9Mi3No6Qp",
}

HANDLER_PY = f"""import os, logging
TOKEN = "{SECRETS["handler_py"]}"
log = logging.getLogger()

def handler(event, context):
    log.info("token %s", TOKEN)
    return {{"ok": True}}
"""
HANDLER_JS = f"""const SLACK = "{SECRETS["handler_js"]}";
exports.handler = async (event) => {{ console.log(SLACK); return 1; }};
"""
PRIVATE_KEY = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    + SECRETS["private_key"]
    + "\n-----END RSA PRIVATE KEY-----\n"
)
TERRAFORM = """
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = "arn:aws:iam::123456789012:role/r"
  runtime       = "python3.12"
  handler       = "handler.handler"
  filename      = "f.zip"
  architectures = ["x86_64"]
}
"""


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    from fnguard.code import CodeEnricher
    from fnguard.collect import default_collectors
    from fnguard.collect.package import PackageEnricher
    from fnguard.config import Config
    from fnguard.iam import default_checker
    from fnguard.report import get_reporter
    from fnguard.rules import all_rules
    from fnguard.scan import ScanRequest, scan

    root: Path = tmp_path_factory.mktemp("pkgleaks")
    (root / "main.tf").write_text(TERRAFORM)
    with zipfile.ZipFile(root / "f.zip", "w") as archive:
        archive.writestr(".env", f"STRIPE_KEY={SECRETS['dotenv']}\n")
        config = {
            "aws_access_key_id": SECRETS["config_json"],
            "aws_secret_access_key": SECRETS["config_secret"],
        }
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("handler.py", HANDLER_PY)
        archive.writestr("lib/notify.js", HANDLER_JS)
        archive.writestr("keys/id_rsa", PRIVATE_KEY)
    request = ScanRequest(
        targets=(root,),
        config=Config(),
        collectors=default_collectors(),
        rules=all_rules(),
        permissions=default_checker(),
        enrichers=(PackageEnricher(), CodeEnricher()),
    )
    result = scan(request)
    return {
        fmt: get_reporter(fmt, color=False).render(result)
        for fmt in ("text", "json", "sarif", "junit")
    }


def test_the_package_secrets_were_found(outputs: dict[str, str]) -> None:
    report = json.loads(outputs["json"])
    found = [f for f in report["findings"] if f["rule_id"] == "SEC003"]
    assert found, [f["rule_id"] for f in report["findings"]]


@pytest.mark.parametrize("where", ["text", "json", "sarif", "junit"])
@pytest.mark.parametrize("secret", sorted(SECRETS))
def test_no_report_contains_a_package_secret(
    outputs: dict[str, str], where: str, secret: str
) -> None:
    assert SECRETS[secret] not in outputs[where]
