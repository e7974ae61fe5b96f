"""yaml_text: surgical edits of YAML text, on small documents of every style.

The corpus-wide properties (no-op, reversibility, load equality, line counts on all 177
real cassettes) are in test_yaml_text_corpus.py.
"""

from __future__ import annotations

import base64

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cli.core.formats.vcr.yaml_text import Delete, Replace, YamlEditError, apply_edits
from tests.core.formats.vcr.helpers import around, load, outside, set_path, style, typed


def edit_and_check(text: str, edits: list) -> str:
    """Apply, then check independently: the result loads to the original with exactly the
    edits made, types included."""
    new = apply_edits(text, edits)
    expected = load(text)
    for edit in edits:
        if isinstance(edit, Delete):
            *parents, last = edit.path
            target = expected
            for step in parents:
                target = target[step]
            del target[last]
        else:
            set_path(expected, edit.path, edit.value)
    assert typed(load(new)) == typed(expected)
    return new


def test_libyaml_marks_count_code_points_crlf_as_two_and_not_the_bom() -> None:
    """The fact the writer's offsets rest on, checked against the installed libyaml."""
    for text, skipped in [
        ("a: 'é😀x'\nb: yy\n", 0),
        ("a: 'é😀x'\r\nb: yy\r\n", 0),
        ("\ufeffa: 'é😀x'\r\nb: yy\r\n", 1),
    ]:
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
        first, second = node.value[0][1], node.value[1][1]
        assert text[skipped + first.start_mark.index : skipped + first.end_mark.index] == "'é😀x'"
        assert text[skipped + second.start_mark.index : skipped + second.end_mark.index] == "yy"


def test_no_edits_return_the_text_without_parsing_it() -> None:
    assert apply_edits("not: [yaml", []) == "not: [yaml"


@pytest.mark.parametrize("value", ["x", 1, 1.5, True, None, b"bytes"])
def test_setting_a_value_to_itself_changes_nothing(value) -> None:
    text = yaml.dump({"a": value, "b": "keep  this   spacing"}).replace("b: ", "b:    ")
    assert apply_edits(text, [Replace(("a",), value)]) == text


def test_a_value_of_another_type_is_a_change() -> None:
    assert apply_edits("a: 1\n", [Replace(("a",), True)]) == "a: true\n"
    assert apply_edits("a: 1\n", [Replace(("a",), 1.0)]) == "a: 1.0\n"
    assert apply_edits("a: 1\n", [Replace(("a",), "1")]) == "a: '1'\n"


