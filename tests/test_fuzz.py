"""Fuzzing: random and damaged input never crashes the loader or any command.

- `codec.loads` on random bytes, and on real cassettes mutated by byte flips, truncation,
  insertion and deletion, returns a dict or raises ReadError: nothing else.
- Every command, run in-process on mutated files, ends with exit code 0, 1 or 2, never a
  traceback; the modes that write nothing (--check, --dry-run) leave every file as it was.
- Chat streams with noise (null and empty deltas, chunks without choices, usage anywhere)
  reassemble to the same conversation as without it.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli.app import app
from cli.core.formats.llamastack import codec
from cli.core.model import Interaction
from cli.core.transcript.reassemble import transcribe
from cli.errors import ReadError

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO_ROOT / "sample_cassettes").glob("*.json"))
CORPUS_PICKS = [  # small, varied: streamed chat, Ollama, embeddings, model list, 2026 tool
    "llama-stack-2025-09/0fad19b9d308.json",
    "llama-stack-2025-09/00ba04f74a96.json",
    "llama-stack-2025-09/3c0bf9ba81b2.json",
]

# Bytes that matter to a JSON reader: structure, escapes, numbers it may refuse, bad UTF-8.
TOKENS = [
    b'"',
    b"\\",
    b"\\u",
    b"\\ud800",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"null",
    b"NaN",
    b"-Infinity",
    b"1e999",
    b"123456789012345678901234567890",
    b"\x00",
    b"\xff",
    b"\xef\xbb\xbf",
    b"\xc3",
    b"\n",
    b"[" * 50,
]


def seed_files() -> list[bytes]:
    """The samples, plus a few corpus files when the corpus is there."""
    import os

    corpus = Path(os.environ.get("CASSETTE_CORPUS") or REPO_ROOT.parent / "shared" / "corpus")
    picks = [corpus / name for name in CORPUS_PICKS if (corpus / name).is_file()]
    return [path.read_bytes() for path in [*SAMPLES, *picks]]


SEEDS = seed_files()


def mutate(data: bytes, rng: random.Random) -> bytes:
    """1-6 mutations of `data`: flip, truncate, insert, delete, or a JSON token."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        if not out:
            break
        kind = rng.choice(["flip", "truncate", "insert", "delete", "token"])
        at = rng.randrange(len(out))
        if kind == "flip":
            out[at] ^= 1 << rng.randrange(8)
        elif kind == "truncate":
            del out[at:]
        elif kind == "insert":
            out[at:at] = rng.randbytes(rng.randint(1, 8))
        elif kind == "delete":
            del out[at : at + rng.randint(1, 64)]
        else:
            out[at:at] = rng.choice(TOKENS)
    return bytes(out)


def mutated() -> st.SearchStrategy[bytes]:
    """A real cassette with 1-6 mutations."""
    return st.builds(mutate, st.sampled_from(SEEDS), st.randoms(use_true_random=False))


def _loads_or_read_error(data: bytes) -> None:
    try:
        value = codec.loads(data, "fuzz.json")
    except ReadError as exc:
        message = str(exc)
        assert message.startswith("fuzz.json: ") and "\n" not in message
        return
    assert isinstance(value, dict)


# the loader --------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=512))
def test_loads_on_random_bytes_returns_a_dict_or_raises_read_error(data: bytes) -> None:
    _loads_or_read_error(data)


@settings(max_examples=300, deadline=None)
@given(data=mutated())
def test_loads_on_mutated_cassettes_returns_a_dict_or_raises_read_error(data: bytes) -> None:
    _loads_or_read_error(data)


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 100_000,  # deeper than any recursion limit
        b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
        b'{"a": 1' + b"0" * 5_000 + b"}",  # an integer longer than int() takes by default
        b'{"a": "\\ud800"}',  # a lone surrogate
        b'{"a": NaN, "b": -Infinity}',
        b"\xef\xbb\xbf\xef\xbb\xbf{}",
    ],
    ids=["deep-list", "deep-object", "huge-int", "lone-surrogate", "nan", "double-bom"],
)
def test_loads_on_hostile_json(data: bytes) -> None:
    _loads_or_read_error(data)


