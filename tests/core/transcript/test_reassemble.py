"""stream: every response shape reassembled into a Transcript, and no input makes it raise."""

from __future__ import annotations

import json
import random
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.core import formats
from cli.core.model import Interaction, short_type, unwrap
from cli.core.transcript import reassemble as stream
from cli.core.transcript.model import (
    ANTHROPIC,
    CHAT,
    COMPLETION,
    EMBEDDINGS,
    ERROR,
    GEMINI,
    INTERACTION,
    MODEL_LIST,
    OLLAMA,
    OTHER,
    TOOL_RESULT,
    Transcript,
    Usage,
)
from cli.core.transcript.reassemble import transcribe

CHUNK = "openai.types.chat.chat_completion_chunk.ChatCompletionChunk"
CHAT_COMPLETION = "openai.types.chat.chat_completion.ChatCompletion"


def _interaction(path: Path) -> Interaction:
    return formats.read(path).interactions[0]


def load(sample_dir: Path, name: str) -> Transcript:
    return transcribe(_interaction(sample_dir / name))


def cassette(body: Any, **response: Any) -> Interaction:
    """An in-memory cassette whose response body is `body`."""
    request = {"method": "POST", "url": "http://x/v1/chat/completions", "body": {}}
    return Interaction(
        Path("mem.json"), {"request": request, "response": {"body": body, **response}}
    )


def typed(type_name: str, data: Any) -> dict[str, Any]:
    return {"__type__": type_name, "__data__": data}


def chunk(index: int = 0, usage: Any = None, finish: str | None = None, **delta: Any) -> dict:
    return typed(
        CHUNK,
        {
            "id": "chatcmpl-1",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "m",
            "choices": [{"index": index, "delta": delta, "finish_reason": finish}],
            "usage": usage,
        },
    )


