"""Where the bulk edits (rename-model, retime, normalize) find response fields, and how
they report what they changed.

Rules:
- A response item is one chunk of a stream or the one object of a non-streamed response.
  A typed item's fields live in its `__data__`; a raw item's fields are the dict itself.
  Gemini's streamed JSON arrays are lists of raw items.
- Items inside text are items too: the JSON of an SSE `data:` line (OpenAI chunks,
  Anthropic and Responses events, in VCR cassettes and llama-stack's raw passthrough
  alike; its pointer is the line's), and the payload of an AWS event-stream frame
  (`{"contentBlockDelta": {...}}` -> the payload, at `.../contentBlockDelta`). Other text
  lines (`event:`, `[DONE]`, blanks) have no fields.
- An event often carries the object it is about: Anthropic's `message_start` its
  `message`, the Responses API's events their `response`, Gemini interactions their
  `interaction`. Such an object of a raw item is an item too, at its own pointer.
- To edit, take the items from `ChangeLog.items()`: `ChangeLog.changes()` then writes each
  edited `data:` line back, its JSON in the line's own style (`wire.json_text`) and the
  rest of the line (`data: ` and trailing blanks) as it was; a line whose value didn't
  change keeps its text. `response_items` gives the same items for reading only.
- A model object (`"object": "model"`, one entry of a /v1/models list) is what the
  recorder leaves alone; `is_model_object` is that same test.
- The report groups changes: one `Change` per field of a stream (or of a list's items),
  with the count and the first..last values, so a 300-chunk stream is one line, not 300.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cli.core.edit.pipeline import Change
from cli.core.model import unwrap
from cli.core.pointer import escape
from cli.core.transcript.common import parse_json
from cli.core.wire.json_text import JsonTextError, rewrite
from cli.errors import CassetteError

_CHUNK_INDEX = re.compile(r"^/response/body/\d+/")


@dataclass(frozen=True)
class Item:
    pointer: str  # JSON pointer of the fields' dict, e.g. /response/body/3/__data__
    type_name: str | None  # `__type__`, or None for a raw item
    data: dict[str, Any]


WRAPPERS = ("message", "response", "interaction")  # the object an event is about
EVENT_STREAM = "application/vnd.amazon.eventstream"


@dataclass(frozen=True)
class _Line:
    """An SSE `data:` line whose JSON an item holds: where it is, and its text around it."""

    body: list[Any]
    index: int
    head: str  # "data: ", as written
    text: str  # the JSON as recorded
    tail: str  # trailing blanks
    value: dict[str, Any]


def response_items(data: dict[str, Any]) -> Iterator[Item]:
    """Every response item that is an object, with the pointer of its fields. Items inside
    text lines are parsed afresh: to edit them, use `ChangeLog.items()`."""
    for item, _ in _items(data):
        yield item


def _items(data: dict[str, Any]) -> Iterator[tuple[Item, _Line | None]]:
    response = data.get("response")
    if not isinstance(response, dict):
        return
    body = response.get("body")
    if not isinstance(body, list):
        yield from _with_objects(_item("/response/body", body), None)
        return
    frames = _content_type(response) == EVENT_STREAM
    for index, entry in enumerate(body):
        pointer = f"/response/body/{index}"
        if isinstance(entry, str):
            line = _data_line(body, index)
            if line is not None:
                yield from _with_objects(Item(pointer, None, line.value), line)
        elif frames and isinstance(entry, dict) and len(entry) == 1:
            name, payload = next(iter(entry.items()))
            if isinstance(payload, dict):
                yield from _with_objects(Item(f"{pointer}/{escape(name)}", None, payload), None)
        else:
            yield from _with_objects(_item(pointer, entry), None)


def _with_objects(item: Item | None, line: _Line | None) -> Iterator[tuple[Item, _Line | None]]:
    """The item, then the objects a raw item's event is about (`WRAPPERS`)."""
    if item is None:
        return
    yield item, line
    if item.type_name is None:
        for key in WRAPPERS:
            value = item.data.get(key)
            if isinstance(value, dict):
                yield Item(f"{item.pointer}/{key}", None, value), line


