"""Scrub settings: the command line and `[tool.cassette.scrub]`, checked and merged.

Rules:
- The table holds the same settings as the flags: `headers`, `keep-headers`,
  `remove-headers`, `hosts`, `patterns`, `literals`, `literal-env` (`_` spellings work
  too). Flags add to the table's lists, never replace them: a flag given for one run
  must not quietly drop a secret the project redacts.
- `hosts` is a list of `"OLD=NEW"` or a table `{ "OLD" = "NEW" }`; `patterns` is a list of
  regexes (kind `custom`) or a table `{ kind = "regex" }`, so that a marker can name what
  it hides (`<REDACTED:acme-key>`).
- `literal-env` names environment variables whose values are redacted wherever they
  appear; a variable that is missing or empty is a usage error, not a silent no-op.
- What can't work is refused up front (UsageError, naming the file and key): unknown
  keys, wrong types, bad regexes, and host rewrites whose NEW matches an OLD (a second
  scrub would not be a no-op).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from typing import Any

from cli.config import Section
from cli.core import secrets
from cli.core.edit.scrub import ScrubOptions
from cli.errors import UsageError

KEYS = (
    "headers",
    "keep-headers",
    "remove-headers",
    "hosts",
    "patterns",
    "literals",
    "literal-env",
)


def scrub_options(
    section: Section,
    environ: Mapping[str, str],
    *,
    headers: Iterable[str] = (),
    keep_headers: Iterable[str] = (),
    remove_headers: bool = False,
    hosts: Iterable[str] = (),
    patterns: Iterable[str] = (),
    literals: Iterable[str] = (),
    literal_env: Iterable[str] = (),
) -> ScrubOptions:
    """The options for one run: the table's settings, plus the flags'."""
    table = _normalized(section)
    remove = table.get("remove-headers", False)
    if not isinstance(remove, bool):
        raise section.error("remove-headers", f"should be true or false, not {remove!r}")
    host_items = [*_pairs(section, table, "hosts"), *hosts]
    env_names = [*_strings(section, table, "literal-env"), *literal_env]
    options = ScrubOptions(
        headers=(*_strings(section, table, "headers"), *headers),
        keep_headers=(*_strings(section, table, "keep-headers"), *keep_headers),
        remove_headers=remove or remove_headers,
        hosts=tuple(parse_host(item) for item in host_items),
        patterns=(*_patterns(section, table), *patterns),
        literals=(
            *_strings(section, table, "literals"),
            *literals,
            *(_from_env(name, environ) for name in env_names),
        ),
    )
    check_options(options)
    return options


def parse_host(text: str) -> tuple[str, str]:
    """`OLD=NEW` (OLD may be a glob: `*.openai.azure.com`), checked."""
    old, equals, new = text.partition("=")
    old, new = old.strip(), new.strip()
    if not equals or not old or not new:
        raise UsageError(
            f"host rewrite {text!r}: write OLD=NEW, e.g. res.openai.azure.com=__azure__"
        )
    if any(c in new for c in "/?#@: "):
        raise UsageError(f"host rewrite {text!r}: NEW must be a bare host name")
    return old, new


def check_options(options: ScrubOptions) -> None:
    """Refuse options that can't work: bad regexes, empty literals, rewrites that chain."""
    for item in options.patterns:
        kind, pattern = item if isinstance(item, tuple) else (secrets.CUSTOM_KIND, item)
        try:
            secrets.find_in_text("", [(kind, pattern)])
        except re.error as exc:
            raise UsageError(f"pattern {pattern!r} is not a valid regex: {exc}") from None
        except ValueError as exc:
            raise UsageError(f"pattern {pattern!r}: {exc}") from None
    if any(not literal for literal in options.literals):
        raise UsageError("an empty literal would match nothing; drop it")
    for _, new in options.hosts:
        for old, _ in options.hosts:
            if fnmatchcase(new.lower(), old.lower()):
                raise UsageError(
                    f"host rewrite to {new!r} matches {old!r} again, so a second scrub would "
                    "change it once more; pick a replacement that no OLD matches"
                )


def _normalized(section: Section) -> dict[str, Any]:
    table = {str(key).replace("_", "-"): value for key, value in section.values.items()}
    for key in table:
        if key not in KEYS:
            raise section.error(key, f"unknown setting; the settings are {', '.join(KEYS)}")
    return table


def _from_env(name: str, environ: Mapping[str, str]) -> str:
    value = environ.get(name)
    if value is None:
        raise UsageError(f"--literal-env {name}: no such environment variable; export it first")
    if not value:
        raise UsageError(f"--literal-env {name}: the variable is empty; nothing to redact")
    return value


def _strings(section: Section, table: dict[str, Any], key: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise section.error(key, f"should be a list of strings, not {value!r}")
    return value


def _pairs(section: Section, table: dict[str, Any], key: str) -> list[str]:
    value = table.get(key)
    if isinstance(value, dict):
        if not all(isinstance(item, str) for item in value.values()):
            raise section.error(key, 'should map host names to strings: { "OLD" = "NEW" }')
        return [f"{old}={new}" for old, new in value.items()]
    return _strings(section, table, key)


def _patterns(section: Section, table: dict[str, Any]) -> list[secrets.ExtraPattern]:
    value = table.get("patterns")
    if isinstance(value, dict):
        if not all(isinstance(item, str) for item in value.values()):
            raise section.error("patterns", 'should map kinds to regexes: { kind = "..." }')
        return list(value.items())
    return list(_strings(section, table, "patterns"))
