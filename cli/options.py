"""Option and argument types shared by the commands, so each flag means one thing."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


class HashScheme(StrEnum):
    """How llama-stack's hash-named files are judged or renamed (recording-format.md)."""

    auto = "auto"  # the scheme the file's name shows
    v2025 = "2025"
    v2026 = "2026"
    none = "none"  # don't judge names by a hash (validate only)


class ReportFormat(StrEnum):
    """For commands whose findings can become CI annotations."""

    text = "text"
    json = "json"
    github = "github"


Paths = Annotated[
    list[Path],
    typer.Argument(
        help="Interaction files, or directories searched recursively for --glob.",
        show_default=False,
    ),
]
Glob = Annotated[
    list[str] | None,
    typer.Option(
        "--glob",
        help="File-name pattern to look for inside directories; repeat for several "
        "(default: *.json, *.yaml and *.yml).",
        show_default=False,
    ),
]
Format = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="text for people, json for programs."),
]
NoColor = Annotated[
    bool,
    typer.Option("--no-color", help="Plain text without colors (also: NO_COLOR=1)."),
]
NoCache = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Neither read nor write the result cache, nor (rename-model, retime) the memo "
        "of compressed bodies zlib can't make again (see 'cassette cache info').",
    ),
]

# Editing commands (scrub, rename-model, retime, normalize) share these.
InPlace = Annotated[bool, typer.Option("--in-place", help="Rewrite the files where they are.")]
Output = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write edited copies of the whole tree under DIR."),
]
Check = Annotated[
    bool, typer.Option("--check", help="Write nothing; exit 1 if anything would change.")
]
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Write nothing; show the changes as a diff.")
]
