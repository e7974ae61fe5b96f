"""Benchmark: `cassette rename-model --check` over the whole corpus, against the floor.

Run as a script: `.venv/bin/python tests/bench/bench_rename_model.py`. The floor is a
bare Python process that orjson-parses the same files; the target is a ratio of at most
2. A second line times the same command on an empty directory: the fixed cost of
starting the CLI, which the ratio can't go below.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make `tests.bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import CASSETTE, CORPUS, floor_args, median_time, report

OLD, NEW = "llama3.2:3b-instruct-fp16", "llama3.2:3b"
TARGET = 2.0


def main() -> int:
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}; set CASSETTE_CORPUS", file=sys.stderr)
        return 2
    floor = median_time(floor_args(CORPUS))
    seconds = median_time(
        [*CASSETTE, "rename-model", OLD, NEW, str(CORPUS), "--check", "--no-cache"]
    )
    ok = report("rename-model --check (corpus)", seconds, floor, TARGET)
    with tempfile.TemporaryDirectory() as empty:
        startup = median_time([*CASSETTE, "rename-model", OLD, NEW, empty, "--check", "--no-cache"])
    report("rename-model --check (empty dir)", startup, floor, TARGET)
    print(f"ratio {seconds / floor:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