# every command -----------------------------------------------------------------------

RENAME = ["rename-model", "--match", "glob", "*", "renamed", "{dir}"]
MERGE = ["merge", "{dir}", "--into", "{dest}"]
# (label, argv with {file}, {other}, {dir}, {dest} placeholders)
COMMANDS: list[tuple[str, list[str]]] = [
    ("show", ["show", "{file}"]),
    ("show --format json", ["show", "{file}", "--format", "json"]),
    ("show --plain", ["show", "{file}", "--plain"]),
    ("show --raw", ["show", "{file}", "--raw"]),
    ("ls", ["ls", "{dir}"]),
    ("ls --format json", ["ls", "{dir}", "--format", "json"]),
    ("validate", ["validate", "{dir}"]),
    ("validate --format json", ["validate", "{dir}", "--format", "json"]),
    ("diff", ["diff", "{other}", "{file}"]),
    ("diff --strict", ["diff", "{other}", "{file}", "--strict", "--format", "json"]),
    ("scrub --check", ["scrub", "{dir}", "--check"]),
    ("scrub --dry-run", ["scrub", "{dir}", "--dry-run"]),
    ("rename-model --check", [*RENAME, "--check"]),
    ("rename-model --dry-run", [*RENAME, "--dry-run"]),
    ("retime --check", ["retime", "{dir}", "--shift", "-1d", "--check"]),
    ("retime --dry-run", ["retime", "{dir}", "--epoch", "--dry-run"]),
    ("normalize --check", ["normalize", "{dir}", "--check"]),
    ("normalize --dry-run", ["normalize", "{dir}", "--dry-run"]),
    ("merge --check", [*MERGE, "--check"]),
    ("merge --dry-run", [*MERGE, "--dry-run", "--on-conflict", "keep-both"]),
]


def _run(argv: list[str]) -> Any:
    runner = CliRunner()
    return runner.invoke(app, argv, catch_exceptions=False)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=mutated(), name=st.sampled_from(["0123456789ab.json", "mutated.json"]))
def test_every_command_survives_a_mutated_file(data: bytes, name: str) -> None:
    """A damaged file among good ones: each command reports it and exits 0, 1 or 2."""
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        library, dest = root / "lib", root / "dest"
        library.mkdir()
        dest.mkdir()
        shutil.copy(SAMPLES[0], library / SAMPLES[0].name)
        shutil.copy(SAMPLES[0], dest / SAMPLES[0].name)
        (library / name).write_bytes(data)
        (dest / name).write_bytes(SEEDS[0])  # a conflict for merge to report
        other = root / "other.json"
        other.write_bytes(SEEDS[0])
        before = _snapshot(root)
        places = {"{file}": library / name, "{other}": other, "{dir}": library, "{dest}": dest}
        for label, argv in COMMANDS:
            args = [str(places.get(arg, arg)) for arg in argv]
            result = _run(args)
            assert result.exit_code in (0, 1, 2), f"{label}: exit {result.exit_code}"
            assert "Traceback" not in result.stderr, f"{label}: {result.stderr}"
            assert "Traceback" not in result.stdout, label
        assert _snapshot(root) == before, "a mode that writes nothing wrote something"


# streams with noise ------------------------------------------------------------------

