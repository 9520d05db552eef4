"""fnguard: find what is really wrong with serverless functions, and say how to fix it."""

__version__ = "0.1.0"
