"""Fuzzing VCR cassettes: damaged YAML never crashes the reader or any command.

- `vcr.load` on real cassettes mutated by byte flips, truncation, insertion, deletion and
  YAML's own special tokens returns a cassette file or raises one-line ReadError.
- Every command, run in-process on a library holding a mutated cassette beside good ones
  of both formats, exits 0, 1 or 2 with no traceback, and the modes that write nothing
  leave every file as it was.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.core.formats.vcr import format as vcr
from cli.errors import ReadError
from tests.test_fuzz import COMMANDS, _run, _snapshot

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = REPO_ROOT / "sample_cassettes"
SEEDS = [path.read_bytes() for path in sorted(SAMPLES.glob("*.yaml"))]
GOOD_JSON = SAMPLES / "openai-chat-nonstream.json"

# What matters to a YAML reader: indicators, anchors and tags, quotes, line ends, tabs,
# binary tags, encodings.
TOKENS = [
    b"&a ",
    b"*a",
    b"!!binary ",
    b"!!python/name:os.system ",
    b"'",
    b'"',
    b"|",
    b">-",
    b"- ",
    b": ",
    b"\t",
    b"\r\n",
    b"{",
    b"[",
    b"---\n",
    b"\xff",
    b"\x00",
    b"\xef\xbb\xbf",
    b"H4sI",
    b"data: ",
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "token"]))
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "truncate":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        else:
            data[at:at] = draw(st.sampled_from(TOKENS))
    return bytes(data)


@settings(max_examples=300, deadline=None)
@given(data=mutated())
def test_load_returns_a_cassette_or_a_one_line_read_error(data: bytes) -> None:
    try:
        file = vcr.load(data, Path("fuzz.yaml"))
    except ReadError as exc:
        message = str(exc)
        assert message.startswith("fuzz.yaml: ") and "\n" not in message
        return
    assert all(isinstance(one.data["request"], dict) for one in file.interactions)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=mutated())
def test_every_command_survives_a_mutated_cassette(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        library, dest = root / "lib", root / "dest"
        library.mkdir()
        dest.mkdir()
        shutil.copy(GOOD_JSON, library / GOOD_JSON.name)
        (library / "good.yaml").write_bytes(SEEDS[0])
        (library / "mutated.yaml").write_bytes(data)
        (dest / "mutated.yaml").write_bytes(SEEDS[1])  # a conflict for merge to report
        other = root / "other.yaml"
        other.write_bytes(SEEDS[0])
        before = _snapshot(root)
        places = {
            "{file}": library / "mutated.yaml",
            "{other}": other,
            "{dir}": library,
            "{dest}": dest,
        }
        for label, argv in COMMANDS:
            result = _run([str(places.get(arg, arg)) for arg in argv])
            assert result.exit_code in (0, 1, 2), f"{label}: exit {result.exit_code}"
            assert "Traceback" not in result.stderr + result.stdout, f"{label}: {result.stderr}"
        assert _snapshot(root) == before, "a mode that writes nothing wrote something"
