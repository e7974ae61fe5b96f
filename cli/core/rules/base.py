"""What every validate rule works with: rules, findings, settings, and one file's context.

Rules:
- A rule has a stable code (family letter + number: `S001`), a short name, one severity
  and a summary. A code never changes meaning, and a retired code is never reused.
- A Finding names the file, a JSON pointer (RFC 6901; "" is the whole file), its code and
  severity, and a one-line message; `line` is the file's line for the pointer when known.
- A context is one interaction: a llama-stack file, or one interaction of a VCR cassette
  (`file` and `index` say which; pointers are the interaction's own, and the runner puts
  the interaction's place in the file before them).
- A rule reported by default (an error or a warning) says why it matters: its `why`
  follows what was found in every message, then the fix, if one is given
  (`Context.report`). An `info` rule is about what replay doesn't care about: its
  findings are counted, and listed on request (`validate --show-info`).
- A big file is read a part at a time: `Context.data` is the cassette without its body,
  and each pass over `Context.body` or `Context.items` reads the file again, one item at
  a time (`items_reader`). Rules ask the context, never `response["body"]`, for the
  body's kind and length.
- `items` are the body's items as the file holds them; `events` are what a stream says:
  the same, with each SSE `data:` line's JSON parsed (the line's pointer kept).
- The rule modules import this module and nothing of the runner or the registry, so that
  the registry can import them without a cycle.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from cli.core.model import CassetteFile, Interaction, unwrap
from cli.core.wire.sse_data import payload

T = TypeVar("T")

LibraryKeys = tuple[bytes, bytes]  # (request digest, digest of the request without noise)

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (INFO, WARNING, ERROR)  # ascending
HASH_SCHEMES = ("auto", "2025", "2026", "none")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    summary: str
    why: str = ""  # what goes wrong for replay or for the team; every message says it

    @property
    def default_on(self) -> bool:
        """Whether a plain `validate` lists its findings (errors and warnings do)."""
        return self.severity != INFO


@dataclass
class Finding:
    code: str
    severity: str
    path: str
    pointer: str
    message: str
    line: int | None = None


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ()  # code prefixes; empty: every rule
    ignore: tuple[str, ...] = ()
    fail_on: str = ERROR
    hash_scheme: str = "auto"

    def wants(self, code: str) -> bool:
        if self.select and not code.startswith(self.select):
            return False
        return not (self.ignore and code.startswith(self.ignore))

    def fails(self, severity: str) -> bool:
        return SEVERITIES.index(severity) >= SEVERITIES.index(self.fail_on)


class Passes(Generic[T]):
    """A re-iterable whose every pass is a fresh iterator: a big file read again."""

    def __init__(self, start: Callable[[], Iterator[T]]) -> None:
        self._start = start

    def __iter__(self) -> Iterator[T]:
        return self._start()


@dataclass
class Context:
    """What the rules of one file share: its value, its settings, and the findings so far."""

    path: str
    settings: Settings
    rules: Mapping[str, Rule]  # every rule by code, for severities
    data: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # a big file: `data` has no body, and each call gives its items afresh
    items_reader: Callable[[], Iterator[Any]] | None = None
    lazy_length: int = 0  # the number of a lazily read body's items
    file: CassetteFile | None = None  # the file this interaction was read from
    index: int = 0  # the interaction's place in `file`

    def wants(self, *codes: str) -> bool:
        return any(self.settings.wants(code) for code in codes)

    def report(
        self,
        code: str,
        pointer: str,
        message: str,
        line: int | None = None,
        fix: str | None = None,
    ) -> None:
        """A finding: `message` says what was found; the rule's `why` and the `fix` follow."""
        if self.settings.wants(code):
            rule = self.rules[code]
            text = "; ".join(part for part in (message, rule.why, fix) if part)
            self.findings.append(Finding(code, rule.severity, self.path, pointer, text, line))

    @functools.cached_property
    def interaction(self) -> Interaction:
        """The file's value read as an interaction: its accessors are the rules' too."""
        path = self.file.path if self.file is not None else Path(self.path)  # parsed once
        return Interaction(path, self.data)

    @functools.cached_property
    def body_kind(self) -> str:
        """`missing`, `null`, `list`, `object` or `other`: what `response.body` is (asked
        by every family: told once)."""
        if self.items_reader is not None:
            return "list"
        if "body" not in self.interaction.response:
            return "missing"
        body = self.interaction.response["body"]
        if body is None:
            return "null"
        return "list" if isinstance(body, list) else "object" if isinstance(body, dict) else "other"

    @property
    def body_length(self) -> int:
        """The number of items of a list body; 0 for any other body."""
        if self.items_reader is not None:
            return self.lazy_length
        body = self.interaction.response.get("body")
        return len(body) if isinstance(body, list) else 0

    @functools.cached_property
    def body(self) -> Iterable[tuple[str, Any]]:
        """(pointer, item) of each response item as the file holds it: the items of a list
        body, or the one value (none for a null or missing body). Made once: every family
        takes a pass."""
        reader = self.items_reader
        if reader is not None:
            return Passes(
                lambda: ((f"/response/body/{i}", item) for i, item in enumerate(reader()))
            )
        body = self.interaction.response.get("body")
        if isinstance(body, list):
            return [(f"/response/body/{index}", item) for index, item in enumerate(body)]
        return [] if body is None else [("/response/body", body)]

    @functools.cached_property
    def items(self) -> Iterable[tuple[str, str | None, Any]]:
        """(pointer, `__type__`, payload) of each response item: the chunks of a list body,
        or the one object. Pointers lead to the payload (`.../__data__` when wrapped).
        A list for a file read whole; for a big file, each pass reads it again."""
        if self.items_reader is not None:
            return Passes(lambda: map(_unwrapped, self.body))
        return [_unwrapped(located) for located in self.body]

    @functools.cached_property
    def events(self) -> Iterable[tuple[str, str | None, Any]]:
        """`items`, with each SSE `data:` line read as its JSON payload (other SSE lines,
        `data: [DONE]` among them, left out): the chunks a stream of lines carries."""
        if self.items_reader is not None:
            return Passes(lambda: _events(self.items))
        return list(_events(self.items))


def _events(items: Iterable[tuple[str, str | None, Any]]) -> Iterator[tuple[str, str | None, Any]]:
    for pointer, type_name, item in items:
        if type(item) is not str:
            yield pointer, type_name, item
        elif item.startswith("data:"):
            value = payload(item)
            if value is not None:
                yield pointer, None, value


def _unwrapped(located: tuple[str, Any]) -> tuple[str, str | None, Any]:
    pointer, item = located
    type_name, payload = unwrap(item)
    if type_name is not None:
        pointer += "/__data__"
    return pointer, type_name if isinstance(type_name, str) else None, payload
