"""The rule table: every rule family, in the order their codes are documented (README),
and which families judge each format, in the order their checks run.

Adding a family is adding it to `FAMILIES` and to the formats it judges. Each family
module holds `RULES` and a `check(ctx)` function (one interaction), and may hold
`check_file(ctx)` (a file as a whole). The family that reads a format's files
(`READING`) says what an unreadable file is (`unreadable(ctx, error)`).
"""

from __future__ import annotations

import functools
from types import ModuleType
from typing import Any

from cli.core.rules import consistency, library, secrets, stream, structure, vcr
from cli.core.rules.base import Finding, Rule

FAMILIES = (structure, consistency, stream, secrets, library, vcr)
# format name -> the families that judge its interactions (S and L are llama-stack's
# layout; C compares fields a VCR interaction derives from its own body and URL)
BY_FORMAT: dict[str, tuple[ModuleType, ...]] = {
    "llamastack": (structure, consistency, stream, secrets, library),
    "vcr": (vcr, stream, secrets),
}
READING: dict[str, ModuleType] = {"llamastack": structure, "vcr": vcr}


@functools.cache
def all_rules() -> dict[str, Rule]:
    return {rule.code: rule for family in FAMILIES for rule in family.RULES}


def rule_by_code(code: str) -> Rule:
    return all_rules()[code]


def unknown_prefixes(prefixes: tuple[str, ...]) -> list[str]:
    """The prefixes that match no rule code (`S`, `K00` and `T003` all match)."""
    codes = all_rules()
    return [prefix for prefix in prefixes if not any(code.startswith(prefix) for code in codes)]


def finding_json(finding: Finding) -> dict[str, Any]:
    """The documented `validate --format json` finding object."""
    return {
        "rule": rule_by_code(finding.code).name,
        "code": finding.code,
        "severity": finding.severity,
        "path": finding.path,
        "pointer": finding.pointer,
        "message": finding.message,
        "line": finding.line,
    }
