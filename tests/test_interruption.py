"""Interruption: runs SIGKILLed at random moments never leave a damaged library.

`rename-model --in-place`, `scrub --in-place` and `merge` run as subprocesses on libraries
of 2,000+ hash-named cassettes and are killed, worker processes included, after a seeded
random delay. After every kill each file holds its old bytes or its new bytes (a renamed
file may briefly exist under both names, each complete; an edit in place may leave its
resume journal), and a rerun converges to exactly the library an uninterrupted run
makes, with no temp file or journal left.
"""

from __future__ import annotations

import contextlib
import copy
import ctypes
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

from cli.core.edit import atomic
from cli.core.edit.journal import PREFIX as JOURNAL_PREFIX
from cli.core.edit.pipeline import Mode, run
from cli.core.edit.rename import rename_model
from cli.core.formats.llamastack import codec, hashing

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED = 20251003
LIBRARY_SIZE = 2000
OLD, NEW, OTHER = "llama3.2:3b-instruct-fp16", "llama3.2:3b", "llama3.2:1b-instruct-fp16"
# Two of the eight sources use OLD; half of their variants are moved to OTHER, so one file
# in eight is renamed. Few enough writes (each is fsynced) to run many kills in a minute.
SOURCES = [
    "3c0bf9ba81b2.json",  # OLD, whole chat
    "28648cf8d421.json",
    "f701ad342bd8.json",
    "2c55f483cea8.json",
    "0fad19b9d308.json",  # OLD, streamed chat
    "6c4e2e207e8a.json",
    "249b7f0ddde6.json",
    "901b5e7db4aa.json",
]
KEY = "sk-proj-" + "Zx9Qa7Lm2Kp4Rt6Vw8Yb1Nc3Df5Gh7Jk9Ms2Pu4Xe6Wq8"
SECRET_EVERY = 8  # scrub: one file in eight has a key in its prompt

Files = dict[str, bytes]


# the library -------------------------------------------------------------------------


