"""Secret rules decided from the handler's code: secrets written to logs (SEC004) and
insecure transport (SEC005). Merged into the SEC pack by ``fnguard.rules.secrets``.

SEC004 is a flow too: the sources are ``os.environ`` as a whole, environment variables and
variables named like credentials (``db_password``, ``API_TOKEN``; not ``secret_arn`` or
``token_count``), AWS credentials (``get_credentials()``, STS ``assume_role``), Secrets
Manager / SSM SecureString / KMS results, and the ``Authorization`` / ``Cookie`` /
``X-Api-Key`` headers of the event; the sinks are ``print``, ``logging`` and logger methods
(Powertools and structlog loggers included). Hashing, ``len()`` or a ``mask``/``redact``
call on the way makes it quiet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard.model import Provider
from fnguard.rules._base import Mappings, Rule, RuleContext, RuleMeta
from fnguard.rules.injection import code_findings, code_remediation

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fnguard.model import Finding, Inventory

__all__ = ["RULES", "SEC004", "SEC005"]

_BOTH = (Provider.AWS, Provider.GCP)

SEC004 = RuleMeta(
    id="SEC004",
    title="Code writes secrets to logs",
    impact=8,
    area="secrets",
    providers=_BOTH,
    description=(
        "The handler prints or logs a secret: the whole os.environ, an environment "
        "variable or variable named like a credential, AWS credentials, a value read from "
        "Secrets Manager, SSM SecureString or KMS, or the event's Authorization, Cookie or "
        "X-Api-Key header. Logs are kept for a long time and read by many more people "
        "than the secret's owners."
    ),
    remediation=code_remediation(
        "Log which secret was used, never its value: its name, or a short fingerprint.",
        """
# before: logger.info("env: %s", os.environ)
logger.info("using secret %s", secret_name)
logger.debug("token fingerprint %s", hashlib.sha256(token.encode()).hexdigest()[:8])
""",
        "SEC004",
    ),
    mappings=Mappings(iso27001=("A.5.17", "A.8.12", "A.8.15"), owasp_serverless=("SAS-7",)),
)

SEC005 = RuleMeta(
    id="SEC005",
    title="Insecure transport in code",
    impact=7,
    area="secrets",
    providers=_BOTH,
    description=(
        "The code turns TLS certificate or host name verification off (verify=False, "
        "ssl._create_unverified_context, CERT_NONE, check_hostname = False), allows "
        "protocols below TLS 1.2 (PROTOCOL_TLSv1, TLSVersion.TLSv1_1, ...), or sends "
        "requests over plain http:// to an authentication, token or secret endpoint. "
        "Loopback and the link-local metadata address are not reported."
    ),
    remediation=code_remediation(
        "Keep certificate verification on (give a CA bundle for private CAs), require TLS "
        "1.2 or later, and use https:// for anything carrying credentials.",
        """
ctx = ssl.create_default_context(cafile="/opt/ca/internal.pem")
ctx.minimum_version = ssl.TLSVersion.TLSv1_2
requests.post("https://auth.example.com/oauth/token", data=form, verify="/opt/ca/internal.pem")
""",
        "SEC005",
    ),
    mappings=Mappings(iso27001=("A.8.24", "A.8.20"), owasp_serverless=("SAS-3", "SAS-7")),
)


def _rule(meta: RuleMeta) -> Rule:
    def check(inventory: Inventory, ctx: RuleContext) -> Iterator[Finding]:
        del ctx
        return code_findings(meta, inventory)

    return Rule(meta, check)


RULES: tuple[Rule, ...] = (_rule(SEC004), _rule(SEC005))
