"""Guess which provider served a recording: from its host first, the same way for every file.

Rules, in order; the first that answers wins:
1. The host (or llama-stack's placeholder, `__databricks__/...`, `vertexai://...`) when
   it names a provider (`_HOST_HINTS`): every file that called a host gets the same label,
   whatever else it carries (a test id, metadata).
2. What the recording says itself: `provider_metadata.provider`, or a tool recording's
   `provider` (`tavily`), which have no host.
3. A server on a well-known port: Ollama's 11434, vLLM's 8000.
4. The test id's `txt=<provider>/...` parameter, only where the host can't answer: no
   host at all, or a local one (`localhost`, `0.0.0.0`, a private address, a name
   without dots), which says nothing of what serves there.
5. The bare host, lowercased: an unknown host is still one label for all its files.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from cli.core.model import Cassette

# Substrings of the URL (host or llama-stack placeholder) -> provider, first match wins.
_HOST_HINTS = (
    ("__databricks__", "databricks"),
    ("databricks", "databricks"),
    ("vertexai:", "vertexai"),
    ("aiplatform.googleapis.com", "vertexai"),
    ("generativelanguage.googleapis.com", "gemini"),
    ("api.openai.com", "openai"),
    ("openai.azure.com", "azure"),
    ("cognitiveservices.azure.com", "azure"),
    ("services.ai.azure.com", "azure"),
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
    ("api.mistral.ai", "mistral"),
    ("api.deepseek.com", "deepseek"),
    ("openrouter.ai", "openrouter"),
    ("api.x.ai", "xai"),
    ("api.perplexity.ai", "perplexity"),
)
_PORTS = {11434: "ollama", 8000: "vllm"}
_LOCAL_NAMES = frozenset({"localhost", "host.docker.internal"})
_TEST_ID_HINT = re.compile(r"txt=([A-Za-z0-9_-]+)/")


def guess_provider(cassette: Cassette) -> str | None:
    url = (cassette.url or "").lower()
    for hint, provider in _HOST_HINTS:
        if hint in url:
            return provider
    request = cassette.request
    metadata = request.get("provider_metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("provider"), str):
        return metadata["provider"]
    if isinstance(request.get("provider"), str):
        return request["provider"]
    host, port = _host_and_port(url)
    if host is not None and port in _PORTS:
        return _PORTS[port]
    if host is None or _is_local(host):
        match = _TEST_ID_HINT.search(cassette.test_id or "")
        if match:
            return match.group(1)
    return host


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
