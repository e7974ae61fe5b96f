"""What every editing command does around its edit: pick the mode, run, report, exit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cli.errors import UsageError
from cli.options import OutputFormat


def choose_mode(in_place: bool, output: Path | None, check: bool, dry_run: bool):  # -> Mode
    from cli.core.edit.pipeline import Mode

    chosen = [
        name
        for name, flag in (
            ("--in-place", in_place),
            ("--output", output is not None),
            ("--check", check),
            ("--dry-run", dry_run),
        )
        if flag
    ]
    if len(chosen) != 1:
        said = f"got {' and '.join(chosen)}" if chosen else "got none"
        raise UsageError(
            f"say where the edits go: one of --in-place, -o DIR, --check, --dry-run ({said})"
        )
    if in_place:
        return Mode("in_place")
    if output is not None:
        return Mode("output", output_dir=output)
    return Mode("check" if check else "dry_run")


def run_edit_command(
    edit: Callable,
    paths: list[Path],
    glob: list[str] | None,
    mode,
    format_: OutputFormat,
    no_color: bool,
    masker: Callable[[str], str] | None = None,
) -> int:
    """Run `edit` over `paths` in `mode`, print the report, return the exit code."""
    from cli.core.edit import pipeline
    from cli.render.edits import EditReport

    report = EditReport(mode, format_, no_color)
    for result in pipeline.run(edit, paths, mode, glob=glob, masker=masker):
        report.add(result)
    report.finish()
    return report.exit_code
