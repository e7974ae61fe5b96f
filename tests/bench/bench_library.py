"""Benchmark: a library the size of a real suite, cold and warm, against its parse floor.

Run: .venv/bin/python -m tests.bench.bench_library [--repeat N] [--only json|vcr|version]

The corpus is copied into a temporary folder until each library holds 3,000+ files:
its llama-stack JSON recordings 6 times (3,144 files, the size of llama-stack's own
suite), its VCR cassettes 17 times (3,009 files). For `ls`, `validate` and
`scrub --check` on each:
- cold: every run with a new, empty cache directory (target <= 2.0 x the floor);
- warm: the same command again with nothing changed (target <= 0.5 x the floor): the
  answer is given again (`cli.core.answers`);
- warm with one file changed (information): no answer to give again, so the per-file
  entries of the result cache answer, and the changed file is read.
"On an empty directory" is the app's start-up (`--no-cache`: not a replay).
The floor is a bare Python process that parses the same files: orjson for JSON, PyYAML's
libyaml loader for VCR. And `cassette --version` against `python -c "import typer"`
(target <= 1.3).

Each figure is measured in one run, the floor and the commands turn about (floor, cold,
warm, floor, ...), so that the load of a shared machine weighs on all alike. Printed:
the median ratio, the spread of the per-turn ratios (min-max), the median times, and
the load average before and after (re-run when it is high).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make `tests.bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.bench_ls_vcr import FLOOR_SCRIPT as YAML_FLOOR
from tests.bench.common import CASSETTE, CORPUS, PYTHON, REPO_ROOT, floor_args

JSON_COPIES, VCR_COPIES = 6, 17
COLD, WARM, VERSION = 2.0, 0.5, 1.3
COMMANDS = {"ls": ["ls"], "validate": ["validate"], "scrub --check": ["scrub", "--check"]}


def make_library(target: Path, sources: list[Path], copies: int) -> int:
    for number in range(copies):
        for source in sources:
            copy = target / f"copy-{number}" / source.name
            shutil.copytree(source, copy, copy_function=shutil.copyfile)
    for directory, _, _ in os.walk(target):
        os.chmod(directory, 0o755)  # the corpus may be read-only: let the copy be removed
    return sum(1 for _ in target.rglob("*") if _.suffix in (".json", ".yaml", ".yml"))


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


Timing = tuple[float, float]  # (wall seconds, CPU seconds of the process and its workers)


def timed(args: list[str], env: dict[str, str] | None = None) -> Timing:
    """One run, waited for without polling (a poller would take CPU from the run)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        args, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, _, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def turns(
    runs: dict[str, tuple[list[str], dict[str, str] | None]], repeat: int
) -> dict[str, list[Timing]]:
    """Timings of each labelled run, `repeat` times, the runs turn about."""
    times: dict[str, list[Timing]] = {label: [] for label in runs}
    for _ in range(repeat):
        for label, (args, env) in runs.items():
            times[label].append(timed(args, env))
    return times


def verdict(label: str, mine: list[Timing], floor: list[Timing], target: float | None) -> bool:
    """The median wall-time ratio against the target, its spread, and the CPU-time ratio
    beside it (steadier on a busy machine; a pool's workers are counted in)."""
    ratios = [ours[0] / base[0] for ours, base in zip(mine, floor, strict=True)]
    cpu = statistics.median(ours[1] / base[1] for ours, base in zip(mine, floor, strict=True))
    ratio = statistics.median(ratios)
    ok = target is None or ratio <= target
    judged = "(information)" if target is None else f"(target <= {target})  "
    judged += "" if target is None else ("ok" if ok else "OVER TARGET")
    print(
        f"  {label:<34} {statistics.median(t[0] for t in mine) * 1000:6.0f} ms  "
        f"floor {statistics.median(t[0] for t in floor) * 1000:5.0f} ms  ratio {ratio:5.2f} "
        f"[{min(ratios):.2f}-{max(ratios):.2f}]  cpu {cpu:5.2f}  {judged}"
    )
    return ok


def bench_library(kind: str, library: Path, floor: list[str], scratch: Path, repeat: int) -> bool:
    ok = True
    for name, words in COMMANDS.items():
        args = [*CASSETTE, *words, str(library)]
        warm_dir = scratch / f"warm-{kind}-{name}"
        warm_env = {**os.environ, "CASSETTE_CACHE_DIR": str(warm_dir)}
        timed(floor), timed(args, warm_env)  # page cache, .pyc files, the warm cache
        times: dict[str, list[Timing]] = {"floor": [], "cold": [], "warm": [], "touched": []}
        touched = next(library.rglob("*.json" if kind == "json" else "*.yaml"))
        for turn in range(repeat):
            cold_dir = scratch / f"cold-{kind}-{name}-{turn}"  # new and empty: a cold run
            cold_env = {**os.environ, "CASSETTE_CACHE_DIR": str(cold_dir)}
            times["floor"].append(timed(floor))
            times["cold"].append(timed(args, cold_env))
            times["warm"].append(timed(args, warm_env))
            with open(touched, "ab") as handle:  # one file changed: no answer to give again
                handle.write(b"\n")
            times["touched"].append(timed(args, warm_env))
            shutil.rmtree(cold_dir, ignore_errors=True)
        ok &= verdict(f"{name} (cold)", times["cold"], times["floor"], COLD)
        ok &= verdict(f"{name} (warm)", times["warm"], times["floor"], WARM)
        verdict(f"{name} (warm, 1 file changed)", times["touched"], times["floor"], None)
        empty = scratch / "empty"
        empty.mkdir(exist_ok=True)
        startup = [*CASSETTE, *words, str(empty), "--no-cache"]  # the app, not an answer
        start = statistics.median(timed(startup)[0] for _ in range(5))
        share = start / statistics.median(t[0] for t in times["floor"])
        print(
            f"  {name} on an empty directory (start-up alone): {start * 1000:.0f} ms, {share:.2f}x"
        )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="turns per figure (default 7)")
    parser.add_argument("--only", choices=["json", "vcr", "version"], help="one part only")
    options = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}; set CASSETTE_CORPUS")
        return 2
    print(f"load average before: {load()}")
    ok = True
    with tempfile.TemporaryDirectory(prefix="cassette-bench-") as tmp:
        scratch = Path(tmp)
        if options.only in (None, "version"):
            print("start-up")
            times = turns(
                {
                    "typer": ([PYTHON, "-c", "import typer"], None),
                    "version": ([*CASSETTE, "--version"], None),
                },
                options.repeat * 2,
            )
            ok &= verdict("--version vs import typer", times["version"], times["typer"], VERSION)
        if options.only in (None, "json"):
            library = scratch / "json"
            sources = sorted(p for p in CORPUS.iterdir() if p.is_dir() and p.name != "vcr")
            count = make_library(library, sources, JSON_COPIES)
            print(f"llama-stack JSON: {count:,} files (the corpus's JSON x{JSON_COPIES})")
            ok &= bench_library("json", library, floor_args(library), scratch, options.repeat)
        if options.only in (None, "vcr"):
            library = scratch / "vcr"
            count = make_library(library, [CORPUS / "vcr"], VCR_COPIES)
            print(f"VCR.py YAML: {count:,} files (the corpus's VCR cassettes x{VCR_COPIES})")
            floor = [PYTHON, "-c", YAML_FLOOR, str(library)]
            ok &= bench_library("vcr", library, floor, scratch, max(3, options.repeat // 2))
    print(f"load average after: {load()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
