"""Embedding responses in the shapes that are not OpenAI's `{"object": "list", "data"}`
(that one, also Voyage's, Mistral's and Together's, is `openai.embeddings`; Ollama's typed
`EmbedResponse` is `ollama.embed`).

Rules:
- The transcript gives `(count, dimensions)`, never the vectors.
- Shapes: Gemini `embedContent` (`embedding.values`) and `batchEmbedContents`
  (`embeddings[].values`); Bedrock Titan (`embedding`, or `embeddingsByType`); Cohere v1
  (`embeddings` as a list of vectors, or by type) and v2 (`embeddings` by type: the first
  type counts); Ollama's `/api/embed` and `/api/embeddings` without a model; Vertex AI
  `predictions[].embeddings.values`; and a bare vector or list of vectors
  (Hugging Face feature extraction, TEI).
- Usage where the body gives it: Titan `inputTextTokenCount`, Cohere
  `meta.billed_units.input_tokens`, Gemini `usageMetadata.promptTokenCount`, Ollama
  `prompt_eval_count`, Vertex `statistics.token_count` (summed).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cli.core.transcript.common import as_count, as_dict, as_list, as_number, as_str, embedding_dims
from cli.core.transcript.model import EMBEDDINGS, Transcript, Usage


def is_vector(value: Any) -> bool:
    """A list of numbers (an empty list is not one)."""
    return isinstance(value, list) and bool(value) and as_number(value[0]) is not None


def is_embeddings(payload: Any) -> bool:
    """Whether a body is one of the shapes above."""
    if isinstance(payload, list):
        return is_vector(payload) or (bool(payload) and is_vector(payload[0]))
    if not isinstance(payload, dict):
        return False
    single = payload.get("embedding")
    if is_vector(single) or is_vector(as_dict(single).get("values")):
        return True
    if isinstance(payload.get("embeddingsByType"), dict):
        return True
    many = payload.get("embeddings")
    if isinstance(many, dict):
        return any(isinstance(value, list) for value in many.values())
    first = next(iter(as_list(many)), None)
    if is_vector(first) or is_vector(as_dict(first).get("values")):
        return True
    prediction = as_dict(next(iter(as_list(payload.get("predictions"))), None))
    return is_vector(as_dict(prediction.get("embeddings")).get("values"))


def _vectors(data: Any) -> list[Any]:
    if isinstance(data, list):
        return [data] if is_vector(data) else data
    data = as_dict(data)
    single = data.get("embedding")
    if single is not None:
        return [as_dict(single).get("values") if isinstance(single, dict) else single]
    by_type = data.get("embeddingsByType")
    many = data.get("embeddings") if by_type is None else by_type
    if isinstance(many, dict):  # by type: {"float": [[...]], "int8": [[...]]}
        first = next((value for value in many.values() if isinstance(value, list)), [])
        return [first] if is_vector(first) else first
    if isinstance(many, list):
        return [as_dict(item).get("values") if isinstance(item, dict) else item for item in many]
    predictions = as_list(data.get("predictions"))
    return [as_dict(as_dict(item).get("embeddings")).get("values") for item in predictions]


def _input_tokens(data: Any) -> int | None:
    if not isinstance(data, dict):
        return None
    for value in (
        data.get("inputTextTokenCount"),
        as_dict(as_dict(data.get("meta")).get("billed_units")).get("input_tokens"),
        as_dict(data.get("usageMetadata")).get("promptTokenCount"),
        data.get("prompt_eval_count"),
    ):
        if as_count(value) is not None:
            return as_count(value)
    counts = [
        as_count(
            as_dict(as_dict(as_dict(item).get("embeddings")).get("statistics")).get("token_count")
        )
        for item in as_list(data.get("predictions"))
    ]
    return sum(c for c in counts if c is not None) if any(c is not None for c in counts) else None


def vectors(payloads: Iterable[Any]) -> Transcript:
    total, dims, tokens, model, ids = 0, 0, None, None, []
    for payload in payloads:
        found = _vectors(payload)
        total += len(found)
        if found and not dims:
            dims = embedding_dims(found[0])
        tokens = _input_tokens(payload) if _input_tokens(payload) is not None else tokens
        fields = as_dict(payload)
        model = as_str(fields.get("model")) or model
        ident = as_str(fields.get("id"))
        if ident and ident not in ids:
            ids.append(ident)
    usage = None if tokens is None else Usage(input_tokens=tokens)
    return Transcript(kind=EMBEDDINGS, embeddings=(total, dims), usage=usage, model=model, ids=ids)
