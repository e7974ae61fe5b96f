"""The edit pipeline every editing command shares: load, transform, rehash, write.

Rules:
- An edit is a function that changes a cassette's JSON value in place and returns the
  list of `Change`s it made; no changes means the file is not touched at all. A `Kept`
  among them counts values it left alone on purpose, for the summary. An edit
  that needs the file's name or arguments is a `Bound`.
- The edit changes the parsed value in place; when it reports changes, the original is
  parsed again from the bytes for the rehash and the style. Whether anything changed is
  `equality.same_value` (types exact, as in diff and merge): `created` 0.0 -> 0 is a
  change, so `--check` reports what the write would do.
- In a hash-named library, when the request hash changes, the file is renamed to the
  new hash, and response ids of the form `rec-<old hash12>` follow it. A file whose name
  did not match its hash before the edit keeps its name (we can't know its rule). A
  rename never overwrites another file: the new file is created under the new name
  (which fails if the name exists), then the old name is removed. A
  `models-<hash>-<digest8>.json` name whose digest8 matched its model ids before the
  edit gets the digest8 of the new ids, by the same algorithm.
- A run killed between creating the new name and removing the old one leaves both, each
  complete. The next run finishes the job: a new name that already holds exactly the
  bytes this edit would write is not a collision, and the old name is removed.
- In place, a `journal.Journal` records each write before it happens; the rerun of a
  stopped run reports the files it finds done (`done`) instead of editing them again,
  which an edit that isn't idempotent (`retime --shift`) must never do. The run stops
  between files when its `StopFlag` is set (SIGINT, SIGTERM), reporting all it did.
- A hash-named file whose request hash changes but whose name didn't match the hash even
  before keeps its name, with a warning saying why.
- Writes go through `codec.write_atomic` in the file's own style. Each file succeeds or
  fails on its own; a failed file is left exactly as it was. Before writing, a run clears
  the temp files that killed runs left in the directories it writes to.
- JSON that isn't a cassette (`model.not_a_cassette`), found by a directory walk, is
  passed over (`skipped`, with a note; `-o` copies it as it is, to keep the tree whole).
- Values listed in `Change.secret` are never printed: reports and diffs mask them.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from cli.core import atomic, codec, hashing
from cli.core.equality import same_value
from cli.core.journal import Journal
from cli.core.library import iter_paths, map_paths, passed_over, relative_name
from cli.errors import CassetteError, WriteError

if TYPE_CHECKING:
    from cli.core.interrupt import StopFlag

Edit = Callable[[dict[str, Any]], list["Change | Kept"]]
ModeName = Literal["check", "dry_run", "in_place", "output"]


@dataclass(frozen=True)
class Bound:
    """An edit with its arguments, for edits that want more than `edit(data)`.

    `takes_name`: called as `function(data, name, **kwargs)` with the file's name.
    Every file is parsed, even one that can't change: a broken file is always reported.
    A class rather than attributes on a partial: multiprocessing pickles partials
    without their attributes.
    """

    function: Callable[..., list[Change]]
    kwargs: dict[str, Any] = field(default_factory=dict)
    takes_name: bool = False

    def __call__(self, data: dict[str, Any], name: str) -> list[Change]:
        if self.takes_name:
            return self.function(data, name, **self.kwargs)
        return self.function(data, **self.kwargs)


def named(function: Callable[..., list[Change]], /, **kwargs: Any) -> Bound:
    """Bind an edit that is called as `function(data, name, **kwargs)`."""
    return Bound(function, kwargs, takes_name=True)


@dataclass
class Change:
    pointer: str  # JSON pointer of what changed
    description: str  # for people; must not contain a secret in full
    secret: str | None = None  # a value that must never be printed


@dataclass(frozen=True)
class Kept:
    """Values an edit left alone on purpose, returned among its changes and counted in
    the run's summary (`retime --shift` keeps normalized placeholders)."""

    count: int
    what: str  # "normalized timestamps (0, 1970-01-01T00:00:00Z)"
    hint: str  # how to have them changed too: "--include-normalized moves them too"


