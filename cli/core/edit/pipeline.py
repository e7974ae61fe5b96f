"""The edit pipeline every editing command shares: load, transform, rename, write.

Rules:
- An edit is a function that changes one interaction's JSON value in place and returns
  the list of `Change`s it made; no changes means the file is not touched at all. A `Kept`
  among them counts values it left alone on purpose, for the summary. An edit that needs
  the file's name or arguments is a `Bound`. A file with several interactions gets the
  edit on each, and each change's pointer says where in the file.
- The file's format (`cli.core.formats`) decides whether the edits changed anything
  (`equality.same_value`: types exact, so `created` 0.0 -> 0 is a change and `--check`
  reports what the write would do), writes them back in the file's own style, and names
  the file anew when replay looks it up by its request (llama-stack's hash-named
  libraries: the new hash, with `rec-` ids and model-list digests following it; a file
  whose name didn't match before keeps it, with a warning saying why).
- A rename never overwrites another file: the new file is created under the new name
  (which fails if the name exists), then the old name is removed.
- A run killed between creating the new name and removing the old one leaves both, each
  complete. The next run finishes the job: a new name that already holds exactly the
  bytes this edit would write is not a collision, and the old name is removed.
- In place, a `journal.Journal` records each write before it happens; the rerun of a
  stopped run reports the files it finds done (`done`) instead of editing them again,
  which an edit that isn't idempotent (`retime --shift`) must never do. The run stops
  between files when its `StopFlag` is set (SIGINT, SIGTERM), reporting all it did.
- Writes go through `atomic.write_atomic` in the file's own style. Each file succeeds or
  fails on its own; a failed file is left exactly as it was. Before writing, a run clears
  the temp files that killed runs left in the directories it writes to.
- A file a walk found that is not a cassette, or whose format can't be written back yet,
  is `passed_over` with a note and leaves the exit code alone (`-o` copies it as it is,
  to keep the tree whole); named on the command line, it fails.
- Values listed in `Change.secret` are never printed: reports and diffs mask them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from cli.core import formats, originals
from cli.core.edit import atomic
from cli.core.edit.atomic import create_exclusive, write_atomic
from cli.core.edit.dry_run import unified_diff
from cli.core.edit.journal import Journal
from cli.core.formats.llamastack.codec import read_bytes
from cli.core.library import Globs, iter_paths, map_cached, namer, was_named
from cli.core.model import CassetteFile
from cli.core.pool import stop_if_orphaned
from cli.errors import CassetteError, NotACassette, WriteError

if TYPE_CHECKING:
    from cli.core.cache import ResultCache
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
    # Arguments a file's interactions settle together (`retime --start` moves a VCR file
    # of several interactions as one): called with every interaction's data and `kwargs`,
    # it returns the kwargs for that file.
    per_file: Callable[[list[dict[str, Any]], dict[str, Any]], dict[str, Any]] | None = None
    # Compressed bodies zlib can't make again are remembered and recalled (`originals`),
    # so that this edit's reverse gives back their bytes. Never for scrub.
    remembers: bool = False

    def __call__(self, data: dict[str, Any], name: str) -> list[Change]:
        if self.takes_name:
            return self.function(data, name, **self.kwargs)
        return self.function(data, **self.kwargs)

    def for_file(self, datas: list[dict[str, Any]]) -> Bound:
        """This edit with the arguments `per_file` settles for a file's interactions."""
        if self.per_file is None:
            return self
        kwargs = self.per_file(datas, self.kwargs)
        return Bound(self.function, kwargs, self.takes_name, remembers=self.remembers)


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
    # passed_over: not a cassette, or not writable yet (`error` says why); done: written by
    # this command's stopped run
    status: Literal["changed", "unchanged", "failed", "passed_over", "done"]
    changes: list[str] = field(default_factory=list)
    renamed_to: str | None = None  # new file name, when rehashed
    written_to: str | None = None  # where the bytes went (in_place/output)
    warning: str | None = None
    error: str | None = None  # for "failed", and the note of "passed_over"
    diff: str | None = None  # dry_run only, secrets masked
    kept: Kept | None = None  # what the edit left alone on purpose
    lines: list[int | None] = field(default_factory=list)  # check only: each change's line


