"""Ollama's native API: generate and chat (streamed or whole), embed, and model lists.

Rules:
- Generate: `response` pieces join into the text, `thinking` into the reasoning. Chat:
  the same from `message.content` / `message.thinking`. One choice, index 0.
- Chat tool calls arrive whole, with `function.arguments` as an object: each is its own
  call, its arguments serialized to a JSON string (see `stream_common`).
- `done_reason` is the finish reason. Usage comes from the last item that counts
  tokens: `prompt_eval_count` -> input, `eval_count` -> output, total = their sum;
  the `*_duration` fields go to `details`.
- `created_at` (ISO 8601) becomes unix seconds. Ollama replies carry no ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cli.core.transcript.common import (
    Choices,
    Meta,
    as_dict,
    as_list,
    as_str,
    build_transcript,
    embedding_dims,
    make_usage,
)
from cli.core.transcript.model import EMBEDDINGS, MODEL_LIST, OLLAMA, Transcript, Usage

_USAGE_KEYS = (
    "prompt_eval_count",
    "eval_count",
    "total_duration",
    "load_duration",
    "prompt_eval_duration",
    "eval_duration",
)


def _usage(data: dict[str, Any]) -> Usage | None:
    if data.get("prompt_eval_count") is None and data.get("eval_count") is None:
        return None
    counts = {key: data.get(key) for key in _USAGE_KEYS}
    return make_usage(counts, "prompt_eval_count", "eval_count", None, add_total=True)


def generate_or_chat(payloads: Iterable[Any]) -> Transcript:
    """GenerateResponse and ChatResponse items (streamed or one)."""
    choices, meta, usage = Choices(), Meta(), None
    builder = choices.get(0)
    for payload in payloads:
        data = as_dict(payload)
        meta.see(None, data.get("model"), data.get("created_at"))
        usage = _usage(data) or usage
        message = data.get("message")
        if isinstance(message, dict):
            builder.add_role(message.get("role"))
            builder.add_text(message.get("content"))
            builder.add_reasoning(message.get("thinking"))
            for raw in as_list(message.get("tool_calls")):
                function = as_dict(as_dict(raw).get("function"))
                if function:
                    piece = as_dict(raw)
                    builder.new_call().add(
                        piece.get("id"),
                        piece.get("type"),
                        function.get("name"),
                        function.get("arguments"),
                    )
        else:
            builder.add_text(data.get("response"))
            builder.add_reasoning(data.get("thinking"))
        builder.finish(data.get("done_reason"))
    return build_transcript(OLLAMA, choices, meta, usage)


def embed(payloads: Iterable[Any]) -> Transcript:
    """EmbedResponse: `embeddings` (a list of vectors) or the older single `embedding`."""
    meta, usage = Meta(), None
    count, dims = 0, 0
    for payload in payloads:
        data = as_dict(payload)
        meta.see(None, data.get("model"), data.get("created_at"))
        usage = _usage(data) or usage
        vectors = as_list(data.get("embeddings"))
        if not vectors and isinstance(data.get("embedding"), list):
            vectors = [data["embedding"]]
        count += len(vectors)
        if vectors and not dims:
            dims = embedding_dims(vectors[0])
    return Transcript(kind=EMBEDDINGS, embeddings=(count, dims), usage=usage, model=meta.model)


def model_list(payloads: Iterable[Any]) -> Transcript:
    """ListResponse: each entry's `model` (newer Ollama) or `name`."""
    names: list[str] = []
    for payload in payloads:
        for entry in as_list(as_dict(payload).get("models")):
            item = as_dict(entry)
            name = as_str(item.get("model")) or as_str(item.get("name"))
            if name:
                names.append(name)
    return Transcript(kind=MODEL_LIST, models=names)
