"""Anthropic-style /v1/messages: the SSE passthrough (a list of strings) or one message object.

Rules:
- One choice, index 0. Content blocks, in order: `text` -> text, `thinking` -> reasoning,
  `tool_use` (and server/MCP tool use) -> a tool call numbered 0, 1, ... in order of
  appearance, whatever its block index; `redacted_thinking` and signatures are skipped.
- Streamed tool input is the joined `input_json_delta.partial_json`; a tool block that
  streamed none keeps the `input` object of its start event, serialized.
- `stop_reason` is the finish reason (`end_turn`, `tool_use`, `max_tokens` ...); a
  `stop_sequence` goes to `stop_reason`.
- Usage: fields of `message_start.message.usage`, overridden by any later
  `message_delta.usage` field; total = input + output. Cache counts go to `details`.
- An `error` event gives `Transcript.error`; the caller turns that into kind ERROR.
- Server tools: `server_tool_use` (and `mcp_tool_use`) blocks are tool calls like
  `tool_use`; their results (`web_search_tool_result`, `code_execution_tool_result`...) are
  the server's data, not the model's answer, and are skipped.
- Claude 2 text completions: `completion` joins into the text (see `completion`).
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
    make_usage,
)
from cli.core.transcript.model import ANTHROPIC, ErrorInfo, Transcript, Usage

_TOOL_BLOCKS = ("tool_use", "server_tool_use", "mcp_tool_use")


def _usage(fields: dict[str, Any]) -> Usage | None:
    if not fields:
        return None
    return make_usage(fields, "input_tokens", "output_tokens", None, add_total=True)


def _merge(fields: dict[str, Any], raw: Any) -> None:
    fields.update((key, value) for key, value in as_dict(raw).items() if value is not None)


def error_info(data: dict[str, Any]) -> ErrorInfo:
    error = as_dict(data.get("error"))
    return ErrorInfo(type=as_str(error.get("type")), message=as_str(error.get("message")))


def message(payloads: Iterable[Any]) -> Transcript:
    """Whole message objects: `{"type": "message", "content": [...], "stop_reason", "usage"}`."""
    choices, meta, fields = Choices(), Meta(), {}
    builder = choices.get(0)
    for payload in payloads:
        data = as_dict(payload)
        meta.see(data.get("id"), data.get("model"))
        builder.add_role(data.get("role"))
        for raw in as_list(data.get("content")):
            block = as_dict(raw)
            kind = block.get("type")
            if kind in _TOOL_BLOCKS:
                builder.new_call().add(block.get("id"), kind, block.get("name"), block.get("input"))
            else:
                _add_block_text(builder, block)
        builder.finish(data.get("stop_reason"), data.get("stop_sequence"))
        _merge(fields, data.get("usage"))
    return build_transcript(ANTHROPIC, choices, meta, _usage(fields))


def completion(payloads: Iterable[Any]) -> Transcript:
    """Claude 2 text completions (`/v1/complete`, Bedrock `invoke`), whole or streamed:
    `completion` pieces join; `stop_reason` is the finish reason, `stop` the stop sequence."""
    choices, meta = Choices(), Meta()
    builder = choices.get(0)
    for payload in payloads:
        data = as_dict(payload)
        meta.see(data.get("id"), data.get("model"))
        builder.add_text(data.get("completion"))
        builder.finish(data.get("stop_reason"), data.get("stop"))
    return build_transcript(ANTHROPIC, choices, meta, None)


def _add_block_text(builder: ChoiceBuilder, block: dict[str, Any]) -> None:
    kind = block.get("type")
    if kind == "text":
        builder.add_text(block.get("text"))
    elif kind == "thinking":
        builder.add_reasoning(block.get("thinking"))


def events(stream: Iterable[tuple[str | None, Any]]) -> Transcript:
    """The parsed SSE events of a streamed message."""
    choices, meta, fields = Choices(), Meta(), {}
    builder = choices.get(0)
    calls: dict[int, ToolCallBuilder] = {}
    start_inputs: list[tuple[ToolCallBuilder, Any]] = []
    error: ErrorInfo | None = None
    count = 0  # events, read one at a time: a stream may be too big to hold
    for name, value in stream:
        count += 1
        data = as_dict(value)
        kind = as_str(data.get("type")) or name
        index = as_int(data.get("index"))
        if kind == "message_start":
            start = as_dict(data.get("message"))
            meta.see(start.get("id"), start.get("model"))
            builder.add_role(start.get("role"))
            _merge(fields, start.get("usage"))
        elif kind == "content_block_start":
            block = as_dict(data.get("content_block"))
            if block.get("type") in _TOOL_BLOCKS:
                call = builder.new_call()
                call.add(block.get("id"), block.get("type"), block.get("name"))
                start_inputs.append((call, block.get("input")))
                if index is not None:
                    calls[index] = call
            else:
                _add_block_text(builder, block)
        elif kind == "content_block_delta":
            delta = as_dict(data.get("delta"))
            dtype = delta.get("type")
            if dtype == "text_delta":
                builder.add_text(delta.get("text"))
            elif dtype == "thinking_delta":
                builder.add_reasoning(delta.get("thinking"))
            elif dtype == "input_json_delta":
                call = calls.get(index) if index is not None else None
                if call is None:
                    call = builder.new_call()
                    if index is not None:
                        calls[index] = call
                call.add(arguments=delta.get("partial_json"))
        elif kind == "message_delta":
            delta = as_dict(data.get("delta"))
            builder.finish(delta.get("stop_reason"), delta.get("stop_sequence"))
            _merge(fields, data.get("usage"))
        elif kind == "error":
            error = error_info(data)
    for call, start_input in start_inputs:
        if not call.arguments and start_input is not None:
            call.add(arguments=start_input)
    return build_transcript(
        ANTHROPIC, choices, meta, _usage(fields), chunk_count=count, error=error
    )
