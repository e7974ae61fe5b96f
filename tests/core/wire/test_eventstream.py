"""cli.core.wire.eventstream: AWS event-stream frames, their CRCs, and boto3's events."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from cli.core.wire import WireError, eventstream
from cli.core.wire.eventstream import Frame, Header, string_header


def frame(event_type: str, payload: dict) -> Frame:
    headers = (
        string_header(":event-type", event_type),
        string_header(":content-type", "application/json"),
        string_header(":message-type", "event"),
    )
    return Frame(headers, json.dumps(payload).encode())


def _own_frame(event_type: str, payload: bytes) -> bytes:
    """One frame built here from the specification, not with the module's encoder."""
    headers = b""
    for name, value in ((":event-type", event_type), (":message-type", "event")):
        headers += bytes([len(name)]) + name.encode() + b"\x07"
        headers += struct.pack(">H", len(value)) + value.encode()
    total = 12 + len(headers) + len(payload) + 4
    prelude = struct.pack(">II", total, len(headers))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + headers + payload
    return message + struct.pack(">I", zlib.crc32(message))


def test_frames_built_by_the_specification_are_read() -> None:
    data = _own_frame("messageStart", b'{"role":"assistant"}') + _own_frame(
        "contentBlockDelta", b'{"contentBlockIndex":0,"delta":{"text":"Hi"}}'
    )
    frames = eventstream.decode(data)
    assert [f.header(":event-type") for f in frames] == ["messageStart", "contentBlockDelta"]
    assert eventstream.encode(frames) == data
    events = eventstream.events(frames, json.loads)
    assert events[1] == {"contentBlockDelta": {"contentBlockIndex": 0, "delta": {"text": "Hi"}}}


def test_exceptions_and_errors_are_named_by_their_headers() -> None:
    exception = Frame(
        (
            string_header(":exception-type", "throttlingException"),
            string_header(":message-type", "exception"),
        ),
        b'{"message":"slow down"}',
    )
    error = Frame(
        (
            string_header(":message-type", "error"),
            string_header(":error-code", "InternalError"),
            string_header(":error-message", "boom"),
        ),
        b"",
    )
    assert eventstream.events([exception, error], json.loads) == [
        {"throttlingException": {"message": "slow down"}},
        {"InternalError": {"message": "boom"}},
    ]


def test_header_value_types() -> None:
    headers = (
        Header("t", 0, b""),
        Header("f", 1, b""),
        Header("byte", 2, b"\xff"),
        Header("short", 3, b"\x01\x00"),
        Header("int", 4, b"\x00\x00\x01\x00"),
        Header("long", 5, (2**40).to_bytes(8, "big")),
        Header("bytes", 6, b"\x00\x01"),
        Header("ts", 8, (1_700_000_000_000).to_bytes(8, "big")),
        Header("uuid", 9, bytes(range(16))),
    )
    (read,) = eventstream.decode(eventstream.encode([Frame(headers, b"")]))
    values = {h.name: h.value for h in read.headers}
    assert values == {
        "t": True,
        "f": False,
        "byte": -1,
        "short": 256,
        "int": 256,
        "long": 2**40,
        "bytes": b"\x00\x01",
        "ts": 1_700_000_000_000,
        "uuid": bytes(range(16)),
    }


def _broken(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0xFF]) + data[offset + 1 :]


def test_a_broken_frame_is_named_and_the_frames_before_it_kept() -> None:
    good = eventstream.encode_frame(frame("messageStart", {"role": "assistant"}))
    second = eventstream.encode_frame(frame("contentBlockDelta", {"delta": {"text": "Hi"}}))
    cases = {
        "the message CRC": _broken(good + second, len(good) + len(second) - 20),
        "the prelude CRC": _broken(good + second, len(good) + 2),
        "truncated": good + second[:-5],
        "too few": good + second[:10],
    }
    for words, data in cases.items():
        read = []
        with pytest.raises(WireError) as caught:
            read.extend(eventstream.iter_frames(data))
        message = str(caught.value)
        assert message.startswith(f"frame 1 at byte {len(good)}: "), message
        assert words in message and "\n" not in message
        assert [f.header(":event-type") for f in read] == ["messageStart"]


def test_corpus_event_streams_round_trip_byte_for_byte(corpus_dir: Path) -> None:
    checked = 0
    for path in sorted((corpus_dir / "vcr").rglob("*.yaml")):
        raw = path.read_bytes()
        if b"eventstream" not in raw:
            continue
        for entry in yaml.load(raw, Loader=yaml.CSafeLoader)["interactions"]:
            body = entry["response"].get("body", {}).get("string")
            if isinstance(body, bytes):
                frames = eventstream.decode(body)
                assert eventstream.encode(frames) == body
                checked += len(frames)
    assert checked >= 18  # frames in the three event-stream cassettes of the sample


@given(st.lists(st.tuples(st.text(min_size=1, max_size=20), st.binary(max_size=200)), max_size=5))
def test_encode_decode_identity(items: list[tuple[str, bytes]]) -> None:
    frames = [Frame((string_header(":event-type", name),), payload) for name, payload in items]
    assert eventstream.decode(eventstream.encode(frames)) == frames
