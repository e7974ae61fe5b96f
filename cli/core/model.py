"""A cassette: its path, its raw JSON (the source of truth), and read-only accessors.

Rules:
- `data` is the parsed file and is never rewritten behind the caller's back; every
  accessor reads from it, so unknown fields survive every edit.
- The accessors understand the four request shapes of recording-format.md:
  inference (`body`), raw HTTP passthrough (`payload`), tool invocation (`kwargs`) and
  file processor (`api`).
- Response items are unwrapped from `{"__type__", "__data__"}` by `unwrap`.
- JSON with neither "request" nor "response" (or not an object) is not a cassette at all
  (`NotACassette`), which a directory walk passes over; one with either is a damaged
  cassette (`ReadError`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cli.core import codec
from cli.errors import NotACassette, ReadError

INFERENCE = "inference"
RAW_HTTP = "raw_http"
TOOL = "tool"
FILE_PROCESSOR = "file_processor"
UNKNOWN = "unknown"
NO_REQUEST_OR_RESPONSE = 'JSON without "request" or "response"'


def unwrap(item: Any) -> tuple[str | None, Any]:
    """(`__type__` or None, the payload) for one response item."""
    if isinstance(item, dict) and "__type__" in item and "__data__" in item:
        return item["__type__"], item["__data__"]
    return None, item


def short_type(type_name: str | None) -> str | None:
    """`openai.types.chat.chat_completion_chunk.ChatCompletionChunk` -> `ChatCompletionChunk`."""
    return type_name.rsplit(".", 1)[-1] if type_name else None


@dataclass
class Cassette:
    path: Path
    data: dict[str, Any]
    raw: bytes | None = field(default=None, repr=False)

    @classmethod
    def load(cls, path: Path | str) -> Cassette:
        """Read a cassette; a file that isn't one raises a one-line ReadError."""
        value, raw = codec.read(path)
        cassette = cls(Path(path), value, raw)
        cassette.check_shape()
        return cassette

    @classmethod
    def from_bytes(cls, raw: bytes, path: Path | str) -> Cassette:
        return cls(Path(path), codec.loads(raw, path), raw)

    def check_shape(self) -> None:
        """Raise ReadError for a damaged cassette, NotACassette for JSON that isn't one."""
        problem = self.shape_problem()
        if problem is None:
            return
        raise not_a_cassette(self.data, self.path) or ReadError(problem, self.path)

    def shape_problem(self) -> str | None:
        for key in ("request", "response"):
            if key not in self.data:
                return f'"{key}" is missing; a cassette has "request" and "response"'
            if not isinstance(self.data[key], dict):
                return f'"{key}" is not an object'
        return None

    @cached_property
    def style(self) -> codec.Style:
        if self.raw is None:
            return codec.DEFAULT_STYLE
        return codec.detect_style(self.raw, self.data)

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


def not_a_cassette(value: Any, path: Path | str) -> NotACassette | None:
    """The error for JSON that isn't a cassette at all (see the rules), or None for a
    cassette, damaged or not."""
    if not isinstance(value, dict):
        return codec.not_an_object(value, path)
    if "request" in value or "response" in value:
        return None
    return NotACassette(
        '"request" is missing; a cassette has "request" and "response"',
        path,
        reason=NO_REQUEST_OR_RESPONSE,
    )


def url_path(url: str) -> str:
    """The path of a URL, tolerating llama-stack's placeholders (`__databricks__/...`)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme or parts.netloc:
        return parts.path
    return parts.path if parts.path.startswith("/") else "/" + parts.path.split("/", 1)[-1]
