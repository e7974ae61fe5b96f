"""cli.core.wire.body: one recorded body -> the value the analysers read."""

from __future__ import annotations

import gzip
import json

from cli.core.wire import body, eventstream
from cli.core.wire.eventstream import Frame, string_header

SSE = 'data: {"choices": []}\r\n\r\ndata: [DONE]\r\n\r\n'


def test_json_text() -> None:
    decoded = body.decode('{"a": 1}', "application/json")
    assert (decoded.value, decoded.kind, decoded.streaming) == ({"a": 1}, body.JSON, False)
    assert body.decode('[{"a": 1}]', None).value == [{"a": 1}]  # no content type: by its text


def test_json_that_is_not_json_stays_text() -> None:
    decoded = body.decode('{"a": 1,}', "application/json")
    assert (decoded.value, decoded.kind) == ('{"a": 1,}', body.TEXT)


def test_gzip_bytes() -> None:
    decoded = body.decode(gzip.compress(b'{"ok": true}'), "application/json", "gzip")
    assert decoded.value == {"ok": True} and decoded.codings == ("gzip",)
    assert decoded.recorded_as == "bytes" and decoded.describe().startswith("gzip, ")


def test_gzip_without_a_header_is_still_gunzipped() -> None:
    assert body.decode(gzip.compress(b'{"ok": 1}'), "application/json").value == {"ok": 1}


def test_text_is_already_decoded_whatever_the_header_claims() -> None:
    decoded = body.decode('{"a": 1}', "application/json", "gzip")
    assert decoded.value == {"a": 1} and decoded.codings == ()
    decoded = body.decode(b'{"a": 2}', "application/json", "gzip")
    assert decoded.value == {"a": 2} and decoded.problem is None


def test_damaged_gzip_is_summarized_with_the_problem() -> None:
    damaged = gzip.compress(b'{"a": 1}' * 100)[:-30]
    decoded = body.decode(damaged, "application/json", "gzip")
    assert decoded.kind == body.ENCODED
    assert decoded.value["__encoded__"]["encoding"] == "gzip"
    assert decoded.value["__encoded__"]["bytes"] == len(damaged)
    assert "ends before" in decoded.problem


def test_an_encoding_without_a_decoder_is_named_with_its_size(monkeypatch) -> None:
    from cli.core.wire import encoding

    monkeypatch.setattr(encoding, "_module", lambda coding: None)
    decoded = body.decode(b"\x8b\x02\x80", "application/json", "br")
    assert decoded.value == {"__encoded__": {"encoding": "br", "bytes": 3}}
    assert "br" in decoded.problem


def test_sse_keeps_its_line_ends() -> None:
    decoded = body.decode(SSE, "text/event-stream")
    assert decoded.kind == body.SSE and decoded.streaming
    assert decoded.value == ['data: {"choices": []}', "", "data: [DONE]", "", ""]
    assert decoded.ends == "\r\n"
    lazy = body.decode(SSE, "text/event-stream", lazy_sse=True)
    assert lazy.value is None and lazy.text == SSE


def test_sse_told_by_its_text_when_no_type_says_so() -> None:
    assert body.decode("event: ping\ndata: {}\n\n", None).kind == body.SSE
    assert body.decode("data: {}\n\n", "application/json").kind != body.SSE


def test_gemini_streamed_array_is_a_stream() -> None:
    url = "https://generativelanguage.googleapis.com/v1beta/models/g:streamGenerateContent"
    assert body.decode('[{"candidates": []}]', "application/json", url=url).streaming
    assert not body.decode('[{"candidates": []}]', "application/json", url=url[:-22]).streaming
    assert body.parsed([{"candidates": []}], "application/json", url).streaming


def test_ndjson_is_a_stream_of_objects() -> None:
    decoded = body.decode('{"done": false}\n{"done": true}\n', "application/x-ndjson")
    assert (decoded.value, decoded.streaming) == ([{"done": False}, {"done": True}], True)


def test_media_is_summarized() -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(100)
    assert body.decode(png, "image/png").value == {
        "__media__": {"content_type": "image/png", "bytes": 108}
    }
    assert body.decode("\n\x00", "application/x-protobuf").kind == body.MEDIA
    assert body.decode(b"\xff\xfe\x00", None).value == {
        "__media__": {"content_type": None, "bytes": 3}
    }


def test_declared_text_that_is_not_text() -> None:
    decoded = body.decode(b"caf\xe9", "text/plain; charset=utf-8")
    assert decoded.kind == body.MEDIA and "utf-8" in decoded.problem
    assert body.decode(b"caf\xe9", "text/plain; charset=ISO-8859-1").value == "café"


def test_event_stream_with_a_broken_last_frame() -> None:
    frames = [
        Frame((string_header(":event-type", "messageStart"),), b'{"role": "assistant"}'),
        Frame((string_header(":event-type", "messageStop"),), b'{"stopReason": "end_turn"}'),
    ]
    data = eventstream.encode(frames)
    decoded = body.decode(data[:-3], eventstream.CONTENT_TYPE)
    assert decoded.kind == body.EVENTS and decoded.streaming
    assert decoded.value == [{"messageStart": {"role": "assistant"}}]
    assert decoded.problem.startswith("frame 1 at byte ") and "truncated" in decoded.problem
    assert "frame 1" in decoded.describe()


def test_none_and_empty() -> None:
    assert body.decode(None).kind == body.NONE and body.decode(None).value is None
    assert body.decode("", "application/json").value == ""


def test_describe() -> None:
    assert body.decode(json.dumps({"a": 1}), "application/json").describe() == "8 bytes: JSON"
    assert body.parsed({"a": 1}, "application/json", None).describe() == "parsed_body: JSON"