def sse(*events: tuple[str, dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for name, data in events:
        lines += [f"event: {name}", "data: " + json.dumps(data), ""]
    return lines


# the four seeds (recording-format.md) ---------------------------------------------


def test_seed_databricks_sol(sample_dir: Path) -> None:
    t = load(sample_dir, "databricks-chat-stream-sol.json")
    assert t.kind == CHAT
    assert [c.text for c in t.choices] == ['The Latin name for the Sun is "Sol".']
    assert t.choices[0].role == "assistant"
    assert t.choices[0].finish_reason == "stop"
    assert (t.usage.input_tokens, t.usage.output_tokens, t.usage.total_tokens) == (20, 11, 31)
    assert t.ids == ["chatcmpl_2c653de2-afd4-4075-bc8d-8200562a191b"]
    assert t.chunk_count == 10
    assert (t.created_first, t.created_last) == (1758326497, 1758326498)


def test_seed_vllm_n2_interleaved_choices(sample_dir: Path) -> None:
    t = load(sample_dir, "vllm-chat-stream-n2.json")
    assert [(c.index, c.text, c.finish_reason) for c in t.choices] == [
        (0, "The Latin name for the Sun is Sol.", "stop"),
        (1, "The Latin word for the Sun is Sol.", "stop"),
    ]
    assert t.usage is None
    assert t.model == "meta-llama/Llama-3.2-1B-Instruct"


def test_seed_cerebras_capital(sample_dir: Path) -> None:
    t = load(sample_dir, "cerebras-chat-stream-capital.json")
    assert t.choices[0].text == (
        "The name of the US capital is Washington, D.C. (short for District of Columbia)."
    )
    assert t.choices[0].finish_reason == "stop"
    assert (t.usage.input_tokens, t.usage.output_tokens, t.usage.total_tokens) == (45, 20, 65)
    assert t.usage.details["prompt_tokens_details"] == {"audio_tokens": None, "cached_tokens": 0}


def test_seed_vllm_tool_call(sample_dir: Path) -> None:
    t = load(sample_dir, "vllm-chat-stream-tool-call.json")
    (choice,) = t.choices
    assert choice.text == ""
    assert choice.finish_reason == "tool_calls"
    assert choice.stop_reason == 128008
    (call,) = choice.tool_calls
    assert call.id == "chatcmpl-tool-52543da3e42a4dee83901fc943dd4797"
    assert (call.index, call.type, call.name) == (0, "function", "get_weather")
    assert call.arguments == '{"location": "San Francisco, CA"}'
    assert call.arguments_json == {"location": "San Francisco, CA"}
    assert call.arguments_valid is True


# the synthetic samples -----------------------------------------------------------


def test_sample_chat_nonstream(sample_dir: Path) -> None:
    t = load(sample_dir, "openai-chat-nonstream.json")
    assert t.kind == CHAT
    assert t.choices[0].text == "Water boils at 100 \u00b0C at sea level."
    assert t.choices[0].finish_reason == "stop"
    assert (t.usage.input_tokens, t.usage.output_tokens, t.usage.total_tokens) == (29, 12, 41)
    assert t.model == "gpt-4o-mini-2024-07-18"
    assert t.chunk_count == 0


def test_sample_completions_stream(sample_dir: Path) -> None:
    t = load(sample_dir, "openai-completions-stream.json")
    assert t.kind == COMPLETION
    assert t.choices[0].text == " blue, sugar is sweet."
    assert t.choices[0].finish_reason == "stop"
    assert (t.usage.input_tokens, t.usage.output_tokens, t.usage.total_tokens) == (9, 6, 15)
    assert t.chunk_count == 7
    assert t.ids == ["cmpl-4f2d8a1c9b7e4e03a6d5c0b8e1f2a3d4"]


def test_sample_completions_nonstream(sample_dir: Path) -> None:
    t = load(sample_dir, "openai-completions-nonstream.json")
    assert t.kind == COMPLETION
    assert [(c.text, c.finish_reason) for c in t.choices] == [(" cold.", "stop")]
    assert (t.usage.input_tokens, t.usage.output_tokens, t.usage.total_tokens) == (41, 3, 44)


def test_sample_embeddings(sample_dir: Path) -> None:
    t = load(sample_dir, "openai-embeddings.json")
    assert t.kind == EMBEDDINGS
    assert t.embeddings == (2, 8)
    assert (t.usage.input_tokens, t.usage.total_tokens) == (9, 9)
    assert t.model == "text-embedding-3-small"
    assert t.raw is None  # vectors are never kept


def test_sample_model_list(sample_dir: Path) -> None:
    t = load(sample_dir, "openai-model-list.json")
    assert t.kind == MODEL_LIST
    assert t.models == ["gpt-4o", "gpt-4o-mini", "text-embedding-3-small"]
    assert t.chunk_count == 0


def test_sample_exception(sample_dir: Path) -> None:
    t = load(sample_dir, "exception-context-length.json")
    assert t.kind == ERROR
    assert t.error.status == 400
    assert t.error.type == "BadRequestError"
    assert t.error.message.startswith("This model's maximum context length is 2048 tokens.")
    assert t.choices == []


def test_sample_http_error(sample_dir: Path) -> None:
    t = load(sample_dir, "http-error-status-400.json")
    assert t.kind == ERROR
    assert (t.error.status, t.error.type) == (400, "invalid_request_error")
    assert t.error.message == "max_tokens must be greater than 0"
    assert t.raw["request_id"] == "req_5d0f3b9e2a7c41e8b6f1c4a9"


def test_sample_parallel_tool_calls(sample_dir: Path) -> None:
    t = load(sample_dir, "openai-chat-stream-parallel-tool-calls.json")
    (choice,) = t.choices
    assert choice.finish_reason == "tool_calls"
    assert choice.text == ""
    assert [(c.index, c.id, c.name, c.arguments, c.arguments_json) for c in choice.tool_calls] == [
        (
            0,
            "call_6Jq2VwX9sTn4RbKe1mZcYd0A",
            "get_weather",
            '{"location":"San Francisco, CA"}',
            {"location": "San Francisco, CA"},
        ),
        (
            1,
            "call_Tb8Hn3QeLw5Yc1Vs7Rk2Mx4F",
            "get_weather",
            '{"location":"Tokyo, Japan"}',
            {"location": "Tokyo, Japan"},
        ),
    ]
    assert (t.usage.input_tokens, t.usage.output_tokens, t.usage.total_tokens) == (84, 51, 135)
    assert t.ids == ["chatcmpl-CJ4b7sQfWm2Lk9ZtE1xYh3uN0pRa8"]
    assert t.chunk_count == 12


def test_sample_anthropic_sse(sample_dir: Path) -> None:
    t = load(sample_dir, "anthropic-messages-sse.json")
    assert t.kind == ANTHROPIC
    (choice,) = t.choices
    assert choice.reasoning == (
        "The user wants the current weather in Paris. I should call get_weather with Paris, France."
    )
    assert choice.text == "I'll check the current weather in Paris for you."
    (call,) = choice.tool_calls
    assert (call.index, call.id, call.type, call.name) == (
        0,
        "toolu_01A9xKq3Vb7Tn2Lm5Rc8Wz4E",
        "tool_use",
        "get_weather",
    )
    assert call.arguments == '{"location": "Paris, France"}'
    assert call.arguments_json == {"location": "Paris, France"}
    assert choice.finish_reason == "tool_use"
    assert (t.usage.input_tokens, t.usage.output_tokens, t.usage.total_tokens) == (412, 87, 499)
    assert t.usage.details == {"cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
    assert t.model == "claude-sonnet-4-5-20250929"
    assert t.ids == ["msg_01HqZ4m7Xv3Kc9TnB2Wd8YsR"]
    assert t.chunk_count == 18  # SSE: data events, not strings


def test_sample_ollama_generate_stream(sample_dir: Path) -> None:
    t = load(sample_dir, "ollama-generate-stream.json")
    assert t.kind == OLLAMA
    assert [(c.text, c.finish_reason) for c in t.choices] == [("Paris.", "stop")]
    assert (t.usage.input_tokens, t.usage.output_tokens, t.usage.total_tokens) == (24, 3, 27)
    assert t.usage.details["eval_duration"] == 89912458
    assert t.chunk_count == 3
    assert t.created_first == pytest.approx(1759373710.112843)
    assert t.created_last == pytest.approx(1759373710.196304)


def test_every_sample_is_understood(sample_dir: Path) -> None:
    for path in sorted(sample_dir.glob("*.json")):
        t = transcribe(_interaction(path))
        assert t.kind != OTHER, path.name


# OpenAI chat details ---------------------------------------------------------------


def test_chat_chunks_under_the_completions_endpoint_are_chat() -> None:
    c = cassette([chunk(content="Hi"), chunk(finish="stop")], is_streaming=True)
    c.data["request"]["endpoint"] = "/v1/completions"
    t = transcribe(c)
    assert (t.kind, t.choices[0].text, t.choices[0].finish_reason) == (CHAT, "Hi", "stop")


def test_raw_chunk_dicts_are_read_like_typed_ones() -> None:
    body = [chunk(role="assistant", content="a")["__data__"], chunk(content="b")["__data__"]]
    t = transcribe(cassette(body, is_streaming=True))
    assert (t.kind, t.choices[0].role, t.choices[0].text) == (CHAT, "assistant", "ab")


def test_reasoning_refusal_and_vllm_duplicate_reasoning_fields() -> None:
    body = [
        chunk(reasoning_content="Think", reasoning="Think"),
        chunk(reasoning=" more"),
        chunk(refusal="No."),
        chunk(content=None),
        chunk(content=""),
    ]
    (choice,) = transcribe(cassette(body)).choices
    assert (choice.reasoning, choice.refusal, choice.text) == ("Think more", "No.", "")


def test_non_streamed_chat_with_reasoning_and_tool_calls_without_index() -> None:
    message = {
        "role": "assistant",
        "content": None,
        "reasoning_content": "Two cities.",
        "tool_calls": [
            {"id": "a", "type": "function", "function": {"name": "f", "arguments": '{"x": 1}'}},
            {"id": "b", "type": "function", "function": {"name": "f", "arguments": '{"x": 2}'}},
        ],
    }
    data = {"id": "c1", "object": "chat.completion", "created": 5, "model": "m"}
    data["choices"] = [{"index": 0, "message": message, "finish_reason": "tool_calls"}]
    t = transcribe(cassette(typed(CHAT_COMPLETION, data)))
    (choice,) = t.choices
    assert choice.reasoning == "Two cities."
    assert [(c.index, c.id, c.arguments_json) for c in choice.tool_calls] == [
        (0, "a", {"x": 1}),
        (1, "b", {"x": 2}),
    ]
    assert (t.chunk_count, t.created_first, t.created_last) == (0, 5, 5)


def test_tool_arguments_invalid_and_empty() -> None:
    body = [
        chunk(tool_calls=[{"index": 0, "id": "a", "type": "function", "function": {"name": "f"}}]),
        chunk(tool_calls=[{"index": 0, "function": {"arguments": '{"x": '}}]),
        chunk(tool_calls=[{"index": 1, "id": "b", "function": {"name": "g", "arguments": ""}}]),
        chunk(tool_calls=[{"index": 1, "function": {"arguments": None}}]),
    ]
    first, second = transcribe(cassette(body)).choices[0].tool_calls
    assert (first.arguments, first.arguments_json, first.arguments_valid) == ('{"x": ', None, False)
    # empty arguments mean "no arguments": valid, nothing parsed
    assert (second.arguments, second.arguments_json, second.arguments_valid) == ("", None, True)


def test_parallel_calls_sent_at_the_same_index_stay_apart() -> None:
    pieces = [
        {"index": 0, "id": "a", "function": {"name": "f", "arguments": "{}"}},
        {"index": 0, "id": "b", "function": {"name": "g", "arguments": "{}"}},
    ]
    calls = transcribe(cassette([chunk(tool_calls=pieces)])).choices[0].tool_calls
    assert [(c.id, c.name) for c in calls] == [("a", "f"), ("b", "g")]


def test_tgi_repeating_the_id_on_every_piece_joins_one_call() -> None:
    body = [
        chunk(tool_calls=[{"index": 0, "id": "0", "function": {"name": "f", "arguments": "{"}}]),
        chunk(tool_calls=[{"index": 0, "id": "0", "function": {"name": None, "arguments": "}"}}]),
    ]
    (call,) = transcribe(cassette(body)).choices[0].tool_calls
    assert (call.name, call.arguments, call.arguments_json) == ("f", "{}", {})


def test_usage_maps_and_keeps_extras_in_details() -> None:
    usage = {
        "prompt_tokens": 3,
        "completion_tokens": 4,
        "total_tokens": 7,
        "prompt_tokens_details": {"cached_tokens": 1},
        "completion_tokens_details": None,
    }
    t = transcribe(cassette([chunk(content="x"), chunk(usage=usage)]))
    assert t.usage == Usage(3, 4, 7, {"prompt_tokens_details": {"cached_tokens": 1}})


# other shapes -------------------------------------------------------------------------


def test_embeddings_in_base64_count_float32s() -> None:
    data = {"object": "list", "model": "e", "data": [{"embedding": "AAAAAAAAgD8AAABA"}]}
    t = transcribe(cassette(typed("openai.types.create_embedding_response.X", data)))
    assert t.kind == OTHER  # an unknown class name is not guessed at
    t = transcribe(cassette(data))
    assert (t.kind, t.embeddings) == (EMBEDDINGS, (1, 3))


def test_ollama_chat_tool_calls_with_object_arguments() -> None:
    data = {
        "model": "llama3.2:3b",
        "created_at": "1970-01-01T00:00:00.000000Z",
        "done": True,
        "done_reason": "stop",
        "prompt_eval_count": 10,
        "eval_count": 5,
        "message": {
            "role": "assistant",
            "content": "",
            "thinking": "Use the tool.",
            "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Zürich"}}}],
        },
    }
    t = transcribe(cassette(typed("ollama._types.ChatResponse", data)))
    (choice,) = t.choices
    assert (t.kind, choice.reasoning, choice.finish_reason) == (OLLAMA, "Use the tool.", "stop")
    (call,) = choice.tool_calls
    assert (call.name, call.arguments) == ("get_weather", '{"city": "Zürich"}')
    assert call.arguments_json == {"city": "Zürich"}
    assert (t.usage.input_tokens, t.usage.output_tokens, t.usage.total_tokens) == (10, 5, 15)
    assert t.created_first == 0


