"""An edited body back in the form it was recorded in: the layers `wire.body` took off,
put back on in reverse.

Rules:
- In: the body as recorded (text or `!!binary` bytes), what `wire.body.decode` made of
  it (`Body`: its kind, its value before the edit, its codings and line ends), and the
  value after the edit. Out: the new recorded text or bytes, in the same form.
- Each layer is redone in its own style:
  - JSON (and Gemini's streamed arrays): `wire.json_text.rewrite`, the text's own
    separators, indent, escaping and key order, or only the changed values patched;
  - SSE: the lines joined with the ends they had (`\\n`, `\\r\\n`, mixed);
  - JSON lines: each changed line rewritten in its own style;
  - AWS event-stream: each changed frame's payload rewritten in its own JSON style,
    the frame re-built with its headers and correct CRCs; the others kept as they were;
  - text in its charset, then the content-encodings (gzip, deflate...) redone as the
    recorded bytes had them (`wire.encoding.encode` with `like`), or, for bytes zlib
    can't make again, the recorded bytes of that content if `originals` remembers them.
- A body that was media, undecodable, or absent can't take an edited value: `BodyError`.
- `wire_length` is the byte length a recorded body replays with, which a
  `content-length` header is compared with.
"""

from __future__ import annotations

import json
from typing import Any

from cli.core import originals
from cli.core.equality import same_value
from cli.core.wire import WireError, encoding, eventstream, sse
from cli.core.wire import body as wire
from cli.core.wire.json_text import rewrite


class BodyError(ValueError):
    """An edited body that can't go back in the form it was recorded in."""


def encode(body: wire.Body, recorded: str | bytes, new: Any, content_type: str | None) -> Any:
    """The recorded form (str or bytes, like `recorded`) of the body whose value is now
    `new`; `recorded` itself when nothing changed."""
    if same_value(body.value, new):
        return recorded
    if body.kind in (wire.NONE, wire.MEDIA, wire.ENCODED):
        raise BodyError(f"a {_what(body)} body can't take an edited value")
    charset = wire.charset(content_type)
    try:
        data = _decoded(recorded, body)
        if body.kind == wire.EVENTS:
            new_data = _reframe(data, body.value, new)
        else:
            text = data if isinstance(data, str) else data.decode(charset)
            new_text = _text(text, body, new)
            if isinstance(recorded, str):
                return new_text
            new_data = new_text.encode(charset)
        if body.codings:
            return _compressed(new_data, data, list(body.codings), recorded)  # type: ignore[arg-type]
        return new_data
    except (WireError, UnicodeError) as exc:
        raise BodyError(str(exc)) from None


def _compressed(new_data: bytes, old_data: bytes, codings: list[str], recorded: bytes) -> bytes:
    """`new_data` compressed as `recorded` was: the bytes recorded for that content if
    `originals` remembers them (an edit's reverse), else by zlib; `recorded` is remembered
    when zlib can't make it again."""
    kept = originals.recall(new_data, codings)
    if kept is not None:
        return kept
    if originals.active() and not originals.reproducible(old_data, codings, recorded):
        originals.remember(old_data, codings, recorded)
    return encoding.encode(new_data, codings, like=recorded)


def wire_length(recorded: Any, parsed: bool = False) -> int | None:
    """The bytes a recorded body replays as: text in UTF-8 (as VCR.py sends it), bytes as
    they are, and pydantic-ai's `parsed_body` as `json.dumps(value)`; None for no body."""
    if parsed:
        return len(json.dumps(recorded).encode("utf-8"))
    if isinstance(recorded, str):
        return len(recorded.encode("utf-8", "surrogatepass"))
    if isinstance(recorded, bytes):
        return len(recorded)
    return None


def _decoded(recorded: str | bytes, body: wire.Body) -> str | bytes:
    if isinstance(recorded, str) or not body.codings:
        return recorded
    return encoding.decode(recorded, list(body.codings))


def _text(text: str, body: wire.Body, new: Any) -> str:
    if body.kind == wire.JSON:
        return rewrite(text, new, body.value)
    if body.kind == wire.SSE:
        return _sse(body, new)
    if body.kind == wire.NDJSON:
        return _json_lines(text, body.value, new)
    if not isinstance(new, str):
        raise BodyError("a text body can only take text")
    return new


def _sse(body: wire.Body, new: Any) -> str:
    if not (isinstance(new, list) and all(isinstance(line, str) for line in new)):
        raise BodyError("an SSE body takes a list of text lines")
    ends = body.ends if body.ends is not None else "\n"
    if isinstance(ends, tuple) and len(ends) != len(new):
        raise BodyError("lines were added or removed in a stream with mixed line ends")
    return sse.join(sse.Lines(new, ends))


def _json_lines(text: str, old: list[Any], new: Any) -> str:
    if not isinstance(new, list) or len(new) != len(old):
        raise BodyError("JSON lines were added or removed")
    lines = text.split("\n")
    values = iter(zip(old, new, strict=True))
    for index, line in enumerate(lines):
        if line.strip():
            before, after = next(values)
            body, end = (line[:-1], "\r") if line.endswith("\r") else (line, "")
            lines[index] = rewrite(body, after, before) + end
    return "\n".join(lines)


def _reframe(data: bytes, old: list[Any], new: Any) -> bytes:
    """The event-stream bytes with each changed event's payload rewritten."""
    frames = eventstream.decode(data)
    if not isinstance(new, list) or len(new) != len(old) or len(old) != len(frames):
        raise BodyError("event-stream events were added or removed")
    out = []
    start = 0
    for frame, before, after in zip(frames, old, new, strict=True):
        size = len(eventstream.encode_frame(frame))
        if same_value(before, after):
            out.append(data[start : start + size])
        else:
            name, payload = _event(before)
            new_name, new_payload = _event(after)
            if new_name != name or not isinstance(payload, dict | list):
                raise BodyError(f"event-stream event {name!r} can't take that edit")
            text = rewrite(frame.payload.decode("utf-8"), new_payload, payload)
            out.append(eventstream.encode_frame(eventstream.Frame(frame.headers, text.encode())))
        start += size
    return b"".join(out)


def _event(event: Any) -> tuple[str | None, Any]:
    if isinstance(event, dict) and len(event) == 1:
        name, payload = next(iter(event.items()))
        return name, payload
    return None, None


def _what(body: wire.Body) -> str:
    return {wire.NONE: "missing", wire.MEDIA: "media", wire.ENCODED: "still-encoded"}.get(
        body.kind, body.kind
    )
