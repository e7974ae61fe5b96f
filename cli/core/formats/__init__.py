"""On-disk cassette formats: each turns a file's bytes into a format-neutral `CassetteFile`
and writes edits back in the file's own style.

Rules:
- The format is told by content, never by the extension alone: each format's `claims`
  looks at the first bytes.
- `read` is the one way commands and analysers open a cassette file. It raises a one-line
  `ReadError` for a file that can't be read or parsed, and `NotACassette` for one that
  parses but holds no recording.
- `lazy=True` lets a big file be read item by item (see `CassetteFile`, `Interaction`).
"""

from __future__ import annotations

from pathlib import Path

from cli.core.formats.errors import NotACassette
from cli.core.formats.llamastack import codec
from cli.core.formats.llamastack import format as llamastack
from cli.core.model import CassetteFile

__all__ = ["NotACassette", "changed", "diff_lines", "dump", "load", "new_name", "read"]

_FORMATS = (llamastack,)


def read(path: Path | str, *, lazy: bool = False) -> CassetteFile:
    """The cassette file at `path`. Close it (or use `with`) when `lazy` may apply."""
    path = Path(path)
    if lazy:
        opened = llamastack.open_lazy(path)
        if opened is not None:
            return opened
    return load(codec.read_bytes(path), path)


def load(raw: bytes, path: Path | str) -> CassetteFile:
    """The cassette file in `raw`, read by the format that claims it."""
    path = Path(path)
    for form in _FORMATS:
        if form.claims(raw[:64]):
            return form.load(raw, path)
    # Nothing claims it: the JSON reader says precisely what is wrong.
    return llamastack.load(raw, path)


def changed(file: CassetteFile) -> bool:
    """Whether the edits made to `file`'s interactions change what it holds."""
    return _format_of(file).changed(file)


def new_name(file: CassetteFile) -> str | None:
    """The name `file` must take after its edits so that replay finds it; None: keep it."""
    return _format_of(file).new_name(file)


def dump(file: CassetteFile) -> tuple[bytes, bool]:
    """The bytes of `file` with its interactions' edits written back: (bytes, exact style)."""
    return _format_of(file).dump(file)


def diff_lines(file: CassetteFile) -> tuple[list[str], list[str]]:
    """The file's text before and after its edits, as lines, for a dry-run diff."""
    return _format_of(file).diff_lines(file)


def _format_of(file: CassetteFile):  # -> a format module
    return next(form for form in _FORMATS if file.format == form.NAME)
