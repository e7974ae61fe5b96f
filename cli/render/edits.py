"""Reports of editing commands: a line per changed or failed file, then a summary.

`--format github` (scrub --check) prints a workflow annotation per change and failure.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cli.core.edit.pipeline import FileResult, Mode
from cli.messages import error_line, note_line
from cli.options import OutputFormat, ReportFormat
from cli.render import json_text
from cli.render.github import workflow_command


class EditReport:
    """Collects results as they come; prints text as it goes, JSON at the end."""

    def __init__(
        self,
        mode: Mode,
        format_: OutputFormat | ReportFormat,
        no_color: bool,
        roots: Sequence[Path] = (),
        title: str = "cassette",
    ) -> None:
        self.mode = mode
        self.github = format_ == ReportFormat.github
        self.format = OutputFormat.json if format_ == OutputFormat.json else OutputFormat.text
        self.roots = roots  # to name files from the repository root in annotations
        self.title = title  # of annotations
        self.no_color = no_color
        self.counts = {"changed": 0, "unchanged": 0, "renamed": 0, "failed": 0}
        self.passed_over = 0  # files a walk found that can't be edited: a note each
        self.kept: dict[tuple[str, str], list[int]] = {}  # (what, hint) -> [values, files]
        self.done = 0  # files a stopped run of the same command had done already
        self.results: list[FileResult] = []

    def add(self, result: FileResult) -> None:
        if result.status == "passed_over":
            self.passed_over += 1
            if self.format is OutputFormat.text:
                note_line(result.error or result.path)
            return
        if result.status == "done":  # written by this command's stopped run: nothing to do
            self.done += 1
            return
        self.counts[result.status] += 1
        if result.kept is not None:
            tally = self.kept.setdefault((result.kept.what, result.kept.hint), [0, 0])
            tally[0] += result.kept.count
            tally[1] += 1
        if result.renamed_to:
            self.counts["renamed"] += 1
        if self.format is OutputFormat.json:
            if result.status != "unchanged":
                self.results.append(result)
            return
        if self.github:
            self._annotate(result)
            return
        if result.status == "failed":
            error_line(result.error or result.path)
            return
        if result.warning:
            note_line(f"cassette: warning: {result.path}: {result.warning}")
        if result.status == "unchanged":
            return
        verb = {"check": "would change", "dry_run": "would change"}.get(self.mode.name, "changed")
        line = f"{verb} {result.path}"
        if result.renamed_to:
            line += f" -> renamed to {result.renamed_to}"
        print(line)
        for change in result.changes:
            print(f"  {change}")
        if result.diff:
            print(result.diff, end="" if result.diff.endswith("\n") else "\n")

    def _annotate(self, result: FileResult) -> None:
        where = _annotation_path(result.path, self.roots)
        if result.status == "failed":
            print(workflow_command("error", result.error or "", file=where, title="cassette"))
        if result.status == "changed":  # each change at its line (--check knows them)
            lines = result.lines or [None] * len(result.changes)
            for change, line in zip(result.changes, lines, strict=True):
                print(workflow_command("error", change, file=where, line=line, title=self.title))
        if result.renamed_to:
            message = f"renamed to {result.renamed_to}"
            print(workflow_command("notice", message, file=where, title="cassette"))

    def finish(self, interrupted: str | None = None) -> None:
        """The summary; `interrupted` names the signal that stopped the run early."""
        if self.format is OutputFormat.json:
            summary: dict[str, int] = dict(self.counts)
            if self.passed_over:  # present only when a walk found files it couldn't edit
                summary["passed_over"] = self.passed_over
            kept = sum(values for values, _ in self.kept.values())
            if kept:
                summary["kept"] = kept
            if self.done:
                summary["done"] = self.done
            document: dict[str, Any] = {"mode": self.mode.name, "summary": summary}
            if interrupted:
                document["interrupted"] = interrupted
            document["files"] = [_result_json(result) for result in self.results]
            print(json_text.dumps(document, indent=True), flush=True)
            return
        sys.stdout.flush()  # the file lines first, all of them, even when stopped early
        counts = self.counts
        would = "would be " if self.mode.name in ("check", "dry_run") else ""
        line = (
            f"{counts['changed']} {would}changed, {counts['unchanged']} unchanged, "
            f"{counts['renamed']} {would}renamed, {counts['failed']} failed"
        )
        if self.passed_over:
            line += f", {self.passed_over} passed over"
        if self.done:
            line += f", {self.done} already done by the stopped run"
        note_line(line)
        for (what, hint), (values, files) in self.kept.items():
            where = "1 file" if files == 1 else f"{files:,} files"
            note_line(f"left {values:,} {what} alone in {where}; {hint}")

    @property
    def failed(self) -> bool:
        return bool(self.counts["failed"])

    @property
    def findings(self) -> bool:
        """`--check` found files it would change."""
        return self.mode.name == "check" and bool(self.counts["changed"])


def _result_json(result: FileResult) -> dict[str, Any]:
    return {
        "path": result.path,
        "status": result.status,
        "changes": result.changes,
        "renamed_to": result.renamed_to,
        "written_to": result.written_to,
        "warning": result.warning,
        "error": result.error,
        "diff": result.diff,
    }


def _annotation_path(path: str, roots: Sequence[Path]) -> str:
    for root in roots:
        if root.is_dir() and (root / path).exists():
            return (root / path).as_posix()
    return path
