"""cli.core.diff.model*: comparing cassettes by meaning, strictly by JSON, and whole libraries."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.core import pointer
from cli.core.diff.files import compare_data, compare_files
from cli.core.diff.library import (
    compare_library,
    match_by_identity,
    plan_library,
    request_keys,
)
from cli.core.diff.model import (
    ADDED,
    CHANGED,
    ERROR,
    MORE,
    REMOVED,
    UNCHANGED,
    Change,
    DiffOptions,
    DiffReport,
    without,
)
from cli.core.diff.values import structured_changes, word_diff
from cli.errors import ReadError

SAMPLES = Path(__file__).resolve().parents[3] / "sample_cassettes"
SOL = "databricks-chat-stream-sol.json"  # seed 000
N2 = "vllm-chat-stream-n2.json"  # seed 001
CAPITAL = "cerebras-chat-stream-capital.json"  # seed 002
TOOL = "vllm-chat-stream-tool-call.json"  # seed 003
DEFAULT, STRICT = DiffOptions(), DiffOptions(strict=True)


# variants of a recording, shared with tests/commands/test_diff.py ---------------------


def load(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / name).read_text())


def write(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


def chunks(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [item["__data__"] for item in data["response"]["body"]]


def with_new_ids(data: dict[str, Any]) -> dict[str, Any]:
    """Response ids, tool-call ids and `created` rewritten, as a re-record would."""
    data = copy.deepcopy(data)
    for number, chunk in enumerate(chunks(data)):
        chunk["id"] = "chatcmpl-rerecorded"
        chunk["created"] = 1_800_000_000 + number
        chunk["system_fingerprint"] = "fp_new"
        for choice in chunk["choices"]:
            for call in choice["delta"].get("tool_calls") or []:
                if call.get("id"):
                    call["id"] = "call-rerecorded"
    return data


def rechunked(data: dict[str, Any]) -> dict[str, Any]:
    """The same text, every content piece of two or more characters split in two chunks."""
    data = copy.deepcopy(data)
    body = []
    for item in data["response"]["body"]:
        delta = item["__data__"]["choices"][0]["delta"] if item["__data__"]["choices"] else {}
        content = delta.get("content") or ""
        if len(content) < 2:
            body.append(item)
            continue
        first, second = copy.deepcopy(item), copy.deepcopy(item)
        first["__data__"]["choices"][0]["delta"]["content"] = content[: len(content) // 2]
        first["__data__"]["choices"][0]["finish_reason"] = None
        second["__data__"]["choices"][0]["delta"]["content"] = content[len(content) // 2 :]
        second["__data__"]["choices"][0]["delta"]["role"] = None
        body += [first, second]
    data["response"]["body"] = body
    return data


def with_arguments(data: dict[str, Any], arguments: dict[str, Any]) -> dict[str, Any]:
    """The tool call's arguments replaced: all in the first fragment, the others empty."""
    data = copy.deepcopy(data)
    first = True
    for chunk in chunks(data):
        for call in chunk["choices"][0]["delta"].get("tool_calls") or []:
            function = call["function"]
            if function.get("arguments") is None:
                continue
            function["arguments"] = json.dumps(arguments) if first else ""
            first = False
    return data


