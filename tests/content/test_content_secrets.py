"""SEC003's detection in package files: what fires, and the near misses that must not."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from fnguard.content import inspect
from fnguard.masking import mask

if TYPE_CHECKING:
    from fnguard.model import FoundSecret

LOC = "build/fn.zip!/"
# Built from parts so that no whole token sits in this file.
AWS_KEY_ID = "AKIA" + "Z3MKQ4VX7TPL2WQA"
AWS_SECRET = "q8Fj2kLmN0pQrStUvWxYz1A2b3C4d5E6f7G8h9I0"
STRIPE = "sk_" + "live_4eC39HqLyjWDarjtT1zdp7dc"
GITHUB = "ghp_" + "Zq9XkR2mT7vB4nL8wC1pY6dF3hJ5sA0gE9uK"


def secrets(name: str, text: str | bytes) -> list[FoundSecret]:
    data = text.encode() if isinstance(text, str) else text
    found = list(inspect(name, data, LOC + name).secrets)
    assert all(s.path == LOC + name for s in found)
    return found


def lines(name: str, text: str) -> list[int]:
    return [s.line for s in secrets(name, text)]


def _ed25519_pem(fmt: serialization.PrivateFormat) -> str:
    key = ed25519.Ed25519PrivateKey.generate()
    raw = key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption())
    return raw.decode()


# --------------------------------------------------------------------------- private keys


def test_private_key_file_fires_once_at_its_first_line() -> None:
    pem = _ed25519_pem(serialization.PrivateFormat.OpenSSH)
    found = secrets(".ssh/id_ed25519", pem)
    assert [(s.line, s.kind) for s in found] == [(1, "OPENSSH private key")]
    assert "PRIVATE" not in found[0].masked and "…(" in found[0].masked


def test_encrypted_and_pkcs8_keys_are_named_for_what_they_are() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pw-for-test"),
    ).decode()
    assert [s.kind for s in secrets("certs/server.key", encrypted)] == ["encrypted private key"]
    plain = _ed25519_pem(serialization.PrivateFormat.PKCS8)
    assert [s.kind for s in secrets("certs/server.pem", plain)] == ["private key"]


def test_service_account_json_with_an_escaped_key_fires_at_its_line() -> None:
    pem = _ed25519_pem(serialization.PrivateFormat.PKCS8)
    doc = {"type": "service_account", "project_id": "p", "private_key": pem}
    text = json.dumps(doc, indent=2)
    assert [(s.line, s.kind) for s in secrets("config/sa.json", text)] == [(4, "private key")]


def test_key_inside_source_code_fires() -> None:
    pem = _ed25519_pem(serialization.PrivateFormat.PKCS8)
    code = f'import jwt\n\nKEY = """{pem}"""\n'
    assert [(s.line, s.kind) for s in secrets("app/sign.py", code)] == [(3, "private key")]


KEY_NEAR_MISSES = [
    # parsing code names the header without a key
    'PEM_HEADER = "-----BEGIN RSA PRIVATE KEY-----"\nFOOTER = "-----END RSA PRIVATE KEY-----"\n',
    # a placeholder body
    "-----BEGIN PRIVATE KEY-----\n...your key here...\n-----END PRIVATE KEY-----\n",
    "-----BEGIN PRIVATE KEY-----\n" + "A" * 120 + "\n-----END PRIVATE KEY-----\n",
    # public keys and certificates are not secrets
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n"
    "-----END PUBLIC KEY-----\n",
    "-----BEGIN CERTIFICATE-----\n"
    + "MIIBszCCAVmgAwIBAgIUX2p3Yk9q8K1vR4tZ0mN6cJ7wL5sEwCgYIKoZIzj0EAwIw\n" * 4
    + "-----END CERTIFICATE-----\n",
]


@pytest.mark.parametrize("text", KEY_NEAR_MISSES)
def test_private_key_near_misses(text: str) -> None:
    assert secrets("certs/ca.pem", text) == []
    assert secrets("app/crypto.py", text) == []


# --------------------------------------------------------------------------- .env files


def test_env_file_fires_on_real_values_only() -> None:
    text = "\n".join(
        [
            "# database",  # 1
            "DB_PASSWORD=Zt9-qW2_kPx81",  # 2: secret-named literal
            "export STRIPE_KEY='" + STRIPE + "'",  # 3: known token shape
            "API_KEY=changeme",  # placeholder
            "TOKEN=<your-key>",
            "SECRET=${VAULT_SECRET}",  # a reference
            "JWT_SECRET={{ jwt_secret }}",
            "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",  # documentation example
            "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "DB_SECRET_ARN=arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf",
            "SSM_PASSWORD=/prod/db/password",
            "REGION=eu-west-1",
            "TABLE=orders",
            "DEBUG=true",
            "SESSION_TOKEN=",
            'QUOTED_PASSWORD="Vq7#mLp2!xRt" # trailing comment',  # 16
        ]
    )
    found = secrets("app/.env", text)
    assert [s.line for s in found] == [2, 3, 16]
    assert found[0].kind == ".env file: literal value of a secret-named variable (DB_PASSWORD)"
    assert found[1].kind == ".env file: Stripe Access Key (STRIPE_KEY)"
    assert found[0].masked == mask("Zt9-qW2_kPx81")
    assert found[2].masked == mask("Vq7#mLp2!xRt")


def test_env_example_files_fire_only_on_real_token_shapes() -> None:
    text = "DB_PASSWORD=Zt9-qW2_kPx81\nSTRIPE_KEY=" + STRIPE + "\n"
    assert lines(".env.example", text) == [2]
    assert lines("app/.env.sample", text) == [2]


# --------------------------------------------------------------------------- credential files


def test_aws_credentials_file() -> None:
    text = "\n".join(
        [
            "[default]",
            "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "region = eu-west-1",
            "[prod]",
            f"aws_access_key_id = {AWS_KEY_ID}",
            f"aws_secret_access_key = {AWS_SECRET}",
        ]
    )
    found = secrets(".aws/credentials", text)
    assert [s.line for s in found] == [6, 7]
    assert all(s.kind.startswith("AWS credentials file: ") for s in found)
    assert found[1].masked == mask(AWS_SECRET)


def test_npmrc_netrc_and_git_credentials() -> None:
    npm_token = "npm_" + "Xk2L9mQ4pR7sT1vW3yZ5aB8cD0eF6gH2jK4m"
    npmrc = f"registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={npm_token}\n"
    assert lines(".npmrc", npmrc) == [2]
    netrc = "machine api.github.com\n  login deploy\n  password Hq8vX2mK9pLt\n"
    assert lines(".netrc", netrc) == [3]
    assert lines(".netrc", "machine h login u password changeme\n") == []
    creds = "https://deploy:" + "x9Kq2mVt7LpR4wZs" + "@github.com\n"
    assert lines(".git-credentials", creds) == [1]


# --------------------------------------------------------------------------- source and config


def test_source_code_secrets() -> None:
    code = "\n".join(
        [
            "import os",  # 1
            f'STRIPE = "{STRIPE}"',  # 2: token shape
            'password = "hunter2!x"',  # 3: secret-named literal
            'SECRET_KEY = "django-insecure-9x8y7z6w5v4u3t2s1r0q"',  # 4
            f"client = Github(token='{GITHUB}')",  # 5
            'conn = connect(user="app", password="Vq7mLp2xRt")',  # 6
            "const apiKey = 'k3J9vQ2mX8pL5tR1';",  # 7 (JavaScript in a .py? the regex is shared)
        ]
    )
    found = secrets("app/settings.py", code)
    assert [s.line for s in found] == [2, 3, 4, 5, 6, 7]
    assert found[0].kind == "Stripe Access Key"
    assert found[3].kind == "GitHub Token"
    assert found[3].masked == mask(GITHUB)  # the whole token, not the plugin's "ghp" prefix


def test_keys_without_a_plugin_are_found_by_their_name() -> None:
    google = "AIza" + "SyD4kL9mQ2vX7pR1tW8nB3cZ6fH0jK5sE2g"
    assert lines("app/maps.py", f'MAPS_API_KEY = "{google}"\n') == [1]
    # detect-secrets has no Google plugin: without the name there is no evidence
    assert lines("app/maps.py", f'center = "{google}"\n') == []


def test_javascript_and_config_files() -> None:
    js = "const config = {\n  apiKey: 'k3J9vQ2mX8pL5tR1',\n  region: 'us-east-1',\n};\n"
    assert lines("src/config.js", js) == [2]
    yaml = "database:\n  user: app\n  password: Vq7mLp2xRt\n  password_ref: !Ref DbPassword\n"
    assert lines("config/app.yaml", yaml) == [3]
    props = "db.password=Vq7mLp2xRt\ndb.user=app\n"
    assert lines("app.properties", props) == [1]


SOURCE_NEAR_MISSES = [
    'ID_TOKEN = "IdToken"',  # a field name
    'REFRESH_TOKEN_KEY = "refresh_token"',
    'API_KEY_HEADER = "x-api-key"',
    'PASSWORD_FIELD = "password"',
    'password = os.environ["DB_PASSWORD"]',
    'password = ""',
    'password = "password1"',  # names itself: an illustration
    'TOKEN = "Bearer {token}"',
    'secret = f"{prefix}-{suffix}"',
    'token_type = "Bearer"',
    'SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf"',
    'DB_PASSWORD_PARAM = "/prod/db/password"',
    'update_token = "1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"',  # a UUID
    'ETAG = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"',  # a hash
    'commit = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad"',
    'KEY = "AWS::ApiGateway::ApiKey"',
    'ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"',
    'secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
    'password = "changeme"',
    'api_key = "<your-api-key>"',
    'api_key = "YOUR_API_KEY_HERE"',
    'api_key = "xxxxxxxxxxxxxxxx"',
    'token = "ABC12345"',
    "# password = 'hunter2!x'",  # commented-out example
    "// const apiKey = 'k3J9vQ2mX8pL5tR1';",
    'if password == "hunter2!x":',
    'raise ValueError("the password is not valid for this user")',
    'KEY_PATTERN = "-----BEGIN OPENSSH PRIVATE KEY-----"',
    'COLOR_TOKEN = "#cccccc"',
    'url = "https://api.example.com/v1/token?limit=10"',
    'TEMPLATE = "postgres://{user}:{password}@{host}/db"',
    'secret = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf"',
    'token = os.environ.get("TOKEN", "")',
    'password: str = field(default="", repr=False)',
]


@pytest.mark.parametrize("line", SOURCE_NEAR_MISSES)
def test_source_near_misses(line: str) -> None:
    assert secrets("app/handler.py", line + "\n") == []


def test_lock_file_integrity_hashes_are_not_secrets() -> None:
    lock = {
        "lockfileVersion": 3,
        "packages": {
            "node_modules/lodash": {
                "version": "4.17.21",
                "integrity": "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1kr"
                "gXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg==",
            }
        },
    }
    assert secrets("package-lock.json", json.dumps(lock, indent=2)) == []
    assert secrets("config/deps.json", json.dumps(lock, indent=2)) == []


def test_requirements_with_credentials_in_an_index_url() -> None:
    text = "--index-url https://deploy:x9Kq2mVt7LpR4wZs@pypi.internal/simple\nrequests==2.31.0\n"
    facts = inspect("requirements.txt", text.encode(), "r.txt")
    assert [s.line for s in facts.secrets] == [1]
    assert len(facts.dependencies) == 1


def test_documentation_named_files_need_a_real_token_shape() -> None:
    doc = json.dumps({"Password": "Vq7mLp2xRt", "Token": STRIPE}, indent=1)
    assert lines("data/examples-1.json", doc) == [3]


def test_binary_members_are_not_searched() -> None:
    data = b"\0\x01\x02" + f'password = "Vq7mLp2xRt"\n{STRIPE}'.encode()
    assert secrets("app/blob.json", data) == []


def test_each_secret_once_and_never_stored() -> None:
    text = f'a = "{STRIPE}"; password = "Vq7mLp2xRt"\nSTRIPE_KEY = "{STRIPE}"\n'
    found = secrets("app/x.py", text)
    assert [(s.line, s.masked) for s in found] == [
        (1, mask(STRIPE)),
        (1, mask("Vq7mLp2xRt")),
        (2, mask(STRIPE)),  # found by shape and by name: reported once
    ]
    assert STRIPE not in repr(found) and "Vq7mLp2xRt" not in repr(found)


def test_minified_bundle_is_searched_near_each_candidate() -> None:
    filler = "var a=function(b){return b+1};" * 40_000  # ~1.2 MB on one line
    bundle = (
        "/*! license */" + filler + f'const s="{STRIPE}";' + filler + 'db={password:"Vq7mLp2xRt"};'
    )
    found = secrets("dist/index.js", bundle)
    assert [(s.line, s.masked) for s in found] == [(1, mask(STRIPE)), (1, mask("Vq7mLp2xRt"))]


def test_pgpass_lines_end_with_the_password() -> None:
    text = "db.internal:5432:app:app:Hq8vX2mK9pLt\n*:*:*:dev:changeme\n"
    assert lines(".pgpass", text) == [1]
