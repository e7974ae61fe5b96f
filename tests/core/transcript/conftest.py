"""The VCR corpus, decoded once per session by the tests' own helper (`vcr_bodies`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.transcript.vcr_bodies import Entry, load_corpus


@pytest.fixture(scope="session")
def vcr_corpus(corpus_dir: Path) -> list[Entry]:
    return load_corpus(corpus_dir / "vcr")
