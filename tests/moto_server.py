"""A moto server in its own process, on 127.0.0.1 and a free port, for tests that talk to
AWS through boto3.

    with moto_server() as endpoint:
        boto3.client("s3", endpoint_url=endpoint, ...)

Reusable from any test folder: import this module (the tests/ folder on sys.path) and wrap
`moto_server()` in a fixture of the scope you need.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["AWS_TEST_ENV", "free_port", "moto_server"]

# Credentials and region moto accepts; nothing here is a real secret.
AWS_TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


# Never through a proxy: the server is on this machine.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _command(port: int) -> list[str]:
    script = shutil.which("moto_server", path=os.path.dirname(sys.executable)) or shutil.which(
        "moto_server"
    )
    if script:
        return [script, "-H", "127.0.0.1", "-p", str(port)]
    return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]


@contextlib.contextmanager
def moto_server(startup_timeout: float = 30.0) -> Iterator[str]:
    """Start moto_server, wait until it answers, yield its endpoint URL, stop it after."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    env = {**os.environ, **AWS_TEST_ENV}
    # The server logs every request on stderr: a pipe nobody reads would fill (~64 KB) and
    # block it, so the log goes to a file that is read only if the server dies at start-up.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(_command(port), env=env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            _wait_until_up(process, endpoint, log, startup_timeout)
            yield endpoint
        finally:
            process.kill()
            process.wait(timeout=10)


def _wait_until_up(
    process: subprocess.Popen[bytes], endpoint: str, log: IO[bytes], timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            log.seek(0)
            error = log.read().decode(errors="replace")
            raise RuntimeError(f"moto_server exited with {process.returncode}: {error}")
        try:
            with _DIRECT.open(f"{endpoint}/moto-api/", timeout=1):
                return
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                raise RuntimeError(f"moto_server did not answer on {endpoint}") from None
            time.sleep(0.1)