@dataclass(frozen=True)
class Mode:
    name: ModeName
    output_dir: Path | None = None

    @property
    def writes(self) -> bool:
        return self.name in ("in_place", "output")


@dataclass
class FileResult:
    path: str  # as shown to the user: relative to the root it was found under
    # skipped: not a cassette (`warning` says); done: written by this command's stopped run
    status: Literal["changed", "unchanged", "failed", "skipped", "done"]
    changes: list[str] = field(default_factory=list)
    renamed_to: str | None = None  # new file name, when rehashed
    written_to: str | None = None  # where the bytes went (in_place/output)
    warning: str | None = None
    error: str | None = None
    diff: str | None = None  # dry_run only, secrets masked
    kept: Kept | None = None  # what the edit left alone on purpose


def run(
    edit: Edit | Bound,
    paths: Iterable[Path],
    mode: Mode,
    glob: str = "*.json",
    masker: Callable[[str], str] | None = None,
    *,
    stop: StopFlag | None = None,
    journal: Journal | None = None,
) -> Iterator[FileResult]:
    """Apply `edit` to every cassette under `paths`; yields one result per file, in order.
    Once `stop` is set, no file is started, and every file done is still reported. With a
    `journal` (in place), files it says this command already wrote are `done`."""
    roots = list(paths)
    found = iter_paths(roots, glob)  # lazily: a library's paths are never all held
    if mode.writes:
        found = _clearing(found, mode, roots)
    job = partial(
        _edit_one, edit=edit, mode=mode, roots=tuple(roots), masker=masker, journal=journal
    )
    yield from map_paths(job, found, stop=stop)


def _clearing(paths: Iterator[Path], mode: Mode, roots: list[Path]) -> Iterator[Path]:
    """The paths, each after the stale temp files of the directory it will be written to
    are cleared (once per directory, before any of its files goes to a worker)."""
    cleared: set[Path] = set()
    for path in paths:
        if mode.name == "in_place":
            directory = path.parent
        else:
            assert mode.output_dir is not None
            directory = (mode.output_dir / relative_name(path, roots)).parent
        if directory not in cleared:
            cleared.add(directory)
            atomic.remove_stale_temp_files(directory)
        yield path


def _edit_one(
    path: Path,
    *,
    edit: Edit | Bound,
    mode: Mode,
    roots: tuple[Path, ...],
    masker: Callable[[str], str] | None,
    journal: Journal | None = None,
) -> FileResult:
    name = relative_name(path, roots)
    try:
        raw = codec.read_bytes(path)
        if journal is not None:  # a rerun: what this command already wrote is done
            resumed = _resumed(path, name, raw, journal)
            if resumed is not None:
                return resumed
        value = codec.parse(raw, path)
        skipped = passed_over(value, path, roots)  # ci_matrix.json: not ours to edit
        if skipped is not None:
            written_to = None
            if mode.name == "output":  # the copy keeps the whole tree
                written_to = _write_output(mode, name, raw, path)
            return FileResult(name, "skipped", written_to=written_to, warning=skipped.note)
        if not isinstance(value, dict):
            raise codec.not_an_object(value, path)
        edited: dict[str, Any] = value
        made = edit(edited, path.name) if isinstance(edit, Bound) else edit(edited)
        changes = [change for change in made if isinstance(change, Change)]
        kept = next((item for item in made if isinstance(item, Kept)), None)
        # Most files don't change: the untouched original is parsed only for those that do.
        original = codec.loads(raw, path) if changes else edited
        if not changes or same_value(edited, original):  # types exact: 0.0 -> 0 is a change
            if mode.name == "output":
                _write_output(mode, name, raw, path)
            return FileResult(name, "unchanged", written_to=_output_name(mode, name), kept=kept)
        new_name, kept_name = _rehash(original, edited, path.name)
        result = FileResult(
            name,
            "changed",
            changes=[change.description for change in changes],
            renamed_to=new_name,
            warning=kept_name,
            kept=kept,
        )
        if mode.name == "check":  # writes nothing: make the bytes only to settle a collision
            if new_name is not None and os.path.lexists(path.parent / new_name):
                new_raw = codec.dump(edited, codec.detect_style(raw, original))
                _refuse_collision(path, new_name, new_raw, mode)
            return result
        style = codec.detect_style(raw, original)
        new_raw = codec.dump(edited, style)
        if new_name is not None:
            _refuse_collision(path, new_name, new_raw, mode)
        if not style.exact:
            irregular = "its formatting is irregular; rewritten as indented JSON"
            result.warning = f"{result.warning}; {irregular}" if result.warning else irregular
        if mode.name == "dry_run":
            secrets = [c.secret for c in changes if c.secret]
            result.diff = _diff(name, original, edited, secrets, masker)
        elif mode.name == "in_place":
            if journal is not None:
                target = path if new_name is None else path.with_name(new_name)
                journal.record(path, target, new_raw, raw)
            result.written_to = str(_write_in_place(path, new_raw, new_name))
        elif mode.name == "output":
            target = name if new_name is None else str(Path(name).with_name(new_name))
            result.written_to = _write_output(mode, target, new_raw, path)
        return result
    except CassetteError as exc:
        if exc.path is None:  # raised by the edit, which doesn't know the file
            exc.path = str(path)
        return FileResult(name, "failed", error=str(exc))


