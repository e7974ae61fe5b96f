"""The real VCR cassettes, read once per session (skipped without the corpus, as usual)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.core.formats.vcr.helpers import load


@dataclass(frozen=True)
class Cassette:
    path: Path
    text: str  # decoded from the bytes, CRLF and all
    data: dict


@pytest.fixture(scope="session")
def vcr_cassettes(corpus_dir: Path) -> list[Cassette]:
    """Every `*.yaml`/`*.yml` under `$CASSETTE_CORPUS/vcr` that is a VCR cassette (a mapping
    with an `interactions` list); other YAML is passed over."""
    root = corpus_dir / "vcr"
    if not root.is_dir():
        message = f"VCR corpus not found at {root}"
        if os.environ.get("CASSETTE_REQUIRE_CORPUS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    cassettes = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".yaml", ".yml") or not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8")
        data = load(text)
        if isinstance(data, dict) and isinstance(data.get("interactions"), list):
            cassettes.append(Cassette(path, text, data))
    assert len(cassettes) >= 170, f"only {len(cassettes)} VCR cassettes under {root}"
    return cassettes
