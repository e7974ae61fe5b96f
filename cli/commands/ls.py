"""cassette ls: one row per cassette, with totals."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.options import Format, Glob, NoColor, OutputFormat, Paths

if TYPE_CHECKING:
    from cli.core.summary import Summary

EXAMPLES = [
    "cassette ls sample_cassettes",
    "cassette ls sample_cassettes --model 'meta-llama/*' --sort chunks",
    "cassette ls sample_cassettes --format json",
]


class SortKey(StrEnum):
    file = "file"
    model = "model"
    endpoint = "endpoint"
    provider = "provider"
    chunks = "chunks"
    input = "input"
    output = "output"


def command(
    paths: Paths,
    model: Annotated[
        str | None, typer.Option("--model", help="Only models matching this glob.")
    ] = None,
    endpoint: Annotated[
        str | None, typer.Option("--endpoint", help="Only endpoints matching this glob.")
    ] = None,
    provider: Annotated[
        str | None, typer.Option("--provider", help="Only this provider (as guessed).")
    ] = None,
    sort: Annotated[SortKey, typer.Option("--sort", help="Order of the rows.")] = SortKey.file,
    format_: Format = OutputFormat.text,
    no_color: NoColor = False,
    glob: Glob = "*.json",
) -> int:
    """List cassettes, one row each, with a totals row.

    Each row gives the endpoint, model, streamed or not, choices, chunks, input and output
    tokens, finish reasons and the first user message. Filters narrow the list.
    """
    from cli.core.library import iter_paths, map_paths, relative_name
    from cli.core.summary import matches_filters, sort_summaries
    from cli.messages import error_line
    from cli.render.console import progress

    path_list = list(iter_paths(paths, glob))
    rows: list[Summary] = []
    failed = False
    with progress(len(path_list), "Reading cassettes") as bar:
        for path, result in zip(path_list, map_paths(summarize_path, path_list), strict=True):
            bar.advance()
            if isinstance(result, str):
                error_line(result)
                failed = True
                continue
            result.file = relative_name(path, paths)
            if matches_filters(result, model=model, endpoint=endpoint, provider=provider):
                rows.append(result)
    rows = sort_summaries(rows, sort.value)
    if format_ is OutputFormat.json:
        from cli.render.ls import ls_json

        typer.echo(ls_json(rows))
    else:
        import shutil
        import sys

        from cli.render.ls import render_lines

        width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
        lines = render_lines(rows, width)
        if sys.stdout.isatty() and not no_color and "NO_COLOR" not in os.environ:
            lines[0] = f"\x1b[1m{lines[0]}\x1b[0m"
        sys.stdout.write("\n".join(lines) + "\n")
    return 2 if failed else 0


def summarize_path(path: Path) -> Summary | str:
    """Worker: a cassette's summary, or the one-line error that stopped it."""
    from cli.core.model import Cassette
    from cli.core.summary import summarize
    from cli.errors import CassetteError

    try:
        return summarize(Cassette.load(path))
    except CassetteError as exc:
        return str(exc)
