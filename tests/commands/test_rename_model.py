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
    refused = run("rename-model", OLD, NEW, library, "--in-place")  # 5 files use NEW already
    assert refused.exit_code == 2 and "5 files already use llama3.2:3b" in refused.stderr
    result = run("rename-model", OLD, NEW, library, "--in-place", "--force", "--format", "json")
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


# round trips that lose nothing (issue 10, case 7) --------------------------------------


@pytest.mark.corpus
def test_renaming_into_a_model_in_use_is_refused_unless_forced(
    corpus_dir: Path, tmp_path: Path, copy_writable, snapshot
) -> None:
    """On the 2025 corpus 5 files already use llama3.2:3b: the rename merged the two sets,
    so the way back changed 182 files instead of 177."""
    library = copy_writable(corpus_dir / "llama-stack-2025-09", tmp_path / "2025")
    before = snapshot(library)
    for mode in ("--in-place", "--check", "--dry-run"):
        refused = run("rename-model", OLD, NEW, library, mode)
        assert refused.exit_code == 2 and refused.stdout == ""
        assert refused.stderr == (
            f"cassette rename-model: 5 files already use {NEW}: renaming {OLD} into it would "
            "merge the two sets, and renaming back would change those files too; use --force "
            "to rename anyway\n"
        )
    assert snapshot(library) == before
    forced = run("rename-model", OLD, NEW, library, "--in-place", "--force", "-f", "json")
    assert forced.exit_code == 0
    assert json.loads(forced.stdout)["summary"]["changed"] == 177
    back = run("rename-model", NEW, OLD, library, "--check", "-f", "json")  # nobody uses OLD
    assert json.loads(back.stdout)["summary"]["changed"] == 182
    other = run("rename-model", OLD, "llama3.2:3b-unused", library, "--check")
    assert other.exit_code == 0  # OLD is gone: nothing to merge, nothing to do


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name",
    ["models-bd032f995f2a-3255f444.json", "models-4a3a4447b16b-3057338f.json"],  # /v1, /api/tags
)
def test_a_model_list_that_has_new_already_gets_no_duplicate(
    corpus_dir: Path, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes((corpus_dir / "llama-stack-2025-09" / name).read_bytes())
    original = codec.read(path)[0]
    ids_before = hashing.model_ids(original)
    assert ids_before is not None and {OLD, NEW} <= set(ids_before)
    args = ("rename-model", OLD, NEW, tmp_path, "--include-model-lists")
    assert run(*args, "--in-place").exit_code == 2  # NEW is listed already: refused
    result = run(*args, "--in-place", "--force", "-f", "json")
    assert result.exit_code == 0, result.stderr
    (entry,) = json.loads(result.stdout)["files"]
    (renamed,) = tmp_path.glob("*.json")
    data = codec.read(renamed)[0]
    body = data["response"]["body"]
    entries = body if isinstance(body, list) else body["__data__"]["models"]
    listed = [(e.get("__data__", e)).get("id", e.get("model")) for e in entries]
    assert listed.count(NEW) == 1 and OLD not in listed
    assert len(listed) == len(ids_before) - 1
    assert any("dropped" in change for change in entry["changes"])
    matched = hashing.model_digest_matches(original, name)  # a digest8 follows its ids only
    assert hashing.model_digest_matches(data, renamed.name) == matched  # if it matched them


AGENTS_TEST = "llama-stack-2026-05-sample/agents/recordings/" + (
    "89f271e9df6164319f53d11cbe1d518d436880b030a97ea9b8c846416612b13c.json"
)
COMPLETION = "llama-stack-2026-05-sample/inference/recordings/" + (
    "f0f863b7a3527d2848b81dfcc05c898a7a2a1ab5e1213f100aeae00b8a5e1ba3.json"
)


@pytest.mark.corpus
def test_the_model_in_the_test_id_is_renamed_so_the_name_is_the_replay_hash(
    corpus_dir: Path, tmp_path: Path
) -> None:
    """llama-stack's 2026 hash covers `test_id`, whose pytest parameter names the model
    (`[openai_client-txt=ollama/llama3.2:3b-instruct-fp16-False]`): even a file whose own
    request asks another model (the agent's safety call) moves with the test."""
    library = tmp_path / "recordings"
    library.mkdir()
    for name in (AGENTS_TEST, COMPLETION):
        (library / Path(name).name).write_bytes((corpus_dir / name).read_bytes())
    renamed_to = "llama3.2:3b-renamed"
    result = run("rename-model", OLD, renamed_to, library, "--in-place", "-f", "json")
    assert result.exit_code == 0, result.stderr
    files = {f["path"]: f for f in json.loads(result.stdout)["files"]}
    assert len(files) == 2 and all(f["renamed_to"] for f in files.values())
    for path in library.glob("*.json"):
        data = codec.read(path)[0]
        assert OLD not in data["test_id"]
        assert f"txt=ollama/{renamed_to}-" in data["test_id"]
        assert path.name == hashing.expected_name(data, hashing.SCHEME_2026)
    agents = codec.read(library / files[Path(AGENTS_TEST).name]["renamed_to"])[0]
    assert agents["request"]["body"]["model"] == "llama-guard3:1b"  # its own model stays
    back = run("rename-model", renamed_to, OLD, library, "--in-place")
    assert back.exit_code == 0
    assert sorted(p.name for p in library.glob("*.json")) == sorted(
        Path(name).name for name in (AGENTS_TEST, COMPLETION)
    )


@pytest.mark.corpus
def test_a_file_left_under_its_old_name_is_listed_with_the_reason(
    corpus_dir: Path, tmp_path: Path
) -> None:
    source = next(
        p
        for p in sorted((corpus_dir / "llama-stack-2025-09").glob("*.json"))
        if codec.read(p)[0]["request"].get("model") == OLD
    )
    library = tmp_path / "lib"
    library.mkdir()
    stray = library / "0123456789ab.json"  # a hash name, but not this request's hash
    stray.write_bytes(source.read_bytes())
    result = run("rename-model", OLD, "llama3.2:3b-renamed", library, "--in-place")
    assert result.exit_code == 0, result.stderr
    assert (
        "cassette: warning: 0123456789ab.json: keeps its name: the name did not match its "
        "request hash even before this edit, so its new name can't be known"
    ) in result.stderr.splitlines()
    assert [p.name for p in library.iterdir()] == [stray.name]
    document = json.loads(
        run("rename-model", "llama3.2:3b-renamed", OLD, library, "--check", "-f", "json").stdout
    )
    assert "keeps its name" in document["files"][0]["warning"]
