"""`cassette validate` output: text grouped by file, JSON, or GitHub Actions annotations.

Every report is written as the results arrive (`file` per file, then `finish` once), so
a library of any size is never held in memory: only the counts are, and what waits for
its turn waits in a spooled temporary file.
- text leads with what to act on: the errors, each file's below its name (line,
  severity, code, pointer, message) as they are found; then the warnings, the same way;
  then the counts per rule and one summary line. `info` findings (what replay doesn't
  care about) are only counted, unless `show_info`: then they come last. Plain lines,
  colored only on a terminal: Rich took longer to lay out a corpus' worth of findings
  than the checks.
- json: `{"findings": [...], "summary": {...}}` with the keys documented in the README;
  every finding, `info` too.
- github: one workflow command per finding, `::error file=F,line=N,title=CODE name::msg`
  (`info` becomes `notice`, only with `show_info`); the summary line goes to stderr.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import IO

from cli.core.rules import (
    ERROR,
    INFO,
    SEVERITIES,
    WARNING,
    Finding,
    Settings,
    Tally,
    finding_json,
    rule_by_code,
)
from cli.render import json_text
from cli.render.github import workflow_command

STYLES = {ERROR: "\x1b[1;31m", WARNING: "\x1b[33m", INFO: "\x1b[36m"}
BOLD, DIM, RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"
_ANNOTATION = {ERROR: "error", WARNING: "warning", INFO: "notice"}


class _Stream:
    """Writes to the given stream, else to whatever `sys.stdout` is at the time (a progress
    bar on a terminal redirects it while it runs)."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self._stream = stream

    @property
    def stream(self) -> IO[str]:
        return self._stream or sys.stdout


class TextReport(_Stream):
    def __init__(
        self, color: bool = False, stream: IO[str] | None = None, show_info: bool = False
    ) -> None:
        super().__init__(stream)
        self.color = color
        self.show_info = show_info
        self.later: dict[str, IO[str]] = {}  # severity -> its lines, until their turn

    def _paint(self, text: str, style: str) -> str:
        return f"{style}{text}{RESET}" if self.color else text

    def file(self, path: Path, findings: list[Finding]) -> None:
        for severity in (ERROR, WARNING, INFO):
            chosen = [finding for finding in findings if finding.severity == severity]
            if not chosen or (severity == INFO and not self.show_info):
                continue
            out = self.stream if severity == ERROR else self._later(severity)
            out.write("\n".join([self._paint(str(path), BOLD), *map(self._line, chosen)]) + "\n")

    def _later(self, severity: str) -> IO[str]:
        if severity not in self.later:
            self.later[severity] = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (closed in finish)
                max_size=1 << 20, mode="w+", encoding="utf-8", errors="surrogateescape"
            )
        return self.later[severity]

    def _line(self, finding: Finding) -> str:
        line = self._paint(f"{finding.line or '-':>7}", DIM)
        severity = self._paint(f"{finding.severity:<7}", STYLES[finding.severity])
        pointer = f"{self._paint(finding.pointer, DIM)}  " if finding.pointer else ""
        return f"{line}  {severity}  {finding.code}  {pointer}{finding.message}"

    def finish(self, tally: Tally, settings: Settings) -> None:
        for severity in (WARNING, INFO):
            held = self.later.pop(severity, None)
            if held is not None:
                held.seek(0)
                shutil.copyfileobj(held, self.stream)
                held.close()
        lines = [""] if tally.by_code else []
        for code, count in sorted(tally.by_code.items(), key=_most_severe_first):
            rule = rule_by_code(code)
            severity = self._paint(f"{rule.severity:<7}", STYLES[rule.severity])
            lines.append(f"{count:>7}  {code}  {severity}  {rule.name}")
        lines.append(summary_line(tally, settings, info_listed=self.show_info))
        self.stream.write("\n".join(lines) + "\n")
        self.stream.flush()


def _most_severe_first(item: tuple[str, int]) -> tuple[int, str]:
    rule = rule_by_code(item[0])
    return -SEVERITIES.index(rule.severity), rule.code


class JsonReport(_Stream):
    def __init__(self, stream: IO[str] | None = None) -> None:
        super().__init__(stream)
        self.count = 0
        self.stream.write('{"findings": [')

    def file(self, path: Path, findings: list[Finding]) -> None:
        for finding in findings:
            separator = ",\n" if self.count else "\n"
            self.stream.write(separator + json_text.dumps(finding_json(finding)))
            self.count += 1

    def finish(self, tally: Tally, settings: Settings) -> None:
        summary = json_text.dumps(tally.to_json(settings))
        self.stream.write(("\n" if self.count else "") + f'], "summary": {summary}}}\n')
        self.stream.flush()


class GithubReport(_Stream):
    """Annotations on the pull request: errors and warnings; `info` ones (notices) only
    with `show_info`, since a notice on every file would bury the rest."""

    def __init__(self, stream: IO[str] | None = None, show_info: bool = False) -> None:
        super().__init__(stream)
        self.show_info = show_info

    def file(self, path: Path, findings: list[Finding]) -> None:
        for finding in findings:
            if finding.severity != INFO or self.show_info:
                self.stream.write(annotation(finding) + "\n")

    def finish(self, tally: Tally, settings: Settings) -> None:
        from cli.messages import note_line

        self.stream.flush()
        note_line(summary_line(tally, settings, info_listed=self.show_info))


def annotation(finding: Finding) -> str:
    """One GitHub Actions workflow command for a finding."""
    where = f"{finding.pointer}: " if finding.pointer else ""
    return workflow_command(
        _ANNOTATION[finding.severity],
        where + finding.message,
        file=finding.path,
        line=finding.line,
        title=f"{finding.code} {rule_by_code(finding.code).name}",
    )


def summary_line(tally: Tally, settings: Settings, info_listed: bool = True) -> str:
    """`Checked 14 files: 1 error, 2 warnings in 3 files; 9 info (--show-info lists them).`
    What to act on first; `info` findings are counted, and said to be unlisted when so."""
    files = _plural(tally.files, "file")
    if not tally.by_code:
        return f"Checked {files}: no findings."
    errors, warnings = tally.by_severity[ERROR], tally.by_severity[WARNING]
    if errors or warnings:
        found = (
            f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')} in "
            f"{_plural(tally.files_with_problems, 'file')}"
        )
    else:
        found = "no errors or warnings"
    info = tally.by_severity[INFO]
    if info:
        found += f"; {info} info" + ("" if info_listed else " (--show-info lists them)")
    verdict = f"; fails at --fail-on {settings.fail_on}" if tally.failed(settings) else ""
    return f"Checked {files}: {found}{verdict}."


def _plural(count: int, noun: str) -> str:
    if noun == "info":
        return f"{count} info"
    return f"{count} {noun}{'' if count == 1 else 's'}"
