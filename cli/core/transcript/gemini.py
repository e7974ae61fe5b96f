"""Gemini: generate_content candidates (one object or a stream), and the interactions API.

Rules:
- generate_content: one choice per candidate (`index`, else position). Parts: `text` ->
  text, or reasoning when the part has `thought: true`; `function_call` -> a tool call
  with `args` serialized; `tool_call` (a built-in tool the server ran, Gemini 3) -> a tool
  call named by its `tool_type`; `executable_code` -> a `code_execution` call with its
  language and code; their results (`tool_response`, `code_execution_result`) are the
  server's data and are skipped. `finish_reason` as sent (`STOP`, `MAX_TOKENS` ...); a
  prompt blocked before any candidate gives one choice whose finish reason is the
  `prompt_feedback.block_reason`. Usage: the
  last `usage_metadata`; prompt/candidates/total token counts map to input/output/total,
  the rest (`thoughts_token_count`, `traffic_type`, details) to `details`. The SDK's
  snake_case and the REST API's camelCase are both read.
- interactions: one choice. Outputs (or streamed `content.*` events, per `index`):
  `text` -> text, `thought` summaries -> reasoning (signatures are skipped),
  `function_call` -> a tool call. The interaction's final `status` (`completed`,
  `requires_action` ...) is the finish reason. Usage: `total_input_tokens`,
  `total_output_tokens`, `total_tokens`; the rest to `details`.
- Timestamps are ISO 8601 strings, turned into unix seconds.
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
    make_usage,
    text_of,
)
from cli.core.transcript.model import GEMINI, INTERACTION, ErrorInfo, Transcript, Usage


def _content_usage(raw: Any) -> Usage | None:
    if isinstance(raw, dict) and "promptTokenCount" in raw:
        return make_usage(raw, "promptTokenCount", "candidatesTokenCount", "totalTokenCount")
    return make_usage(raw, "prompt_token_count", "candidates_token_count", "total_token_count")


def generate_content(payloads: Iterable[Any]) -> Transcript:
    choices, meta, usage = Choices(), Meta(), None
    for payload in payloads:
        data = as_dict(payload)
        meta.see(
            first_key(data, "response_id", "responseId"),
            first_key(data, "model_version", "modelVersion"),
            first_key(data, "create_time", "createTime"),
        )
        usage = _content_usage(first_key(data, "usage_metadata", "usageMetadata")) or usage
        for position, raw in enumerate(as_list(data.get("candidates"))):
            candidate = as_dict(raw)
            builder = choices.get(candidate.get("index"), position)
            content = as_dict(candidate.get("content"))
            builder.add_role(content.get("role"))
            for part in as_list(content.get("parts")):
                _add_part(builder, as_dict(part))
            builder.finish(first_key(candidate, "finish_reason", "finishReason"))
        blocked = as_dict(first_key(data, "prompt_feedback", "promptFeedback"))
        reason = first_key(blocked, "block_reason", "blockReason")
        if reason is not None and not as_list(data.get("candidates")):
            choices.get(0).finish(reason)  # the prompt was refused: no candidate at all
    return build_transcript(GEMINI, choices, meta, usage)


def _add_part(builder: ChoiceBuilder, part: dict[str, Any]) -> None:
    call = as_dict(first_key(part, "function_call", "functionCall"))
    server_call = as_dict(first_key(part, "tool_call", "toolCall"))
    code = as_dict(first_key(part, "executable_code", "executableCode"))
    if call:
        builder.new_call().add(call.get("id"), None, call.get("name"), call.get("args"))
    elif server_call:  # a built-in tool the server ran (Google Search...)
        name = first_key(server_call, "tool_type", "toolType")
        builder.new_call().add(server_call.get("id"), "tool_call", name, server_call.get("args"))
    elif code:
        arguments = {key: code[key] for key in ("language", "code") if key in code}
        builder.new_call().add(code.get("id"), "executable_code", "code_execution", arguments)
    elif part.get("thought") is True:
        builder.add_reasoning(part.get("text"))
    else:
        builder.add_text(part.get("text"))


# interactions ----------------------------------------------------------------


def _interaction_usage(raw: Any) -> Usage | None:
    return make_usage(raw, "total_input_tokens", "total_output_tokens", "total_tokens")


def _thought_text(item: dict[str, Any]) -> str:
    """Text of a thought output or delta: `summary` parts, `content`, or `text`."""
    return (
        text_of(item.get("summary"))
        or text_of(item.get("text"))
        or text_of(as_dict(item.get("content")).get("text"))
        or text_of(item.get("content"))
    )


def _see_interaction(meta: Meta, data: dict[str, Any]) -> None:
    meta.see(data.get("id"), data.get("model"), data.get("created"))


def interaction(payloads: Iterable[Any]) -> Transcript:
    """Whole interaction objects: `{"object": "interaction", "outputs": [...], "status"}`."""
    choices, meta, usage = Choices(), Meta(), None
    builder = choices.get(0)
    for payload in payloads:
        data = as_dict(payload)
        _see_interaction(meta, data)
        builder.add_role(data.get("role"))
        usage = _interaction_usage(data.get("usage")) or usage
        for raw in as_list(data.get("outputs")):
            output = as_dict(raw)
            kind = output.get("type")
            if kind == "text":
                builder.add_text(output.get("text"))
            elif kind == "thought":
                builder.add_reasoning(_thought_text(output))
            elif kind == "function_call":
                builder.new_call().add(
                    output.get("id"), kind, output.get("name"), output.get("arguments")
                )
        builder.finish(data.get("status"))
    return _interaction_transcript(choices, meta, usage)


def _interaction_transcript(
    choices: Choices,
    meta: Meta,
    usage: Usage | None,
    chunk_count: int = 0,
    error: ErrorInfo | None = None,
) -> Transcript:
    return build_transcript(INTERACTION, choices, meta, usage, chunk_count=chunk_count, error=error)


def events(stream: Iterable[tuple[str | None, Any]]) -> Transcript:
    """The parsed SSE events of a streamed interaction."""
    choices, meta, usage = Choices(), Meta(), None
    builder = choices.get(0)
    calls: dict[int, ToolCallBuilder] = {}
    error: ErrorInfo | None = None
    count = 0  # events, read one at a time: a stream may be too big to hold
    for name, value in stream:
        count += 1
        data = as_dict(value)
        kind = as_str(data.get("event_type")) or name
        index = as_int(data.get("index"))
        if kind in ("interaction.start", "interaction.complete"):
            whole = as_dict(data.get("interaction"))
            _see_interaction(meta, whole)
            builder.add_role(whole.get("role"))
            usage = _interaction_usage(whole.get("usage")) or usage
            if kind == "interaction.complete":
                builder.finish(whole.get("status"))
        elif kind in ("content.start", "content.delta"):
            item = as_dict(data.get("content" if kind == "content.start" else "delta"))
            item_type = item.get("type")
            if item_type == "text":
                builder.add_text(item.get("text"))
            elif item_type in ("thought", "thought_summary"):
                builder.add_reasoning(_thought_text(item))
            elif item_type == "function_call":
                call = calls.get(index) if index is not None else None
                if call is None:
                    call = builder.new_call()
                    if index is not None:
                        calls[index] = call
                call.add(item.get("id"), item_type, item.get("name"), item.get("arguments"))
        elif kind == "error":
            error_ = as_dict(data.get("error"))
            error = ErrorInfo(
                type=as_str(first_key(error_, "code", "status", "type")),
                message=as_str(error_.get("message")),
            )
    return _interaction_transcript(choices, meta, usage, count, error)
