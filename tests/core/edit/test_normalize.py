"""cli.core.edit.normalize: the 2026 recorder's normalization, field for field."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from cli.core.edit.normalize import normalize, record_hash
from cli.core.edit.pipeline import Bound, Mode, run
from cli.core.edit.retime import EPOCH_ISO
from cli.core.formats.llamastack import codec, hashing

CHUNK = "openai.types.chat.chat_completion_chunk.ChatCompletionChunk"
H12 = "0123456789ab"


def inference(*items: Any, **top: Any) -> dict[str, Any]:
    return {
        **top,
        "request": {
            "method": "POST",
            "url": "http://localhost:8000/v1/v1/chat/completions",
            "headers": {},
            "body": {"model": "m", "messages": []},
            "endpoint": "/v1/chat/completions",
            "model": "m",
        },
        "response": {"body": list(items), "is_streaming": True},
    }


def wrap(type_name: str, **fields: Any) -> dict[str, Any]:
    return {"__type__": type_name, "__data__": fields}


def test_ids_and_created_of_typed_items_are_normalized() -> None:
    data = inference(
        wrap(CHUNK, id="chatcmpl-1", created=17, model="m", time_info={"created": 17}),
        wrap(CHUNK, id="chatcmpl-1", created=18, model="m"),
    )
    changes = normalize(data, f"{H12}.json")
    first, second = (item["__data__"] for item in data["response"]["body"])
    assert first == {"id": f"rec-{H12}", "created": 0, "model": "m", "time_info": {"created": 17}}
    assert second["id"] == f"rec-{H12}" and second["created"] == 0
    assert [c.description for c in changes] == [
        f"/response/body/*/__data__/id: chatcmpl-1 -> rec-{H12} (2 chunks)",
        "/response/body/*/__data__/created: 17..18 -> 0 (2 chunks)",
    ]


def test_model_objects_keep_id_and_created_and_raw_items_are_left_alone() -> None:
    model = wrap("openai.types.model.Model", id="gpt-4o", created=5, object="model")
    raw = {"id": "msg_1", "created": 5}
    data = inference(model, raw, "data: {}")
    assert normalize(data, f"{H12}.json") == []


def test_ollama_created_at_always_and_durations_unless_null() -> None:
    data = inference(
        wrap("ollama._types.EmbedResponse", created_at=None, total_duration=5, eval_duration=None),
        wrap("ollama._types.GenerateResponse", created_at="2025-09-03T17:54:32.086616Z"),
    )
    normalize(data, f"{H12}.json")
    first, second = (item["__data__"] for item in data["response"]["body"])
    assert first == {"created_at": EPOCH_ISO, "total_duration": 0, "eval_duration": None}
    assert second == {"created_at": EPOCH_ISO}


def test_record_hash_prefers_the_name_then_the_layout() -> None:
    data = inference()
    assert record_hash(data, f"{H12}.json") == H12
    assert record_hash(data, f"models-{H12}-abcdef01.json") == H12
    assert record_hash(data, "seed.json") == hashing.request_hash(data, "2025")
    with_test_id = inference(test_id="t::x")
    assert record_hash(with_test_id, "seed.json") == hashing.request_hash(with_test_id, "2026")
    assert record_hash(data, f"{H12}.json", "2026") == hashing.request_hash(data, "2026")


def test_a_request_without_a_hash_rule_keeps_its_ids() -> None:
    data = {
        "request": {"provider": "p", "api": "file_processors", "file_id": "f"},
        "response": {"body": wrap("x.Result", id="keep", created=3)},
    }
    normalize(data, "whatever.json")
    assert data["response"]["body"]["__data__"] == {"id": "keep", "created": 0}


def _forms(root: Path) -> Counter[tuple[str, str, str]]:
    """(type, field, form) for id/created/created_at of every typed non-model item."""
    forms: Counter[tuple[str, str, str]] = Counter()
    for path in sorted(root.rglob("*.json")):
        data = codec.read(path)[0]
        own = "rec-" + (hashing.name_hash(path.name) or "")[:12]
        body = data["response"].get("body")
        for item in body if isinstance(body, list) else [body]:
            if not (isinstance(item, dict) and "__data__" in item):
                continue
            fields, kind = item["__data__"], item["__type__"].rsplit(".", 1)[-1]
            if not isinstance(fields, dict) or fields.get("object") == "model":
                continue
            if "id" in fields:
                forms[(kind, "id", "own rec-" if fields["id"] == own else "other")] += 1
            if "created" in fields:
                forms[(kind, "created", repr(fields["created"]))] += 1
            if "created_at" in fields:
                forms[(kind, "created_at", repr(fields["created_at"]))] += 1
    return forms


def test_the_2025_corpus_comes_out_in_the_2026_recorders_form(
    corpus_dir: Path, tmp_path: Path, copy_writable
) -> None:
    library = copy_writable(corpus_dir / "llama-stack-2025-09", tmp_path / "2025")
    results = list(run(Bound(normalize, takes_name=True), [library], Mode("in_place")))
    assert not [r.error for r in results if r.status == "failed"]
    assert sum(r.status == "changed" for r in results) == 341  # the rest carry no id or time
    assert not [r.renamed_to for r in results if r.renamed_to]
    forms = _forms(library)
    assert {form for (_, _, form) in forms} == {"own rec-", "0", repr(EPOCH_ISO)}
    recorded = _forms(corpus_dir / "llama-stack-2026-05-sample")
    shared_types = {kind for kind, _, _ in forms} & {kind for kind, _, _ in recorded}
    assert {"ChatCompletionChunk", "ChatCompletion", "Completion"} <= shared_types
    for key in forms:
        if key[0] in shared_types:
            assert key in recorded, key
    again = list(run(Bound(normalize, takes_name=True), [library], Mode("check")))
    assert {r.status for r in again} == {"unchanged"}


def test_what_the_2026_recorder_normalized_is_left_as_is(corpus_dir: Path) -> None:
    results = list(
        run(
            Bound(normalize, takes_name=True),
            [corpus_dir / "llama-stack-2026-05-sample"],
            Mode("check"),
        )
    )
    changed = [r for r in results if r.status == "changed"]
    assert len(results) == 87 and not [r for r in results if r.status == "failed"]
    for result in changed:  # only files whose rec- ids don't carry their own name's hash
        assert all(change.split(":", 1)[0].endswith("/id") for change in result.changes)