# Each case: text, path, new value, the exact result. Every one is also reversed.
STYLE_CASES = {
    "plain": ("a: gpt-4o\nb: 1\n", ("a",), "gpt-4o-mini-renamed", "a: gpt-4o-mini-renamed\nb: 1\n"),
    "plain folded": (
        "a: plain text that is long\n  and folded here\n",
        ("a",),
        "plain text that is LONG and folded here",
        "a: plain text that is LONG\n  and folded here\n",
    ),
    "single-quoted": ("a: 'it''s 4o'\n", ("a",), "it's 4o-mini", "a: 'it''s 4o-mini'\n"),
    "single-quoted folded, blank line for newline": (
        "a: 'one two\n\n  three\n\n  '\n",
        ("a",),
        "one TWO\nthree\nfour\n",
        "a: 'one TWO\n\n  three\n\n  four\n\n  '\n",
    ),
    "double-quoted with escapes": (
        'a: "{\\"model\\":\\"gpt-4o\\"}\\n"\n',
        ("a",),
        '{"model":"gpt-4o-mini-renamed"}\n',
        'a: "{\\"model\\":\\"gpt-4o-mini-renamed\\"}\\n"\n',
    ),
    "double-quoted folded at width 80": (
        'a: "{\\"a\\": 1,\\\n  \\ \\"b\\": \\"sk-abc123\\"}"\n',
        ("a",),
        '{"a": 1, "b": "<REDACTED:openai>"}',
        'a: "{\\"a\\": 1,\\\n  \\ \\"b\\": \\"<REDACTED:openai>\\"}"\n',
    ),
    "double-quoted keeps its non-ASCII habit": (
        'a: "caf\\xE9"\n',
        ("a",),
        "cafés ü",
        'a: "caf\\xE9s \\xFC"\n',
    ),
    "literal": (
        'a: |\n  data: {"model":"gpt-4o"}\n\n  data: [DONE]\nb: 1\n',
        ("a",),
        'data: {"model":"o1"}\n\ndata: [DONE]\n',
        'a: |\n  data: {"model":"o1"}\n\n  data: [DONE]\nb: 1\n',
    ),
    "literal strip, new line inside": (
        "a: |-\n    x\n    y\nb: 1\n",
        ("a",),
        "x\nnew\ny",
        "a: |-\n    x\n    new\n    y\nb: 1\n",
    ),
    "literal keep": ("a: |+\n  x\n\n\nb: 1\n", ("a",), "xy\n\n\n", "a: |+\n  xy\n\n\nb: 1\n"),
    "literal: chomping follows the value": (
        "a: |\n  x\nb: 1\n",
        ("a",),
        "x",
        "a: |-\n  x\nb: 1\n",
    ),
    "literal: indentation indicator when needed": (
        "a: |-\n  x\n  y\nb: 1\n",
        ("a",),
        " x\ny",
        "a: |2-\n   x\n  y\nb: 1\n",
    ),
    "literal: a writer's |2 habit is kept": (
        "a: |2\n\n  x\nb: 1\n",
        ("a",),
        "\nxyz\n",
        "a: |2\n\n  xyz\nb: 1\n",
    ),
    "folded": (
        "a: >\n  folded text\n  goes here\nb: 1\n",
        ("a",),
        "folded TEXT goes here\n",
        "a: >\n  folded TEXT\n  goes here\nb: 1\n",
    ),
    "int": ("code: 200\n", ("code",), 404, "code: 404\n"),
    "float": ("t: 0.5\n", ("t",), 1.25, "t: 1.25\n"),
    "bool": ("s: false\n", ("s",), True, "s: true\n"),
    "in a sequence": ("h:\n  X:\n  - '61'\n", ("h", "X", 0), "62", "h:\n  X:\n  - '62'\n"),
    "in a flow mapping": ("h: {x: ab, y: 2}\n", ("h", "x"), "abc", "h: {x: abc, y: 2}\n"),
    "binary on one line stays on one line": (
        'a: !!binary "SGVsbG8="\n',
        ("a",),
        b"other bytes, more than seventy-six characters of base64 text once encoded",
        'a: !!binary "b3RoZXIgYnl0ZXMsIG1vcmUgdGhhbiBzZXZlbnR5LXNpeCBjaGFyYWN0ZXJzIG9mIGJhc2U2NCB0'
        'ZXh0IG9uY2UgZW5jb2RlZA=="\n',
    ),
    "anchor kept": ("a: &x one\nb: 2\n", ("a",), "two", "a: &x two\nb: 2\n"),
    "tag kept": ("a: !!str 123\n", ("a",), "1234", "a: !!str 1234\n"),
    "CRLF and a byte-order mark": (
        "\ufeffa: 'é😀'\r\nb: |\r\n  x\r\n  y\r\n",
        ("b",),
        "x\nz\ny\n",
        "\ufeffa: 'é😀'\r\nb: |\r\n  x\r\n  z\r\n  y\r\n",
    ),
    "double-quoted keeps lower-case hex": (
        'a: "caf\\u00e9"\n',
        ("a",),
        "cafés ü",
        'a: "caf\\u00e9s \\xfc"\n',
    ),
    "non-ASCII before the scalar": (
        "x: 'é😀ü'\na: gpt\n",
        ("a",),
        "gpt-4o",
        "x: 'é😀ü'\na: gpt-4o\n",
    ),
}