def test_ollama_list_and_embed() -> None:
    listing = typed("ollama._types.ListResponse", {"models": [{"model": "a"}, {"name": "b"}, 3]})
    assert transcribe(cassette(listing)).models == ["a", "b"]
    embed = typed("ollama._types.EmbedResponse", {"model": "e", "embeddings": [[0.1, 0.2]] * 3})
    assert transcribe(cassette(embed)).embeddings == (3, 2)
    ps = typed("ollama._types.ProcessResponse", {"models": []})
    assert transcribe(cassette(ps)).kind == OTHER


def test_anthropic_message_object() -> None:
    body = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude",
        "content": [
            {"type": "thinking", "thinking": "Hmm."},
            {"type": "text", "text": "Calling."},
            {"type": "tool_use", "id": "toolu_1", "name": "calc", "input": {"expr": "1+1"}},
        ],
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {"input_tokens": 7, "output_tokens": 3},
    }
    t = transcribe(cassette(body, status=200))
    (choice,) = t.choices
    assert (t.kind, choice.text, choice.reasoning) == (ANTHROPIC, "Calling.", "Hmm.")
    assert choice.tool_calls[0].arguments_json == {"expr": "1+1"}
    assert (t.usage.total_tokens, choice.finish_reason) == (10, "tool_use")


