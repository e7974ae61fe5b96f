"""Run the rules of `cassette validate` over files: one file in a worker, a library in order.

Rules:
- An unreadable or unparseable file is a finding (S001; V001 for YAML), never an
  exception: checking files is this command's job.
- Per-file rules run in worker processes (`check_path`), which return only findings and
  two small digests per file; the cross-file rules compare the digests in the parent
  (`validate`), so memory grows by a few bytes per file, never by a cassette.
- A lazily read body is read from the file once: its first pass keeps the items,
  compressed, for every family's pass after it (`Interaction.keep_items`).
- Every file is opened through its format (`formats.read(path, lazy=True)`), which
  alone decides how a big file is read; the families that judge a format's interactions
  (`registry.BY_FORMAT`) run on each interaction in turn, and each finding's pointer
  starts with its interaction's place in the file (`/interactions/3/...` in a VCR
  cassette, nothing in a llama-stack file).
- Findings get the line of their pointer, or of its nearest place the file shows, from
  the format (`formats.locate_lines`); none in a llama-stack file read lazily.
- JSON named on the command line that isn't a cassette is judged as a damaged
  llama-stack recording (S002, S003...); YAML that isn't one is V002.
- Pure: no printing. Results come back in input order, one entry per file.
"""

from __future__ import annotations

import contextlib
import functools
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from cli.core import formats
from cli.core.formats.llamastack import codec
from cli.core.formats.llamastack import format as llamastack
from cli.core.library import Skipped, pass_over
from cli.core.model import CassetteFile, Interaction
from cli.core.rules import library, structure, vcr
from cli.core.rules.base import ERROR, INFO, WARNING, Context, Finding, LibraryKeys, Settings
from cli.core.rules.registry import BY_FORMAT, READING, all_rules
from cli.errors import NotACassette, ReadError

if TYPE_CHECKING:
    from cli.core.cache import ResultCache


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
        try:
            with formats.read(path, lazy=True, damaged=True) as file:
                return _check_file(ctx, file)
        except NotACassette as exc:
            skipped = pass_over(exc, path, given) if given is not None else None
            if skipped is not None:
                return skipped, None
            ctx.findings.clear()
            if formats.name_for(path) != llamastack.NAME:
                vcr.not_a_cassette(ctx, exc)
                return ctx.findings, None
            with _json_of(path) as file:  # judged as a damaged recording: S002, S003...
                return _check_file(ctx, file) if file is not None else (_top(ctx, path), None)
    except ReadError as exc:
        ctx.findings.clear()  # a big file's items may fail after some rules ran
        READING[formats.name_for(path)].unreadable(ctx, exc)
        return ctx.findings, None


def _check_file(ctx: Context, file: CassetteFile) -> FileResult:
    families = BY_FORMAT[file.format]
    judging, cross_file = _wanted(ctx.settings, file.format)
    keys = None
    for interaction in file.interactions:
        one = _context(ctx, file, interaction)
        for family in judging:
            family.check(one)
        if cross_file:
            keys = library.keys(one)
        for finding in one.findings:
            finding.pointer = interaction.pointer + finding.pointer
        ctx.findings += one.findings
    for family in families:
        if hasattr(family, "check_file"):
            family.check_file(ctx)
    if ctx.findings:
        _add_lines(ctx.findings, file)
    return ctx.findings, keys


@functools.lru_cache(maxsize=16)
def _wanted(settings: Settings, format_name: str) -> tuple[tuple[ModuleType, ...], bool]:
    """The families that judge a format's interactions with a rule `settings` wants, and
    whether the cross-file rules are wanted: the same for every file of a run."""
    judging = tuple(
        family
        for family in BY_FORMAT[format_name]
        if any(settings.wants(rule.code) for rule in family.RULES)
    )
    cross_file = format_name == llamastack.NAME and any(map(settings.wants, library.CROSS_FILE))
    return judging, cross_file


def _context(ctx: Context, file: CassetteFile, interaction: Interaction) -> Context:
    """The context of one interaction. A lazily read body is counted first: that pass
    also completes `data` (what follows the body)."""
    one = Context(ctx.path, ctx.settings, ctx.rules, interaction.data, file=file)
    one.index = interaction.index
    reader = interaction.items_reader
    if reader is not None:
        interaction.keep_items()  # every family takes a pass: read the file once
        one.items_reader = reader
        one.lazy_length = sum(1 for _ in reader())
    return one


def _json_of(path: Path) -> CassetteFile | contextlib.nullcontext[None]:
    """A JSON object that isn't a cassette, as a llama-stack file (its rules say what is
    missing); None, in a null context, for JSON that isn't an object."""
    raw = codec.read_bytes(path)
    value = codec.parse(raw, path)
    if not isinstance(value, dict):
        return contextlib.nullcontext(None)
    return CassetteFile(path, llamastack.NAME, [Interaction(path, value)], raw=raw)


def _top(ctx: Context, path: Path) -> list[Finding]:
    """S002 for JSON whose top-level value isn't an object."""
    structure.check_top(ctx, codec.parse(codec.read_bytes(path), path))
    return ctx.findings


def validate(
    paths: Iterable[Path],
    settings: Settings,
    given: tuple[Path, ...] | None = None,
    store: ResultCache | None = None,
) -> Iterator[tuple[Path, list[Finding] | Skipped]]:
    """(path, findings) for each file, in order: per-file rules on a process pool when
    there are many files (or from the result cache `store`), then the cross-file rules
    against the files before it. `paths` is read lazily, so a library's paths are never
    all held at once. With `given`, files a walk found that aren't cassettes come back
    Skipped."""
    from cli.core.library import map_cached

    cross_file = library.Library(settings, all_rules())
    worker = functools.partial(check_path, settings=settings, given=given)
    from cli.core.rules.pytest_names import module_stamp

    results = map_cached(
        worker,
        paths,
        store,
        encode=to_record,
        decode=from_record,
        given=given or (),
        depends=module_stamp if settings.wants("V006") else None,  # V006 reads the module
    )
    for path, (findings, keys) in results:
        if keys is not None and isinstance(findings, list):
            findings.extend(cross_file.add(path, keys))
        yield path, findings


def to_record(result: FileResult) -> dict[str, Any]:
    """A worker's answer as the JSON record the cache keeps: findings without the file's
    name (`from_record` puts it back), library keys in hex."""
    findings, keys = result
    if isinstance(findings, Skipped):
        return {"skipped": findings.note}
    rows = [[f.code, f.severity, f.pointer, f.message, f.line] for f in findings]
    return {"findings": rows, "keys": None if keys is None else [key.hex() for key in keys]}


def from_record(path: Path, record: dict[str, Any]) -> FileResult:
    if "skipped" in record:
        return Skipped(record["skipped"]), None
    name = str(path)
    findings = [
        Finding(code, severity, name, *rest) for code, severity, *rest in record["findings"]
    ]
    keys = record["keys"]
    return findings, None if keys is None else (bytes.fromhex(keys[0]), bytes.fromhex(keys[1]))


def _add_lines(findings: list[Finding], file: CassetteFile) -> None:
    """Give each finding the line of its pointer, or of the nearest enclosing value that
    exists (a missing field points at its parent)."""
    wanted = {f.pointer for f in findings if f.pointer and f.line is None}
    if not wanted:
        return
    prefixes = set()
    for pointer in wanted:
        parts = pointer.split("/")
        prefixes.update("/".join(parts[:end]) for end in range(2, len(parts) + 1))
    lines = formats.locate_lines(file, prefixes)
    for finding in findings:
        if finding.line is None:
            finding.line = lines.get(finding.pointer)
