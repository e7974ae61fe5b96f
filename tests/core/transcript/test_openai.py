"""openai: chat completions, streamed and whole, from OpenAI and the OpenAI-compatible servers
(Groq, Mistral, OpenRouter, Together, Hugging Face, Writer, Azure, local servers...)."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.core.model import Interaction
from cli.core.transcript.model import CHAT, ERROR
from cli.core.transcript.reassemble import transcribe
from tests.core.transcript.vcr_bodies import Entry, sse_data


def cassette(body: Any, status: int = 200) -> Interaction:
    request = {"method": "POST", "url": "https://api.example.com/v1/chat/completions", "body": {}}
    response = {"status": status, "headers": {}, "body": body, "is_streaming": True}
    return Interaction(Path("mem.yaml"), {"request": request, "response": response})


def sse(*chunks: dict[str, Any], done: bool = True) -> list[str]:
    lines: list[str] = []
    for chunk in chunks:
        lines += ["data: " + json.dumps(chunk), ""]
    return [*lines, "data: [DONE]", ""] if done else lines


def chunk(delta: dict[str, Any] | None = None, finish: str | None = None, **extra: Any) -> dict:
    choice = {"index": 0, "delta": delta or {}, "finish_reason": finish}
    return {"id": "c1", "object": "chat.completion.chunk", "choices": [choice], **extra}


# the corpus: every chat completion, checked against its raw body --------------------------


def _is_chat(entry: Entry) -> bool:
    path = entry.url.split("?")[0]
    return entry.status < 400 and path.endswith(("/chat/completions", "api.writer.com/v1/chat"))


def expected_chat(entry: Entry) -> dict[str, Any]:
    """Text, tool calls, finish reason and usage of choice 0, read straight off the body."""
    if entry.is_sse:
        pieces = [data for _, data in sse_data(entry.body) if isinstance(data, dict)]
        key = "delta"
    else:
        pieces, key = [entry.body], "message"
    text, calls, finish, usage = [], {}, None, None
    for piece in pieces:
        usage = piece.get("usage") or usage
        for choice in piece.get("choices") or []:
            if choice.get("index", 0) != 0:
                continue
            message = choice.get(key) or {}
            if isinstance(message.get("content"), str):
                text.append(message["content"])
            for position, call in enumerate(message.get("tool_calls") or []):
                slot = calls.setdefault(call.get("index", position), {"name": "", "arguments": ""})
                function = call.get("function") or {}
                slot["name"] = slot["name"] or function.get("name") or ""
                slot["arguments"] += function.get("arguments") or ""
            legacy = message.get("function_call") or {}
            if legacy.get("name") or legacy.get("arguments"):
                slot = calls.setdefault(0, {"name": "", "arguments": ""})
                slot["name"] = slot["name"] or legacy.get("name") or ""
                slot["arguments"] += legacy.get("arguments") or ""
            finish = choice.get("finish_reason") or finish
    return {
        "text": "".join(text),
        "calls": [(c["name"], c["arguments"]) for _, c in sorted(calls.items())],
        "finish": finish,
        "usage": (usage or {}).get("prompt_tokens"),
        "output": (usage or {}).get("completion_tokens"),
    }


@pytest.mark.corpus
def test_every_corpus_chat_completion_matches_its_raw_body(vcr_corpus: list[Entry]) -> None:
    checked, hosts, streamed, mismatches = 0, set(), 0, []
    for entry in filter(_is_chat, vcr_corpus):
        transcript = transcribe(entry.interaction)
        expected = expected_chat(entry)
        choice = transcript.choices[0]
        usage = transcript.usage
        got = {
            "text": choice.text,
            "calls": [(call.name or "", call.arguments) for call in choice.tool_calls],
            "finish": choice.finish_reason,
            "usage": usage.input_tokens if usage else None,
            "output": usage.output_tokens if usage else None,
        }
        if transcript.kind != CHAT or got != expected:
            mismatches.append((entry.name, transcript.kind, got, expected))
        checked += 1
        streamed += entry.is_sse
        hosts.add(entry.url.split("/")[2])
    assert not mismatches, mismatches[:3]
    assert checked >= 80 and streamed >= 15
    # OpenAI, Azure, Groq, Mistral, OpenRouter, Hugging Face, Writer, Crusoe, Snowflake
    assert len(hosts) >= 9, hosts


@pytest.mark.corpus
def test_streamed_tool_call_from_the_corpus(vcr_corpus: list[Entry]) -> None:
    name = "test_handle_streaming_tool_calls.yaml#0"
    entry = next(e for e in vcr_corpus if e.name.endswith(name))
    transcript = transcribe(entry.interaction)
    (call,) = transcript.choices[0].tool_calls
    # the raw body, independently: the pieces of `arguments` joined across chunks
    pieces = [
        tool["function"].get("arguments", "")
        for _, data in sse_data(entry.body)
        for choice in data["choices"]
        for tool in choice["delta"].get("tool_calls") or []
    ]
    assert len(pieces) > 2  # really split over several chunks
    assert call.arguments == "".join(pieces)
    assert call.arguments_json == json.loads("".join(pieces))
    assert transcript.chunk_count == len(sse_data(entry.body))


# handmade edge cases ------------------------------------------------------------------------


def test_split_arguments_of_two_interleaved_tool_calls() -> None:
    def call(index: int, arguments: str, **first: Any) -> dict[str, Any]:
        function = {"arguments": arguments, **({"name": first["name"]} if first else {})}
        return {"index": index, **({"id": first["id"]} if first else {}), "function": function}

    body = sse(
        chunk({"role": "assistant", "tool_calls": [call(0, "", id="a", name="f")]}),
        chunk({"tool_calls": [call(1, '{"y"', id="b", name="g")]}),
        chunk({"tool_calls": [call(0, '{"x": ')]}),
        chunk({"tool_calls": [call(1, ": 2}")]}),
        chunk({"tool_calls": [call(0, "1}")]}, finish="tool_calls"),
    )
    choice = transcribe(cassette(body)).choices[0]
    assert [(c.id, c.name, c.arguments_json) for c in choice.tool_calls] == [
        ("a", "f", {"x": 1}),
        ("b", "g", {"y": 2}),
    ]
    assert choice.finish_reason == "tool_calls"


def test_missing_usage_is_none_not_zero() -> None:
    transcript = transcribe(cassette(sse(chunk({"content": "hi"}, finish="stop"))))
    assert transcript.usage is None
    assert transcript.choices[0].text == "hi"


def test_groq_usage_in_x_groq() -> None:
    usage = {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10}
    body = sse(chunk({"content": "ok"}), chunk(finish="stop", x_groq={"id": "r", "usage": usage}))
    transcript = transcribe(cassette(body))
    assert (transcript.usage.input_tokens, transcript.usage.output_tokens) == (7, 3)


def test_mistral_thinking_parts_are_reasoning() -> None:
    thinking = {"type": "thinking", "thinking": [{"type": "text", "text": "Let me see."}]}
    body = sse(
        chunk({"role": "assistant", "content": [thinking]}),
        chunk({"content": [{"type": "text", "text": "Paris."}]}, finish="stop"),
    )
    choice = transcribe(cassette(body)).choices[0]
    assert (choice.reasoning, choice.text) == ("Let me see.", "Paris.")


def test_tgi_tool_calls_as_one_dict_with_object_arguments() -> None:
    call = {"id": "0", "type": "function", "function": {"name": "f", "arguments": {"a": 1}}}
    message = {"role": "assistant", "tool_calls": call}
    body = {"object": "chat.completion", "choices": [{"index": 0, "message": message}]}
    (found,) = transcribe(cassette(body)).choices[0].tool_calls
    assert (found.name, found.arguments_json) == ("f", {"a": 1})


def test_legacy_function_call_streamed() -> None:
    body = sse(
        chunk({"role": "assistant", "function_call": {"name": "Joke", "arguments": ""}}),
        chunk({"function_call": {"arguments": '{"setup": '}}),
        chunk({"function_call": {"arguments": '"x"}'}}, finish="function_call"),
    )
    (call,) = transcribe(cassette(body)).choices[0].tool_calls
    assert (call.name, call.arguments_json) == ("Joke", {"setup": "x"})


def test_openrouter_error_chunk_ends_a_stream_with_an_error() -> None:
    error = {"message": "Provider returned error", "code": 502}
    body = sse(chunk({"content": "Part"}), chunk(finish="error", error=error))
    transcript = transcribe(cassette(body))
    assert transcript.kind == ERROR
    assert transcript.error.message == "Provider returned error"
    assert transcript.choices[0].text == "Part"  # what arrived before the error is kept


def test_an_error_object_in_a_data_line_of_a_chat_stream() -> None:
    body = [*sse(chunk({"content": "a"}), done=False), 'data: {"error": {"message": "boom"}}', ""]
    transcript = transcribe(cassette(body))
    assert (transcript.kind, transcript.error.message) == (ERROR, "boom")


def test_audio_transcript_is_the_text() -> None:
    message = {"role": "assistant", "content": None, "audio": {"id": "a", "transcript": "Hello"}}
    body = {"object": "chat.completion", "choices": [{"index": 0, "message": message}]}
    assert transcribe(cassette(body)).choices[0].text == "Hello"


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(min_size=1, max_size=60),
    cuts=st.lists(st.integers(min_value=0, max_value=60), max_size=8),
)
def test_any_chunking_gives_the_same_text_and_arguments(text: str, cuts: list[int]) -> None:
    arguments = json.dumps({"q": text})
    bounds = sorted({0, len(text), *[c % (len(text) + 1) for c in cuts]})
    arg_bounds = sorted({0, len(arguments), *[c % (len(arguments) + 1) for c in cuts]})
    pieces = [text[a:b] for a, b in pairwise(bounds)]
    arg_pieces = [arguments[a:b] for a, b in pairwise(arg_bounds)]
    chunks = [chunk({"content": piece}) for piece in pieces]
    chunks.append(chunk({"tool_calls": [{"index": 0, "id": "t", "function": {"name": "f"}}]}))
    for piece in arg_pieces:
        chunks.append(chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}))
    choice = transcribe(cassette(sse(*chunks))).choices[0]
    assert choice.text == text
    assert choice.tool_calls[0].arguments_json == {"q": text}


def test_reasoning_details_when_there_is_no_reasoning_field() -> None:
    details = [{"type": "reasoning.text", "text": "Check the city.", "signature": "s"}]
    message = {"role": "assistant", "content": "Sunny.", "reasoning_details": details}
    message["function_call"] = {"name": "", "arguments": ""}  # Snowflake's zero-filled field
    body = {"object": "chat.completion", "choices": [{"index": 0, "message": message}]}
    choice = transcribe(cassette(body)).choices[0]
    assert (choice.reasoning, choice.text, choice.tool_calls) == ("Check the city.", "Sunny.", [])
