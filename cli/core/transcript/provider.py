"""Guess which provider served a recording, from the URL, the metadata and the test id."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from cli.core.model import Interaction

# Substrings of the URL (host or llama-stack placeholder) -> provider, first match wins.
_URL_HINTS = (
    ("__databricks__", "databricks"),
    ("databricks", "databricks"),
    ("vertexai:", "vertexai"),
    ("aiplatform.googleapis.com", "vertexai"),
    ("generativelanguage.googleapis.com", "gemini"),
    ("api.openai.com", "openai"),
    ("openai.azure.com", "azure"),
    ("api.anthropic.com", "anthropic"),
    ("api.cerebras.ai", "cerebras"),
    ("api.groq.com", "groq"),
    ("api.together", "together"),
    ("api.fireworks.ai", "fireworks"),
    ("bedrock", "bedrock"),
    ("api.sambanova.ai", "sambanova"),
    ("integrate.api.nvidia.com", "nvidia"),
    ("watsonx", "watsonx"),
    (":11434", "ollama"),
    (":8000", "vllm"),
)
_TEST_ID_HINT = re.compile(r"txt=([A-Za-z0-9_-]+)/")


def guess_provider(cassette: Interaction) -> str | None:
    metadata = cassette.request.get("provider_metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("provider"), str):
        return metadata["provider"]
    if isinstance(cassette.request.get("provider"), str):
        return cassette.request["provider"]
    url = (cassette.url or "").lower()
    for hint, provider in _URL_HINTS:
        if hint in url:
            return provider
    match = _TEST_ID_HINT.search(cassette.test_id or "")
    if match:
        return match.group(1)
    try:
        host = urlsplit(url).hostname
    except ValueError:
        host = None
    return host or None
