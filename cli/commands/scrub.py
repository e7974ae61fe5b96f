"""cassette scrub: redact API keys, tokens and credentials from cassettes."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.options import (
    Check,
    DryRun,
    Glob,
    InPlace,
    NoCache,
    NoColor,
    Output,
    Paths,
    ReportFormat,
)

EXAMPLES = [
    "cassette scrub sample_cassettes --check",
    "cassette scrub sample_cassettes --dry-run --header X-Tenant-Id --host localhost=__local__",
    "cassette scrub sample_cassettes -o scrubbed --pattern 'ACME-[0-9]{8}' --format json",
]


def command(
    paths: Paths,
    header: Annotated[
        list[str] | None,
        typer.Option(
            "--header", help="Also redact this header (a name or glob; repeatable).", metavar="NAME"
        ),
    ] = None,
    keep_header: Annotated[
        list[str] | None,
        typer.Option(
            "--keep-header",
            help="Never touch this header (a name or glob; repeatable).",
            metavar="NAME",
        ),
    ] = None,
    remove_headers: Annotated[
        bool,
        typer.Option(
            "--remove-headers", help="Delete sensitive headers instead of redacting their values."
        ),
    ] = False,
    host: Annotated[
        list[str] | None,
        typer.Option(
            "--host",
            help="Rewrite a host name in URLs: OLD=NEW (OLD may be a glob; repeatable).",
            metavar="OLD=NEW",
        ),
    ] = None,
    pattern: Annotated[
        list[str] | None,
        typer.Option(
            "--pattern",
            help="Also redact what this regex matches (group 1 if any; repeatable).",
            metavar="REGEX",
        ),
    ] = None,
    literal: Annotated[
        list[str] | None,
        typer.Option(
            "--literal",
            help="Redact this exact value wherever it appears (repeatable).",
            metavar="VALUE",
        ),
    ] = None,
    literal_env: Annotated[
        list[str] | None,
        typer.Option(
            "--literal-env",
            help="Redact the value of this environment variable (repeatable).",
            metavar="VAR",
        ),
    ] = None,
    in_place: InPlace = False,
    output: Output = None,
    check: Check = False,
    dry_run: DryRun = False,
    format_: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            "-f",
            help="text for people, json for programs, github for CI annotations (--check).",
        ),
    ] = ReportFormat.text,
    no_color: NoColor = False,
    glob: Glob = None,
    no_cache: NoCache = False,
) -> int:
    """Redact API keys, tokens and credentials from cassettes.

    Sensitive headers (wherever a headers object appears), URL credentials, and every
    provider key format in request and response text become <REDACTED:kind> markers,
    each file keeping its own formatting; a hash-named file whose request changed moves
    to its new hash. Settings also come from the tool.cassette.scrub table of
    pyproject.toml. Say where the edits go: --in-place, -o DIR, --check or --dry-run.
    """
    import os

    from cli.commands.editing import choose_mode, run_edit_command
    from cli.config import load
    from cli.core import secrets
    from cli.core.edit.pipeline import Bound
    from cli.core.edit.scrub import scrub
    from cli.errors import UsageError
    from cli.render.edits import EditReport
    from cli.scrub_settings import scrub_options

    mode = choose_mode(in_place, output, check, dry_run)
    if format_ is ReportFormat.github and mode.name != "check":
        raise UsageError("--format github goes with --check (annotations of what would change)")
    options = scrub_options(
        load("scrub"),
        os.environ,
        headers=header or (),
        keep_headers=keep_header or (),
        remove_headers=remove_headers,
        hosts=host or (),
        patterns=pattern or (),
        literals=literal or (),
        literal_env=literal_env or (),
    )
    edit = Bound(scrub, {"options": options})
    report = EditReport(mode, format_, no_color, roots=paths, title="cassette scrub")
    return run_edit_command(
        edit,
        paths,
        glob,
        mode,
        format_,
        no_color,
        secrets.mask,
        command="cassette scrub",
        report=report,
        no_cache=no_cache,
    )
