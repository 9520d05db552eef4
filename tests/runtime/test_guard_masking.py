"""Secret masking: a secret printed or logged never reaches the output."""

from __future__ import annotations

SECRET = "s3cr3t-Value-0123456789"
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"
JWT = ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
       "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")
BEARER = "Bearer opaque-token-abcdef123456"
KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----"

HANDLER = f'''
import logging, sys
logging.basicConfig(level=logging.INFO, stream=sys.stderr)
early = logging.StreamHandler(sys.stdout)   # created before the guard wraps stdout
logging.getLogger("app").addHandler(early)
log = logging.getLogger("app")
import os
from fnguard_runtime import guard, Policy, MaskingPolicy

@guard(Policy(masking=MaskingPolicy(env_names=["PLAIN_NAME"])))
def handler(event, context):
    print("db password is", os.environ["DB_PASSWORD"])
    print(f"listed: {{os.environ['PLAIN_NAME']}}")
    log.info("token %s and key %s", os.environ["DB_PASSWORD"], {AWS_KEY!r})
    log.warning("jwt=%s", {JWT!r})
    sys.stderr.write("header was " + event["headers"]["Authorization"] + "\\n")
    print({KEY!r})
    try:
        raise ValueError("failed with " + os.environ["DB_PASSWORD"])
    except ValueError:
        log.exception("boom")
    print("near miss: the region is", os.environ["AWS_REGION"])
    return "done"

handler({{"headers": {{"Authorization": {BEARER!r}}}, "httpMethod": "GET",
         "requestContext": {{}}}}, None)
print("after: " + {BEARER!r})
'''


def test_secrets_never_reach_stdout_or_stderr(run) -> None:
    env = {"DB_PASSWORD": SECRET, "PLAIN_NAME": "listed-by-name-42", "AWS_REGION": "eu-west-1"}
    result = run(HANDLER, env=env)
    assert result.returncode == 0, result.stderr
    during = result.stdout.split("after: ")[0] + result.stderr
    for secret in (SECRET, "listed-by-name-42", AWS_KEY, JWT, "opaque-token-abcdef123456",
                   "MIIEowIBAAKCAQEA7"):
        assert secret not in during, secret
    assert "db password is ****" in result.stdout
    assert "listed: ****" in result.stdout
    assert "token **** and key ****" in during
    assert "failed with ****" in result.stderr  # the traceback too
    assert "header was ****" in result.stderr
    # Near miss: ordinary values pass through, and the request's header is forgotten after.
    assert "near miss: the region is eu-west-1" in result.stdout
    assert "after: Bearer opaque-token-abcdef123456" in result.stdout
