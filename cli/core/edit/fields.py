"""Where the bulk edits (rename-model, retime, normalize) find response fields, and how
they report what they changed.

Rules:
- A response item is one chunk of a stream or the one object of a non-streamed response.
  A typed item's fields live in its `__data__`; a raw item's fields are the dict itself.
  Items that are not objects (the text lines of a raw SSE passthrough) have no fields.
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

_CHUNK_INDEX = re.compile(r"^/response/body/\d+/")


@dataclass(frozen=True)
class Item:
    pointer: str  # JSON pointer of the fields' dict, e.g. /response/body/3/__data__
    type_name: str | None  # `__type__`, or None for a raw item
    data: dict[str, Any]


def response_items(data: dict[str, Any]) -> Iterator[Item]:
    """Every response item that is an object, with the pointer of its fields."""
    response = data.get("response")
    if not isinstance(response, dict):
        return
    body = response.get("body")
    if isinstance(body, list):
        for index, item in enumerate(body):
            found = _item(f"/response/body/{index}", item)
            if found is not None:
                yield found
    else:
        found = _item("/response/body", body)
        if found is not None:
            yield found


def _item(pointer: str, value: Any) -> Item | None:
    type_name, payload = unwrap(value)
    if not isinstance(payload, dict):
        return None
    if payload is value:  # a raw item
        return Item(pointer, None, payload)
    return Item(f"{pointer}/__data__", type_name if isinstance(type_name, str) else None, payload)


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
    """Collects field changes; `changes()` returns one Change per field, chunks grouped."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._groups: dict[str, _Group] = {}
        response = data.get("response")
        streaming = isinstance(response, dict) and response.get("is_streaming") is True
        self._unit = "chunks" if streaming else "items"

    def add(self, pointer: str, old: Any, new: Any) -> None:
        template = _CHUNK_INDEX.sub("/response/body/*/", pointer)
        group = self._groups.setdefault(template, _Group(pointer))
        group.olds.append(old)
        group.news.append(new)

    def __bool__(self) -> bool:
        return bool(self._groups)

    def changes(self) -> list[Change]:
        result = []
        for template, group in self._groups.items():
            count = len(group.olds)
            where = group.first_pointer if count == 1 else template
            text = f"{where}: {_span(group.olds)} -> {_span(group.news)}"
            if count > 1:
                text += f" ({count} {self._unit})"
            result.append(Change(group.first_pointer, text))
        return result


def _span(values: list[Any]) -> str:
    first, last = shown(values[0]), shown(values[-1])
    if all(value == values[0] for value in values):
        return first
    return f"{first}..{last}"
