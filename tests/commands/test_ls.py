"""cassette ls: one row per cassette, filters, sorting, totals, JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import orjson
import pytest

from tests.commands.helpers import SAMPLES, run


def ls_json(*args: str | Path) -> dict:
    result = run("ls", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_ls_rows_and_totals_on_the_samples() -> None:
    document = ls_json(SAMPLES, "--glob", "*.json")  # the llama-stack samples: one row per file
    rows = {Path(row["file"]).relative_to(SAMPLES).as_posix(): row for row in document["cassettes"]}
    assert len(rows) == len(list(SAMPLES.glob("*.json")))
    n2 = rows["vllm-chat-stream-n2.json"]
    assert (n2["choices"], n2["chunks"], n2["streaming"]) == (2, 22, True)
    assert n2["finish_reasons"] == ["stop", "stop"]
    sol = rows["databricks-chat-stream-sol.json"]
    assert (sol["input_tokens"], sol["output_tokens"]) == (20, 11)
    assert sol["first_message"] == "What's the name of the Sun in latin?"
    totals = document["totals"]
    assert totals["files"] == len(rows)
    assert totals["choices"] == sum(row["choices"] for row in rows.values())
    assert totals["streamed"] == sum(row["streaming"] for row in rows.values())


@pytest.mark.usefixtures("cli_env")
def test_ls_text_matches_golden(golden, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLES.parent)
    # the llama-stack samples; the VCR ones have their own golden
    result = run("ls", "sample_cassettes", "--glob", "*.json")
    assert result.exit_code == 0
    golden("ls/sample_cassettes.txt", result.stdout)
    assert result.stdout.splitlines()[-1].startswith(f"{len(list(SAMPLES.glob('*.json')))} files")


def test_filters() -> None:
    by_model = ls_json(SAMPLES, "--model", "meta-llama/*")["cassettes"]
    assert {"vllm-chat-stream-n2.json", "vllm-chat-stream-tool-call.json"} <= {
        Path(row["file"]).name for row in by_model
    }
    assert all(row["model_requested"].startswith("meta-llama/") for row in by_model)
    assert len(by_model) < len(ls_json(SAMPLES)["cassettes"])
    by_endpoint = ls_json(SAMPLES, "--endpoint", "/v1/embeddings")["cassettes"]
    assert [row["file"] for row in by_endpoint] == [str(SAMPLES / "openai-embeddings.json")]
    by_provider = ls_json(SAMPLES, "--provider", "CEREBRAS")["cassettes"]
    assert [Path(row["file"]).name for row in by_provider] == ["cerebras-chat-stream-capital.json"]


def test_sort_by_chunks_puts_the_longest_stream_first() -> None:
    rows = ls_json(SAMPLES, "--sort", "chunks")["cassettes"]
    chunks = [row["chunks"] for row in rows]
    assert chunks == sorted(chunks, reverse=True)


def test_bad_sort_key_is_a_usage_error() -> None:
    result = run("ls", SAMPLES, "--sort", "colour")
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1


def test_a_bad_file_is_reported_and_the_rest_listed(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_bytes(b'{"request": ')
    (tmp_path / "good.json").write_bytes((SAMPLES / "vllm-chat-stream-n2.json").read_bytes())
    result = run("ls", tmp_path, "--format", "json")
    assert result.exit_code == 2
    assert "bad.json" in result.stderr and "truncated" in result.stderr
    rows = json.loads(result.stdout)["cassettes"]
    assert [row["file"] for row in rows] == [str(tmp_path / "good.json")]


def _own_choice_count(data: dict) -> int | None:
    """Choices counted independently of the tool, for OpenAI chat and completions only."""
    body = data["response"]["body"]
    items = body if isinstance(body, list) else [body]
    indexes = set()
    for item in items:
        if not (isinstance(item, dict) and str(item.get("__type__", "")).startswith("openai")):
            return None
        payload = item["__data__"]
        if "choices" not in payload:
            return None
        indexes.update(choice["index"] for choice in payload["choices"])
    return len(indexes)


def test_ls_counts_on_the_whole_corpus(corpus_dir: Path) -> None:
    document = ls_json(corpus_dir, "--glob", "*.json")  # VCR: tests/commands/test_ls_vcr.py
    files = sorted(corpus_dir.rglob("*.json"))
    datas = {f.relative_to(corpus_dir).as_posix(): orjson.loads(f.read_bytes()) for f in files}
    rows = {
        Path(row["file"]).relative_to(corpus_dir).as_posix(): row for row in document["cassettes"]
    }
    assert set(rows) == set(datas)
    assert document["totals"]["files"] == len(files) == 524
    streamed = sum(1 for d in datas.values() if d["response"]["is_streaming"] is True)
    assert document["totals"]["streamed"] == streamed
    checked = 0
    for name, data in datas.items():
        expected = _own_choice_count(data)
        if expected is not None:
            assert rows[name]["choices"] == expected, name
            checked += 1
    assert checked > 250
    assert document["totals"]["choices"] == sum(row["choices"] for row in rows.values())


def test_ls_text_over_the_corpus_has_a_row_per_file(corpus_dir: Path) -> None:
    result = run("ls", corpus_dir, "--glob", "*.json")
    assert result.exit_code == 0
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 1 + 524 + 1
    assert lines[-1].startswith("524 files")


# written a row at a time ---------------------------------------------------------


def _sample_rows() -> list:
    from cli.commands.ls import summarize_path

    rows = [row for path in sorted(SAMPLES.glob("*.json")) for row in summarize_path(path)]
    for row in rows:
        row.file = Path(row.file).name
    return rows


@pytest.mark.parametrize("count", [0, 1, 14])
def test_rows_written_one_at_a_time_are_the_whole_list_output(count: int) -> None:
    import io

    from cli.render.ls import JsonRows, TextTable, ls_json, render_lines

    rows = _sample_rows()[:count]
    for writer, expected in (
        (JsonRows, ls_json(rows) + "\n"),
        (TextTable, "\n".join(render_lines(rows)) + "\n"),
    ):
        out = io.StringIO()
        table = writer(out)
        for row in rows:
            table.add(row)
        table.finish()
        assert out.getvalue() == expected


def test_past_the_buffer_rows_are_written_with_the_widths_already_fixed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import cli.render.ls

    monkeypatch.setattr(cli.render.ls, "BUFFERED", 3)
    result = run("ls", SAMPLES, "--glob", "*.json")
    lines = result.stdout.splitlines()
    names = sorted(path.name for path in SAMPLES.glob("*.json"))
    assert result.exit_code == 0 and len(lines) == len(names) + 2
    assert lines[0].startswith("file") and lines[-1].startswith(f"{len(names)} files")
    assert [Path(line.split()[0]).name for line in lines[1:-1]] == names
    column = lines[0].index("endpoint")  # fixed by the header and the 3 buffered rows
    assert all(line[column] == "/" and line[column - 2 : column] == "  " for line in lines[1:4])


WATSONX = "llama-stack-2026-05-sample/responses/recordings/" + (
    "24b0da19314c006dbb0d50fc0584644666528b69340917b19ce00e8e4b1d5df0.json"
)


@pytest.mark.corpus
def test_the_provider_comes_from_the_host_for_every_file(corpus_dir: Path, tmp_path: Path) -> None:
    """Issue 10, case 9: of the files calling us-south.ml.cloud.ibm.com, those whose test id
    named watsonx were labelled watsonx, the others by the bare host."""
    data = json.loads((corpus_dir / WATSONX).read_text())
    assert "us-south.ml.cloud.ibm.com" in data["request"]["url"]
    assert "txt=watsonx/" in data["test_id"]
    variants = {
        "with-test-id.json": data["test_id"],
        "no-test-id.json": None,
        "other-test-id.json": data["test_id"].replace("txt=watsonx/", "txt=ollama/"),
    }
    for name, test_id in variants.items():
        (tmp_path / name).write_bytes(orjson.dumps({**data, "test_id": test_id}))
    rows = ls_json(tmp_path, "--provider", "watsonx")["cassettes"]
    assert sorted(Path(row["file"]).name for row in rows) == sorted(variants)
    # An unknown remote host is one label for all its files, test id or not.
    data["request"]["url"] = "https://llm.example.com/v1/chat/completions"
    for name, test_id in variants.items():
        (tmp_path / name).write_bytes(orjson.dumps({**data, "test_id": test_id}))
    providers = {row["provider"] for row in ls_json(tmp_path)["cassettes"]}
    assert providers == {"llm.example.com"}


# issue 15: paths as given, totals in their columns, the terminal's width ---------------


def test_two_arguments_print_paths_as_given(tmp_path: Path) -> None:
    """Relative to each argument, two libraries gave bare hash names, the same in both."""
    for library in ("a", "b"):
        (tmp_path / library).mkdir()
        shutil.copy(
            SAMPLES / "openai-chat-nonstream.json", tmp_path / library / "0123456789ab.json"
        )
    result = run("ls", tmp_path / "a", tmp_path / "b")
    files = [line.split()[0] for line in result.stdout.splitlines()[1:-1]]
    assert files == [
        str(tmp_path / "a" / "0123456789ab.json"),
        str(tmp_path / "b" / "0123456789ab.json"),
    ]
    rows = ls_json(tmp_path / "a", tmp_path / "b")["cassettes"]
    assert [row["file"] for row in rows] == files


def right_edges(line: str, header: str) -> dict[str, int]:
    """Where each number column of `line` ends, by the header's column names."""
    return {
        name: header.index(name) + len(name)
        for name in ("choices", "chunks", "in ", "out ")
        if name.strip() in header.split()
    }


