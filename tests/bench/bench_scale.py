"""Benchmark: cassette at scale, one big file and one big library.

Run: .venv/bin/python tests/bench/bench_scale.py [big|library] [--files N]

(a) One cassette of 200,000 chat chunks (~50 MB, compact, one line). Peak memory of
    `show`, `validate` and `diff` (against a copy) as a multiple of the file's size
    (target <= 3), beside the floor of parsing it whole with orjson. And `show` must print
    before it has read the file: its time to first byte against its whole run, and how
    much it had read by then (/proc/<pid>/io rchar, imports included) against the size.
(b) A library of 50,000 small cassettes (the samples, each request varied, hash-named,
    50 directories). `ls`, `validate` and `scrub --check` timed against the floor of a
    bare Python process that orjson-parses the same files (ratios, medians of 3), and
    their peak memory on 12,500 files against 50,000 (target: flat, <= 1.25x).
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

if __package__ in (None, ""):  # run as a file: make `tests.bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import CASSETTE, REPO_ROOT, floor_args, run_once

CHUNKS = 200_000
LIBRARY = 50_000
MEMORY_TARGET = 3.0  # peak RSS / file size
FLAT_TARGET = 1.25  # peak RSS at 50,000 files / at 12,500
CHUNK_TYPE = "openai.types.chat.chat_completion_chunk.ChatCompletionChunk"
MB = 1024 * 1024


# (a) one big file --------------------------------------------------------------------


def _chunk(number: int, last: bool) -> dict:
    delta = {"content": f"w{number} ", "role": "assistant" if number == 0 else None}
    return {
        "__type__": CHUNK_TYPE,
        "__data__": {
            "id": "chatcmpl-8f2a",
            "choices": [{"index": 0, "delta": delta, "finish_reason": "stop" if last else None}],
            "created": 1_759_000_000 + number // 1000,
            "model": "llama-3.3-70b",
            "object": "chat.completion.chunk",
            "usage": {"prompt_tokens": 12, "completion_tokens": number + 1} if last else None,
        },
    }


def write_big(path: Path, chunks: int = CHUNKS) -> None:
    """Written a chunk at a time: the generator must not need the memory it measures."""
    request = {
        "method": "POST",
        "url": "http://localhost:8000/v1/v1/chat/completions",
        "headers": {},
        "body": {
            "model": "llama-3.3-70b",
            "messages": [{"role": "user", "content": "Count, one word per number."}],
            "stream": True,
        },
        "endpoint": "/v1/chat/completions",
        "model": "llama-3.3-70b",
    }
    with open(path, "wb") as out:
        out.write(b'{"request":' + orjson.dumps(request) + b',"response":{"body":[')
        for number in range(chunks):
            out.write(
                (b"," if number else b"") + orjson.dumps(_chunk(number, number == chunks - 1))
            )
        out.write(b'],"is_streaming":true}}')


def first_output(args: list[str]) -> tuple[float, float, int, int]:
    """(seconds to the first byte on stdout, seconds in all, bytes read by then, peak KiB)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        args, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert process.stdout is not None
    process.stdout.read(1)
    first = time.perf_counter() - start
    read_then = _rchar(process.pid)
    process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return first, time.perf_counter() - start, read_then, usage.ru_maxrss


def _rchar(pid: int) -> int:
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    return -1


def bench_big(tmp: Path) -> bool:
    big, twin = tmp / "big.json", tmp / "twin.json"
    write_big(big)
    twin.write_bytes(big.read_bytes())
    size = big.stat().st_size
    print(f"(a) one cassette: {CHUNKS:,} chunks, {size / MB:.1f} MB, one line")
    run_once(floor_args(tmp))  # warm the page cache
    ok = True
    floor_seconds, _, floor_kib = run_once(
        [sys.executable, "-c", f"import orjson; orjson.loads(open({str(big)!r}, 'rb').read())"]
    )
    print(
        f"  {'orjson.loads (floor, whole file)':<34} {floor_seconds:6.1f} s  "
        f"peak {floor_kib / 1024:6.0f} MB  {floor_kib * 1024 / size:5.2f}x size"
    )
    for label, args in (
        ("show", [*CASSETTE, "show", str(big)]),
        ("validate", [*CASSETTE, "validate", str(big), "--no-cache"]),
        ("diff (vs a copy)", [*CASSETTE, "diff", str(big), str(twin)]),
    ):
        seconds, code, kib = run_once(args)
        ratio = kib * 1024 / size
        verdict = "ok" if ratio <= MEMORY_TARGET and code in (0, 1) else "OVER TARGET"
        ok &= verdict == "ok"
        print(
            f"  {label:<34} {seconds:6.1f} s  peak {kib / 1024:6.0f} MB  {ratio:5.2f}x size"
            f"  (target <= {MEMORY_TARGET})  exit {code}  {verdict}"
        )
    first, total, read_then, _ = first_output([*CASSETTE, "show", str(big)])
    early = read_then < size and first < total / 2
    ok &= early
    print(
        f"  show: first byte after {first:.2f} s of {total:.1f} s ({first / total:.0%}); "
        f"read by then {read_then / MB:.1f} MB of {size / MB:.1f} MB  "
        f"{'ok' if early else 'NOT BEFORE READING'}"
    )
    return ok


