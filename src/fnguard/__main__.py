"""``python -m fnguard`` is the ``fnguard`` command."""

import sys

from fnguard.cli import main

sys.exit(main())