def with_text(data: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """A streamed answer with `old` replaced by `new` in the chunk that holds it."""
    data = copy.deepcopy(data)
    for chunk in chunks(data):
        for choice in chunk["choices"]:
            content = choice["delta"].get("content")
            if content and old in content:
                choice["delta"]["content"] = content.replace(old, new)
                return data
    raise AssertionError(f"{old!r} is in no chunk")


def fields(changes: list[Change]) -> list[str]:
    return [change.field for change in changes]


# words -------------------------------------------------------------------------------


def test_word_diff_marks_only_the_changed_word() -> None:
    script = word_diff("The Latin name for the Sun is Sol.", "The Latin word for the Sun is Sol.")
    assert script == [
        ("=", "The Latin "),
        ("-", "name"),
        ("+", "word"),
        ("=", " for the Sun is Sol."),
    ]


def test_word_diff_joins_neighbouring_changes_across_a_space() -> None:
    assert word_diff("a b c", "x y c") == [("-", "a b"), ("+", "x y"), ("=", " c")]


@given(st.text(alphabet="ab \n", max_size=30), st.text(alphabet="ab \n", max_size=30))
def test_word_diff_rebuilds_both_texts(old: str, new: str) -> None:
    script = word_diff(old, new)
    assert "".join(text for op, text in script if op != "+") == old
    assert "".join(text for op, text in script if op != "-") == new


def test_word_diff_replaces_a_middle_too_big_to_match(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cli.core.diff.values.WORD_DIFF_LIMIT", 0)
    assert word_diff("a b c d", "a x y d") == [("=", "a "), ("-", "b c"), ("+", "x y"), ("=", " d")]


# structured values and pointers --------------------------------------------------------


def test_structured_changes_name_the_path_and_see_private_keys() -> None:
    old = {"__data__": {"location": "San Francisco, CA", "unit": "c"}}
    new = {"__data__": {"location": "Paris", "days": 2}}
    changes = structured_changes("response", "arguments", old, new)
    assert [(c.path, c.kind, c.old, c.new) for c in changes] == [
        ("__data__.days", ADDED, None, 2),
        ("__data__.location", CHANGED, "San Francisco, CA", "Paris"),
        ("__data__.unit", REMOVED, "c", None),
    ]


def test_structured_changes_numbers_are_type_exact_in_both_modes() -> None:
    (loose,) = structured_changes("request", "x", {"t": 0}, {"t": 0.0})
    assert (loose.field, loose.path, loose.old, loose.new) == ("x", "t", 0, 0.0)
    strict = structured_changes("json", "", {"t": 0}, {"t": 0.0}, strict=True)
    assert fields(strict) == ["/t"]
    assert structured_changes("request", "x", {"t": 0, "u": [1]}, {"u": [1], "t": 0}) == []


def test_structured_changes_count_what_they_do_not_list() -> None:
    changes = structured_changes("response", "v", [0.5] * 30, [0.25] * 30)
    assert len(changes) == 21
    assert changes[-1].kind == MORE and changes[-1].new == 10


def test_without_removes_pointers_and_wildcards_without_touching_the_input() -> None:
    data = {"request": {"body": {"temperature": 0.7, "n": 2}}, "items": [{"id": 1, "x": 2}]}
    original = copy.deepcopy(data)
    result = without(
        data, (pointer.split("/request/body/temperature"), pointer.split("/items/*/id"))
    )
    assert result == {"request": {"body": {"n": 2}}, "items": [{"x": 2}]}
    assert data == original


# two cassettes -------------------------------------------------------------------------


def test_a_cassette_has_no_differences_with_itself() -> None:
    for options in (DEFAULT, STRICT):
        result = compare_files(SAMPLES / SOL, SAMPLES / SOL, options)
        assert result.status == UNCHANGED and result.changes == []


def test_seed_000_vs_001_names_model_n_extra_choice_and_the_changed_words() -> None:
    changes = compare_data(load(SOL), load(N2), DEFAULT)
    by_field = {(c.section, c.field): c for c in changes}
    model = by_field[("request", "model")]
    assert (model.old, model.new) == (
        "databricks-meta-llama-3-3-70b-instruct",
        "meta-llama/Llama-3.2-1B-Instruct",
    )
    assert by_field[("request", "n")].kind == ADDED and by_field[("request", "n")].new == 2
    extra = by_field[("response", "choice 1")]
    assert extra.kind == ADDED and "The Latin word for the Sun is Sol." in extra.new
    text = by_field[("response", "choice 0 text")]
    assert ("-", '"Sol".') in text.words and ("+", "Sol.") in text.words


@pytest.mark.parametrize("name", [SOL, N2, CAPITAL, TOOL])
def test_new_ids_and_times_are_noise_unless_strict(name: str) -> None:
    original = load(name)
    assert compare_data(original, with_new_ids(original), DEFAULT) == []
    strict = compare_data(original, with_new_ids(original), STRICT)
    assert "/response/body/0/__data__/id" in fields(strict)


@pytest.mark.parametrize("name", [SOL, N2, CAPITAL])
def test_where_chunks_break_is_noise_unless_strict(name: str) -> None:
    original, split = load(name), rechunked(load(name))
    assert len(split["response"]["body"]) > len(original["response"]["body"])
    assert compare_data(original, split, DEFAULT) == []
    assert compare_data(original, split, STRICT) != []


def test_a_changed_tool_argument_is_named() -> None:
    original = load(TOOL)
    changes = compare_data(original, with_arguments(original, {"location": "Paris"}), DEFAULT)
    assert len(changes) == 1
    change = changes[0]
    assert change.field == "choice 0 tool call 0 get_weather arguments"
    assert (change.path, change.old, change.new) == ("location", "San Francisco, CA", "Paris")


def test_usage_changes_are_per_count() -> None:
    original = load(SOL)
    changed = copy.deepcopy(original)
    for chunk in chunks(changed):
        if chunk.get("usage"):
            chunk["usage"]["completion_tokens"] += 3
            chunk["usage"]["total_tokens"] += 3
    changes = compare_data(original, changed, DEFAULT)
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("usage output tokens", 11, 14),
        ("usage total tokens", 31, 34),
    ]


def test_request_messages_tools_and_parameters() -> None:
    original = load(TOOL)
    edited = copy.deepcopy(original)
    body = edited["request"]["body"]
    body["messages"][1]["content"] = "What's the weather like in Paris?"
    body["messages"].append({"role": "user", "content": "And tomorrow?"})
    body["temperature"] = 0.7
    body["tools"][0]["function"]["parameters"]["properties"]["unit"] = {"type": "string"}
    changes = compare_data(original, edited, DEFAULT)
    by_field = {c.field: c for c in changes}
    assert by_field["message 1 (user)"].words is not None
    assert by_field["message 2 (user)"].kind == ADDED
    assert (by_field["temperature"].old, by_field["temperature"].new) == (0.0, 0.7)
    assert by_field["tool get_weather"].path == "parameters.properties.unit"


def test_a_number_that_changed_type_is_a_change(tmp_path: Path) -> None:
    """Issue 10, case 8: one notion of "changed" (types exact), as normalize and the edit
    pipeline have it. Temperature 0.0 -> 0 changes the request hash: replay misses it."""
    original = load(TOOL)
    edited = copy.deepcopy(original)
    edited["request"]["body"]["temperature"] = 0
    edited["request"]["body"]["stream"] = 1
    changes = compare_data(original, edited, DEFAULT)
    assert {(c.field, c.old, c.new) for c in changes} == {
        ("temperature", 0.0, 0),
        ("stream", True, 1),
    }
    result = compare_files(SAMPLES / TOOL, write(tmp_path / "int.json", edited), DEFAULT)
    assert result.status == CHANGED
    tools = copy.deepcopy(original)
    tools["request"]["body"]["tools"][0]["function"]["parameters"]["x"] = 1.0
    again = copy.deepcopy(tools)
    again["request"]["body"]["tools"][0]["function"]["parameters"]["x"] = 1
    assert [c.path for c in compare_data(tools, again, DEFAULT)] == ["parameters.x"]


def test_ignore_applies_in_both_modes(tmp_path: Path) -> None:
    original = load(TOOL)
    warmer = copy.deepcopy(original)
    warmer["request"]["body"]["temperature"] = 0.9
    ignore = ["/request/body/temperature"]
    assert compare_data(original, warmer, DiffOptions.from_flags(False, ignore)) == []
    assert compare_data(original, warmer, DiffOptions.from_flags(True, ignore)) == []
    assert compare_data(original, warmer, DEFAULT) != []


def test_same_json_in_other_bytes_is_only_a_formatting_change_when_strict(tmp_path: Path) -> None:
    pretty = write(tmp_path / "pretty.json", load(SOL))
    assert compare_files(SAMPLES / SOL, pretty, DEFAULT).status == UNCHANGED
    strict = compare_files(SAMPLES / SOL, pretty, STRICT)
    assert strict.status == CHANGED
    assert fields(strict.changes) == ["formatting"]


def test_embedding_vectors_are_compared(tmp_path: Path) -> None:
    original = load("openai-embeddings.json")
    moved = copy.deepcopy(original)
    vector = moved["response"]["body"]["__data__"]["data"][1]["embedding"]
    vector[0] += 0.5
    changes = compare_data(original, moved, DEFAULT)
    assert [(c.field, c.path) for c in changes] == [("embedding 1", "[0]")]


def test_a_file_that_is_not_a_cassette_raises(tmp_path: Path) -> None:
    (tmp_path / "empty.json").write_text("{}")
    with pytest.raises(ReadError, match="request"):
        compare_files(SAMPLES / SOL, tmp_path / "empty.json", DEFAULT)


# libraries -------------------------------------------------------------------------------


def library(root: Path, names: list[str]) -> Path:
    root.mkdir(parents=True)
    for name in names:
        shutil.copy(SAMPLES / name, root / name)
    return root


def run_library(old: Path, new: Path, options: DiffOptions = DEFAULT) -> DiffReport:
    report = DiffReport(str(old), str(new))
    for result in compare_library(plan_library(old, new, options, "*.json"), options):
        report.add(result)
    report.sort()
    return report


def test_library_pairs_by_path_then_by_request(tmp_path: Path) -> None:
    old = library(tmp_path / "old", [SOL, N2, CAPITAL])
    new = library(tmp_path / "new", [SOL, TOOL])
    write(new / "renamed.json", load(N2))  # other bytes, same request: a rename
    report = run_library(old, new)
    assert report.counts == {
        ADDED: 1,
        REMOVED: 1,
        CHANGED: 0,
        UNCHANGED: 2,
        "renamed": 1,
        "errors": 0,
    }
    statuses = {(f.old, f.new): (f.status, f.renamed) for f in report.files}
    assert statuses == {
        (N2, "renamed.json"): (UNCHANGED, True),
        (CAPITAL, None): (REMOVED, False),
        (None, TOOL): (ADDED, False),
    }
    assert report.differs and not report.failed


def test_library_reports_an_unreadable_pair_and_goes_on(tmp_path: Path) -> None:
    old = library(tmp_path / "old", [SOL, N2])
    new = library(tmp_path / "new", [SOL, N2])
    (new / SOL).write_text("{not json")
    report = run_library(old, new)
    assert report.counts["errors"] == 1 and report.counts[UNCHANGED] == 1
    assert report.files[0].status == ERROR and SOL in (report.files[0].error or "")
    assert report.failed


def test_identity_pairs_exact_requests_before_loose_ones() -> None:
    base = load(SOL)
    other_test = copy.deepcopy(base)
    other_test["test_id"] = "tests/test_b.py::test_b"
    base["test_id"] = "tests/test_a.py::test_a"
    renamed_a, renamed_b = request_keys(base), request_keys(other_test)
    assert renamed_a[1] == renamed_b[1] and renamed_a[0] != renamed_b[0]
    pairs = match_by_identity(
        {"a.json": renamed_a, "b.json": renamed_b}, {"y.json": renamed_b, "z.json": renamed_a}
    )
    assert sorted(pairs) == [("a.json", "z.json"), ("b.json", "y.json")]


def test_identity_ignores_headers() -> None:
    base = load(SOL)
    with_headers = copy.deepcopy(base)
    with_headers["request"]["headers"] = {"authorization": "Bearer x"}
    assert request_keys(base) == request_keys(with_headers)
