"""cohere: chat v1 (JSON, and its JSON-lines stream) and v2 (JSON, and its SSE events)."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.core.model import Interaction
from cli.core.transcript.model import COHERE
from cli.core.transcript.reassemble import transcribe
from tests.core.transcript.vcr_bodies import Entry, binary_chunk, sse_data


def cassette(body: Any, version: str = "v2") -> Interaction:
    request = {"method": "POST", "url": f"https://api.cohere.com/{version}/chat", "body": {}}
    response = {"status": 200, "headers": {}, "body": body}
    return Interaction(Path("mem.yaml"), {"request": request, "response": response})


def sse(*events: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for event in events:
        lines += [f"event: {event['type']}", "data: " + json.dumps(event), ""]
    return [*lines, "data: [DONE]", ""]


def message_delta(kind: str, index: int | None = None, **message: Any) -> dict[str, Any]:
    event: dict[str, Any] = {"type": kind, "delta": {"message": message}}
    if index is not None:
        event["index"] = index
    return event


USAGE = {
    "billed_units": {"input_tokens": 5, "output_tokens": 9},
    "tokens": {"input_tokens": 70, "output_tokens": 9},
}


@pytest.mark.corpus
def test_corpus_v2_stream_matches_its_events(vcr_corpus: list[Entry]) -> None:
    (entry,) = [e for e in vcr_corpus if "api.cohere.com/v2/chat" in e.url]
    events = [data for _, data in sse_data(entry.body)]
    text = "".join(
        e["delta"]["message"]["content"]["text"] for e in events if e["type"] == "content-delta"
    )
    (end,) = [e for e in events if e["type"] == "message-end"]
    transcript = transcribe(entry.interaction)
    choice = transcript.choices[0]
    assert (transcript.kind, choice.text, choice.role) == (COHERE, text, "assistant")
    assert choice.finish_reason == end["delta"]["finish_reason"]
    tokens = end["delta"]["usage"]["tokens"]
    assert (transcript.usage.input_tokens, transcript.usage.output_tokens) == (
        tokens["input_tokens"],
        tokens["output_tokens"],
    )
    assert transcript.usage.details["billed_units"] == end["delta"]["usage"]["billed_units"]
    assert transcript.ids == [events[0]["id"]]


def test_v2_stream_with_a_tool_plan_and_split_tool_arguments() -> None:
    function = {"name": "weather", "arguments": ""}
    body = sse(
        {"id": "m1", **message_delta("message-start", role="assistant", content=[], tool_plan="")},
        message_delta("tool-plan-delta", tool_plan="I will look "),
        message_delta("tool-plan-delta", tool_plan="it up."),
        message_delta(
            "tool-call-start", 0, tool_calls={"id": "c1", "type": "function", "function": function}
        ),
        message_delta("tool-call-delta", 0, tool_calls={"function": {"arguments": '{"city":'}}),
        message_delta("tool-call-delta", 0, tool_calls={"function": {"arguments": '"Rome"}'}}),
        {"type": "tool-call-end", "index": 0},
        {"type": "message-end", "delta": {"finish_reason": "TOOL_CALL", "usage": USAGE}},
    )
    transcript = transcribe(cassette(body))
    choice = transcript.choices[0]
    assert choice.reasoning == "I will look it up."
    assert [(c.id, c.name, c.arguments_json) for c in choice.tool_calls] == [
        ("c1", "weather", {"city": "Rome"})
    ]
    assert (choice.finish_reason, transcript.usage.input_tokens, transcript.usage.total_tokens) == (
        "TOOL_CALL",
        70,
        79,
    )


def test_v2_response_with_thinking_text_and_tool_calls() -> None:
    body = {
        "id": "r1",
        "finish_reason": "COMPLETE",
        "message": {
            "role": "assistant",
            "content": [{"type": "thinking", "thinking": "Easy."}, {"type": "text", "text": "4"}],
            "tool_calls": [
                {
                    "id": "t",
                    "type": "function",
                    "function": {"name": "calc", "arguments": '{"x": 2}'},
                }
            ],
        },
        "usage": {"billed_units": {"input_tokens": 3, "output_tokens": 1}},
    }
    transcript = transcribe(cassette(body))
    choice = transcript.choices[0]
    assert (transcript.kind, choice.reasoning, choice.text, choice.finish_reason) == (
        COHERE,
        "Easy.",
        "4",
        "COMPLETE",
    )
    assert choice.tool_calls[0].arguments_json == {"x": 2}
    assert (transcript.usage.input_tokens, transcript.usage.output_tokens) == (
        3,
        1,
    )  # billed units only


def test_v1_response_with_tool_calls() -> None:
    body = {
        "response_id": "r",
        "text": "",
        "generation_id": "g",
        "chat_history": [],
        "finish_reason": "COMPLETE",
        "tool_calls": [{"name": "query_db", "parameters": {"table": "users"}}],
        "meta": {
            "api_version": {"version": "1"},
            "billed_units": {"input_tokens": 8, "output_tokens": 2},
        },
    }
    transcript = transcribe(cassette(body, "v1"))
    (call,) = transcript.choices[0].tool_calls
    assert (transcript.kind, call.name, call.arguments_json) == (
        COHERE,
        "query_db",
        {"table": "users"},
    )
    assert (transcript.usage.input_tokens, transcript.ids) == (8, ["r"])


def test_v1_stream_of_json_lines() -> None:
    events = [
        {"is_finished": False, "event_type": "stream-start", "generation_id": "g1"},
        {"is_finished": False, "event_type": "text-generation", "text": "Hel"},
        {"is_finished": False, "event_type": "text-generation", "text": "lo"},
        {
            "is_finished": False,
            "event_type": "tool-calls-chunk",
            "tool_call_delta": {"index": 0, "name": "f"},
        },
        {
            "is_finished": False,
            "event_type": "tool-calls-chunk",
            "tool_call_delta": {"index": 0, "parameters": '{"a":'},
        },
        {
            "is_finished": False,
            "event_type": "tool-calls-chunk",
            "tool_call_delta": {"index": 0, "parameters": " 1}"},
        },
        {
            "is_finished": False,
            "event_type": "tool-calls-generation",
            "tool_calls": [{"name": "f", "parameters": {"a": 1}}],
        },
        {
            "is_finished": True,
            "event_type": "stream-end",
            "finish_reason": "COMPLETE",
            "response": {
                "response_id": "r1",
                "meta": {"tokens": {"input_tokens": 4, "output_tokens": 6}},
            },
        },
    ]
    body = "\n".join(json.dumps(event) for event in events) + "\n"  # a text body, as recorded
    transcript = transcribe(cassette(body, "v1"))
    choice = transcript.choices[0]
    assert (transcript.kind, choice.text, choice.finish_reason) == (COHERE, "Hello", "COMPLETE")
    assert [(c.name, c.arguments_json) for c in choice.tool_calls] == [
        ("f", {"a": 1})
    ]  # once, not twice
    assert (transcript.usage.output_tokens, transcript.ids, transcript.chunk_count) == (
        6,
        ["g1", "r1"],
        8,
    )


def test_text_that_is_not_json_lines_is_other() -> None:
    transcript = transcribe(cassette('{"a": 1}\nnot json\n'))
    assert (transcript.kind, transcript.raw) == ("other", '{"a": 1}\nnot json\n')


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(min_size=1, max_size=80),
    cuts=st.lists(st.integers(min_value=0, max_value=80), max_size=10),
)
def test_any_chunking_gives_the_same_text(text: str, cuts: list[int]) -> None:
    bounds = sorted({0, len(text), *[c % (len(text) + 1) for c in cuts]})
    events = [
        message_delta("content-delta", 0, content={"text": text[a:b]}) for a, b in pairwise(bounds)
    ]
    assert transcribe(cassette(sse(*events))).choices[0].text == text


def test_generate_whole_and_streamed() -> None:
    """`/v1/generate`, and Cohere Command on Bedrock (`invoke`, `invoke-with-response-stream`)."""
    whole = {
        "id": "g1",
        "generations": [
            {"id": "a", "text": "One"},
            {"id": "b", "text": "Two", "finish_reason": "MAX_TOKENS"},
        ],
        "meta": {"billed_units": {"input_tokens": 3, "output_tokens": 2}},
    }
    transcript = transcribe(cassette(whole, "v1"))
    assert (transcript.kind, [c.text for c in transcript.choices]) == (COHERE, ["One", "Two"])
    assert (transcript.choices[1].finish_reason, transcript.usage.total_tokens) == ("MAX_TOKENS", 5)
    chunks = [
        {"text": "Hel", "is_finished": False},
        {"text": "lo", "is_finished": False},
        {"is_finished": True, "finish_reason": "COMPLETE"},
    ]
    streamed = transcribe(cassette([binary_chunk(chunk) for chunk in chunks], "v1"))
    assert (streamed.kind, streamed.choices[0].text, streamed.choices[0].finish_reason) == (
        COHERE,
        "Hello",
        "COMPLETE",
    )
