"""anthropic: /v1/messages as one message or SSE events, Claude on Bedrock, Claude 2."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.core.model import Interaction
from cli.core.transcript.model import ANTHROPIC, ERROR
from cli.core.transcript.reassemble import transcribe
from tests.core.transcript.vcr_bodies import Entry, binary_chunk, sse_data

_TOOL_BLOCKS = ("tool_use", "server_tool_use", "mcp_tool_use")


def cassette(body: Any, status: int = 200) -> Interaction:
    request = {"method": "POST", "url": "https://api.anthropic.com/v1/messages", "body": {}}
    response = {"status": status, "headers": {}, "body": body}
    return Interaction(Path("mem.yaml"), {"request": request, "response": response})


def sse(*events: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for event in events:
        lines += [f"event: {event['type']}", "data: " + json.dumps(event), ""]
    return lines


def start(**usage: int) -> dict[str, Any]:
    message = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude",
        "usage": usage,
    }
    return {"type": "message_start", "message": message}


def block(index: int, **content_block: Any) -> dict[str, Any]:
    return {"type": "content_block_start", "index": index, "content_block": content_block}


def piece(index: int, **delta: Any) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": index, "delta": delta}


def stop(reason: str, **usage: int) -> dict[str, Any]:
    return {"type": "message_delta", "delta": {"stop_reason": reason}, "usage": usage}


# the corpus --------------------------------------------------------------------------------


def expected_message(entry: Entry) -> dict[str, Any]:
    if not entry.is_sse:
        body = entry.body
        return {
            "text": "".join(b["text"] for b in body["content"] if b["type"] == "text"),
            "calls": [
                (b["name"], b["input"]) for b in body["content"] if b["type"] in _TOOL_BLOCKS
            ],
            "finish": body["stop_reason"],
            "usage": (body["usage"]["input_tokens"], body["usage"]["output_tokens"]),
        }
    text, names, inputs, finish, usage = [], {}, {}, None, {}
    for _, event in sse_data(entry.body):
        kind = event["type"]
        if kind == "message_start":
            usage.update(event["message"]["usage"])
        elif kind == "content_block_start" and event["content_block"]["type"] in _TOOL_BLOCKS:
            names[event["index"]] = event["content_block"]["name"]
            inputs[event["index"]] = ""
        elif kind == "content_block_delta" and event["delta"]["type"] == "text_delta":
            text.append(event["delta"]["text"])
        elif kind == "content_block_delta" and event["delta"]["type"] == "input_json_delta":
            inputs[event["index"]] += event["delta"]["partial_json"]
        elif kind == "message_delta":
            finish = event["delta"]["stop_reason"]
            usage.update({k: v for k, v in (event.get("usage") or {}).items() if v is not None})
    calls = [(names[i], json.loads(inputs[i]) if inputs[i] else {}) for i in sorted(names)]
    return {
        "text": "".join(text),
        "calls": calls,
        "finish": finish,
        "usage": (usage.get("input_tokens"), usage.get("output_tokens")),
    }


@pytest.mark.corpus
def test_every_corpus_message_matches_its_raw_body(vcr_corpus: list[Entry]) -> None:
    entries = [e for e in vcr_corpus if "api.anthropic.com/v1/messages" in e.url and e.status < 400]
    assert len(entries) >= 60
    assert sum(e.is_sse for e in entries) >= 25
    mismatches = []
    for entry in entries:
        transcript = transcribe(entry.interaction)
        choice = transcript.choices[0]
        got = {
            "text": choice.text,
            "calls": [(c.name, c.arguments_json or {}) for c in choice.tool_calls],
            "finish": choice.finish_reason,
            "usage": (transcript.usage.input_tokens, transcript.usage.output_tokens),
        }
        expected = expected_message(entry)
        if transcript.kind != ANTHROPIC or got != expected:
            mismatches.append((entry.name, got, expected))
    assert not mismatches, mismatches[:2]


@pytest.mark.corpus
def test_cache_tokens_go_to_details(vcr_corpus: list[Entry]) -> None:
    entry = next(e for e in vcr_corpus if "prompt_caching" in e.name and isinstance(e.body, dict))
    usage = transcribe(entry.interaction).usage
    raw = entry.body["usage"]
    assert usage.details["cache_read_input_tokens"] == raw["cache_read_input_tokens"]
    assert usage.details["cache_creation_input_tokens"] == raw["cache_creation_input_tokens"]
    assert usage.total_tokens == raw["input_tokens"] + raw["output_tokens"]


# handmade ---------------------------------------------------------------------------------


def test_interleaved_thinking_text_and_tools() -> None:
    body = sse(
        start(input_tokens=10, output_tokens=1),
        block(0, type="thinking", thinking=""),
        piece(0, type="thinking_delta", thinking="Need the "),
        piece(0, type="thinking_delta", thinking="weather."),
        piece(0, type="signature_delta", signature="sig"),
        block(1, type="text", text=""),
        block(2, type="tool_use", id="t1", name="weather", input={}),
        piece(1, type="text_delta", text="Checking"),
        piece(2, type="input_json_delta", partial_json='{"city": '),
        block(3, type="server_tool_use", id="s1", name="web_search", input={}),
        piece(3, type="input_json_delta", partial_json='{"query": "x"}'),
        piece(2, type="input_json_delta", partial_json='"Paris"}'),
        piece(1, type="text_delta", text="..."),
        {
            "type": "content_block_start",
            "index": 4,
            "content_block": {"type": "web_search_tool_result"},
        },
        stop("tool_use", output_tokens=30),
        {"type": "message_stop"},
    )
    transcript = transcribe(cassette(body))
    choice = transcript.choices[0]
    assert (choice.reasoning, choice.text) == ("Need the weather.", "Checking...")
    assert [(c.type, c.name, c.arguments_json) for c in choice.tool_calls] == [
        ("tool_use", "weather", {"city": "Paris"}),
        ("server_tool_use", "web_search", {"query": "x"}),
    ]
    assert choice.finish_reason == "tool_use"
    assert (transcript.usage.input_tokens, transcript.usage.output_tokens) == (10, 30)


def test_tool_without_streamed_input_keeps_its_start_input() -> None:
    body = sse(
        start(),
        block(0, type="tool_use", id="t", name="now", input={"tz": "UTC"}),
        stop("tool_use"),
    )
    (call,) = transcribe(cassette(body)).choices[0].tool_calls
    assert call.arguments_json == {"tz": "UTC"}


def test_missing_usage_and_an_error_event() -> None:
    error = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    body = sse(
        {"type": "message_start", "message": {"id": "m"}},
        block(0, type="text", text=""),
        piece(0, type="text_delta", text="Hi"),
        error,
    )
    transcript = transcribe(cassette(body))
    assert transcript.kind == ERROR
    assert (transcript.error.type, transcript.error.message) == ("overloaded_error", "Overloaded")
    assert transcript.choices[0].text == "Hi"
    assert transcript.usage is None


def test_bedrock_invoke_stream_of_claude_events() -> None:
    """invoke-with-response-stream: each frame's bytes are one Anthropic event, the last one
    with Bedrock's invocation metrics."""
    events = [
        start(input_tokens=12, output_tokens=1),
        block(0, type="text", text=""),
        piece(0, type="text_delta", text="Hello"),
        piece(0, type="text_delta", text=" there"),
        stop("end_turn", output_tokens=5),
        {"type": "message_stop", "amazon-bedrock-invocationMetrics": {"inputTokenCount": 12}},
    ]
    transcript = transcribe(cassette([binary_chunk(event) for event in events]))
    assert transcript.kind == ANTHROPIC
    assert transcript.choices[0].text == "Hello there"
    assert transcript.choices[0].finish_reason == "end_turn"
    assert (transcript.usage.input_tokens, transcript.usage.output_tokens) == (12, 5)
    assert transcript.chunk_count == len(events)


