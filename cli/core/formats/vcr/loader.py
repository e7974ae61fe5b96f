"""Load a YAML cassette safely: libyaml's parser, PyYAML's safe constructor, no anchors.

Rules:
- Only `yaml.CSafeLoader`: C parsing, and a constructor that builds plain values only.
  A `!!python/...` tag is an error and never runs anything.
- Anchors and aliases are refused outright, before anything is constructed: none of the
  thousands of real cassettes has one, and a few hundred bytes of aliases expand to
  billions of characters when walked. A byte scan (`might_have_anchors`, at `find`
  speed) clears almost every file; only files it can't clear are tokenized to be sure.
- libyaml itself refuses nesting over 1,000 levels; bytes that aren't UTF-8 (or
  UTF-16 with its byte-order mark) and tabs where YAML wants spaces are its errors too.
- Every problem is one `ReadError` line with the line and column where YAML says it is.
- `load` returns the root node (every scalar's position and style, for an edit that must
  rewrite one scalar in place) and the value built from it, from one parse.
- Building the value: plain strings, lists and string-keyed mappings (nearly all of a
  cassette) are built directly, about twice as fast as PyYAML's generic constructor;
  every other node (numbers, null, `!!binary`, merge keys...) is handed to that safe
  constructor, so the value is exactly `yaml.load(..., Loader=CSafeLoader)`'s.
- `load_file` reads a big file from disk a block at a time, never holding its bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import yaml

from cli.errors import ReadError

BOM = b"\xef\xbb\xbf"
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_PLAIN_TAGS: dict[str, str] = {}  # short plain scalar -> its tag (the same in any file)
_NAME = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_BEFORE = frozenset(b" \t\r\n[{,:")  # what may precede a node's `&anchor` or `*alias`
_BLOCK = 1024 * 1024


def load(raw: bytes, path: Path | str) -> tuple[yaml.Node | None, Any]:
    """(root node, value) of the YAML document in `raw`; a one-line ReadError if it can't
    be read safely."""
    if might_have_anchors(raw, at_start=True):
        refuse_anchors(raw, path)
    return _compose_and_construct(raw, path)


def load_file(path: Path) -> tuple[yaml.Node | None, Any]:
    """`load` for a big file, read from disk a block at a time (twice when its bytes
    can't be cleared of anchors without tokenizing)."""
    with _open(path) as handle:
        suspect = _scan_file(handle)
    if suspect:
        with _open(path) as handle:
            refuse_anchors(handle, path)
    with _open(path) as handle:
        return _compose_and_construct(handle, path)


def might_have_anchors(raw: bytes, at_start: bool = False) -> bool:
    """Whether `raw` may hold a YAML anchor or alias: an `&` or `*` followed by a name
    character (libyaml's names are `[A-Za-z0-9_-]`) where a node can start."""
    for mark in (b"&", b"*"):
        index = raw.find(mark)
        while index != -1:
            if index + 1 < len(raw) and raw[index + 1] in _NAME:
                if index == 0:
                    if at_start:
                        return True
                elif raw[index - 1] in _BEFORE or (at_start and raw[:index] == BOM):
                    return True
            index = raw.find(mark, index + 1)
    return False


def refuse_anchors(stream: bytes | IO[bytes], path: Path | str) -> None:
    """Raise a ReadError at the first anchor or alias in `stream`; tokens only, nothing
    is built."""
    loader = yaml.CSafeLoader(stream)
    try:
        while loader.check_token():
            token = loader.get_token()
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                what = "an anchor" if isinstance(token, yaml.AnchorToken) else "an alias"
                mark = token.start_mark
                raise ReadError(
                    f"uses {what} ({'&' if what == 'an anchor' else '*'}{token.value}) at "
                    f"line {mark.line + 1}, column {mark.column + 1}; cassettes never use "
                    "YAML anchors or aliases, so this file is refused",
                    path,
                    line=mark.line + 1,
                    column=mark.column + 1,
                )
    except yaml.YAMLError as exc:
        raise _read_error(exc, path) from None
    finally:
        loader.dispose()


class _Loader(yaml.CSafeLoader):
    """CSafeLoader with the same tags, found faster: libyaml asks Python for the tag of
    every untagged scalar, and most of a cassette's plain scalars recur (keys, header
    names and values), so a plain scalar's tag is remembered; a quoted one is a string
    without asking the regexes. No path resolvers: nothing to descend or ascend."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is not yaml.ScalarNode:
            return _SEQ if kind is yaml.SequenceNode else _MAP
        if not implicit[0]:
            return _STR  # quoted, or a block: never a number, a bool or a null
        tag = _PLAIN_TAGS.get(value)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(value) <= 64 and len(_PLAIN_TAGS) < 8192:
                _PLAIN_TAGS[value] = tag
        return tag

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


def _compose_and_construct(stream: bytes | IO[bytes], path: Path | str) -> tuple[Any, Any]:
    loader = _Loader(stream)
    try:
        node = loader.get_single_node()
        value = _build(loader, node) if node is not None else None
    except yaml.YAMLError as exc:
        raise _read_error(exc, path) from None
    except (RecursionError, MemoryError):
        raise ReadError("is nested too deeply to be read", path) from None
    finally:
        loader.dispose()
    return node, value


def _build(loader: yaml.CSafeLoader, node: yaml.Node) -> Any:
    """The value of `node`: the common shapes here, the rest by the safe constructor."""
    kind = node.__class__
    if kind is yaml.ScalarNode:
        return node.value if node.tag == _STR else loader.construct_object(node, deep=True)
    if kind is yaml.SequenceNode and node.tag == _SEQ:
        return [_build(loader, item) for item in node.value]
    if kind is yaml.MappingNode and node.tag == _MAP:
        out = {}
        for key, item in node.value:
            if key.__class__ is not yaml.ScalarNode or key.tag != _STR:
                return loader.construct_object(node, deep=True)  # merge keys, odd keys
            out[key.value] = _build(loader, item)
        return out
    return loader.construct_object(node, deep=True)


def _scan_file(handle: IO[bytes]) -> bool:
    """`might_have_anchors` over a file a block at a time (each block sees the two bytes
    before it, so a mark on a boundary is judged with what precedes it)."""
    tail, first = b"", True
    while block := handle.read(_BLOCK):
        if might_have_anchors(tail + block, at_start=first):
            return True
        tail, first = block[-2:], False
    return False


def _open(path: Path) -> IO[bytes]:
    try:
        return open(path, "rb")
    except OSError as exc:
        raise ReadError(f"cannot read it: {exc.strerror or exc}", path) from None


def _read_error(exc: yaml.YAMLError, path: Path | str) -> ReadError:
    """One line from PyYAML's multi-line message, with where it happened."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in str(exc.problem):
        tag = str(exc.problem).split("tag", 1)[1].strip(" '")
        problem = f"uses the tag {tag}, which a cassette never needs (safe loading only)"
    elif isinstance(exc, yaml.reader.ReaderError):
        problem = f"is not UTF-8 text: {exc.reason} at byte {exc.position}"
        return ReadError(problem, path)
    else:
        parts = [getattr(exc, "context", None), getattr(exc, "problem", None)]
        problem = "not valid YAML: " + "; ".join(str(p) for p in parts if p) if any(parts) else ""
        problem = problem or f"not valid YAML: {exc}"
    if mark is None:
        return ReadError(problem, path)
    line, column = mark.line + 1, mark.column + 1
    return ReadError(f"{problem} (line {line}, column {column})", path, line=line, column=column)
