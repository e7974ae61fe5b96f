"""cli.core.edit.retime: which timestamps move, in which form, and shift/unshift identity."""

from __future__ import annotations

import tempfile
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.core.edit.pipeline import Mode, run
from cli.core.edit.retime import (
    EPOCH_ISO,
    latest_timestamp,
    retime,
    timestamps,
)
from cli.errors import CassetteError

CHUNK = "openai.types.chat.chat_completion_chunk.ChatCompletionChunk"
GENERATE = "ollama._types.GenerateResponse"


def wrap(type_name: str, **fields: Any) -> dict[str, Any]:
    return {"__type__": type_name, "__data__": fields}


def cassette(*items: Any) -> dict[str, Any]:
    return {"request": {}, "response": {"body": list(items), "is_streaming": True}}


def test_shift_keeps_each_form() -> None:
    data = cassette(
        wrap(CHUNK, created=100, time_info={"created": 100, "queue_time": 0.5}),
        wrap(GENERATE, created_at="2025-09-30T17:38:19.258171865Z"),
        wrap(GENERATE, created_at="2025-09-03T10:54:06.60791-07:00"),
        {"created": 1.5},
    )
    changes = retime(data, how="shift", seconds=3600)
    body = [item.get("__data__", item) for item in data["response"]["body"]]
    assert body[0] == {"created": 3700, "time_info": {"created": 3700, "queue_time": 0.5}}
    assert body[1]["created_at"] == "2025-09-30T18:38:19.258171865Z"
    assert body[2]["created_at"] == "2025-09-03T11:54:06.60791-07:00"
    assert body[3]["created"] == 3601.5
    assert "/response/body/0/__data__/created: 100 -> 3700" in [c.description for c in changes]


def test_epoch_uses_the_recorders_forms_and_leaves_model_lists() -> None:
    model = wrap("openai.types.model.Model", id="m", created=7, object="model")
    data = cassette(
        wrap(CHUNK, created=5, time_info={"created": 5}),
        wrap(GENERATE, created_at="2025-09-30T17:38:19.25Z"),
        {"created": 2.5},
        model,
    )
    retime(data, how="epoch")
    body = [item.get("__data__", item) for item in data["response"]["body"]]
    assert body[0] == {"created": 0, "time_info": {"created": 0}}
    assert body[1]["created_at"] == EPOCH_ISO
    assert body[2]["created"] == 0.0 and isinstance(body[2]["created"], float)
    assert body[3]["created"] == 7
    retime(data, how="epoch", include_model_lists=True)
    assert body[3]["created"] == 0


def test_ollama_list_entries_move_only_with_model_lists() -> None:
    entry = {"model": "m", "modified_at": "2025-09-03T10:54:06.607913-07:00"}
    data = cassette(wrap("ollama._types.ListResponse", models=[entry]))
    assert timestamps(data) == []
    retime(data, how="shift", seconds=-60, include_model_lists=True)
    assert entry["modified_at"] == "2025-09-03T10:53:06.607913-07:00"


def test_start_moves_the_earliest_whole_second_to_when_and_keeps_spacing() -> None:
    data = cassette(
        wrap(CHUNK, created=1000),
        wrap(CHUNK, created=1002),
        wrap(GENERATE, created_at="1970-01-01T00:16:40.5Z"),  # 1000.5
    )
    retime(data, how="start", seconds=5000)
    body = [item["__data__"] for item in data["response"]["body"]]
    assert [body[0]["created"], body[1]["created"]] == [5000, 5002]
    assert body[2]["created_at"] == "1970-01-01T01:23:20.5Z"  # 5000.5


def test_zero_durations_zero_numbers_and_keep_nulls() -> None:
    data = cassette(
        wrap(GENERATE, total_duration=5, eval_duration=None, load_duration=2.5),
        wrap(CHUNK, time_info={"created": 9, "queue_time": 0.1, "total_time": 0.2}),
    )
    retime(data, zero_durations=True)
    body = [item["__data__"] for item in data["response"]["body"]]
    assert body[0] == {"total_duration": 0, "eval_duration": None, "load_duration": 0.0}
    assert body[1]["time_info"] == {"created": 9, "queue_time": 0.0, "total_time": 0.0}


def test_nothing_to_change_is_no_change() -> None:
    data = cassette(wrap(CHUNK, created=0), wrap(GENERATE, created_at=EPOCH_ISO))
    assert retime(data, how="epoch") == []
    assert retime(cassette("data: {}", None), how="shift", seconds=5) == []