@pytest.mark.corpus
def test_claude_2_text_completion_on_bedrock(vcr_corpus: list[Entry]) -> None:
    entry = next(e for e in vcr_corpus if "anthropic.claude-v2" in e.url)
    choice = transcribe(entry.interaction).choices[0]
    assert choice.text == entry.body["completion"]
    assert (choice.finish_reason, choice.stop_reason) == (
        entry.body["stop_reason"],
        entry.body["stop"],
    )


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(min_size=1, max_size=60),
    cuts=st.lists(st.integers(min_value=0, max_value=60), max_size=8),
)
def test_any_chunking_gives_the_same_text_and_input(text: str, cuts: list[int]) -> None:
    arguments = json.dumps({"q": text})
    bounds = sorted({0, len(text), *[c % (len(text) + 1) for c in cuts]})
    arg_bounds = sorted({0, len(arguments), *[c % (len(arguments) + 1) for c in cuts]})
    events = [start(), block(0, type="text", text="")]
    events += [piece(0, type="text_delta", text=text[a:b]) for a, b in pairwise(bounds)]
    events.append(block(1, type="tool_use", id="t", name="f", input={}))
    for a, b in pairwise(arg_bounds):
        events.append(piece(1, type="input_json_delta", partial_json=arguments[a:b]))
    choice = transcribe(cassette(sse(*events, stop("tool_use")))).choices[0]
    assert choice.text == text
    assert choice.tool_calls[0].arguments_json == {"q": text}