def _item(pointer: str, value: Any) -> Item | None:
    type_name, payload = unwrap(value)
    if not isinstance(payload, dict):
        return None
    if payload is value:  # a raw item
        return Item(pointer, None, payload)
    return Item(f"{pointer}/__data__", type_name if isinstance(type_name, str) else None, payload)


def _data_line(body: list[Any], index: int) -> _Line | None:
    """The `data:` line at `index` when its data is a JSON object."""
    line = body[index]
    if not line.startswith("data:"):
        return None
    rest = line[5:]
    text = rest.strip()
    if not text.startswith("{"):
        return None  # `[DONE]`, plain text, or nothing
    value, ok = parse_json(text)
    if not ok or not isinstance(value, dict):
        return None
    start = rest.index(text[0])
    head, tail = line[: 5 + start], rest[start + len(text) :]
    return _Line(body, index, head, text, tail, value)


def _content_type(response: dict[str, Any]) -> str | None:
    headers = response.get("headers")
    if not isinstance(headers, dict):
        return None
    for name, values in headers.items():
        if isinstance(name, str) and name.lower() == "content-type":
            value = values[0] if isinstance(values, list) and values else values
            if isinstance(value, str):
                return value.split(";", 1)[0].strip().lower()
    return None


def is_model_object(item: Item) -> bool:
    """One model of a model list (the recorder keeps their id and created)."""
    return item.data.get("object") == "model"


def shown(value: Any) -> str:
    """A value for a report line: strings bare (model names read better), others as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


@dataclass
class _Group:
    first_pointer: str
    olds: list[Any] = field(default_factory=list)
    news: list[Any] = field(default_factory=list)


class ChangeLog:
    """Collects field changes; `changes()` returns one Change per field, chunks grouped.
    `items()` gives the response items to edit; `changes()` writes edited lines back."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data
        self._groups: dict[str, _Group] = {}
        self._items: list[Item] | None = None
        self._lines: list[_Line] = []
        response = data.get("response")
        streaming = isinstance(response, dict) and response.get("is_streaming") is True
        self._unit = "chunks" if streaming else "items"

    def items(self) -> list[Item]:
        """The response items (see `response_items`), parsed once: edit these."""
        if self._items is None:
            pairs = list(_items(self._data))
            self._items = [item for item, _ in pairs]
            lines = {id(line): line for _, line in pairs if line is not None}
            self._lines = list(lines.values())
        return self._items

    def add(self, pointer: str, old: Any, new: Any) -> None:
        template = _CHUNK_INDEX.sub("/response/body/*/", pointer)
        group = self._groups.setdefault(template, _Group(pointer))
        group.olds.append(old)
        group.news.append(new)

    def __bool__(self) -> bool:
        return bool(self._groups)

    def changes(self) -> list[Change]:
        """One Change per field; first, each edited `data:` line is written back."""
        self._write_lines()
        result = []
        for template, group in self._groups.items():
            count = len(group.olds)
            where = group.first_pointer if count == 1 else template
            text = f"{where}: {_span(group.olds)} -> {_span(group.news)}"
            if count > 1:
                text += f" ({count} {self._unit})"
            result.append(Change(group.first_pointer, text))
        return result

    def _write_lines(self) -> None:
        for line in self._lines:
            try:
                text = rewrite(line.text, line.value)
            except JsonTextError as exc:
                raise CassetteError(
                    f"an edited stream line can't be written back: {exc}",
                    pointer=f"/response/body/{line.index}",
                ) from None
            if text is not line.text:
                line.body[line.index] = line.head + text + line.tail


def _span(values: list[Any]) -> str:
    first, last = shown(values[0]), shown(values[-1])
    if all(value == values[0] for value in values):
        return first
    return f"{first}..{last}"
