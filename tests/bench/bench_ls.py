"""Benchmark: `cassette ls` and `cassette --version` against their floors, in one run.

Run: .venv/bin/python -m tests.bench.bench_ls
- ls over the corpus's JSON vs a bare Python process that orjson-parses the same files
  (target <= 1.5); its VCR cassettes have their own benchmark (`bench_ls_vcr`)
- --version vs `python -c "import typer"` (target <= 1.3)
"""

from __future__ import annotations

import sys

from tests.bench.common import CASSETTE, CORPUS, PYTHON, floor_args, median_time, report


def main() -> int:
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}; set CASSETTE_CORPUS")
        return 2
    floor = median_time(floor_args(CORPUS))
    ls = median_time([*CASSETTE, "ls", str(CORPUS), "--glob", "*.json", "--no-cache"])
    typer_floor = median_time([PYTHON, "-c", "import typer"])
    version = median_time([*CASSETTE, "--version"])
    ok = report("ls <corpus>", ls, floor, 1.5)
    ok &= report("--version", version, typer_floor, 1.3)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