@pytest.mark.parametrize("copies", [3, 40])
def test_the_totals_row_stays_in_its_columns(
    copies: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The widths are fixed after BUFFERED rows (here 1): totals up to ten times those so
    far still sit under their headers; larger ones get a labelled line of their own."""
    import cli.render.ls

    monkeypatch.setattr(cli.render.ls, "BUFFERED", 1)
    for number in range(copies):
        for sample in ("openai-chat-stream-parallel-tool-calls.json", "vllm-chat-stream-n2.json"):
            shutil.copy(SAMPLES / sample, tmp_path / f"{number:03d}-{sample}")
    lines = run("ls", tmp_path).stdout.splitlines()
    header, totals = lines[0], lines[-1]
    chunks = 34 * copies
    if copies == 3:  # 252 input tokens: within ten times the first row's 84
        for name, total in (("chunks", f"{chunks:,}"), ("in", f"{84 * copies:,}")):
            end = header.index(f" {name} ") + 1 + len(name)
            assert totals[:end].endswith(f" {total}")
            assert all(line[end - 1] != " " for line in lines[1:-1])  # rows end there too
    else:  # 3,360 input tokens: beyond what the widths fixed after one row can hold
        assert totals == (
            f"{2 * copies} files: {2 * copies} streamed, {3 * copies} choices, "
            f"{chunks:,} chunks, {84 * copies:,} input and {51 * copies:,} output tokens"
        )


@pytest.mark.parametrize("columns", [60, 200])
def test_ls_follows_the_terminal_width(columns: int, corpus_dir: Path) -> None:
    from tests.commands.helpers import run_in_terminal

    library = corpus_dir / "llama-stack-2026-05-sample"
    shown = run_in_terminal("ls", library, "--no-color", columns=columns)
    assert shown.code == 0
    lines = [line for line in shown.text.splitlines() if line.strip()]
    assert len(lines) == 1 + 87 + 1
    assert max(len(line) for line in lines) <= columns
    assert lines[0].startswith("file")
    assert lines[-1].startswith("87 files")
    if columns == 200:  # room for the first message, not 13 squeezed characters
        start = lines[0].index("first message")
        messages = [line[start:] for line in lines[1:-1]]
        assert max(len(message) for message in messages) >= 30
        assert "…/" in lines[1]  # a path too long loses the middle of its folders
    else:  # the least needed columns go; the file, model and tokens stay
        assert lines[0].split() == ["file", "model", "in", "out"]


def test_every_filter_ignores_case() -> None:
    """One rule for all: --model and --endpoint are globs, --provider a name, none of them
    minds case."""
    upper = ls_json(SAMPLES, "--model", "META-LLAMA/*")["cassettes"]
    assert {Path(row["file"]).name for row in upper} >= {"vllm-chat-stream-n2.json"}
    assert upper == ls_json(SAMPLES, "--model", "meta-llama/*")["cassettes"]
    assert ls_json(SAMPLES, "--model", "*LLAMA-3.2*")["cassettes"]
    assert (
        ls_json(SAMPLES, "--endpoint", "/V1/EMBEDDINGS")["cassettes"]
        == (ls_json(SAMPLES, "--endpoint", "/v1/embeddings")["cassettes"])
    )
    assert (
        ls_json(SAMPLES, "--provider", "Cerebras")["cassettes"]
        == (ls_json(SAMPLES, "--provider", "cerebras")["cassettes"])
    )
    assert len(ls_json(SAMPLES, "--endpoint", "*")["cassettes"]) == 18
