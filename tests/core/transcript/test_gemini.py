"""gemini: generateContent and streamGenerateContent (SSE, and the streamed JSON array)."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.core.model import Interaction
from cli.core.transcript.model import ERROR, GEMINI
from cli.core.transcript.reassemble import transcribe
from tests.core.transcript.vcr_bodies import Entry, sse_data

URL = (
    "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent"
)


def cassette(body: Any, status: int = 200) -> Interaction:
    request = {"method": "POST", "url": URL, "body": {}}
    response = {"status": status, "headers": {}, "body": body, "is_streaming": True}
    return Interaction(Path("mem.yaml"), {"request": request, "response": response})


def chunk(*parts: dict[str, Any], finish: str | None = None, **fields: Any) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": list(parts)}, "index": 0}
    if finish:
        candidate["finishReason"] = finish
    return {"candidates": [candidate], "modelVersion": "gemini-2.5-flash", **fields}


# the corpus --------------------------------------------------------------------------------


def _chunks(entry: Entry) -> list[dict[str, Any]]:
    if entry.is_sse:
        return [data for _, data in sse_data(entry.body)]
    return entry.body if isinstance(entry.body, list) else [entry.body]


def expected_content(chunks: list[dict[str, Any]]) -> dict[str, Any]:
    text, thoughts, calls, finish, usage = [], [], [], None, {}
    for data in chunks:
        usage = data.get("usageMetadata") or usage
        for candidate in data.get("candidates") or []:
            for part in (candidate.get("content") or {}).get("parts") or []:
                call = part.get("functionCall") or part.get("function_call")
                if call:
                    calls.append((call["name"], call.get("args")))
                elif "toolCall" in part:
                    calls.append((part["toolCall"]["toolType"], part["toolCall"].get("args")))
                elif part.get("thought"):
                    thoughts.append(part.get("text", ""))
                elif "text" in part:
                    text.append(part["text"])
            finish = candidate.get("finishReason") or finish
    return {
        "text": "".join(text),
        "reasoning": "".join(thoughts),
        "calls": calls,
        "finish": finish,
        "usage": (usage.get("promptTokenCount"), usage.get("candidatesTokenCount")),
    }


@pytest.mark.corpus
def test_every_corpus_generate_content_matches_its_raw_body(vcr_corpus: list[Entry]) -> None:
    entries = [
        e
        for e in vcr_corpus
        if "googleapis.com" in e.url and "GenerateContent" in e.url.replace(":g", ":G")
    ]
    entries = [e for e in entries if e.status < 400]
    kinds = {("sse" if e.is_sse else type(e.body).__name__) for e in entries}
    assert kinds == {"sse", "list", "dict"} and len(entries) >= 30
    mismatches = []
    for entry in entries:
        transcript = transcribe(entry.interaction)
        choice = transcript.choices[0]
        got = {
            "text": choice.text,
            "reasoning": choice.reasoning,
            "calls": [(c.name, c.arguments_json) for c in choice.tool_calls],
            "finish": choice.finish_reason,
            "usage": (transcript.usage.input_tokens, transcript.usage.output_tokens),
        }
        expected = expected_content(_chunks(entry))
        if transcript.kind != GEMINI or got != expected:
            mismatches.append((entry.name, got, expected))
        if entry.is_sse or isinstance(entry.body, list):
            assert transcript.chunk_count == len(_chunks(entry)), entry.name
    assert not mismatches, mismatches[:2]


# handmade ---------------------------------------------------------------------------------


def test_thoughts_function_calls_and_server_tools() -> None:
    body = [
        chunk({"text": "Thinking about it.", "thought": True}),
        chunk(
            {"toolCall": {"id": "t1", "toolType": "GOOGLE_SEARCH_WEB", "args": {"queries": ["x"]}}},
            {"toolResponse": {"id": "t1", "response": {"results": []}}},
        ),
        chunk({"executableCode": {"language": "PYTHON", "code": "print(1)"}}),
        chunk({"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "1\n"}}),
        chunk(
            {
                "functionCall": {"name": "weather", "args": {"city": "Paris"}},
                "thoughtSignature": "s",
            }
        ),
        chunk(
            {"text": "Done."},
            finish="STOP",
            usageMetadata={"promptTokenCount": 4, "candidatesTokenCount": 9, "totalTokenCount": 20},
        ),
    ]
    transcript = transcribe(cassette(body))
    choice = transcript.choices[0]
    assert (choice.reasoning, choice.text, choice.finish_reason) == (
        "Thinking about it.",
        "Done.",
        "STOP",
    )
    assert [(c.type, c.name, c.arguments_json) for c in choice.tool_calls] == [
        ("tool_call", "GOOGLE_SEARCH_WEB", {"queries": ["x"]}),
        ("executable_code", "code_execution", {"language": "PYTHON", "code": "print(1)"}),
        (None, "weather", {"city": "Paris"}),
    ]
    assert (transcript.usage.total_tokens, transcript.chunk_count) == (20, 6)


def test_a_blocked_prompt_has_its_block_reason() -> None:
    body = {"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": {"promptTokenCount": 3}}
    transcript = transcribe(cassette(body))
    assert (transcript.kind, transcript.choices[0].finish_reason) == (GEMINI, "SAFETY")
    assert (transcript.choices[0].text, transcript.usage.input_tokens) == ("", 3)


def test_a_blocked_prompt_in_a_stream() -> None:
    body = [chunk({"text": "x"}), {"promptFeedback": {"blockReason": "SAFETY"}, "candidates": []}]
    assert transcribe(cassette(body)).choices[0].finish_reason == "SAFETY"


def test_an_error_item_at_the_end_of_a_streamed_array() -> None:
    error = {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}
    transcript = transcribe(cassette([chunk({"text": "Partial"}), error]))
    assert transcript.kind == ERROR
    assert (transcript.error.type, transcript.error.message) == (
        "UNAVAILABLE",
        "The model is overloaded.",
    )
    assert transcript.choices[0].text == "Partial"


def test_gemini_sse_with_crlf_separators() -> None:
    lines = []
    for data in (chunk({"text": "Hel"}), chunk({"text": "lo"}, finish="STOP")):
        lines += ["data: " + json.dumps(data), ""]
    text = "\r\n".join(lines) + "\r\n"
    transcript = transcribe(cassette(text))
    assert (transcript.choices[0].text, transcript.chunk_count) == ("Hello", 2)


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(min_size=1, max_size=80),
    cuts=st.lists(st.integers(min_value=0, max_value=80), max_size=10),
)
def test_any_chunking_gives_the_same_text(text: str, cuts: list[int]) -> None:
    bounds = sorted({0, len(text), *[c % (len(text) + 1) for c in cuts]})
    body = [chunk({"text": text[a:b]}) for a, b in pairwise(bounds)]
    assert transcribe(cassette(body)).choices[0].text == text
