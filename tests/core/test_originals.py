"""The memo of compressed bodies zlib can't make again (`cli.core.originals`): an edit and
its reverse give back the recorded bytes; `--no-cache` and scrub never use it; a damaged
entry or a body holding a secret is never written back or kept."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
import zlib
from pathlib import Path

import pytest
import yaml

from cli.core import originals
from tests.commands.helpers import run

pytestmark = pytest.mark.corpus
# Google's gzip: no zlib setting reproduces its bytes (its model is in the gzip body).
GEMINI = "vcr/simonw+llm-gemini/tests/cassettes/test_gemini/test_prompt.yaml"
MODEL = "gemini-3.6-flash"
KEY = "sk-proj-Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7jKl0nOp3rSt6v"


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("CASSETTE_CACHE_DIR", str(cache))
    return cache


def there_and_back(path: Path, *flags: str) -> None:
    for old, new in ((MODEL, "renamed-model"), ("renamed-model", MODEL)):
        done = run("rename-model", old, new, path, "--in-place", *flags)
        assert done.exit_code == 0, done.stderr
        assert done.stderr.startswith("1 changed")


def test_rename_and_back_gives_back_googles_gzip_bytes(
    corpus_dir: Path, tmp_path: Path, own_cache: Path
) -> None:
    path = tmp_path / "prompt.yaml"
    shutil.copyfile(corpus_dir / GEMINI, path)
    there_and_back(path)
    assert path.read_bytes() == (corpus_dir / GEMINI).read_bytes()
    assert originals.info()["bodies"] == 1
    assert "remembered bodies: 1" in run("cache", "info").stdout


def test_no_cache_compresses_anew_with_zlib(
    corpus_dir: Path, tmp_path: Path, own_cache: Path
) -> None:
    """The same content in other bytes, and nothing kept on disk."""
    path = tmp_path / "prompt.yaml"
    shutil.copyfile(corpus_dir / GEMINI, path)
    there_and_back(path, "--no-cache")
    assert path.read_bytes() != (corpus_dir / GEMINI).read_bytes()
    assert originals.info()["bodies"] == 0 and not (own_cache / originals.DATABASE).exists()


def test_scrub_never_remembers(corpus_dir: Path, tmp_path: Path, own_cache: Path) -> None:
    """A key in a gzip body zlib can't reproduce (a 512-byte window): scrub re-encodes
    the body, and keeps nothing of what it removed."""
    data = yaml.safe_load((corpus_dir / GEMINI).read_text())
    body = data["interactions"][0]["response"]["body"]
    content = gzip.decompress(body["string"]).replace(b"gemini-3.6-flash", KEY.encode(), 1)
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + 9)
    body["string"] = packer.compress(content) + packer.flush()
    assert not originals.reproducible(content, ["gzip"], body["string"])
    path = tmp_path / "planted.yaml"
    path.write_text(yaml.safe_dump(data))
    done = run("scrub", path, "--in-place")
    assert done.exit_code == 0 and done.stderr.startswith("1 changed"), done.stderr
    assert originals.info()["bodies"] == 0
    assert KEY.encode() not in gzip.decompress(
        yaml.safe_load(path.read_text())["interactions"][0]["response"]["body"]["string"]
    )


def test_a_damaged_entry_is_never_recalled(own_cache: Path) -> None:
    content = b'{"model": "a"}' * 50
    recorded = gzip.compress(content, mtime=0)
    with originals.session(True):
        originals.remember(content, ["gzip"], recorded)
        assert originals.recall(content, ["gzip"]) == recorded
    with sqlite3.connect(own_cache / originals.DATABASE) as db:
        db.execute("UPDATE originals SET body = ?", (recorded[:-3] + b"xyz",))
    with originals.session(True):
        assert originals.recall(content, ["gzip"]) is None
    with originals.session(False):  # outside a session nothing is read or kept
        originals.remember(content, ["gzip"], recorded)
        assert originals.recall(content, ["gzip"]) is None


def test_a_body_holding_a_secret_is_not_kept(own_cache: Path) -> None:
    content = b'{"note": "sk-proj-' + b"Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7jKl0nOp3rSt6v" + b'"}'
    with originals.session(True):
        originals.remember(content, ["gzip"], gzip.compress(content))
        assert originals.recall(content, ["gzip"]) is None
    assert originals.info()["bodies"] == 0


def test_the_memo_stays_within_its_bound(own_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(originals, "MAX_BYTES", 100)  # room for two
    bodies = [bytes([65 + n]) * 4000 for n in range(5)]
    with originals.session(True):
        for content in bodies:
            originals.remember(content, ["gzip"], gzip.compress(content, mtime=0))
        assert originals.recall(bodies[0], ["gzip"]) is None  # the oldest went first
        assert originals.recall(bodies[-1], ["gzip"]) is not None
    assert originals.info()["bytes"] <= 100


def test_cache_clear_forgets_the_bodies(own_cache: Path) -> None:
    content = b"x" * 100
    with originals.session(True):
        originals.remember(content, ["gzip"], gzip.compress(content))
    assert originals.info()["bodies"] == 1
    assert "originals.sqlite" in run("cache", "clear").stdout
    assert originals.info()["bodies"] == 0
