"""Talks to a partner with a strict TLS context."""

import socket
import ssl


def handler(event, context):
    ctx = ssl.create_default_context()
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    with (
        socket.create_connection(("partner.example.com", 443)) as sock,
        ctx.wrap_socket(sock, server_hostname="partner.example.com") as tls,
    ):
        tls.sendall(b"PING")
    return {"ok": True}
