"""Hostile YAML through every reading command: a cassette comes from a pull request.

Each input gets one line naming the file and exit 1 or 2 (or, for the long scalar, a
correct result), never a traceback or a hang, within seconds and 200 MB, measured on a
real process as the benchmarks do (its VmHWM)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.bench.common import run_once

HEAD = b"""interactions:
- request:
    body: '{"model": "gpt-4o"}'
    headers:
      content-type:
      - application/json
    method: POST
    uri: https://api.openai.com/v1/chat/completions
  response:
    body:
      string: '{"object": "chat.completion", "choices": []}'
    headers:
      content-type:
      - application/json
    status:
      code: 200
      message: OK
"""


def alias_bomb() -> bytes:
    """Nine levels of nine aliases: a few hundred bytes, six billion characters walked."""
    lines = [b'lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = b", ".join([b"*l%d" % (level - 1)] * 9)
        lines.append(b"lol%d: &l%d [%s]" % (level, level, refs))
    return (
        HEAD.replace(b"    method: POST", b"    bomb: *l9\n    method: POST")
        + b"\n".join(lines).replace(b"lol", b"x")
        + b"\nversion: 1\n"
    )


HOSTILE = {
    "alias-bomb": alias_bomb(),
    "deep-flow": HEAD + b"deep: " + b"[" * 10_000 + b"]" * 10_000 + b"\n",
    "deep-block": HEAD + b"deep:\n" + b"".join(b"  " * i + b"- \n" for i in range(1, 10_001)),
    "not-utf8": HEAD.replace(b"gpt-4o", b"gpt-\xff\xfe"),
    "tabs": HEAD.replace(b"    method", b"\tmethod"),
    "python-tag": HEAD + b"x: !!python/object/apply:os.system ['echo pwned']\n",
}
COMMANDS = {
    "show": ["show"],
    "ls": ["ls"],
    "validate": ["validate"],
    "scrub --check": ["scrub", "--check"],
}
SECONDS = 15  # generous: the machine is shared; each run takes well under one
MEGABYTES = 200


def run_cli(args: list[str], cwd: Path) -> tuple[float, int, int, str, str]:
    """(seconds, exit code, peak MiB, stdout, stderr) of `python -m cli ARGS`."""
    command = [sys.executable, "-m", "cli", *args]
    seconds, code, peak = run_once(command, cwd=Path(__file__).resolve().parents[1])
    done = subprocess.run(
        command, cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True
    )
    assert done.returncode == code
    return seconds, code, peak // 1024, done.stdout, done.stderr


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_yaml(tmp_path: Path, name: str, command: str) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(HOSTILE[name])
    seconds, code, megabytes, out, err = run_cli([*COMMANDS[command], str(path)], tmp_path)
    assert seconds < SECONDS and megabytes < MEGABYTES, (seconds, megabytes)
    assert "Traceback" not in out + err
    if command == "validate":  # checking files is its job: a finding, exit 1
        assert code == 1 and str(path) in out and "V001" in out, out + err
    else:  # ls still prints its (empty) table and totals
        assert code == 2 and name not in out, out
        naming = [line for line in err.splitlines() if str(path) in line]
        assert len(naming) == 1 and naming[0].startswith("cassette: "), err
        assert len(err.splitlines()) <= 2, err  # and the editing commands' summary line


def test_the_alias_bomb_is_refused_for_its_anchor(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_bytes(HOSTILE["alias-bomb"])
    _, _, _, _, err = run_cli(["show", str(path)], tmp_path)
    assert "anchor" in err and "refused" in err


def test_a_many_megabyte_scalar_on_one_line_gives_the_right_answer(tmp_path: Path) -> None:
    answer = "lorem " * 3_000_000  # 18 MB in one JSON string, in one YAML line
    body = '{"object": "chat.completion", "model": "m", "choices": [{"index": 0, '
    body += (
        f'"message": {{"role": "assistant", "content": "{answer}"}}, "finish_reason": "stop"}}]}}'
    )
    path = tmp_path / "long.yaml"
    path.write_bytes(HEAD.replace(b'{"object": "chat.completion", "choices": []}', body.encode()))
    for args, shown in (
        (["show", str(path)], "lorem lorem"),
        (["show", str(path), "--plain"], "lorem lorem"),
        (["ls", str(path)], "long.yaml"),
    ):
        seconds, code, megabytes, out, err = run_cli(args, tmp_path)
        assert (code, err) == (0, "") and seconds < SECONDS and megabytes < MEGABYTES
        assert shown in out and "stop" in out
    _, code, _, out, _ = run_cli(["show", str(path), "--format", "json"], tmp_path)
    assert code == 0 and answer in out
    seconds, code, megabytes, _, _ = run_cli(["validate", str(path)], tmp_path)
    assert code == 0 and seconds < SECONDS and megabytes < MEGABYTES