NARROW = "'quoted' one two three four five six seven eight nine ten eleven twelve"
NARROW_SQ = yaml.dump({"a": NARROW}, width=20)
NARROW_DQ = yaml.dump({"a": NARROW + "\n"}, width=20, default_style='"')
FOLDED_SQ = yaml.dump({"a": "x gpt-4o " * 12}, width=30)
# Folded at width 20 or 30: rewriting such a scalar whole would fold it at PyYAML's 80.
STYLE_CASES |= {
    "single-quoted at width 20, a quote added": (
        NARROW_SQ,
        ("a",),
        NARROW.replace("seven", "sev'en"),
        NARROW_SQ.replace("seven", "sev''en"),
    ),
    "double-quoted at width 20, a quote added": (
        NARROW_DQ,
        ("a",),
        NARROW.replace("seven", 'sev"en') + "\n",
        NARROW_DQ.replace("seven", 'sev\\"en'),
    ),
    "single-quoted, one word in many folded lines": (
        FOLDED_SQ,
        ("a",),
        "x o3 " * 12,
        FOLDED_SQ.replace("gpt-4o", "o3"),
    ),
    "literal, one word in several lines": (
        "a: |\n  data: gpt-4o\n\n  data: gpt-4o\n\n  data: [DONE]\n",
        ("a",),
        "data: o3\n\ndata: o3\n\ndata: [DONE]\n",
        "a: |\n  data: o3\n\n  data: o3\n\n  data: [DONE]\n",
    ),
}


def test_the_narrow_cases_are_folded_as_intended() -> None:
    assert NARROW_SQ.startswith("a: '''") and NARROW_SQ.count("\n") > 3
    assert NARROW_DQ.count("\\\n") >= 3
    assert FOLDED_SQ.count("\n") > 3


@pytest.mark.parametrize("name", list(STYLE_CASES))
def test_a_scalar_is_rewritten_in_its_own_style_and_back(name: str) -> None:
    text, path, value, expected = STYLE_CASES[name]
    new = edit_and_check(text, [Replace(path, value)])
    assert new == expected
    old = load(text)
    for step in path:
        old = old[step]
    assert apply_edits(new, [Replace(path, old)]) == text


# Values a style can't hold: the scalar is written the way PyYAML would write it there.
FALLBACK_CASES = {
    "plain that needs quotes": (
        "a: plain\nb: 1\n",
        ("a",),
        "plain: colon",
        "a: 'plain: colon'\nb: 1\n",
    ),
    "plain that would load as a bool": ("a: yes-ish\n", ("a",), "true", "a: 'true'\n"),
    "plain into a flow sequence": ("a: [1, 2]\n", ("a", 0), "x, y", "a: ['x, y', 2]\n"),
    "literal that can't hold a CR": (
        "a: |-\n  x\n  y\nb: 1\n",
        ("a",),
        "x\ry",
        'a: "x\\ry"\nb: 1\n',
    ),
    "single quotes that can't hold a control character": (
        "a: 'x'\n",
        ("a",),
        "x\x00",
        'a: "x\\0"\n',
    ),
    "empty value gets one": ("a:\nb: 1\n", ("a",), "now set", "a: now set\nb: 1\n"),
    "empty value, comment kept": ("a:  # c\nb: 1\n", ("a",), 5, "a: 5  # c\nb: 1\n"),
    "bytes into a str": ("a: text\n", ("a",), b"\x00\x01", "a: !!binary |\n  AAE=\n"),
    "str into bytes": ("a: !!binary |\n  SGVsbG8=\nb: 1\n", ("a",), "text", "a: text\nb: 1\n"),
    "int into a quoted str": ("a: '200'\n", ("a",), 200, "a: 200\n"),
    "infinity": ("a: 1\n", ("a",), float("inf"), "a: .inf\n"),
}


