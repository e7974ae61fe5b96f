"""The one secret detector, shared by `validate` (report) and `scrub` (redact).

This module is its public face: import from here. The parts live beside it:
- `secret_formats`: the curated table of provider key formats (`KEY_FORMATS`), tight
  enough that prose (`sk-learn`) and base64 image data do not match;
- `secret_scan`: `find_in_text` / `redact_text` over one string (markers never match,
  redaction is idempotent, overlaps merge) and `mask`, the only form in which a secret
  may ever appear in a message;
- `secret_http`: sensitive headers by name, and credentials in URLs;
- `secret_streams`: the text a stream splits over its chunks, grouped per field and
  choice, and the secrets only the joined text holds (`split_secrets`), so that a key a
  model wrote token by token is found by `validate` and `scrub` alike;
- here: walkers that yield every string and every headers object of a cassette, with
  their JSON pointers.

Rules: pure functions, no printing, no I/O; redaction markers look like
`<REDACTED:openai-key>`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cli.core.secrets.formats import (
    CONTEXT_FORMATS,
    KEY_FORMATS,
    MARKER_PATTERN,
    MARKER_PREFIX,
    KeyFormat,
    marker,
)
from cli.core.secrets.http import (
    CREDENTIAL_QUERY_PARAMS,
    CREDENTIAL_QUERY_PREFIXES,
    SENSITIVE_HEADER_PATTERNS,
    SENSITIVE_HEADERS,
    find_urls,
    host_span,
    is_credential_param,
    is_sensitive_header,
    redact_url,
    url_secrets,
)
from cli.core.secrets.scan import (
    CUSTOM_KIND,
    LITERAL_KIND,
    SHORTEST_MATCH,
    ExtraPattern,
    Match,
    find_in_text,
    has_candidate,
    mask,
    may_hold_secrets,
    redact_text,
)
from cli.core.secrets.streams import (
    SplitSecret,
    StreamTexts,
    escape_pointer,
    pointer,
    split_secrets,
    stream_fields,
)

__all__ = [
    "CONTEXT_FORMATS",
    "CREDENTIAL_QUERY_PARAMS",
    "CREDENTIAL_QUERY_PREFIXES",
    "CUSTOM_KIND",
    "KEY_FORMATS",
    "LITERAL_KIND",
    "MARKER_PATTERN",
    "MARKER_PREFIX",
    "SENSITIVE_HEADERS",
    "SENSITIVE_HEADER_PATTERNS",
    "SHORTEST_MATCH",
    "ExtraPattern",
    "KeyFormat",
    "Match",
    "SplitSecret",
    "StreamTexts",
    "escape_pointer",
    "find_in_text",
    "find_urls",
    "has_candidate",
    "host_span",
    "is_credential_param",
    "is_sensitive_header",
    "iter_headers",
    "iter_strings",
    "marker",
    "mask",
    "may_hold_secrets",
    "pointer",
    "redact_text",
    "redact_url",
    "split_secrets",
    "stream_fields",
    "url_secrets",
]


def iter_strings(value: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(RFC 6901 JSON pointer, string) for every string value in `value`, in document order.
    Object keys are not yielded."""
    stack: list[tuple[str, Any]] = [(pointer, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            stack.extend(
                (f"{where}/{escape_pointer(str(key))}", child)
                for key, child in reversed(item.items())
                if isinstance(child, (str, dict, list))
            )
        elif isinstance(item, list):
            stack.extend(
                (f"{where}/{index}", item[index])
                for index in range(len(item) - 1, -1, -1)
                if isinstance(item[index], (str, dict, list))
            )


def iter_headers(value: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """(JSON pointer, object) for every object held under a key named `headers` (any case)
    at any depth: `/request/headers`, Gemini's `.../sdk_http_response/headers`, ..."""
    stack: list[tuple[str, Any]] = [(pointer, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, dict):
            children = []
            for key, child in item.items():
                child_pointer = f"{where}/{escape_pointer(str(key))}"
                if isinstance(child, dict) and str(key).lower() == "headers":
                    yield child_pointer, child
                if isinstance(child, (dict, list)):
                    children.append((child_pointer, child))
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend(
                (f"{where}/{index}", item[index])
                for index in range(len(item) - 1, -1, -1)
                if isinstance(item[index], (dict, list))
            )
