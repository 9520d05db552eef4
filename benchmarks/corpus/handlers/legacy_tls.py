"""Talks to a legacy partner with an old TLS setup."""

import socket
import ssl


def handler(event, context):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
    ctx.check_hostname = False
    with (
        socket.create_connection(("legacy.example.com", 443)) as sock,
        ctx.wrap_socket(sock) as tls,
    ):
        tls.sendall(b"PING")
    return {"ok": True}