def _refuse_collision(path: Path, new_name: str, new_raw: bytes, mode: Mode) -> None:
    """A new name held by another file is a collision; one holding exactly our bytes is the
    work of a run killed before it removed the old name, and is not."""
    target = path.parent / new_name
    if not os.path.lexists(target) or _holds(target, new_raw):
        return
    if mode.name == "in_place":
        raise WriteError(f"the new name {new_name} already exists; not overwriting it", target)
    raise WriteError(f"would be renamed to {new_name}, which already exists", path)


def _holds(path: Path, data: bytes) -> bool:
    """Whether `path` is a regular file holding exactly `data` (sizes first)."""
    try:
        return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _resumed(path: Path, name: str, raw: bytes, journal: Journal) -> FileResult | None:
    """`done` for a file that holds what this command wrote there before it was stopped,
    and for the old name of a file it renamed (removed now, as the run would have)."""
    if journal.done(path, raw):
        return FileResult(name, "done")
    moved = journal.stale(path, raw)
    if moved is None:
        return None
    try:
        os.unlink(path)
    except OSError as exc:
        raise WriteError(f"could not remove the old name: {exc.strerror}", path) from None
    return FileResult(name, "done", renamed_to=moved.name, written_to=str(moved))


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


def _write_in_place(path: Path, data: bytes, new_name: str | None) -> Path:
    if new_name is None:
        codec.write_atomic(path, data)
        return path
    target = path.with_name(new_name)
    if not _holds(target, data):  # else a killed run made it, complete: just finish its job
        codec.create_exclusive(target, data, mode_from=path)
    try:
        os.unlink(path)
    except OSError as exc:
        raise WriteError(
            f"wrote {target.name} but could not remove the old name: {exc.strerror}", path
        ) from None
    return target


def _output_name(mode: Mode, name: str) -> str | None:
    return str(mode.output_dir / name) if mode.name == "output" and mode.output_dir else None


def _write_output(mode: Mode, name: str, data: bytes, source: Path) -> str:
    assert mode.output_dir is not None
    target = mode.output_dir / name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"cannot create {target.parent}: {exc.strerror or exc}", target) from None
    codec.write_atomic(target, data, mode_from=source)
    return str(target)


def _diff(
    name: str,
    before: dict[str, Any],
    after: dict[str, Any],
    secrets: list[str],
    masker: Callable[[str], str] | None,
) -> str:
    """A unified diff of the pretty JSON (even for one-line files), secrets masked."""
    old = codec.dump(before).decode().splitlines(keepends=True)
    new = codec.dump(after).decode().splitlines(keepends=True)
    text = "".join(difflib.unified_diff(old, new, f"a/{name}", f"b/{name}", n=2))
    for secret in sorted(set(secrets), key=len, reverse=True):
        shown = masker(secret) if masker else "***"
        escaped = json.dumps(secret)[1:-1]  # how the secret appears inside the JSON text
        text = text.replace(escaped, shown).replace(secret, shown)
    return text
