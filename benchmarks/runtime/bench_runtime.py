"""Benchmark fnguard-runtime against Powertools for AWS Lambda, in the same run.

    python benchmarks/runtime/bench_runtime.py [--quick]

Powertools is installed by this script into its own venv under .bench/ (git-ignored), and
the working tree's runtime/ is installed there too (a regular install, so both packages
have compiled bytecode even where PYTHONDONTWRITEBYTECODE is set); both are measured with
that venv's interpreter. Measured:

1. import time: `python -X importtime` (sum of top-level entries) and whole-process wall
   time over a bare interpreter (`python -c pass`), best of N;
2. per-invocation overhead of a trivial handler: guard with validation (5-field schema),
   masking and process/filesystem/network protection on, vs Powertools' Logger with
   injected context plus its validator on the same schema;
3. the cost the guard adds to one guarded operation: open for read; open for write of a
   path already resolved in the invocation, and with the resolution cache emptied before
   each write (the first write in a folder: a full realpath); the check alone for a new file
   name in a folder already resolved (one lstat; creating files is too noisy to subtract);
   getaddrinfo; connect (a UDP socket to 127.0.0.1, so that no handshake or accept thread
   adds noise).

It prints figures and ratios; nothing asserts on them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / ".bench" / "runtime-powertools"
POWERTOOLS = ("aws-lambda-powertools", "fastjsonschema")

GUARD_IMPORT = "import fnguard_runtime"
POWERTOOLS_IMPORT = ("from aws_lambda_powertools import Logger\n"
                     "from aws_lambda_powertools.utilities.validation import validator")

SCHEMA = {
    "type": "object",
    "required": ["id", "email", "quantity"],
    "properties": {
        "id": {"type": "string", "maxLength": 64},
        "email": {"type": "string", "format": "email"},
        "quantity": {"type": "integer", "minimum": 1, "maximum": 100},
        "note": {"type": "string", "maxLength": 200},
        "gift": {"type": "boolean"},
    },
}
EVENT = {"id": "o-1", "email": "a@example.com", "quantity": 3, "note": "hi", "gift": False}

INVOCATION = '''
import json, sys, time
SCHEMA = json.loads(sys.argv[1]); EVENT = json.loads(sys.argv[2]); N = int(sys.argv[3])

class Context:
    function_name = "bench"; memory_limit_in_mb = 128; aws_request_id = "r-1"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    def get_remaining_time_in_millis(self):
        return 60000

def bare(event, context):
    return {"ok": True}

if sys.argv[4] == "guard":
    from fnguard_runtime import guard, Policy, ValidationPolicy
    handler = guard(Policy(validation=ValidationPolicy(schema=SCHEMA)))(bare)
else:
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.utilities.validation import validator
    logger = Logger(service="bench")
    handler = logger.inject_lambda_context(validator(inbound_schema=SCHEMA)(bare))

def per_call(fn):
    best = float("inf")
    context = Context()
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(N):
            fn(EVENT, context)
        best = min(best, (time.perf_counter() - start) / N)
    return best

handler(EVENT, Context())  # first call: cold-start work is not per-invocation overhead
print(json.dumps({"handler": per_call(handler), "bare": per_call(bare)}))
'''

OPERATIONS = '''
import json, os, socket, sys, time
N = int(sys.argv[1])
from fnguard_runtime import guard

# A UDP socket on 127.0.0.1: connect() is the same audited call as for TCP, without a
# handshake or an accept thread whose scheduling would drown a microsecond in noise.
server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); server.bind(("127.0.0.1", 0))
port = server.getsockname()[1]
path = "/tmp/fnguard-bench-read"
open(path, "w").write("x")

def op_read():
    open(path).close()
def op_write():
    open("/tmp/fnguard-bench-write", "w").close()
from fnguard_runtime._filesystem import resolved_cache
def op_write_uncached():  # as if each write were the first in its folder in the invocation
    resolved_cache.clear()
    open("/tmp/fnguard-bench-write", "w").close()
# Creating new files costs hundreds of microseconds and varies too much on a shared disk
# to subtract two timings; for a new name the guard's own check is timed instead.
from fnguard_runtime import FilesystemPolicy
from fnguard_runtime._filesystem import FilesystemGuard
from fnguard_runtime._hook import Enforcing
check = FilesystemGuard(FilesystemPolicy()).table()["open"]
nobody = Enforcing({})
names = iter(range(10**9))
def new_name_check():
    check(nobody, ("/tmp/fnguard-bench-new-%d" % next(names), "w", os.O_WRONLY | os.O_CREAT))
def new_name_baseline():
    "/tmp/fnguard-bench-new-%d" % next(names)
def op_getaddrinfo():
    socket.getaddrinfo("127.0.0.1", port)
def op_connect():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.connect(("127.0.0.1", port)); s.close()

def loop(op, _event=None, _context=None):
    start = time.perf_counter()
    for _ in range(N):
        op()
    return (time.perf_counter() - start) / N

guarded_loop = guard()(loop)
ops = [("open read", op_read), ("open write", op_write), ("write uncached", op_write_uncached),
       ("getaddrinfo", op_getaddrinfo), ("connect", op_connect)]
result = {"unguarded": {}, "guarded": {}}
for name, op in ops:
    plain, held = [], []
    for _ in range(9):  # interleaved rounds, best of each, so drift hits both alike
        plain.append(loop(op))
        held.append(guarded_loop(op, {}, None))
    result["unguarded"][name] = min(plain)
    result["guarded"][name] = min(held)
plain, held = [], []
for _ in range(9):
    plain.append(loop(new_name_baseline))
    held.append(loop(new_name_check))
result["unguarded"]["new name check"] = min(plain)
result["guarded"]["new name check"] = min(held)
print(json.dumps(result))
'''


def _venv_python() -> Path:
    python = BENCH / "bin" / "python"
    if not python.exists():
        print(f"creating {BENCH} and installing {', '.join(POWERTOOLS)} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(BENCH)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *POWERTOOLS], check=True)
    with tempfile.TemporaryDirectory() as tmp:  # build from a copy: no build/ in the tree
        source = Path(tmp) / "runtime"
        shutil.copytree(REPO / "runtime", source, ignore=shutil.ignore_patterns(
            "build", "*.egg-info", "__pycache__", ".mypy_cache", ".ruff_cache"))
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--force-reinstall",
                        "--no-deps", str(source)], check=True)
    return python


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FNGUARD_", "POWERTOOLS_")) and k != "PYTHONPATH"}
    env["POWERTOOLS_SERVICE_NAME"] = "bench"
    return env


def importtime_ms(python: Path, code: str, runs: int) -> float:
    """Best-of-`runs` sum of the top-level entries -X importtime reports after `site`."""
    best = float("inf")
    for _ in range(runs):
        err = subprocess.run([str(python), "-X", "importtime", "-c", code], capture_output=True,
                             text=True, env=_env(), check=True).stderr.splitlines()
        start = max(i for i, line in enumerate(err) if line.endswith("| site"))
        total = 0
        for line in err[start + 1:]:
            parts = line.split("|")
            if len(parts) == 3 and not parts[2].startswith("  "):
                total += int(parts[1])
        best = min(best, total / 1000)
    return best


def wall_ms(python: Path, codes: list[str], runs: int) -> list[tuple[float, float]]:
    """Whole-process wall time of `python -c code` for each code, runs interleaved so that
    machine load hits all alike: (best, median) in ms for each."""
    times: list[list[float]] = [[] for _ in codes]
    env = _env()
    for _ in range(runs):
        for index, code in enumerate(codes):
            start = time.perf_counter()
            subprocess.run([str(python), "-c", code], env=env, check=True)
            times[index].append((time.perf_counter() - start) * 1000)
    return [(min(t), statistics.median(t)) for t in times]


def invocation_us(python: Path, which: str, calls: int) -> float:
    done = subprocess.run([str(python), "-c", INVOCATION, json.dumps(SCHEMA), json.dumps(EVENT),
                           str(calls), which], capture_output=True, text=True, env=_env(),
                          check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return (figures["handler"] - figures["bare"]) * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description="fnguard-runtime vs Powertools benchmark")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    runs, calls, ops = (7, 2000, 2000) if args.quick else (25, 20000, 20000)
    python = _venv_python()
    probe = ("from importlib.metadata import version; import sys; "
             "print(version('aws-lambda-powertools'), sys.version.split()[0])")
    version = subprocess.run([str(python), "-c", probe], capture_output=True, text=True,
                             env=_env()).stdout.strip()
    print(f"interpreter: {python} (powertools, python = {version})")

    print("\n1. import time (ms over a bare interpreter)")
    guard_it = importtime_ms(python, GUARD_IMPORT, runs)
    pt_it = importtime_ms(python, POWERTOOLS_IMPORT, runs)
    print(f"   -X importtime   guard {guard_it:7.2f}   powertools {pt_it:7.2f}   "
          f"ratio {pt_it / guard_it:5.1f}x")
    bare, guard_wall, pt_wall = wall_ms(python, ["pass", GUARD_IMPORT, POWERTOOLS_IMPORT], runs)
    for label, pick in (("best", 0), ("median", 1)):
        g, p = guard_wall[pick] - bare[pick], pt_wall[pick] - bare[pick]
        print(f"   wall ({label:6s})  guard {g:7.2f}   powertools {p:7.2f}   "
              f"ratio {p / max(g, 0.01):5.1f}x   (bare interpreter {bare[pick]:.1f} ms)")

    print("\n2. per-invocation overhead of a trivial handler (us, best of 5 loops)")
    guard_inv = invocation_us(python, "guard", calls)
    pt_inv = invocation_us(python, "powertools", max(calls // 10, 200))
    print(f"   guard {guard_inv:8.2f}   powertools {pt_inv:8.2f}   "
          f"ratio {pt_inv / guard_inv:6.1f}x")

    print("\n3. added cost per guarded operation (us; guarded minus unguarded, best of 9 "
          "interleaved loops)")
    done = subprocess.run([str(python), "-c", OPERATIONS, str(ops)], capture_output=True,
                          text=True, env=_env(), check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    for name, base in figures["unguarded"].items():
        added = (figures["guarded"][name] - base) * 1e6
        guarded = figures["guarded"][name] * 1e6
        print(f"   {name:14s} unguarded {base * 1e6:8.2f}   guarded {guarded:8.2f}   "
              f"added {added:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
