"""formats.vcr.writer: edited interactions go back into the YAML text, only where they
changed, bodies in the form they were recorded in."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.core import formats
from cli.core.wire import eventstream
from cli.errors import WriteError

URI = "https://api.openai.com/v1/chat/completions"
REQUEST = '{"messages":[{"role":"user","content":"Moon?"}],"model":"gpt-4o-mini"}'
ANSWER = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1767225600,
    "model": "gpt-4o-mini",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Luna."}}],
}


def cassette(response_body: Any, headers: dict[str, list[str]], **request: Any) -> dict:
    return {
        "interactions": [
            {
                "request": {
                    "body": request.get("body", REQUEST),
                    "headers": {"content-length": [str(len(REQUEST))], "host": ["api.openai.com"]},
                    "method": "POST",
                    "uri": request.get("uri", URI),
                },
                "response": {
                    "body": {"string": response_body},
                    "headers": headers,
                    "status": {"code": 200, "message": "OK"},
                },
            }
        ],
        "version": 1,
    }


def write(tmp_path: Path, value: dict) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(yaml.dump(value, Dumper=yaml.CDumper), encoding="utf-8")
    return path


def edited(path: Path, change) -> tuple[str, str]:
    """(text before, text after) of the file once `change(data)` edits interaction 0."""
    file = formats.read(path)
    change(file.interactions[0].data)
    return path.read_text(encoding="utf-8"), formats.dump(file)[0].decode()


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new), "the line count changed"
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def test_method_uri_status_and_header_values_change_in_place(tmp_path: Path) -> None:
    headers = {"Content-Type": ["application/json"], "X-Trace": ["a", "b"]}
    path = write(tmp_path, cassette(json.dumps(ANSWER), headers))

    def change(data: dict) -> None:
        data["request"]["method"] = "PUT"
        data["request"]["url"] = URI + "?x=1"
        data["request"]["endpoint"] = "/v1/chat/completions"
        data["response"]["status"] = 201
        data["response"]["status_message"] = "Created"
        data["response"]["headers"]["X-Trace"][1] = "c"

    before, after = edited(path, change)
    assert changed_lines(before, after) == [
        ("    method: POST", "    method: PUT"),
        (f"    uri: {URI}", f"    uri: {URI}?x=1"),
        ("      - b", "      - c"),
        ("      code: 200", "      code: 201"),
        ("      message: OK", "      message: Created"),
    ]


def test_a_deleted_header_goes_with_its_lines(tmp_path: Path) -> None:
    headers = {"Date": ["Thu, 01 Jan 2026 00:00:00 GMT"], "Server": ["x"]}
    path = write(tmp_path, cassette(json.dumps(ANSWER), headers))
    before, after = edited(path, lambda data: data["response"]["headers"].pop("Date"))
    assert [line for line in before.splitlines() if line not in after.splitlines()] == [
        "      Date:",
        "      - Thu, 01 Jan 2026 00:00:00 GMT",
    ]


def test_a_json_body_keeps_its_style_and_content_length_follows(tmp_path: Path) -> None:
    body = json.dumps(ANSWER)  # Python's spaced separators
    path = write(tmp_path, cassette(body, {"Content-Length": [str(len(body)), "7"]}))

    def change(data: dict) -> None:
        data["request"]["body"]["model"] = "zz"
        data["response"]["body"]["model"] = "zz"

    _, after = edited(path, change)
    value = yaml.safe_load(after)["interactions"][0]
    assert value["request"]["body"] == REQUEST.replace("gpt-4o-mini", "zz")
    assert value["request"]["headers"]["content-length"] == [str(len(REQUEST) - 9)]
    assert value["response"]["body"]["string"] == body.replace("gpt-4o-mini", "zz")
    # The length that agreed follows; the one that didn't stays as it was.
    assert value["response"]["headers"]["Content-Length"] == [str(len(body) - 9), "7"]


def test_a_gzip_body_is_recompressed_with_its_coding_kept(tmp_path: Path) -> None:
    compressed = gzip.compress(json.dumps(ANSWER, separators=(",", ":")).encode(), mtime=0)
    headers = {"Content-Encoding": ["gzip"], "Content-Length": [str(len(compressed))]}
    path = write(tmp_path, cassette(compressed, headers))
    _, after = edited(path, lambda data: data["response"]["body"].update(model="zz"))
    value = yaml.safe_load(after)["interactions"][0]["response"]
    new_body = value["body"]["string"]
    assert isinstance(new_body, bytes) and new_body[:10] == compressed[:10]
    expected = dict(ANSWER, model="zz")
    assert gzip.decompress(new_body).decode() == json.dumps(expected, separators=(",", ":"))
    assert value["headers"] == {
        "Content-Encoding": ["gzip"],
        "Content-Length": [str(len(new_body))],
    }


def test_an_sse_body_keeps_its_line_ends(tmp_path: Path) -> None:
    chunk = {"id": "c", "object": "chat.completion.chunk", "created": 5, "model": "gpt-4o-mini"}
    body = f"data: {json.dumps(chunk)}\r\n\r\ndata: [DONE]\r\n\r\n"
    path = write(tmp_path, cassette(body, {"Content-Type": ["text/event-stream"]}))
    file = formats.read(path)
    from cli.core.edit.rename import rename_model

    rename_model(file.interactions[0].data, old="gpt-4o-mini", new="zz")
    value = yaml.safe_load(formats.dump(file)[0])
    assert value["interactions"][0]["response"]["body"]["string"] == body.replace(
        "gpt-4o-mini", "zz"
    )


def test_an_event_stream_is_reframed_with_correct_crcs(tmp_path: Path) -> None:
    def frame(name: str, payload: dict) -> eventstream.Frame:
        headers = (
            eventstream.string_header(":event-type", name),
            eventstream.string_header(":message-type", "event"),
        )
        return eventstream.Frame(headers, json.dumps(payload, separators=(",", ":")).encode())

    frames = [frame("messageStart", {"role": "assistant"}), frame("metadata", {"n": 1})]
    data = eventstream.encode(frames)
    headers = {"Content-Type": ["application/vnd.amazon.eventstream"]}
    path = write(tmp_path, cassette(data, headers))
    _, after = edited(path, lambda d: d["response"]["body"][1]["metadata"].update(n=2))
    new = yaml.safe_load(after)["interactions"][0]["response"]["body"]["string"]
    first = len(eventstream.encode_frame(frames[0]))
    assert new[:first] == data[:first]  # the untouched frame keeps its bytes
    again = eventstream.decode(new)  # both CRCs of every frame check out
    assert [json.loads(f.payload) for f in again] == [{"role": "assistant"}, {"n": 2}]
    assert again[1].headers == frames[1].headers


PYDANTIC_AI = """\
interactions:
- request:
    headers:
      content-length:
      - '{request_length}'
    method: POST
    parsed_body:
      model: claude-x
      stream: false
    uri: https://api.anthropic.com/v1/messages
  response:
    headers:
      content-length:
      - '{response_length}'
    parsed_body:
      content:
      - text: Hi
        type: text
      model: claude-x
      usage:
        input_tokens: 3
    status:
      code: 200
      message: OK