def test_anthropic_error_event_inside_a_stream() -> None:
    body = sse(
        ("message_start", {"type": "message_start", "message": {"id": "m", "model": "c"}}),
        (
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": "Par"},
            },
        ),
        ("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Busy"}}),
    )
    t = transcribe(cassette(body, is_streaming=True))
    assert (t.kind, t.choices[0].text) == (ERROR, "Par")
    assert (t.error.type, t.error.message) == ("overloaded_error", "Busy")


def test_gemini_parts_thoughts_and_function_calls() -> None:
    body = {
        "candidates": [
            {
                "content": {
                    "role": "model",
                    "parts": [
                        {"text": "Planning.", "thought": True},
                        {"text": "Sure."},
                        {"function_call": {"name": "f", "args": {"a": [1, 2]}}},
                    ],
                },
                "finish_reason": "STOP",
            }
        ],
        "model_version": "gemini-2.0-flash",
        "response_id": "r1",
        "create_time": "2026-04-01T10:30:21.605219Z",
        "usage_metadata": {"prompt_token_count": 3, "candidates_token_count": 4},
    }
    t = transcribe(cassette(body))
    (choice,) = t.choices
    assert (t.kind, choice.text, choice.reasoning) == (GEMINI, "Sure.", "Planning.")
    assert choice.tool_calls[0].arguments == '{"a": [1, 2]}'
    assert (t.usage.input_tokens, t.usage.output_tokens, t.usage.total_tokens) == (3, 4, None)
    assert (t.ids, t.model) == (["r1"], "gemini-2.0-flash")


