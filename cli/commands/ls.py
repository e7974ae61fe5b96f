"""cassette ls: one row per cassette, with totals."""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.options import Format, Glob, NoCache, NoColor, OutputFormat, Paths

if TYPE_CHECKING:
    from cli.core.library import Skipped
    from cli.core.transcript.summary import Summary

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
        str | None, typer.Option("--model", help="Only models matching this glob (any case).")
    ] = None,
    endpoint: Annotated[
        str | None, typer.Option("--endpoint", help="Only endpoints matching this glob (any case).")
    ] = None,
    provider: Annotated[
        str | None, typer.Option("--provider", help="Only this provider, as guessed (any case).")
    ] = None,
    sort: Annotated[SortKey, typer.Option("--sort", help="Order of the rows.")] = SortKey.file,
    format_: Format = OutputFormat.text,
    no_color: NoColor = False,
    glob: Glob = None,
    no_cache: NoCache = False,
) -> int:
    """List cassettes, one row per interaction, with a totals row.

    Each row gives the endpoint, model, streamed or not, choices, chunks, input and output
    tokens, finish reasons and the first user message. A file of several interactions (a
    VCR cassette) has a row for each, its name on the first. Filters narrow the list.
    """
    from functools import partial

    from cli.core.cache import ResultCache
    from cli.core.library import Skipped, iter_paths, map_cached, nothing_found
    from cli.core.transcript.summary import matches_filters, sort_summaries
    from cli.errors import exit_code
    from cli.messages import error_line, note_line
    from cli.render.console import files_progress

    for reason in nothing_found(paths, glob):
        error_line(reason, "cassette ls")
    # One path listed by name is written as it is read, holding no rows; else sorted.
    streaming = sort is SortKey.file and len(paths) == 1
    table = _table(format_, no_color, buffered=streaming)
    rows: list[tuple[Summary, bool]] = []
    failed = False
    quiet = format_ is OutputFormat.json
    bar = files_progress(paths, glob, "Reading cassettes", no_color=no_color, quiet=quiet)
    with bar as bar, ResultCache("ls", enabled=not no_cache) as store:
        worker = partial(summarize_path, given=tuple(paths))
        found = iter_paths(paths, glob)
        cached = map_cached(worker, found, store, encode=to_record, decode=from_record, given=paths)
        for path, result in cached:
            bar.advance()
            if isinstance(result, Skipped):  # a walk found it, and it isn't a cassette
                note_line(result.note)
                continue
            if isinstance(result, str):
                error_line(result)
                failed = True
                continue
            first = True  # the file's first row shown: it counts the file in the totals
            for summary in result:
                summary.file = str(path)  # as given, like show: a path that opens
                if not matches_filters(summary, model=model, endpoint=endpoint, provider=provider):
                    continue
                if streaming:
                    table.add(summary, new_file=first)
                else:
                    rows.append((summary, first))
                first = False
    first_of = {id(summary): first for summary, first in rows}
    for row in sort_summaries([summary for summary, _ in rows], sort.value):
        table.add(row, new_file=first_of[id(row)])
    table.finish()
    return exit_code(failed=failed)


def _table(format_: OutputFormat, no_color: bool, buffered: bool):  # -> TextTable | JsonRows
    import shutil
    import sys

    from cli.render.ls import BUFFERED, JsonRows, TextTable

    if format_ is OutputFormat.json:
        return JsonRows()
    from cli.render.console import color_off

    tty = sys.stdout.isatty()
    return TextTable(
        width=shutil.get_terminal_size().columns if tty else None,
        bold=tty and not color_off(no_color),
        buffered=BUFFERED if buffered else None,
    )


def summarize_path(path: Path, given: tuple[Path, ...] = ()) -> list[Summary] | Skipped | str:
    """Worker: one summary per interaction; or Skipped for a file a walk of `given` found
    that isn't a cassette; or the one-line error that stopped it. A big file's chunks are
    read one at a time, never all held."""
    formats, pass_over, summarize, CassetteError, NotACassette = _worker_parts()
    try:
        with formats.read(path, lazy=True) as file:
            summaries = []
            for interaction in file.interactions:
                summary = summarize(interaction)
                if interaction.pointer:  # one of several interactions in the file
                    summary.interaction = interaction.index
                summaries.append(summary)
            return summaries
    except NotACassette as exc:
        return pass_over(exc, path, given) or str(exc)
    except CassetteError as exc:
        return str(exc)


@cache
def _worker_parts() -> tuple[Any, ...]:
    """What the worker reads with, imported on its first file, not at start-up (nor again
    for every file: four import statements cost what parsing a small cassette does)."""
    from cli.core import formats
    from cli.core.library import pass_over
    from cli.core.transcript.summary import summarize
    from cli.errors import CassetteError, NotACassette

    return formats, pass_over, summarize, CassetteError, NotACassette


def to_record(result: list[Summary] | Skipped | str) -> dict[str, Any]:
    """A worker's answer as the JSON record the cache keeps (`from_record` reads it)."""
    if isinstance(result, list):  # the common answer, told without an import
        return {"rows": [vars(summary) for summary in result]}
    if isinstance(result, str):
        return {"error": result}
    return {"skipped": result.note}


def from_record(path: Path, record: dict[str, Any]) -> list[Summary] | Skipped | str:
    skipped, summary = _record_parts()
    if "skipped" in record:
        return skipped(record["skipped"])
    if "error" in record:
        return record["error"]
    return [summary.from_fields(row) for row in record["rows"]]


@cache
def _record_parts() -> tuple[Any, Any]:
    """The classes a record becomes, imported once (`from_record` runs for every file)."""
    from cli.core.library import Skipped
    from cli.core.transcript.summary import Summary

    return Skipped, Summary
