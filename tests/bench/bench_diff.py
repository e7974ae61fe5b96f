"""Benchmark: `cassette diff` of two libraries against the floor of parsing both trees.

Run: .venv/bin/python -m tests.bench.bench_diff
- the corpus vs an identical copy (target <= 3): the common case of a re-record that
  changed little; identical files must cost no more than reading them.
- the corpus vs a copy rewritten with another indent (same JSON, every file's bytes
  differ), so that every pair is parsed and compared on the worker pool. Reported for
  information only (its own target is not part of the verdict): with two workers on two
  shared cores it swings with the machine's load.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from tests.bench.common import CASSETTE, CORPUS, floor_args, report, run_once

TARGET_IDENTICAL = 3.0
TARGET_REWRITTEN = 6.0


def rewrite(tree: Path) -> None:
    """Every cassette re-serialized with indent 1: the same JSON in different bytes."""
    for path in tree.rglob("*.json"):
        path.write_text(json.dumps(json.loads(path.read_text()), indent=1) + "\n")


def interleaved(args: list[str], floor: list[str], repeat: int = 11) -> tuple[float, float]:
    """Median seconds of the command and of its floor, run turn about, so that a change
    in the machine's load during the run weighs on both alike."""
    run_once(args), run_once(floor)  # warm the page cache and the .pyc files
    times = [(run_once(args)[0], run_once(floor)[0]) for _ in range(repeat)]
    return statistics.median(t for t, _ in times), statistics.median(f for _, f in times)


def main() -> int:
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}; set CASSETTE_CORPUS")
        return 2
    # Installed code runs from .pyc files; without them every run would compile the
    # package first, which no user pays. (__pycache__ is git-ignored.)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as tmp:
        identical, rewritten = Path(tmp) / "identical", Path(tmp) / "rewritten"
        shutil.copytree(CORPUS, identical)
        shutil.copytree(CORPUS, rewritten)
        rewrite(rewritten)
        verdict = True
        for copy, target, label in (
            (identical, TARGET_IDENTICAL, "diff <corpus> <identical copy>"),
            (rewritten, TARGET_REWRITTEN, "diff <corpus> <re-indented copy>"),
        ):
            args = [*CASSETTE, "diff", str(CORPUS), str(copy)]
            code = run_once(args)[1]
            if code != 0:
                print(f"{label}: exit code {code}, expected 0 (no differences)")
                return 1
            seconds, floor = interleaved(args, floor_args(CORPUS, copy))
            ok = report(label, seconds, floor, target)
            verdict = verdict and (ok or copy is rewritten)
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
