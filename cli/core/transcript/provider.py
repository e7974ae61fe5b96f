"""Guess which provider served a recording, from its host first, the same way for every
file; and which model a request asked for when only its URL says (Bedrock, Gemini, Azure).

Rules, in order; the first that answers wins:
1. The URL names a provider: a substring of `_URL_HINTS` (llama-stack's placeholders such
   as `__databricks__`, and the hosts it records), or a host of `_HOST_HINTS` (the host or
   a parent domain of it). Every file that called a host gets the same label, whatever
   else it carries (a test id, metadata).
2. What the recording says itself: `provider_metadata.provider`, or a tool recording's
   `provider` (`tavily`), which have no host.
3. A server on a well-known port (`_PORTS`): Ollama's 11434, vLLM's 8000, LM Studio's 1234.
4. The test id's `txt=<provider>/...` parameter, only where the host can't answer: no
   host at all, or a local one (`localhost`, a private address, a name without dots).
5. The bare host, lowercased: an unknown host is still one label for all its files.
- New hints go in `_HOST_HINTS`: a host name matches exactly or as a parent domain, never
  as a substring of some other name.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
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
    ("ml.cloud.ibm.com", "watsonx"),  # us-south.ml.cloud.ibm.com and the other regions
    ("cognitiveservices.azure.com", "azure"),
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
_PORTS = {1234: "lmstudio", 11434: "ollama", 8000: "vllm"}
_LOCAL_NAMES = frozenset({"localhost", "host.docker.internal"})
_TEST_ID_HINT = re.compile(r"txt=([A-Za-z0-9_-]+)/")
# A model named in the URL's path: Bedrock `/model/<id>/converse`, Gemini and Vertex
# `/models/<name>:generateContent`, Azure `/deployments/<name>/chat/completions`.
_MODEL_IN_PATH = re.compile(r"/model/([^/]+)/|/models/([^/:]+)(?::|$)|/deployments/([^/]+)/")


def guess_provider(cassette: Interaction) -> str | None:
    provider, host, port = _by_url(cassette.url or "")
    if provider is not None:
        return provider
    request = cassette.request
    metadata = request.get("provider_metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("provider"), str):
        return metadata["provider"]
    if isinstance(request.get("provider"), str):
        return request["provider"]
    if host is not None and port in _PORTS:
        return _PORTS[port]
    if host is None or _is_local(host):
        match = _TEST_ID_HINT.search(cassette.test_id or "")
        if match:
            return match.group(1)
    return host


@lru_cache(maxsize=1024)
def _by_url(url: str) -> tuple[str | None, str | None, int | None]:
    """(the provider the URL names, by rule 1, or None; its host; its port). A library's
    files call a few URLs: each is taken apart once."""
    url = url.lower()
    for hint, provider in _URL_HINTS:
        if hint in url:
            return provider, None, None
    host, port = _host_and_port(url)
    return _by_host(host), host, port


def _host_and_port(url: str) -> tuple[str | None, int | None]:
    try:
        parts = urlsplit(url)
        return parts.hostname or None, parts.port
    except ValueError:  # a bad port or a bracketed host that isn't an address
        return None, None


def _is_local(host: str) -> bool:
    if host in _LOCAL_NAMES or "." not in host or host.endswith(".local"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_unspecified


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
