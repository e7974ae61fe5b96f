"""VCR.py's YAML cassettes as a format: several HTTP interactions per file.

Rules:
- Claimed by content: text that opens like a YAML mapping (a `key:` line, `---`,
  `%YAML` or a comment), or any file named `.yaml`/`.yml` that doesn't open like JSON.
  JSON stays llama-stack's, and so does a `.json` file unless it opens with a
  cassette's own keys (`interactions:`, `version:`): a damaged recording stays a JSON
  error.
- Loaded with `loader` (libyaml, safe, no anchors) in one parse; turned into
  interactions by `cassette`. YAML that isn't a cassette is `NotACassette`.
- Loading never changes the file; `CassetteFile.raw` keeps its bytes and
  `CassetteFile.document` (a `cassette.Cassette`) the nodes and body layers an edit
  needs to rewrite only what changed.
- A file over `BIG_FILE` can be opened lazily: it is parsed from disk (its bytes never
  held beside its value) and its SSE bodies are read a line at a time.
- `locate_lines` gives a finding the YAML line of its pointer, from the same nodes
  (`lines`), whether the file was read whole or lazily.
- Writing back is surgical (`writer`): only the values an edit changed are rewritten,
  each in its own style, and bodies in the form they were recorded in. `dump` reads
  its result again and refuses (one-line WriteError, nothing written) unless it gives
  exactly the edited interactions. `diff_lines` is the YAML text before and after.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import re
from pathlib import Path
from typing import Any

from cli.core.equality import same_value
from cli.core.model import CassetteFile, Interaction
from cli.errors import CassetteError, WriteError

# `claims` runs on every file a walk finds: YAML and the decoders load only to read one.

NAME = "vcr"
WRITES = True
BIG_FILE = 16 * 1024 * 1024  # as llama-stack's big files: above it, read lazily
_YAML_START = re.compile(rb"\s*(?:---|%YAML|#|[\"']?[A-Za-z_][\w .-]*[\"']?[ \t]*:(?:\s|$))")
_CASSETTE_START = re.compile(rb"(?:\s*(?:---|#[^\n]*)\n)*\s*(?:interactions|version):")
_SUFFIXES = (".yaml", ".yml")
_BOM = b"\xef\xbb\xbf"


def claims(head: bytes, path: Path | None = None) -> bool:
    """Whether a file starting with `head` (and named `path`) is YAML for this format."""
    start = head[len(_BOM) :] if head.startswith(_BOM) else head
    if start.lstrip()[:1] in (b"{", b"["):
        return False  # JSON (or YAML's flow style, which no recorder writes)
    suffix = path.suffix.lower() if path is not None else ""
    if suffix in _SUFFIXES:
        return True
    if suffix == ".json":
        return _CASSETTE_START.match(start) is not None
    return _YAML_START.match(start) is not None


def load(raw: bytes, path: Path, *, damaged: bool = False) -> CassetteFile:
    """The cassette in `raw`; a one-line ReadError, or NotACassette for other YAML (a
    cassette is read as far as it can be whatever `damaged` says: bodies that can't be
    decoded are summarized, and `validate` judges them)."""
    from cli.core.formats.vcr import cassette, loader

    root, value = loader.load(raw, path)
    found, document = cassette.interactions(value, root, path)
    return CassetteFile(path, NAME, found, raw=raw, document=document)


def open_lazy(path: Path) -> CassetteFile | None:
    """A big file parsed from disk, its SSE bodies read line by line; None when the file
    is small (then `load` it whole, which is faster)."""
    try:
        if os.stat(path).st_size <= BIG_FILE:
            return None
    except OSError:
        return None  # the whole-file read reports it
    from cli.core.formats.vcr import cassette, loader

    root, value = loader.load_file(path)
    found, document = cassette.interactions(value, root, path, lazy_sse=True)
    return CassetteFile(path, NAME, found, document=document)


def facts(file: CassetteFile) -> dict[str, str]:
    """What `show` says about the file as a whole."""
    from cli.core.formats.vcr import cassette

    count = len(file.interactions)
    writer = file.document.writer if isinstance(file.document, cassette.Cassette) else "?"
    return {
        "format": "VCR.py cassette (YAML)",
        "interactions": str(count),
        "written by": f"{writer} ({_writer_note(writer)})",
    }


def interaction_facts(file: CassetteFile, interaction: Interaction) -> dict[str, str]:
    """What `show` says about one interaction beyond its transcript: the status as
    recorded, and how each body was recorded and decoded."""
    from cli.core.formats.vcr import cassette
    from cli.core.wire import body

    response = interaction.response
    status = " ".join(
        str(part) for part in (response.get("status"), response.get("status_message")) if part
    )
    out = {"status": status or "-"}
    document = file.document
    if isinstance(document, cassette.Cassette) and interaction.index < len(document.bodies):
        request_body, response_body = document.bodies[interaction.index]
        if request_body.kind != body.NONE and request_body.value != "":
            out["request body"] = request_body.describe()
        out["response body"] = response_body.describe()
    return out


def locate_lines(file: CassetteFile, pointers: set[str]) -> dict[str, int]:
    """The YAML line of each pointer into the interactions (`/interactions/2/request/url`
    is the line of its `uri`), from the nodes read with the file."""
    from cli.core.formats.vcr import cassette, lines

    document = file.document
    root = document.root if isinstance(document, cassette.Cassette) else None
    return lines.locate_lines(root, pointers)


def raw_view(interaction: Interaction) -> dict[str, Any]:
    """The interaction as `show --raw` prints it: decoded, an SSE body as its events."""
    from cli.core.wire import sse

    response = interaction.response
    lines = response.get("body")
    if interaction.is_lazy and interaction.items_reader is not None:
        lines = list(interaction.items_reader())
    if not (isinstance(lines, list) and lines and all(isinstance(x, str) for x in lines)):
        return interaction.data
    return {**interaction.data, "response": {**response, "body": sse.events(lines)}}


def raw_text(file: CassetteFile) -> bytes | None:
    """None: `show --raw` builds its JSON from the decoded bodies, never the YAML text."""
    return None


def _writer_note(writer: str) -> str:
    from cli.core.formats.vcr import cassette

    if writer == cassette.PYDANTIC_AI:
        return "parsed_body and literal blocks"
    return "the default serializer"


def original(file: CassetteFile) -> list[dict[str, Any]]:
    """Each interaction as it was read, before any edit (read again from the bytes)."""
    return [interaction.data for interaction in _as_read(file).interactions]


def _as_read(file: CassetteFile) -> Any:
    """The file as read (a `writer.Read`), loaded again from its bytes once and kept."""
    from cli.core.formats.vcr import cassette, loader, writer

    document = file.document
    if isinstance(document, cassette.Cassette) and document.original is not None:
        return document.original
    assert file.raw is not None, "a lazily read file is never edited"
    root, value = loader.load(file.raw, file.path)
    found, again = cassette.interactions(value, root, file.path)
    read = writer.Read(value, found, again.bodies)
    if isinstance(document, cassette.Cassette):
        document.original = read
    return read


def before_edit(file: CassetteFile) -> None:
    """A marshalled copy of the interactions as read (a twentieth of a parse), so that
    `changed` needn't parse the file again; the writer still does, for its nodes."""
    from cli.core.formats.vcr import cassette

    document = file.document
    if isinstance(document, cassette.Cassette):
        with contextlib.suppress(ValueError):  # a value marshal can't take: parse again
            document.before = marshal.dumps([i.data for i in file.interactions])