def run(
    edit: Edit | Bound,
    paths: Iterable[Path],
    mode: Mode,
    glob: Globs = None,
    masker: Callable[[str], str] | None = None,
    *,
    stop: StopFlag | None = None,
    journal: Journal | None = None,
    store: ResultCache | None = None,
) -> Iterator[FileResult]:
    """Apply `edit` to every cassette under `paths`; yields one result per file, in order.
    Once `stop` is set, no file is started, and every file done is still reported. With a
    `journal` (in place), files it says this command already wrote are `done`. `store`
    (the result cache) serves `--check` only: every other mode writes or shows a diff."""
    roots = list(paths)
    _names.cache_clear()  # a root's kind is asked once a run (the workers inherit this)
    found = iter_paths(roots, glob)  # lazily: a library's paths are never all held
    if mode.writes:
        found = _clearing(found, mode, roots)
    job = partial(
        _edit_one, edit=edit, mode=mode, roots=tuple(roots), masker=masker, journal=journal
    )
    results = map_cached(
        job,
        found,
        store if mode.name == "check" else None,
        encode=to_record,
        decode=partial(from_record, name_of=namer(roots)),
        given=roots,
        keep=_holds_alone,
        stop=stop,
    )
    for _, result in results:
        yield result


def to_record(result: FileResult) -> dict[str, Any]:
    """A file's result as the JSON record the cache keeps; its name as shown is left out
    (it depends on the roots given, and `from_record` puts it back)."""
    record = {name: value for name, value in vars(result).items() if name != "path"}
    if result.kept is not None:
        record["kept"] = vars(result.kept)
    return record


def from_record(path: Path, record: dict[str, Any], name_of: Callable[[Path], str]) -> FileResult:
    kept = record.get("kept")
    fields = {**record, "kept": Kept(**kept) if kept is not None else None}
    return FileResult(name_of(path), **fields)


def _holds_alone(record: dict[str, Any]) -> bool:
    """Whether a `--check` result depends on its file alone, and may be cached: not a
    rename, whose target may come or go, nor a failure, which may be such a collision."""
    if record["status"] == "passed_over":
        return True
    return record["status"] in ("unchanged", "changed") and record["renamed_to"] is None


def _clearing(paths: Iterator[Path], mode: Mode, roots: list[Path]) -> Iterator[Path]:
    """The paths, each after the stale temp files of the directory it will be written to
    are cleared (once per directory, before any of its files goes to a worker)."""
    cleared: set[Path] = set()
    for path in paths:
        if mode.name == "in_place":
            directory = path.parent
        else:
            assert mode.output_dir is not None
            directory = (mode.output_dir / _names(tuple(roots))(path)).parent
        if directory not in cleared:
            cleared.add(directory)
            atomic.remove_stale_temp_files(directory)
        yield path


@lru_cache(maxsize=4)
def _names(roots: tuple[Path, ...]) -> Callable[[Path], str]:
    """`library.relative_name` for the run's roots: asking which roots are directories, for
    every file, cost about a tenth of checking a clean file."""
    return namer(roots)


def _edit_one(path: Path, *, edit: Edit | Bound, **rest: Any) -> FileResult:
    with originals.session(isinstance(edit, Bound) and edit.remembers):
        return _edit_file(path, edit=edit, **rest)