def test_interaction_stream_with_a_function_call() -> None:
    body = sse(
        (
            "interaction.start",
            {
                "event_type": "interaction.start",
                "interaction": {"id": "v1_x", "model": "gemini-2.5-flash-lite"},
            },
        ),
        (
            "content.start",
            {
                "event_type": "content.start",
                "index": 0,
                "content": {"type": "function_call", "id": "c1", "name": "get_time"},
            },
        ),
        (
            "content.delta",
            {
                "event_type": "content.delta",
                "index": 0,
                "delta": {"type": "function_call", "arguments": {"tz": "UTC"}},
            },
        ),
        (
            "interaction.complete",
            {
                "event_type": "interaction.complete",
                "interaction": {
                    "id": "v1_x",
                    "status": "requires_action",
                    "usage": {"total_input_tokens": 5, "total_output_tokens": 2, "total_tokens": 7},
                },
            },
        ),
        ("done", {}),
    )
    body[-2] = "data: [DONE]"
    t = transcribe(cassette(body, is_streaming=True, status=200))
    (choice,) = t.choices
    assert (t.kind, choice.finish_reason, t.ids) == (INTERACTION, "requires_action", ["v1_x"])
    (call,) = choice.tool_calls
    assert (call.id, call.name, call.arguments_json) == ("c1", "get_time", {"tz": "UTC"})
    assert (t.usage.input_tokens, t.usage.output_tokens, t.usage.total_tokens) == (5, 2, 7)


def test_interaction_object_thought_summary() -> None:
    body = {
        "object": "interaction",
        "id": "v1_y",
        "status": "completed",
        "outputs": [
            {"type": "thought", "signature": "c2ln", "summary": [{"type": "text", "text": "Hm."}]},
            {"type": "text", "text": "Hello!"},
        ],
        "created": "2026-04-16T14:31:42Z",
    }
    t = transcribe(cassette(body, status=200))
    assert [(c.text, c.reasoning, c.finish_reason) for c in t.choices] == [
        ("Hello!", "Hm.", "completed")
    ]
    assert t.created_first == 1776349902.0


def test_tool_result_keeps_content_as_recorded() -> None:
    data = {"content": '{"query": "q"}', "error_message": None, "error_code": None}
    t = transcribe(cassette(typed("ogx_api.tools.ToolInvocationResult", data)))
    assert (t.kind, t.tool_result, t.error) == (TOOL_RESULT, '{"query": "q"}', None)
    data = {"content": None, "error_message": "rate limited", "error_code": 429}
    t = transcribe(cassette(typed("ogx_api.tools.ToolInvocationResult", data)))
    assert (t.kind, t.error.type, t.error.message) == (TOOL_RESULT, "429", "rate limited")


