"""cassette retime: flag rules, --epoch on the samples, shift and unshift, failures."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from cli.commands.retime import choose, parse_duration, parse_when
from cli.core.edit.retime import EPOCH_ISO
from cli.core.formats.llamastack import codec
from cli.errors import UsageError
from tests.commands.helpers import run

pytestmark = pytest.mark.usefixtures("cli_env")
TIMES = ("created", "created_at")


@pytest.fixture
def samples(tmp_path: Path, sample_dir: Path, copy_writable) -> Path:
    """The llama-stack samples (the VCR ones have tests of their own, test_edit_vcr.py)."""
    copied = copy_writable(sample_dir, tmp_path / "samples")
    for path in copied.glob("*.y*ml"):
        path.unlink()
    return copied


def without(value: Any, keys: tuple[str, ...]) -> Any:
    if isinstance(value, dict):
        return {k: without(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [without(v, keys) for v in value]
    return value


def found(value: Any, key: str) -> list[Any]:
    if isinstance(value, dict):
        return [v for k, v in value.items() if k == key] + [
            x for v in value.values() for x in found(v, key)
        ]
    if isinstance(value, list):
        return [x for v in value for x in found(v, key)]
    return []


def test_help_has_examples() -> None:
    result = run("retime", "--help")
    assert result.exit_code == 0 and "cassette retime sample_cassettes" in result.stdout


def test_epoch_sets_every_created_to_0_and_nothing_else(
    samples: Path, sample_dir: Path, snapshot
) -> None:
    result = run("retime", samples, "--epoch", "--in-place")
    assert result.exit_code == 0, result.stderr
    for path in sorted(samples.glob("*.json")):
        before, after = codec.read(sample_dir / path.name)[0], codec.read(path)[0]
        assert without(after, TIMES) == without(before, TIMES), path.name
        response = after["response"]
        assert all(value == 0 for value in found(response, "created") if not _model(response))
        assert all(value == EPOCH_ISO for value in found(response, "created_at"))
    ignore = []
    for pointer in ("/response/body/*/__data__", "/response/body/__data__"):
        for key in ("created", "created_at", "time_info/created"):
            ignore += ["--ignore", f"{pointer}/{key}"]
    assert run("diff", "--strict", "--glob", "*.json", sample_dir, samples, *ignore).exit_code == 0
    assert run("diff", "--strict", sample_dir, samples).exit_code == 1


def _model(response: dict[str, Any]) -> bool:
    body = response.get("body")
    return isinstance(body, list) and any(
        isinstance(i, dict) and i.get("__data__", {}).get("object") == "model" for i in body
    )


def test_shift_and_back_via_the_cli_is_byte_identical(samples: Path, snapshot) -> None:
    before = snapshot(samples)
    forward = run("retime", samples, "--shift", "+2h", "--in-place")
    assert forward.exit_code == 0 and "changed" in forward.stdout
    assert snapshot(samples) != before
    assert run("retime", samples, "--shift", "-7200", "--in-place").exit_code == 0
    assert snapshot(samples) == before


def test_start_and_json_output(samples: Path) -> None:
    result = run(
        "retime", samples / "vllm-chat-stream-n2.json", "--start", "2025-01-01T00:00:00Z",
        "--dry-run", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0
    [entry] = json.loads(result.stdout)["files"]
    assert any(" -> 1735689600" in change for change in entry["changes"])


def test_zero_durations_alone(samples: Path) -> None:
    result = run("retime", samples, "--zero-durations", "--check")
    assert result.exit_code == 1
    assert "ollama-generate-stream.json" in result.stdout and "_duration" in result.stdout


@pytest.mark.parametrize(
    "flags",
    [[], ["--epoch", "--shift", "1h"], ["--epoch", "--start", "0"], ["--shift", "soon"],
     ["--start", "someday"]],
)  # fmt: skip
def test_flag_mistakes_are_one_line_usage_errors(samples: Path, flags: list[str]) -> None:
    result = run("retime", samples, *flags, "--check")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_an_invalid_file_fails_alone(samples: Path) -> None:
    bad = samples / "zz-broken.json"
    bad.write_text('{"request": {}, "response": \n')
    other = samples / "zz-other.json"  # JSON that isn't a cassette: passed over, no failure
    other.write_text("[1, 2]\n")
    result = run("retime", samples, "--epoch", "--in-place")
    assert result.exit_code == 2
    assert [line for line in result.stderr.splitlines() if "zz-broken.json" in line]
    assert bad.read_text() == '{"request": {}, "response": \n'
    assert f"cassette: {other}: not a cassette" in result.stderr
    assert other.read_text() == "[1, 2]\n"
    assert (
        codec.read(samples / "vllm-chat-stream-n2.json")[0]["response"]["body"][0]["__data__"][
            "created"
        ]
        == 0
    )


def test_a_read_only_file_is_left_as_it_was(samples: Path) -> None:
    locked = samples / "openai-chat-nonstream.json"
    locked.chmod(0o444)
    before = locked.read_bytes()
    result = run("retime", samples, "--epoch", "--in-place")
    assert result.exit_code == 2 and locked.read_bytes() == before


def test_a_file_with_nothing_to_change_is_not_rewritten(samples: Path) -> None:
    assert run("retime", samples, "--epoch", "--in-place").exit_code == 0
    path = samples / "vllm-chat-stream-n2.json"
    os.utime(path, (1_000_000, 1_000_000))
    before = path.read_bytes()
    result = run("retime", samples, "--epoch", "--in-place")
    assert result.exit_code == 0 and result.stdout == ""
    assert path.read_bytes() == before and path.stat().st_mtime == 1_000_000


NORMALIZED_STREAM = "llama-stack-2026-05-sample/inference/recordings/" + (
    "8567635651a5e7104394951bbbba040e5c7f3ba11084fb6e81328f4905100a65.json"
)
NORMALIZED_ISO = "llama-stack-2026-05-sample/responses/recordings/" + (
    "24b0da19314c006dbb0d50fc0584644666528b69340917b19ce00e8e4b1d5df0.json"
)


@pytest.mark.corpus
@pytest.mark.parametrize("how", [("--shift", "+1h"), ("--start", "2025-01-01T00:00:00Z")])
def test_a_shift_leaves_normalized_placeholders_alone_and_says_so(
    corpus_dir: Path, tmp_path: Path, how: tuple[str, str]
) -> None:
    """Issue 10, case 6: `retime --shift +1h` turned the `created: 0` placeholders of 2,612
    normalized files into 3600, without a word."""
    library = tmp_path / "recordings"
    library.mkdir()
    for name in (NORMALIZED_STREAM, NORMALIZED_ISO):
        (library / Path(name).name).write_bytes((corpus_dir / name).read_bytes())
    real = library / "real.json"  # one file with real times, which do move
    real.write_bytes(
        (corpus_dir / NORMALIZED_STREAM)
        .read_bytes()
        .replace(b'"created": 0,', b'"created": 1759000000,')
    )
    before = {path.name: path.read_bytes() for path in library.iterdir()}
    placeholders = sum(
        data.count(b'"created": 0,') + data.count(b'"created_at": "1970-01-01T00:00:00.000000Z"')
        for name, data in before.items()
        if name != "real.json"
    )
    assert placeholders > 50
    result = run("retime", library, *how, "--in-place")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "1 changed, 2 unchanged, 0 renamed, 0 failed",
        f"left {placeholders} normalized timestamps (0, 1970-01-01T00:00:00Z) alone in 2 files;"
        " --include-normalized moves them too",
    ]
    assert {p.name: p.read_bytes() for p in library.iterdir() if p.name != "real.json"} == {
        name: data for name, data in before.items() if name != "real.json"
    }
    assert b'"created": 1759000000,' not in real.read_bytes()
    document = json.loads(run("retime", library, *how, "--check", "--format", "json").stdout)
    assert document["summary"]["kept"] == placeholders
    moved = run("retime", library, *how, "--include-normalized", "--in-place")
    assert moved.exit_code == 0 and "left" not in moved.stderr
    assert b'"created": 0,' not in (library / Path(NORMALIZED_STREAM).name).read_bytes()


# the command line ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("-3600", -3600),
        ("+2h", 7200),
        ("-1d", -86400),
        ("90m", 5400),
        ("30s", 30),
        ("1h30m", 5400),
        ("1w", 604800),
        ("0", 0),
    ],
)
def test_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "1.5h", "h", "2 hours", "--1"])
def test_bad_durations_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError, match="--shift"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1735689600", 1735689600),
        ("2025-01-01T00:00:00Z", 1735689600),
        ("2025-01-01", 1735689600),
        ("2025-01-01T02:00:00+02:00", 1735689600),
        ("2025-01-01T00:00:00.9Z", 1735689600),
    ],
)
def test_parse_when(text: str, seconds: int) -> None:
    assert parse_when(text) == seconds


def test_bad_when_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--start"):
        parse_when("yesterday")


def test_choose_reads_the_flags() -> None:
    assert choose(False, "+1h", None, False) == ("shift", 3600)
    assert choose(False, None, "1970-01-01T00:01:00Z", True) == ("start", 60)
    assert choose(True, None, None, False) == ("epoch", 0)
    assert choose(False, None, None, True) == (None, 0)
    for flags in [(False, None, None, False), (True, "1h", None, False)]:
        with pytest.raises(UsageError, match="exactly one"):
            choose(*flags)
