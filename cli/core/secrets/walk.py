"""Walk a cassette's JSON value: every string, and every headers object, with the JSON
pointer of each."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cli.core.pointer import escape


def iter_strings(value: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(RFC 6901 JSON pointer, string) for every string value in `value`, in document order.
    Object keys are not yielded."""
    stack: list[tuple[str, Any]] = [(pointer, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            stack.extend(
                (f"{where}/{escape(str(key))}", child)
                for key, child in reversed(item.items())
                if isinstance(child, (str, dict, list))
            )
        elif isinstance(item, list):
            stack.extend(
                (f"{where}/{index}", item[index])
                for index in range(len(item) - 1, -1, -1)
                if isinstance(item[index], (str, dict, list))
            )


def iter_headers(value: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """(JSON pointer, object) for every object held under a key named `headers` (any case)
    at any depth: `/request/headers`, Gemini's `.../sdk_http_response/headers`, ..."""
    stack: list[tuple[str, Any]] = [(pointer, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, dict):
            children = []
            for key, child in item.items():
                child_pointer = f"{where}/{escape(str(key))}"
                if isinstance(child, dict) and str(key).lower() == "headers":
                    yield child_pointer, child
                if isinstance(child, (dict, list)):
                    children.append((child_pointer, child))
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend(
                (f"{where}/{index}", item[index])
                for index in range(len(item) - 1, -1, -1)
                if isinstance(item[index], (dict, list))
            )