# errors ---------------------------------------------------------------------------------


def test_exception_after_partial_chunks_keeps_the_choices() -> None:
    c = cassette(
        [chunk(role="assistant", content="Once upon"), chunk(content=" a")],
        is_streaming=True,
        is_exception=True,
        exception_data={"type": "APIConnectionError", "message": "Connection reset"},
        exception_message="Connection reset",
    )
    t = transcribe(c)
    assert (t.kind, t.choices[0].text, t.chunk_count) == (ERROR, "Once upon a", 2)
    assert (t.error.status, t.error.type, t.error.message) == (
        None,
        "APIConnectionError",
        "Connection reset",
    )
    assert t.raw is None


def test_exception_without_exception_data_uses_the_message() -> None:
    t = transcribe(cassette(None, is_exception=True, exception_message="boom"))
    assert (t.kind, t.error.message, t.raw) == (ERROR, "boom", None)


@pytest.mark.parametrize(
    ("body", "kind", "message"),
    [
        ({"error": {"message": "bad", "code": "invalid_request"}}, "invalid_request", "bad"),
        (
            {"error": {"message": "m", "code": 400, "status": "INVALID_ARGUMENT"}},
            "INVALID_ARGUMENT",
            "m",
        ),
        ({"detail": "Not Found"}, None, "Not Found"),
        ("upstream exploded", None, None),
    ],
)
def test_http_error_status(body: Any, kind: str | None, message: str | None) -> None:
    t = transcribe(cassette(body, status=500))
    assert t.kind == ERROR
    assert (t.error.status, t.error.type, t.error.message) == (500, kind, message)
    assert t.raw == body


def test_error_object_without_status_is_an_error() -> None:
    t = transcribe(cassette({"error": {"type": "invalid_request_error", "message": "no"}}))
    assert (t.kind, t.error.status, t.error.message) == (ERROR, None, "no")


# never raises ----------------------------------------------------------------------------

NASTY_BODIES: list[Any] = [
    None,
    "",
    "just text",
    42,
    [],
    [None, 1, "x", [], {}],
    {"choices": "not a list"},
    {"choices": [None, 3, {"delta": "str"}, {"message": []}]},
    [typed(CHUNK, "a string chunk"), typed(CHUNK, {"choices": [{"index": "0", "delta": {}}]})],
    [typed(CHUNK, {"choices": [{"delta": {"tool_calls": "x", "content": ["a", {"text": 1}]}}]})],
    [typed(CHUNK, {"choices": [{"delta": {"tool_calls": [None, {"function": "f"}]}}]})],
    [typed(CHUNK, {"usage": {"prompt_tokens": "3", "total_tokens": True}, "created": "x"})],
    typed(CHAT_COMPLETION, {"choices": [{"message": {"tool_calls": [{"function": []}]}}]}),
    {"__type__": 7, "__data__": {"x": 1}},
    {"__type__": ["list"], "__data__": None},
    typed("openai.types.model.Model", None),
    typed("ollama._types.GenerateResponse", {"response": 5, "created_at": "yesterday"}),
    typed("ollama._types.ChatResponse", {"done": True, "message": {"tool_calls": [{}, 1]}}),
    {"candidates": [None, {"content": {"parts": [None, {"function_call": "x"}]}}]},
    {"type": "message", "content": [None, {"type": {"nested": 1}}]},
    {"object": "interaction", "outputs": [None, {"type": ["text"]}]},
    ["event: message_start", "data: {not json", "data: [1, 2]", "data: null", ""],
    ["event: content_block_delta", 'data: {"type": "content_block_delta", "index": "x"}'],
    ['data: {"event_type": "content.delta", "index": [], "delta": 5}'],
    "event: message_start\ndata: {}\n\n",
    [{"object": "chat.completion.chunk", "choices": [{"index": 10**40, "delta": {}}]}],
    {"object": "list", "data": [{"embedding": "!!not base64!!"}]},
]


