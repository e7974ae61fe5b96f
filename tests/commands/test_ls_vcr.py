"""cassette ls over VCR.py cassettes: a row per interaction, totals of files and
interactions, filters across both formats, and the whole corpus counted independently."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
import yaml

from tests.commands.helpers import SAMPLES, run


def ls_json(*args: str | Path) -> dict:
    result = run("ls", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_row_per_interaction_with_its_index() -> None:
    document = ls_json(SAMPLES / "vcr-anthropic-stream-tool-call.yaml")
    rows = document["cassettes"]
    assert [row["interaction"] for row in rows] == [0, 1]
    assert [row["finish_reasons"] for row in rows] == [["tool_use"], ["end_turn"]]
    assert [row["chunks"] for row in rows] == [13, 7]
    assert document["totals"]["files"] == 1 and document["totals"]["interactions"] == 2


def test_llama_stack_rows_have_no_interaction_key() -> None:
    rows = ls_json(SAMPLES / "openai-chat-nonstream.json")["cassettes"]
    assert "interaction" not in rows[0]


@pytest.mark.usefixtures("cli_env")
def test_the_mixed_sample_library_text(golden, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLES.parent)
    result = run("ls", "sample_cassettes")
    assert result.exit_code == 0, result.stderr
    golden("ls/sample_cassettes_mixed.txt", result.stdout)
    lines = result.stdout.splitlines()
    anthropic = next(
        i for i, line in enumerate(lines) if line.startswith("sample_cassettes/vcr-anthropic")
    )
    assert lines[anthropic + 1].startswith(" ")  # its second interaction: no file name
    files = len(list(SAMPLES.glob("*.json"))) + len(list(SAMPLES.glob("*.yaml")))
    assert lines[-1].startswith(f"{files} files, {files + 1} interactions")


def test_filters_work_across_both_formats() -> None:
    by_model = ls_json(SAMPLES, "--model", "gpt-4o-mini*")["cassettes"]
    assert {Path(row["file"]).name for row in by_model} == {
        "openai-chat-nonstream.json",
        "vcr-openai-chat-stream.yaml",
    }
    by_endpoint = ls_json(SAMPLES, "--endpoint", "/v1/messages")["cassettes"]
    assert {Path(row["file"]).name for row in by_endpoint} == {
        "anthropic-messages-sse.json",
        "http-error-status-400.json",
        "vcr-anthropic-stream-tool-call.yaml",
    }
    document = ls_json(SAMPLES, "--provider", "gemini")
    assert [row["file"] for row in document["cassettes"]] == [str(SAMPLES / "vcr-gemini-gzip.yaml")]
    assert document["totals"]["files"] == document["totals"]["interactions"] == 1


def test_a_filter_that_drops_a_first_interaction_still_names_the_file(tmp_path: Path) -> None:
    document = yaml.load(
        (SAMPLES / "vcr-anthropic-stream-tool-call.yaml").read_bytes(), Loader=yaml.CSafeLoader
    )
    document["interactions"][0]["request"]["parsed_body"]["model"] = "claude-other"
    (tmp_path / "x.yaml").write_text(yaml.safe_dump(document))
    result = run("ls", tmp_path, "--model", "claude-sonnet-*")
    lines = result.stdout.splitlines()
    assert lines[1].startswith(str(tmp_path / "x.yaml")) and lines[-1].startswith("1 files")


def test_a_yaml_that_is_not_a_cassette_is_a_note_in_a_walk_and_an_error_by_name(
    tmp_path: Path,
) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: docs\n")
    (tmp_path / "a.yaml").write_bytes((SAMPLES / "vcr-gemini-gzip.yaml").read_bytes())
    walked = run("ls", tmp_path, "--format", "json")
    assert walked.exit_code == 0
    assert walked.stderr.startswith("cassette: ") and walked.stderr.count("\n") == 1
    assert json.loads(walked.stdout)["totals"]["files"] == 1
    named = run("ls", tmp_path / "mkdocs.yml")
    assert named.exit_code == 2 and "mkdocs.yml" in named.stderr


def _own_counts(corpus: Path) -> tuple[int, int, set[str]]:
    """(files, interactions, files passed over) counted here: JSON recordings are one each;
    a YAML file counts when every entry of its `interactions` has a request and response."""
    files = interactions = 0
    passed_over: set[str] = set()
    for path in sorted(corpus.rglob("*")):
        if path.suffix == ".json":
            assert isinstance(orjson.loads(path.read_bytes()).get("request"), dict)
            files, interactions = files + 1, interactions + 1
        elif path.suffix in (".yaml", ".yml"):
            value = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
            entries = value.get("interactions") if isinstance(value, dict) else None
            if isinstance(entries, list) and all(
                isinstance(e, dict) and "request" in e and "response" in e for e in entries
            ):
                files += bool(entries)
                interactions += len(entries)
            else:
                passed_over.add(str(path))
    return files, interactions, passed_over


def test_totals_over_the_whole_corpus(corpus_dir: Path) -> None:
    files, interactions, passed_over = _own_counts(corpus_dir)
    result = run("ls", corpus_dir, "--format", "json")
    assert result.exit_code == 0
    totals = json.loads(result.stdout)["totals"]
    assert (totals["files"], totals["interactions"]) == (files, interactions)
    assert interactions > files > 524  # both formats, VCR files with several interactions
    notes = result.stderr.splitlines()
    assert {note.split(": ")[1] for note in notes} == passed_over


def test_text_over_the_whole_corpus(corpus_dir: Path) -> None:
    files, interactions, _ = _own_counts(corpus_dir)
    result = run("ls", corpus_dir)
    assert result.exit_code == 0 and "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 + interactions + 1
    assert lines[-1].startswith(f"{files} files, {interactions} interactions")
