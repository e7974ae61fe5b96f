"""The validate runner: library rules across files, settings, lines, and the real data."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.core import secrets
from cli.core.formats.llamastack import hashing
from cli.core.formats.llamastack.lines import locate_lines
from cli.core.library import iter_paths
from cli.core.rules import (
    ERROR,
    Finding,
    Settings,
    Tally,
    all_rules,
    unknown_prefixes,
    validate,
)
from cli.core.rules.runner import check_path
from cli.core.rules.secret_look import may_hold_key as _may_hold_key
from tests.commands.helpers import SAMPLES, copy_samples
from tests.core.rules.test_rules import GOOGLE_KEY, OPENAI_KEY, sample

SOL = "databricks-chat-stream-sol.json"


def run(paths: list[Path], **options: Any) -> dict[str, list[Finding]]:
    """{file name: findings} over the files under `paths`."""
    found = list(iter_paths(paths))
    return {path.name: findings for path, findings in validate(found, Settings(**options))}


def write(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path


def codes(findings: list[Finding]) -> list[str]:
    return sorted(finding.code for finding in findings)


# the rule table -------------------------------------------------------------------


def test_codes_are_stable_and_well_formed() -> None:
    rules = all_rules()
    assert list(rules) == sorted(rules, key=lambda code: ("SCTKLV".index(code[0]), code))
    expected = {"S": 7, "C": 9, "T": 10, "K": 5, "L": 4, "V": 6}
    assert Counter(code[0] for code in rules) == expected
    for code, rule in rules.items():
        assert rule.code == code and len(code) == 4 and code[1:].isdigit()
        assert rule.severity in ("error", "warning", "info")
        assert rule.summary.endswith(".") and rule.name == rule.name.lower()
    assert len({rule.name for rule in rules.values()}) == len(rules)


def test_prefixes() -> None:
    assert unknown_prefixes(("S", "K00", "T003", "L")) == []
    assert unknown_prefixes(("X", "S9", "s001")) == ["X", "S9", "s001"]
    chosen = Settings(select=("K", "T003"), ignore=("K002",))
    assert [chosen.wants(c) for c in ("K001", "K002", "T003", "T004", "S001")] == [
        True,
        False,
        True,
        False,
        False,
    ]


def test_fail_on_threshold() -> None:
    tally = Tally()
    tally.add([Finding("C005", "warning", "f", "/request/url", "m")])
    tally.add([])
    assert not tally.failed(Settings())
    assert tally.failed(Settings(fail_on="warning"))
    assert tally.failed(Settings(fail_on="info"))
    assert tally.to_json(Settings())["by_rule"] == {"C005": 1}
    assert (tally.files, tally.files_with_findings) == (2, 1)


# the samples and the corpus ---------------------------------------------------------


def test_samples_have_no_errors_and_count_doubled_prefixes(tmp_path: Path) -> None:
    results = run([copy_samples(tmp_path)])
    assert len(results) == len(list(SAMPLES.glob("*.json")))
    errors = [f for findings in results.values() for f in findings if f.severity == ERROR]
    assert errors == []
    doubled = {name for name, findings in results.items() if "C005" in codes(findings)}
    with_v1v1 = {p.name for p in SAMPLES.glob("*.json") if "/v1/v1/" in p.read_text()}
    assert doubled == with_v1v1 and len(doubled) == 10


@pytest.mark.corpus
def test_2025_corpus_names_all_match_under_2025(corpus_dir: Path) -> None:
    results = run([corpus_dir / "llama-stack-2025-09"], select=("L001", "L002"), hash_scheme="2025")
    assert len(results) == 437
    assert [f for findings in results.values() for f in findings] == []


@pytest.mark.corpus
def test_2026_sample_names_under_2026(corpus_dir: Path) -> None:
    root = corpus_dir / "llama-stack-2026-05-sample"
    results = run([root], select=("L001", "L002"), hash_scheme="2026")
    assert len(results) == 87
    judged = {
        path.name
        for path in iter_paths([root])
        if hashing.expected_name(json.loads(path.read_bytes()), "2026", path.name) is not None
    }
    assert len(judged) == 85  # the 2 file-processor recordings have no hash rule
    flagged = {name: codes(findings) for name, findings in results.items() if findings}
    assert flagged == {
        # a model list (no ids to go by); its twin models-9c821d96... matches the rules
        "models-009fb75503cf565d6c97f70deb8235432b0020b93d55e3b33ea093664c4bbc82-fb68f5a6.json": [
            "L002"
        ],
        # ids rec-b24590574a85: the 2025-rule hash of this same request
        "632ce0140a65d71196900f356f4790795b4504dd4bf4a31c9e3d2733f0faf2db.json": ["L002"],
        # ids rec-<own name>: the recorder chose these names, under older file-search rules
        "871e5a11e67d7e0c2d4cc31ada128bb8474d80e4ccf55935bf4dcecbd770aa34.json": ["L002"],
        "cd1ccb43066f2c84aeede013f1deb290699bdaafb26e50bcf9f92bda933f0539.json": ["L002"],
    }
    assert len(judged) - len(flagged) == 81  # 55 inference, 21 raw HTTP, 5 tool: matched


@pytest.mark.corpus
def test_auto_scheme_agrees_on_the_whole_corpus(corpus_dir: Path) -> None:
    results = run([corpus_dir], select=("L",))
    by_code = Counter(f.code for findings in results.values() for f in findings)
    assert by_code == {"L002": 4, "L004": 5}


# library rules ---------------------------------------------------------------------


def hash_named(data: dict[str, Any], scheme: str) -> str:
    name = hashing.expected_name(data, scheme)
    assert name is not None
    return name


def test_l001_wrong_2025_name(tmp_path: Path) -> None:
    data = sample(SOL)
    good = write(tmp_path / "a" / hash_named(data, "2025"), data)
    bad = write(tmp_path / "b" / "0123456789ab.json", data)
    results = run([good, bad])
    assert results[good.name] == []
    [finding] = results[bad.name]
    assert (finding.code, finding.severity, finding.pointer) == ("L001", "error", "")
    assert good.name in finding.message


def test_hash_scheme_setting(tmp_path: Path) -> None:
    data = sample(SOL)
    path = write(tmp_path / hash_named(data, "2025"), data)
    other = write(tmp_path / "x" / "my-recording.json", data)
    assert codes(run([path], hash_scheme="2026")[path.name]) == ["L001"]
    assert run([path], hash_scheme="none")[path.name] == []
    assert run([path], hash_scheme="2025")[path.name] == []
    for scheme in ("auto", "2025", "2026"):  # a name that carries no hash is not judged
        assert run([other], hash_scheme=scheme, select=("L",))[other.name] == []


def recorded_2026(body_change: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    """A 2026-layout cassette as the recorder writes it: ids `rec-<hash>`, named by hash."""
    data = {"test_id": "tests/t.py::test_sun", **sample(SOL), "id_normalization_mapping": {}}
    digest = hashing.request_hash(data, "2026")
    for item in data["response"]["body"]:
        item["__data__"].update(id=hashing.rec_id(digest), created=0)
    data["request"]["body"].update(body_change or {})
    return f"{digest}.json", data


def test_2026_names(tmp_path: Path) -> None:
    name, data = recorded_2026()
    assert run([write(tmp_path / "ok" / name, data)])[name] == []
    # renamed after recording: the ids still name the right file
    other = "f" * 64 + ".json"
    [finding] = run([write(tmp_path / "renamed" / other, data)])[other]
    assert (finding.code, finding.severity) == ("L001", "error")
    assert name in finding.message and "rec-" + name[:12] in finding.message
    # the request changed since recording, the ids still name the file: older rules, or
    # an edit; the file can't tell which
    name, data = recorded_2026({"temperature": 0.5})
    [finding] = run([write(tmp_path / "edited" / name, data)])[name]
    assert (finding.code, finding.severity) == ("L002", "warning")
    assert "rec-" + name[:12] in finding.message
    # no ids at all: nothing proves the name wrong either
    for item in data["response"]["body"]:
        del item["__data__"]["id"]
    [finding] = run([write(tmp_path / "no-ids" / name, data)])[name]
    assert finding.code == "L002" and "nothing in the file proves" in finding.message


def test_l003_same_request_twice_in_one_directory(tmp_path: Path) -> None:
    data = sample(SOL)
    first = write(tmp_path / "lib" / "first.json", data)
    data["response"]["body"] = data["response"]["body"][:3]  # another answer, same request
    data["request"]["headers"] = {"X-Trace": "1"}  # headers are not part of a request's key
    second = write(tmp_path / "lib" / "second.json", data)
    elsewhere = write(tmp_path / "other-lib" / "third.json", data)
    results = run([tmp_path], select=("L",))
    assert results[first.name] == [] and results[elsewhere.name] == []
    [finding] = results[second.name]
    assert (finding.code, finding.severity, finding.pointer) == ("L003", "warning", "/request")
    assert str(first) in finding.message


def test_l004_requests_equal_once_noise_is_removed(tmp_path: Path) -> None:
    data = sample(SOL)
    write(tmp_path / "a.json", data)
    noisy = sample(SOL)
    body = noisy["request"]["body"]
    body.update(max_tokens=None, tools=[], temperature=0.1234567)
    content = body["messages"][0]["content"]
    body["messages"][0]["content"] = [{"type": "text", "text": content}]
    data["request"]["body"]["temperature"] = 0.12346
    write(tmp_path / "a.json", data)
    write(tmp_path / "b.json", noisy)
    results = run([tmp_path], select=("L",))
    assert results["a.json"] == []
    [finding] = results["b.json"]
    assert (finding.code, finding.severity) == ("L004", "info")
    noisy["request"]["body"]["temperature"] = 0.9
    write(tmp_path / "b.json", noisy)
    assert run([tmp_path], select=("L",))["b.json"] == []


def test_model_lists_may_share_a_request(tmp_path: Path) -> None:
    data = sample("openai-model-list.json")
    write(tmp_path / "one.json", data)
    data["response"]["body"] = data["response"]["body"][:1]
    write(tmp_path / "two.json", data)
    assert all(not findings for findings in run([tmp_path], select=("L",)).values())


def test_many_files_go_through_the_process_pool(tmp_path: Path) -> None:
    data = sample(SOL)
    for index in range(60):  # above library.PARALLEL_THRESHOLD
        data["request"]["body"]["seed"] = index
        write(tmp_path / f"{index:03}.json", data)
    shutil.copy(tmp_path / "007.json", tmp_path / "999.json")
    results = run([tmp_path], select=("L", "S"))
    assert list(results) == [f"{index:03}.json" for index in range(60)] + ["999.json"]
    assert {name: codes(f) for name, f in results.items() if f} == {"999.json": ["L003"]}


# lines ------------------------------------------------------------------------------


def test_locate_lines_pretty_and_collapsed() -> None:
    value = {"a": {"b/c": [1, {"d": "x"}, []], "e": "y"}, "f": [[], [2]]}
    pretty = json.dumps(value, indent=2).encode()
    lines = locate_lines(pretty, {"/a", "/a/b~1c/1/d", "/a/e", "/f/1/0", "/missing"})
    text = pretty.decode().splitlines()
    assert lines == {"/a": 2, "/a/b~1c/1/d": 6, "/a/e": 10, "/f/1/0": 15}
    assert '"d"' in text[5] and '"e"' in text[9] and text[14].strip() == "2"
    collapsed = b"\xef\xbb\xbf" + json.dumps(value).encode()
    assert locate_lines(collapsed, {"/a/e", "/f/1/0"}) == {"/a/e": 1, "/f/1/0": 1}
    escaped = b'{\n"k\\"q": {\n"x": 1}}'
    assert locate_lines(escaped, {'/k"q/x'}) == {'/k"q/x': 3}


def test_findings_carry_lines(tmp_path: Path) -> None:
    data = sample(SOL)
    data["response"]["body"][1]["__data__"]["id"] = "other"
    path = write(tmp_path / "c.json", data)
    [finding] = run([path], select=("C006",))["c.json"]
    text = path.read_text().splitlines()
    assert finding.pointer == "/response/body/1/__data__/id"
    assert '"id": "other"' in text[finding.line - 1]


# the secret pre-filter ---------------------------------------------------------------

PIECES = [
    OPENAI_KEY,
    GOOGLE_KEY,
    "Bearer abcdefgh12345678ijkl",
    "Basic dXNlcjpwYXNzd29yZA==",
    "AKIAIOSFODNN7EXAMPLE",
    "data:image/png;base64,",
    "iVBORw0KGgoAAAANSUhEUg" * 60,
    "sk-",
    " ",
    "\n",
    "x",
    "-",
    "=",
    ",",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=8))
def test_the_file_test_never_misses_what_the_detector_finds(pieces: list[str]) -> None:
    text = "".join(pieces)
    if secrets.find_in_text(text):
        assert _may_hold_key({"a": [{"b": text}, 1.5]})


def test_a_big_file_is_read_once_for_every_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """One pass reads the items (and the head and tail beside it); the rules' passes read
    the kept items, never the file again. Findings are those of a whole-file read."""
    from cli.core.formats.llamastack import lazy

    path = SAMPLES / "vllm-chat-stream-n2.json"
    whole, _ = check_path(path, Settings())
    monkeypatch.setattr(lazy, "BIG_FILE", 0)
    opened: list[Path] = []
    real_open = lazy._open

    def counting(where: Path) -> Any:
        opened.append(where)
        return real_open(where)

    monkeypatch.setattr(lazy, "_open", counting)
    streamed, keys = check_path(path, Settings())
    assert len(opened) == 2  # the head and tail's events, and one pass over the items
    assert keys is not None and isinstance(streamed, list)
    assert [(f.code, f.pointer, f.message) for f in streamed] == [
        (f.code, f.pointer, f.message) for f in whole
    ]
