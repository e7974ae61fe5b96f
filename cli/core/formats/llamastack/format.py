"""llama-stack's JSON recordings as a format: one interaction per file, the file's own object.

Rules:
- Claimed by content: the first byte after a byte-order mark and whitespace opens a JSON
  object or array. The extension never decides.
- JSON that is not an object, or an object with neither `request` nor `response`, is not
  a cassette at all (`NotACassette`: llama-stack keeps a `ci_matrix.json` among its
  recordings); a directory walk passes over it, named on the command line it is an
  error. An object with one of them but not the other is a damaged cassette (ReadError).
- A file over `lazy.BIG_FILE` can be opened lazily: its one interaction then reads the
  body item by item (`Interaction.items_reader`), never holding the whole stream.
- Writing back reproduces the file's own style (`codec.detect_style`); `dump` returns the
  new bytes and whether that style was exact.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cli.core.equality import same_value
from cli.core.formats.llamastack import codec, hashing, lazy
from cli.core.formats.llamastack.lines import line_numbers
from cli.core.model import CassetteFile, Interaction
from cli.errors import NotACassette, ReadError

NAME = "llamastack"
WRITES = True


def claims(head: bytes, path: Path | None = None) -> bool:
    """Whether bytes starting with `head` are JSON (an object or a list); the name
    doesn't matter."""
    start = head[len(codec.BOM) :] if head.startswith(codec.BOM) else head
    return start.lstrip()[:1] in (b"{", b"[")


def load(raw: bytes, path: Path, *, damaged: bool = False) -> CassetteFile:
    """The recording in `raw`, or a one-line ReadError (NotACassette for other JSON).
    `damaged`: an object with a `request` or a `response` is a recording even when one of
    them is missing or no object (validate's structure rules say what is wrong)."""
    value = codec.loads(raw, path)
    problem = shape_problem(value)
    if problem:
        refused = not_a_cassette(value, path)
        if refused is not None or not damaged:
            raise refused or ReadError(problem, path)
    return CassetteFile(path, NAME, [Interaction(path, value)], raw=raw)


def not_a_cassette(value: Any, path: Path | str) -> NotACassette | None:
    """The error for JSON that isn't a cassette at all, or None for a cassette, damaged or
    not."""
    if not isinstance(value, dict):
        return codec.not_an_object(value, path)
    if "request" in value or "response" in value:
        return None
    return NotACassette(
        '"request" is missing; a cassette has "request" and "response"',
        path,
        reason='JSON without "request" or "response"',
    )


def open_lazy(path: Path) -> CassetteFile | None:
    """A big file with its head read and its body left to be read item by item; None when
    the file is small or not in the streamable layout (then `load` it whole)."""
    if not lazy.is_big(path):
        return None
    streamed = lazy.open_streamed(path)
    if streamed is None:
        return None
    interaction = Interaction(
        path, streamed.data, items_reader=streamed.items, keep_items=streamed.keep_items
    )
    return CassetteFile(path, NAME, [interaction], close=streamed.close)


def facts(file: CassetteFile) -> dict[str, str]:
    """Nothing to say about the file as a whole: it is its one interaction."""
    return {}


def interaction_facts(file: CassetteFile, interaction: Interaction) -> dict[str, str]:
    return {}


def locate_lines(file: CassetteFile, pointers: set[str]) -> dict[str, int]:
    """The line of each JSON pointer in the file's text; none for a file read lazily."""
    from cli.core.formats.llamastack import lines

    return lines.locate_lines(file.raw, pointers) if file.raw is not None else {}


def raw_view(interaction: Interaction) -> Any:
    """What `show --raw` prints: the recording's own JSON value."""
    return interaction.data


def raw_text(file: CassetteFile) -> bytes | None:
    """The file's own bytes: they already are `show --raw`'s JSON."""
    return file.raw


def shape_problem(value: dict[str, Any]) -> str | None:
    for key in ("request", "response"):
        if key not in value:
            return f'"{key}" is missing; a cassette has "request" and "response"'
        if not isinstance(value[key], dict):
            return f'"{key}" is not an object'
    return None


