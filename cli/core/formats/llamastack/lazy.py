"""Read a big cassette a part at a time: the request first, then the response's items one
by one, then what follows them. Parsed whole, a 50 MB stream is 300+ MB of Python objects.

Rules:
- For files above `BIG_FILE` bytes; smaller ones are parsed whole (`codec`), which is faster.
- Streams the layout every recorder writes: a top-level object whose `request` comes
  before `response`, and whose `response.body` is a list. For anything else
  `open_streamed` returns None and the caller parses the file whole.
- `Streamed.data` is the cassette without its body: what precedes the body at once, the
  rest (`is_streaming`, `status`, exception data, later top-level keys) once `items()`
  has been read to the end.
- `items()` reads the file again each time it is called, and holds one item at a time;
  after `keep_items()` (validate, whose every rule takes a pass), the first complete pass
  keeps the items (marshalled and compressed, a block at a time), and later passes read
  those, not the file.
- The parsing is ijson's C backend (yajl): items are built in C; the events of what
  surrounds the body are few and handled here.
- Numbers read as the whole-file read gives them (`json`): integers of any size, other
  numbers as floats. yajl's fast path holds 64 bits; on overflow the items read on
  exactly from where they were, so a file with a huge number is slower, never wrong.
- JSON that can't be read raises a one-line ReadError, even midway through the items.
"""

from __future__ import annotations

import marshal
import operator
import os
import zlib
from collections.abc import Iterator
from decimal import Decimal
from functools import partial
from itertools import dropwhile, islice
from pathlib import Path
from typing import IO, Any

from cli.core.formats.llamastack.codec import BOM
from cli.errors import ReadError

BIG_FILE = 16 * 1024 * 1024
BODY = "response.body"
ITEMS = f"{BODY}.item"
_BODY_END = (BODY, "end_array", None)
_START = {"start_map": dict, "start_array": list}


def _ijson() -> Any:
    """ijson, imported on first use (~15 ms): most runs read no big file."""
    import ijson

    return ijson


def is_big(path: Path | str) -> bool:
    try:
        return os.stat(path).st_size > BIG_FILE
    except OSError:
        return False  # the whole-file read reports it


class Streamed:
    """A cassette whose body's items are read lazily; use as a context manager."""

    def __init__(self, path: Path, handle: IO[bytes], events: Iterator[tuple[str, str, Any]]):
        self.path = path
        self.data: dict[str, Any] = {}
        self.complete = False  # whether `data` holds everything but the body's items
        self._handle = handle
        self._events = events
        self._build = _Builder(self.data)
        self._keep = False
        self._kept: list[Any] | None = None  # the items of a complete pass, in blocks

    def keep_items(self) -> None:
        """Keep the items of the next complete pass in memory, compressed (about a tenth of
        the file's size), so that later passes don't read the file again."""
        self._keep = True

    def __enter__(self) -> Streamed:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._handle.close()

    def items(self) -> Iterator[Any]:
        """The body's items in order; when they are done, `data` is complete."""
        if self._kept is not None:
            for block in self._kept:
                yield from _unkept(block)
            return
        if not self._keep:
            yield from self._read_items()
            return
        kept, block = [], []
        for item in self._read_items():
            block.append(item)
            if len(block) == _BLOCK:
                kept.append(_kept(block))
                block = []
            yield item
        kept.append(_kept(block))
        self._kept = kept

    def _read_items(self) -> Iterator[Any]:
        done = 0
        try:
            with _open(self.path) as handle:
                for item in _ijson().items(handle, ITEMS, use_float=True):
                    done += 1
                    yield item
        except _ijson().JSONError as exc:
            if "overflow" not in str(exc):
                raise _read_error(exc, self.path) from None
            yield from self._exact_items(done)
        self._read_tail()

    def _exact_items(self, start: int) -> Iterator[Any]:
        """The items from `start` on, numbers read exactly (a number beyond 64 bits)."""
        with _open(self.path) as handle:
            try:
                for item in islice(_ijson().items(handle, ITEMS), start, None):
                    yield _floats(item)
            except _ijson().JSONError as exc:
                raise _read_error(exc, self.path) from None
            except RecursionError:
                raise ReadError("JSON nesting is too deep to be a recording", self.path) from None

    def _read_head(self) -> bool:
        """Everything before the body's items. False: not the layout streamed here."""
        seen_request = False
        build = self._build
        try:
            for prefix, event, value in self._events:
                if prefix == BODY:  # the body's first event: here the head ends
                    return event == "start_array" and seen_request
                if event == "map_key" and len(build.stack) <= 2:
                    if "." in value:  # ijson joins keys with dots: "a.b" is ambiguous
                        return False
                    seen_request = seen_request or (len(build.stack) == 1 and value == "request")
                if not build.add(prefix, event, value):
                    return False  # the top level is not an object
        except _ijson().JSONError as exc:
            raise _read_error(exc, self.path) from None
        return False  # no body at all: small enough in practice to parse whole

    def _read_tail(self) -> None:
        if self.complete:
            return
        try:  # skip the body's events in C: they are most of the file
            tail = dropwhile(partial(operator.ne, _BODY_END), self._events)
            next(tail, None)  # the body's end; the builder is still inside `response`
            for prefix, event, value in tail:
                self._build.add(prefix, event, value)
        except _ijson().JSONError as exc:
            raise _read_error(exc, self.path) from None
        self.complete = True


