"""cassette validate: broken, inconsistent or leaky cassettes, for CI and pre-commit."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from cli.options import Glob, HashScheme, NoCache, NoColor, Paths, ReportFormat

EXAMPLES = [
    "cassette validate sample_cassettes",
    "cassette validate sample_cassettes --select K,T --fail-on warning",
    "cassette validate sample_cassettes --show-info --ignore L004",
]


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


def command(
    paths: Paths,
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select",
            metavar="CODES",
            help="Only these rules: codes or prefixes, comma-separated or repeated (K,L001).",
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", metavar="CODES", help="Skip these rules: codes or prefixes."),
    ] = None,
    fail_on: Annotated[
        Severity | None,
        typer.Option(
            "--fail-on", help="Exit 1 on findings of this severity or worse (default: error)."
        ),
    ] = None,
    hash_scheme: Annotated[
        HashScheme | None,
        typer.Option(
            "--hash-scheme",
            help="How hash-named files are judged: by the scheme their name shows (auto), "
            "by one scheme, or not at all (default: auto).",
        ),
    ] = None,
    format_: Annotated[
        ReportFormat,
        typer.Option(
            "--format", "-f", help="text for people, json for programs, github for Actions."
        ),
    ] = ReportFormat.text,
    show_info: Annotated[
        bool,
        typer.Option(
            "--show-info",
            help="List info findings too (what replay doesn't care about); otherwise text "
            "and github only count them. JSON always lists them.",
        ),
    ] = False,
    no_color: NoColor = False,
    glob: Glob = None,
    no_cache: NoCache = False,
) -> int:
    """Check cassettes for damage, leaked secrets and names replay won't find.

    Rules cover structure (S), parts that disagree (C), stream integrity (T), secrets (K),
    the library's file names and duplicates (L) and VCR cassettes (V); the README lists
    every code. Errors come first, then warnings; info findings, about what replay doesn't
    care about, are only counted unless --show-info. Settings
    also come from the tool.cassette.validate table of pyproject.toml; flags win. Exit 0:
    nothing at or above --fail-on; 1: findings (an unparseable file is one); 2: bad flags
    or settings.
    """
    from cli.config import validate_settings
    from cli.core.cache import ResultCache
    from cli.core.library import Skipped, iter_paths, nothing_found
    from cli.core.rules import Tally, validate
    from cli.errors import UsageError, exit_code
    from cli.messages import error_line, note_line
    from cli.render.console import files_progress

    settings = validate_settings(
        select,
        ignore,
        fail_on.value if fail_on else None,
        hash_scheme.value if hash_scheme else None,
    )
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}")
    for reason in nothing_found(paths, glob):
        error_line(reason, "cassette validate")
    report = _report(format_, no_color, show_info or settings.fail_on == "info")
    tally = Tally()
    machine = format_ is not ReportFormat.text  # json, or annotations in CI
    bar = files_progress(paths, glob, "Validating cassettes", no_color=no_color, quiet=machine)
    store = ResultCache("validate", settings, enabled=not no_cache)
    with bar as bar, store:
        for path, findings in validate(iter_paths(paths, glob), settings, tuple(paths), store):
            bar.advance()
            if isinstance(findings, Skipped):  # JSON a walk found that isn't a cassette
                note_line(findings.note)
                continue
            tally.add(findings)
            report.file(path, findings)
    report.finish(tally, settings)
    return exit_code(findings=tally.failed(settings))


def _report(format_: ReportFormat, no_color: bool, show_info: bool):  # -> a report
    """The report of `cli.render.validate` for the format. Info findings are listed when
    asked, or when they fail the run (`--fail-on info`): what fails is always shown."""
    from cli.render import validate as render

    if format_ is ReportFormat.json:
        return render.JsonReport()
    if format_ is ReportFormat.github:
        return render.GithubReport(show_info=show_info)
    from cli.render.console import color_off

    color = sys.stdout.isatty() and not color_off(no_color)
    return render.TextReport(color, show_info=show_info)
