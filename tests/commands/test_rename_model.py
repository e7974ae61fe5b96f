"""cassette rename-model: modes, output, replay-safe renames, and failures that touch nothing."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from cli.core.formats.llamastack import codec, hashing
from tests.commands.helpers import copy_samples, run

OLD, NEW = "llama3.2:3b-instruct-fp16", "llama3.2:3b"
SAMPLE_MODEL = "meta-llama/Llama-3.2-1B-Instruct"

pytestmark = pytest.mark.usefixtures("cli_env")


@pytest.fixture
def samples(tmp_path: Path) -> Path:
    return copy_samples(tmp_path)  # the llama-stack samples


def test_help_has_examples() -> None:
    result = run("rename-model", "--help")
    assert result.exit_code == 0
    assert "--match" in result.stdout and "cassette rename-model" in result.stdout


def test_check_reports_what_would_change_and_exits_1(samples: Path, snapshot) -> None:
    before = snapshot(samples)
    result = run("rename-model", SAMPLE_MODEL, "llama3.2:1b", samples, "--check")
    assert result.exit_code == 1
    assert "would change vllm-chat-stream-n2.json" in result.stdout
    assert f"/request/body/model: {SAMPLE_MODEL} -> llama3.2:1b" in result.stdout
    assert "would be changed" in result.stderr and "0 failed" in result.stderr
    assert snapshot(samples) == before


def test_check_with_nothing_to_rename_exits_0(samples: Path) -> None:
    result = run("rename-model", "no-such-model", "x", samples, "--check")
    assert result.exit_code == 0 and result.stdout == ""


def test_json_output_is_parseable(samples: Path) -> None:
    result = run("rename-model", SAMPLE_MODEL, "x", samples, "--dry-run", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["mode"] == "dry_run"
    assert set(document["summary"]) == {"changed", "unchanged", "renamed", "failed"}
    changed = {entry["path"] for entry in document["files"]}
    assert "vllm-chat-stream-tool-call.json" in changed
    assert all(entry["diff"].startswith("--- a/") for entry in document["files"])


def test_a_mode_is_required_and_only_one(samples: Path) -> None:
    for extra in ([], ["--check", "--in-place"]):
        result = run("rename-model", SAMPLE_MODEL, "x", samples, *extra)
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1 and "--in-place" in result.stderr


def test_output_dir_gets_edited_copies_and_the_originals_stay(
    samples: Path, tmp_path: Path, snapshot
) -> None:
    before = snapshot(samples)
    result = run("rename-model", SAMPLE_MODEL, "x", samples, "-o", tmp_path / "out")
    assert result.exit_code == 0
    assert snapshot(samples) == before
    assert sorted(snapshot(tmp_path / "out")) == sorted(before)
    edited = codec.read(tmp_path / "out" / "vllm-chat-stream-n2.json")[0]
    assert edited["request"]["model"] == "x"


def _expected_2025_name(value: dict) -> str:
    """The 2025 recorder's name, computed here without cli.core.formats.llamastack.hashing."""
    request = value["request"]
    obj = {
        "method": request["method"].upper(),
        "endpoint": urlparse(request["url"]).path,
        "body": request["body"],
    }
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:12] + ".json"


@pytest.mark.corpus
def test_renaming_in_the_2025_corpus_keeps_every_name_replayable(
    corpus_dir: Path, tmp_path: Path, copy_writable
) -> None:
    library = copy_writable(corpus_dir / "llama-stack-2025-09", tmp_path / "2025")
    users = {
        path.name: _expected_2025_name(_renamed(codec.read(path)[0]))
        for path in library.glob("*.json")
        if codec.read(path)[0]["request"].get("model") == OLD
    }
    assert len(users) > 100
    result = run("rename-model", OLD, NEW, library, "--in-place", "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["summary"]["renamed"] == len(users)
    names = {path.name for path in library.glob("*.json")}
    assert len(names) == 437
    for old_name, new_name in users.items():
        assert new_name in names and old_name not in names
    for path in library.glob("*.json"):
        value = codec.read(path)[0]
        assert hashing.name_matches(value, path.name) is True, path.name
        request = value["request"]
        assert OLD not in (request.get("model"), request["body"].get("model"))
    validated = run("validate", library, "--select", "L001", "--format", "json")
    assert validated.exit_code == 0, validated.stdout
    assert json.loads(validated.stdout)["findings"] == []


def _renamed(value: dict) -> dict:
    value["request"]["body"]["model"] = NEW
    return value


# failures leave everything as it was -------------------------------------------------


def test_a_read_only_file_fails_alone(samples: Path, snapshot) -> None:
    locked = samples / "vllm-chat-stream-n2.json"
    locked.chmod(0o444)
    before = locked.read_bytes()
    result = run("rename-model", SAMPLE_MODEL, "x", samples, "--in-place")
    assert result.exit_code == 2
    assert "vllm-chat-stream-n2.json" in result.stderr and "read-only" in result.stderr
    assert locked.read_bytes() == before
    assert codec.read(samples / "vllm-chat-stream-tool-call.json")[0]["request"]["model"] == "x"


def test_a_read_only_output_dir_writes_nothing(samples: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        result = run("rename-model", SAMPLE_MODEL, "x", samples, "-o", out)
        assert result.exit_code == 2
        assert list(out.iterdir()) == []
    finally:
        out.chmod(0o755)


def test_a_name_collision_after_rehashing_touches_neither_file(
    corpus_dir: Path, tmp_path: Path, copy_writable, snapshot
) -> None:
    corpus = corpus_dir / "llama-stack-2025-09"
    source = next(
        p for p in sorted(corpus.glob("*.json")) if codec.read(p)[0]["request"].get("model") == OLD
    )
    library = tmp_path / "lib"
    copy_writable(source, library / source.name)
    squatter = library / _expected_2025_name(_renamed(codec.read(source)[0]))
    squatter.write_text('{"request": {}, "response": {}}\n')
    before = snapshot(library)
    result = run("rename-model", OLD, NEW, library, "--in-place")
    assert result.exit_code == 2
    assert squatter.name in result.stderr and "already exists" in result.stderr
    assert snapshot(library) == before


def test_an_invalid_file_is_reported_in_one_line_and_the_rest_is_done(samples: Path) -> None:
    bad = samples / "broken.json"
    bad.write_text(f'{{"request": {{"model": "{SAMPLE_MODEL}", ')  # truncated
    before = bad.read_bytes()
    result = run("rename-model", SAMPLE_MODEL, "x", samples, "--in-place")
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if "broken.json" in line]
    assert len(errors) == 1 and "invalid JSON" in errors[0]
    assert bad.read_bytes() == before
    assert codec.read(samples / "vllm-chat-stream-n2.json")[0]["request"]["model"] == "x"


def test_a_file_with_nothing_to_change_is_not_rewritten(samples: Path) -> None:
    path = samples / "openai-embeddings.json"
    os.utime(path, (1_000_000, 1_000_000))
    before = path.read_bytes()
    result = run("rename-model", SAMPLE_MODEL, "x", samples, "--in-place")
    assert result.exit_code == 0
    assert path.read_bytes() == before and path.stat().st_mtime == 1_000_000
