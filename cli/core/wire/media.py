"""Content types: which bodies are text to read, and the summary of those that are not.

Rules:
- `media_type` is the type without parameters, lowercased
  (`"Text/Event-Stream; charset=utf-8"` -> `"text/event-stream"`).
- Text is `text/*`, JSON and XML (`+json`, `+xml` too), JavaScript, form-encoded data and
  NDJSON. Every other declared type (images, PDF, audio, video, octet-stream, protobuf,
  archives) is media: summarized as its type and size, never shown.
- A body with no content type is judged by its bytes: text when they are UTF-8.
"""

from __future__ import annotations

from typing import Any

EVENT_STREAM = "text/event-stream"
_TEXT_TYPES = frozenset(
    {
        "application/javascript",
        "application/x-www-form-urlencoded",
        "application/x-ndjson",
        "application/jsonl",
        "application/graphql",
    }
)


def media_type(content_type: str | None) -> str | None:
    """The media type of a Content-Type header value, lowercased; None when absent."""
    if not content_type:
        return None
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind or None


def is_json(kind: str | None) -> bool:
    return kind is not None and (kind.endswith(("/json", "+json")) or kind == "text/json")


def is_text(kind: str | None) -> bool:
    """Whether a body of this media type is text to read (None: unknown, judge the bytes)."""
    if kind is None:
        return True
    return (
        kind.startswith("text/")
        or is_json(kind)
        or kind.endswith(("/xml", "+xml"))
        or kind in _TEXT_TYPES
    )


def summary(kind: str | None, size: int) -> dict[str, Any]:
    """What a media body is shown as: its type and size."""
    return {"__media__": {"content_type": kind, "bytes": size}}


def undecoded(coding: str, size: int, problem: str | None = None) -> dict[str, Any]:
    """What a body still encoded is shown as: the coding and size, and why it stays so."""
    value: dict[str, Any] = {"encoding": coding, "bytes": size}
    if problem:
        value["problem"] = problem
    return {"__encoded__": value}
