"""cassette normalize: the recorder's normalization from the command line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cli.core.formats.llamastack import codec, hashing
from tests.commands.helpers import run

pytestmark = pytest.mark.usefixtures("cli_env")


@pytest.fixture
def samples(tmp_path: Path, sample_dir: Path, copy_writable) -> Path:
    return copy_writable(sample_dir, tmp_path / "samples")


def test_help_has_examples() -> None:
    result = run("normalize", "--help")
    assert result.exit_code == 0 and "--hash-scheme" in result.stdout


def test_samples_get_rec_ids_of_their_2025_hash(samples: Path) -> None:
    result = run("normalize", samples, "--in-place", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["failed"] == 0
    value = codec.read(samples / "vllm-chat-stream-n2.json")[0]
    expected = hashing.rec_id(hashing.request_hash(value, "2025"))
    assert {chunk["__data__"]["id"] for chunk in value["response"]["body"]} == {expected}
    assert {chunk["__data__"]["created"] for chunk in value["response"]["body"]} == {0}


def test_hash_scheme_2026_computes_the_2026_hash(samples: Path) -> None:
    path = samples / "openai-chat-nonstream.json"
    assert run("normalize", path, "--hash-scheme", "2026", "--in-place").exit_code == 0
    value = codec.read(path)[0]
    expected = hashing.rec_id(hashing.request_hash(value, "2026"))
    assert value["response"]["body"]["__data__"]["id"] == expected


def test_an_unknown_scheme_is_a_usage_error(samples: Path) -> None:
    result = run("normalize", samples, "--hash-scheme", "2024", "--check")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1


@pytest.mark.corpus
def test_the_2025_corpus_gets_the_2026_form(
    corpus_dir: Path, tmp_path: Path, copy_writable
) -> None:
    library = copy_writable(corpus_dir / "llama-stack-2025-09", tmp_path / "2025")
    result = run("normalize", library, "--in-place")
    assert result.exit_code == 0, result.stderr
    assert "0 renamed, 0 failed" in result.stderr
    for path in library.glob("*.json"):
        body = codec.read(path)[0]["response"]["body"]
        for item in body if isinstance(body, list) else [body]:
            fields = item["__data__"]
            if fields.get("object") == "model":
                continue
            if "id" in fields:
                assert fields["id"] == "rec-" + path.name[:12]
            assert fields.get("created", 0) == 0


@pytest.mark.corpus
def test_the_2026_sample_is_already_normalized_but_for_one_file(corpus_dir: Path) -> None:
    result = run("normalize", corpus_dir / "llama-stack-2026-05-sample", "--check", "-f", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["summary"]["changed"] == 1 and document["summary"]["unchanged"] == 86


def test_an_invalid_file_fails_alone_and_nothing_to_change_is_not_rewritten(
    samples: Path,
) -> None:
    assert run("normalize", samples, "--in-place").exit_code == 0
    path = samples / "vllm-chat-stream-n2.json"
    os.utime(path, (1_000_000, 1_000_000))
    (samples / "bad.json").write_bytes(b"\xff\xfe")
    result = run("normalize", samples, "--in-place")
    assert result.exit_code == 2
    assert [line for line in result.stderr.splitlines() if "bad.json" in line]
    assert path.stat().st_mtime == 1_000_000
    assert (samples / "bad.json").read_bytes() == b"\xff\xfe"


NORMALIZED = "llama-stack-2026-05-sample/inference/recordings/" + (
    "f0f863b7a3527d2848b81dfcc05c898a7a2a1ab5e1213f100aeae00b8a5e1ba3.json"
)


@pytest.mark.corpus
def test_check_sees_the_float_created_that_normalize_rewrites(
    corpus_dir: Path, tmp_path: Path
) -> None:
    """Issue 10, case 8: `"created": 0.0` with the right id. normalize writes 0, so --check
    must say so (the pipeline compared with ==, where 0.0 == 0)."""
    path = tmp_path / Path(NORMALIZED).name
    raw = (corpus_dir / NORMALIZED).read_bytes()
    assert raw.count(b'"created": 0,') == 1
    path.write_bytes(raw.replace(b'"created": 0,', b'"created": 0.0,'))
    check = run("normalize", path, "--check", "--format", "json")
    assert check.exit_code == 1, check.stdout
    (entry,) = json.loads(check.stdout)["files"]
    assert entry["changes"] == ["/response/body/__data__/created: 0.0 -> 0"]
    assert run("normalize", path, "--in-place").exit_code == 0
    assert path.read_bytes() == raw
    assert run("normalize", path, "--check").exit_code == 0
