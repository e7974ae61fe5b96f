"""OpenAI-compatible shapes: chat (chunks or whole), completions, embeddings, model lists.

Rules:
- Each function takes the unwrapped payloads of one response, in order, and skips any
  payload or field that is not the shape it expects.
- Chat: pieces merge per choice `index` (choices that lack one take their position).
  A streamed choice has `delta`, a whole one `message`; both go through the same
  accumulator, so a whole response is just a one-chunk stream. Reasoning comes from
  `reasoning_content`, else `reasoning` (vLLM sends both with the same text).
- Streamed tool-call pieces join by their `index` (see `ChoiceBuilder.call_for`); the
  tool calls of a whole message are separate calls even without an `index`.
- Usage: the last non-null `usage` wins (Databricks repeats it, cumulatively, on every
  chunk; Groq's streams put it in `x_groq.usage`); `prompt_tokens`/`completion_tokens`/
  `total_tokens` map to input/output/total, everything else (`*_details`,
  `cached_tokens`...) goes to `details`.
- OpenAI-compatible variations: content as a list of parts (Mistral), whose `thinking`
  parts are reasoning; `tool_calls` as one dict instead of a list (TGI); arguments as an
  object (serialized); the legacy `function_call` (one call, no id); an audio answer's
  `audio.transcript` as text; `reasoning_details[]` texts as reasoning when there is no
  `reasoning`; fields sent empty (Snowflake fills every field: `function_call` with an empty
  name and arguments) read as absent; an `error` object in a chunk (OpenRouter ends a failed
  stream with one) gives `Transcript.error`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
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
    embedding_dims,
    first_key,
    make_usage,
)
from cli.core.transcript.errors import error_from_body
from cli.core.transcript.model import CHAT, COMPLETION, EMBEDDINGS, MODEL_LIST, Transcript, Usage


def _usage(raw: Any) -> Usage | None:
    return make_usage(raw, "prompt_tokens", "completion_tokens", "total_tokens")


def chat(payloads: Iterable[Any]) -> Transcript:
    """Chat completion chunks and/or whole chat completions."""
    choices, meta = Choices(), Meta()
    for builder, choice in _choices(payloads, choices, meta):
        add_choice(builder, choice)
    return build_transcript(CHAT, choices, meta, meta.usage, error=meta.error)


@dataclass(frozen=True)
class CallPiece:
    """One tool-call piece of a choice piece, for the stream rules: where it sits in the
    choice (`tool_calls/2`, `function_call`), the call it joined, and whether it carried
    arguments."""

    where: str
    call: ToolCallBuilder
    has_arguments: bool


def add_choice(builder: ChoiceBuilder, choice: dict[str, Any]) -> list[CallPiece]:
    """One choice of one chunk or object into its builder (a `delta`, a whole `message`, or
    a completion's `text`, then its finish). Returns its tool-call pieces; the rules of
    `validate` read a stream through this same function, so both agree on what it says."""
    delta = choice.get("delta")
    if isinstance(delta, dict):
        pieces = _add_message(builder, delta, whole=False)
    elif isinstance(choice.get("message"), dict):
        pieces = _add_message(builder, choice["message"], whole=True)
    else:
        builder.add_text(choice.get("text"))
        pieces = []
    reason, stop_reason = choice.get("finish_reason"), choice.get("stop_reason")
    if reason is not None or stop_reason is not None:  # only a choice's last piece has them
        builder.finish(reason, stop_reason)
    return pieces


def _choices(
    payloads: Iterable[Any], choices: Choices, meta: Meta
) -> Iterator[tuple[ChoiceBuilder, dict[str, Any]]]:
    """Each choice of each chunk or object, with its builder; ids, models, times and the
    last non-null usage go to `meta`."""
    for payload in payloads:  # every chunk of a stream: `as_dict` and `as_list` inlined
        data = payload if isinstance(payload, dict) else {}
        meta.see(data.get("id"), data.get("model"), data.get("created"))
        usage = data.get("usage")
        if usage is None and "x_groq" in data:  # Groq: a stream's usage on its last chunk
            usage = as_dict(data["x_groq"]).get("usage")
        if usage is not None:  # most chunks have none
            meta.usage = _usage(usage) or meta.usage
        if "error" in data and data["error"] and meta.error is None:
            meta.error = error_from_body(data)  # OpenRouter ends a failed stream with one
        listed = data.get("choices")
        for position, raw in enumerate(listed if isinstance(listed, list) else ()):
            choice = raw if isinstance(raw, dict) else {}
            yield choices.get(choice.get("index"), position), choice


def _add_message(
    builder: ChoiceBuilder, message: dict[str, Any], *, whole: bool
) -> list[CallPiece]:
    # Every delta of a stream passes here: what adds nothing (a role already known, empty
    # content or reasoning) calls nothing.
    if builder.role is None:
        builder.add_role(message.get("role"))
    content = message.get("content")
    if content:
        builder.add_text(content)
    reasoning = first_key(message, "reasoning_content", "reasoning")
    if not reasoning and "reasoning_details" in message:  # OpenRouter, Snowflake
        details = [as_dict(item) for item in as_list(message["reasoning_details"])]
        reasoning = "".join(as_str(first_key(d, "text", "summary")) or "" for d in details)
    if reasoning:
        builder.add_reasoning(reasoning)
    if isinstance(content, list):  # Mistral's thinking chunks: `{"type": "thinking", ...}`
        for part in content:
            if as_dict(part).get("type") == "thinking":
                builder.add_reasoning(part.get("thinking"))
    refusal = message.get("refusal")
    if refusal:
        builder.add_refusal(refusal)
    # the rarer fields, looked up only when present: a stream has many thousands of deltas
    if message.get("audio"):
        builder.add_text(as_dict(message["audio"]).get("transcript"))
    pieces: list[CallPiece] = []
    function_call = message.get("function_call")
    if function_call:
        pieces += _add_function_call(builder, as_dict(function_call), whole)
    calls = message.get("tool_calls")
    if calls:
        one = isinstance(calls, dict)  # TGI sends one dict, not a list
        pieces += _add_tool_calls(builder, [calls] if one else as_list(calls), whole)
    return pieces


def _add_function_call(
    builder: ChoiceBuilder, function: dict[str, Any], whole: bool
) -> list[CallPiece]:
    """The legacy `functions` API: one call, no id (Snowflake sends it empty: no call)."""
    name, arguments = function.get("name"), function.get("arguments")
    if not (name or arguments):
        return []
    call = builder.new_call() if whole else builder.call_for(None, None)
    call.add(None, "function", name, arguments)
    return [CallPiece("function_call", call, _has_arguments(arguments))]


def _add_tool_calls(builder: ChoiceBuilder, calls: list[Any], whole: bool) -> list[CallPiece]:
    pieces = []
    for number, raw in enumerate(calls):
        piece = as_dict(raw)
        if not piece:
            continue
        function = as_dict(piece.get("function"))
        index, ident, arguments = piece.get("index"), piece.get("id"), function.get("arguments")
        if whole and as_int(index) is None:
            call = builder.new_call()
        else:
            call = builder.call_for(index, ident)
        call.add(ident, piece.get("type"), function.get("name"), arguments)
        pieces.append(CallPiece(f"tool_calls/{number}", call, _has_arguments(arguments)))
    return pieces


def _has_arguments(arguments: Any) -> bool:
    return bool(arguments) if isinstance(arguments, str) else arguments is not None


def completion(payloads: Iterable[Any]) -> Transcript:
    """Legacy text completions, streamed or whole: `choices[i].text` joined per index."""
    choices, meta = Choices(), Meta()
    for builder, choice in _choices(payloads, choices, meta):
        text = choice.get("text")
        if not isinstance(text, str):  # Together also mirrors the text in a chat delta
            text = as_dict(choice.get("delta")).get("content")
        builder.add_text(text)
        builder.finish(choice.get("finish_reason"), choice.get("stop_reason"))
    return build_transcript(COMPLETION, choices, meta, meta.usage)


def embeddings(payloads: Iterable[Any]) -> Transcript:
    """`(count, dimensions)` of the vectors (lists of floats, or base64); never the vectors."""
    meta, usage = Meta(), None
    count, dims = 0, 0
    for payload in payloads:
        data = as_dict(payload)
        meta.see(data.get("id"), data.get("model"), data.get("created"))
        usage = _usage(data.get("usage")) or usage
        vectors = [as_dict(item).get("embedding") for item in as_list(data.get("data"))]
        count += len(vectors)
        if vectors and not dims:
            dims = embedding_dims(vectors[0])
    return Transcript(
        kind=EMBEDDINGS, embeddings=(count, dims), usage=usage, model=meta.model, ids=meta.ids
    )


def models(payloads: Iterable[Any]) -> Transcript:
    """One `Model` per payload, or a raw `{"object": "list", "data": [...]}`."""
    ids: list[str] = []
    for payload in payloads:
        data = as_dict(payload)
        entries = as_list(data.get("data")) if data.get("object") == "list" else [data]
        ids.extend(ident for entry in entries if (ident := as_str(as_dict(entry).get("id"))))
    return Transcript(kind=MODEL_LIST, models=ids)
