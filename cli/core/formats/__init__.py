"""On-disk cassette formats: each turns a file's bytes into a format-neutral `CassetteFile`
and writes edits back in the file's own style.

Rules:
- The format is told by content, never by the extension alone: each format's `claims`
  looks at the first bytes (and may use the name to break a tie: a `.json` file is
  YAML only when it opens with a VCR cassette's keys).
- `read` is the one way commands and analysers open a cassette file. It raises a one-line
  `ReadError` for a file that can't be read or parsed, and `NotACassette` for one that
  parses but holds no recording.
- `lazy=True` lets a big file be read item by item (see `CassetteFile`, `Interaction`).
- `damaged=True` (for `validate`, whose rules say what is wrong) gives back a recording
  whose parts are damaged, as far as it could be read, rather than raising; NotACassette
  and unreadable files still raise.
- `locate_lines` gives the file's line of each JSON pointer of its interactions, for
  findings (none for a file read lazily, where a format can't tell).
- `facts` is what a format says about a file as a whole, for `show`'s file header
  (nothing for a one-interaction format).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from cli.core.model import CassetteFile, Interaction
from cli.errors import NotACassette

__all__ = [
    "NotACassette",
    "before_edit",
    "changed",
    "diff_lines",
    "dump",
    "facts",
    "interaction_facts",
    "lines",
    "load",
    "locate_lines",
    "name_for",
    "new_name",
    "raw_text",
    "raw_view",
    "read",
    "writes",
]

_HEAD = 64


@cache
def _formats() -> tuple[ModuleType, ...]:
    """The formats, in the order they are asked to claim a file. Imported on first use:
    importing one format's helpers (`llamastack.codec`) must not load every format."""
    from cli.core.formats.llamastack import format as llamastack
    from cli.core.formats.vcr import format as vcr

    return (llamastack, vcr)


def read(path: Path | str, *, lazy: bool = False, damaged: bool = False) -> CassetteFile:
    """The cassette file at `path`. Close it (or use `with`) when `lazy` may apply."""
    from cli.core.formats.llamastack import codec
    from cli.core.formats.llamastack import lazy as big

    path = _as_path(path)
    if lazy and big.is_big(path):
        opened = _claimant(_head(path), path).open_lazy(path)
        if opened is not None:
            return opened
    return load(codec.read_bytes(path), path, damaged=damaged)


def load(raw: bytes, path: Path | str, *, damaged: bool = False) -> CassetteFile:
    """The cassette file in `raw`, read by the format that claims it."""
    path = _as_path(path)
    return _claimant(raw[:_HEAD], path).load(raw, path, damaged=damaged)


def name_for(path: Path | str) -> str:
    """The name of the format that claims the file at `path` by its first bytes (the
    JSON format's when it can't be read)."""
    path = Path(path)
    return _claimant(_head(path), path).NAME


def locate_lines(file: CassetteFile, pointers: set[str]) -> dict[str, int]:
    """The 1-based line of each pointer (an interaction's pointer, then a place in its
    dict) that the file's text shows; pointers it can't place are left out."""
    return _format_of(file).locate_lines(file, pointers)


def facts(file: CassetteFile) -> dict[str, str]:
    """What the file's format says about it as a whole; empty for one-interaction formats."""
    return _format_of(file).facts(file)


def interaction_facts(file: CassetteFile, interaction: Interaction) -> dict[str, str]:
    """What the format says about one interaction (status, how its bodies were recorded);
    empty for a format whose interaction is the whole file."""
    return _format_of(file).interaction_facts(file, interaction)


def raw_view(file: CassetteFile, interaction: Interaction) -> Any:
    """What `show --raw` prints for an interaction: the file's own value, or (for a format
    whose bodies are encoded) the decoded interaction."""
    return _format_of(file).raw_view(interaction)


def raw_text(file: CassetteFile) -> bytes | None:
    """The file's own bytes when they already are `show --raw`'s JSON (a JSON recording);
    None when the raw view is built from decoded bodies (VCR)."""
    return _format_of(file).raw_text(file)


def _as_path(path: Path | str) -> Path:
    """`path` as a Path: one given is kept (`Path(path)` parses it again, for every file)."""
    return path if isinstance(path, Path) else Path(path)


def _claimant(head: bytes, path: Path) -> ModuleType:
    formats = _formats()
    for form in formats:
        if form.claims(head, path):
            return form
    return formats[0]  # nothing claims it: the JSON reader says precisely what is wrong


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(_HEAD)
    except OSError:
        return b""  # reading it whole reports why


def writes(file: CassetteFile) -> bool:
    """Whether `file`'s format can write edits back (VCR: not yet)."""
    return _format_of(file).WRITES


def before_edit(file: CassetteFile) -> None:
    """Keep what `file` holds before its interactions are edited in place, where the
    format can compare with that more cheaply than by parsing its bytes again."""
    _format_of(file).before_edit(file)


def changed(file: CassetteFile) -> bool:
    """Whether the edits made to `file`'s interactions change what it holds."""
    return _format_of(file).changed(file)


def new_name(file: CassetteFile) -> tuple[str | None, str | None]:
    """(the name `file` must take after its edits so that replay finds it, or None to keep
    it; a warning when it keeps a name replay won't find)."""
    return _format_of(file).new_name(file)


def dump(file: CassetteFile) -> tuple[bytes, bool]:
    """The bytes of `file` with its interactions' edits written back: (bytes, exact style)."""
    return _format_of(file).dump(file)


def lines(file: CassetteFile, raw: bytes, pointers: set[str]) -> dict[str, int]:
    """The line in the file's bytes `raw` where each pointer's value is (for annotations);
    a pointer the format can't place is left out."""
    return _format_of(file).lines(file, raw, pointers)


def diff_lines(file: CassetteFile) -> tuple[list[str], list[str]]:
    """The file's text before and after its edits, as lines, for a dry-run diff."""
    return _format_of(file).diff_lines(file)


def _format_of(file: CassetteFile) -> ModuleType:
    return next(form for form in _formats() if file.format == form.NAME)
