"""cli.core.formats.vcr.loader: safe YAML, no anchors, one-line errors."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.core.formats.vcr import loader
from cli.errors import ReadError

CASSETTE = b"interactions:\n- request: {method: GET, uri: 'https://x/'}\n  response: {}\n"


def bomb(levels: int = 9) -> bytes:
    """The classic "billion laughs": each level lists the one before nine times."""
    lines = [b'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        refs = b", ".join([b"*a%d" % (level - 1)] * 9)
        lines.append(b"a%d: &a%d [%s]" % (level, level, refs))
    return b"\n".join(lines) + b"\n"


def load_error(data: bytes) -> str:
    with pytest.raises(ReadError) as caught:
        loader.load(data, "x.yaml")
    message = str(caught.value)
    assert message.startswith("x.yaml: ") and "\n" not in message
    return message


def test_a_cassette_loads_with_its_nodes() -> None:
    root, value = loader.load(CASSETTE, "x.yaml")
    assert value["interactions"][0]["request"]["method"] == "GET"
    uri = root.value[0][1].value[0].value[0][1].value[1][1]
    assert CASSETTE[uri.start_mark.index : uri.end_mark.index] == b"'https://x/'"
    assert uri.style == "'"


def test_the_alias_bomb_is_refused_before_anything_expands() -> None:
    start = time.perf_counter()
    message = load_error(bomb())
    assert time.perf_counter() - start < 1
    assert "anchor (&a0)" in message and "line 1, column 5" in message


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"a: &x 1\nb: 2\n", "anchor (&x)"),
        (b"- *x\n", "alias (*x)"),
        (b"\xef\xbb\xbf&top {a: 1}\n", "anchor (&top)"),
        (b"a: !!str &x 1\n", "anchor (&x)"),
        (b"a: [1, &x 2]\n", "anchor (&x)"),
        (b"a:\n  &x\n  1\n", "anchor (&x)"),
    ],
)
def test_anchors_and_aliases_anywhere_are_refused(data: bytes, words: str) -> None:
    assert words in load_error(data)


def test_marks_in_text_are_not_anchors() -> None:
    text = b"a: '**bold** R&D, a*b, x &y'\nb: \"*not an alias*\"\nc: |\n  * item\n  **x**\n"
    assert loader.load(text, "x.yaml")[1]["a"] == "**bold** R&D, a*b, x &y"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"!!python/object/apply:os.system ['echo pwned']\n", "tag"),
        (b"a: 1\n\tb: 2\n", "line 2"),
        (b"a: '\xff\xfe'\n", "not UTF-8"),
        (b"a: " + b"[" * 10_000 + b"]" * 10_000 + b"\n", "nesting"),
        (b"- " * 10_000 + b"x\n", "nesting"),
        (b"a: 1\n---\nb: 2\n", "single document"),
        (b"a: [1, 2\n", "line"),
    ],
    ids=["python-tag", "tab", "not-utf8", "deep-flow", "deep-block", "two-documents", "unclosed"],
)
def test_hostile_yaml_is_one_line_error(data: bytes, words: str) -> None:
    assert words in load_error(data)


def test_a_python_tag_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    payload = b"!!python/object/apply:os.system ['touch %s']\n" % str(marker).encode()
    load_error(payload)
    assert not marker.exists()


def test_a_long_scalar_on_one_line_loads() -> None:
    data = b"interactions: []\nnote: " + b"x" * 20_000_000 + b"\n"
    start = time.perf_counter()
    assert len(loader.load(data, "x.yaml")[1]["note"]) == 20_000_000
    assert time.perf_counter() - start < 10


def test_load_file_is_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "_BLOCK", 7)  # blocks smaller than the marks' context
    path = tmp_path / "x.yaml"
    path.write_bytes(CASSETTE)
    assert loader.load_file(path)[1] == loader.load(CASSETTE, path)[1]
    path.write_bytes(b"a: 1\nbb: &anchor 2\n")
    with pytest.raises(ReadError, match="anchor"):
        loader.load_file(path)


def test_no_corpus_cassette_needs_the_token_check(corpus_dir: Path) -> None:
    """The byte scan clears almost every real file without tokenizing it."""
    files = sorted((corpus_dir / "vcr").rglob("*.yaml"))
    suspects = [path for path in files if loader.might_have_anchors(path.read_bytes(), True)]
    assert len(suspects) <= len(files) // 20


_NAMES = st.text(alphabet="abcXYZ019_-", min_size=1, max_size=5)
_SCALARS = st.text(alphabet="ab &*:-[]{},'\" \n", max_size=12)


@settings(max_examples=300, deadline=None)
@given(
    name=_NAMES,
    before=_SCALARS,
    style=st.sampled_from(["block", "flow", "seq", "key", "tagged", "nested"]),
    alias=st.booleans(),
)
def test_the_byte_scan_never_misses_an_anchor_libyaml_reads(
    name: str, before: str, style: str, alias: bool
) -> None:
    """Whatever surrounds it, an anchor or alias libyaml accepts is always a suspect."""
    quoted = yaml.safe_dump(before).strip().splitlines()[0] if before else "''"
    mark = f"*{name}" if alias else f"&{name} 1"
    text = {
        "block": f"a: {quoted}\nb: {mark}\n",
        "flow": f"a: [{quoted}, {mark}]\n",
        "seq": f"- {quoted}\n- {mark}\n",
        "key": f"a: {quoted}\n{mark}: 2\n" if not alias else f"- {mark}\n",
        "tagged": f"a: !!int {mark}\n" if not alias else f"a: {mark}\n",
        "nested": f"a:\n  b:\n    {mark}\n",
    }[style]
    if alias:
        text = f"z: &{name} 0\n" + text
    data = text.encode()
    try:
        tokens = list(yaml.scan(data, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        return
    if any(isinstance(t, yaml.AnchorToken | yaml.AliasToken) for t in tokens):
        assert loader.might_have_anchors(data, at_start=True), data


_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.binary(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=5) | st.integers() | st.booleans(), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(value=_VALUES, style=st.sampled_from([None, "'", '"', "|"]))
def test_the_value_is_pyyaml_safe_loaders(value: object, style: str | None) -> None:
    data = yaml.safe_dump(value, default_style=style, allow_unicode=True).encode()
    assert loader.load(data, "x.yaml")[1] == yaml.load(data, Loader=yaml.CSafeLoader)


@pytest.mark.parametrize(
    "data",
    [
        b"a: {<<: {x: 1}, y: 2}\n",
        b"t: 2024-01-01 10:00:00\nd: 2024-01-01\nf: .inf\nn: ~\no: 0o17\nh: 0x1F\n",
        b"s: !!set {a, b}\nb: !!binary aGVsbG8=\n1: one\n? [k]\n: v\n",
    ],
)
def test_other_yaml_types_are_the_safe_constructors(data: bytes) -> None:
    try:
        expected = yaml.load(data, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        with pytest.raises(ReadError):
            loader.load(data, "x.yaml")
        return
    assert loader.load(data, "x.yaml")[1] == expected


def test_every_corpus_cassette_loads_to_pyyamls_value_types_and_all(corpus_dir: Path) -> None:
    """The remembered tags of plain scalars give what PyYAML's resolver gives, type for
    type (1 is not 1.0 is not True), over every real cassette, read twice."""
    from cli.core.equality import same_value

    for path in sorted((corpus_dir / "vcr").rglob("*.yaml")) * 2:
        data = path.read_bytes()
        assert same_value(loader.load(data, path)[1], yaml.load(data, Loader=yaml.CSafeLoader))


@pytest.mark.parametrize("text", ["1", "1.5", "yes", "No", "null", "~", "0o17", "0x1F", ".inf"])
def test_a_plain_scalar_is_typed_the_same_quoted_or_not_wherever_it_stands(text: str) -> None:
    data = f"a: {text}\nb: '{text}'\nc:\n- {text}\n- \"{text}\"\n{text}: x\n".encode()
    from cli.core.equality import same_value

    for _ in range(2):  # the second time from what the first remembered
        assert same_value(loader.load(data, "x.yaml")[1], yaml.load(data, Loader=yaml.CSafeLoader))
