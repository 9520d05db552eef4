"""Python handler analysis with ``ast``: taint from the event to sinks, secrets in logs,
insecure TLS, writes outside /tmp and writes without idempotency. Never imports the code."""

from fnguard.code.python._analyser import PythonAnalyser

__all__ = ["PythonAnalyser"]