def changed(file: CassetteFile) -> bool:
    from cli.core.formats.vcr import cassette

    document = file.document
    if isinstance(document, cassette.Cassette) and document.before is not None:
        before = marshal.loads(document.before)
    else:
        before = original(file)
    return not same_value([interaction.data for interaction in file.interactions], before)


def new_name(file: CassetteFile) -> tuple[str | None, str | None]:
    """No new name: pytest-recording finds a cassette by its test's name, never by its
    content."""
    return None, None


def dump(file: CassetteFile) -> tuple[bytes, bool]:
    """The file's bytes with its interactions' edits written back surgically: (bytes, True).
    The result is read again; unless it holds exactly the edited interactions, a
    WriteError says where they differ and nothing is written."""
    from cli.core.formats.vcr import writer

    assert file.raw is not None, "a lazily read file is never written"
    edited = [interaction.data for interaction in file.interactions]
    new_raw = writer.write(file.raw, file.path, _as_read(file), edited)
    _check(new_raw, file.path, edited)  # also when nothing was written: an edit was lost
    return new_raw, True


def _check(new_raw: bytes, path: Path, edited: list[dict[str, Any]]) -> None:
    try:
        again = [interaction.data for interaction in load(new_raw, path).interactions]
    except CassetteError as exc:
        raise WriteError(f"the rewritten file would not read back ({exc.message})", path) from None
    for index, (written, wanted) in enumerate(zip(again, edited, strict=True)):
        for side in ("request", "response"):
            for key in sorted({*written[side], *wanted[side]}):
                if not same_value(written[side].get(key), wanted[side].get(key)):
                    raise WriteError(
                        f"/interactions/{index}/{side}/{key}: this edit can't be written "
                        "back exactly as made; nothing was written",
                        path,
                    )


def lines(file: CassetteFile, raw: bytes, pointers: set[str]) -> dict[str, int]:
    """The YAML line of each edited place, from the nodes the file was read from (`raw`
    is what they were read from)."""
    return locate_lines(file, pointers)


def diff_lines(file: CassetteFile) -> tuple[list[str], list[str]]:
    """The YAML text before and after the edits, as lines."""
    assert file.raw is not None, "a lazily read file is never written"
    new_raw, _ = dump(file)
    before = file.raw.decode("utf-8", "replace").splitlines(keepends=True)
    return before, new_raw.decode("utf-8", "replace").splitlines(keepends=True)
