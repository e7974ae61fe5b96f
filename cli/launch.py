"""The `cassette` program: a read-only question asked again over an unchanged library is
answered from `cli.core.answers` before Typer or any command is imported; any other run
goes to the app (`cli.app`), and a read-only one keeps its answer for next time.

Rules:
- Read-only questions: `ls`, `validate`, and `scrub`, `rename-model`, `retime`,
  `normalize` with `--check`. Never with `--no-cache`, `--help` or `--version`.
- An answer is replayed exactly: the same bytes to stdout and stderr in the order the
  run wrote them, and its exit code. A reader that quits early ends it quietly with 0,
  as the app does.
- Recording changes nothing the run sees: stdout and stderr keep their file descriptors,
  encodings and buffering; each write goes straight to its descriptor and is also kept.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys

READ_ONLY = frozenset({"ls", "validate"})
CHECKING = frozenset({"scrub", "rename-model", "retime", "normalize"})
NEVER = frozenset({"--no-cache", "--help", "-h", "--version"})


def main() -> None:
    argv = sys.argv[1:]
    if not answerable(argv):
        _run_app()
        return
    from cli.core import answers

    asked = answers.question(argv)
    kept = answers.recall(asked)
    if kept is not None:
        sys.exit(_replay(*kept))
    held = _Held(answers.MAX_OUTPUT)
    streams = [_Recorded(fd, held) for fd in (1, 2)]
    code: object = None  # stays None if the run ends in an exception: nothing kept
    try:
        _run_app()
        code = 0
    except SystemExit as exc:
        code = exc.code if exc.code is not None else 0
        raise
    finally:
        whole = _restore(streams)
        # Kept under the question asked before the run: a file that changed while it ran
        # has other stats now, so the next run asks another question.
        if code in (0, 1) and whole and held.whole:
            answers.keep(asked, int(code), held.writes)  # type: ignore[call-overload]


def answerable(argv: list[str]) -> bool:
    """Whether `cassette ARGV` only reads, and may be answered from an earlier run."""
    if not argv or NEVER.intersection(argv):
        return False
    return argv[0] in READ_ONLY or (argv[0] in CHECKING and "--check" in argv)


def _run_app() -> None:
    from cli.app import main as run

    run()


def _replay(code: int, writes: list[tuple[int, bytes]]) -> int:
    try:
        for fd, data in writes:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        with contextlib.suppress(OSError):
            os.dup2(devnull, 1)
        return 0
    return code


class _Held:
    """Both streams' writes, in order; past `limit` bytes none (too much to keep)."""

    def __init__(self, limit: int) -> None:
        self.writes: list[tuple[int, bytes]] = []
        self.size = 0
        self.limit = limit

    @property
    def whole(self) -> bool:
        return self.size <= self.limit

    def add(self, fd: int, data: bytes) -> None:
        if self.whole:
            self.writes.append((fd, data))
            self.size += len(data)
            if not self.whole:
                self.writes.clear()  # stop holding what won't be kept


class _Tee(io.RawIOBase):
    """Writes go to the descriptor, and are kept in order with the other stream's."""

    def __init__(self, fd: int, held: _Held) -> None:
        super().__init__()
        self.fd = fd
        self.held = held
        self.whole = True  # every byte reached the reader

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        try:
            written = os.write(self.fd, data)
        except OSError:
            self.whole = False  # a reader gone (or a full disk): no answer to keep
            raise
        self.held.add(self.fd, bytes(memoryview(data)[:written]))
        return written

    def isatty(self) -> bool:
        return os.isatty(self.fd)

    def fileno(self) -> int:
        return self.fd


class _Recorded:
    """sys.stdout or sys.stderr, replaced by a stream alike but for the tee beneath it."""

    def __init__(self, fd: int, held: _Held) -> None:
        self.name = "stdout" if fd == 1 else "stderr"
        self.original = getattr(sys, self.name)
        self.original.flush()
        self.tee = _Tee(fd, held)
        stream = io.TextIOWrapper(
            io.BufferedWriter(self.tee),
            encoding=self.original.encoding,
            errors=self.original.errors,
            line_buffering=self.original.line_buffering,
        )
        setattr(sys, self.name, stream)


def _restore(streams: list[_Recorded]) -> bool:
    """Flush the recorded streams, put the originals back; whether all output arrived."""
    for recorded in streams:
        stream = getattr(sys, recorded.name)
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
        setattr(sys, recorded.name, recorded.original)
    return all(recorded.tee.whole for recorded in streams)
