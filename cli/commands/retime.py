"""cassette retime: move or reset the timestamps in responses."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.options import (
    Check,
    DryRun,
    Format,
    Glob,
    InPlace,
    NoCache,
    NoColor,
    Output,
    OutputFormat,
    Paths,
)

EXAMPLES = [
    "cassette retime sample_cassettes --epoch --dry-run",
    "cassette retime sample_cassettes --shift -1d --check",
    "cassette retime sample_cassettes --start 2025-01-01T00:00:00Z -o retimed --format json",
]


def command(
    paths: Paths,
    epoch: Annotated[
        bool, typer.Option("--epoch", help="Every timestamp to 0 (1970-01-01 for ISO strings).")
    ] = False,
    shift: Annotated[
        str | None,
        typer.Option(
            "--shift",
            help="Move every timestamp by a duration: -3600, +2h, -1d, 90m, 30s.",
            show_default=False,
        ),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help="Move each file so its first timestamp is WHEN (ISO 8601 or unix seconds).",
            metavar="WHEN",
            show_default=False,
        ),
    ] = None,
    zero_durations: Annotated[
        bool,
        typer.Option(
            "--zero-durations", help="Set Ollama *_duration and Cerebras time_info *_time to 0."
        ),
    ] = False,
    include_model_lists: Annotated[
        bool,
        typer.Option("--include-model-lists", help="Also retime the entries of model lists."),
    ] = False,
    include_normalized: Annotated[
        bool,
        typer.Option(
            "--include-normalized",
            help="Also move normalized placeholders (created 0, 1970-01-01), which "
            "--shift and --start leave alone.",
        ),
    ] = False,
    in_place: InPlace = False,
    output: Output = None,
    check: Check = False,
    dry_run: DryRun = False,
    format_: Format = OutputFormat.text,
    no_color: NoColor = False,
    glob: Glob = None,
    no_cache: NoCache = False,
) -> int:
    """Move or reset the timestamps in responses (created, created_at, time_info.created).

    Use exactly one of --epoch, --shift, --start (or only --zero-durations). Each value
    keeps its form (ints stay ints, ISO strings keep their precision), and --shift +x
    then --shift -x gives back the same bytes. Normalized placeholders (created 0) stay
    as they are unless --include-normalized.
    """
    from cli.commands.editing import choose_mode, run_edit_command
    from cli.core.edit.pipeline import Bound
    from cli.core.edit.retime import choose, retime

    how, seconds = choose(epoch, shift, start, zero_durations)
    mode = choose_mode(in_place, output, check, dry_run)
    options = {
        "how": how,
        "seconds": seconds,
        "zero_durations": zero_durations,
        "include_model_lists": include_model_lists,
        "include_normalized": include_normalized,
    }
    edit = Bound(retime, options)
    return run_edit_command(
        edit, paths, glob, mode, format_, no_color, command="cassette retime", no_cache=no_cache
    )
