"""SEC005: transport settings."""

import ssl

import requests
import urllib3

AUTH_URL = "http://auth.example.com/oauth/token"  # expect: SEC005
METADATA = "http://169.254.169.254/latest/api/token"  # near miss: link-local metadata


def handler(event, context):
    requests.get("https://internal.example.com", verify=False, timeout=5)  # expect: SEC005
    ctx = ssl.create_default_context()
    ctx.check_hostname = False  # expect: SEC005
    ctx.verify_mode = ssl.CERT_NONE  # expect: SEC005
    ctx.minimum_version = ssl.TLSVersion.TLSv1_1  # expect: SEC005
    legacy = ssl._create_unverified_context()  # expect: SEC005
    pool = urllib3.PoolManager(cert_reqs="CERT_NONE")  # expect: SEC005
    good = ssl.create_default_context()
    good.minimum_version = ssl.TLSVersion.TLSv1_2  # near miss: TLS 1.2
    requests.get("https://api.example.com", verify=True, timeout=5)  # near miss
    requests.get("http://localhost:2773/secretsmanager/get", timeout=5)  # near miss: loopback
    return pool, legacy