def original(file: CassetteFile) -> dict[str, Any]:
    """The file's value as it was read, before any edit (parsed again from its bytes, once)."""
    if file.document is None:
        assert file.raw is not None, "a lazily read file is never edited"
        file.document = codec.loads(file.raw, file.path)
    return file.document


def before_edit(file: CassetteFile) -> None:
    """Nothing to keep: orjson reads the bytes again as fast as a copy would be made."""


def changed(file: CassetteFile) -> bool:
    return not same_value(file.interactions[0].data, original(file))


def new_name(file: CassetteFile) -> tuple[str | None, str | None]:
    """(the file's new name when its edit changed the request hash it is named by, else
    None; a warning when the hash changed but the name stays). Also moves `rec-<hash12>`
    response ids to the new hash, as the recorder would have. A file whose name didn't
    match its hash before the edit keeps its name: its rule can't be known."""
    return _rehash(original(file), file.interactions[0].data, file.path.name)


def dump(file: CassetteFile) -> tuple[bytes, bool]:
    """The file's bytes with its edited interaction, in its own style: (bytes, exact).
    `exact` is False when no style of ours reproduced the original file."""
    assert file.raw is not None, "a lazily read file is never written"
    style = codec.detect_style(file.raw, original(file))
    return codec.dump(file.interactions[0].data, style), style.exact


def lines(file: CassetteFile, raw: bytes, pointers: set[str]) -> dict[str, int]:
    """The line in `raw` of each pointer's value (or of its nearest enclosing one)."""
    return line_numbers(raw, pointers)


def diff_lines(file: CassetteFile) -> tuple[list[str], list[str]]:
    """Before and after as pretty JSON lines (a one-line file diffs line by line too)."""
    before = codec.dump(original(file)).decode().splitlines(keepends=True)
    after = codec.dump(file.interactions[0].data).decode().splitlines(keepends=True)
    return before, after


def _rehash(
    original: dict[str, Any], edited: dict[str, Any], file_name: str
) -> tuple[str | None, str | None]:
    """(the file's new name if the edit changed its request hash, else None; a warning
    when the hash changed but the name stays, because it didn't match even before).

    Also moves `rec-<hash12>` response ids to the new hash, as the recorder would have.
    """
    scheme = hashing.detect_scheme(file_name)
    if scheme is None:
        return None, None
    old_hash = hashing.request_hash(original, scheme)
    new_hash = hashing.request_hash(edited, scheme)
    if hashing.name_matches(original, file_name) is not True:
        if old_hash is not None and new_hash is not None and old_hash != new_hash:
            return None, (
                "keeps its name: the name did not match its request hash even before "
                "this edit, so its new name can't be known"
            )
        return None, None
    new_name: str | None = file_name
    if old_hash is not None and new_hash is not None and old_hash != new_hash:
        _replace_ids(edited.get("response"), hashing.rec_id(old_hash), hashing.rec_id(new_hash))
        new_name = hashing.expected_name(edited, scheme, file_name)
    if new_name is not None:
        new_name = _redigest(original, edited, new_name)
    return (new_name if new_name != file_name else None), None


def _redigest(original: dict[str, Any], edited: dict[str, Any], name: str) -> str:
    """A model list's digest8 follows its ids (renamed models), with the algorithm that
    made the old one; a digest8 that didn't match before is left as it is."""
    digest = hashing.name_digest(name)
    if digest is None:
        return name
    for algorithm in ("sha256", "sha1"):
        if hashing.model_list_digest(original, algorithm) == digest:
            fresh = hashing.model_list_digest(edited, algorithm)
            if fresh is None:
                return name
            return name.removesuffix(f"-{digest}.json") + f"-{fresh}.json"
    return name


def _replace_ids(value: Any, old: str, new: str) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "id" and item == old:
                value[key] = new
            else:
                _replace_ids(item, old, new)
    elif isinstance(value, list):
        for item in value:
            _replace_ids(item, old, new)