def test_a_float_that_cannot_come_back_exactly_fails() -> None:
    with pytest.raises(CassetteError, match="cannot move"):
        retime(cassette({"created": 0.1}), how="shift", seconds=2**40)


def test_leaving_the_calendar_fails() -> None:
    with pytest.raises(CassetteError, match="years"):
        retime(cassette({"created_at": "9999-12-31T23:59:59Z"}), how="shift", seconds=1)


def test_strings_that_are_not_timestamps_are_left_alone() -> None:
    data = cassette({"created": "yesterday", "created_at": "2025-02-30T00:00:00Z"})
    assert retime(data, how="epoch") == []


def test_latest_timestamp() -> None:
    data = cassette(wrap(CHUNK, created=10), wrap(GENERATE, created_at="1970-01-01T00:00:20Z"))
    assert latest_timestamp(data) == 20
    assert latest_timestamp(cassette()) is None


@given(
    value=st.one_of(
        st.integers(-(2**40), 2**40),
        st.floats(-1e12, 1e12, allow_nan=False),
        st.datetimes().map(lambda d: d.isoformat() + "Z"),
    ),
    seconds=st.integers(-(10**9), 10**9),
)
def test_shift_then_unshift_gives_back_the_value_or_refuses(value: Any, seconds: int) -> None:
    data = cassette({"created": value})
    try:
        retime(data, how="shift", seconds=seconds)
        retime(data, how="shift", seconds=-seconds)
    except CassetteError:
        return  # refused (float precision or calendar range): nothing to compare
    back = data["response"]["body"][0]["created"]
    assert back == value and type(back) is type(value)


def _retime_library(corpus_dir: Path, sample_dir: Path) -> list[Path]:
    """Samples, plus corpus files with ISO created_at (6 and 9 digits) and Cerebras time_info."""
    corpus = corpus_dir / "llama-stack-2025-09"
    wanted = [b'"created_at": "2025-09-30T', b'"created_at": "2025-09-03T', b'"time_info"']
    chosen = []
    for needle in wanted:
        chosen += [p for p in sorted(corpus.glob("*.json")) if needle in p.read_bytes()][:2]
    return chosen + sorted(sample_dir.glob("*.json"))


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seconds=st.integers(-(10**9), 10**9))
def test_shift_then_unshift_is_byte_identical_on_real_files(
    seconds: int, tmp_path: Path, corpus_dir: Path, sample_dir: Path, copy_writable, snapshot
) -> None:
    with tempfile.TemporaryDirectory(dir=tmp_path) as work:
        library = Path(work)
        for index, source in enumerate(_retime_library(corpus_dir, sample_dir)):
            copy_writable(source, library / str(index) / source.name)
        before = snapshot(library)
        forward = list(
            run(partial(retime, how="shift", seconds=seconds), [library], Mode("in_place"))
        )
        assert not [r.error for r in forward if r.status == "failed"]
        list(run(partial(retime, how="shift", seconds=-seconds), [library], Mode("in_place")))
        assert snapshot(library) == before


def test_events_inside_sse_lines_move_in_their_own_style() -> None:
    """A raw SSE passthrough (llama-stack) or a VCR stream: the JSON of each `data:` line,
    and the object an event carries, hold timestamps too."""
    lines = [
        "event: interaction.complete",
        'data: {"interaction":{"id":"v1","created":"2026-04-14T10:07:27Z"},"event_type":"x"}',
        "",
        'data: {"object": "chat.completion.chunk", "created": 1700000000}',
        "data: [DONE]",
    ]
    data = {"request": {}, "response": {"body": list(lines), "is_streaming": True}}
    changes = retime(data, how="shift", seconds=3600)
    assert data["response"]["body"] == [
        lines[0],
        lines[1].replace("10:07:27Z", "11:07:27Z"),
        "",
        lines[3].replace("1700000000", "1700003600"),
        "data: [DONE]",
    ]
    assert [c.description.split(":")[0] for c in changes] == [
        "/response/body/1/interaction/created",
        "/response/body/3/created",
    ]
    retime(data, how="shift", seconds=-3600)
    assert data["response"]["body"] == lines


def test_date_headers_move_and_keep_their_form() -> None:
    data = {
        "request": {},
        "response": {
            "headers": {"Date": ["Thu, 01 Jan 2026 00:00:00 GMT"], "date": ["not a date"]},
            "body": {"created": 1767225600},
        },
    }
    retime(data, how="shift", seconds=-1)
    assert data["response"]["headers"] == {
        "Date": ["Wed, 31 Dec 2025 23:59:59 GMT"],
        "date": ["not a date"],
    }
    assert data["response"]["body"] == {"created": 1767225599}
