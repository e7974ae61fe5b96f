"""An interrupted edit that is not idempotent can be finished (issue 10, case 4).

`retime --shift +1h --in-place` over a library is stopped at random moments by SIGINT
or SIGTERM (sent to the process, or to its whole group as a terminal's Ctrl-C is). The
stopped run exits 130, lists exactly the files it wrote, and says how to resume; running
the same command again gives, byte for byte, the library one uninterrupted run makes:
no file is shifted twice, none is missed, and the journal beside the library is gone.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from cli.core.edit.journal import PREFIX
from cli.core.interrupt import StopFlag
from cli.core.library import map_paths
from tests.test_interruption import cassette, files_of, generate, restore, run_to_end

LIBRARY_SIZE = 200
SEED = 20251010
STOPS = 10


def stop_after(argv: list[str], delay: float, signum: int, group: bool):
    """Run `argv`, send `signum` after `delay` (to the process or to its group)."""
    process = subprocess.Popen(
        argv,
        cwd=Path(__file__).resolve().parents[1],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    time.sleep(delay)
    try:
        if group:
            os.killpg(process.pid, signum)
        else:
            process.send_signal(signum)
    except ProcessLookupError:
        pass  # it had finished
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


@pytest.mark.slow
@pytest.mark.corpus
def test_interrupted_shifts_resume_to_the_bytes_of_one_run(
    corpus_dir: Path, tmp_path: Path
) -> None:
    pristine = tmp_path / "pristine"
    generate(corpus_dir / "llama-stack-2025-09", pristine, range(LIBRARY_SIZE))
    start = files_of(pristine)
    root = tmp_path / "library"
    argv = cassette("retime", root, "--shift", "+1h", "--in-place")
    (tmp_path / "empty").mkdir()
    began = time.perf_counter()  # Python and the imports, before the first file
    assert (
        run_to_end(
            cassette("retime", tmp_path / "empty", "--shift", "+1h", "--in-place")
        ).returncode
        == 0
    )
    startup = time.perf_counter() - began
    restore(root, start)
    began = time.perf_counter()
    assert run_to_end(argv).returncode == 0
    work = time.perf_counter() - began - startup
    final = files_of(root)
    assert sum(final[name] != data for name, data in start.items()) == LIBRARY_SIZE
    rng = random.Random(SEED)
    midway = 0
    for number in range(STOPS):
        restore(root, start)
        signum = (signal.SIGINT, signal.SIGTERM)[number % 2]
        delay = startup + rng.uniform(0.05, 0.95) * work
        code, out, err = stop_after(argv, delay, signum, group=rng.random() < 0.5)
        now = files_of(root)
        written = sorted(name for name, data in start.items() if now[name] != data)
        assert all(now[name] == final[name] for name in written), "a file shifted wrongly"
        journals = sorted(path.name for path in root.parent.glob(PREFIX + "*"))  # beside it
        assert "Traceback" not in err
        if len(written) == LIBRARY_SIZE:  # it finished before the signal: a complete run
            assert not journals, err
            continue  # (running it again would be a second shift, as asked)
        elif not written:  # the signal came before the first file (Python starting up)
            assert code in (130, -signum) and not journals, err
        else:
            midway += 1
            assert code == 130, err
            listed = sorted(
                line.split(" ", 1)[1] for line in out.splitlines() if line.startswith("changed ")
            )
            assert listed == written, "the report must list exactly the files written"
            summary, note = err.splitlines()[-2:]
            assert summary == f"{len(written)} changed, 0 unchanged, 0 renamed, 0 failed"
            assert note.startswith(f"cassette retime: stopped by {signum.name} after the files")
            assert "run the same command again to finish" in note
            assert journals == [note.rsplit("/", 1)[1].rstrip(")")]
        rerun = run_to_end(argv)
        assert rerun.returncode == 0, rerun.stderr
        if 0 < len(written) < LIBRARY_SIZE:
            assert rerun.stderr.splitlines()[-1] == (
                f"{LIBRARY_SIZE - len(written)} changed, 0 unchanged, 0 renamed, 0 failed, "
                f"{len(written)} already done by the stopped run"
            )
        assert files_of(root) == final  # no file shifted twice, none missed
        assert not list(root.parent.glob(PREFIX + "*")), "the journal is removed at the end"
    assert midway >= STOPS // 2


def _touch(marks: Path, path: Path) -> str:
    """Worker: leave a mark (a write), then answer."""
    (marks / path.name).write_text("done")
    time.sleep(0.002)
    return path.name


def test_workers_start_nothing_once_the_main_process_stops_and_report_all_they_did(
    tmp_path: Path,
) -> None:
    """The process pool (from 1,000 files): once the flag is set, no worker starts a file,
    and every file a worker did comes back to the main process."""
    from functools import partial

    marks = tmp_path / "marks"
    marks.mkdir()
    paths = [tmp_path / f"{index:05}.json" for index in range(3000)]
    stop = StopFlag()
    results = []
    for name in map_paths(partial(_touch, marks), paths, workers=2, stop=stop):
        results.append(name)
        if len(results) == 300:
            stop.set(signal.SIGINT)
    assert 300 <= len(results) < len(paths)
    assert sorted(results) == sorted(path.name for path in marks.iterdir())
    assert results == sorted(results)  # still in input order


def _library(sample_dir: Path, root: Path) -> Path:
    root.mkdir()
    for name in ("vllm-chat-stream-n2.json", "databricks-chat-stream-sol.json", "ollama-chat.json"):
        if (sample_dir / name).exists():
            (root / name).write_bytes((sample_dir / name).read_bytes())
    return root


def test_a_run_with_a_failed_file_keeps_its_journal_and_the_rerun_shifts_only_the_rest(
    sample_dir: Path, tmp_path: Path
) -> None:
    from tests.commands.helpers import run

    clean = _library(sample_dir, tmp_path / "clean")
    assert run("retime", clean, "--shift", "+1h", "--in-place").exit_code == 0
    root = _library(sample_dir, tmp_path / "library")
    locked = root / "vllm-chat-stream-n2.json"
    locked.chmod(0o444)
    first = run("retime", root, "--shift", "+1h", "--in-place")
    assert first.exit_code == 2
    journals = list(root.parent.glob(PREFIX + "*"))  # beside the library
    assert len(journals) == 1
    assert first.stderr.splitlines()[-1] == (
        f"note: the resume journal {journals[0]} keeps what was written: once the failed "
        "files are fixed, run the same command again to finish"
    )
    locked.chmod(0o644)
    second = run("retime", root, "--shift", "+1h", "--in-place")
    assert second.exit_code == 0, second.stderr
    assert "already done by the stopped run" in second.stderr.splitlines()[-1]
    assert files_of(root) == files_of(clean)  # each file shifted once
    assert not list(root.parent.glob(PREFIX + "*"))
    again = run("retime", root, "--shift", "+1h", "--in-place")  # a new run shifts again
    assert again.exit_code == 0 and files_of(root) != files_of(clean)


def test_output_inside_an_edited_directory_is_refused(sample_dir: Path, tmp_path: Path) -> None:
    from tests.commands.helpers import run

    root = _library(sample_dir, tmp_path / "library")
    result = run("retime", root, "--shift", "+1h", "-o", root / "shifted")
    assert result.exit_code == 2 and "--in-place" in result.stderr
    assert not (root / "shifted").exists()
