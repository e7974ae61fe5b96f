"""The editing commands on every real VCR cassette, through the edit pipeline: a no-op
writes nothing; rename-model A B then B A, and retime --shift +1h then -1h, give back the
bytes; after every step the file loads with VCR.py's own deserializer (pydantic-ai's files,
which need pydantic-ai's serializer: with our reader and yaml.safe_load), and every
`content-length` that agreed with its body still does.

"The same bytes" includes the gzip bodies that zlib can't reproduce (another deflate
implementation compressed them): the edits remember them (`cli.core.originals`) and the
reverse writes them back. Without the memo (`--no-cache`) such a body comes back as the
same content in other bytes, and nothing else in the file may differ: a test measures
that too.

Each test walks all cassettes and collects what failed, so one report names every file."""

from __future__ import annotations

import gzip
import json
import shutil
import zlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.core import formats
from cli.core.edit import pipeline
from cli.core.edit.normalize import normalize
from cli.core.edit.pipeline import Bound, Mode
from cli.core.edit.rename import rename_model
from cli.core.edit.retime import file_earliest, retime
from cli.core.formats.vcr.cassette import shape_problem
from tests.core.formats.vcr.conftest import Cassette

pytestmark = pytest.mark.corpus
OTHER = "zz-renamed-model"


@pytest.fixture(scope="module")
def http_cassettes(vcr_cassettes: list[Cassette]) -> list[Cassette]:
    """The HTTP cassettes (the reader passes over pydantic-ai's gRPC recordings)."""
    found = [c for c in vcr_cassettes if shape_problem(c.data) is None]
    assert len(found) >= 170
    return found


def run(edit: Any, path: Path) -> str:
    """Apply `edit` to the file in place; its status, or the error."""
    (result,) = pipeline.run(edit, [path], Mode("in_place"))
    return result.status if result.status != "failed" else f"failed: {result.error}"


def model_of(path: Path) -> str | None:
    """The model the file's first interaction asks for, else the one its response names."""
    file = formats.read(path)
    for interaction in file.interactions:
        if interaction.model_requested:
            return interaction.model_requested
    for interaction in file.interactions:
        body = interaction.response_body
        if isinstance(body, dict) and isinstance(body.get("model"), str):
            return body["model"]
    return None


class _Parsed:
    """A VCR.py serializer that hands over a value parsed once already."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def deserialize(self, _text: str) -> Any:
        return self.value


def check(path: Path, cassette: Cassette) -> tuple[str | None, set[tuple[int, str, int]]]:
    """(why the file doesn't load the way its suite replays it, or None; the
    content-lengths that agree with their bodies), from one parse."""
    from vcr import serialize
    from vcr.serializers import yamlserializer

    text = path.read_text(encoding="utf-8")
    try:
        value = yamlserializer.deserialize(text)  # VCR.py's own loader
        agreeing = agreeing_lengths(value)
        if "pydantic+pydantic-ai" in cassette.path.parts:  # VCR.py's loader is yaml's safe one
            formats.read(path)
        else:
            requests, responses = serialize.deserialize(text, _Parsed(value))
            assert len(requests) == len(responses) == len(cassette.data["interactions"])
    except Exception as exc:
        return f"does not load: {type(exc).__name__}: {exc}"[:300], set()
    return None, agreeing


def recorded_length(side: dict[str, Any]) -> int | None:
    """The byte length VCR.py (or pydantic-ai, from `parsed_body`) replays a body with."""
    if "parsed_body" in side:
        return len(json.dumps(side["parsed_body"]).encode())
    body = side.get("body")
    if isinstance(body, dict):
        body = body.get("string")
    if isinstance(body, str):
        return len(body.encode("utf-8"))
    return len(body) if isinstance(body, bytes) else None


def agreeing_lengths(value: dict[str, Any]) -> set[tuple[int, str, int]]:
    """(interaction, side, index) of every content-length that agrees with its body."""
    found = set()
    for index, interaction in enumerate(value["interactions"]):
        for side in ("request", "response"):
            for name, values in (interaction[side].get("headers") or {}).items():
                if str(name).lower() != "content-length":
                    continue
                values = values if isinstance(values, list) else [values]
                length = recorded_length(interaction[side])
                found |= {
                    (index, side, i) for i, one in enumerate(values) if str(one) == str(length)
                }
    return found


def zlib_reproduces(data: bytes) -> bool:
    """Whether some zlib setting compresses this gzip member's content back into it."""
    content = gzip.decompress(data)
    header = 10  # every body here has the plain 10-byte header
    for level in range(10):
        for memory in (8, 9):
            packer = zlib.compressobj(level, zlib.DEFLATED, -15, memory)
            if packer.compress(content) + packer.flush() == data[header:-8]:
                return True
    return False


def differences(old: Any, new: Any, path: tuple = ()) -> list[str]:
    """Where two YAML values differ, but for gzip bodies zlib can't reproduce that hold the
    same content, and content-length values (checked on their own)."""
    if isinstance(old, dict) and isinstance(new, dict) and list(old) == list(new):
        return [d for key in old for d in differences(old[key], new[key], (*path, key))]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [
            d
            for i, (a, b) in enumerate(zip(old, new, strict=True))
            for d in differences(a, b, (*path, i))
        ]
    if type(old) is type(new) and old == new:
        return []
    if len(path) >= 2 and str(path[-2]).lower() == "content-length":
        return []
    gzipped = isinstance(old, bytes) and isinstance(new, bytes) and old[:2] == b"\x1f\x8b"
    if gzipped and gzip.decompress(old) == gzip.decompress(new) and not zlib_reproduces(old):
        return []
    return ["/".join(str(step) for step in path)]


