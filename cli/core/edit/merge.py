"""Merge cassette libraries into one: plan every file first, then write, or write nothing.

Rules:
- DEST, when it exists, is the first source ("ours"); the SRCs follow in the order given.
  Merge never deletes: files only in DEST stay as they are.
- A file's identity is its path relative to its source. A hash-named file's name is its
  request hash, so the same request recorded in two libraries is one identity.
- One identity, one content (same bytes, or the same JSON value in another style, types
  exact as everywhere: `equality.same_value`): one file, the first source's bytes.
  Different contents: a conflict, settled by the policy: fail (write nothing), ours
  (first source), theirs (last), newest (latest response timestamp, a VCR response's
  `date` header included, then mtime, then the later source), keep-both (the others are
  written as `<name>.conflict-<n>`, which neither llama-stack's replay (`<hash>.json`,
  `models-<hash>-*.json`) nor cassette's default `*.json` picks up).
- Model lists (`models-<hash>-<digest8>.json`): replay unions every list of one hash, so
  different digests are different files. With `combine_model_lists`, the lists of one hash
  in one directory become one file, as replay would see them: the union by id, sorted by
  id, a later source's entry winning (llama-stack's rule), named by the new digest8.
- JSON that isn't a cassette (llama-stack's `ci_matrix.json`) is passed over with a note;
  it is neither merged nor an error.
- Planning reads each file once (in parallel) and keeps only its digest. Any problem (a
  file that isn't a JSON object, an unresolved conflict, a destination that can't be
  written) means nothing is written. Each write is atomic (`atomic.write_atomic`), and
  bytes are copied only if they still have the digest they were planned with. Before
  writing, the temp files that killed runs left in DEST's directories are cleared.
- A merge killed midway leaves DEST with some files written (each complete) and the rest
  as they were; running it again plans the same outputs and writes only what is missing.
- A VCR cassette merges like any file: copied whole, compared by its interactions. YAML a
  walk finds that is not a cassette is passed over with a note (`Plan.passed_over`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from cli.core import formats
from cli.core.edit import atomic
from cli.core.edit.retime import latest_timestamp
from cli.core.equality import same_value
from cli.core.formats.llamastack import codec, hashing
from cli.core.formats.llamastack.model_lists import union_model_lists
from cli.core.library import Globs, Skipped, iter_paths, map_paths, pass_over
from cli.errors import CassetteError, NotACassette, UsageError, WriteError

Policy = Literal["fail", "ours", "theirs", "newest", "keep-both"]
CONFLICT_SUFFIX = ".conflict-"


@dataclass(frozen=True)
class Version:
    source: int  # 0 is DEST when it exists
    path: Path
    name: str  # relative to its source
    digest: str  # sha256 of the bytes
    mtime: float
    latest: float | None  # latest response timestamp, for "newest"


@dataclass
class Output:
    name: str  # relative path in DEST
    action: Literal["added", "updated", "unchanged", "combined", "kept-both"]
    origins: list[str]  # the files that hold this content
    version: Version | None = None  # copy these bytes...
    data: bytes | None = None  # ...or write these (a combined model list)
    resolution: str | None = None  # the policy that settled a conflict


@dataclass
class Conflict:
    name: str
    versions: list[str]
    resolution: str
    chosen: str | None


@dataclass
class Plan:
    dest: Path
    outputs: list[Output] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    passed_over: list[str] = field(default_factory=list)  # notes: found, not cassettes

    @property
    def unresolved(self) -> list[Conflict]:
        return [conflict for conflict in self.conflicts if conflict.resolution == "fail"]

    @property
    def writes(self) -> list[Output]:
        return [output for output in self.outputs if output.action != "unchanged"]


def plan_merge(
    sources: list[Path],
    dest: Path,
    policy: Policy = "fail",
    combine_model_lists: bool = False,
    glob: Globs = None,
    step: Callable[[], None] | None = None,
) -> Plan:
    """Decide every file DEST will get, reading but writing nothing. `step` is called
    once per file read (a progress bar's advance)."""
    roots = _roots(sources, dest)
    listed = [
        (index, path, _relative(root, path))
        for index, root in enumerate(roots)
        for path in iter_paths([root], glob)
    ]
    plan = Plan(dest)
    groups: dict[tuple[str, ...], list[Version]] = {}
    inspect = partial(_inspect, given=tuple(roots), newest=policy == "newest")
    found = map_paths(inspect, [path for _, path, _ in listed])
    for (source, path, name), result in zip(listed, found, strict=True):
        if step is not None:
            step()
        if isinstance(result, Skipped):  # a walk found it, and it isn't a cassette
            plan.passed_over.append(result.note)
            continue
        if isinstance(result, str):
            plan.errors.append(result)
            continue
        version = Version(source, path, name, *result)
        groups.setdefault(_identity(name, combine_model_lists), []).append(version)
    first_dest = dest.is_dir()
    for key, versions in groups.items():
        if key[0] == "models" and len({v.digest for v in versions}) > 1:
            _combine_group(plan, versions, first_dest)
        else:
            _resolve(plan, versions, policy, first_dest)
    plan.outputs.sort(key=lambda output: output.name)
    _check_writable(plan)
    return plan


def _roots(sources: list[Path], dest: Path) -> list[Path]:
    if dest.exists() and not dest.is_dir():
        raise UsageError("is not a directory; a merge writes into a directory", dest)
    roots = [dest] if dest.is_dir() else []
    seen = {dest.resolve()}
    for source in sources:
        if not source.exists():
            raise UsageError("no such file or directory", source)
        real = source.resolve()
        if real in seen:
            continue  # DEST named as a source, or a source named twice
        if source.is_dir() and (real in dest.resolve().parents or dest.resolve() in real.parents):
            raise UsageError("a source and the destination may not contain one another", source)
        seen.add(real)
        roots.append(source)
    return roots


def _relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix() if root.is_dir() else path.name


def _inspect(
    path: Path, given: tuple[Path, ...], newest: bool = True
) -> tuple[str, float, float | None] | Skipped | str:
    """Worker: (sha256, mtime, latest timestamp when `newest` needs it), or the one-line
    reason it can't merge, or Skipped for a file a walk of `given` found that isn't a
    cassette."""
    try:
        value, raw = _read(path)
        latest = _latest(value) if newest else None
        return hashlib.sha256(raw).hexdigest(), os.stat(path).st_mtime, latest
    except NotACassette as exc:
        return pass_over(exc, path, given) or str(exc)
    except CassetteError as exc:
        return str(exc)


def _read(path: Path) -> tuple[Any, bytes]:
    """(value, bytes): a JSON recording's value, or `{"interactions": [...]}` of a VCR
    cassette's interactions as read (YAML is compared by what it holds, not its layout)."""
    raw = codec.read_bytes(path)
    file = formats.load(raw, path)
    if len(file.interactions) == 1 and not file.interactions[0].pointer:
        return file.interactions[0].data, raw
    return {"interactions": [one.data for one in file.interactions]}, raw


def _latest(value: dict[str, Any]) -> float | None:
    """The latest response timestamp of a file (a body's, or a VCR response's `date`
    header), over all its interactions."""
    datas = [value] if "request" in value else value.get("interactions", [])
    found = [latest for data in datas if (latest := latest_timestamp(data)) is not None]
    return max(found) if found else None


def _identity(name: str, combine_model_lists: bool) -> tuple[str, ...]:
    model_hash = hashing.name_hash(name) if hashing.name_digest(name) else None
    if combine_model_lists and model_hash is not None:
        return ("models", str(PurePosixPath(name).parent), model_hash)
    return ("file", name)


def _distinct(versions: list[Version]) -> list[Version]:
    """One version per content, in source order: same bytes, or the same JSON value.
    Files are parsed again only when their bytes differ (rare)."""
    kept: list[Version] = []
    for version in versions:
        if all(version.digest != other.digest for other in kept):
            kept.append(version)
    if len(kept) == 1:
        return kept
    distinct: list[Version] = []
    values: list[Any] = []
    for version in kept:
        value = _read(version.path)[0]
        if not any(same_value(value, other) for other in values):
            distinct.append(version)
            values.append(value)
    return distinct


def _holding(distinct: list[Version], version: Version) -> Version:
    """The version in `distinct` with `version`'s content. DEST comes first, so a DEST that
    already holds the chosen content stays unchanged, and a rerun settles the same way."""
    for candidate in distinct:
        if candidate.digest == version.digest:
            return candidate
    value = _read(version.path)[0]
    return next((c for c in distinct if same_value(_read(c.path)[0], value)), version)


def _resolve(plan: Plan, versions: list[Version], policy: Policy, has_dest: bool) -> None:
    name = versions[0].name
    distinct = _distinct(versions)
    in_dest = has_dest and versions[0].source == 0
    chosen, resolution = distinct[0], None
    if len(distinct) > 1:
        resolution = policy
        if policy == "theirs":  # the last source's content, found first where it first is
            chosen = _holding(distinct, versions[-1])
        elif policy == "newest":
            chosen = max(distinct, key=lambda v: (v.latest or 0, v.mtime, v.source))
        shown = [str(v.path) for v in distinct]
        plan.conflicts.append(
            Conflict(name, shown, policy, None if policy == "fail" else str(chosen.path))
        )
        if policy == "fail":
            return
    same = [str(v.path) for v in versions if v.digest == chosen.digest]
    action = "added"
    if in_dest:
        action = "unchanged" if chosen.source == 0 else "updated"
    plan.outputs.append(Output(name, action, same, chosen, resolution=resolution))
    if policy == "keep-both" and len(distinct) > 1:
        _keep_others(plan, name, distinct[1:])


def _keep_others(plan: Plan, name: str, others: list[Version]) -> None:
    """Each other version as `<name>.conflict-<n>`: the first free n, or one holding it."""
    n = 0
    for version in others:
        while True:
            n += 1
            target = plan.dest / f"{name}{CONFLICT_SUFFIX}{n}"
            if not target.exists():
                action = "kept-both"
                break
            if (
                target.is_file()
                and hashlib.sha256(target.read_bytes()).hexdigest() == version.digest
            ):
                action = "unchanged"
                break
        conflict_name = f"{name}{CONFLICT_SUFFIX}{n}"
        plan.outputs.append(
            Output(conflict_name, action, [str(version.path)], version, None, "keep-both")
        )


def _combine_group(plan: Plan, versions: list[Version], has_dest: bool) -> None:
    distinct = _distinct(versions)
    if len(distinct) == 1:
        for name in sorted({v.name for v in versions}):
            same = [v for v in versions if v.name == name]
            _resolve(plan, same, "ours", has_dest)
        return
    values, raws = [], []
    for version in distinct:
        value, raw = codec.read(version.path)
        values.append(value)
        raws.append(raw)
    combined = union_model_lists(values)
    if combined is None:
        shown = ", ".join(str(v.path) for v in distinct)
        plan.errors.append(f"cannot combine model lists {shown}: not all are model lists")
        return
    digest = hashing.model_list_digest(combined)
    model_hash = hashing.name_hash(distinct[0].name)
    parent = PurePosixPath(distinct[0].name).parent
    name = str(parent / f"models-{model_hash}-{digest}.json")
    data = codec.dump(combined, codec.detect_style(raws[0], values[0]))
    target = plan.dest / name
    action = "unchanged" if target.is_file() and target.read_bytes() == data else "combined"
    plan.outputs.append(Output(name, action, [str(v.path) for v in distinct], data=data))


def _check_writable(plan: Plan) -> None:
    """Refuse now, before any write, what a write would refuse later."""
    refused: set[Path] = set()
    for output in plan.writes:
        target = plan.dest / output.name
        if target.is_dir() or (target.exists() and atomic.is_read_only(target)):
            plan.errors.append(f"{target}: a directory or a read-only file; nothing was written")
            continue
        directory = target.parent
        while not directory.exists() and directory != directory.parent:
            directory = directory.parent
        if directory not in refused and (not directory.is_dir() or atomic.is_read_only(directory)):
            refused.add(directory)
            plan.errors.append(f"{directory}: directory is not writable; nothing was written")


def apply(plan: Plan, step: Callable[[], None] | None = None) -> int:
    """Write the plan's files; returns how many. Stops at the first failure. `step` is
    called once per file written."""
    for directory in sorted({(plan.dest / output.name).parent for output in plan.writes}):
        atomic.remove_stale_temp_files(directory)
    written = 0
    for output in plan.writes:
        target = plan.dest / output.name
        try:
            data = output.data if output.data is not None else _planned_bytes(output.version)
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic.write_atomic(
                target, data, mode_from=output.version.path if output.version else None
            )
        except (CassetteError, OSError) as exc:
            reason = exc.message if isinstance(exc, CassetteError) else (exc.strerror or str(exc))
            raise WriteError(
                f"{reason}; {written} of {len(plan.writes)} files were written before it "
                "(each one complete)",
                target,
            ) from None
        written += 1
        if step is not None:
            step()
    return written


def _planned_bytes(version: Version | None) -> bytes:
    assert version is not None
    data = codec.read_bytes(version.path)
    if hashlib.sha256(data).hexdigest() != version.digest:
        raise WriteError("changed while merging; run the merge again", version.path)
    return data
