"""Network decisions on the tricky spellings of hosts, without any traffic."""

from __future__ import annotations

import pytest
from fnguard_runtime import GuardConfigError, NetworkPolicy
from fnguard_runtime._network import NetworkGuard, _normalise

RULES = ["api.example.com:443", "*.internal.example.com", "10.0.0.0/8:5432", "[fd00::1]:8080",
         "192.0.2.7"]


@pytest.fixture
def net() -> NetworkGuard:
    return NetworkGuard(NetworkPolicy(allow=RULES))


@pytest.mark.parametrize("host", [
    "169.254.169.254", "0251.0376.0251.0376", "2852039166", "0xa9.0xfe.0xa9.0xfe",
    "::ffff:169.254.169.254", "[fd00:ec2::254]", "fd00:ec2:0:0:0:0:0:254",
    "METADATA.GOOGLE.INTERNAL.", "169.254.170.2",
])
def test_metadata_in_every_spelling_is_denied(host: str) -> None:
    guard = NetworkGuard(NetworkPolicy(allow=None))
    reason = guard.decide(_normalise(host), 80)
    assert reason is not None and "metadata" in reason


@pytest.mark.parametrize("host, port, allowed", [
    ("api.example.com", 443, True),
    ("API.Example.COM.", 443, True),
    ("api.example.com", 80, False),          # port not listed
    ("api.example.com", None, True),         # name lookup without a port
    ("db.internal.example.com", 5432, True),  # suffix rule, any port
    ("internal.example.com", 443, False),     # *.suffix does not match the bare domain
    ("badinternal.example.com", 443, False),
    ("10.1.2.3", 5432, True),
    ("10.1.2.3", 22, False),
    ("11.0.0.1", 5432, False),
    ("fd00::1", 8080, True),
    ("fd00::2", 8080, False),
    ("192.0.2.7", 9999, True),
    ("192.0.2.8", 9999, False),
])
def test_rules(net: NetworkGuard, host: str, port: int | None, allowed: bool) -> None:
    assert (net.decide(_normalise(host), port) is None) is allowed


def test_bad_rules_are_refused() -> None:
    with pytest.raises(GuardConfigError):
        NetworkGuard(NetworkPolicy(allow=["api.example.com:https"]))
    with pytest.raises(GuardConfigError):
        NetworkGuard(NetworkPolicy(allow=[":443"]))