CHUNK = "openai.types.chat.chat_completion_chunk.ChatCompletionChunk"
NOISE = [
    {"choices": []},
    {"choices": None},
    {"choices": [{"index": 0, "delta": None}]},
    {"choices": [{"index": 0, "delta": {}}]},
    {"choices": [{"index": 0, "delta": {"content": None, "tool_calls": None}}]},
    {"choices": [{"index": 0, "delta": {"content": "", "tool_calls": []}}]},
    {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": None}]}}]},
]


def _piece(choice: int, delta: dict[str, Any] | None, finish: str | None = None) -> dict:
    return {"choices": [{"index": choice, "delta": delta, "finish_reason": finish}]}


def _split(rnd: random.Random, text: str) -> list[str]:
    cuts = sorted(rnd.sample(range(1, len(text)), min(len(text) - 1, rnd.randint(0, 6))))
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


@settings(max_examples=150, deadline=None)
@example(  # found by this test: orjson read tool arguments' 65-bit integers as floats
    texts=["0"], arguments={"": -(2**63) - 1}, noise=[], usage_at=[], rnd=random.Random(0)
)
@given(
    texts=st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=3),
    arguments=st.dictionaries(st.text(max_size=4), st.integers() | st.text(max_size=6), max_size=3),
    noise=st.lists(st.sampled_from(range(len(NOISE))), max_size=12),
    usage_at=st.lists(st.integers(0, 60), max_size=4),
    rnd=st.randoms(use_true_random=False),
)
def test_noise_in_a_stream_changes_nothing(
    texts: list[str],
    arguments: dict[str, Any],
    noise: list[int],
    usage_at: list[int],
    rnd: random.Random,
) -> None:
    """Null/empty deltas, chunks without choices and usage in random places: the same text,
    the same tool-call arguments (split at random points), the last usage."""
    queues = []
    for number, text in enumerate(texts):
        pieces = [_piece(number, {"role": "assistant"})]
        pieces += [_piece(number, {"content": part}) for part in _split(rnd, text)]
        if number == 0:
            call = {"index": 0, "id": "call_1", "type": "function", "function": {"name": "f"}}
            pieces.append(_piece(number, {"tool_calls": [call]}))
            for part in _split(rnd, json.dumps(arguments)):
                fragment = {"index": 0, "function": {"arguments": part}}
                pieces.append(_piece(number, {"tool_calls": [fragment]}))
        pieces.append(_piece(number, {}, "stop"))
        queues.append(pieces)
    chunks: list[dict[str, Any]] = []
    while any(queues):
        chunks.append(queues[rnd.choice([n for n, q in enumerate(queues) if q])].pop(0))
    for kind in noise:
        chunks.insert(rnd.randint(0, len(chunks)), dict(NOISE[kind]))
    last_usage = None
    for position in sorted(usage_at):
        if position < len(chunks):
            last_usage = {"prompt_tokens": position, "completion_tokens": 1, "total_tokens": 0}
            chunks[position] = {**chunks[position], "usage": last_usage}
    body = [
        {"__type__": CHUNK, "__data__": {"object": "chat.completion.chunk", **c}} for c in chunks
    ]
    data = {"request": {}, "response": {"body": body, "is_streaming": True}}
    transcript = transcribe(Interaction(Path("noise.json"), data))
    assert [choice.text for choice in transcript.choices] == texts
    assert all(choice.finish_reason == "stop" for choice in transcript.choices)
    (call,) = transcript.choices[0].tool_calls
    assert call.arguments == json.dumps(arguments) and call.arguments_json == arguments
    if last_usage is None:
        assert transcript.usage is None
    else:
        assert transcript.usage is not None
        assert transcript.usage.input_tokens == last_usage["prompt_tokens"]
    assert transcript.chunk_count == len(chunks)


def test_the_mutations_break_some_files_and_spare_others() -> None:
    """The fuzzing means something only if its inputs reach both paths: files the reader
    rejects, and damaged files it still reads (then every command has to cope)."""
    rng = random.Random(7)
    outcomes = Counter()
    for _ in range(300):
        try:
            codec.loads(mutate(rng.choice(SEEDS), rng), "fuzz.json")
            outcomes["read"] += 1
        except ReadError:
            outcomes["rejected"] += 1
    # Measured: about 6% of mutated files still parse; both paths must stay covered.
    assert outcomes["read"] >= 10 and outcomes["rejected"] >= 100, outcomes
