"""Stream rules in detail: legacy function calls (no id, so no T006), and how an OpenAI
stream of raw SSE lines ends (T010: `[DONE]`, or a last chunk that finishes)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.core.rules.test_rules import SOL, WHOLE, Data, check, chunks, codes, sample


def test_legacy_function_calls_have_no_id(tmp_path: Path) -> None:
    """OpenAI's `function_call` (before tool calls) has a name and never an id: no T006,
    streamed or whole."""
    data = sample(WHOLE)
    message = data["response"]["body"]["__data__"]["choices"][0]["message"]
    message["function_call"] = {"name": "joke", "arguments": '{"setup": "x"}'}
    assert "T006" not in codes(check(tmp_path, data))
    data = sample(SOL)
    deltas = [chunk["choices"][0]["delta"] for chunk in chunks(data)]
    deltas[1].update(content=None, function_call={"name": "joke", "arguments": ""})
    deltas[2].update(content=None, function_call={"arguments": '{"a": 1}'})
    assert "T006" not in codes(check(tmp_path, data))
    deltas[1]["function_call"]["name"] = None  # arguments before the name still are T006
    assert "T006" in codes(check(tmp_path, data))


def _raw_sse(data: Data, done: bool) -> None:
    """The typed stream as the raw SSE lines an OpenAI server sends."""
    lines = [f"data: {json.dumps(chunk)}" for chunk in chunks(data)]
    data["response"]["body"] = [*lines, *(["data: [DONE]"] if done else [])]


def test_an_openai_stream_ends_with_done_or_a_finishing_chunk(tmp_path: Path) -> None:
    data = sample(SOL)
    _raw_sse(data, done=True)
    assert not codes(check(tmp_path, data)) & {"T003", "T010"}
    _raw_sse(sample_data := sample(SOL), done=False)  # Writer's API sends no [DONE]
    assert not codes(check(tmp_path, sample_data)) & {"T003", "T010"}
    sample_data["response"]["body"].pop()  # the finishing chunk: cut short
    assert {"T003", "T010"} <= codes(check(tmp_path, sample_data))
