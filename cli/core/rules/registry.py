"""The rule table: every rule family, in the order their checks run and their codes are
documented (README). Adding a family is adding it to `FAMILIES`; each family module holds
`RULES` and a `check(ctx)` function.
"""

from __future__ import annotations

import functools
from typing import Any

from cli.core.rules import consistency, library, secrets, stream, structure
from cli.core.rules.base import Finding, Rule

FAMILIES = (structure, consistency, stream, secrets, library)


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