# (b) one big library -----------------------------------------------------------------


def write_library(root: Path, count: int) -> None:
    """`count` cassettes made from the samples, each request varied, named by its hash."""
    from cli.core.formats.llamastack import codec, hashing

    samples = [codec.read(path) for path in sorted((REPO_ROOT / "sample_cassettes").glob("*.json"))]
    for number in range(count):
        value, raw = samples[number % len(samples)]
        data = copy.deepcopy(value)
        request = data["request"]
        target = request.get("body") if isinstance(request.get("body"), dict) else request
        target["user"] = f"bench-{number}"
        name = hashing.expected_name(data, hashing.SCHEME_2025) or f"{number:06d}.json"
        directory = root / f"suite-{number // (count // 50 or 1):02d}"
        directory.mkdir(parents=True, exist_ok=True)
        (directory / name).write_bytes(codec.dump(data, codec.detect_style(raw, value)))


def quarter(full: Path, part: Path, count: int) -> None:
    """The first `count` files of `full`, hard-linked in the same layout."""
    paths = sorted(full.rglob("*.json"))[:count]
    for path in paths:
        target = part / path.relative_to(full)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(path, target)


def median_run(args: list[str], repeat: int = 3) -> tuple[float, int]:
    runs = [run_once(args) for _ in range(repeat)]
    return statistics.median(seconds for seconds, _, _ in runs), max(kib for _, _, kib in runs)


def bench_library(tmp: Path, count: int) -> bool:
    full, part = tmp / "full", tmp / "part"
    started = time.perf_counter()
    write_library(full, count)
    quarter(full, part, count // 4)
    print(f"(b) one library: {count:,} cassettes (made in {time.perf_counter() - started:.0f} s)")
    run_once(floor_args(full))  # warm the page cache
    ok = True
    floor, floor_kib = median_run(floor_args(full))
    label = "orjson parse of every file (floor)"
    print(f"  {label:<34} {floor:6.1f} s  peak {floor_kib / 1024:5.0f} MB")
    for label, args in (
        ("ls", ["ls"]),
        ("validate", ["validate"]),
        ("scrub --check", ["scrub", "--check"]),
    ):
        command = [*CASSETTE, args[0], "{}", *args[1:], "--no-cache"]
        seconds, kib = median_run([arg.replace("{}", str(full)) for arg in command])
        _, part_kib = median_run([arg.replace("{}", str(part)) for arg in command], repeat=1)
        growth = kib / part_kib
        flat = growth <= FLAT_TARGET
        ok &= flat
        print(
            f"  {label:<34} {seconds:6.1f} s  ratio {seconds / floor:5.2f}  "
            f"peak {part_kib / 1024:5.0f} MB at {count // 4:,} files, {kib / 1024:5.0f} MB at "
            f"{count:,} ({growth:4.2f}x, target <= {FLAT_TARGET})  {'ok' if flat else 'NOT FLAT'}"
        )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", nargs="?", choices=["big", "library"], help="run one part only")
    parser.add_argument("--files", type=int, default=LIBRARY, help="library size")
    options = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    ok = True
    with tempfile.TemporaryDirectory(prefix="cassette-bench-") as tmp:
        if options.part in (None, "big"):
            ok &= bench_big(Path(tmp))
        if options.part in (None, "library"):
            ok &= bench_library(Path(tmp), options.files)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
