"""Shared benchmark helpers: time a command against a floor measured in the same run.

Absolute times on shared machines are noise, so every figure is a ratio to a floor run
right beside it, and each timing is the median of several runs. The scripts time the
cold path (`--no-cache`), except `bench_library`, which times cold and warm runs; none
reads or writes the user's own result cache.
"""

from __future__ import annotations

import atexit
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("CASSETTE_CORPUS", REPO_ROOT.parent / "shared" / "corpus"))
PYTHON = sys.executable
CASSETTE = [PYTHON, "-m", "cli"]

# A benchmark never touches the user's result cache (bench_library sets its own per run).
os.environ["CASSETTE_CACHE_DIR"] = tempfile.mkdtemp(prefix="cassette-bench-cache-")
atexit.register(shutil.rmtree, os.environ["CASSETTE_CACHE_DIR"], True)

# Installed users have compiled .pyc files; without them every run would recompile the
# package and the figures would measure the compiler.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

# The floor: a bare Python process that orjson-parses the same files.
FLOOR_SCRIPT = """
import os, sys, orjson
for root in sys.argv[1:]:
    for directory, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".json"):
                with open(os.path.join(directory, name), "rb") as handle:
                    orjson.loads(handle.read())
"""


def run_once(args: list[str], cwd: Path = REPO_ROOT) -> tuple[float, int, int]:
    """(seconds, exit code, peak RSS in KiB of the largest process in the command's tree).

    Peak memory is each process's VmHWM, sampled every 2 ms. Not `ru_maxrss`: a child
    forked from this (large) benchmark process starts with our RSS as its maximum.
    """
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while True:
        pid, status, _ = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, _tree_peak_kib(process.pid))
        time.sleep(0.002)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, process.returncode, peak


def _tree_peak_kib(pid: int) -> int:
    """The largest VmHWM among `pid` and its descendants (0 for those already gone)."""
    peak, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending.extend(int(child) for child in children.read().split())
        except (OSError, ValueError):
            continue
    return peak


def median_time(args: list[str], repeat: int = 7, cwd: Path = REPO_ROOT) -> float:
    run_once(args, cwd)  # warm the page cache and the .pyc files
    return statistics.median(run_once(args, cwd)[0] for _ in range(repeat))


def floor_args(*paths: Path) -> list[str]:
    return [PYTHON, "-c", FLOOR_SCRIPT, *map(str, paths)]


def peak_memory_kib(args: list[str], cwd: Path = REPO_ROOT) -> int:
    """Peak RSS in KiB of the largest process in the command's tree (workers included)."""
    return run_once(args, cwd)[2]


def report(name: str, seconds: float, floor: float, target: float) -> bool:
    ratio = seconds / floor
    verdict = "ok" if ratio <= target else "OVER TARGET"
    print(
        f"{name:<40} {seconds * 1000:8.0f} ms  floor {floor * 1000:6.0f} ms  "
        f"ratio {ratio:5.2f}  (target <= {target})  {verdict}"
    )
    return ratio <= target