@pytest.mark.parametrize("body", NASTY_BODIES, ids=range(len(NASTY_BODIES)))
@pytest.mark.parametrize("extra", [{}, {"is_streaming": True}, {"status": 502}])
def test_nasty_bodies_never_raise(body: Any, extra: dict[str, Any]) -> None:
    # `_transcribe` is the unguarded path: the family modules must survive on their own,
    # not only thanks to the last-resort net in `transcribe`.
    t = stream._transcribe(cassette(body, **extra))
    assert isinstance(t, Transcript)
    json.dumps(t.to_json(), default=str)


@pytest.mark.parametrize(
    "data",
    [{}, [], None, {"response": 3}, {"response": {"is_exception": True, "exception_data": 1}}],
)
def test_broken_cassette_objects_never_raise(data: Any) -> None:
    t = transcribe(Interaction(Path("x.json"), data))
    assert t.kind in (OTHER, ERROR)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
KEYS = st.sampled_from(
    [
        "choices",
        "delta",
        "message",
        "content",
        "tool_calls",
        "index",
        "function",
        "arguments",
        "usage",
        "candidates",
        "parts",
        "type",
        "outputs",
        "error",
        "object",
        "text",
        "response",
    ]
)
SHAPED = st.recursive(
    JSON,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(body=SHAPED, wrap=st.sampled_from([None, CHUNK, CHAT_COMPLETION, "x.Completion"]))
def test_arbitrary_json_never_raises(body: Any, wrap: str | None) -> None:
    if wrap is not None:
        body = [typed(wrap, body)]
    t = stream._transcribe(cassette(body, is_streaming=True))
    assert isinstance(t, Transcript)


# reassembly property -----------------------------------------------------------------------


def _split(rnd: random.Random, text: str) -> list[str | None]:
    """`text` cut at random points; empty pieces come out as "" or None (both = nothing)."""
    cuts = sorted(rnd.randint(0, len(text)) for _ in range(rnd.randint(0, 4)))
    bounds = [0, *cuts, len(text)]
    pieces = [text[a:b] for a, b in pairwise(bounds)]
    return [piece if piece or rnd.random() < 0.5 else None for piece in pieces]


ARGUMENTS = st.dictionaries(
    st.text(max_size=5),
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    max_size=3,
)
CHOICE = st.tuples(st.text(max_size=30), st.lists(ARGUMENTS, max_size=2))
USAGE = st.builds(
    lambda p, c: {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c},
    st.integers(0, 10_000),
    st.integers(0, 10_000),
)


@settings(max_examples=200, deadline=None)
@given(
    choices=st.lists(CHOICE, min_size=1, max_size=3),
    usages=st.lists(st.none() | USAGE, max_size=40),
    trailing_usage=st.none() | USAGE,
    rnd=st.randoms(use_true_random=False),
)
def test_reassembly_gives_back_the_text_arguments_and_last_usage(
    choices: list[tuple[str, list[dict]]],
    usages: list[dict | None],
    trailing_usage: dict | None,
    rnd: random.Random,
) -> None:
    queues: list[list[dict[str, Any]]] = []
    for number, (text, calls) in enumerate(choices):
        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": rnd.choice([None, ""])}]
        deltas += [{"content": piece} for piece in _split(rnd, text)]
        for k, arguments in enumerate(calls):
            first = {"id": f"call_{number}_{k}", "type": "function", "function": {"name": f"f{k}"}}
            deltas.append({"tool_calls": [{"index": k, **first}]})
            for piece in _split(rnd, json.dumps(arguments)):
                deltas.append({"tool_calls": [{"index": k, "function": {"arguments": piece}}]})
        deltas += [{} for _ in range(rnd.randint(0, 2))]  # keep-alive chunks
        queues.append(deltas)
    chunks: list[dict[str, Any]] = []
    while any(queues):  # interleave the choices, each in its own order
        number = rnd.choice([n for n, queue in enumerate(queues) if queue])
        delta = queues[number].pop(0)
        finish = None if queues[number] else ("tool_calls" if choices[number][1] else "stop")
        chunks.append(chunk(number, None, finish, **delta))
    expected_usage = None
    for position, usage in enumerate(usages[: len(chunks)]):
        chunks[position]["__data__"]["usage"] = usage
        expected_usage = usage or expected_usage
    if trailing_usage is not None:  # OpenAI's include_usage: a last chunk with no choices
        chunks.append(
            typed(
                CHUNK, {"object": "chat.completion.chunk", "choices": [], "usage": trailing_usage}
            )
        )
        expected_usage = trailing_usage
    if rnd.random() < 0.5:  # raw dicts read the same as typed wrappers
        chunks = [unwrap(item)[1] for item in chunks]

    t = transcribe(cassette(chunks, is_streaming=True))

    assert t.kind == CHAT
    assert [c.index for c in t.choices] == list(range(len(choices)))
    for choice, (text, calls) in zip(t.choices, choices, strict=True):
        assert choice.text == text
        assert choice.role == "assistant"
        assert choice.finish_reason == ("tool_calls" if calls else "stop")
        assert [c.arguments for c in choice.tool_calls] == [json.dumps(a) for a in calls]
        assert [c.arguments_json for c in choice.tool_calls] == calls
        assert [c.name for c in choice.tool_calls] == [f"f{k}" for k in range(len(calls))]
    if expected_usage is None:
        assert t.usage is None
    else:
        assert (t.usage.input_tokens, t.usage.output_tokens, t.usage.total_tokens) == (
            expected_usage["prompt_tokens"],
            expected_usage["completion_tokens"],
            expected_usage["total_tokens"],
        )
    assert t.chunk_count == len(chunks)


# the real corpus ---------------------------------------------------------------------------

# Kinds over the 524 files of ../shared/corpus (437 from 2025-09, 87 from 2026-05), as
# observed when this module was written. A change here means a shape stopped (or started)
# being understood: look at which files moved before updating the numbers.
CORPUS_KINDS = {
    CHAT: 260,  # 134 chunk streams (10 of them under /v1/completions) + 126 whole
    EMBEDDINGS: 112,  # 95 OpenAI (2 of them base64) + 17 Ollama EmbedResponse
    OLLAMA: 59,  # GenerateResponse streamed/whole, ChatResponse streamed/whole
    COMPLETION: 26,
    MODEL_LIST: 16,  # 14 lists of openai Model + 2 Ollama ListResponse
    ERROR: 12,  # 6 recorded exceptions + 6 raw HTTP 400s (Gemini interactions, /v1/messages)
    GEMINI: 10,  # generate_content, 5 whole + 5 streamed
    OTHER: 9,  # Ollama ProcessResponse (6), ProgressResponse (1), ProcessFileResponse (2)
    INTERACTION: 8,  # 5 whole + 3 SSE
    ANTHROPIC: 7,  # 5 message objects + 2 SSE streams
    TOOL_RESULT: 5,
}
EXPECTED_OTHER_TYPES = {"ProcessResponse", "ProgressResponse", "ProcessFileResponse"}


@pytest.mark.corpus
def test_corpus_kinds(corpus_dir: Path) -> None:
    kinds: Counter[str] = Counter()
    other_types: set[str | None] = set()
    empty = 0
    for path in sorted(corpus_dir.rglob("*.json")):
        cassette_ = _interaction(path)
        t = stream._transcribe(cassette_)  # unguarded: a slip must fail here, not hide
        kinds[t.kind] += 1
        if t.kind == OTHER:
            other_types.add(short_type(unwrap(t.raw)[0]))
        if t.kind in (CHAT, COMPLETION, OLLAMA, GEMINI, INTERACTION, ANTHROPIC):
            assert t.choices, path
            for choice in t.choices:
                assert all(call.arguments_valid and call.name for call in choice.tool_calls), path
        if t.kind == ERROR:
            assert t.error is not None and t.error.status == 400 and t.error.message, path
        if t.kind == EMBEDDINGS:
            count, dims = t.embeddings
            empty += count == 0
            assert dims > 0 or count == 0, path
    assert dict(kinds) == CORPUS_KINDS
    assert other_types == EXPECTED_OTHER_TYPES
    assert empty == 2  # Fireworks answering `input: []` with `data: []`


@pytest.mark.corpus
def test_corpus_streams_have_text_or_tool_calls(corpus_dir: Path) -> None:
    """Every streamed chat in the corpus reassembles to something a person can read."""
    for path in sorted(corpus_dir.rglob("*.json")):
        cassette_ = _interaction(path)
        t = transcribe(cassette_)
        if t.kind == CHAT and cassette_.is_streaming:
            assert t.chunk_count == len(cassette_.items), path
            assert any(c.text or c.tool_calls or c.reasoning for c in t.choices), path


def test_timestamps_without_an_offset_are_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    data = {"model": "m", "created_at": "2026-04-16T00:00:00", "done": True, "response": "x"}
    t = transcribe(cassette(typed("ollama._types.GenerateResponse", data)))
    assert t.created_first == 1776297600.0
