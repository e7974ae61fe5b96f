"""The vcr format: YAML cassettes -> interactions in the contract's shape, read-only."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest
import yaml

from cli.core import formats
from cli.core.formats.vcr import cassette
from cli.core.formats.vcr import format as vcr
from cli.core.transcript.reassemble import transcribe
from cli.errors import ReadError

SAMPLES = Path(__file__).resolve().parents[4] / "sample_cassettes"


def dump(interactions: list[dict]) -> bytes:
    return yaml.dump({"interactions": interactions, "version": 1}).encode()


def entry(request: dict | None = None, response: dict | None = None) -> dict:
    return {
        "request": {"method": "POST", "uri": "https://api.openai.com/v1/chat/completions"}
        | (request or {}),
        "response": {"status": {"code": 200, "message": "OK"}} | (response or {}),
    }


def test_an_interaction_in_the_contract_shape(tmp_path: Path) -> None:
    raw = dump(
        [
            entry(
                {
                    "body": '{"model": "gpt-4o", "messages": []}',
                    "headers": {"Content-Type": ["application/json"], "X-Id": [b"abc"]},
                },
                {
                    "body": {"string": gzip.compress(b'{"object": "chat.completion"}')},
                    "headers": {"Content-Encoding": ["gzip"], "content-type": ["application/json"]},
                },
            )
        ]
    )
    file = vcr.load(raw, tmp_path / "x.yaml")
    (one,) = file.interactions
    assert (one.index, one.pointer) == (0, "/interactions/0")
    assert one.data == {
        "request": {
            "method": "POST",
            "url": "https://api.openai.com/v1/chat/completions",
            "endpoint": "/v1/chat/completions",
            "headers": {"Content-Type": ["application/json"], "X-Id": ["abc"]},
            "body": {"model": "gpt-4o", "messages": []},
        },
        "response": {
            "status": 200,
            "status_message": "OK",
            "headers": {"Content-Encoding": ["gzip"], "content-type": ["application/json"]},
            "is_streaming": False,
            "body": {"object": "chat.completion"},
        },
    }
    assert one.model_requested == "gpt-4o" and one.endpoint == "/v1/chat/completions"


@pytest.mark.parametrize(
    ("url", "model"),
    [
        (
            "https://g.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent",
            "gemini-2.5-flash",
        ),
        (
            "https://bedrock-runtime.x.amazonaws.com/model/us.amazon.nova-micro-v1%3A0/converse",
            "us.amazon.nova-micro-v1:0",
        ),
        ("https://g.googleapis.com/v1beta/models", None),
    ],
)
def test_the_model_a_url_names(tmp_path: Path, url: str, model: str | None) -> None:
    file = vcr.load(dump([entry({"uri": url, "body": "{}"})]), tmp_path / "x.yaml")
    assert file.interactions[0].model_requested == model


def test_pydantic_ai_parsed_body_and_literal_blocks(tmp_path: Path) -> None:
    file = formats.read(SAMPLES / "vcr-anthropic-stream-tool-call.yaml")
    assert file.document.writer == cassette.PYDANTIC_AI
    first = file.interactions[0]
    assert first.request["body"]["model"] == "claude-sonnet-4-5"
    assert first.response["is_streaming"] is True
    assert first.response["body"][:2] == ["event: message_start", first.response["body"][1]]
    literal = (
        b"interactions:\n- request: {method: GET, uri: 'https://x/'}\n"
        b"  response:\n    body:\n      string: |\n        a\n        b\n"
    )
    assert vcr.load(literal, tmp_path / "x.yaml").document.writer == cassette.PYDANTIC_AI
    plain = vcr.load(dump([entry(response={"body": {"string": "a\nb\n"}})]), tmp_path / "y.yaml")
    assert plain.document.writer == cassette.VCRPY


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ([1, 2], "a YAML list"),
        ({"jobs": {}}, "no `interactions` list"),
        ({"interactions": ["x"]}, "interaction 0 is a YAML string"),
        ({"interactions": [{"request_sample": {}, "response_sample": {}}]}, "not an HTTP"),
        ({"interactions": [{"kind": "x", "direction": "y", "data": "z"}]}, "has no `request`"),
    ],
)
def test_yaml_that_is_not_a_cassette(tmp_path: Path, value: object, words: str) -> None:
    with pytest.raises(formats.NotACassette) as caught:
        vcr.load(yaml.dump(value).encode(), tmp_path / "x.yaml")
    assert words in str(caught.value) and str(caught.value).startswith(str(tmp_path))


def test_empty_interactions_is_a_cassette_of_none(tmp_path: Path) -> None:
    assert vcr.load(b"interactions: []\nversion: 1\n", tmp_path / "x.yaml").interactions == []


def test_claims_by_content() -> None:
    assert vcr.claims(b"interactions:\n- request:", Path("x.txt"))
    assert vcr.claims(b"# recorded\nversion: 1\n", None)
    assert vcr.claims(b"anything at all", Path("x.yml"))
    assert not vcr.claims(b'{"request": {}}', Path("x.yaml"))
    assert vcr.claims(b"---\ninteractions: []", Path("x.json"))
    assert not vcr.claims(b"error: not json", Path("x.json"))  # stays a JSON error
    assert not vcr.claims(b"hello world", None)


def test_loading_never_changes_the_file(tmp_path: Path) -> None:
    for sample in sorted(SAMPLES.glob("*.yaml")):
        path = tmp_path / sample.name
        path.write_bytes(sample.read_bytes())
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
        before = (path.read_bytes(), path.stat().st_mtime_ns)
        with formats.read(path) as file:
            for interaction in file.interactions:
                transcribe(interaction)
        with formats.read(path, lazy=True):
            pass
        assert file.raw == before[0]
        assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_every_scalar_keeps_its_place_and_style() -> None:
    """What the surgical writer needs: each scalar's span in the original text."""
    raw = (SAMPLES / "vcr-gemini-gzip.yaml").read_bytes()
    file = formats.load(raw, "vcr-gemini-gzip.yaml")
    checked = 0
    stack = [file.document.root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            text = raw[node.start_mark.index : node.end_mark.index].decode()
            if node.style in ("'", '"'):
                assert text[0] == node.style
            elif node.style is None:
                assert text == node.value
            checked += 1
        elif isinstance(node, yaml.MappingNode):
            stack.extend(item for pair in node.value for item in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    assert checked > 30


def test_an_edit_is_written_back_surgically() -> None:
    file = formats.read(SAMPLES / "vcr-openai-chat-stream.yaml")
    assert formats.writes(file) and not formats.changed(file)
    file.interactions[0].data["request"]["body"]["model"] = "other"
    assert formats.changed(file) and formats.new_name(file) == (None, None)
    new_raw, exact = formats.dump(file)
    assert exact
    before, after = formats.diff_lines(file)
    removed = [line for line in before if line not in after]
    added = [line for line in after if line not in before]
    assert len(removed) == len(added) == 2  # the body's line with the model, content-length
    assert '"model":"other"' in added[0] and "'219'" in added[1]
    assert added[0] == removed[0].replace('"model":"gpt-4o-mini"', '"model":"other"')
    assert new_raw.decode().splitlines(keepends=True) == after


def test_a_big_file_reads_its_sse_a_line_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli.core.formats.llamastack import lazy

    path = tmp_path / "big.yaml"
    path.write_bytes((SAMPLES / "vcr-openai-chat-stream.yaml").read_bytes())
    monkeypatch.setattr(lazy, "BIG_FILE", 100)
    monkeypatch.setattr(vcr, "BIG_FILE", 100)
    whole = formats.read(path).interactions[0]
    with formats.read(path, lazy=True) as file:
        (streamed,) = file.interactions
        assert streamed.is_lazy and "body" not in streamed.response
        assert list(streamed.items_reader()) == whole.response["body"]
        assert transcribe(streamed) == transcribe(whole)


def test_a_damaged_file_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="line"):
        vcr.load(b"interactions:\n- request: [\n", tmp_path / "x.yaml")
