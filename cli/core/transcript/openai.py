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
  chunk); `prompt_tokens`/`completion_tokens`/`total_tokens` map to input/output/total,
  everything else (`*_details`, `cached_tokens`...) goes to `details`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from cli.core.transcript.common import (
    ChoiceBuilder,
    Choices,
    Meta,
    as_dict,
    as_int,
    as_list,
    as_str,
    build_transcript,
    embedding_dims,
    first_key,
    make_usage,
)
from cli.core.transcript.model import CHAT, COMPLETION, EMBEDDINGS, MODEL_LIST, Transcript, Usage


def _usage(raw: Any) -> Usage | None:
    return make_usage(raw, "prompt_tokens", "completion_tokens", "total_tokens")


def chat(payloads: Iterable[Any]) -> Transcript:
    """Chat completion chunks and/or whole chat completions."""
    choices, meta = Choices(), Meta()
    for builder, choice in _choices(payloads, choices, meta):
        delta = choice.get("delta")
        if isinstance(delta, dict):
            _add_message(builder, delta, whole=False)
        elif isinstance(choice.get("message"), dict):
            _add_message(builder, choice["message"], whole=True)
        else:
            builder.add_text(choice.get("text"))
        builder.finish(choice.get("finish_reason"), choice.get("stop_reason"))
    return build_transcript(CHAT, choices, meta, meta.usage)


def _choices(
    payloads: Iterable[Any], choices: Choices, meta: Meta
) -> Iterator[tuple[ChoiceBuilder, dict[str, Any]]]:
    """Each choice of each chunk or object, with its builder; ids, models, times and the
    last non-null usage go to `meta`."""
    for payload in payloads:
        data = as_dict(payload)
        meta.see(data.get("id"), data.get("model"), data.get("created"))
        meta.usage = _usage(data.get("usage")) or meta.usage
        for position, raw in enumerate(as_list(data.get("choices"))):
            choice = as_dict(raw)
            yield choices.get(choice.get("index"), position), choice


def _add_message(builder: ChoiceBuilder, message: dict[str, Any], *, whole: bool) -> None:
    builder.add_role(message.get("role"))
    builder.add_text(message.get("content"))
    builder.add_reasoning(first_key(message, "reasoning_content", "reasoning"))
    builder.add_refusal(message.get("refusal"))
    for raw in as_list(message.get("tool_calls")):
        piece = as_dict(raw)
        if not piece:
            continue
        function = as_dict(piece.get("function"))
        index, ident = piece.get("index"), piece.get("id")
        if whole and as_int(index) is None:
            call = builder.new_call()
        else:
            call = builder.call_for(index, ident)
        call.add(ident, piece.get("type"), function.get("name"), function.get("arguments"))


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
