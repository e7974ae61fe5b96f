"""cassette merge: merge cassette libraries into one, settling conflicts by a policy."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli.options import Format, Glob, NoColor, OutputFormat

EXAMPLES = [
    "cassette merge sample_cassettes --into merged",
    "cassette merge sample_cassettes --into merged --on-conflict newest --dry-run",
    "cassette merge sample_cassettes --into merged --check --format json",
]


class ConflictPolicy(StrEnum):
    fail = "fail"
    ours = "ours"
    theirs = "theirs"
    newest = "newest"
    keep_both = "keep-both"


def command(
    sources: Annotated[
        list[Path],
        typer.Argument(
            help="Libraries (directories) or cassette files, in order.", show_default=False
        ),
    ],
    into: Annotated[
        Path,
        typer.Option(
            "--into",
            help="The library to merge into; created if missing. Its files come first (ours).",
            metavar="DEST",
            show_default=False,
        ),
    ],
    on_conflict: Annotated[
        ConflictPolicy,
        typer.Option(
            "--on-conflict",
            help="Same file, different content: fail (write nothing), ours (first), theirs "
            "(last), newest, keep-both (others as NAME.conflict-N).",
        ),
    ] = ConflictPolicy.fail,
    combine_model_lists: Annotated[
        bool,
        typer.Option(
            "--combine-model-lists",
            help="Make the model lists of one request hash one file: the union of their models.",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Write nothing; list what would be written.")
    ] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if DEST would change.")
    ] = False,
    format_: Format = OutputFormat.text,
    no_color: NoColor = False,
    glob: Glob = None,
) -> int:
    """Merge cassette libraries into DEST, file by file, by relative path.

    Identical files are kept once; different files with the same path are a conflict,
    settled by --on-conflict. Everything is planned first: a conflict left to fail, or any
    unreadable file, writes nothing. Merge never deletes a file from DEST.
    """
    from cli.core.edit.merge import apply, plan_merge
    from cli.core.edit.pipeline import Mode
    from cli.core.library import nothing_found
    from cli.errors import UsageError, WriteError, exit_code
    from cli.messages import error_line
    from cli.render.console import files_progress, progress
    from cli.render.merge import report

    if dry_run and check:
        raise UsageError("use one of --dry-run and --check, not both")
    mode = Mode("dry_run") if dry_run else Mode("check") if check else Mode("output", into)
    for reason in nothing_found(sources, glob):
        error_line(reason, "cassette merge")
    quiet = format_ is OutputFormat.json
    read = [into, *sources] if into.is_dir() else sources
    with files_progress(read, glob, "Reading cassettes", no_color=no_color, quiet=quiet) as bar:
        plan = plan_merge(sources, into, on_conflict.value, combine_model_lists, glob, bar.advance)
    blocked = bool(plan.errors or plan.unresolved)
    written, write_error = False, None
    if mode.writes and not blocked:
        total = len(plan.writes)
        try:
            with progress(total, "Writing cassettes", no_color=no_color, quiet=quiet) as bar:
                apply(plan, bar.advance)
            written = True
        except WriteError as exc:
            write_error = str(exc)
    report(plan, mode, on_conflict.value, format_, written, write_error)
    return exit_code(
        failed=bool(plan.errors or write_error),
        findings=bool(plan.unresolved or (mode.name == "check" and plan.writes)),
    )
