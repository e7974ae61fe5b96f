"""JSON pointers (RFC 6901): the one way a place inside a cassette is named in findings,
changes and diffs, e.g. `/response/body/3/__data__/choices/0`."""

from __future__ import annotations

from collections.abc import Iterable


def escape(key: str) -> str:
    """A key as one pointer segment: `~` -> `~0`, `/` -> `~1`."""
    if "~" in key or "/" in key:
        return key.replace("~", "~0").replace("/", "~1")
    return key  # nearly always: no copy


def unescape(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


def join(parts: Iterable[object]) -> str:
    """`["response", "body", 3]` -> `/response/body/3`."""
    return "".join(f"/{escape(str(part))}" for part in parts)


def split(pointer: str) -> tuple[str, ...]:
    """`/response/body/3` -> `("response", "body", "3")`; "" is the whole document."""
    if not pointer:
        return ()
    return tuple(unescape(segment) for segment in pointer[1:].split("/"))


def is_pointer(text: str) -> bool:
    """Whether `text` is a pointer to something inside a document (it starts with `/`)."""
    return text.startswith("/")
