"""codec: lossless reading and writing, bad input rejected in one line, atomic writes."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.core.edit import atomic
from cli.core.formats.llamastack import codec
from cli.errors import ReadError, WriteError

REPO_ROOT = Path(__file__).resolve().parents[4]
SAMPLES = sorted((REPO_ROOT / "sample_cassettes").glob("*.json"))


def roundtrip(raw: bytes) -> bytes:
    value = codec.loads(raw, "x.json")
    return codec.dump(value, codec.detect_style(raw, value))


def test_every_corpus_file_and_seed_comes_back_byte_identical(corpus_dir: Path) -> None:
    files = sorted(corpus_dir.rglob("*.json")) + sorted((corpus_dir.parent / "seeds").glob("*"))
    assert len(files) >= 524
    inexact = [f for f in files if roundtrip(f.read_bytes()) != f.read_bytes()]
    assert inexact == []


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_samples_come_back_byte_identical(path: Path) -> None:
    assert roundtrip(path.read_bytes()) == path.read_bytes()


@pytest.mark.parametrize(
    "text",
    [
        '{"a": [1, 2.5, "\\u00e9"], "b": {}}',  # json.dumps default, one line
        '{"a":[1,2.5,"x"],"b":{}}',  # compact (orjson's default)
        '{\n    "a": [\n        1\n    ]\n}\n',  # indent 4
        '{\n\t"a": [\n\t\t1\n\t]\n}',  # tabs, no final newline
        '{\r\n  "a": 1\r\n}\r\n',  # CRLF
        '{ "a": [ 1, 2 ], "b": { "c": "d" } }',  # the seeds' collapsed style
        '{\n  "a": "caf\u00e9"\n}\n',  # raw UTF-8, not ASCII-escaped
        '\ufeff{\n  "a": 1\n}\n',  # byte-order mark kept
        '{"big": 123456789012345678901234567890, "x": NaN, "y": -Infinity}',
    ],
)
def test_style_is_detected_and_reproduced(text: str) -> None:
    raw = text.encode()
    assert roundtrip(raw) == raw


def test_an_irregular_file_is_flagged_not_exact() -> None:
    raw = b'{"a":  1,\n"b": 2}'
    value = codec.loads(raw, "x.json")
    assert codec.detect_style(raw, value).exact is False


def test_style_survives_an_edit() -> None:
    raw = b'{ "request": { "model": "a" }, "response": { "body": [ 1 ] } }'
    value = codec.loads(raw, "x.json")
    style = codec.detect_style(raw, value)
    value["request"]["model"] = "b"
    assert codec.dump(value, style) == raw.replace(b'"a"', b'"b"')


@settings(max_examples=200)
@given(
    value=st.dictionaries(
        st.text(max_size=5),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
            lambda children: (
                st.lists(children, max_size=3)
                | st.dictionaries(st.text(max_size=5), children, max_size=3)
            ),
            max_leaves=10,
        ),
        max_size=4,
    ),
    indent=st.sampled_from([None, 2, 4]),
    ensure_ascii=st.booleans(),
)
def test_roundtrip_property(value: dict, indent: int | None, ensure_ascii: bool) -> None:
    raw = (json.dumps(value, indent=indent, ensure_ascii=ensure_ascii) + "\n").encode()
    assert roundtrip(raw) == raw


# bad input: one line naming the file ------------------------------------------

BAD_INPUTS = {
    "empty": (b"", "file is empty"),
    "blank": (b"  \n", "file is empty"),
    "truncated": (b'{"request": {"method": "POST"', "truncated"),
    "not utf-8": (b'{"a": "\xff\xfe"}', "not valid UTF-8"),
    "list at top": (b"[1, 2]", "top-level JSON value is a list"),
    "string at top": (b'"hello"', "top-level JSON value is a string"),
    "deep nesting": (b"[" * 10000 + b"]" * 10000, "nesting"),
    "garbage": (b"{'a': 1}", "invalid JSON at line 1, column 2"),
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_is_rejected_in_one_line_naming_the_file(name: str, tmp_path: Path) -> None:
    data, expected = BAD_INPUTS[name]
    path = tmp_path / "bad file.json"
    path.write_bytes(data)
    with pytest.raises(ReadError) as caught:
        codec.read(path)
    message = str(caught.value)
    assert str(path) in message
    assert expected in message
    assert "\n" not in message


JSON_PROBLEMS = {
    b'{"request": {"a": "unterminat': (
        "line 1, column 19: a string starts there and is never closed (the file ends too "
        "early: truncated?)"
    ),
    b'{"a": "two\nlines"}': (
        "line 1, column 11: a string holds a raw control character ('\\n'); write it as \\u000a"
    ),
    b'{"a": 1,}': "line 1, column 9: a name in double quotes was expected",
    b'{"a": 1 "b": 2}': "line 1, column 9: a ',' was expected",
    b'{"a" 1}': "line 1, column 6: a ':' was expected",
    b'{"a": }': "line 1, column 7: a value was expected",
    b'{"a": 1} {}': "line 1, column 10: more data follows the JSON value",
    b'{"a": "\\q"}': "line 1, column 8: \\q is not a JSON escape (a backslash is written \\\\)",
    b'{"a": "\\u12"}': "line 1, column 9: a \\u escape needs four hex digits",
}


@pytest.mark.parametrize("data", list(JSON_PROBLEMS))
def test_json_errors_are_whole_sentences(data: bytes, tmp_path: Path) -> None:
    """The standard library's reasons are written to be followed by a position
    ("Unterminated string starting at: line 1 ..."); ours give it first, whole."""
    path = tmp_path / "bad.json"
    path.write_bytes(data)
    with pytest.raises(ReadError) as caught:
        codec.read(path)
    assert caught.value.message == f"invalid JSON at {JSON_PROBLEMS[data]}"
    assert not caught.value.message.endswith(" at")


def test_deep_nesting_inside_an_object_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_bytes(b'{"a": ' + b"[" * 10000 + b"]" * 10000 + b"}")
    with pytest.raises(ReadError, match="nesting"):
        codec.read(path)


def test_python_dialect_loads(tmp_path: Path) -> None:
    path = tmp_path / "nan.json"
    path.write_bytes(b'{"a": NaN, "b": 18446744073709551616}')
    value, _ = codec.read(path)
    assert value["b"] == 2**64
    assert value["a"] != value["a"]


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(codec.BOM + b'{"a": 1}')
    assert codec.read(path)[0] == {"a": 1}


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="no such file"):
        codec.read(tmp_path / "nope.json")
    (tmp_path / "x.json").mkdir()
    with pytest.raises(ReadError, match="is a directory"):
        codec.read(tmp_path / "x.json")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.json"
    path.write_text("{}")
    path.chmod(0)
    with pytest.raises(ReadError, match="permission denied"):
        codec.read(path)


# writing ------------------------------------------------------------------------


def test_write_atomic_skips_identical_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b"{}\n")
    os.utime(path, (1, 1))
    assert atomic.write_atomic(path, b"{}\n") is False
    assert path.stat().st_mtime == 1


def test_write_atomic_replaces_and_keeps_permissions(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b"{}\n")
    path.chmod(0o640)
    assert atomic.write_atomic(path, b'{"a": 1}\n') is True
    assert path.read_bytes() == b'{"a": 1}\n'
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_a_read_only_file_is_not_replaced_even_by_root(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b"{}\n")
    path.chmod(0o444)
    with pytest.raises(WriteError, match="read-only"):
        atomic.write_atomic(path, b'{"a": 1}\n')
    assert path.read_bytes() == b"{}\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_write_atomic_failure_leaves_the_file_and_no_temp(tmp_path: Path) -> None:
    directory = tmp_path / "ro"
    directory.mkdir()
    path = directory / "a.json"
    path.write_bytes(b"{}\n")
    directory.chmod(0o500)
    path.chmod(0o444)
    try:
        with pytest.raises(WriteError, match="left unchanged"):
            atomic.write_atomic(path, b'{"a": 1}\n')
        assert path.read_bytes() == b"{}\n"
        assert [p.name for p in directory.iterdir()] == ["a.json"]
    finally:
        directory.chmod(0o700)