def round_trip(
    cassettes: list[Cassette], tmp_path: Path, steps: Any
) -> tuple[dict[str, str], dict[str, int]]:
    """Run each file's (there, back) edits; (problems by file, counts)."""
    problems: dict[str, str] = {}
    counts = {"identical": 0, "gzip only": 0, "no edit": 0}
    for number, cassette in enumerate(cassettes):
        path = tmp_path / f"{number}.yaml"
        shutil.copyfile(cassette.path, path)
        raw = path.read_bytes()
        name = str(cassette.path).split("/vcr/", 1)[-1]
        edits = steps(path)
        if edits is None:
            counts["no edit"] += 1
            continue
        agreeing = agreeing_lengths(cassette.data)
        for step, edit in zip(("there", "back"), edits, strict=True):
            status = run(edit, path)
            problem, now = (status, set()) if status.startswith("failed") else check(path, cassette)
            if problem is None and agreeing - now:
                problem = f"content-length no longer agrees: {sorted(agreeing - now)[:3]}"
            if problem:
                problems[name] = f"{step}: {problem}"
                break
        else:
            if path.read_bytes() == raw:
                counts["identical"] += 1
                continue
            where = differences(
                cassette.data, yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
            )
            if where:
                problems[name] = f"differs at {where[:3]}"
            else:
                counts["gzip only"] += 1
    return problems, counts


def test_a_no_op_edit_writes_nothing(http_cassettes: list[Cassette], tmp_path: Path) -> None:
    noops = [
        Bound(rename_model, {"old": "no-such-model", "new": OTHER}),
        Bound(retime, {"how": "shift", "seconds": 0}, per_file=file_earliest),
        Bound(normalize, {"keep": ("*",)}, takes_name=True),
    ]
    problems = {}
    for number, cassette in enumerate(http_cassettes):
        path = tmp_path / f"{number}.yaml"
        shutil.copyfile(cassette.path, path)
        stamp = path.stat().st_mtime_ns
        for edit in noops:
            status = run(edit, path)
            if status != "unchanged" or path.stat().st_mtime_ns != stamp:
                problems[cassette.path.name] = f"{edit.function.__name__}: {status}"
        assert path.read_bytes() == cassette.path.read_bytes()
    assert problems == {}


def test_rename_model_there_and_back(http_cassettes: list[Cassette], tmp_path: Path) -> None:
    def steps(path: Path) -> tuple[Bound, Bound] | None:
        model = model_of(path)
        if model is None:
            return None
        return (
            Bound(rename_model, {"old": model, "new": OTHER}, remembers=True),
            Bound(rename_model, {"old": OTHER, "new": model}, remembers=True),
        )

    problems, counts = round_trip(http_cassettes, tmp_path, steps)
    assert problems == {}
    assert counts["gzip only"] == 0 and counts["no edit"] <= 6
    assert counts["identical"] == len(http_cassettes) - counts["no edit"]


def _retime_there_and_back(remembers: bool) -> Any:
    def steps(path: Path) -> tuple[Bound, Bound]:
        return tuple(  # type: ignore[return-value]
            Bound(
                retime,
                {"how": "shift", "seconds": seconds},
                per_file=file_earliest,
                remembers=remembers,
            )
            for seconds in (3600, -3600)
        )

    return steps


def test_retime_shift_there_and_back(http_cassettes: list[Cassette], tmp_path: Path) -> None:
    problems, counts = round_trip(http_cassettes, tmp_path, _retime_there_and_back(True))
    assert problems == {}
    assert counts["gzip only"] == 0 and counts["identical"] == len(http_cassettes)


def test_without_the_memo_only_gzip_bytes_differ(
    http_cassettes: list[Cassette], tmp_path: Path
) -> None:
    """--no-cache: the gzip bodies zlib can't reproduce come back as the same content in
    other bytes (about one file in fifteen of the corpus); nothing else differs."""
    problems, counts = round_trip(http_cassettes, tmp_path, _retime_there_and_back(False))
    assert problems == {}
    assert 1 <= counts["gzip only"] <= 15
    assert counts["identical"] + counts["gzip only"] == len(http_cassettes)


@pytest.mark.parametrize(
    "edit",
    [
        Bound(normalize, takes_name=True),
        Bound(retime, {"how": "epoch"}),
        Bound(retime, {"how": "start", "seconds": 1735689600}, per_file=file_earliest),
    ],
    ids=["normalize", "epoch", "start"],
)
def test_one_way_edits_load_and_keep_lengths(
    http_cassettes: list[Cassette], tmp_path: Path, edit: Bound
) -> None:
    problems: dict[str, str] = {}
    changed = 0
    for number, cassette in enumerate(http_cassettes):
        path = tmp_path / f"{number}.yaml"
        shutil.copyfile(cassette.path, path)
        agreeing = agreeing_lengths(cassette.data)
        status = run(edit, path)
        changed += status == "changed"
        problem, now = (status, set()) if status.startswith("failed") else check(path, cassette)
        if problem is None and agreeing - now:
            problem = "a content-length no longer agrees"
        if problem:
            problems[cassette.path.name] = problem
    assert problems == {}
    assert changed >= 140
