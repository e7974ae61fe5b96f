"""Benchmark: `cassette ls` over the VCR corpus against a libyaml floor, in one run.

Run: .venv/bin/python -m tests.bench.bench_ls_vcr
- ls over `<corpus>/vcr` vs a bare Python process that `yaml.load(..., Loader=CSafeLoader)`s
  the same files (target <= 1.3): what is left over the floor is start-up, decoding the
  bodies and reassembling the transcripts. Reading parses each file once (anchor checks
  scan bytes at `find` speed), so the ratio shrinks as the library grows.
- peak memory of both, for the record.
"""

from __future__ import annotations

import sys

from tests.bench.common import CASSETTE, CORPUS, PYTHON, median_time, peak_memory_kib, report

TARGET = 1.3

# The floor: parse every YAML file under the roots with libyaml, as the reader must.
FLOOR_SCRIPT = """
import os, sys, yaml
for root in sys.argv[1:]:
    for directory, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if name.endswith((".yaml", ".yml")):
                with open(os.path.join(directory, name), "rb") as handle:
                    yaml.load(handle.read(), Loader=yaml.CSafeLoader)
"""


def main() -> int:
    corpus = CORPUS / "vcr"
    if not corpus.is_dir():
        print(f"VCR corpus not found at {corpus}; set CASSETTE_CORPUS")
        return 2
    floor_args = [PYTHON, "-c", FLOOR_SCRIPT, str(corpus)]
    ls_args = [*CASSETTE, "ls", str(corpus), "--no-cache"]
    floor = median_time(floor_args)
    ls = median_time(ls_args)
    ok = report("ls <corpus>/vcr", ls, floor, TARGET)
    ls_memory, floor_memory = peak_memory_kib(ls_args), peak_memory_kib(floor_args)
    print(f"{'peak memory':<40} {ls_memory // 1024:8d} MiB  floor {floor_memory // 1024:6d} MiB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
