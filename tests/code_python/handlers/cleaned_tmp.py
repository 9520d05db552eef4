"""RUN002 near miss: the secret file is removed after use."""

import os

import boto3

sm = boto3.client("secretsmanager")


def handler(event, context):
    pem = sm.get_secret_value(SecretId="tls")["SecretString"]
    with open("/tmp/client.pem", "w") as f:
        f.write(pem)
    try:
        return {"ok": True}
    finally:
        os.remove("/tmp/client.pem")
