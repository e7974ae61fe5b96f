"""Benchmark: `cassette validate` over the corpus, against the orjson-parse floor.

Run as a script: `.venv/bin/python tests/bench/bench_validate.py`. Four timings, each the
median of several runs beside a floor measured in the same run (a bare Python process
that orjson-parses the same files):
- the corpus (524 files), the target ratio 1.2;
- the corpus copied 4 times into a temporary directory, where the CLI's fixed start-up
  cost weighs less;
- one small file: that fixed cost alone (Python, typer, the rule modules), which no
  ratio on a small library can go below.
Peak memory (largest process of the tree, workers included) is printed for the corpus
and for the 4 copies: streaming keeps it flat as the library grows. So is CPU time (user
+ system, workers included) against the floor's: on a shared machine wall time depends on
what else runs, CPU time much less, and it shows what the second core has to absorb.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make `tests.bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import (
    CASSETTE,
    CORPUS,
    REPO_ROOT,
    floor_args,
    median_time,
    peak_memory_kib,
    report,
)

TARGET = 1.2
COPIES = 4


def cpu_seconds(args: list[str]) -> float:
    """User + system time of a command and the workers it waited for; median of 5."""
    times = []
    for _ in range(5):
        process = subprocess.Popen(
            args, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, _, usage = os.wait4(process.pid, 0)
        times.append(usage.ru_utime + usage.ru_stime)
    return statistics.median(times)


def validate(*paths: Path) -> list[str]:
    """The JSON recordings only, as the orjson floor reads them (`bench_vcr_check` times
    the VCR cassettes against theirs)."""
    args = [*CASSETTE, "validate", *map(str, paths), "--format", "json", "--no-cache"]
    return [*args, "--glob", "*.json"]


def main() -> int:
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}; set CASSETTE_CORPUS", file=sys.stderr)
        return 2
    floor = median_time(floor_args(CORPUS))
    ok = report("validate (corpus)", median_time(validate(CORPUS)), floor, TARGET)
    one = REPO_ROOT / "sample_cassettes" / "openai-model-list.json"
    report("validate (one file: start-up)", median_time(validate(one)), floor, TARGET)
    cpu, cpu_floor = cpu_seconds(validate(CORPUS)), cpu_seconds(floor_args(CORPUS))
    print(f"CPU time (corpus): {cpu * 1000:.0f} ms, floor {cpu_floor * 1000:.0f} ms, ", end="")
    print(f"ratio {cpu / cpu_floor:.2f}")
    corpus_memory = peak_memory_kib(validate(CORPUS))
    with tempfile.TemporaryDirectory() as scratch:
        copies = Path(scratch)
        for index in range(COPIES):
            shutil.copytree(CORPUS, copies / f"copy-{index}")
        copies_floor = median_time(floor_args(copies), repeat=5)
        copies_time = median_time(validate(copies), repeat=5)
        report(f"validate (corpus x{COPIES})", copies_time, copies_floor, TARGET)
        copies_memory = peak_memory_kib(validate(copies))
        floor_memory = peak_memory_kib(floor_args(copies))
    print(f"peak memory: corpus {corpus_memory / 1024:.1f} MiB, ", end="")
    print(f"corpus x{COPIES} {copies_memory / 1024:.1f} MiB ", end="")
    print(f"(floor on x{COPIES}: {floor_memory / 1024:.1f} MiB)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
