"""Cohere chat: v1 (`/v1/chat`, also command-r on Bedrock) and v2 (`/v2/chat`), whole
responses and streams.

Rules:
- One choice, index 0.
- v1 response: `text` -> text, `tool_calls[]` (`name`, `parameters` object) -> tool
  calls, `finish_reason`. Its stream is JSON lines with `event_type`: `text-generation`
  text joins; `tool-calls-chunk` `tool_call_delta` pieces join per `index` (when a stream
  has none, the whole calls of `tool-calls-generation` count); `stream-end` gives the
  finish reason and the whole `response` (ids, usage).
- v2 response: `message.content[]` (`text` -> text, `thinking` -> reasoning),
  `message.tool_plan` -> reasoning, `message.tool_calls[]` (OpenAI-style `function` with
  `arguments` text), `finish_reason` (`COMPLETE`, `TOOL_CALL`, `MAX_TOKENS`...). Its SSE
  events: `message-start`, `content-start`/`content-delta` (per `index`), `tool-plan-delta`,
  `tool-call-start`/`tool-call-delta` (per tool `index`), `message-end` with the finish
  reason and usage.
- Usage: `tokens` (what the model read and wrote), else `billed_units`; input_tokens and
  output_tokens map, total = their sum, and the other block goes to `details`. v1 keeps
  them under `meta`.
- A `message-end` with an `error` gives `Transcript.error`.
- Generate (`/v1/generate`, and Cohere Command on Bedrock): one choice per
  `generations[]` entry, its `text` and `finish_reason`; streamed, `text` chunks join and the
  `is_finished` one gives the finish reason. Usage from `meta`, as for chat.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cli.core.transcript.common import (
    ChoiceBuilder,
    Choices,
    Meta,
    ToolCallBuilder,
    as_dict,
    as_int,
    as_list,
    as_str,
    build_transcript,
    first_key,
)
from cli.core.transcript.model import COHERE, ErrorInfo, Transcript, Usage

V1_EVENTS = frozenset(
    {
        "stream-start",
        "search-queries-generation",
        "search-results",
        "text-generation",
        "citation-generation",
        "tool-calls-chunk",
        "tool-calls-generation",
        "stream-end",
    }
)
V2_EVENTS = frozenset(
    {
        "message-start",
        "content-start",
        "content-delta",
        "content-end",
        "tool-plan-delta",
        "tool-call-start",
        "tool-call-delta",
        "tool-call-end",
        "citation-start",
        "citation-end",
        "message-end",
    }
)


def is_response(payload: dict[str, Any]) -> bool:
    """A whole v1 or v2 chat response (not an OpenAI or Ollama one)."""
    if "choices" in payload or "done" in payload:
        return False
    if isinstance(payload.get("text"), str):
        return "generation_id" in payload or "response_id" in payload
    message = payload.get("message")
    return isinstance(message, dict) and "finish_reason" in payload and "id" in payload


def usage_of(raw: Any) -> Usage | None:
    data = as_dict(raw)
    tokens, billed = as_dict(data.get("tokens")), as_dict(data.get("billed_units"))
    counts = tokens if ("input_tokens" in tokens or "output_tokens" in tokens) else billed
    if not counts:
        return None
    usage = Usage(
        input_tokens=as_int(counts.get("input_tokens")),
        output_tokens=as_int(counts.get("output_tokens")),
    )
    if usage.input_tokens is not None and usage.output_tokens is not None:
        usage.total_tokens = usage.input_tokens + usage.output_tokens
    for key, value in data.items():
        if value is not None and value is not counts and key not in ("api_version", "warnings"):
            usage.details[str(key)] = value
    return usage


def chat(payloads: Iterable[Any]) -> Transcript:
    """Whole v1/v2 responses, or the JSON-lines events of a v1 stream."""
    choices, meta, usage = Choices(), Meta(), None
    builder = choices.get(0)
    chunks: dict[int, ToolCallBuilder] = {}
    whole_calls: list[Any] = []
    plan: list[str] = []
    for payload in payloads:
        data = as_dict(payload)
        event = data.get("event_type")
        if event is None:
            usage = _response(builder, meta, data) or usage
        elif event == "stream-start":
            meta.see(data.get("generation_id"))
        elif event == "text-generation":
            builder.add_text(data.get("text"))
        elif event == "tool-calls-chunk":
            delta = as_dict(data.get("tool_call_delta"))
            if delta.get("name") is not None or delta.get("parameters") is not None:
                index = as_int(delta.get("index")) or 0
                call = chunks.get(index) or chunks.setdefault(index, builder.new_call())
                call.add(None, "function", delta.get("name"), as_str(delta.get("parameters")))
            plan.append(as_str(data.get("text")) or as_str(delta.get("text")) or "")
        elif event == "tool-calls-generation":
            whole_calls = as_list(data.get("tool_calls"))
            if not any(plan):
                plan = [as_str(data.get("text")) or ""]
        elif event == "stream-end":
            builder.finish(data.get("finish_reason"))
            end = as_dict(data.get("response"))
            meta.see(first_key(end, "response_id", "generation_id"))
            usage = usage_of(end.get("meta")) or usage
    if not chunks:
        for raw in whole_calls:
            call = as_dict(raw)
            builder.new_call().add(None, "function", call.get("name"), call.get("parameters"))
    builder.add_reasoning("".join(plan))
    return build_transcript(COHERE, choices, meta, usage)


def _response(builder: ChoiceBuilder, meta: Meta, data: dict[str, Any]) -> Usage | None:
    """One whole response, v1 or v2; its usage."""
    builder.finish(data.get("finish_reason"))
    if isinstance(data.get("text"), str):  # v1
        meta.see(first_key(data, "response_id", "generation_id"))
        builder.add_text(data["text"])
        for raw in as_list(data.get("tool_calls")):
            call = as_dict(raw)
            builder.new_call().add(None, "function", call.get("name"), call.get("parameters"))
        return usage_of(data.get("meta"))
    meta.see(data.get("id"))
    message = as_dict(data.get("message"))
    builder.add_role(message.get("role"))
    builder.add_reasoning(message.get("tool_plan"))
    for raw in as_list(message.get("content")):
        _add_content(builder, as_dict(raw))
    for raw in as_list(message.get("tool_calls")):
        call = as_dict(raw)
        function = as_dict(call.get("function"))
        builder.new_call().add(
            call.get("id"), call.get("type"), function.get("name"), function.get("arguments")
        )
    return usage_of(data.get("usage"))


def _add_content(builder: ChoiceBuilder, content: dict[str, Any]) -> None:
    if content.get("type") == "thinking" or "thinking" in content:
        builder.add_reasoning(content.get("thinking"))
    else:
        builder.add_text(content.get("text"))


def events(stream: Iterable[tuple[str | None, Any]]) -> Transcript:
    """The parsed SSE events of a v2 stream."""
    choices, meta, usage = Choices(), Meta(), None
    builder = choices.get(0)
    calls: dict[int, ToolCallBuilder] = {}
    error: ErrorInfo | None = None
    count = 0  # events, read one at a time: a stream may be too big to hold
    for name, value in stream:
        count += 1
        data = as_dict(value)
        kind = as_str(data.get("type")) or name
        message = as_dict(as_dict(data.get("delta")).get("message"))
        if kind == "message-start":
            meta.see(data.get("id"))
            builder.add_role(message.get("role"))
        elif kind in ("content-start", "content-delta"):
            _add_content(builder, as_dict(message.get("content")))
        elif kind == "tool-plan-delta":
            builder.add_reasoning(message.get("tool_plan"))
        elif kind in ("tool-call-start", "tool-call-delta"):
            piece = as_dict(message.get("tool_calls"))
            function = as_dict(piece.get("function"))
            index = as_int(data.get("index")) or 0
            call = calls.get(index) or calls.setdefault(index, builder.new_call())
            call.add(
                piece.get("id"), piece.get("type"), function.get("name"), function.get("arguments")
            )
        elif kind == "message-end":
            delta = as_dict(data.get("delta"))
            builder.finish(delta.get("finish_reason"))
            usage = usage_of(delta.get("usage")) or usage
            if delta.get("error"):
                error = ErrorInfo(message=str(delta["error"]))
    return build_transcript(COHERE, choices, meta, usage, chunk_count=count, error=error)


# generate ------------------------------------------------------------------------


def is_generate(payload: dict[str, Any]) -> bool:
    """A generate response, or a chunk of its stream (which has no `event_type`)."""
    if "is_finished" in payload and "event_type" not in payload:
        return True
    first = as_dict(next(iter(as_list(payload.get("generations"))), None))
    return "text" in first and "type" not in first


def generate(payloads: Iterable[Any]) -> Transcript:
    choices, meta, usage = Choices(), Meta(), None
    for payload in payloads:
        data = as_dict(payload)
        meta.see(data.get("id"))
        usage = usage_of(data.get("meta")) or usage
        entries = as_list(data.get("generations")) or [data]  # a stream chunk is its own entry
        for position, raw in enumerate(entries):
            entry = as_dict(raw)
            builder = choices.get(entry.get("index"), position)
            builder.add_text(entry.get("text"))
            builder.finish(entry.get("finish_reason"))
    return build_transcript(COHERE, choices, meta, usage)
