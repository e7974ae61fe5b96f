"""What every editing command does around its edit: pick the mode, run, report, exit.

A run in place keeps a resume journal (`cli.core.edit.journal`) beside the cassettes, removed
when it ends complete and without a failure. SIGINT and SIGTERM stop the run after the
files in hand: it prints the summary of what it wrote, one line on how to resume, and
exits 130.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def edit_journal(edit: Callable, paths: list[Path], glob: str, mode: Any):  # -> Journal | None
    """The resume journal of this command, for a run in place; None otherwise (`-o DIR`
    rewrites DIR from sources it never changes: its rerun is the same run)."""
    if mode.name != "in_place":
        return None
    from cli.core.edit.journal import describe, for_command

    return for_command(describe(edit), paths, glob)


def run_edit_command(
    edit: Callable,
    paths: list[Path],
    glob: list[str] | None,
    mode,
    format_: OutputFormat,
    no_color: bool,
    masker: Callable[[str], str] | None = None,
    *,
    command: str = "cassette",
    report: Any = None,
    journal: Any = None,
    no_cache: bool = False,
) -> int:
    """Run `edit` over `paths` in `mode`, print the report, return the exit code.
    `--check` results come from (and go to) the result cache unless `no_cache`."""
    from cli.core.cache import ResultCache
    from cli.core.edit import pipeline
    from cli.core.edit.journal import describe
    from cli.core.interrupt import StopFlag, stop_on_signals
    from cli.core.library import nothing_found
    from cli.errors import ExitCode, exit_code
    from cli.messages import error_line, note_line
    from cli.render.console import files_progress
    from cli.render.edits import EditReport

    _refuse_output_inside(mode, paths)
    for reason in nothing_found(paths, glob):
        error_line(reason, command)
    if journal is None:
        journal = edit_journal(edit, paths, glob, mode)
    if report is None:
        report = EditReport(mode, format_, no_color)
    if journal is not None:
        for other in journal.others():
            note_line(
                f"note: {other} is the resume journal of another command that was stopped; "
                "run that command again to finish it, or delete the file"
            )
    stop = StopFlag()
    kind = f"{command.removeprefix('cassette ')} --check"
    enabled = mode.name == "check" and not no_cache
    store = ResultCache(kind, describe(edit), enabled=enabled)
    quiet = format_ != OutputFormat.text  # json, or scrub's annotations
    bar = files_progress(paths, glob, _doing(mode), no_color=no_color, quiet=quiet)
    # To the end: a signal after the last file stops nothing.
    with stop_on_signals(stop), store, bar as bar:
        for result in pipeline.run(
            edit, paths, mode, glob=glob, masker=masker, stop=stop, journal=journal, store=store
        ):
            report.add(result)
            bar.advance()
        report.finish(interrupted=stop.name if stop.cut else None)
        # The journal stays for a rerun while there is work left and work done to skip.
        unfinished = stop.cut or report.counts["failed"]
        if journal is not None and not (unfinished and (report.counts["changed"] or report.done)):
            journal.remove()
    if stop.cut:
        note_line(f"{command}: {_resume_note(stop.name, mode, journal)}")
        return ExitCode.INTERRUPTED
    if journal is not None and journal.exists():
        note_line(
            f"note: the resume journal {journal.path} keeps what was written: once the "
            "failed files are fixed, run the same command again to finish"
        )
    return exit_code(failed=report.failed, findings=report.findings)


def _doing(mode: Any) -> str:
    """The progress bar's label: what the run does to the files."""
    return "Checking cassettes" if mode.name in ("check", "dry_run") else "Editing cassettes"


def _resume_note(signal_name: str, mode: Any, journal: Any) -> str:
    stopped = f"stopped by {signal_name} after the files listed"
    if mode.name == "in_place":
        if journal is not None and journal.exists():
            return (
                f"{stopped}; run the same command again to finish: it skips the files "
                f"already done (resume journal {journal.path})"
            )
        return f"{stopped}; nothing was written yet: run the same command again"
    if mode.name == "output":
        return (
            f"{stopped}; run the same command again to finish: it writes {mode.output_dir} "
            "again from the sources, which it never changes"
        )
    return f"{stopped}; the report covers only those files: run it again for all of them"


def _refuse_output_inside(mode: Any, paths: list[Path]) -> None:
    """`-o DIR` inside (or equal to) a directory being edited would edit its own output:
    twice in a run or in a rerun. A `--in-place` run is what that asks for."""
    if mode.name != "output" or mode.output_dir is None:
        return
    target = mode.output_dir.resolve()
    for path in paths:
        if path.is_dir():
            root = path.resolve()
            if target == root or root in target.parents:
                raise UsageError(
                    f"-o {mode.output_dir} is inside {path}, which is being edited; write "
                    "the copies elsewhere, or edit the files where they are with --in-place"
                )