def _edit_file(
    path: Path,
    *,
    edit: Edit | Bound,
    mode: Mode,
    roots: tuple[Path, ...],
    masker: Callable[[str], str] | None,
    journal: Journal | None = None,
) -> FileResult:
    name = _names(roots)(path)
    try:
        raw = read_bytes(path)
        if journal is not None:  # a rerun: what this command already wrote is done
            resumed = _resumed(path, name, raw, journal)
            if resumed is not None:
                return resumed
        file = formats.load(raw, path)
        if not formats.writes(file):
            message = f"a {file.format} cassette can't be edited yet; left as it is"
            return _passed_over(path, name, raw, mode, roots, CassetteError(message, path))
        formats.before_edit(file)
        made = _apply(edit, file)
        changes = [change for change in made if isinstance(change, Change)]
        kept = next((item for item in made if isinstance(item, Kept)), None)
        if not changes or not formats.changed(file):
            if mode.name == "output":
                _write_output(mode, name, raw, path)
            return FileResult(name, "unchanged", written_to=_output_name(mode, name), kept=kept)
        new_name, kept_name = formats.new_name(file)
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
                _refuse_collision(path, new_name, formats.dump(file)[0], mode)
            found = formats.lines(file, raw, {change.pointer for change in changes})
            result.lines = [found.get(change.pointer) for change in changes]
            return result
        new_raw, exact = formats.dump(file)
        if new_name is not None:
            _refuse_collision(path, new_name, new_raw, mode)
        if not exact:  # a dry run writes nothing: it says what a write would do
            done = "would be rewritten" if mode.name == "dry_run" else "rewritten"
            irregular = f"its formatting is irregular; {done} as indented JSON"
            result.warning = f"{result.warning}; {irregular}" if result.warning else irregular
        if mode.name == "dry_run":
            secrets = [c.secret for c in changes if c.secret]
            result.diff = unified_diff(name, formats.diff_lines(file), secrets, masker)
        elif mode.name == "in_place":
            stop_if_orphaned()  # a worker whose main process died writes nothing
            if journal is not None:
                target = path if new_name is None else path.with_name(new_name)
                journal.record(path, target, new_raw, raw)
            result.written_to = str(_write_in_place(path, new_raw, new_name))
        elif mode.name == "output":
            target = name if new_name is None else str(Path(name).with_name(new_name))
            result.written_to = _write_output(mode, target, new_raw, path)
        return result
    except NotACassette as exc:
        return _passed_over(path, name, None, mode, roots, exc)
    except CassetteError as exc:
        if exc.path is None:  # raised by the edit, which doesn't know the file
            exc.path = str(path)
        return FileResult(name, "failed", error=str(exc))


def _passed_over(
    path: Path,
    name: str,
    raw: bytes | None,
    mode: Mode,
    roots: tuple[Path, ...],
    error: CassetteError,
) -> FileResult:
    """A file this edit can't take: an error when named, else passed over with a note (and
    copied as it is under `-o`, to keep the tree whole)."""
    if was_named(path, roots):
        return FileResult(name, "failed", error=str(error))
    note = error.note() if isinstance(error, NotACassette) else f"cassette: {error}; passed over"
    written_to = None
    if mode.name == "output":
        written_to = _write_output(mode, name, read_bytes(path) if raw is None else raw, path)
    return FileResult(name, "passed_over", written_to=written_to, error=note)


def _apply(edit: Edit | Bound, file: CassetteFile) -> list[Change | Kept]:
    """The edit on each interaction in turn; pointers say where in the file."""
    if isinstance(edit, Bound):
        edit = edit.for_file([interaction.data for interaction in file.interactions])
    changes: list[Change | Kept] = []
    for interaction in file.interactions:
        found = (
            edit(interaction.data, file.path.name)
            if isinstance(edit, Bound)
            else edit(interaction.data)
        )
        for change in found:
            if isinstance(change, Change) and interaction.pointer:
                if change.description.startswith("/"):  # it names its pointer first
                    change.description = interaction.pointer + change.description
                change.pointer = interaction.pointer + change.pointer
        changes += found
    return changes


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


def _write_in_place(path: Path, data: bytes, new_name: str | None) -> Path:
    if new_name is None:
        write_atomic(path, data)
        return path
    target = path.with_name(new_name)
    if not _holds(target, data):  # else a killed run made it, complete: just finish its job
        create_exclusive(target, data, mode_from=path)
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
    stop_if_orphaned()  # a worker whose main process died writes nothing
    target = mode.output_dir / name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"cannot create {target.parent}: {exc.strerror or exc}", target) from None
    write_atomic(target, data, mode_from=source)
    return str(target)
