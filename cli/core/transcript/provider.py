"""Guess which provider served a recording, from the URL, the metadata and the test id;
and which model a request asked for when only its URL says (Bedrock, Gemini, Azure).

Rules:
- llama-stack's `provider_metadata` or `provider` wins. Then the URL: first the
  substrings of `_URL_HINTS` (llama-stack's placeholders such as `__databricks__` and the
  hosts it records), then the host names of `_HOST_HINTS` (the host or any subdomain of
  it), then local ports. Then a `txt=<provider>/` test id. Else the host itself.
- New hints go in `_HOST_HINTS`: a host name matches exactly or as a parent domain, never
  as a substring of some other name.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

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
# Host names (or their parent domains) -> provider.
_HOST_HINTS = {
    "api.mistral.ai": "mistral",
    "openrouter.ai": "openrouter",
    "router.huggingface.co": "huggingface",
    "api-inference.huggingface.co": "huggingface",
    "endpoints.huggingface.cloud": "huggingface",
    "api.writer.com": "writer",
    "api.deepseek.com": "deepseek",
    "api.x.ai": "xai",
    "api.cohere.com": "cohere",
    "api.cohere.ai": "cohere",
    "api.voyageai.com": "voyage",
    "api.perplexity.ai": "perplexity",
    "api.ai21.com": "ai21",
    "api.jina.ai": "jina",
    "api.deepinfra.com": "deepinfra",
    "api.moonshot.ai": "moonshot",
    "api.inference.crusoecloud.com": "crusoe",
    "snowflakecomputing.com": "snowflake",
    "models.github.ai": "github",
    "models.inference.ai.azure.com": "github",
    "services.ai.azure.com": "azure",
    "anthropic.vertexai": "vertexai",
}
# Ports of local servers, on localhost or 127.0.0.1.
_LOCAL_PORTS = {1234: "lmstudio", 11434: "ollama", 8000: "vllm"}
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1"})
_TEST_ID_HINT = re.compile(r"txt=([A-Za-z0-9_-]+)/")
# A model named in the URL's path: Bedrock `/model/<id>/converse`, Gemini and Vertex
# `/models/<name>:generateContent`, Azure `/deployments/<name>/chat/completions`.
_MODEL_IN_PATH = re.compile(r"/model/([^/]+)/|/models/([^/:]+)(?::|$)|/deployments/([^/]+)/")


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
    host, port = _host_and_port(url)
    provider = _by_host(host) or (_LOCAL_PORTS.get(port or 0) if host in _LOCAL_HOSTS else None)
    if provider is not None:
        return provider
    match = _TEST_ID_HINT.search(cassette.test_id or "")
    if match:
        return match.group(1)
    return host or None


def _host_and_port(url: str) -> tuple[str | None, int | None]:
    try:
        parts = urlsplit(url)
        return parts.hostname, parts.port
    except ValueError:
        return None, None


def _by_host(host: str | None) -> str | None:
    """The provider of a host name or of its nearest listed parent domain."""
    name = host or ""
    while name:
        provider = _HOST_HINTS.get(name)
        if provider is not None:
            return provider
        name = name.partition(".")[2]
    return None


def requested_model(cassette: Interaction) -> str | None:
    """The model the request asked for: the body's `model`, else the one its URL names."""
    model = cassette.model_requested
    if model or not cassette.url:
        return model
    try:
        path = urlsplit(cassette.url).path
    except ValueError:
        return None
    match = _MODEL_IN_PATH.search(path)
    name = next((group for group in match.groups() if group), None) if match else None
    return unquote(name) if name else None