_BLOCK = 256  # items kept together: compressed as one, they take a tenth of their JSON


def _kept(block: list[Any]) -> Any:
    """Items as `keep_items` holds them: marshalled (exact for every value JSON gives) and
    compressed, or the items themselves if marshal can't take one."""
    try:
        return zlib.compress(marshal.dumps(block), 1)
    except ValueError:
        return block


def _unkept(kept: Any) -> list[Any]:
    return marshal.loads(zlib.decompress(kept)) if isinstance(kept, bytes) else kept


def open_streamed(path: Path | str) -> Streamed | None:
    """The cassette at `path` with its head read, or None if it isn't the streamed layout
    (parse it whole then: the whole-file read also reports what is wrong with it)."""
    path = Path(path)
    try:
        handle = _open(path)
    except OSError:
        return None
    streamed = Streamed(path, handle, _ijson().parse(handle))  # exact numbers: see _floats
    try:
        if streamed._read_head():
            return streamed
    except BaseException:
        streamed.close()
        raise
    streamed.close()
    return None


def _open(path: Path) -> IO[bytes]:
    handle = open(path, "rb")  # noqa: SIM115 (closed by Streamed.close or the caller)
    if handle.read(len(BOM)) != BOM:
        handle.seek(0)
    return handle


def _floats(value: Any) -> Any:
    """ijson's exact numbers as `json` reads them: Decimal -> float, integers as they are."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {key: _floats(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_floats(item) for item in value]
    return value


def _read_error(exc: Exception, path: Path) -> ReadError:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ReadError(f"invalid JSON (found by the streaming reader: {reason})", path)


class _Builder:
    """Builds the value of a run of ijson events into `root`, the top-level object.

    `stack` holds the open containers. The body's events never reach it, so after the body
    it is still inside `response`, where the events that follow the body belong.
    """

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.stack: list[Any] = []
        self.keys: list[Any] = []

    def add(self, prefix: str, event: str, value: Any) -> bool:
        if not self.stack and not self.keys:  # the document's first event
            if event != "start_map":
                return False
            self.stack.append(self.root)
            self.keys.append(None)
            return True
        if event == "map_key":
            self.keys[-1] = value
        elif event in _START:
            container = _START[event]()
            self._put(container)
            self.stack.append(container)
            self.keys.append(None)
        elif event in ("end_map", "end_array"):
            self.stack.pop()
            self.keys.pop()
        else:
            self._put(float(value) if isinstance(value, Decimal) else value)
        return True

    def _put(self, value: Any) -> None:
        parent = self.stack[-1]
        if isinstance(parent, dict):
            parent[self.keys[-1]] = value
        elif isinstance(parent, list):
            parent.append(value)
