"""Check cassettes against the rules of `cassette validate`: findings, settings, the runner.

Rules:
- A rule has a stable code (family letter + number: `S001`), a short name, one severity
  and a summary. The families live beside this module: `rules_structure` (S),
  `rules_consistency` (C), `rules_stream` (T), `rules_secrets` (K), `rules_library` (L).
  A code never changes meaning, and a retired code is never reused.
- A Finding names the file, a JSON pointer (RFC 6901; "" is the whole file), its code and
  severity, and a one-line message; `line` is the file's line for the pointer when known.
- An unreadable or unparseable file is a finding (S001), never an exception: checking
  files is this command's job; JSON a directory walk found that isn't one is `Skipped`.
- Per-file rules run in worker processes (`check_path`), which return only findings and
  two small digests per file; the cross-file rules compare the digests in the parent
  (`validate`), so memory grows by a few bytes per file, never by a cassette.
- A big file (`lazy.BIG_FILE`) is read a part at a time: `Context.data` is the cassette
  without its body, and each pass over `Context.body` or `Context.items` reads the file
  again, one item at a time. Rules ask the context, never `response["body"]`, for the
  body's kind and length. Findings in a big file have no line numbers.
- A secret never appears in a message in full: the rules show `secrets.mask` forms.
- Pure: no printing. Results come back in input order, one entry per file.
"""

from __future__ import annotations

import functools
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from cli.core import codec
from cli.core.json_lines import locate_lines
from cli.core.library import Skipped, passed_over
from cli.core.model import unwrap
from cli.errors import ReadError

if TYPE_CHECKING:
    from cli.core.lazy import Streamed

T = TypeVar("T")

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


@dataclass
class Finding:
    code: str
    severity: str
    path: str
    pointer: str
    message: str
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The documented `validate --format json` finding object."""
        return {
            "rule": rule_by_code(self.code).name,
            "code": self.code,
            "severity": self.severity,
            "path": self.path,
            "pointer": self.pointer,
            "message": self.message,
            "line": self.line,
        }


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


@dataclass
class Tally:
    """Counts for the summary: files, and findings per severity and per rule."""

    files: int = 0
    files_with_findings: int = 0
    by_severity: Counter[str] = field(default_factory=Counter)
    by_code: Counter[str] = field(default_factory=Counter)

    def add(self, findings: list[Finding]) -> None:
        self.files += 1
        self.files_with_findings += bool(findings)
        self.by_severity.update(finding.severity for finding in findings)
        self.by_code.update(finding.code for finding in findings)

    def failed(self, settings: Settings) -> bool:
        """Whether any finding is at or above the `fail_on` threshold: exit 1."""
        return any(settings.fails(severity) for severity in self.by_severity)

    def to_json(self, settings: Settings) -> dict[str, Any]:
        """The documented `summary` object of `validate --format json`."""
        return {
            "files": self.files,
            "files_with_findings": self.files_with_findings,
            "errors": self.by_severity[ERROR],
            "warnings": self.by_severity[WARNING],
            "info": self.by_severity[INFO],
            "by_rule": dict(sorted(self.by_code.items())),
            "fail_on": settings.fail_on,
            "failed": self.failed(settings),
        }


# the rule table --------------------------------------------------------------


@functools.cache
def families() -> tuple[Any, ...]:
    """The rule modules, in the order their checks run and their codes are documented."""
    from cli.core import (
        rules_consistency,
        rules_library,
        rules_secrets,
        rules_stream,
        rules_structure,
    )

    return (rules_structure, rules_consistency, rules_stream, rules_secrets, rules_library)


@functools.cache
def all_rules() -> dict[str, Rule]:
    return {rule.code: rule for family in families() for rule in family.RULES}


def rule_by_code(code: str) -> Rule:
    return all_rules()[code]


def unknown_prefixes(prefixes: tuple[str, ...]) -> list[str]:
    """The prefixes that match no rule code (`S`, `K00` and `T003` all match)."""
    codes = all_rules()
    return [prefix for prefix in prefixes if not any(code.startswith(prefix) for code in codes)]


# one file --------------------------------------------------------------------


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
    data: dict[str, Any] = field(default_factory=dict)
    raw: bytes = b""  # the file's bytes, for rules that can rule a file out by them
    findings: list[Finding] = field(default_factory=list)
    streamed: Streamed | None = None  # a big file: `data` has no body, its items are here
    streamed_length: int = 0  # the number of a streamed body's items

    def wants(self, *codes: str) -> bool:
        return any(self.settings.wants(code) for code in codes)

    def report(self, code: str, pointer: str, message: str, line: int | None = None) -> None:
        if self.settings.wants(code):
            severity = rule_by_code(code).severity
            self.findings.append(Finding(code, severity, self.path, pointer, message, line))

    @property
    def request(self) -> dict[str, Any]:
        value = self.data.get("request")
        return value if isinstance(value, dict) else {}

    @property
    def response(self) -> dict[str, Any]:
        value = self.data.get("response")
        return value if isinstance(value, dict) else {}

    @property
    def body_kind(self) -> str:
        """`missing`, `null`, `list`, `object` or `other`: what `response.body` is."""
        if self.streamed is not None:
            return "list"
        if "body" not in self.response:
            return "missing"
        body = self.response["body"]
        if body is None:
            return "null"
        return "list" if isinstance(body, list) else "object" if isinstance(body, dict) else "other"

    @property
    def body_length(self) -> int:
        """The number of items of a list body; 0 for any other body."""
        if self.streamed is not None:
            return self.streamed_length
        body = self.response.get("body")
        return len(body) if isinstance(body, list) else 0

    @property
    def body(self) -> Iterable[tuple[str, Any]]:
        """(pointer, item) of each response item as the file holds it: the items of a list
        body, or the one value (none for a null or missing body)."""
        streamed = self.streamed
        if streamed is not None:
            return Passes(
                lambda: ((f"/response/body/{i}", item) for i, item in enumerate(streamed.items()))
            )
        body = self.response.get("body")
        if isinstance(body, list):
            return [(f"/response/body/{index}", item) for index, item in enumerate(body)]
        return [] if body is None else [("/response/body", body)]

    @functools.cached_property
    def items(self) -> Iterable[tuple[str, str | None, Any]]:
        """(pointer, `__type__`, payload) of each response item: the chunks of a list body,
        or the one object. Pointers lead to the payload (`.../__data__` when wrapped).
        A list for a file read whole; for a big file, each pass reads it again."""
        if self.streamed is not None:
            return Passes(lambda: map(_unwrapped, self.body))
        return [_unwrapped(located) for located in self.body]


def _unwrapped(located: tuple[str, Any]) -> tuple[str, str | None, Any]:
    pointer, item = located
    type_name, payload = unwrap(item)
    if type_name is not None:
        pointer += "/__data__"
    return pointer, type_name if isinstance(type_name, str) else None, payload


LibraryKeys = tuple[bytes, bytes]  # (request digest, digest of the request without noise)
FileResult = tuple[list[Finding] | Skipped, LibraryKeys | None]


def check_path(path: Path, settings: Settings, given: tuple[Path, ...] | None = None) -> FileResult:
    """Worker: every per-file rule on one file; findings plus the keys for library rules.
    With `given` (the paths walked), JSON a walk found that isn't a cassette is Skipped."""
    from cli.core import lazy, rules_structure

    ctx = Context(str(path), settings)
    try:
        streamed = lazy.open_streamed(path) if lazy.is_big(path) else None
        if streamed is not None:
            with streamed:
                return _check_streamed(ctx, streamed)
        raw = ctx.raw = codec.read_bytes(path)
        value = codec.parse(raw, path)
    except ReadError as exc:
        ctx.findings.clear()  # a big file's items may fail after some rules ran
        rules_structure.unreadable(ctx, exc)
        return ctx.findings, None
    if given is not None and (skipped := passed_over(value, path, given)):  # ci_matrix.json
        return skipped, None
    if not rules_structure.check_top(ctx, value):
        return ctx.findings, None
    keys = _run_rules(ctx)
    if ctx.findings:
        _add_lines(ctx.findings, raw)
    return ctx.findings, keys


