"""lazy: a big cassette read a part at a time gives what reading it whole gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cli.commands import show
from cli.core.formats.llamastack import codec, lazy
from cli.core.model import Interaction
from cli.core.transcript.reassemble import transcribe, transcribe_items
from cli.errors import ReadError
from cli.options import OutputFormat
from tests.commands.helpers import SAMPLES, run


def without_body(data: dict[str, Any]) -> dict[str, Any]:
    response = {key: value for key, value in data["response"].items() if key != "body"}
    return {**data, "response": response}


def read_streamed(path: Path) -> tuple[dict[str, Any], list[Any]] | None:
    streamed = lazy.open_streamed(path)
    if streamed is None:
        return None
    with streamed:
        assert "request" in streamed.data and not streamed.complete
        items = list(streamed.items())
        assert streamed.complete
        return streamed.data, items


def check_same_as_whole(path: Path) -> bool:
    """True if the file was streamed, and then gave the same data, items and transcript."""
    whole = codec.read(path)[0]
    found = read_streamed(path)
    if found is None:
        assert (
            not isinstance(whole["response"].get("body"), list)
            or next(iter(whole), None) != "request"
        ), f"{path}: a list body after the request should stream"
        return False
    data, items = found
    assert data == without_body(whole)
    assert items == whole["response"]["body"]
    with lazy.open_streamed(path) as streamed:  # type: ignore[union-attr]
        lazily = transcribe_items(streamed.data, streamed.items())
    assert lazily == transcribe(Interaction(path, whole)), path
    return True


def test_every_sample_reads_the_same_streamed() -> None:
    streamed = [path.name for path in sorted(SAMPLES.glob("*.json")) if check_same_as_whole(path)]
    assert "vllm-chat-stream-n2.json" in streamed and "anthropic-messages-sse.json" in streamed
    assert "openai-chat-nonstream.json" not in streamed  # an object body is read whole


@pytest.mark.corpus
def test_every_corpus_file_reads_the_same_streamed(corpus_dir: Path) -> None:
    count = sum(check_same_as_whole(path) for path in sorted(corpus_dir.rglob("*.json")))
    assert count > 100


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('{"response": {"body": []}, "request": {}}', "response before request"),
        ('{"request": {}, "response": {"body": {}}}', "object body"),
        ('{"request": {}, "response": {"is_streaming": false}}', "no body"),
        ('[{"request": {}}]', "not an object"),
        ('{"request": {}, "response.body": [1], "response": {"body": []}}', "dotted key"),
    ],
)
def test_other_layouts_are_left_to_the_whole_read(tmp_path: Path, text: str, why: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(text)
    assert lazy.open_streamed(path) is None, why


def test_keys_after_the_body_arrive_once_the_items_are_read(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    data = {
        "test_id": "t",
        "request": {"url": "u", "body": {"a": [1, {"b": None}]}},
        "response": {"status": 200, "body": [{"x": 1.5}, [2], "s", None], "is_streaming": True,
                     "exception_data": {"args": [[], {}]}},
        "id_normalization_mapping": {},
        "later": [1, 2],
    }  # fmt: skip
    path.write_bytes(codec.BOM + json.dumps(data).encode())
    data_read, items = read_streamed(path)  # type: ignore[misc]
    assert items == [{"x": 1.5}, [2], "s", None]
    assert data_read == without_body(data)


@pytest.mark.parametrize("cut", [30, 60, -3])
def test_damage_is_a_read_error(tmp_path: Path, cut: int) -> None:
    raw = (SAMPLES / "vllm-chat-stream-n2.json").read_bytes()
    path = tmp_path / "x.json"
    path.write_bytes(raw[:cut] if cut > 0 else raw[:cut] + b"!!")
    with pytest.raises(ReadError) as caught:
        found = read_streamed(path)
        assert found is not None
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)


def test_is_big_by_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(b"{}")
    assert not lazy.is_big(path) and not lazy.is_big(tmp_path / "missing.json")
    monkeypatch.setattr(lazy, "BIG_FILE", 1)
    assert lazy.is_big(path)


# show on a big file ------------------------------------------------------------------


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_show_json_is_the_same_streamed(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = run("show", path, "--format", "json")
    monkeypatch.setattr(lazy, "BIG_FILE", 0)
    streamed = run("show", path, "--format", "json")
    assert json.loads(streamed.stdout) == json.loads(whole.stdout)
    plain = run("show", path, "--plain")
    assert plain.exit_code == 0 and "## response" in plain.stdout


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize("plain", [False, True])
def test_show_prints_the_request_before_reading_the_chunks(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], plain: bool
) -> None:
    monkeypatch.setattr(lazy, "BIG_FILE", 0)
    seen_before_chunks: list[str] = []
    items = lazy.Streamed.items

    def watched(self: lazy.Streamed) -> Any:
        seen_before_chunks.append(capsys.readouterr().out)
        yield from items(self)

    monkeypatch.setattr(lazy.Streamed, "items", watched)
    path = SAMPLES / "databricks-chat-stream-sol.json"
    code = show.command([path], None, False, plain, OutputFormat.text, True, "*.json")
    assert code == 0
    (before,) = seen_before_chunks
    assert "What's the name of the Sun in latin?" in before  # the request
    assert "Sol" not in before and "(after the response)" in before
    after = capsys.readouterr().out
    assert "Sol" in after and "31" in after and "yes, " in after  # text, usage, the facts


def test_numbers_beyond_64_bits_read_exactly_from_where_they_are(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    items = [{"n": 1, "f": 0.5}, {"n": 12345678901234567890123, "f": 1e300}, {"f": 2.25}]
    path.write_text(json.dumps({"request": {"big": 2**70}, "response": {"body": items}}))
    data, read = read_streamed(path)  # type: ignore[misc]
    assert read == items and data["request"] == {"big": 2**70}
    assert [type(item["f"]) for item in read] == [float, float, float]


def test_ls_reads_a_big_file_a_part_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    whole = json.loads(run("ls", SAMPLES, "--format", "json").stdout)
    monkeypatch.setattr(lazy, "BIG_FILE", 0)
    read = []
    items = lazy.Streamed.items

    def counted(self: lazy.Streamed) -> Any:
        read.append(self.path.name)
        yield from items(self)

    monkeypatch.setattr(lazy.Streamed, "items", counted)
    streamed = json.loads(run("ls", SAMPLES, "--format", "json", "--no-cache").stdout)
    assert streamed == whole and "vllm-chat-stream-n2.json" in read


def test_kept_items_read_back_exactly_without_the_file(tmp_path: Path) -> None:
    """After `keep_items`, a second pass gives the same values and types (big integers,
    floats, nesting, more items than one kept block) and never opens the file."""
    path = tmp_path / "x.json"
    items = [{"n": n, "f": n / 3, "big": 2**70 + n, "t": [None, True, "é"]} for n in range(600)]
    path.write_text(json.dumps({"request": {"a": 1}, "response": {"body": items}}))
    streamed = lazy.open_streamed(path)
    assert streamed is not None
    with streamed:
        streamed.keep_items()
        first = list(streamed.items())
        path.unlink()  # a pass that read the file again would fail now
        second = list(streamed.items())
    assert first == second == items
    assert [type(item["f"]) for item in second] == [float] * len(items)
