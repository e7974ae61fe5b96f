"""cassette diff on VCR.py cassettes: interaction by interaction, and non-cassettes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import yaml

from tests.commands.helpers import SAMPLES, run

TOOL_CALL = SAMPLES / "vcr-anthropic-stream-tool-call.yaml"


def _edited(tmp_path: Path, edit: Callable[[dict], object]) -> Path:
    document = yaml.load(TOOL_CALL.read_bytes(), Loader=yaml.CSafeLoader)
    edit(document)
    path = tmp_path / "edited.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, width=1000))
    return path


def changes(old: Path, new: Path) -> tuple[int, list[dict]]:
    result = run("diff", old, new, "--format", "json")
    (file,) = json.loads(result.stdout)["files"] or [{"changes": []}]
    return result.exit_code, file["changes"]


def test_the_same_cassette_in_another_layout_is_unchanged(tmp_path: Path) -> None:
    code, found = changes(TOOL_CALL, _edited(tmp_path, lambda d: None))
    assert (code, found) == (0, [])


def test_a_changed_answer_names_its_interaction(tmp_path: Path) -> None:
    def edit(document: dict) -> None:
        body = document["interactions"][1]["response"]["body"]
        body["string"] = body["string"].replace("06:41", "06:45")

    code, found = changes(TOOL_CALL, _edited(tmp_path, edit))
    assert code == 1
    assert {change["section"] for change in found} == {"interaction 1 response"}
    assert any("06:41" in json.dumps(change) for change in found)


def test_an_interaction_only_one_side_has(tmp_path: Path) -> None:
    code, found = changes(TOOL_CALL, _edited(tmp_path, lambda d: d["interactions"].pop()))
    assert code == 1
    assert found == [
        {
            "section": "interaction 1",
            "field": "interaction",
            "kind": "removed",
            "old": "POST https://api.anthropic.com/v1/messages?beta=true",
            "new": None,
            "path": None,
            "words": None,
        }
    ]


def test_a_changed_file_that_is_not_a_cassette_is_passed_over(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    for root, jobs in ((old, b"{}"), (new, b"{lint: {}}")):
        root.mkdir()
        (root / "ci.yml").write_bytes(b"name: ci\njobs: " + jobs + b"\n")
        (root / "a.yaml").write_bytes(TOOL_CALL.read_bytes())
    result = run("diff", old, new, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("cassette: ") and "ci.yml" in result.stderr
    assert json.loads(result.stdout)["summary"]["passed_over"] == 1


# on real cassettes: what changes on every recording is noise ------------------------

OPENAI_SSE = (
    "crewAIInc+crewAI/lib/crewai/tests/cassettes/llms/openai/"
    "test_openai_async_streaming_returns_usage_metrics.yaml"
)
TOOL_STREAM = "crewAIInc+crewAI/lib/crewai/tests/cassettes/test_handle_streaming_tool_calls.yaml"
TWO_CALLS = (
    "crewAIInc+crewAI/lib/crewai/tests/cassettes/hooks/"
    "TestNativeToolCallingHooksIntegration.test_agent_native_tool_hooks_before_and_after.yaml"
)


def _corpus_copy(corpus_dir: Path, name: str, tmp_path: Path, edit) -> tuple[Path, Path]:
    """(the corpus cassette, an edited copy of it written by PyYAML)."""
    original = corpus_dir / "vcr" / name
    document = yaml.load(original.read_bytes(), Loader=yaml.CSafeLoader)
    edit(document)
    path = tmp_path / "new.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, width=1000))
    return original, path


def _chunks(body: dict) -> list[dict]:
    return [
        json.loads(line[6:]) for line in body["string"].split("\n") if line.startswith("data: {")
    ]


def _stream(chunks: list[dict]) -> str:
    return "".join(f"data: {json.dumps(chunk)}\n\n" for chunk in chunks) + "data: [DONE]\n\n"


def _rechunk(chunks: list[dict]) -> list[dict]:
    """The same answer in half as many content chunks: each pair joined."""
    out: list[dict] = []
    for chunk in chunks:
        delta = chunk["choices"][0]["delta"] if chunk.get("choices") else {}
        last = out[-1]["choices"][0]["delta"] if out and out[-1].get("choices") else None
        joinable = last is not None and set(delta) == {"content"} and set(last) == {"content"}
        if joinable and not out[-1].get("joined"):
            last["content"] += delta["content"]
            out[-1]["joined"] = True
        else:
            out.append(chunk)
    for chunk in out:
        chunk.pop("joined", None)
    return out


def _noise(document: dict) -> None:
    """A re-recording that says the same: new ids, times, obfuscation, headers, chunking."""
    response = document["interactions"][0]["response"]
    chunks = _rechunk(_chunks(response["body"]))
    assert len(chunks) < len(_chunks(response["body"]))
    for chunk in chunks:
        chunk["id"] = "chatcmpl-RERECORDED"
        chunk["created"] += 3600
        chunk["obfuscation"] = "Zq"
        chunk["system_fingerprint"] = "fp_other"
    response["body"]["string"] = _stream(chunks)
    headers = response["headers"]
    for name in list(headers):
        if name.lower() in ("date", "cf-ray", "x-request-id", "openai-processing-ms"):
            headers[name] = ["changed"]
    headers["Set-Cookie"] = ["__cf_bm=new; path=/"]


def test_noise_only_is_no_difference(corpus_dir: Path, tmp_path: Path) -> None:
    old, new = _corpus_copy(corpus_dir, OPENAI_SSE, tmp_path, _noise)
    assert changes(old, new) == (0, [])
    assert run("diff", old, new).exit_code == 0


def test_a_changed_word_in_the_answer(corpus_dir: Path, tmp_path: Path) -> None:
    def edit(document: dict) -> None:
        _noise(document)
        body = document["interactions"][0]["response"]["body"]
        chunks = _chunks(body)
        for chunk in chunks:
            delta = chunk["choices"][0]["delta"] if chunk.get("choices") else {}
            if "now" in (delta.get("content") or ""):
                delta["content"] = delta["content"].replace("now", "later", 1)
                break
        else:
            raise AssertionError("no 'now' in the answer")
        body["string"] = _stream(chunks)

    old, new = _corpus_copy(corpus_dir, OPENAI_SSE, tmp_path, edit)
    code, found = changes(old, new)
    assert code == 1
    assert [(c["section"], c["field"]) for c in found] == [
        ("interaction 0 response", "choice 0 text")
    ]
    assert ["-", "now"] in found[0]["words"] and ["+", "later"] in found[0]["words"]
    text = run("diff", old, new, "--no-color")
    assert text.exit_code == 1 and "{+later+}" in text.stdout and "[-now-]" in text.stdout


def test_a_changed_tool_argument(corpus_dir: Path, tmp_path: Path) -> None:
    def edit(document: dict) -> None:
        body = document["interactions"][0]["response"]["body"]
        body["string"] = body["string"].replace('"arguments":"New"', '"arguments":"Old"')

    old, new = _corpus_copy(corpus_dir, TOOL_STREAM, tmp_path, edit)
    code, found = changes(old, new)
    assert code == 1
    (change,) = found
    assert change["field"] == "choice 0 tool call 0 get_weather arguments"
    assert (change["path"], change["old"], change["new"]) == (
        "location",
        "New York, NY",
        "Old York, NY",
    )
    assert "Old York, NY" in run("diff", old, new).stdout


def test_interactions_pair_by_method_and_path(corpus_dir: Path, tmp_path: Path) -> None:
    """A call added in the middle is added; the calls around it still pair."""

    def edit(document: dict) -> None:
        interactions = document["interactions"]
        extra = json.loads(json.dumps(interactions[1]))
        extra["request"]["uri"] = "https://api.openai.com/v1/embeddings"
        interactions.insert(1, extra)

    old, new = _corpus_copy(corpus_dir, TWO_CALLS, tmp_path, edit)
    code, found = changes(old, new)
    assert code == 1
    assert [(c["section"], c["kind"], c["new"]) for c in found] == [
        ("interaction 1", "added", "POST https://api.openai.com/v1/embeddings")
    ]