def _check_streamed(ctx: Context, streamed: Streamed) -> FileResult:
    """A big file: one pass counts the items and completes `data` (what follows the body),
    then every rule's pass reads the file again. No line numbers: that is one more pass."""
    ctx.streamed, ctx.data = streamed, streamed.data
    ctx.streamed_length = sum(1 for _ in streamed.items())
    return ctx.findings, _run_rules(ctx)


def _run_rules(ctx: Context) -> LibraryKeys | None:
    from cli.core import rules_library

    for family in families():
        if ctx.wants(*(rule.code for rule in family.RULES)):
            family.check(ctx)
    return rules_library.keys(ctx) if ctx.wants(*rules_library.CROSS_FILE) else None


def validate(
    paths: Iterable[Path], settings: Settings, given: tuple[Path, ...] | None = None
) -> Iterator[tuple[Path, list[Finding] | Skipped]]:
    """(path, findings) for each file, in order: per-file rules on a process pool when
    there are many files, then the cross-file rules against the files before it. `paths`
    is read lazily, so a library's paths are never all held at once."""
    from cli.core import rules_library
    from cli.core.library import map_paths

    library = rules_library.Library(settings)
    worker = functools.partial(check_path, settings=settings, given=given)
    ours, theirs = itertools.tee(paths)  # map_paths reads only a few chunks ahead
    for path, (findings, keys) in zip(ours, map_paths(worker, theirs), strict=True):
        if keys is not None and isinstance(findings, list):
            findings.extend(library.add(path, keys))
        yield path, findings


# lines -----------------------------------------------------------------------


def _add_lines(findings: list[Finding], raw: bytes) -> None:
    """Give each finding the line of its pointer, or of the nearest enclosing value that
    exists (a missing field points at its parent)."""
    wanted = {f.pointer for f in findings if f.pointer and f.line is None}
    if not wanted:
        return
    prefixes = set()
    for pointer in wanted:
        parts = pointer.split("/")
        prefixes.update("/".join(parts[:end]) for end in range(2, len(parts) + 1))
    lines = locate_lines(raw, prefixes)
    for finding in findings:
        pointer = finding.pointer
        while finding.line is None and pointer:
            finding.line = lines.get(pointer)
            pointer = pointer.rsplit("/", 1)[0]
