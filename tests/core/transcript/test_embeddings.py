"""embeddings: count and dimensions in every provider's shape, never the vectors."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from cli.core.model import Interaction
from cli.core.transcript.model import EMBEDDINGS
from cli.core.transcript.reassemble import transcribe
from tests.core.transcript.vcr_bodies import Entry


def cassette(body: Any) -> Interaction:
    request = {"method": "POST", "url": "https://example.com/embed", "body": {}}
    response = {"status": 200, "headers": {}, "body": body}
    return Interaction(Path("mem.yaml"), {"request": request, "response": response})


@pytest.mark.corpus
def test_corpus_embeddings_count_and_dimensions(vcr_corpus: list[Entry]) -> None:
    entries = [e for e in vcr_corpus if "mbed" in e.url and e.status < 400]
    shapes = set()
    for entry in entries:
        body = entry.body
        if "data" in body:  # OpenAI, Azure
            vectors = [item["embedding"] for item in body["data"]]
            shapes.add("openai")
        else:  # Gemini batchEmbedContents
            vectors = [item["values"] for item in body["embeddings"]]
            shapes.add("gemini")
        first = vectors[0]  # floats, or base64 of float32s (`encoding_format: base64`)
        dims = len(base64.b64decode(first)) // 4 if isinstance(first, str) else len(first)
        transcript = transcribe(entry.interaction)
        assert transcript.kind == EMBEDDINGS, entry.name
        assert transcript.embeddings == (len(vectors), dims), entry.name
        assert transcript.chunk_count == 0
    assert shapes == {"openai", "gemini"} and len(entries) >= 8


V = [0.5, -0.25, 0.125]


@pytest.mark.parametrize(
    ("body", "count", "tokens"),
    [
        ({"embedding": {"values": V}}, 1, None),  # Gemini embedContent
        (
            {
                "embeddings": [{"values": V}, {"values": V}],
                "usageMetadata": {"promptTokenCount": 6},
            },
            2,
            6,
        ),
        ({"embedding": V, "inputTextTokenCount": 4}, 1, 4),  # Bedrock Titan
        (
            {"embeddingsByType": {"float": V}, "embedding": V, "inputTextTokenCount": 4.0},
            1,
            4,
        ),  # Titan v2
        (
            {
                "id": "e",
                "embeddings": [V, V],
                "texts": ["a", "b"],
                "meta": {"billed_units": {"input_tokens": 2}},
            },
            2,
            2,
        ),  # Cohere v1
        (
            {"id": "e", "embeddings": {"float": [V, V, V]}, "response_type": "embeddings_by_type"},
            3,
            None,
        ),
        ({"embeddings": [V]}, 1, None),  # Ollama /api/embed without a model field
        ({"embedding": V}, 1, None),  # Ollama /api/embeddings
        (
            {"predictions": [{"embeddings": {"values": V, "statistics": {"token_count": 3}}}]},
            1,
            3,
        ),  # Vertex
        ([V, V], 2, None),  # Hugging Face feature extraction, TEI
        (V, 1, None),  # one bare vector
        (
            {
                "object": "list",
                "data": [{"object": "embedding", "embedding": V, "index": 0}],
                "model": "voyage-3",
            },
            1,
            None,
        ),
    ],
)
def test_embedding_shapes(body: Any, count: int, tokens: int | None) -> None:
    transcript = transcribe(cassette(body))
    assert transcript.kind == EMBEDDINGS
    assert transcript.embeddings == (count, 3)
    assert (transcript.usage.input_tokens if transcript.usage else None) == tokens
    assert transcript.chunk_count == 0
    assert transcript.raw is None  # the vectors are never kept


def test_base64_vectors_count_their_floats() -> None:
    body = {"object": "list", "data": [{"embedding": "AAAAAAAAgD8AAABA"}], "model": "m"}
    assert transcribe(cassette(body)).embeddings == (1, 3)
