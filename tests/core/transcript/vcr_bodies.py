"""Test helper: a VCR cassette's interactions as the contract's dicts, decoded independently
of the project's own reader (yaml CSafeLoader, json, gzip, SSE line splitting, AWS
event-stream frames): just enough for the transcript tests to feed `transcribe`."""

from __future__ import annotations

import base64
import contextlib
import gzip
import json
import struct
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from cli.core.model import Interaction


def header(headers: Any, name: str) -> str:
    """The first value of a header, case-insensitively; "" when absent."""
    for key, values in (headers or {}).items():
        if key.lower() == name:
            value = values[0] if isinstance(values, list) and values else values
            return value.decode() if isinstance(value, bytes) else str(value or "")
    return ""


def event_stream_frames(data: bytes) -> list[dict[str, Any]]:
    """AWS event-stream: `{<:event-type or :exception-type>: payload}` per frame."""
    frames, offset = [], 0
    while offset + 12 <= len(data):
        total, header_length = struct.unpack(">II", data[offset : offset + 8])
        cursor, end = offset + 12, offset + 12 + header_length
        headers: dict[str, str] = {}
        while cursor < end:
            name_length = data[cursor]
            name = data[cursor + 1 : cursor + 1 + name_length].decode()
            cursor += 1 + name_length
            assert data[cursor] == 7, "only string headers in these cassettes"
            (value_length,) = struct.unpack(">H", data[cursor + 1 : cursor + 3])
            headers[name] = data[cursor + 3 : cursor + 3 + value_length].decode()
            cursor += 3 + value_length
        payload = data[end : offset + total - 4]
        kind = headers.get(":event-type") or headers.get(":exception-type") or "?"
        frames.append({kind: json.loads(payload) if payload else {}})
        offset += total
    return frames


_MEDIA = ("image/", "audio/", "video/", "application/pdf", "application/octet-stream")


def decode(raw: Any, headers: Any) -> tuple[Any, bool]:
    """(decoded body, is_streaming) of a recorded body."""
    if raw is None or isinstance(raw, dict | list):
        return raw, False
    content_type = header(headers, "content-type")
    if isinstance(raw, bytes):
        encoding = header(headers, "content-encoding")
        if encoding == "gzip" or raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        elif encoding == "deflate":
            raw = zlib.decompress(raw)
        if "amazon.eventstream" in content_type:
            return event_stream_frames(raw), True
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            return {"__media__": {"content_type": content_type, "bytes": len(raw)}}, False
    if content_type.startswith(_MEDIA):
        return {"__media__": {"content_type": content_type, "bytes": len(raw)}}, False
    if "event-stream" in content_type or raw.startswith(("data:", "event:")):
        lines = raw.replace("\r\n", "\n").split("\n")
        return (lines[:-1] if lines and lines[-1] == "" else lines), True
    try:
        value = json.loads(raw)
    except ValueError:
        return raw, False
    return value, False  # a Gemini streamed array: the caller knows it by its URL


def interactions(path: Path) -> list[Interaction]:
    document = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    result = []
    for index, entry in enumerate(document["interactions"]):
        if "request" not in entry:  # pydantic-ai's gRPC recordings: not HTTP
            continue
        request, response = entry["request"], entry["response"]
        request_body, _ = decode(
            request.get("parsed_body", request.get("body")), request.get("headers")
        )
        raw = response.get("parsed_body", (response.get("body") or {}).get("string"))
        body, streaming = decode(raw, response.get("headers"))
        if isinstance(body, list) and ":streamGenerateContent" in request["uri"]:
            streaming = True
        data = {
            "request": {
                "method": request["method"],
                "url": request["uri"],
                "endpoint": urlsplit(request["uri"]).path,
                "headers": request.get("headers") or {},
                "body": request_body,
            },
            "response": {
                "status": response["status"]["code"],
                "status_message": response["status"].get("message"),
                "headers": response.get("headers") or {},
                "body": body,
                "is_streaming": streaming,
            },
        }
        result.append(Interaction(path, data, index, f"/interactions/{index}"))
    return result


def binary_chunk(payload: dict[str, Any]) -> dict[str, Any]:
    """An invoke-with-response-stream frame carrying `payload`, as the reader gives it."""
    return {"chunk": {"bytes": base64.b64encode(json.dumps(payload).encode()).decode()}}


def sse_data(lines: list[str]) -> list[tuple[str | None, Any]]:
    """(event name, parsed data) per `data:` line; `[DONE]` and non-JSON data are left out."""
    events, name = [], None
    for line in lines:
        if line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            text = line[5:].strip()
            if text and text != "[DONE]":
                with contextlib.suppress(ValueError):
                    events.append((name, json.loads(text)))
        elif not line.strip():
            name = None
    return events


class Entry:
    """One corpus interaction: its file (relative to the VCR corpus), and the decoded dicts."""

    def __init__(self, name: str, interaction: Interaction) -> None:
        self.name = f"{name}#{interaction.index}"
        self.interaction = interaction
        self.response = interaction.data["response"]
        self.body = self.response["body"]
        self.status = self.response["status"]
        self.url = interaction.data["request"]["url"]
        self.content_type = header(self.response["headers"], "content-type").split(";")[0]

    @property
    def is_sse(self) -> bool:
        return isinstance(self.body, list) and all(isinstance(line, str) for line in self.body)

    def __repr__(self) -> str:
        return self.name


def load_corpus(root: Path) -> list[Entry]:
    """Every HTTP interaction of the VCR corpus (files that are not cassettes are passed over)."""
    entries = []
    for path in sorted(root.rglob("*.y*ml")):
        document = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        if not isinstance(document, dict) or not isinstance(document.get("interactions"), list):
            continue
        name = path.relative_to(root).as_posix()
        entries.extend(Entry(name, interaction) for interaction in interactions(path))
    return entries
