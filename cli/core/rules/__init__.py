"""`cassette validate`: the rules by family (one module each: `structure` S, `consistency`
C, `stream` T, `secrets` K, `library` L, `vcr` V), the table of them and which formats
each judges (`registry`), what they share (`base`), and the runner that applies them to
files and libraries (`runner`)."""

from cli.core.rules.base import (
    ERROR,
    HASH_SCHEMES,
    INFO,
    SEVERITIES,
    WARNING,
    Finding,
    Rule,
    Settings,
)
from cli.core.rules.registry import all_rules, finding_json, rule_by_code, unknown_prefixes
from cli.core.rules.runner import Tally, check_path, validate

__all__ = [
    "ERROR",
    "HASH_SCHEMES",
    "INFO",
    "SEVERITIES",
    "WARNING",
    "Finding",
    "Rule",
    "Settings",
    "Tally",
    "all_rules",
    "check_path",
    "finding_json",
    "rule_by_code",
    "unknown_prefixes",
    "validate",
]
