"""cli.core.edit.merge: identities, conflict policies, model lists, and writing all or nothing."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.core.edit.merge import apply, plan_merge
from cli.core.formats.llamastack import codec, hashing
from cli.core.formats.llamastack.model_lists import union_model_lists
from cli.errors import UsageError

MODEL = "openai.types.model.Model"


def chat(text: str, created: int = 1) -> dict[str, Any]:
    return {
        "request": {"method": "POST", "url": "http://x/v1/chat/completions", "body": {"q": 1}},
        "response": {
            "body": {"__type__": "t.C", "__data__": {"id": "c", "created": created, "text": text}}
        },
    }


def put(root: Path, name: str, value: dict[str, Any], indent: int | None = 2) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=indent) + "\n")
    return path


def merged(sources: list[Path], dest: Path, **options: Any):
    plan = plan_merge(sources, dest, **options)
    if not plan.errors and not plan.unresolved:
        apply(plan)
    return plan


def test_disjoint_and_identical_files_are_kept_once(tmp_path: Path, snapshot) -> None:
    a, b, dest = tmp_path / "a", tmp_path / "b", tmp_path / "dest"
    put(a, "x/1.json", chat("one"))
    put(b, "x/2.json", chat("two"))
    put(a, "same.json", chat("same"))
    put(b, "same.json", chat("same"))
    plan = merged([a, b], dest)
    assert snapshot(dest) == {**snapshot(a), **snapshot(b)}
    same = next(o for o in plan.outputs if o.name == "same.json")
    assert same.action == "added" and same.origins == [str(a / "same.json"), str(b / "same.json")]


def test_the_same_value_in_another_style_is_not_a_conflict(tmp_path: Path) -> None:
    a, b, dest = tmp_path / "a", tmp_path / "b", tmp_path / "dest"
    first = put(a, "c.json", chat("hi"))
    put(b, "c.json", chat("hi"), indent=None)
    plan = merged([a, b], dest)
    assert plan.conflicts == [] and (dest / "c.json").read_bytes() == first.read_bytes()


def test_a_number_that_changed_type_is_a_conflict(tmp_path: Path) -> None:
    """Issue 10, case 8: `created` 0 and 0.0 are different contents (types exact, as in
    diff and the edit pipeline), not one content in two styles."""
    a, b, dest = tmp_path / "a", tmp_path / "b", tmp_path / "dest"
    put(a, "c.json", chat("hi", created=0))
    value = chat("hi")
    value["response"]["body"]["__data__"]["created"] = 0.0
    put(b, "c.json", value, indent=None)
    plan = merged([a, b], dest)
    [conflict] = plan.unresolved
    assert conflict.versions == [str(a / "c.json"), str(b / "c.json")]


def test_a_conflict_fails_by_default_and_writes_nothing(tmp_path: Path) -> None:
    a, b, dest = tmp_path / "a", tmp_path / "b", tmp_path / "dest"
    put(a, "c.json", chat("mine"))
    put(b, "c.json", chat("yours"))
    put(a, "other.json", chat("other"))
    plan = merged([a, b], dest)
    [conflict] = plan.unresolved
    assert conflict.versions == [str(a / "c.json"), str(b / "c.json")]
    assert not dest.exists()


@pytest.mark.parametrize(
    ("policy", "text"), [("ours", "mine"), ("theirs", "yours"), ("newest", "yours")]
)
def test_policies_pick_a_version(tmp_path: Path, policy: str, text: str) -> None:
    a, b, dest = tmp_path / "a", tmp_path / "b", tmp_path / "dest"
    put(a, "c.json", chat("mine", created=100))
    put(b, "c.json", chat("yours", created=200))
    plan = merged([a, b], dest, policy=policy)
    assert codec.read(dest / "c.json")[0]["response"]["body"]["__data__"]["text"] == text
    assert plan.conflicts[0].resolution == policy


def test_newest_falls_back_to_mtime_when_times_are_normalized(tmp_path: Path) -> None:
    a, b, dest = tmp_path / "a", tmp_path / "b", tmp_path / "dest"
    old = put(a, "c.json", chat("old", created=0))
    put(b, "c.json", chat("new", created=0))
    os.utime(old, (1, 1))
    merged([b, a], dest, policy="newest")
    assert codec.read(dest / "c.json")[0]["response"]["body"]["__data__"]["text"] == "new"


def test_keep_both_writes_the_others_where_replay_wont_look(tmp_path: Path) -> None:
    a, b, c, dest = (tmp_path / n for n in ("a", "b", "c", "dest"))
    put(a, "0123456789ab.json", chat("one"))
    put(b, "0123456789ab.json", chat("two"))
    put(c, "0123456789ab.json", chat("three"))
    merged([a, b, c], dest, policy="keep-both")
    assert sorted(p.name for p in dest.iterdir()) == [
        "0123456789ab.json",
        "0123456789ab.json.conflict-1",
        "0123456789ab.json.conflict-2",
    ]
    assert sorted(p.name for p in dest.glob("*.json")) == ["0123456789ab.json"]
    again = plan_merge([a, b, c], dest, policy="keep-both")  # a second run changes nothing
    assert again.writes == []


def test_dest_is_the_first_source_and_nothing_is_deleted(tmp_path: Path) -> None:
    src, dest = tmp_path / "src", tmp_path / "dest"
    put(dest, "c.json", chat("dest"))
    put(dest, "only-dest.json", chat("stays"))
    put(src, "c.json", chat("src"))
    plan = merged([src, dest], dest, policy="ours")  # DEST named as a source: still first
    assert codec.read(dest / "c.json")[0]["response"]["body"]["__data__"]["text"] == "dest"
    assert {o.name: o.action for o in plan.outputs} == {
        "c.json": "unchanged",
        "only-dest.json": "unchanged",
    }
    merged([src], dest, policy="theirs")
    assert codec.read(dest / "c.json")[0]["response"]["body"]["__data__"]["text"] == "src"
    assert (dest / "only-dest.json").exists()


def model_list(*ids: str, created: int = 5) -> dict[str, Any]:
    body = [
        {"__type__": MODEL, "__data__": {"id": i, "created": created, "object": "model"}}
        for i in ids
    ]
    request = {
        "method": "POST",
        "url": "http://h/v1/v1/models",
        "body": {},
        "endpoint": "/v1/models",
    }
    return {"request": request, "response": {"body": body, "is_streaming": False}}


def models_name(value: dict[str, Any]) -> str:
    return (
        f"models-{hashing.request_hash(value, '2025')[:12]}-{hashing.model_list_digest(value)}.json"
    )


def test_model_lists_are_separate_files_unless_combined(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    first, second = model_list("m1", "m2"), model_list("m3", "m1", created=9)
    put(a, models_name(first), first)
    put(b, models_name(second), second)
    merged([a, b], tmp_path / "kept")
    assert len(list((tmp_path / "kept").iterdir())) == 2
    plan = merged([a, b], tmp_path / "one", combine_model_lists=True)
    [combined] = plan.outputs
    assert combined.action == "combined" and len(combined.origins) == 2
    value = codec.read(tmp_path / "one" / combined.name)[0]
    assert [item["__data__"]["id"] for item in value["response"]["body"]] == ["m1", "m2", "m3"]
    assert value["response"]["body"][0]["__data__"]["created"] == 9  # the later list wins
    assert combined.name == models_name(value)
    assert hashing.name_matches(value, combined.name) is True


def test_union_of_ollama_tags_is_keyed_by_model() -> None:
    def tags(*models: str) -> dict[str, Any]:
        body = {"__type__": "ollama._types.ListResponse", "__data__": {"models": []}}
        body["__data__"]["models"] = [{"model": m, "size": 1} for m in models]
        return {"request": {"endpoint": "/api/tags"}, "response": {"body": body}}

    union = union_model_lists([tags("b", "a"), tags("c", "a")])
    assert [m["model"] for m in union["response"]["body"]["__data__"]["models"]] == ["a", "b", "c"]
    assert union_model_lists([tags("a"), chat("x")]) is None


def test_an_unreadable_source_file_writes_nothing(tmp_path: Path) -> None:
    a, dest = tmp_path / "a", tmp_path / "dest"
    put(a, "good.json", chat("good"))
    (a / "bad.json").write_text('{"request": ')
    plan = merged([a], dest)
    assert len(plan.errors) == 1 and "bad.json" in plan.errors[0]
    assert not dest.exists()


def test_a_read_only_destination_is_refused_before_writing(tmp_path: Path) -> None:
    a, dest = tmp_path / "a", tmp_path / "dest"
    put(a, "new.json", chat("new"))
    put(dest, "old.json", chat("old"))
    dest.chmod(0o555)
    try:
        plan = plan_merge([a], dest)
        assert plan.errors and "not writable" in plan.errors[0]
    finally:
        dest.chmod(0o755)
    assert sorted(p.name for p in dest.iterdir()) == ["old.json"]


def test_a_read_only_file_to_update_is_refused(tmp_path: Path) -> None:
    a, dest = tmp_path / "a", tmp_path / "dest"
    put(a, "c.json", chat("new"))
    target = put(dest, "c.json", chat("old"))
    target.chmod(0o444)
    plan = plan_merge([a], dest, policy="theirs")
    assert plan.errors and "read-only" in plan.errors[0]


@pytest.mark.parametrize("inner", ["dest/sub", "."])
def test_sources_and_dest_may_not_nest(tmp_path: Path, inner: str) -> None:
    put(tmp_path / "dest" / "sub", "x.json", chat("x"))
    source = tmp_path / inner
    with pytest.raises(UsageError):
        plan_merge([source], tmp_path / "dest")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sides=st.lists(st.booleans(), min_size=1, max_size=14))
def test_merge_of_disjoint_libraries_is_commutative(
    sides: list[bool], tmp_path: Path, sample_dir: Path, copy_writable, snapshot
) -> None:
    samples = sorted(sample_dir.glob("*.json"))
    with tempfile.TemporaryDirectory(dir=tmp_path) as work:
        root = Path(work)
        for side, sample in zip(sides, samples, strict=False):
            copy_writable(sample, root / ("a" if side else "b") / sample.name)
        (root / "a").mkdir(exist_ok=True)
        (root / "b").mkdir(exist_ok=True)
        merged([root / "a", root / "b"], root / "ab")
        merged([root / "b", root / "a"], root / "ba")
        assert snapshot(root / "ab") == snapshot(root / "ba")
