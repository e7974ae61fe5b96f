"""AWS event-stream (`application/vnd.amazon.eventstream`): Bedrock's streamed answers.

A frame is: total length (4 bytes), headers length (4), a CRC32 of those 8 bytes (4),
the headers, the payload, and a CRC32 of everything before it (4), all big-endian.
A header is: name length (1), name, value type (1), value (by type; strings and byte
arrays carry a 2-byte length first).

Rules:
- `iter_frames` checks every length and both CRCs, and raises `WireError` at the first
  frame that is wrong, naming its index, its byte offset and what is wrong; the frames
  before it have been yielded.
- A header keeps its value's bytes as recorded, so `encode(frames)` gives back the bytes
  `iter_frames` read; a frame built or changed anew gets correct lengths and CRCs.
- `events` turns frames into the values boto3 yields: `{":event-type": payload}` per
  event, `{":exception-type": payload}` per exception, `{":error-code": {"message": ...}}`
  per error. A JSON payload is parsed; any other payload stays text, or is summarized
  by `media.summary` when it isn't text.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from cli.core.wire import WireError

CONTENT_TYPE = "application/vnd.amazon.eventstream"
_PRELUDE = 12  # total length, headers length, prelude CRC
_FIXED = {0: 0, 1: 0, 2: 1, 3: 2, 4: 4, 5: 8, 8: 8, 9: 16}  # value sizes by type
_SIZED = {6, 7}  # byte array, string: 2-byte length first
STRING = 7


@dataclass(frozen=True)
class Header:
    name: str
    type: int
    raw: bytes  # the value's bytes as recorded (without a length prefix)

    @property
    def value(self) -> Any:
        """The value as Python: bool, int, bytes, str, or the raw bytes (timestamp, uuid)."""
        if self.type in (0, 1):
            return self.type == 0
        if self.type in (2, 3, 4, 5):
            return int.from_bytes(self.raw, "big", signed=True)
        if self.type == STRING:
            return self.raw.decode("utf-8", "replace")
        if self.type == 8:
            return int.from_bytes(self.raw, "big", signed=True)  # milliseconds since 1970
        return self.raw


@dataclass(frozen=True)
class Frame:
    headers: tuple[Header, ...]
    payload: bytes

    def header(self, name: str) -> Any:
        """The value of header `name`, or None."""
        return next((h.value for h in self.headers if h.name == name), None)


def string_header(name: str, value: str) -> Header:
    return Header(name, STRING, value.encode("utf-8"))


def iter_frames(data: bytes) -> Iterator[Frame]:
    """Each frame of `data` in order; WireError at the first one that is wrong."""
    offset, index = 0, 0
    view = memoryview(data)
    while offset < len(data):
        where = f"frame {index} at byte {offset}"
        if len(data) - offset < _PRELUDE + 4:
            raise WireError(f"{where}: {len(data) - offset} bytes left, too few for a frame")
        total, headers_length, prelude_crc = struct.unpack_from(">III", data, offset)
        if zlib.crc32(view[offset : offset + 8]) != prelude_crc:
            raise WireError(f"{where}: the prelude CRC does not match (lengths damaged)")
        if total < _PRELUDE + headers_length + 4:
            raise WireError(f"{where}: its length {total} is too short for its headers")
        if offset + total > len(data):
            raise WireError(
                f"{where}: truncated, {total} bytes declared, {len(data) - offset} left"
            )
        end = offset + total
        (message_crc,) = struct.unpack_from(">I", data, end - 4)
        computed = zlib.crc32(view[offset : end - 4])
        if computed != message_crc:
            raise WireError(
                f"{where}: the message CRC does not match "
                f"(recorded {message_crc:#010x}, computed {computed:#010x})"
            )
        headers_start = offset + _PRELUDE
        headers = _headers(data, headers_start, headers_start + headers_length, where)
        yield Frame(headers, bytes(view[headers_start + headers_length : end - 4]))
        offset, index = end, index + 1


def decode(data: bytes) -> list[Frame]:
    """Every frame of `data`; WireError if any is wrong (see `iter_frames`)."""
    return list(iter_frames(data))


def _headers(data: bytes, start: int, end: int, where: str) -> tuple[Header, ...]:
    headers: list[Header] = []
    position = start
    try:
        while position < end:
            name_length = data[position]
            name = data[position + 1 : position + 1 + name_length].decode("utf-8")
            position += 1 + name_length
            kind = data[position]
            position += 1
            if kind in _SIZED:
                size = int.from_bytes(data[position : position + 2], "big")
                position += 2
            elif kind in _FIXED:
                size = _FIXED[kind]
            else:
                raise WireError(f"{where}: header {name!r} has the unknown value type {kind}")
            if position + size > end:
                raise WireError(f"{where}: header {name!r} runs past the headers' end")
            headers.append(Header(name, kind, data[position : position + size]))
            position += size
    except (IndexError, UnicodeDecodeError):
        raise WireError(f"{where}: its headers are damaged") from None
    return tuple(headers)


def encode(frames: Iterable[Frame]) -> bytes:
    """The bytes of `frames`, with their lengths and CRCs computed."""
    return b"".join(encode_frame(frame) for frame in frames)


def encode_frame(frame: Frame) -> bytes:
    headers = b"".join(_encode_header(header) for header in frame.headers)
    total = _PRELUDE + len(headers) + len(frame.payload) + 4
    prelude = struct.pack(">II", total, len(headers))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + headers + frame.payload
    return message + struct.pack(">I", zlib.crc32(message))


def _encode_header(header: Header) -> bytes:
    name = header.name.encode("utf-8")
    out = bytes([len(name)]) + name + bytes([header.type])
    if header.type in _SIZED:
        out += len(header.raw).to_bytes(2, "big")
    return out + header.raw


def events(frames: Iterable[Frame], payload: Callable[[bytes], Any]) -> list[dict[str, Any]]:
    """One `{name: payload}` per frame, as boto3 yields them; `payload` reads a payload."""
    out: list[dict[str, Any]] = []
    for frame in frames:
        kind = frame.header(":message-type")
        if kind == "error":
            name = frame.header(":error-code") or "error"
            out.append({str(name): {"message": frame.header(":error-message")}})
            continue
        header = ":exception-type" if kind == "exception" else ":event-type"
        name = frame.header(header) or kind or "event"
        out.append({str(name): payload(frame.payload)})
    return out
