"""One HTTP body as recorded -> the value the analysers read, and the layers undone.

Rules:
- In: the body as a cassette holds it (text, bytes, or None), its Content-Type and
  Content-Encoding, and the URL (Gemini's streamed JSON arrays are told by their
  `:streamGenerateContent` path).
- The layers come off in order: the content-encodings (`encoding`); then, by media
  type, AWS event-stream frames (`eventstream`), media (summarized by `media`), or
  text: SSE lines (`sse`), newline-delimited JSON, JSON, or the text itself.
- The value is the one every analyser reads (`cli.core.model`): parsed JSON, SSE
  lines, `{":event-type": payload}` per frame, a str, `{"__media__": ...}` or
  `{"__encoded__": ...}`. `streaming` is True for SSE, event-stream, NDJSON and
  Gemini's arrays.
- Never raises. What can't be decoded stays summarized, and `problem` says why in one
  line (a damaged gzip, a broken frame with the frames before it kept).
- Text recorded as text is already decoded, whatever Content-Encoding the headers still
  claim (recorders store what the HTTP client gave them); bytes that carry no coding
  but gzip's magic number are gunzipped.
- `Body` keeps what an edit needs to put a changed value back (`codings`, `ends`,
  `text`); each layer's module has the matching `encode`.
- `lazy_sse=True` leaves an SSE body unsplit (`value` None, `text` set): a caller with a
  huge stream reads its lines one at a time with `sse.iter_lines`.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Any

from cli.core.transcript.common import parse_json
from cli.core.wire import WireError, encoding, eventstream, media, sse

NONE = "none"  # null or absent
JSON = "json"
SSE = "sse"
NDJSON = "ndjson"
EVENTS = "eventstream"
TEXT = "text"
MEDIA = "media"
ENCODED = "encoded"  # compressed with a coding we can't undo, or damaged

_JSON_START = re.compile(r"\s*[\[{]")


@dataclass
class Body:
    value: Any
    kind: str
    streaming: bool = False
    size: int = 0  # bytes as recorded, before any decoding
    codings: tuple[str, ...] = ()  # content-encodings undone, in the order applied
    recorded_as: str = "text"  # "text", "bytes" (YAML `!!binary`), or "parsed_body"
    media_type: str | None = None
    problem: str | None = None  # what could not be decoded, in one line
    ends: str | tuple[str, ...] | None = None  # SSE: the line ends (`sse.Lines.ends`)
    text: str | None = None  # SSE read lazily: the text its lines come from

    def describe(self) -> str:
        """For people: how the body was recorded, e.g. `gzip, 1,234 bytes: JSON`."""
        parts = [*self.codings, f"{self.size:,} bytes"]
        if self.recorded_as == "parsed_body":
            parts = ["parsed_body"]
        what = {
            JSON: "JSON",
            SSE: "server-sent events",
            NDJSON: "JSON lines",
            EVENTS: "AWS event-stream",
            TEXT: "text",
            MEDIA: self.media_type or "binary data",
            ENCODED: "not decoded",
        }.get(self.kind, self.kind)
        if self.kind == JSON and isinstance(self.value, list) and self.streaming:
            what = "streamed JSON array"
        line = f"{', '.join(parts)}: {what}"
        return f"{line} ({self.problem})" if self.problem else line


def decode(
    recorded: str | bytes | None,
    content_type: str | None = None,
    content_encoding: str | None = None,
    url: str | None = None,
    *,
    lazy_sse: bool = False,
) -> Body:
    """The body's value and the layers taken off it (see the module's rules)."""
    if recorded is None:
        return Body(None, NONE)
    kind = media.media_type(content_type)
    if isinstance(recorded, str):
        size = len(recorded.encode("utf-8", "surrogatepass"))
        return _text(recorded, Body(None, TEXT, size=size, media_type=kind), url, lazy_sse)
    body = Body(None, TEXT, size=len(recorded), recorded_as="bytes", media_type=kind)
    data = _undo_codings(recorded, encoding.codings(content_encoding), body)
    if data is None:
        return body
    if kind == eventstream.CONTENT_TYPE:
        return _events(data, body)
    if not media.is_text(kind):
        return _media(body, len(data))
    text = _as_text(data, content_type)
    if text is None:
        if kind is not None:
            body.problem = f"not valid {charset(content_type)} text"
        return _media(body, len(data))
    return _text(text, body, url, lazy_sse)


def _undo_codings(recorded: bytes, applied: list[str], body: Body) -> bytes | None:
    """The bytes with their content-encodings undone; None when they can't be (then
    `body` says so)."""
    if not applied:
        if recorded.startswith(encoding.GZIP_MAGIC) and _as_text(recorded, None) is None:
            applied = ["gzip"]  # compressed, though no header says so
        else:
            return recorded
    try:
        data = encoding.decode(recorded, applied)
    except encoding.Unsupported as exc:
        body.value, body.kind = media.undecoded(exc.coding, len(recorded)), ENCODED
        body.problem = str(exc)
        return None
    except WireError as exc:
        if _as_text(recorded, None) is not None:
            return recorded  # text the client had already decoded, the header left behind
        body.value = media.undecoded(applied[-1], len(recorded), str(exc))
        body.kind, body.problem = ENCODED, str(exc)
        return None
    body.codings = tuple(applied)
    return data


def _events(data: bytes, body: Body) -> Body:
    frames: list[eventstream.Frame] = []
    try:
        frames.extend(eventstream.iter_frames(data))
    except WireError as exc:
        body.problem = str(exc)
    body.value = eventstream.events(frames, _payload)
    body.kind, body.streaming = EVENTS, True
    return body


def _payload(data: bytes) -> Any:
    """An event-stream payload: parsed JSON, else text, else a media summary."""
    text = _as_text(data, None)
    if text is None:
        return media.summary(None, len(data))
    value, ok = parse_json(text) if text.strip() else (None, False)
    return value if ok else text


def _media(body: Body, size: int) -> Body:
    body.value, body.kind = media.summary(body.media_type, size), MEDIA
    return body


def _text(text: str, body: Body, url: str | None, lazy_sse: bool) -> Body:
    kind = body.media_type
    if not media.is_text(kind):
        return _media(body, len(text.encode("utf-8", "surrogatepass")))
    if kind == media.EVENT_STREAM or (not media.is_json(kind) and sse.looks_like(text)):
        body.kind, body.streaming = SSE, True
        if lazy_sse:
            body.text = text
        else:
            lines = sse.split(text)
            body.value, body.ends = lines.lines, lines.ends
        return body
    if kind in ("application/x-ndjson", "application/jsonl"):
        values = _json_lines(text)
        if values is not None:
            body.value, body.kind, body.streaming = values, NDJSON, True
            return body
    if media.is_json(kind) or _JSON_START.match(text):
        value, ok = parse_json(text)
        if ok:
            body.value, body.kind, body.streaming = value, JSON, streamed_array(value, url)
            return body
    body.value = text
    return body


def streamed_array(value: Any, url: str | None) -> bool:
    """Whether a JSON value is Gemini's streamed array (no `alt=sse`): a list answering
    `:streamGenerateContent`."""
    return isinstance(value, list) and ":streamGenerateContent" in (url or "")


def parsed(value: Any, content_type: str | None, url: str | None) -> Body:
    """A body recorded as its value already (pydantic-ai's `parsed_body`)."""
    kind = media.media_type(content_type)
    return Body(value, JSON, streamed_array(value, url), recorded_as="parsed_body", media_type=kind)


def _json_lines(text: str) -> list[Any] | None:
    values = []
    for line in text.splitlines():
        if line.strip():
            value, ok = parse_json(line)
            if not ok:
                return None
            values.append(value)
    return values


def _as_text(data: bytes, content_type: str | None) -> str | None:
    """The bytes as text in their declared charset (UTF-8 when none); None if they aren't."""
    try:
        return data.decode(charset(content_type))
    except (UnicodeDecodeError, LookupError):
        return None


def charset(content_type: str | None) -> str:
    """The charset a Content-Type names, as Python calls it; UTF-8 when it names none
    (or one Python doesn't know)."""
    for part in (content_type or "").split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            wanted = value.strip().strip('"').lower()
            try:
                return codecs.lookup(wanted).name
            except LookupError:
                return "utf-8"
    return "utf-8"
