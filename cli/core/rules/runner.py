"""Run the rules of `cassette validate` over files: one file in a worker, a library in order.

Rules:
- An unreadable or unparseable file is a finding (S001), never an exception: checking
  files is this command's job.
- Per-file rules run in worker processes (`check_path`), which return only findings and
  two small digests per file; the cross-file rules compare the digests in the parent
  (`validate`), so memory grows by a few bytes per file, never by a cassette.
- Findings in a big file (read a part at a time) have no line numbers.
- A VCR cassette gets only `structure.check_vcr` (S001, S003) for now.
- Pure: no printing. Results come back in input order, one entry per file.
"""

from __future__ import annotations

import functools
import itertools
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.core.formats.llamastack import codec, lazy
from cli.core.formats.llamastack import format as llamastack
from cli.core.formats.llamastack.lines import line_numbers
from cli.core.formats.vcr import format as vcr
from cli.core.library import Skipped, pass_over
from cli.core.rules import library, structure
from cli.core.rules.base import ERROR, INFO, WARNING, Context, Finding, LibraryKeys, Settings
from cli.core.rules.registry import FAMILIES, all_rules
from cli.errors import ReadError

if TYPE_CHECKING:
    from cli.core.formats.llamastack.lazy import Streamed


@dataclass
class Tally:
    """Counts for the summary: files, and findings per severity and per rule."""

    files: int = 0
    files_with_findings: int = 0
    files_with_problems: int = 0  # with an error or a warning: what to act on
    by_severity: Counter[str] = field(default_factory=Counter)
    by_code: Counter[str] = field(default_factory=Counter)

    def add(self, findings: list[Finding]) -> None:
        self.files += 1
        self.files_with_findings += bool(findings)
        self.files_with_problems += any(finding.severity != INFO for finding in findings)
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


FileResult = tuple[list[Finding] | Skipped, LibraryKeys | None]


def check_path(path: Path, settings: Settings, given: tuple[Path, ...] | None = None) -> FileResult:
    """Worker: every per-file rule on one file; findings plus the keys for library rules.
    With `given` (the paths walked), a file a walk found that isn't a cassette at all
    (`ci_matrix.json`, `mkdocs.yml`) is Skipped rather than judged."""
    ctx = Context(str(path), settings, all_rules())
    try:
        big = lazy.is_big(path)
        if big and vcr.claims(structure.head(path), path):
            structure.check_vcr(ctx, None, path)
            return _skipped(ctx, path, given) or ctx.findings, None
        streamed = lazy.open_streamed(path) if big else None
        if streamed is not None:
            with streamed:
                return _check_streamed(ctx, streamed)
        raw = ctx.raw = codec.read_bytes(path)
        if vcr.claims(raw[:64], path):
            structure.check_vcr(ctx, raw, path)
            return _skipped(ctx, path, given) or ctx.findings, None
        value = codec.parse(raw, path)
    except ReadError as exc:
        ctx.findings.clear()  # a big file's items may fail after some rules ran
        structure.unreadable(ctx, exc)
        return ctx.findings, None
    ctx.not_a_cassette = llamastack.not_a_cassette(value, path)
    skipped = _skipped(ctx, path, given)
    if skipped is not None:
        return skipped, None
    if not structure.check_top(ctx, value):
        return ctx.findings, None
    keys = _run_rules(ctx)
    if ctx.findings:
        _add_lines(ctx.findings, raw)
    return ctx.findings, keys


def _skipped(ctx: Context, path: Path, given: tuple[Path, ...] | None) -> Skipped | None:
    if ctx.not_a_cassette is None or given is None:
        return None
    return pass_over(ctx.not_a_cassette, path, given)


def _check_streamed(ctx: Context, streamed: Streamed) -> FileResult:
    """A big file: one pass counts the items and completes `data` (what follows the body),
    then every rule's pass reads the file again. No line numbers: that is one more pass."""
    ctx.streamed, ctx.data = streamed, streamed.data
    ctx.streamed_length = sum(1 for _ in streamed.items())
    return ctx.findings, _run_rules(ctx)


def _run_rules(ctx: Context) -> LibraryKeys | None:
    for family in FAMILIES:
        if ctx.wants(*(rule.code for rule in family.RULES)):
            family.check(ctx)
    return library.keys(ctx) if ctx.wants(*library.CROSS_FILE) else None


def validate(
    paths: Iterable[Path], settings: Settings, given: tuple[Path, ...] | None = None
) -> Iterator[tuple[Path, list[Finding] | Skipped]]:
    """(path, findings) for each file, in order: per-file rules on a process pool when
    there are many files, then the cross-file rules against the files before it. `paths`
    is read lazily, so a library's paths are never all held at once. With `given`, files
    a walk found that aren't cassettes come back Skipped."""
    from cli.core.library import map_paths

    cross_file = library.Library(settings, all_rules())
    worker = functools.partial(check_path, settings=settings, given=given)
    ours, theirs = itertools.tee(paths)  # map_paths reads only a few chunks ahead
    for path, (findings, keys) in zip(ours, map_paths(worker, theirs), strict=True):
        if keys is not None and isinstance(findings, list):
            findings.extend(cross_file.add(path, keys))
        yield path, findings


def _add_lines(findings: list[Finding], raw: bytes) -> None:
    """Give each finding the line of its pointer, or of the nearest enclosing value that
    exists (a missing field points at its parent)."""
    wanted = {f.pointer for f in findings if f.pointer and f.line is None}
    if not wanted:
        return
    lines = line_numbers(raw, wanted)
    for finding in findings:
        if finding.line is None:
            finding.line = lines.get(finding.pointer)
