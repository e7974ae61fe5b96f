"""The format-neutral model: a `CassetteFile` holds `Interaction`s, each a request and
its response in the one dict shape every analyser reads.

Rules:
- A format (`cli.core.formats`) turns a file's bytes into a `CassetteFile`. A llama-stack
  recording is one interaction whose `data` is the file's own JSON object (the source of
  truth, edited in place). A format with several interactions per file gives each one a
  dict of the same shape, and `pointer` says where it lives in the file.
- `Interaction.data` is `{"request": {...}, "response": {...}}` plus whatever else the
  format keeps (`test_id`); unknown fields are never dropped.
- The accessors understand the four request shapes of recording-format.md:
  inference (`body`), raw HTTP passthrough (`payload`), tool invocation (`kwargs`) and
  file processor (`api`).
- A big file's body is read item by item: `items_reader` gives a fresh iterator of the
  response body's items, and `data` has no body until it has been read to the end.
  A reader that takes many passes (`validate`) calls `keep_items` first: the format may
  then keep the items of the first pass, compressed, instead of reading the file again.
- Response items are unwrapped from `{"__type__", "__data__"}` by `unwrap`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

INFERENCE = "inference"
RAW_HTTP = "raw_http"
TOOL = "tool"
FILE_PROCESSOR = "file_processor"
UNKNOWN = "unknown"


def unwrap(item: Any) -> tuple[str | None, Any]:
    """(`__type__` or None, the payload) for one response item."""
    if isinstance(item, dict) and "__type__" in item and "__data__" in item:
        return item["__type__"], item["__data__"]
    return None, item


def short_type(type_name: str | None) -> str | None:
    """`openai.types.chat.chat_completion_chunk.ChatCompletionChunk` -> `ChatCompletionChunk`."""
    return type_name.rsplit(".", 1)[-1] if type_name else None


@dataclass
class CassetteFile:
    """One file: its path, its format's name, and its interactions in order."""

    path: Path
    format: str
    interactions: list[Interaction]
    raw: bytes | None = field(default=None, repr=False)  # None: a big file read lazily
    document: Any = field(default=None, repr=False)  # what its format needs to write back
    close: Callable[[], None] = field(default=lambda: None, repr=False)

    def __enter__(self) -> CassetteFile:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


@dataclass
class Interaction:
    path: Path
    data: dict[str, Any]
    index: int = 0  # its position in the file
    pointer: str = ""  # JSON pointer of its place in the file ("" for a whole-file one)
    items_reader: Callable[[], Iterator[Any]] | None = field(default=None, repr=False)
    keep_items: Callable[[], None] = field(default=lambda: None, repr=False)

    @property
    def is_lazy(self) -> bool:
        """Whether the body is read item by item (`items_reader`), not held in `data`."""
        return self.items_reader is not None

    # request ---------------------------------------------------------------

    @property
    def request(self) -> dict[str, Any]:
        value = self.data.get("request")
        return value if isinstance(value, dict) else {}

    @property
    def response(self) -> dict[str, Any]:
        value = self.data.get("response")
        return value if isinstance(value, dict) else {}

    @property
    def test_id(self) -> str | None:
        value = self.data.get("test_id", self.request.get("test_id"))
        return value if isinstance(value, str) else None

    @property
    def request_shape(self) -> str:
        request = self.request
        if "body" in request and "url" in request:
            return INFERENCE
        if "payload" in request:
            return RAW_HTTP
        if "tool_name" in request:
            return TOOL
        if request.get("api") == "file_processors" or "file_id" in request:
            return FILE_PROCESSOR
        return UNKNOWN

    @property
    def request_body(self) -> Any:
        """What was sent: `body`, `payload` or the tool's `kwargs`."""
        request = self.request
        for key in ("body", "payload", "kwargs"):
            if key in request:
                return request[key]
        return None

    @property
    def method(self) -> str | None:
        value = self.request.get("method")
        return value if isinstance(value, str) else None

    @property
    def url(self) -> str | None:
        value = self.request.get("url")
        return value if isinstance(value, str) else None

    @property
    def endpoint(self) -> str | None:
        """The clean API path: `endpoint`, else the URL's path, else the tool or API name."""
        request = self.request
        value = request.get("endpoint")
        if isinstance(value, str) and value:
            return value
        if self.url:
            return url_path(self.url) or None
        for key in ("tool_name", "api"):
            if isinstance(request.get(key), str):
                return request[key]
        return None

    @property
    def model_requested(self) -> str | None:
        body = self.request_body
        if isinstance(body, dict) and isinstance(body.get("model"), str) and body["model"]:
            return body["model"]
        value = self.request.get("model")
        return value if isinstance(value, str) and value else None

    # response --------------------------------------------------------------

    @property
    def response_body(self) -> Any:
        return self.response.get("body")

    @property
    def is_streaming(self) -> bool:
        return self.response.get("is_streaming") is True

    @property
    def status(self) -> int | None:
        value = self.response.get("status")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def is_exception(self) -> bool:
        return self.response.get("is_exception") is True

    @property
    def items(self) -> list[Any]:
        """The response as a list: the chunks of a stream, or the one object."""
        body = self.response_body
        if isinstance(body, list):
            return body
        return [] if body is None else [body]


def url_path(url: str) -> str:
    """The path of a URL, tolerating llama-stack's placeholders (`__databricks__/...`)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme or parts.netloc:
        return parts.path
    return parts.path if parts.path.startswith("/") else "/" + parts.path.split("/", 1)[-1]
