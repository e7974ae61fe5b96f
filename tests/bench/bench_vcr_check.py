"""Benchmark: `cassette scrub --check` and `cassette validate` over the VCR corpus, each
against the libyaml parse floor, in one run.

Run: .venv/bin/python -m tests.bench.bench_vcr_check
- The floor is a bare Python process that `yaml.load(..., Loader=CSafeLoader)`s the same
  files (`bench_ls_vcr.FLOOR_SCRIPT`): what reading them costs at the least. Target
  <= 1.5 for each command: what is left over the floor is start-up, decoding the bodies
  and scanning every string once (scrub's quick look, validate's rules).
- Each timing is the median of runs taken turn about with the floor, so that the load of
  a shared machine weighs on both alike; CPU time (user + system) is printed beside it,
  which depends much less on what else runs.
- The corpus holds real findings (cookies, organization ids, see the README), so both
  commands exit 1 here; that is checked, not timed apart.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make `tests.bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.bench_ls_vcr import FLOOR_SCRIPT
from tests.bench.bench_scrub import cpu_seconds, interleaved
from tests.bench.common import CASSETTE, CORPUS, PYTHON, report, run_once

TARGET = 1.5


def main() -> int:
    corpus = CORPUS / "vcr"
    if not corpus.is_dir():
        print(f"VCR corpus not found at {corpus}; set CASSETTE_CORPUS", file=sys.stderr)
        return 2
    floor = [PYTHON, "-c", FLOOR_SCRIPT, str(corpus)]
    commands = {
        "scrub --check <corpus>/vcr": [*CASSETTE, "scrub", "--check", "--no-cache", str(corpus)],
        "validate <corpus>/vcr": [*CASSETTE, "validate", "--no-cache", str(corpus)],
    }
    ok = True
    floor_cpu = cpu_seconds(floor)
    for name, args in commands.items():
        assert run_once(args)[1] == 1, f"{name}: the corpus's real findings should exit 1"
        seconds, floor_seconds = interleaved(args, floor, repeat=7)
        ok &= report(name, seconds, floor_seconds, TARGET)
        cpu = cpu_seconds(args)
        print(f"{'  cpu time':<40} {cpu * 1000:8.0f} ms  floor {floor_cpu * 1000:6.0f} ms")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
