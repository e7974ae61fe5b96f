"""cassette diff on VCR.py cassettes: interaction by interaction, and non-cassettes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import yaml

from tests.commands.helpers import SAMPLES, run

TOOL_CALL = SAMPLES / "vcr-anthropic-stream-tool-call.yaml"


def _edited(tmp_path: Path, edit: Callable[[dict], object]) -> Path:
    document = yaml.load(TOOL_CALL.read_bytes(), Loader=yaml.CSafeLoader)
    edit(document)
    path = tmp_path / "edited.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, width=1000))
    return path


def changes(old: Path, new: Path) -> tuple[int, list[dict]]:
    result = run("diff", old, new, "--format", "json")
    (file,) = json.loads(result.stdout)["files"] or [{"changes": []}]
    return result.exit_code, file["changes"]


def test_the_same_cassette_in_another_layout_is_unchanged(tmp_path: Path) -> None:
    code, found = changes(TOOL_CALL, _edited(tmp_path, lambda d: None))
    assert (code, found) == (0, [])


def test_a_changed_answer_names_its_interaction(tmp_path: Path) -> None:
    def edit(document: dict) -> None:
        body = document["interactions"][1]["response"]["body"]
        body["string"] = body["string"].replace("06:41", "06:45")

    code, found = changes(TOOL_CALL, _edited(tmp_path, edit))
    assert code == 1
    assert {change["section"] for change in found} == {"interaction 1 response"}
    assert any("06:41" in json.dumps(change) for change in found)


def test_an_interaction_only_one_side_has(tmp_path: Path) -> None:
    code, found = changes(TOOL_CALL, _edited(tmp_path, lambda d: d["interactions"].pop()))
    assert code == 1
    assert found == [
        {
            "section": "interaction 1",
            "field": "interaction",
            "kind": "removed",
            "old": "POST https://api.anthropic.com/v1/messages?beta=true",
            "new": None,
            "path": None,
            "words": None,
        }
    ]


def test_a_changed_file_that_is_not_a_cassette_is_passed_over(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    for root, jobs in ((old, b"{}"), (new, b"{lint: {}}")):
        root.mkdir()
        (root / "ci.yml").write_bytes(b"name: ci\njobs: " + jobs + b"\n")
        (root / "a.yaml").write_bytes(TOOL_CALL.read_bytes())
    result = run("diff", old, new, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("cassette: ") and "ci.yml" in result.stderr
    assert json.loads(result.stdout)["summary"]["passed_over"] == 1
