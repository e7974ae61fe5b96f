"""Walk a cassette's JSON value: every string, and every headers object, with the JSON
pointer of each.

An SSE `data:` line that holds JSON (a VCR.py or raw llama-stack stream) is walked as its
payload's strings, each with a pointer into the line's JSON (`/response/body/3/delta/text`):
a secret is judged in its decoded text, where a JSON escape (`\\n`) can't hide the
boundary before it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cli.core.pointer import escape
from cli.core.wire.sse_data import payload, strings


def iter_strings(value: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(RFC 6901 JSON pointer, string) for every string value in `value`, in document order.
    Object keys are not yielded."""
    stack: list[tuple[str, Any]] = [(pointer, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            value = payload(item) if item.startswith("data:") else None
            if value is None:
                yield where, item
            else:
                for inside, text in strings(value):
                    yield where + "".join(f"/{escape(str(key))}" for key in inside), text
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
    at any depth: `/request/headers`, Gemini's `.../sdk_http_response/headers`, ...

    A walk of every container of a cassette, run by validate and scrub on every file: a
    place is kept as a link to its parent, and made a pointer only for what is yielded;
    a list of values alone (an embedding, lines of text) is told by its items' types, in C."""
    stack: list[tuple[Any, _Link]] = [(value, None)]
    while stack:
        item, link = stack.pop()
        if isinstance(item, dict):
            children = []
            for key, child in item.items():
                if isinstance(child, dict):
                    if isinstance(key, str) and key.lower() == "headers":
                        yield _pointer(pointer, (key, link)), child
                    children.append((child, (key, link)))
                elif isinstance(child, list):
                    children.append((child, (key, link)))
            stack.extend(reversed(children))
        elif isinstance(item, list) and not _SCALARS.issuperset(map(type, item)):
            stack.extend(
                (item[index], (index, link))
                for index in range(len(item) - 1, -1, -1)
                if isinstance(item[index], dict | list)
            )


_Link = tuple[Any, "_Link"] | None  # (key or index, the parent's link)
_SCALARS = frozenset({str, int, float, bool, type(None), bytes})  # what a list of values holds


def _pointer(prefix: str, link: _Link) -> str:
    parts = []
    while link is not None:
        key, link = link
        parts.append(f"/{escape(str(key))}")
    return prefix + "".join(reversed(parts))
