"""cassette retime: move or reset the timestamps in responses."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from cli.errors import UsageError
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
    from cli.core.edit.retime import file_earliest, retime

    how, seconds = choose(epoch, shift, start, zero_durations)
    mode = choose_mode(in_place, output, check, dry_run)
    options = {
        "how": how,
        "seconds": seconds,
        "zero_durations": zero_durations,
        "include_model_lists": include_model_lists,
        "include_normalized": include_normalized,
    }
    edit = Bound(retime, options, per_file=file_earliest, remembers=not no_cache)
    return run_edit_command(
        edit, paths, glob, mode, format_, no_color, command="cassette retime", no_cache=no_cache
    )


# the command line ---------------------------------------------------------------------

_DURATION = re.compile(r"^([+-]?)((?:\d+[smhdw])+|\d+)$", re.ASCII)
_DURATION_PART = re.compile(r"(\d+)([smhdw])", re.ASCII)
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def choose(
    epoch: bool, shift: str | None, start: str | None, zero_durations: bool
) -> tuple[str | None, int]:
    """(how, seconds) from the flags: exactly one of epoch/shift/start, or none of them
    with zero_durations; anything else is a UsageError."""
    given = [
        flag
        for flag, value in (("epoch", epoch or None), ("shift", shift), ("start", start))
        if value is not None
    ]
    if len(given) > 1 or (not given and not zero_durations):
        said = " and ".join(f"--{flag}" for flag in given) if given else "none"
        raise UsageError(
            f"use exactly one of --epoch, --shift, --start, or only --zero-durations (got {said})"
        )
    if shift is not None:
        return "shift", parse_duration(shift)
    if start is not None:
        return "start", parse_when(start)
    return ("epoch" if epoch else None), 0


def parse_duration(text: str) -> int:
    """`-3600`, `+2h`, `-1d`, `90m`, `1h30m` -> signed whole seconds."""
    match = _DURATION.match(text.strip())
    if not match:
        raise UsageError(
            f"--shift {text!r} is not a duration; use seconds or units s/m/h/d/w, "
            "e.g. -3600, +2h, -1d, 90m"
        )
    sign, amount = match.groups()
    if amount.isdigit():
        seconds = int(amount)
    else:
        seconds = sum(int(n) * _UNIT[unit] for n, unit in _DURATION_PART.findall(amount))
    return -seconds if sign == "-" else seconds


def parse_when(text: str) -> int:
    """Unix seconds, or ISO 8601 (a date, or a time with optional zone; UTC if none)."""
    import calendar
    from datetime import UTC, datetime

    text = text.strip()
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--start {text!r} is neither unix seconds nor ISO 8601 "
            "(e.g. 1735689600 or 2025-01-01T00:00:00Z)"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return calendar.timegm(when.astimezone(UTC).timetuple())
