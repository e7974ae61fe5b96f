"""The editing commands and merge on VCR cassettes, through the CLI: rename-model (bodies,
events, URL paths), retime (date headers, one offset per file), normalize (noisy headers,
--keep), merge (identical content written differently, conflicts, newest by date), and
the modes: --check and --dry-run write nothing, a failing file is left as it was."""

from __future__ import annotations

import calendar
import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.core import formats
from tests.commands.helpers import copy_samples, run

pytestmark = pytest.mark.usefixtures("cli_env")
OPENAI = "vcr-openai-chat-stream.yaml"
GEMINI = "vcr-gemini-gzip.yaml"
ANTHROPIC = "vcr-anthropic-stream-tool-call.yaml"


@pytest.fixture
def samples(tmp_path: Path) -> Path:
    return copy_samples(tmp_path, vcr=True)


def interactions(path: Path) -> list[dict[str, Any]]:
    return [interaction.data for interaction in formats.read(path).interactions]


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(root.glob("*"))}


def test_rename_model_dry_run_shows_the_yaml_and_writes_nothing(samples: Path) -> None:
    before = snapshot(samples)
    result = run("rename-model", "gpt-4o-mini-2024-07-18", "zz-model", samples, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "/interactions/0/response/body/*/model: gpt-4o-mini-2024-07-18 -> zz-model" in (
        result.stdout
    )
    assert f"--- a/{OPENAI}" in result.stdout
    assert '-      string: \'data: {"id":"chatcmpl-sample0001"' in result.stdout
    assert '"model":"zz-model","system_fingerprint"' in result.stdout
    assert snapshot(samples) == before
    check = run("rename-model", "gpt-4o-mini-2024-07-18", "zz-model", samples, "--check")
    assert check.exit_code == 1 and snapshot(samples) == before


def test_rename_model_reaches_every_event_and_comes_back(samples: Path) -> None:
    path = samples / ANTHROPIC
    original = path.read_bytes()
    result = run("rename-model", "claude-sonnet-4-5-20250929", "zz-model", path, "--in-place")
    assert result.exit_code == 0, result.stderr
    text = path.read_text()
    assert "claude-sonnet-4-5-20250929" not in text and text.count('"model":"zz-model"') == 2
    shown = run("show", path, "--format", "json")
    models = {json.loads(line)["summary"]["model_answered"] for line in shown.stdout.splitlines()}
    assert models == {"zz-model"}
    back = run("rename-model", "zz-model", "claude-sonnet-4-5-20250929", path, "--in-place")
    assert back.exit_code == 0 and path.read_bytes() == original


def test_rename_model_in_a_gemini_url_and_a_gzip_body(samples: Path) -> None:
    path = samples / GEMINI
    result = run("rename-model", "gemini-2.5-flash", "zz-flash", path, "--in-place")
    assert result.exit_code == 0, result.stderr
    (data,) = interactions(path)
    assert data["request"]["url"].endswith("/v1beta/models/zz-flash:generateContent")
    assert data["response"]["body"]["modelVersion"] == "zz-flash"
    response = yaml.safe_load(path.read_text())["interactions"][0]["response"]
    assert response["headers"]["Content-Encoding"] == ["gzip"]
    body = response["body"]["string"]
    assert isinstance(body, bytes) and b"zz-flash" in gzip.decompress(body)


def test_rename_model_refuses_a_name_a_vcr_cassette_already_uses(samples: Path) -> None:
    result = run("rename-model", "gpt-4o-mini", "gemini-2.5-flash", samples, "--in-place")
    assert result.exit_code == 2
    assert "1 file already uses gemini-2.5-flash" in result.stderr


DATED = """\
interactions:
- request:
    body: null
    headers: {}
    method: GET
    uri: https://api.example.com/v1/a
  response:
    body:
      string: '{"created":1767225600,"created_at":"2026-01-01T00:00:00Z"}'
    headers:
      Date:
      - Thu, 01 Jan 2026 00:00:05 GMT
      X-Ratelimit-Remaining-Tokens:
      - '99'
      cf-ray:
      - abc
    status:
      code: 200
      message: OK
- request:
    body: null
    headers: {}
    method: GET
    uri: https://api.example.com/v1/b
  response:
    body:
      string: '{"created":1767225610}'
    headers:
      date:
      - Thu, 01 Jan 2026 00:00:20 GMT
    status:
      code: 200
      message: OK
version: 1
"""


def dated(tmp_path: Path, name: str = "dated.yaml") -> Path:
    path = tmp_path / name
    path.write_text(DATED, encoding="utf-8")
    return path


def test_retime_start_moves_a_file_of_several_interactions_as_one(tmp_path: Path) -> None:
    path = dated(tmp_path)
    result = run("retime", path, "--start", "2027-02-03T04:05:06Z", "--in-place")
    assert result.exit_code == 0, result.stderr
    first, second = interactions(path)
    # The earliest timestamp of the file (interaction 0's created) becomes WHEN; the
    # rest keep their distance to it, across interactions.
    when = calendar.timegm((2027, 2, 3, 4, 5, 6))
    assert first["response"]["body"] == {"created": when, "created_at": "2027-02-03T04:05:06Z"}
    assert first["response"]["headers"]["Date"] == ["Wed, 03 Feb 2027 04:05:11 GMT"]
    assert second["response"]["body"] == {"created": when + 10}
    assert second["response"]["headers"]["date"] == ["Wed, 03 Feb 2027 04:05:26 GMT"]


def test_retime_shift_and_back_and_epoch(tmp_path: Path) -> None:
    path = dated(tmp_path)
    assert run("retime", path, "--shift", "+36h", "--in-place").exit_code == 0
    assert interactions(path)[0]["response"]["headers"]["Date"] == ["Fri, 02 Jan 2026 12:00:05 GMT"]
    assert run("retime", path, "--shift", "-36h", "--in-place").exit_code == 0
    assert path.read_text() == DATED
    assert run("retime", path, "--epoch", "--in-place").exit_code == 0
    first, _ = interactions(path)
    assert first["response"]["headers"]["Date"] == ["Thu, 01 Jan 1970 00:00:00 GMT"]
    assert first["response"]["body"] == {"created": 0, "created_at": "1970-01-01T00:00:00.000000Z"}


def test_normalize_drops_noisy_response_headers_but_those_kept(tmp_path: Path) -> None:
    path = dated(tmp_path)
    result = run("normalize", path, "--keep", "DATE", "--in-place", "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["files"][0]["changes"] == [
        "/interactions/0/response/headers: removed X-Ratelimit-Remaining-Tokens, cf-ray"
    ]
    first, second = interactions(path)
    assert list(first["response"]["headers"]) == ["Date"]
    assert list(second["response"]["headers"]) == ["date"]
    assert run("normalize", path, "--in-place").exit_code == 0
    first, second = interactions(path)
    assert first["response"]["headers"] == second["response"]["headers"] == {}
    assert "    headers: {}\n    status:" in path.read_text()


# A merge key (`<<`) in a response: readable YAML, which the surgical writer won't edit.
MERGE_KEY = DATED.replace(
    "  response:\n    body:", "  response:\n    <<: {version: 1}\n    body:", 1
)


def test_a_file_that_cannot_be_rewritten_is_left_as_it_was(tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    broken = library / "a.yaml"
    broken.write_text(MERGE_KEY, encoding="utf-8")
    good = dated(library, "b.yaml")
    before = broken.read_bytes()
    result = run("retime", library, "--shift", "+1h", "--in-place")
    assert result.exit_code == 2
    assert broken.read_bytes() == before
    assert good.read_text() != DATED  # the others are still edited
    errors = [line for line in result.stderr.splitlines() if "a.yaml" in line]
    assert len(errors) == 1 and "merge key" in errors[0], result.stderr


def test_merge_keeps_one_of_two_files_that_differ_only_in_layout(tmp_path: Path) -> None:
    first, second, into = tmp_path / "one", tmp_path / "two", tmp_path / "merged"
    first.mkdir()
    second.mkdir()
    dated(first, "t.yaml")
    value = yaml.safe_load(DATED)
    (second / "t.yaml").write_text(yaml.dump(value, width=40, default_style='"'))
    result = run("merge", first, second, "--into", into, "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert (into / "t.yaml").read_text() == DATED
    assert json.loads(result.stdout)["conflicts"] == []


def test_merge_of_different_vcr_files_is_a_conflict_newest_by_date(tmp_path: Path) -> None:
    older, newer, into = tmp_path / "older", tmp_path / "newer", tmp_path / "merged"
    older.mkdir()
    newer.mkdir()
    dated(older, "t.yaml")
    later = DATED.replace("Thu, 01 Jan 2026 00:00:20 GMT", "Fri, 02 Jan 2026 00:00:20 GMT")
    (newer / "t.yaml").write_text(later)
    os.utime(newer / "t.yaml", (1_000_000, 1_000_000))  # older on disk: the date decides
    assert run("merge", newer, older, "--into", into).exit_code == 1
    assert not into.exists()
    result = run("merge", older, newer, "--into", into, "--on-conflict", "newest")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert (into / "t.yaml").read_text() == later


def test_scrub_leaves_clean_vcr_cassettes_as_they_are(samples: Path) -> None:
    before = snapshot(samples)
    result = run("scrub", samples, "--in-place", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "passed_over" not in json.loads(result.stdout)["summary"]
    assert {name: before[name] for name in before if name.endswith(".yaml")} == {
        name: value for name, value in snapshot(samples).items() if name.endswith(".yaml")
    }
    assert run("scrub", samples / OPENAI, "--check").exit_code == 0
