"""yaml_text on every real VCR cassette (six writers' styles): no-op, edit and reverse,
load equality, untouched bytes, line counts, binary bodies, header deletion, random edits.

Each test walks all cassettes and collects what failed, so one report names every file.
"""

from __future__ import annotations

import base64
import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cli.core.formats.vcr.yaml_text import Delete, Replace, apply_edits
from tests.core.formats.vcr.helpers import (
    around,
    load,
    nodes_at,
    outside,
    scalars,
    set_path,
    style,
    typed,
)

MODEL = re.compile(
    r"\b(?:gpt-4o(?:-mini)?|gpt-4\.1(?:-mini|-nano)?|gpt-3\.5-turbo|gpt-5(?:\.\d)?(?:-mini)?"
    r"|claude-[a-z0-9.-]+|gemini-[0-9][a-z0-9.-]*|o[134](?:-mini)?|command-r[a-z0-9-]*)\b"
)
CREATED = re.compile(r'("created(?:_at)?":\s*)(\d{9,10})\b')
SECRET = re.compile(
    r"sk-[A-Za-z0-9_-]{8,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{20,}|__cf_bm=[A-Za-z0-9._-]+"
    r"|(?<=Bearer )[A-Za-z0-9._~+/-]{8,}"
)


def realistic_edits(data: dict) -> list[tuple[tuple, object, object]]:
    """(path, old, new) per scalar: model names renamed, secret-looking parts redacted and
    `created` timestamps shifted, in any string (JSON bodies, SSE lines, headers, URLs);
    numbers changed; one value per headers mapping changed."""
    edits = {}
    for path, value in scalars(data):
        if isinstance(value, str):
            new = MODEL.sub(lambda m: m.group() + "-mini-renamed", value)
            new = SECRET.sub("<REDACTED:openai>", new)
            new = CREATED.sub(lambda m: m.group(1) + str(int(m.group(2)) + 3600), new)
            if new != value:
                edits[path] = (value, new)
        elif isinstance(value, int) and not isinstance(value, bool):
            edits[path] = (value, value + 7)
    for interaction_index, interaction in enumerate(data["interactions"]):
        for side in ("request", "response"):
            headers = (interaction.get(side) or {}).get("headers")
            if isinstance(headers, dict) and headers:
                name, values = next(iter(headers.items()))
                if isinstance(values, list) and values and isinstance(values[0], str):
                    path = ("interactions", interaction_index, side, "headers", name, 0)
                    old = edits.get(path, (values[0], values[0]))[1]
                    edits[path] = (values[0], old + "-changed")
    return [(path, old, new) for path, (old, new) in edits.items()]


def test_no_edits_and_same_values_give_back_every_file(vcr_cassettes) -> None:
    failed = []
    for cassette in vcr_cassettes:
        same_values = [Replace(path, value) for path, value in scalars(cassette.data) if path]
        if apply_edits(cassette.text, []) != cassette.text:
            failed.append(("no edits", cassette.path.name))
        if apply_edits(cassette.text, same_values) != cassette.text:
            failed.append(("same values", cassette.path.name))
    assert failed == []


def test_realistic_edits_and_their_reverse_in_every_file(vcr_cassettes) -> None:
    failed, edited_files, edited_scalars = [], 0, 0
    for cassette in vcr_cassettes:
        edits = realistic_edits(cassette.data)
        if not edits:
            continue
        edited_files, edited_scalars = edited_files + 1, edited_scalars + len(edits)
        name, text = cassette.path.name, cassette.text
        changed = apply_edits(text, [Replace(path, new) for path, _, new in edits])
        expected = load(text)
        for path, _, new in edits:
            set_path(expected, path, new)
        if typed(load(changed)) != typed(expected):
            failed.append(("loads differently", name))
        paths = [path for path, _, _ in edits]
        if outside(changed, paths) != outside(text, paths):
            failed.append(("bytes outside the edited scalars changed", name))
        if changed.count("\n") != text.count("\n"):
            failed.append(("line count changed", name))
        if apply_edits(changed, [Replace(path, old) for path, old, _ in edits]) != text:
            failed.append(("reverse differs", name))
    assert failed == []
    assert edited_files >= 170 and edited_scalars > 2000


def test_realistic_edits_with_crlf_and_a_byte_order_mark(vcr_cassettes) -> None:
    failed = []
    for cassette in vcr_cassettes[::4]:
        text = "\ufeff" + cassette.text.replace("\n", "\r\n")
        edits = realistic_edits(cassette.data)
        changed = apply_edits(text, [Replace(path, new) for path, _, new in edits])
        if edits and (changed == text or "\n" in changed.replace("\r\n", "")):
            failed.append(("not CRLF", cassette.path.name))
        if apply_edits(changed, [Replace(path, old) for path, old, _ in edits]) != text:
            failed.append(("reverse differs", cassette.path.name))
    assert failed == []


