"""provider: the provider guessed from the URL host, and the model named in the URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cli.core.model import Interaction
from cli.core.transcript.provider import guess_provider, requested_model
from tests.core.transcript.vcr_bodies import Entry


def interaction(url: str, body: Any = None) -> Interaction:
    request = {"method": "POST", "url": url, "body": body if body is not None else {}}
    return Interaction(Path("mem.yaml"), {"request": request, "response": {}})


@pytest.mark.parametrize(
    ("url", "provider"),
    [
        ("https://api.openai.com/v1/chat/completions", "openai"),
        ("https://api.anthropic.com/v1/messages", "anthropic"),
        ("https://generativelanguage.googleapis.com/v1beta/models/g:generateContent", "gemini"),
        ("https://us-central1-aiplatform.googleapis.com/v1/projects/p/x", "vertexai"),
        ("https://bedrock-runtime.eu-west-3.amazonaws.com/model/m/converse", "bedrock"),
        ("https://api.cohere.com/v2/chat", "cohere"),
        ("https://api.cohere.ai/v1/embed", "cohere"),
        ("https://api.groq.com/openai/v1/chat/completions", "groq"),
        ("https://api.mistral.ai/v1/chat/completions", "mistral"),
        ("https://openrouter.ai/api/v1/chat/completions", "openrouter"),
        ("https://api.together.xyz/v1/chat/completions", "together"),
        ("https://router.huggingface.co/v1/chat/completions", "huggingface"),
        ("https://api-inference.huggingface.co/models/m", "huggingface"),
        ("https://api.writer.com/v1/chat", "writer"),
        ("https://api.deepseek.com/chat/completions", "deepseek"),
        ("https://api.x.ai/v1/chat/completions", "xai"),
        ("https://api.voyageai.com/v1/embeddings", "voyage"),
        ("https://myres.openai.azure.com/openai/deployments/d/chat/completions", "azure"),
        ("https://acct.snowflakecomputing.com/api/v2/cortex/v1/chat/completions", "snowflake"),
        ("http://localhost:11434/api/chat", "ollama"),
        ("http://127.0.0.1:1234/v1/chat/completions", "lmstudio"),
        ("http://localhost:8000/v1/completions", "vllm"),
        ("http://localhost:8080/v1/schema", "localhost"),  # an unknown local server: its host
        ("https://example.org/api", "example.org"),
        ("https://notapi.x.ai.example.com/v1", "notapi.x.ai.example.com"),  # never a substring
    ],
)
def test_provider_from_the_host(url: str, provider: str) -> None:
    assert guess_provider(interaction(url)) == provider


@pytest.mark.parametrize(
    ("url", "model"),
    [
        (
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-v1%3A0/converse",
            "us.anthropic.claude-v1:0",
        ),
        (
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-v2:1/invoke",
            "anthropic.claude-v2:1",
        ),
        (
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
            "gemini-2.5-flash",
        ),
        (
            "https://x-aiplatform.googleapis.com/v1/projects/p/locations/l/publishers/google/models/gemini-2.0-flash:generateContent",
            "gemini-2.0-flash",
        ),
        (
            "https://r.openai.azure.com/openai/deployments/gpt-4o-mini/chat/completions?api-version=1",
            "gpt-4o-mini",
        ),
        ("https://generativelanguage.googleapis.com/v1beta/models", None),
        ("https://api.openai.com/v1/chat/completions", None),
    ],
)
def test_model_from_the_url(url: str, model: str | None) -> None:
    assert requested_model(interaction(url)) == model


def test_the_body_model_wins() -> None:
    url = "https://r.openai.azure.com/openai/deployments/dep/chat/completions"
    assert requested_model(interaction(url, {"model": "gpt-4o"})) == "gpt-4o"


@pytest.mark.corpus
def test_every_model_api_in_the_corpus_has_a_named_provider(vcr_corpus: list[Entry]) -> None:
    apis = [
        e
        for e in vcr_corpus
        if "/chat" in e.url
        or "/messages" in e.url
        or "Content" in e.url
        or "/converse" in e.url
        or "/responses" in e.url
    ]
    assert len(apis) >= 250
    unnamed = {e.url.split("/")[2] for e in apis if "." in (guess_provider(e.interaction) or ".")}
    assert unnamed <= {"app.crewai.com"}, unnamed  # crewAI's own tracing API, not a model
