"""Calm defaults: what `validate` reports by default is worth acting on.

- On real libraries, no rule that is on by default (an error or a warning) fires on more
  than a quarter of the files: a rule that does is about something replay doesn't care
  about, and belongs in `info`. The rules come from the registry, so a family added
  later is held to the same bar.
- Every default-on rule says why it matters, in every message.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from cli.core.library import Skipped, iter_paths
from cli.core.rules import Settings, all_rules, validate
from cli.core.rules.base import Context

CORPORA = ("llama-stack-2026-05-sample", "llama-stack-2025-09", "vcr")
SHARE = 0.25
DEFAULT_ON = sorted(code for code, rule in all_rules().items() if rule.default_on)


@pytest.fixture(scope="module")
def files_by_rule(corpus_dir: Path) -> dict[str, tuple[int, Counter[str]]]:
    """corpus -> (files checked, number of files each default-on rule reports on)."""
    counts = {}
    for name in CORPORA:
        root = corpus_dir / name
        files, by_rule = 0, Counter[str]()
        for _, findings in validate(iter_paths([root]), Settings(), (root,)):
            if isinstance(findings, Skipped):
                continue
            files += 1
            by_rule.update({f.code for f in findings if all_rules()[f.code].default_on})
        counts[name] = (files, by_rule)
    return counts


@pytest.mark.parametrize("code", DEFAULT_ON)
@pytest.mark.parametrize("corpus", CORPORA)
def test_no_default_rule_fires_on_a_quarter_of_a_real_library(
    corpus: str, code: str, files_by_rule: dict[str, tuple[int, Counter[str]]]
) -> None:
    files, by_rule = files_by_rule[corpus]
    assert files > 50
    assert by_rule[code] <= SHARE * files, (
        f"{code} reports on {by_rule[code]} of {files} files of {corpus}: make it info, "
        "or off by default, unless replay cares"
    )


def test_the_doubled_prefix_is_info(files_by_rule: dict[str, tuple[int, Counter[str]]]) -> None:
    """llama-stack records every OpenAI-compatible call under /v1/v1/: counted, not listed."""
    assert all_rules()["C005"].severity == "info"
    assert all("C005" not in by_rule for _, by_rule in files_by_rule.values())


@pytest.mark.parametrize("code", DEFAULT_ON)
def test_every_default_rule_says_why_it_matters(code: str) -> None:
    rule = all_rules()[code]
    assert rule.why and rule.why[0].islower() and not rule.why.endswith(".")
    ctx = Context("x.json", Settings(), all_rules())
    ctx.report(code, "", "what was found", fix="how to fix it")
    [finding] = ctx.findings
    assert finding.message == f"what was found; {rule.why}; how to fix it"