def test_binary_bodies_take_new_bytes_in_their_layout_and_back(vcr_cassettes) -> None:
    failed, files = [], 0
    for cassette in vcr_cassettes:
        binaries = [(path, value) for path, value in scalars(cassette.data) if type(value) is bytes]
        if not binaries:
            continue
        files += 1
        name, text = cassette.path.name, cassette.text
        new_values = {
            path: value[: len(value) // 3] + b"\x00other bytes\xff" * 5 for path, value in binaries
        }
        changed = apply_edits(text, [Replace(path, value) for path, value in new_values.items()])
        loaded = load(changed)
        for (path, value), node in zip(
            new_values.items(), nodes_at(changed, list(new_values)), strict=True
        ):
            lines = node.value.split("\n")
            if node.tag != "tag:yaml.org,2002:binary" or node.style != "|":
                failed.append(("not a !!binary block", name, path))
            elif any(len(line) != 76 for line in lines[:-2]) or lines[-1] != "":
                failed.append(("not 76-character lines", name, path))
            target = loaded
            for step in path:
                target = target[step]
            if target != value or base64.b64decode(node.value) != value:
                failed.append(("wrong bytes", name, path))
        paths = list(new_values)
        if outside(changed, paths) != outside(text, paths):
            failed.append(("bytes outside the binary scalars changed", name))
        if apply_edits(changed, [Replace(path, value) for path, value in binaries]) != text:
            failed.append(("reverse differs", name))
    assert failed == []
    assert files >= 60


def test_deleting_headers_removes_their_lines_and_nothing_else(vcr_cassettes) -> None:
    """In the first interaction with headers, on each side: the first, the last, every
    other, and all of them."""
    failed, deletions = [], 0
    for cassette in vcr_cassettes:
        name, text, interactions = cassette.path.name, cassette.text, cassette.data["interactions"]
        original = typed(cassette.data)
        for side in ("request", "response"):
            with_headers = [
                index
                for index, interaction in enumerate(interactions)
                if isinstance((interaction.get(side) or {}).get("headers"), dict)
                and interaction[side]["headers"]
            ]
            for index in with_headers[:1]:
                names = list(interactions[index][side]["headers"])
                base = ("interactions", index, side, "headers")
                for chosen in (names[:1], names[-1:], names[::2], names):
                    deletions += 1
                    changed = apply_edits(text, [Delete((*base, h)) for h in chosen])
                    loaded = load(changed)
                    headers = interactions[index][side]["headers"]
                    kept = {k: v for k, v in headers.items() if k not in chosen}
                    if typed(loaded["interactions"][index][side]["headers"]) != typed(kept):
                        failed.append(("wrong headers left", name, index, side, len(chosen)))
                    loaded["interactions"][index][side]["headers"] = headers
                    if typed(loaded) != original:
                        failed.append(("other values changed", name, index, side, len(chosen)))
                    if not _lines_are_a_subsequence(changed, text, allowed={"headers: {}"}):
                        failed.append(("other lines changed", name, index, side, len(chosen)))
    assert failed == []
    assert deletions > 1000


def _lines_are_a_subsequence(changed: str, text: str, allowed: set[str]) -> bool:
    """Every line of `changed` is a line of `text`, in order (or an allowed new line)."""
    original = iter(text.splitlines())
    return all(
        line.strip() in allowed or any(line == old for old in original)
        for line in changed.splitlines()
    )


PIECES = ["a", "Z", "0", "-", "é", "😀", "'", '"', "\\", ":", "#", " ", "\n"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.tuples(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6)),
    limit=st.integers(0, 12),
    insert=st.lists(st.sampled_from(PIECES), max_size=10).map("".join).map(str.strip),
)
def test_random_edits_in_corpus_scalars(vcr_cassettes, which, limit, insert) -> None:
    """A cassette, one of its string scalars, and part of an ASCII word in it (a token such
    as a model name or a key) replaced by random text: quotes, backslashes, non-ASCII,
    inner blanks and line breaks included. Only small numbers are drawn: the values
    themselves are far too big for hypothesis to print."""
    cassette = vcr_cassettes[which[0] % len(vcr_cassettes)]
    strings = [(p, v) for p, v in scalars(cassette.data) if isinstance(v, str) and v]
    assume(strings)
    path, old = strings[which[1] % len(strings)]
    start = end = which[2] % (len(old) + 1)
    while end < len(old) and end - start < limit and old[end].isascii() and old[end].isalnum():
        end += 1
    new = old[:start] + insert + old[end:]
    assume(new != old)
    text = cassette.text
    changed = apply_edits(text, [Replace(path, new)])
    expected = load(text)
    set_path(expected, path, new)
    assert typed(load(changed)) == typed(expected)
    if style(changed, path) == style(text, path):
        assert outside(changed, [path]) == outside(text, [path])
        if "\n" not in insert:
            assert changed.count("\n") == text.count("\n")
        assert apply_edits(changed, [Replace(path, old)]) == text
    else:
        assert around(changed, path) == around(text, path)