def generate(corpus: Path, dest: Path, variants: range, *, secret_every: int = 0) -> None:
    """Small cassettes made from corpus files by varying the prompt, each named by its
    request hash (2025 layout), so that edits to the request rename them."""
    bases = [codec.read(corpus / name)[0] for name in SOURCES]
    dest.mkdir(parents=True, exist_ok=True)
    for number in variants:
        data = copy.deepcopy(bases[number % len(bases)])
        message = data["request"]["body"]["messages"][-1]
        message["content"] += f" (variant {number})"
        if (number // len(bases)) % 2:
            rename_model(data, old=OLD, new=OTHER)
        if secret_every and number % secret_every == 0:
            message["content"] += f" my key is {KEY}"
        name = hashing.expected_name(data, hashing.SCHEME_2025)
        assert name is not None
        (dest / name).write_bytes(codec.dump(data))


def files_of(root: Path) -> Files:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def restore(root: Path, files: Files) -> None:
    """Make `root` hold exactly `files`, rewriting only what differs."""
    root.mkdir(parents=True, exist_ok=True)
    for name, data in files_of(root).items():
        if files.get(name) != data:
            (root / name).unlink()
    for name, data in files.items():
        path = root / name
        if not path.exists():
            path.write_bytes(data)


def is_temp(name: str) -> bool:
    return Path(name).name.startswith(atomic.TEMP_PREFIX)


# processes ---------------------------------------------------------------------------


def cassette(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "cli", *map(str, args)]


def run_to_end(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)


def become_subreaper() -> None:
    """Orphaned pool workers of a killed run come to us to be reaped, not to pid 1 (which
    may never reap them: zombies would pile up)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def group_members(pgid: int) -> list[int]:
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                stat = Path(f"/proc/{entry}/stat").read_bytes()
                fields = stat[stat.rfind(b")") + 2 :].split()
                if int(fields[2]) == pgid:
                    members.append(int(entry))
    return members


def kill_after(argv: list[str], delay: float) -> None:
    """Start `argv` in its own process group and SIGKILL the whole group after `delay`."""
    process = subprocess.Popen(
        argv,
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(delay)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    for pid in group_members(process.pid):  # workers: reaped if they came to us
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


# expectations ------------------------------------------------------------------------


@dataclass
class Expected:
    """One logical file: where it lives and what it holds before and after the run."""

    old_name: str | None  # None: the run creates it
    new_name: str
    old: bytes | None
    new: bytes

    def state(self, files: Files) -> str:
        """'old', 'new' or 'both' (a rename caught between create and unlink)."""
        at_old = files.get(self.old_name) if self.old_name else None
        at_new = files.get(self.new_name)
        if self.old_name == self.new_name:
            assert at_new in {self.old, self.new}, f"{self.new_name}: neither old nor new bytes"
            return "new" if at_new == self.new else "old"
        assert at_old in {None, self.old}, f"{self.old_name}: not its old bytes"
        assert at_new in {None, self.new}, f"{self.new_name}: not its new bytes"
        if self.old is not None:
            assert at_old is not None or at_new is not None, f"{self.old_name}: lost"
        if at_old is not None and at_new is not None:
            return "both"
        return "new" if at_new is not None else "old"


@dataclass
class Tally:
    kills: int = 0
    mid_run: int = 0  # kills that left some files done and some not
    both_names: int = 0  # renamed files found under both names after a kill
    temp_files: int = 0  # temp names found after a kill (cleared by the rerun)


def check_after_kill(root: Path, expected: list[Expected], tally: Tally) -> None:
    files = files_of(root)
    files = {name: data for name, data in files.items() if not name.startswith(JOURNAL_PREFIX)}
    temps = [name for name in files if is_temp(name)]
    for name in temps:  # only a dead run's: the kill hit between link and rename
        pid = int(Path(name).name[len(atomic.TEMP_PREFIX) :].split("-", 1)[0])
        assert not atomic._alive(pid), f"{name}: temp file of a live process"
    states = [item.state(files) for item in expected]
    known = {item.old_name for item in expected} | {item.new_name for item in expected}
    assert set(files) - set(temps) <= known, "files that no run should have made"
    tally.kills += 1
    tally.mid_run += "old" in states and ("new" in states or "both" in states)
    tally.both_names += states.count("both")
    tally.temp_files += len(temps)


def kill_cycles(
    root: Path,
    start: Files,
    argv: list[str],
    expected: list[Expected],
    final: Files,
    kills: int,
    rng: random.Random,
) -> Tally:
    """Kill `argv` `kills` times at random moments; after each kill check every file, then
    rerun to the end and compare with the uninterrupted result. At least half the kills
    must land mid-run (some files done, some not), or the test proves little."""
    tally = Tally()
    restore(root, start)
    began = time.perf_counter()
    assert run_to_end(argv).returncode == 0
    full = time.perf_counter() - began
    for _ in range(kills):
        restore(root, start)
        kill_after(argv, rng.uniform(0.1, 1.0) * full)
        check_after_kill(root, expected, tally)
        rerun = run_to_end(argv)
        assert rerun.returncode == 0, rerun.stderr
        assert "Traceback" not in rerun.stderr
        assert files_of(root) == final
    print(f"\nkills: {tally}")
    assert tally.kills == kills
    assert tally.mid_run >= kills // 2, tally
    return tally


# the edits ---------------------------------------------------------------------------


def reference_edit(root: Path, start: Files, argv: list[str]) -> tuple[list[Expected], Files]:
    """What an uninterrupted run makes of `start`: each file's new name and bytes."""
    restore(root, start)
    result = run_to_end([*argv, "--format", "json"])
    assert result.returncode == 0, result.stderr
    report = orjson.loads(result.stdout)
    final = files_of(root)
    renamed = {item["path"]: item["renamed_to"] for item in report["files"] if item["renamed_to"]}
    expected = []
    for name, data in start.items():
        new_name = renamed.get(name, name)
        expected.append(Expected(name, new_name, data, final[new_name]))
    assert len(final) == len(start)
    return expected, final


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("pristine")
    generate(
        corpus_dir / "llama-stack-2025-09", root, range(LIBRARY_SIZE), secret_every=SECRET_EVERY
    )
    return root


@pytest.fixture(scope="module", autouse=True)
def subreaper() -> None:
    become_subreaper()


@pytest.mark.slow
@pytest.mark.corpus
@pytest.mark.parametrize(
    ("label", "args", "kills"),
    [
        ("rename-model", ("rename-model", OLD, NEW), 8),
        ("scrub", ("scrub",), 8),
    ],
)
def test_killed_edits_leave_old_or_new_bytes_and_a_rerun_finishes(
    pristine: Path, tmp_path: Path, label: str, args: tuple[str, ...], kills: int
) -> None:
    root = tmp_path / "library"
    start = files_of(pristine)
    assert len(start) >= LIBRARY_SIZE
    argv = cassette(*args, root, "--in-place")
    expected, final = reference_edit(root, start, argv)
    renames = sum(item.old_name != item.new_name for item in expected)
    assert renames >= LIBRARY_SIZE // 10, f"{label}: too few files renamed to test renames"
    kill_cycles(root, start, argv, expected, final, kills, random.Random(f"{SEED}-{label}"))


# merge -------------------------------------------------------------------------------


def conflicting(root: Path) -> None:
    """Change each response's text in `root`, request untouched: same names, new bytes."""
    for path in root.iterdir():
        data = codec.read(path)[0]
        data["response"]["re-recorded"] = True
        path.write_bytes(codec.dump(data))


@pytest.mark.slow
@pytest.mark.corpus
def test_killed_merges_leave_old_or_new_bytes_and_a_rerun_finishes(
    corpus_dir: Path, tmp_path: Path
) -> None:
    corpus = corpus_dir / "llama-stack-2025-09"
    a, b, dest = tmp_path / "a", tmp_path / "b", tmp_path / "dest"
    generate(corpus, a, range(LIBRARY_SIZE))
    generate(corpus, b / "theirs", range(1600, 1700))
    conflicting(b / "theirs")  # same requests as A's: conflicts, settled by --on-conflict
    for path in (b / "theirs").iterdir():
        path.rename(b / path.name)
    (b / "theirs").rmdir()
    generate(corpus, b, range(1900, 2100))  # 100 shared with A, 100 only in B
    generate(corpus, dest, range(1900))  # DEST already holds most of A
    start = files_of(dest)
    argv = cassette("merge", a, b, "--into", dest, "--on-conflict", "theirs")
    restore(dest, start)
    assert run_to_end(argv).returncode == 0
    final = files_of(dest)
    expected = [
        Expected(name if name in start else None, name, start.get(name), data)
        for name, data in final.items()
    ]
    changed = sum(item.old != item.new for item in expected)
    assert changed == 300  # 100 updated by B, 200 added
    kill_cycles(dest, start, argv, expected, final, 6, random.Random(f"{SEED}-merge"))


# the rerun rule, step by step -------------------------------------------------------


def _interrupted_rename(tmp_path: Path, corpus_dir: Path) -> tuple[Path, Path, bytes]:
    """A library left as a kill between create and unlink leaves it: both names."""
    root = tmp_path / "lib"
    generate(corpus_dir / "llama-stack-2025-09", root, range(1))
    old = next(root.iterdir())
    edited = codec.read(old)[0]
    changes = rename_model(edited, old=OLD, new=NEW)
    assert changes
    new_name = hashing.expected_name(edited, hashing.SCHEME_2025)
    assert new_name is not None and new_name != old.name
    data = codec.dump(edited)
    (root / new_name).write_bytes(data)
    return old, root / new_name, data


def _rename_edit(data: dict[str, Any]) -> list[Any]:
    return rename_model(data, old=OLD, new=NEW)


@pytest.mark.corpus
def test_a_rerun_after_a_kill_between_create_and_unlink_removes_the_old_name(
    tmp_path: Path, corpus_dir: Path
) -> None:
    old, new, data = _interrupted_rename(tmp_path, corpus_dir)
    (result,) = [r for r in run(_rename_edit, [old.parent], Mode("in_place")) if r.path == old.name]
    assert result.status == "changed" and result.renamed_to == new.name
    assert not old.exists() and new.read_bytes() == data
    # and the new file itself has nothing left to change
    assert {r.status for r in run(_rename_edit, [old.parent], Mode("in_place"))} == {"unchanged"}


@pytest.mark.corpus
@pytest.mark.parametrize("mode", ["check", "dry_run"])
def test_check_and_dry_run_see_an_interrupted_rename_as_work_left_not_a_collision(
    tmp_path: Path, corpus_dir: Path, mode: Any
) -> None:
    old, new, _ = _interrupted_rename(tmp_path, corpus_dir)
    results = {r.path: r for r in run(_rename_edit, [old.parent], Mode(mode))}
    assert results[old.name].status == "changed" and results[old.name].error is None
    assert results[new.name].status == "unchanged"


@pytest.mark.corpus
def test_a_new_name_holding_other_bytes_is_still_a_collision(
    tmp_path: Path, corpus_dir: Path
) -> None:
    old, new, data = _interrupted_rename(tmp_path, corpus_dir)
    new.write_bytes(data.replace(b"variant 0", b"variant X"))
    before = files_of(old.parent)
    results = {r.path: r for r in run(_rename_edit, [old.parent], Mode("in_place"))}
    assert results[old.name].status == "failed"
    assert "already exists" in (results[old.name].error or "")
    assert files_of(old.parent) == before


def test_stale_temp_files_are_cleared_before_an_edit_writes(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (tmp_path / "a.json").write_bytes(b'{"request": {}, "response": {}}\n')
    stale = tmp_path / f"{atomic.TEMP_PREFIX}{dead}-0123abcd"
    stale.write_bytes(b"half")
    list(run(lambda data: [], [tmp_path], Mode("in_place")))
    assert not stale.exists()


def test_a_zombie_is_not_alive(tmp_path: Path) -> None:
    """An exited, unreaped process (a killed run's worker under a non-reaping init) writes
    nothing more: its temp files are stale."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 10
    while not atomic._zombie(process.pid):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    try:
        assert not atomic._alive(process.pid)
        stale = tmp_path / f"{atomic.TEMP_PREFIX}{process.pid}-0123abcd"
        stale.write_bytes(b"half")
        assert atomic.remove_stale_temp_files(tmp_path) == 1
    finally:
        process.wait()
    assert atomic._alive(os.getpid())


def test_merge_clears_stale_temp_files_in_dest(tmp_path: Path) -> None:
    from cli.core.edit.merge import apply, plan_merge

    source, dest = tmp_path / "src", tmp_path / "dest"
    (source / "sub").mkdir(parents=True)
    (source / "sub" / "a.json").write_bytes(b'{"request": {}, "response": {}}\n')
    (dest / "sub").mkdir(parents=True)
    stale = dest / "sub" / f"{atomic.TEMP_PREFIX}999999999-0123abcd"
    stale.write_bytes(b"half")
    apply(plan_merge([source], dest))
    assert not stale.exists()
    assert (dest / "sub" / "a.json").exists()


def test_theirs_keeps_what_dest_already_took_from_the_last_source(tmp_path: Path) -> None:
    """A merge killed after writing B's version into DEST: the rerun must not go back to
    A's (the last source's content, not the last distinct content, wins)."""
    from cli.core.edit.merge import plan_merge

    a, b, dest = tmp_path / "a", tmp_path / "b", tmp_path / "dest"
    for root, text in ((a, "mine"), (b, "yours"), (dest, "yours")):
        root.mkdir()
        (root / "x.json").write_text(f'{{"request": {{}}, "response": {{"body": "{text}"}}}}\n')
    plan = plan_merge([a, b], dest, policy="theirs")
    assert [(output.name, output.action) for output in plan.outputs] == [("x.json", "unchanged")]
