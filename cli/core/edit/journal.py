"""The resume journal of an in-place edit: which files this very command already wrote.

An edit that is not idempotent (`retime --shift +1h`) applied twice to a file is a wrong
result, and a run stopped midway (SIGINT, SIGTERM, a kill, a failed file) must be
finished by running the same command again. The journal makes that safe.

Rules:
- One journal per command: its name carries a digest of what identifies the command
  (the edit and its arguments, the resolved paths, the glob), so a rerun of the same
  command finds it and any other command ignores it. It lives beside the library: next
  to the first directory given (inside it when that is `.` or its parent can't be
  written to), or beside the first file named: `.cassette-journal-<digest>`, a name no
  walk takes for a cassette.
- Before a file is written, one line records where its bytes go and their sha256
  (`record`). A rerun skips a file that holds exactly the bytes the journal says this
  command wrote there (`done`), and removes the old name of a renamed file whose new name
  already holds them, if it still holds the bytes it was renamed from (`stale`).
  Checking the bytes, not just the name, makes a line for a write that never happened
  (a kill in between) harmless, and a file changed since is edited again, as it should.
- Lines are appended with one `write` each on an O_APPEND descriptor, so worker processes
  can share the journal; a torn or unknown line is ignored. Entries are read once per
  process and run.
- Only edits in place keep a journal: `-o DIR` rewrites DIR from sources left untouched,
  so its rerun is the same run. A run that ends complete and without a failure removes
  the journal; otherwise it stays, for the rerun.
- Paths in entries are absolute, with their directories resolved: a rerun from another
  directory, or through another spelling of the same path, is the same command.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cli.core.library import JOURNAL_PREFIX
from cli.errors import WriteError

PREFIX = JOURNAL_PREFIX

Entries = tuple[dict[str, str], dict[str, tuple[str, str, str]]]  # targets, sources
_loaded: dict[str, Entries] = {}  # per run id


@dataclass(frozen=True)
class Journal:
    path: Path
    run: str = field(default_factory=lambda: os.urandom(8).hex())  # this run, this process

    # entries ------------------------------------------------------------------------

    def done(self, path: Path, raw: bytes) -> bool:
        """Whether `path` holds exactly the bytes this command wrote there."""
        targets, _ = self._entries()
        if not targets:  # no stopped run to resume: the common case
            return False
        digest = targets.get(_key(path))
        return digest is not None and digest == _digest(raw)

    def stale(self, path: Path, raw: bytes) -> Path | None:
        """The new name of a file this command renamed from `path`, when `path` still holds
        the bytes it was renamed from and the new name the bytes written there: `path` is
        then a leftover old name, to be removed."""
        _, sources = self._entries()
        if not sources:
            return None
        moved = sources.get(_key(path))
        if moved is None:
            return None
        target, digest, source_digest = moved
        if _digest(raw) != source_digest:
            return None  # a new file under the old name: not ours to remove
        try:
            with open(target, "rb") as handle:
                holds = _digest(handle.read()) == digest
        except OSError:
            return None
        return Path(target) if holds else None

    def record(self, source: Path, target: Path, data: bytes, original: bytes) -> None:
        """Say, before writing, that `data` goes to `target`, edited from `original` at
        `source` (another name when the file is renamed)."""
        entry = {"to": _key(target), "sha256": _digest(data)}
        if source != target:
            entry["from"], entry["from_sha256"] = _key(source), _digest(original)
        line = json.dumps(entry, ensure_ascii=False).encode("utf-8", "surrogateescape") + b"\n"
        try:
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(descriptor, line)
            finally:
                os.close(descriptor)
        except OSError as exc:
            raise WriteError(
                f"cannot record it in the resume journal {self.path}: "
                f"{exc.strerror or exc}; left unchanged",
                source,
            ) from None

    def _entries(self) -> Entries:
        """(target -> digest, source -> (target, digest, source digest)), read once per
        process and run."""
        entries = _loaded.get(self.run)
        if entries is None:
            entries = _loaded[self.run] = _read(self.path)
        return entries

    # the file -----------------------------------------------------------------------

    def exists(self) -> bool:
        return self.path.is_file()

    def remove(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        _loaded.pop(self.run, None)

    def others(self) -> list[Path]:
        """Journals other commands left beside this one (runs never finished)."""
        try:
            names = os.listdir(self.path.parent)
        except OSError:
            return []
        return sorted(
            self.path.parent / name
            for name in names
            if name.startswith(PREFIX) and name != self.path.name
        )


def describe(edit: Any) -> list[Any]:
    """What identifies an edit with its arguments: the function and every argument it is
    bound with (`pipeline.Bound`: `function`, `kwargs`)."""
    function = getattr(edit, "function", edit)
    args, kwargs = (), getattr(edit, "kwargs", {})
    name = f"{getattr(function, '__module__', '')}.{getattr(function, '__qualname__', function)}"
    return [name, list(args), dict(sorted(kwargs.items()))]


def for_command(identity: Any, paths: Iterable[Path | str], glob: str) -> Journal:
    """The journal of the command `identity` (JSON-able: the edit and its arguments) run
    over `paths` with `glob`."""
    roots = [Path(path) for path in paths]
    described = {
        "edit": identity,
        "paths": [os.path.realpath(root) for root in roots],
        "glob": glob,
    }
    text = json.dumps(described, sort_keys=True, default=repr, ensure_ascii=False)
    import hashlib  # here: most runs keep no journal

    digest = hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    # As given, not resolved: an ancestor we may not search still leaves it reachable.
    first = roots[0] if roots else Path(".")
    home = first.parent  # beside the library (or beside the first file named)
    try:
        inside = first.is_dir() and (home == first or not os.access(home, os.W_OK))
    except OSError:
        inside = False
    return Journal((first if inside else home) / f"{PREFIX}{digest}")


def _key(path: Path) -> str:
    return os.path.join(os.path.realpath(path.parent), path.name)


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _read(path: Path) -> Entries:
    targets: dict[str, str] = {}
    sources: dict[str, tuple[str, str, str]] = {}
    try:
        with open(path, "rb") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return targets, sources
    for line in lines:
        try:
            entry = json.loads(line.decode("utf-8", "surrogateescape"))
            target, digest = entry["to"], entry["sha256"]
        except (ValueError, KeyError, TypeError):
            continue  # torn by a kill, or not ours
        targets[target] = digest
        if "from" in entry and "from_sha256" in entry:
            sources[entry["from"]] = (target, digest, entry["from_sha256"])
    return targets, sources
