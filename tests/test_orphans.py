"""A pool worker never outlives its main process.

The main process alone of an `--in-place` edit over 2,000 files is SIGKILLed while its
pool works (its workers are left running, as when an OOM killer or a debugger takes only
the parent). The workers must stop at once: no file changes later than 0.2 s after the
kill, and no worker is left.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.test_interruption import LIBRARY_SIZE, become_subreaper, cassette, generate

REPO_ROOT = Path(__file__).resolve().parents[1]
GRACE_NS = 200_000_000  # 0.2 s


def _children(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        return [
            int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ]
    return []


def _mtimes(root: Path) -> dict[str, int]:
    return {entry.name: entry.stat().st_mtime_ns for entry in os.scandir(root) if entry.is_file()}


def _running(pid: int) -> bool:
    """Alive and not a zombie (a zombie that came to us is reaped here)."""
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.corpus
def test_workers_stop_when_the_main_process_is_killed(tmp_path: Path, corpus_dir: Path) -> None:
    root = tmp_path / "library"
    generate(corpus_dir / "llama-stack-2025-09", root, range(LIBRARY_SIZE))
    before = _mtimes(root)
    become_subreaper()  # orphaned workers come to us: we can watch them, then reap them
    process = subprocess.Popen(
        cassette("retime", "--shift", "3600", root, "--in-place", "--no-cache"),
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    deadline = time.monotonic() + 120
    while True:  # until the pool is writing
        assert process.poll() is None, "the run ended before the pool was seen at work"
        assert time.monotonic() < deadline, "the pool never started writing"
        workers = _children(process.pid)
        now = _mtimes(root)
        written = sum(now.get(name) != mtime for name, mtime in before.items())
        if len(workers) >= 2 and written >= 20:
            break
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)  # the main process only
    killed = time.time_ns()
    process.wait()
    time.sleep(1.0)
    after = _mtimes(root)
    late = {name: mtime - killed for name, mtime in after.items() if mtime > killed + GRACE_NS}
    assert late == {}, f"{len(late)} files written more than 0.2 s after the kill"
    assert sum(after.get(name) != mtime for name, mtime in before.items()) < LIBRARY_SIZE
    assert [pid for pid in workers if _running(pid)] == []
