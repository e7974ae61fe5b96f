"""cassette show on VCR.py cassettes: goldens, reassembled answers checked against the raw
bodies, --interaction, --raw, --format json, --plain, and the whole corpus."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.commands.helpers import SAMPLES, run
from tests.core.transcript.vcr_bodies import interactions, sse_data

VCR_SAMPLES = sorted(path.name for path in SAMPLES.glob("*.yaml"))


# the answer, computed here from the raw body ------------------------------------------


def _text_parts(parts: Any) -> str:
    return "".join(
        p.get("text", "") for p in parts or [] if isinstance(p, dict) and not p.get("thought")
    )


def chat_sse(body: list[str]) -> str:
    return "".join(
        (choice.get("delta") or {}).get("content") or ""
        for _, data in sse_data(body)
        for choice in data.get("choices") or []
        if choice.get("index", 0) == 0
    )


def chat_json(body: dict) -> str:
    return body["choices"][0]["message"]["content"] or ""


def responses_sse(body: list[str]) -> str:
    return "".join(
        data["delta"]
        for _, data in sse_data(body)
        if data.get("type") == "response.output_text.delta"
    )


def responses_json(body: dict) -> str:
    return "".join(
        part.get("text", "")
        for item in body["output"]
        if item.get("type") == "message"
        for part in item.get("content") or []
        if part.get("type") == "output_text"
    )


def anthropic_sse(body: list[str]) -> str:
    return "".join(
        data["delta"]["text"]
        for _, data in sse_data(body)
        if data.get("type") == "content_block_delta" and data["delta"].get("type") == "text_delta"
    )


def anthropic_json(body: dict) -> str:
    return "".join(block.get("text", "") for block in body["content"] if block["type"] == "text")


def gemini_items(items: list[dict]) -> str:
    return "".join(
        _text_parts(((item.get("candidates") or [{}])[0].get("content") or {}).get("parts"))
        for item in items
    )


def gemini_sse(body: list[str]) -> str:
    return gemini_items([data for _, data in sse_data(body)])


def gemini_json(body: dict) -> str:
    return gemini_items([body])


def converse(body: dict) -> str:
    return _text_parts(body["output"]["message"]["content"])


def converse_stream(body: list[dict]) -> str:
    return "".join(
        (event["contentBlockDelta"]["delta"] or {}).get("text", "")
        for event in body
        if "contentBlockDelta" in event
    )


CORPUS_SHAPES: dict[str, tuple[str, int, Callable[[Any], str]]] = {
    "openai-chat-sse": (
        "pydantic+pydantic-ai/tests/models/cassettes/test_crusoe/test_crusoe_model_streaming.yaml",
        0,
        chat_sse,
    ),
    "openai-chat-json": (
        "traceloop+openllmetry/packages/opentelemetry-instrumentation-mistralai/tests/cassettes/"
        "test_chat/test_mistralai_chat_with_cache_tokens.yaml",
        0,
        chat_json,
    ),
    "responses-sse": (
        "simonw+llm/tests/cassettes/test_openai_responses/test_responses_basic_streaming.yaml",
        0,
        responses_sse,
    ),
    "responses-json": (
        "simonw+llm/tests/cassettes/test_openai_responses/test_responses_basic_non_streaming.yaml",
        0,
        responses_json,
    ),
    "anthropic-sse": (
        "simonw+llm-anthropic/tests/cassettes/test_anthropic/test_stream_events_text.yaml",
        0,
        anthropic_sse,
    ),
    "anthropic-json": (
        "pydantic+pydantic-ai/tests/models/cassettes/test_anthropic_mid_conversation_system/"
        "test_mid_conversation_system_prompt_takes_cache_breakpoint.yaml",
        0,
        anthropic_json,
    ),
    "gemini-sse": (
        "pydantic+pydantic-ai/tests/models/cassettes/test_google/"
        "test_google_stream_usage_is_live_mid_stream.yaml",
        0,
        gemini_sse,
    ),
    "gemini-json": (
        "crewAIInc+crewAI/lib/crewai/tests/cassettes/llms/google/"
        "test_gemini_async_with_system_message.yaml",
        0,
        gemini_json,
    ),
    "gemini-array": (
        "simonw+llm-gemini/tests/cassettes/test_gemini/test_prompt.yaml",
        0,
        gemini_items,
    ),
    "bedrock-converse": (
        "pydantic+pydantic-ai/tests/models/cassettes/test_bedrock/test_bedrock_zai_native_output.yaml",
        0,
        converse,
    ),
    "bedrock-converse-stream": (
        "pydantic+pydantic-ai/tests/models/cassettes/test_bedrock/"
        "test_bedrock_model_stream_with_extra_headers.yaml",
        0,
        converse_stream,
    ),
}


def show_json(path: Path, index: int) -> dict:
    result = run("show", path, "--format", "json", "--interaction", str(index))
    assert result.exit_code == 0, result.stderr
    (line,) = result.stdout.splitlines()
    return json.loads(line)


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize("shape", list(CORPUS_SHAPES))
def test_corpus_shape_golden_and_answer(
    shape: str, corpus_dir: Path, golden, monkeypatch: pytest.MonkeyPatch
) -> None:
    name, index, expected = CORPUS_SHAPES[shape]
    vcr = corpus_dir / "vcr"
    raw_body = interactions(vcr / name)[index].data["response"]["body"]  # decoded by the test
    answer = expected(raw_body)
    assert answer.strip()
    shown = show_json(vcr / name, index)
    assert shown["response"]["choices"][0]["text"] == answer
    monkeypatch.chdir(vcr)
    result = run("show", name, "--interaction", str(index))
    assert result.exit_code == 0, result.stderr
    golden(f"show/vcr/{shape}.txt", result.stdout)


def test_corpus_embeddings_count_and_dimensions(corpus_dir: Path) -> None:
    name = (
        "pydantic+pydantic-ai/tests/cassettes/test_embeddings/TestOpenAI.test_instrumentation.yaml"
    )
    document = yaml.load((corpus_dir / "vcr" / name).read_bytes(), Loader=yaml.CSafeLoader)
    response = document["interactions"][0]["response"]
    body = response.get("parsed_body") or json.loads(response["body"]["string"])
    vectors = [item["embedding"] for item in body["data"]]
    first = vectors[0]  # a list of floats, or base64 of float32s
    dims = len(first) if isinstance(first, list) else len(base64.b64decode(first)) // 4
    shown = show_json(corpus_dir / "vcr" / name, 0)
    assert shown["response"]["embeddings"] == [len(vectors), dims]


# the samples ---------------------------------------------------------------------------


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize("name", VCR_SAMPLES)
def test_sample_goldens(name: str, golden, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLES.parent)
    for args, suffix in (((), ".txt"), (("--plain",), ".plain.txt")):
        result = run("show", f"sample_cassettes/{name}", *args)
        assert result.exit_code == 0, result.stderr
        golden(f"show/vcr/{name.removesuffix('.yaml')}{suffix}", result.stdout)


def _raw(name: str) -> dict:
    return yaml.load((SAMPLES / name).read_bytes(), Loader=yaml.CSafeLoader)


def test_sample_answers_match_their_raw_bodies() -> None:
    openai = _raw("vcr-openai-chat-stream.yaml")["interactions"][0]
    lines = openai["response"]["body"]["string"].split("\n")
    assert show_json(SAMPLES / "vcr-openai-chat-stream.yaml", 0)["response"]["choices"][0][
        "text"
    ] == chat_sse(lines)
    gemini = _raw("vcr-gemini-gzip.yaml")["interactions"][0]
    body = json.loads(gzip.decompress(gemini["response"]["body"]["string"]))
    assert show_json(SAMPLES / "vcr-gemini-gzip.yaml", 0)["response"]["choices"][0][
        "text"
    ] == gemini_json(body)
    anthropic = _raw("vcr-anthropic-stream-tool-call.yaml")["interactions"]
    for index, entry in enumerate(anthropic):
        lines = entry["response"]["body"]["string"].split("\n")
        choice = show_json(SAMPLES / "vcr-anthropic-stream-tool-call.yaml", index)["response"][
            "choices"
        ][0]
        assert choice["text"] == anthropic_sse(lines)
    (call,) = show_json(SAMPLES / "vcr-anthropic-stream-tool-call.yaml", 0)["response"]["choices"][
        0
    ]["tool_calls"]
    assert call["name"] == "get_tide"
    assert call["arguments_json"] == {"harbour": "Saint-Malo", "date": "2026-03-14"}


def test_json_is_one_line_per_interaction_with_its_index() -> None:
    result = run("show", SAMPLES / "vcr-anthropic-stream-tool-call.yaml", "--format", "json")
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["interaction"] for d in documents] == [0, 1]
    assert all(d["file"].endswith("vcr-anthropic-stream-tool-call.yaml") for d in documents)
    assert [d["summary"]["interaction"] for d in documents] == [0, 1]
    assert [d["response"]["choices"][0]["finish_reason"] for d in documents] == [
        "tool_use",
        "end_turn",
    ]


def test_interaction_picks_one() -> None:
    result = run(
        "show", SAMPLES / "vcr-anthropic-stream-tool-call.yaml", "--interaction", "1", "--plain"
    )
    assert result.exit_code == 0
    assert "=== interaction 1" in result.stdout and "=== interaction 0" not in result.stdout
    assert "06:41 (11.9 m)" in result.stdout
    missing = run("show", SAMPLES / "vcr-anthropic-stream-tool-call.yaml", "--interaction", "2")
    assert missing.exit_code == 2 and missing.stdout == ""
    assert missing.stderr.count("\n") == 1 and "has no interaction 2; it has 2" in missing.stderr


@pytest.mark.usefixtures("cli_env")
def test_raw_shows_the_decoded_bodies() -> None:
    gemini = run("show", SAMPLES / "vcr-gemini-gzip.yaml", "--raw")
    assert gemini.exit_code == 0
    assert "Lagoon Nebula (M8)" in gemini.stdout and "H4sI" not in gemini.stdout
    openai = run("show", SAMPLES / "vcr-openai-chat-stream.yaml", "--raw")
    assert '"data": "[DONE]"' in openai.stdout and '"delta"' in openai.stdout
    assert "data: {" not in openai.stdout  # events, not lines


def test_plain_works_on_yaml_as_git_textconv() -> None:
    result = run("show", SAMPLES / "vcr-openai-chat-stream.yaml", "--plain")
    assert result.stdout.startswith("# format: VCR.py cassette (YAML); interactions: 1;")
    assert "The Latin name for the Moon is Luna." in result.stdout
    assert "chatcmpl-sample0001" not in result.stdout  # no ids


# files that are not cassettes ----------------------------------------------------------

WORKFLOW = b"name: ci\non:\n  push: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n"


def test_yaml_that_is_not_a_cassette_is_passed_over_in_a_walk(tmp_path: Path) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "ci.yml").write_bytes(WORKFLOW)
    (tmp_path / "mkdocs.yml").write_bytes(b"site_name: docs\nnav:\n  - Home: index.md\n")
    (tmp_path / "x.yaml").write_bytes((SAMPLES / "vcr-gemini-gzip.yaml").read_bytes())
    result = run("show", tmp_path, "--plain")
    assert result.exit_code == 0
    notes = result.stderr.splitlines()
    assert len(notes) == 2 and all(n.startswith("cassette: ") for n in notes)
    assert "ci.yml" in notes[0] and "mkdocs.yml" in notes[1] and "passed over" in notes[0]
    assert "Lagoon Nebula" in result.stdout


def test_a_named_file_that_is_not_a_cassette_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "ci.yml"
    path.write_bytes(WORKFLOW)
    result = run("show", path)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and str(path) in result.stderr


# the whole corpus ----------------------------------------------------------------------


def _not_http(path: Path) -> bool:
    """A YAML file whose interactions are not HTTP requests, judged here on its own."""
    value = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    entries = value.get("interactions") if isinstance(value, dict) else None
    return not isinstance(entries, list) or any(
        not isinstance(e, dict) or "request" not in e for e in entries
    )


@pytest.mark.parametrize("args", [(), ("--plain",), ("--format", "json")])
def test_show_over_the_whole_corpus(corpus_dir: Path, args: tuple[str, ...]) -> None:
    result = run("show", corpus_dir, *args)
    assert result.exit_code == 0, result.stderr[:2000]
    passed_over = sorted(p for p in (corpus_dir / "vcr").rglob("*.yaml") if _not_http(p))
    notes = result.stderr.splitlines()
    assert len(notes) == len(passed_over) >= 1
    assert all(
        n.startswith("cassette: ") and str(p) in n for n, p in zip(notes, passed_over, strict=True)
    )
    assert "Traceback" not in result.stdout + result.stderr


# a big stream --------------------------------------------------------------------------


def test_a_50_mb_stream_is_shown_within_four_times_its_size(tmp_path: Path) -> None:
    """200,000 SSE events in one VCR.py cassette: read a line at a time, never all held."""
    import sys

    from tests.bench.common import run_once

    chunk = (
        '{"id":"chatcmpl-big","object":"chat.completion.chunk","created":1767225600,'
        '"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_0000000001","choices":'
        '[{"index":0,"delta":{"content":" w%d"},"logprobs":null,"finish_reason":%s}]}'
    )
    events = [
        "data: " + chunk % (i, '"stop"' if i == 199_999 else "null") + "\n\n"
        for i in range(200_000)
    ]
    document = {
        "interactions": [
            {
                "request": {
                    "body": '{"model": "gpt-4o-mini", "stream": true, "messages": []}',
                    "headers": {"content-type": ["application/json"]},
                    "method": "POST",
                    "uri": "https://api.openai.com/v1/chat/completions",
                },
                "response": {
                    "body": {"string": "".join(events) + "data: [DONE]\n\n"},
                    "headers": {"Content-Type": ["text/event-stream; charset=utf-8"]},
                    "status": {"code": 200, "message": "OK"},
                },
            }
        ],
        "version": 1,
    }
    del events
    path = tmp_path / "big.yaml"
    with open(path, "w") as handle:
        yaml.dump(document, handle, Dumper=yaml.CDumper)  # VCR.py's own serializer
    del document
    size = path.stat().st_size
    assert size > 50_000_000
    command = [sys.executable, "-m", "cli", "show", str(path), "--plain"]
    _, code, peak_kib = run_once(command)
    assert code == 0
    assert peak_kib * 1024 <= 4 * size, f"peak {peak_kib // 1024} MiB for {size // 2**20} MiB"
    result = run("show", path, "--format", "json")
    (line,) = result.stdout.splitlines()
    shown = json.loads(line)
    assert shown["summary"]["chunks"] == 200_000
    assert shown["response"]["choices"][0]["text"].endswith(" w199998 w199999")