version: 1
"""


def pydantic_ai(tmp_path: Path) -> Path:
    request = {"model": "claude-x", "stream": False}
    response = {"content": [{"text": "Hi", "type": "text"}], "model": "claude-x", "usage": {}}
    response["usage"] = {"input_tokens": 3}
    text = PYDANTIC_AI.format(
        request_length=len(json.dumps(request)), response_length=len(json.dumps(response))
    )
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_parsed_body_is_edited_leaf_by_leaf(tmp_path: Path) -> None:
    path = pydantic_ai(tmp_path)

    def change(data: dict) -> None:
        data["request"]["body"]["model"] = "zz"
        data["response"]["body"]["model"] = "zz"
        del data["response"]["body"]["usage"]["input_tokens"]

    before, after = edited(path, change)
    value = yaml.safe_load(after)["interactions"][0]
    assert value["response"]["parsed_body"] == {
        "content": [{"text": "Hi", "type": "text"}],
        "model": "zz",
        "usage": {},
    }
    for side in ("request", "response"):
        replayed = json.dumps(value[side]["parsed_body"])  # what pydantic-ai replays
        assert value[side]["headers"]["content-length"] == [str(len(replayed))]
    lengths = [line for line in before.splitlines() if line.startswith("      - '")]
    gone = [line for line in before.splitlines() if line not in after.splitlines()]
    assert gone == [
        lengths[0],
        "      model: claude-x",
        lengths[1],
        "      model: claude-x",
        "      usage:",
        "        input_tokens: 3",
    ]
    assert "      usage: {}" in after.splitlines()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d["response"]["headers"].update(New=["x"]), "a header was added (New)"),
        (lambda d: d["response"]["body"].update(extra=1), "a key was added ('extra')"),
        (lambda d: d["response"]["body"]["content"].append({}), "a list changed length"),
        (lambda d: d["request"].update(endpoint="/other"), "request/endpoint: this edit can't"),
    ],
    ids=["header-added", "key-added", "list-grown", "inconsistent-endpoint"],
)
def test_an_edit_yaml_cannot_take_is_refused_in_one_line(
    tmp_path: Path, change, words: str
) -> None:
    path = pydantic_ai(tmp_path)
    file = formats.read(path)
    change(file.interactions[0].data)
    with pytest.raises(WriteError) as caught:
        formats.dump(file)
    message = str(caught.value)
    assert words in message and "\n" not in message and str(path) in message


def test_a_media_body_cannot_take_an_edited_value(tmp_path: Path) -> None:
    headers = {"Content-Type": ["image/png"]}
    path = write(tmp_path, cassette(b"\x89PNG\r\n\x1a\n" + bytes(20), headers))
    file = formats.read(path)
    file.interactions[0].data["response"]["body"] = {"model": "x"}
    with pytest.raises(WriteError, match="a media body can't take an edited value"):
        formats.dump(file)


def test_no_edit_gives_the_same_bytes_and_diff_lines_are_the_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, cassette(json.dumps(ANSWER), {"Date": ["x"]}))
    raw = path.read_bytes()
    file = formats.read(path)
    assert formats.dump(file) == (raw, True) and not formats.changed(file)
    file.interactions[0].data["response"]["headers"].pop("Date")
    before, after = formats.diff_lines(file)
    assert "".join(before) == raw.decode()
    assert [line for line in before if line not in after] == ["      Date:\n", "      - x\n"]


def test_json_lines_are_rewritten_line_by_line(tmp_path: Path) -> None:
    lines = [
        '{"model": "llama3", "response": "Hi", "done": false}',
        '{"model":"llama3","done":true}',
    ]
    body = "\n".join(lines) + "\n"
    headers = {"Content-Type": ["application/x-ndjson"], "Content-Length": [str(len(body))]}
    path = write(tmp_path, cassette(body, headers))
    file = formats.read(path)
    from cli.core.edit.rename import rename_model

    rename_model(file.interactions[0].data, old="llama3", new="llama4")
    response = yaml.safe_load(formats.dump(file)[0])["interactions"][0]["response"]
    assert response["body"]["string"] == body.replace("llama3", "llama4")
    assert response["headers"]["Content-Length"] == [str(len(body))]  # same length
