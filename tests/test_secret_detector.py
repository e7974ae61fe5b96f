"""One secret detector drives `validate` (K rules) and `scrub` (issue 10, case 3).

A key of every supported format is planted in a real streamed cassette, split over 1-4
`delta.content` chunks as a model writes it, and both commands must find every one:
`validate` reports it (K003, at the chunk where it starts) and `scrub` removes every
piece of it, after which `validate` finds nothing.
"""

from __future__ import annotations

import base64
import copy
import itertools
import json
import random
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.core import secrets
from cli.core.edit.scrub import scrub
from cli.core.rules.runner import Settings, check_path
from tests.commands.helpers import run

STREAM = "llama-stack-2025-09/0002a233aedd.json"  # an Ollama chat stream, 22 chunks
ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
UPPER_DIGITS = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"


def _text(rng: random.Random, n: int, alphabet: str = ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _letters(rng: random.Random, n: int) -> str:
    return _text(rng, n, string.ascii_letters)


def _basic(rng: random.Random) -> str:
    return base64.b64encode(f"user:{_text(rng, 14)}".encode()).decode()


def _jwt(rng: random.Random) -> str:
    head = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=").decode()
    claims = base64.urlsafe_b64encode(b'{"sub":"1234567890"}').rstrip(b"=").decode()
    return f"{head}.{claims}.{_text(rng, 43, URLSAFE)}"


def _pem(rng: random.Random) -> str:
    lines = "\n".join(_text(rng, 64, ALNUM + "+/") for _ in range(3))
    return f"-----BEGIN PRIVATE KEY-----\n{lines}\n-----END PRIVATE KEY-----"


# kind -> makers of a key to plant. Keys are random as generated keys are: all-letter
# OpenAI keys included (a known prefix needs no digit).
Maker = Callable[[random.Random], str]
MAKERS: dict[str, list[Maker]] = {
    "openai-key": [
        lambda r: "sk-proj-" + _letters(r, 48),
        lambda r: "sk-proj-" + _text(r, 74, URLSAFE) + "T3BlbkFJ" + _text(r, 74, URLSAFE),
        lambda r: "sk-" + _letters(r, 48),
        lambda r: "sk-" + _text(r, 48),
        lambda r: "sk-svcacct-" + _text(r, 60, URLSAFE),
        lambda r: "sk-admin-" + _letters(r, 40),
        lambda r: "sk-" + _text(r, 32, HEX),
    ],
    "anthropic-key": [lambda r: "sk-ant-api03-" + _text(r, 93, URLSAFE) + "AA"],
    "openrouter-key": [lambda r: "sk-or-v1-" + _text(r, 64, HEX)],
    "google-api-key": [lambda r: "AIza" + _text(r, 35, URLSAFE)],
    "aws-access-key-id": [lambda r: r.choice(["AKIA", "ASIA"]) + _text(r, 16, UPPER_DIGITS)],
    "github-pat": [lambda r: "github_pat_" + _text(r, 22) + "_" + _text(r, 59)],
    "github-token": [lambda r: r.choice(["ghp_", "gho_", "ghs_"]) + _text(r, 36)],
    "slack-token": [
        lambda r: (
            f"xoxb-{_text(r, 11, string.digits)}-{_text(r, 13, string.digits)}-" + _text(r, 24)
        )
    ],
    "slack-webhook": [
        lambda r: (
            f"https://hooks.slack.com/services/T{_text(r, 8, UPPER_DIGITS)}"
            + f"/B{_text(r, 10, UPPER_DIGITS)}/{_text(r, 24)}"
        )
    ],
    "huggingface-token": [lambda r: "hf_" + _letters(r, 34)],
    "groq-key": [lambda r: "gsk_" + _text(r, 52)],
    "databricks-token": [lambda r: "dapi" + _text(r, 32, HEX)],
    "tavily-key": [lambda r: "tvly-dev-" + _letters(r, 32)],
    "nvidia-key": [lambda r: "nvapi-" + _text(r, 40) + _text(r, 24, URLSAFE)],
    "xai-key": [lambda r: "xai-" + _letters(r, 80)],
    "perplexity-key": [lambda r: "pplx-" + _text(r, 48)],
    "replicate-token": [lambda r: "r8_" + _text(r, 37)],
    "jwt": [_jwt],
    "private-key": [_pem],
    "bearer-token": [lambda r: "Bearer " + _text(r, 40)],
    "basic-auth": [lambda r: "Basic " + _basic(r)],
    "aws-secret-access-key": [
        lambda r: f"<SecretAccessKey>{_text(r, 40, ALNUM + '/+')}</SecretAccessKey>"
    ],
    "aws-session-token": [lambda r: f"<SessionToken>{_text(r, 120, ALNUM + '/+')}</SessionToken>"],
}


def secret_of(text: str) -> str:
    """What the detector reports: the credential of `Bearer`/`Basic` or of an STS XML
    element, else the key."""
    if text.startswith("<"):
        return text.split(">", 1)[1].split("<", 1)[0]
    return text.split(" ", 1)[1] if text.startswith(("Bearer ", "Basic ")) else text


BEFORE = ["Here it is: ", "export KEY='", "(", "\n", "KEY="]
AFTER = [" thanks", "'", ")", "\n", ", ok"]  # a boundary: the next chunk is text


def test_every_format_of_the_detector_is_planted() -> None:
    kinds = {f.kind for f in (*secrets.KEY_FORMATS, *secrets.CONTEXT_FORMATS)}
    assert set(MAKERS) == kinds


@pytest.fixture(scope="module")
def stream(corpus_dir: Path) -> dict[str, Any]:
    return json.loads((corpus_dir / STREAM).read_text())


def plant(base: dict[str, Any], text: str, cuts: list[int], at: int, before: str, after: str):
    """`text` written over len(cuts) + 1 chunks' `delta.content`, from chunk `at`."""
    data = copy.deepcopy(base)
    deltas = [item["__data__"]["choices"][0]["delta"] for item in data["response"]["body"]]
    bounds = [0, *cuts, len(text)]
    pieces = [text[a:b] for a, b in itertools.pairwise(bounds)]
    pieces[0], pieces[-1] = before + pieces[0], pieces[-1] + after
    for offset, piece in enumerate(pieces):
        deltas[at + offset]["content"] = piece
    return data


def stream_text(data: dict[str, Any]) -> str:
    return "".join(
        item["__data__"]["choices"][0]["delta"].get("content") or ""
        for item in data["response"]["body"]
    )


def k003(path: Path) -> list[str]:
    findings, _ = check_path(path, Settings(select=("K",)))
    assert isinstance(findings, list)
    return [f.pointer + " " + f.message for f in findings if f.code == "K003"]


@st.composite
def plantings(draw: st.DrawFn) -> tuple[str, str, str, list[int], int, str, str]:
    kind = draw(st.sampled_from(sorted(MAKERS)))
    maker = draw(st.sampled_from(MAKERS[kind]))
    # A seeded generator: hypothesis shrinks the seed, never the key into `aaaa...` (which
    # is no generated key: formats ask for a random-looking run).
    text = maker(random.Random(draw(st.integers(0, 2**32))))
    secret = secret_of(text)
    count = draw(st.integers(1, 4))
    cuts = sorted(
        draw(st.sets(st.integers(1, len(text) - 1), min_size=count - 1, max_size=count - 1))
    )
    at = draw(st.integers(1, 21 - count))  # chunk 0 carries the role, the last the finish
    return kind, text, secret, cuts, at, draw(st.sampled_from(BEFORE)), draw(st.sampled_from(AFTER))


@pytest.mark.corpus
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(planting=plantings())
def test_validate_and_scrub_find_every_planted_key(
    stream: dict[str, Any], tmp_path_factory: pytest.TempPathFactory, planting
) -> None:
    kind, text, secret, cuts, at, before, after = planting
    data = plant(stream, text, cuts, at, before, after)
    path = tmp_path_factory.mktemp("planted") / "cassette.json"
    path.write_text(json.dumps(data, indent=2) + "\n")
    where = at + sum(cut <= text.index(secret) for cut in cuts)  # the secret's chunk
    start = f"/response/body/{where}/__data__/choices/0/delta/content "
    found = k003(path)
    assert [line for line in found if line.startswith(start) and kind in line], found
    assert any(secrets.mask(secret) in line for line in found), found
    changes = scrub(data)  # what `scrub --check` reports, and `--in-place` writes
    assert changes
    joined = stream_text(data)
    assert secret not in joined and f"<REDACTED:{kind}>" in joined
    path.write_text(json.dumps(data, indent=2) + "\n")
    assert k003(path) == []
    assert scrub(data) == []


@pytest.mark.corpus
@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_both_commands_find_a_key_split_over_three_chunks(
    stream: dict[str, Any], tmp_path: Path, kind: str
) -> None:
    """Issue 10, case 3: `scrub --check` found an sk-proj- key split over three chunks,
    `validate` did not; an all-letter key was missed by both."""
    text = MAKERS[kind][0](random.Random(kind))
    secret = secret_of(text)
    third = len(text) // 3
    data = plant(stream, text, [third, 2 * third], 5, "my key is ", " ok")
    path = tmp_path / "cassette.json"
    path.write_text(json.dumps(data, indent=2) + "\n")
    report = json.loads(run("validate", path, "--select", "K", "--format", "json").stdout)
    assert [(f["code"], f["pointer"]) for f in report["findings"]] == [
        ("K003", "/response/body/5/__data__/choices/0/delta/content")
    ]
    assert kind in report["findings"][0]["message"]
    check = run("scrub", path, "--check", "--format", "json")
    assert check.exit_code == 1
    assert run("scrub", path, "--in-place").exit_code == 0
    assert secret not in path.read_text()
    assert run("validate", path, "--select", "K").exit_code == 0


@pytest.mark.corpus
def test_an_all_letter_key_in_a_message_is_scrubbed_as_well_as_in_the_header(
    stream: dict[str, Any], tmp_path: Path
) -> None:
    """Issue 10, case 3: an sk-proj- key of 48 letters was flagged only in the header and
    left in the user message by `scrub --in-place`; an all-letter sk- key was missed too."""
    rng = random.Random(10)
    proj, bare = "sk-proj-" + _letters(rng, 48), "sk-" + _letters(rng, 48)
    data = copy.deepcopy(stream)
    data["request"]["headers"] = {"Authorization": f"Bearer {proj}"}
    messages = data["request"]["body"]["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    messages[1]["content"] += f" My key: {bare}."
    messages[3]["content"] += f" Try this one: {proj}"
    path = tmp_path / "cassette.json"
    path.write_text(json.dumps(data, indent=2) + "\n")
    report = json.loads(run("validate", path, "--select", "K", "--format", "json").stdout)
    codes = sorted((f["code"], f["pointer"]) for f in report["findings"])
    assert codes == [
        ("K001", "/request/headers/Authorization"),
        ("K003", "/request/body/messages/1/content"),
        ("K003", "/request/body/messages/3/content"),
    ]
    assert run("scrub", path, "--in-place").exit_code == 0
    text = path.read_text()
    assert proj not in text and bare not in text
    assert run("validate", path, "--select", "K").exit_code == 0
