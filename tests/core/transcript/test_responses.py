"""responses: the OpenAI Responses API, one response object or its SSE events."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.core.model import Interaction
from cli.core.transcript.model import ERROR, RESPONSES
from cli.core.transcript.reassemble import transcribe
from tests.core.transcript.vcr_bodies import Entry, sse_data


def cassette(body: Any, status: int = 200) -> Interaction:
    request = {"method": "POST", "url": "https://api.openai.com/v1/responses", "body": {}}
    response = {"status": status, "headers": {}, "body": body}
    return Interaction(Path("mem.yaml"), {"request": request, "response": response})


def sse(*events: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for event in events:
        lines += [f"event: {event['type']}", "data: " + json.dumps(event), ""]
    return lines


def completed(output: list[Any] | None = None, **fields: Any) -> dict[str, Any]:
    response = {
        "id": "resp_1",
        "object": "response",
        "created_at": 1,
        "model": "gpt-5",
        "status": "completed",
        "output": output or [],
        "usage": {"input_tokens": 5, "output_tokens": 7, "total_tokens": 12},
        **fields,
    }
    return {"type": "response.completed", "response": response}


def delta(kind: str, text: str, index: int = 0, **fields: Any) -> dict[str, Any]:
    return {"type": f"response.{kind}.delta", "delta": text, "output_index": index, **fields}


# the corpus --------------------------------------------------------------------------------


def expected_response(body: dict[str, Any]) -> dict[str, Any]:
    """Answer text, tool calls, status and usage, read straight off a response object."""
    texts, calls, summaries = [], [], []
    for item in body["output"]:
        if item["type"] == "message" and item.get("role") == "assistant":
            texts.append("".join(p["text"] for p in item["content"] if p["type"] == "output_text"))
        elif item["type"] == "function_call":
            calls.append((item["call_id"], item["name"], item["arguments"]))
        elif item["type"] == "reasoning":  # the summary, else the open models' reasoning text
            parts = item.get("summary") or item.get("content") or []
            summaries.append("\n\n".join(part["text"] for part in parts))
    return {
        "text": "\n\n".join(t for t in texts if t),
        "calls": calls,
        "reasoning": "\n\n".join(s for s in summaries if s),
        "finish": body.get("status"),
        "usage": (body["usage"]["input_tokens"], body["usage"]["output_tokens"]),
    }


def got_response(interaction: Interaction) -> dict[str, Any]:
    transcript = transcribe(interaction)
    assert transcript.kind == RESPONSES
    choice = transcript.choices[0]
    return {
        "text": choice.text,
        "calls": [(c.id, c.name, c.arguments) for c in choice.tool_calls],
        "reasoning": choice.reasoning,
        "finish": choice.finish_reason,
        "usage": (transcript.usage.input_tokens, transcript.usage.output_tokens),
    }


@pytest.mark.corpus
def test_every_corpus_response_object_matches_its_raw_body(vcr_corpus: list[Entry]) -> None:
    entries = [
        e
        for e in vcr_corpus
        if "/responses" in e.url and isinstance(e.body, dict) and e.body.get("object")
    ]
    assert len(entries) >= 40  # OpenAI, Azure-style, OpenRouter, DeepSeek, compactions
    mismatches = []
    for entry in entries:
        expected, got = expected_response(entry.body), got_response(entry.interaction)
        if got != expected:
            mismatches.append((entry.name, got, expected))
    assert not mismatches, mismatches[:2]


@pytest.mark.corpus
def test_every_corpus_response_stream_matches_its_deltas(vcr_corpus: list[Entry]) -> None:
    entries = [e for e in vcr_corpus if "/responses" in e.url and e.is_sse]
    assert len(entries) >= 3
    for entry in entries:
        events = [data for _, data in sse_data(entry.body)]
        text = "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")
        arguments = "".join(
            e["delta"] for e in events if e["type"] == "response.function_call_arguments.delta"
        )
        final = next(e["response"] for e in events if e["type"] == "response.completed")
        transcript = transcribe(entry.interaction)
        choice = transcript.choices[0]
        assert choice.text == text
        assert "".join(call.arguments for call in choice.tool_calls) == arguments
        usage = final["usage"]
        assert (transcript.usage.input_tokens, transcript.usage.output_tokens) == (
            usage["input_tokens"],
            usage["output_tokens"],
        )
        assert transcript.chunk_count == len(events)
        # the stream reads like the response object it ends with
        whole = got_response(cassette(final))
        assert (whole["text"], whole["calls"]) == (
            choice.text,
            [(c.id, c.name, c.arguments) for c in choice.tool_calls],
        )


# handmade ---------------------------------------------------------------------------------


def test_reasoning_summary_parts_and_interleaved_function_calls() -> None:
    call_a = {"type": "function_call", "id": "fc_a", "call_id": "call_a", "name": "f"}
    call_b = {"type": "function_call", "id": "fc_b", "call_id": "call_b", "name": "g"}
    body = sse(
        {"type": "response.created", "response": {"id": "resp_1", "status": "in_progress"}},
        {"type": "response.output_item.added", "output_index": 0, "item": {"type": "reasoning"}},
        delta("reasoning_summary_text", "**Plan**", summary_index=0),
        delta("reasoning_summary_text", " first.", summary_index=0),
        delta("reasoning_summary_text", "Then act.", summary_index=1),
        {"type": "response.output_item.added", "output_index": 1, "item": call_a},
        {"type": "response.output_item.added", "output_index": 2, "item": call_b},
        delta("function_call_arguments", '{"x":', 1, item_id="fc_a"),
        delta("function_call_arguments", '{"y":2}', 2, item_id="fc_b"),
        delta("function_call_arguments", "1}", 1, item_id="fc_a"),
        completed(),
    )
    transcript = transcribe(cassette(body))
    choice = transcript.choices[0]
    assert choice.reasoning == "**Plan** first.\n\nThen act."
    assert [(c.id, c.name, c.arguments_json) for c in choice.tool_calls] == [
        ("call_a", "f", {"x": 1}),
        ("call_b", "g", {"y": 2}),
    ]
    assert (choice.finish_reason, transcript.usage.total_tokens) == ("completed", 12)


def test_done_events_stand_in_for_missing_deltas() -> None:
    body = sse(
        {"type": "response.output_text.done", "output_index": 0, "content_index": 0, "text": "Hi"},
        {"type": "response.function_call_arguments.done", "output_index": 1, "arguments": "{}"},
        {
            "type": "response.output_item.done",
            "output_index": 1,
            "item": {"type": "function_call", "call_id": "c", "name": "f", "arguments": "{}"},
        },
    )
    choice = transcribe(cassette(body)).choices[0]
    assert choice.text == "Hi"
    assert [(c.name, c.arguments) for c in choice.tool_calls] == [("f", "{}")]
    assert choice.finish_reason is None  # no state event recorded at all


def test_server_tools_and_custom_tools_are_tool_calls() -> None:
    output = [
        {
            "type": "web_search_call",
            "id": "ws_1",
            "status": "completed",
            "action": {"type": "search", "query": "weather Paris"},
        },
        {"type": "custom_tool_call", "call_id": "c1", "name": "shell", "input": "ls -la"},
        {"type": "image_generation_call", "id": "ig_1", "result": "iVBORw0KGgo..."},
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "ok"}],
        },
    ]
    body = completed(output)["response"]
    choice = transcribe(cassette(body)).choices[0]
    calls = [(c.type, c.name, c.arguments_json) for c in choice.tool_calls]
    assert calls == [
        ("web_search_call", "web_search", {"action": {"type": "search", "query": "weather Paris"}}),
        ("custom_tool_call", "shell", {"input": "ls -la"}),
        ("image_generation_call", "image_generation", {}),  # the image itself is left out
    ]
    assert choice.text == "ok"


def test_a_compaction_echoes_input_that_is_not_the_answer() -> None:
    output = [
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "2+2?"}]},
        {"type": "compaction", "encrypted_content": "gAAA"},
    ]
    body = {"object": "response.compaction", "id": "r", "output": output, "created_at": 1}
    transcript = transcribe(cassette(body))
    assert (transcript.kind, transcript.choices[0].text) == (RESPONSES, "")


def test_incomplete_response_gives_its_reason() -> None:
    body = completed(
        [
            {
                "type": "message",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "Lo"}],
            }
        ],
        status="incomplete",
        incomplete_details={"reason": "max_output_tokens"},
    )["response"]
    assert transcribe(cassette(body)).choices[0].finish_reason == "max_output_tokens"


def test_failed_stream_is_an_error() -> None:
    failed = {
        "type": "response.failed",
        "response": {
            "id": "resp_1",
            "status": "failed",
            "error": {"code": "server_error", "message": "The model crashed"},
        },
    }
    transcript = transcribe(cassette(sse(delta("output_text", "Hel"), failed)))
    assert transcript.kind == ERROR
    assert (transcript.error.type, transcript.error.message) == (
        "server_error",
        "The model crashed",
    )
    assert transcript.choices[0].text == "Hel"


def test_error_event() -> None:
    event = {"type": "error", "code": "rate_limit_exceeded", "message": "Slow down", "param": None}
    transcript = transcribe(cassette(sse(delta("output_text", "a"), event)))
    assert (transcript.kind, transcript.error.type, transcript.error.message) == (
        ERROR,
        "rate_limit_exceeded",
        "Slow down",
    )


def test_an_error_event_alone() -> None:
    event = {"type": "error", "code": "invalid_prompt", "message": "Bad prompt"}
    transcript = transcribe(cassette(sse(event)))
    assert (transcript.kind, transcript.error.message) == (ERROR, "Bad prompt")


def test_open_weight_reasoning_text() -> None:
    reasoning = {
        "type": "reasoning",
        "summary": [],
        "content": [{"type": "reasoning_text", "text": "hm"}],
    }
    body = completed([reasoning])["response"]
    assert transcribe(cassette(body)).choices[0].reasoning == "hm"


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(min_size=1, max_size=80),
    cuts=st.lists(st.integers(min_value=0, max_value=80), max_size=10),
)
def test_any_chunking_of_output_text_gives_the_same_text(text: str, cuts: list[int]) -> None:
    bounds = sorted({0, len(text), *[c % (len(text) + 1) for c in cuts]})
    events = [delta("output_text", text[a:b], content_index=0) for a, b in pairwise(bounds)]
    assert transcribe(cassette(sse(*events, completed()))).choices[0].text == text


def test_a_stream_that_only_sends_the_final_response() -> None:
    message = {
        "type": "message",
        "id": "m",
        "role": "assistant",
        "content": [{"type": "output_text", "text": "Whole"}],
    }
    created = {
        "type": "response.created",
        "response": {"id": "resp_1", "status": "in_progress", "output": []},
    }
    transcript = transcribe(cassette(sse(created, completed([message]))))
    assert (transcript.choices[0].text, transcript.chunk_count) == ("Whole", 2)