@pytest.mark.parametrize("name", list(FALLBACK_CASES))
def test_a_value_the_style_cant_hold_is_written_as_pyyaml_would(name: str) -> None:
    text, path, value, expected = FALLBACK_CASES[name]
    assert edit_and_check(text, [Replace(path, value)]) == expected


def test_a_multi_line_value_in_a_quoted_scalar_followed_by_a_comment() -> None:
    new = edit_and_check("a: 'x' # c\nb: 1\n", [Replace(("a",), "multi\nline\n")])
    assert new == "a: 'multi\n\n  line\n\n  ' # c\nb: 1\n"


def test_binary_keeps_its_layout() -> None:
    data = bytes(range(256)) * 2
    text = yaml.dump({"a": data, "b": 1})
    assert "!!binary |" in text
    other = b"different bytes of another length" * 9
    new = edit_and_check(text, [Replace(("a",), other)])
    lines = new.splitlines()
    body = lines[1 : lines.index("b: 1")]
    assert [len(line) for line in body[:-1]] == [78] * (len(body) - 1)  # 2 spaces + 76
    assert "".join(line.strip() for line in body) == base64.b64encode(other).decode()
    assert apply_edits(new, [Replace(("a",), data)]) == text


def test_binary_keeps_a_writers_own_line_width() -> None:
    encoded = base64.b64encode(bytes(range(200))).decode()
    text = "a: !!binary |\n" + "".join(f"  {encoded[i : i + 60]}\n" for i in range(0, 268, 60))
    new = edit_and_check(text, [Replace(("a",), bytes(range(100, 250)))])
    assert {len(line) for line in new.splitlines()[1:-1]} == {62}


DELETE_CASES = {
    "block": (
        "h:\n  A: 1\n  B:\n  - x\n  - y\n  C: 3\nq: 2\n",
        [("h", "B")],
        "h:\n  A: 1\n  C: 3\nq: 2\n",
    ),
    "block, comment on the line goes": ("h:\n  A: 1 # c\n  B: 2\n", [("h", "A")], "h:\n  B: 2\n"),
    "block, literal value": (
        "h:\n  Y: |\n    text\n\n  Z: 1\nq: 2\n",
        [("h", "Y")],
        "h:\n\n  Z: 1\nq: 2\n",
    ),
    "block, all": ("h:\n  A: 1\n  B: 2\nq: 2\n", [("h", "A"), ("h", "B")], "h: {}\nq: 2\n"),
    "after a dash": ("- a: 1\n  b: 2\n  c: 3\n", [(0, "a")], "- b: 2\n  c: 3\n"),
    "after a dash, two": ("- a: 1\n  b: 2\n  c: 3\n", [(0, "a"), (0, "b")], "- c: 3\n"),
    "after a dash, all": ("- a: 1\n  b: 2\n", [(0, "a"), (0, "b")], "- {}\n"),
    "flow, first": ("h: {x: 1, y: 2, z: 3}\n", [("h", "x")], "h: {y: 2, z: 3}\n"),
    "flow, last two": ("h: {x: 1, y: 2, z: 3}\n", [("h", "y"), ("h", "z")], "h: {x: 1}\n"),
    "flow, only": ("h: {x: 1}\n", [("h", "x")], "h: {}\n"),
    "CRLF": ("h:\r\n  A: 1\r\n  B: 2\r\n", [("h", "A")], "h:\r\n  B: 2\r\n"),
}


@pytest.mark.parametrize("name", list(DELETE_CASES))
def test_deleting_entries_removes_their_lines_only(name: str) -> None:
    text, paths, expected = DELETE_CASES[name]
    assert edit_and_check(text, [Delete(path) for path in paths]) == expected


