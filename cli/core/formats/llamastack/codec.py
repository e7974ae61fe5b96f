"""Bytes <-> JSON value for llama-stack recordings, keeping each file's own style.

Rules:
- Reading uses orjson. Only when orjson refuses a file does the standard library get a
  second look, so that Python's own dialect (NaN, Infinity, integers wider than 64
  bits) still loads and a refusal can name its line and column.
- A file's style (indent, separators, ASCII escaping, the seeds' collapsed single line,
  line endings, byte-order mark, what follows the last brace) is detected only when
  something is about to be written, since reading never needs it. Style is JSON text's,
  not llama-stack's (`cli.core.jsontext`, which VCR bodies' JSON uses too); it is
  re-exported here for this format's callers.
- Writing uses the standard library, because orjson can neither escape to ASCII nor
  reproduce Python's float repr. `dump(value, detect_style(raw, value)) == raw` for every
  file a Python recorder wrote; `Style.exact` says whether that held for this file.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import orjson

from cli.core.jsontext import BOM, DEFAULT_STYLE, Style, detect_style, dump, has_long_integer
from cli.errors import NotACassette, ReadError

__all__ = [
    "BOM",
    "DEFAULT_STYLE",
    "Style",
    "detect_style",
    "dump",
    "loads",
    "read",
    "read_bytes",
]

MAX_DEPTH = 1000  # below Python's recursion limit, far above any real recording


def loads(data: bytes, path: Path | str) -> dict[str, Any]:
    """Parse a cassette's bytes into its top-level object, or raise a one-line ReadError."""
    value = parse(data, path)
    if not isinstance(value, dict):
        raise not_an_object(value, path)
    return value


def not_an_object(value: Any, path: Path | str) -> NotACassette:
    """The error for a file whose top-level JSON value is not an object."""
    kind = _json_kind(type(value).__name__ if value is not None else "null")
    return NotACassette(
        f'top-level JSON value is a {kind}; a cassette is an object with "request" and "response"',
        path,
        reason=f"its top-level JSON value is a {kind}",
    )


def parse(data: bytes, path: Path | str) -> Any:
    """Any JSON value from bytes, or a one-line ReadError: `loads` without the object check,
    for `validate`, which reports a non-object as its own finding."""
    if data.startswith(BOM):
        data = data[len(BOM) :]
    if has_long_integer(data):
        return _loads_slowly(data, path)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return _loads_slowly(data, path)


def read(path: Path | str) -> tuple[dict[str, Any], bytes]:
    """Read and parse one file, whatever its extension. Returns (value, raw bytes)."""
    data = read_bytes(path)
    return loads(data, path), data


def read_bytes(path: Path | str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except IsADirectoryError:
        raise ReadError(_directory_problem(path), path) from None
    except FileNotFoundError:
        if os.path.islink(path):
            raise ReadError("is a symbolic link to a missing file", path) from None
        raise ReadError("no such file", path) from None
    except NotADirectoryError:
        raise ReadError(
            "no such file: a part of its path is a file, not a directory", path
        ) from None
    except PermissionError:
        if os.path.isdir(path):  # a directory iter_paths could not list
            raise ReadError(_directory_problem(path), path) from None
        raise ReadError("permission denied; cannot read it", path) from None
    except OSError as exc:
        raise ReadError(f"cannot read it: {exc.strerror or exc}", path) from None


def _directory_problem(path: Path | str) -> str:
    try:
        os.listdir(path)
    except OSError as exc:
        return f"directory cannot be read ({exc.strerror or exc}); its cassettes were not read"
    return "is a directory, not a cassette file"


def _loads_slowly(data: bytes, path: Path | str) -> Any:
    """The standard library's reading, for what orjson refuses: say exactly why, or load it."""
    if not data.strip():
        raise ReadError("file is empty; a cassette is a JSON object", path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}; "
            "re-save the file as UTF-8",
            path,
        ) from None
    # Counting brackets is C speed; most files have too few to nest too deep.
    shallow = data.count(b"[") + data.count(b"{") <= MAX_DEPTH
    depth = 0 if shallow else _max_depth(text)
    if depth > MAX_DEPTH:
        raise ReadError(
            f"JSON nesting is {depth} levels deep; more than {MAX_DEPTH} is not a recording",
            path,
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        # A string left open runs to the end of the file: that is a truncated file too.
        ends = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        hint = " (the file ends too early: truncated?)" if ends else ""
        raise ReadError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {json_problem(exc)}{hint}",
            path,
            line=exc.lineno,
            column=exc.colno,
        ) from None
    except RecursionError:
        raise ReadError("JSON nesting is too deep to be a recording", path) from None
    except ValueError as exc:  # an integer of more digits than int() accepts (4300)
        raise ReadError(f"a number in it cannot be read: {exc}", path) from None


_PROBLEMS = {
    "Unterminated string starting at": "a string starts there and is never closed",
    "Expecting value": "a value was expected",
    "Expecting ',' delimiter": "a ',' was expected",
    "Expecting ':' delimiter": "a ':' was expected",
    "Expecting property name enclosed in double quotes": "a name in double quotes was expected",
    "Extra data": "more data follows the JSON value",
}


def json_problem(error: json.JSONDecodeError) -> str:
    """The standard library's reason as a whole phrase: its messages are written to be
    followed by a position (`Unterminated string starting at: line 1 column 19`), which
    our message gives before them."""
    message = error.msg
    if message in _PROBLEMS:
        return _PROBLEMS[message]
    if message.startswith("Invalid control character"):
        char = error.doc[error.pos : error.pos + 1] or " "
        return f"a string holds a raw control character ({char!r}); write it as \\u{ord(char):04x}"
    if message == "Invalid \\uXXXX escape":
        return "a \\u escape needs four hex digits"
    if message.startswith("Invalid \\escape"):
        escape = error.doc[error.pos : error.pos + 2]
        return f"{escape} is not a JSON escape (a backslash is written \\\\)"
    return message.removesuffix(" at")


def _max_depth(text: str) -> int:
    """Bracket depth, ignoring brackets inside strings; cheap enough for the slow path."""
    stripped = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)
    depth = deepest = 0
    for char in stripped:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _json_kind(python_kind: str) -> str:
    return {
        "list": "list",
        "str": "string",
        "int": "number",
        "float": "number",
        "bool": "boolean",
    }.get(python_kind, python_kind)
