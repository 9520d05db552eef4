"""A local module the handler imports."""

import subprocess


def run(command):
    return subprocess.run(command, shell=True, check=False)  # expect: INJ001 INJ006