ERROR_CASES = {
    "not YAML": ("a: [x\n", Replace(("a", 0), 1), "not valid YAML at line 2, column 1"),
    "two documents": ("a: 1\n---\nb: 2\n", Replace(("a",), 1), "single document"),
    "no document": ("", Replace(("a",), 1), "no YAML document"),
    "missing key": ("a: x\n", Replace(("b",), 1), "/ has no key 'b'"),
    "bad index": ("a: [x]\n", Replace(("a", 3), 1), "/a has no item 3"),
    "index into a mapping": ("a: {b: 1}\n", Replace(("a", 0), 1), "/a is a mapping"),
    "through a scalar": ("a: x\n", Replace(("a", "q"), 1), "/a is a scalar"),
    "not a scalar": ("a: {b: 1}\n", Replace(("a",), 1), "/a is a mapping, not a scalar"),
    "not a scalar value": ("a: x\n", Replace(("a",), [1]), "cannot write a list"),
    "shared by an alias": ("a: &x 1\nb: *x\n", Replace(("a",), 2), "shared through a YAML alias"),
    "delete a shared anchor": ("a: &x 1\nb: *x\n", Delete(("a",)), "shared through a YAML alias"),
    "delete an item": ("a: [1]\n", Delete(("a", 0)), "not a mapping entry"),
    "unknown tag": ("a: !foo bar\n", Replace(("a",), "x"), "cannot read its value"),
    "value its tag can't hold": ("a: !!int x1\n", Replace(("a",), 2), "cannot read its value"),
    "merge key": ("b: &x {c: 1}\na:\n  <<: *x\n  d: 2\n", Replace(("a", "d"), 3), "merge key"),
}


@pytest.mark.parametrize("name", list(ERROR_CASES))
def test_edits_that_cant_be_made_raise_one_line(name: str) -> None:
    text, edit, message = ERROR_CASES[name]
    with pytest.raises(YamlEditError) as error:
        apply_edits(text, [edit])
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_overlapping_edits_are_refused() -> None:
    with pytest.raises(YamlEditError, match="overlap"):
        apply_edits(
            "a:\n  b: 1\n  c: 2\n", [Delete(("a", "b")), Delete(("a",)), Replace(("a", "c"), 3)]
        )


def test_an_edit_of_the_same_path_twice_is_refused() -> None:
    with pytest.raises(YamlEditError, match="edited twice"):
        apply_edits("a: 1\n", [Replace(("a",), 2), Replace(("a",), 3)])


# Random values in random PyYAML styles, edited at random.
WORD = st.text(st.sampled_from("abcxyz0189-_./:<>é😀'\"\\#&*!|{}[], \t"), min_size=1, max_size=12)
VALUE = st.lists(
    st.sampled_from(["word", " ", "\n", "'", '"', "é", ":", "#", "gpt-4o"]), max_size=20
)


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(VALUE.map("".join), min_size=1, max_size=3),
    writer_style=st.sampled_from([None, "'", '"', "|", ">"]),
    width=st.integers(20, 100),
    which=st.integers(0, 2),
    cut=st.tuples(st.integers(0, 40), st.integers(0, 6)),
    insert=WORD.map(str.strip),
)
def test_random_edits_load_back_right_and_reverse_when_the_style_holds(
    values, writer_style, width, which, cut, insert
) -> None:
    text = yaml.dump(
        {"k": values, "n": 1}, default_style=writer_style, width=width, allow_unicode=True
    )
    path = ("k", which % len(values))
    old = values[path[1]]
    start = min(cut[0], len(old))
    end = start
    while end < len(old) and end - start < cut[1] and old[end].isascii() and old[end].isalnum():
        # Part of an ASCII word, a token such as a model name or a key. (Replacing a
        # document's only non-ASCII character takes away the evidence of how its writer
        # writes them, so its reverse may escape it: a known limit.)
        end += 1
    new = old[:start] + insert + old[end:]
    assume(new != old)
    changed = edit_and_check(text, [Replace(path, new)])
    if style(changed, path) == style(text, path):
        assert outside(changed, [path]) == outside(text, [path])
        assert apply_edits(changed, [Replace(path, old)]) == text
    else:  # rewritten whole in another style: all before it, and all from the next token on
        assert around(changed, path) == around(text, path)
