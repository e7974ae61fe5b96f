"""Benchmark: `cassette scrub --check` over the corpus, against the orjson-parse floor.

Run as a script: `.venv/bin/python tests/bench/bench_scrub.py`. Each timing is the median
of runs taken turn about with a floor (a bare Python process that orjson-parses the same
files), so that the machine's load weighs on both alike:
- the corpus (524 files, nothing to scrub: the pre-commit case), target ratio 2;
- one small file: the fixed start-up cost (Python, typer, the command), for reference;
- the corpus with a `--pattern`, which the quick look then runs on every string, for
  reference.
CPU time (user + system, workers included) of the corpus run is printed beside the
floor's too: on a shared machine wall time depends on what else runs, CPU time much less.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make `tests.bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import CASSETTE, CORPUS, REPO_ROOT, floor_args, report, run_once

TARGET = 2.0


def scrub(*args: str | Path) -> list[str]:
    """The JSON recordings only, as the orjson floor reads them (`bench_vcr_check` times
    the VCR cassettes against theirs)."""
    return [*CASSETTE, "scrub", "--check", "--no-cache", "--glob", "*.json", *map(str, args)]


def interleaved(args: list[str], floor: list[str], repeat: int = 11) -> tuple[float, float]:
    """Median seconds of the command and of its floor, run turn about."""
    run_once(args), run_once(floor)  # warm the page cache and the .pyc files
    times = [(run_once(args)[0], run_once(floor)[0]) for _ in range(repeat)]
    return statistics.median(t for t, _ in times), statistics.median(f for _, f in times)


def cpu_seconds(args: list[str]) -> float:
    """User + system time of a command and the workers it waited for; median of 7."""
    times = []
    for _ in range(7):
        process = subprocess.Popen(
            args, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, _, usage = os.wait4(process.pid, 0)
        times.append(usage.ru_utime + usage.ru_stime)
    return statistics.median(times)


def main() -> int:
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}; set CASSETTE_CORPUS", file=sys.stderr)
        return 2
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # users run from .pyc files
    assert run_once(scrub(CORPUS))[1] == 0, "the corpus should hold nothing to scrub"
    floor = floor_args(CORPUS)
    one = REPO_ROOT / "sample_cassettes" / "openai-model-list.json"
    ok = True
    for label, args, counts in (
        ("scrub --check (corpus)", scrub(CORPUS), True),
        ("scrub --check (one file: start-up)", scrub(one), False),
        ("scrub --check --pattern (corpus)", scrub(CORPUS, "--pattern", "ACME-[0-9]{8}"), False),
    ):
        seconds, floor_seconds = interleaved(args, floor)
        verdict = report(label, seconds, floor_seconds, TARGET)
        ok &= verdict or not counts
    cpu, cpu_floor = cpu_seconds(scrub(CORPUS)), cpu_seconds(floor)
    print(f"CPU time (corpus): {cpu * 1000:.0f} ms, floor {cpu_floor * 1000:.0f} ms, ", end="")
    print(f"ratio {cpu / cpu_floor:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
