"""`cassette validate` output: text grouped by file, JSON, or GitHub Actions annotations.

Every report is written as the results arrive (`file` per file, then `finish` once), so
a library of any size is never held in memory: only the counts are.
- text: each file with findings, its findings below it (line, severity, code, pointer,
  message), then the counts per rule and one summary line. Plain lines, colored only on
  a terminal: Rich took longer to lay out a corpus' worth of findings than the checks.
- json: `{"findings": [...], "summary": {...}}` with the keys documented in the README.
- github: one workflow command per finding, `::error file=F,line=N,title=CODE name::msg`
  (`info` becomes `notice`); the summary line goes to stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO

import orjson

from cli.core.rules import (
    ERROR,
    INFO,
    WARNING,
    Finding,
    Settings,
    Tally,
    finding_json,
    rule_by_code,
)
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
    def __init__(self, color: bool = False, stream: IO[str] | None = None) -> None:
        super().__init__(stream)
        self.color = color

    def _paint(self, text: str, style: str) -> str:
        return f"{style}{text}{RESET}" if self.color else text

    def file(self, path: Path, findings: list[Finding]) -> None:
        if not findings:
            return
        lines = [self._paint(str(path), BOLD)]
        for finding in findings:
            line = self._paint(f"{finding.line or '-':>7}", DIM)
            severity = self._paint(f"{finding.severity:<7}", STYLES[finding.severity])
            pointer = f"{self._paint(finding.pointer, DIM)}  " if finding.pointer else ""
            lines.append(f"{line}  {severity}  {finding.code}  {pointer}{finding.message}")
        self.stream.write("\n".join(lines) + "\n")

    def finish(self, tally: Tally, settings: Settings) -> None:
        lines = [""] if tally.by_code else []
        for code, count in sorted(tally.by_code.items()):
            rule = rule_by_code(code)
            severity = self._paint(f"{rule.severity:<7}", STYLES[rule.severity])
            lines.append(f"{count:>7}  {code}  {severity}  {rule.name}")
        lines.append(summary_line(tally, settings))
        self.stream.write("\n".join(lines) + "\n")
        self.stream.flush()


class JsonReport(_Stream):
    def __init__(self, stream: IO[str] | None = None) -> None:
        super().__init__(stream)
        self.count = 0
        self.stream.write('{"findings": [')

    def file(self, path: Path, findings: list[Finding]) -> None:
        for finding in findings:
            separator = ",\n" if self.count else "\n"
            self.stream.write(separator + orjson.dumps(finding_json(finding)).decode())
            self.count += 1

    def finish(self, tally: Tally, settings: Settings) -> None:
        summary = orjson.dumps(tally.to_json(settings)).decode()
        self.stream.write(("\n" if self.count else "") + f'], "summary": {summary}}}\n')
        self.stream.flush()


class GithubReport(_Stream):
    def file(self, path: Path, findings: list[Finding]) -> None:
        for finding in findings:
            self.stream.write(annotation(finding) + "\n")

    def finish(self, tally: Tally, settings: Settings) -> None:
        from cli.messages import note_line

        self.stream.flush()
        note_line(summary_line(tally, settings))


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


def summary_line(tally: Tally, settings: Settings) -> str:
    """`Checked 14 files: 9 findings in 9 files (0 errors, 9 warnings, 0 info).`"""
    files = _plural(tally.files, "file")
    if not tally.by_code:
        return f"Checked {files}: no findings."
    counts = ", ".join(
        _plural(tally.by_severity[severity], name)
        for severity, name in ((ERROR, "error"), (WARNING, "warning"), (INFO, "info"))
    )
    total = sum(tally.by_code.values())
    verdict = f"; fails at --fail-on {settings.fail_on}" if tally.failed(settings) else ""
    return (
        f"Checked {files}: {_plural(total, 'finding')} in "
        f"{_plural(tally.files_with_findings, 'file')} ({counts}){verdict}."
    )


def _plural(count: int, noun: str) -> str:
    if noun == "info":
        return f"{count} info"
    return f"{count} {noun}{'' if count == 1 else 's'}"
