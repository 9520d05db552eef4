"""``python -m fnguard`` is the ``fnguard`` command."""

from fnguard.cli import run

run()
