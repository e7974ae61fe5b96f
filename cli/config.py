"""`[tool.cassette]` settings from the nearest pyproject.toml.

Rules:
- The pyproject.toml read is the nearest one from the current directory upward, as
  pytest and ruff find theirs; a command reads only its own table,
  `[tool.cassette.<command>]`. No file, or no table, means no settings.
- Flags on the command line override the file, setting by setting.
- An unknown key, a value of the wrong type or an impossible value is a UsageError that
  names the file, the table and the key: a typo never silently turns a check off. So is
  a pyproject.toml that is not valid TOML.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.errors import UsageError

if TYPE_CHECKING:
    from cli.core.rules import Settings

PYPROJECT = "pyproject.toml"


@dataclass
class Section:
    """One `[tool.cassette.<command>]` table, and where it came from."""

    table: str
    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)

    def error(self, key: str, message: str) -> UsageError:
        return UsageError(f"[{self.table}] {key}: {message}", self.path)

    def check_keys(self, known: Iterable[str]) -> None:
        known = list(known)
        for key in self.values:
            if key not in known:
                raise self.error(key, f"unknown setting; the settings are {', '.join(known)}")

    def choice(self, key: str, choices: Iterable[str]) -> str | None:
        if key not in self.values:
            return None
        value, choices = self.values[key], list(choices)
        if not isinstance(value, str) or value not in choices:
            raise self.error(key, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def strings(self, key: str) -> tuple[str, ...] | None:
        if key not in self.values:
            return None
        value = self.values[key]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.error(key, f'should be a list of strings, like ["K", "L001"], not {value!r}')
        return tuple(value)


def find_pyproject(start: Path | None = None) -> Path | None:
    """The nearest pyproject.toml in `start` (default: the current directory) or above."""
    directory = (start or Path.cwd()).resolve()
    for candidate in (directory, *directory.parents):
        path = candidate / PYPROJECT
        try:
            if path.is_file():
                return path
        except OSError:  # a parent we may not search (EACCES): no settings from there up
            return None
    return None


def load(command: str, start: Path | None = None) -> Section:
    """The `[tool.cassette.<command>]` table of the nearest pyproject.toml."""
    section = Section(f"tool.cassette.{command}")
    path = find_pyproject(start)
    if path is None:
        return section
    section.path = path
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"not valid TOML: {exc}", path) from None
    except OSError as exc:
        raise UsageError(f"cannot read it: {exc.strerror or exc}", path) from None
    tool = document.get("tool", {}).get("cassette", {})
    if not isinstance(tool, dict):
        raise UsageError("[tool.cassette] should be a table", path)
    table = tool.get(command, {})
    if not isinstance(table, dict):
        raise UsageError(f"[{section.table}] should be a table", path)
    section.values = table
    return section


# validate ----------------------------------------------------------------------

VALIDATE_KEYS = ("select", "ignore", "fail-on", "hash-scheme")


def validate_settings(
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    fail_on: str | None = None,
    hash_scheme: str | None = None,
    start: Path | None = None,
) -> Settings:
    """`validate`'s settings: flags first, then `[tool.cassette.validate]`, then defaults.
    Rule codes are checked wherever they come from: an unknown one is a UsageError."""
    from cli.core.rules import HASH_SCHEMES, SEVERITIES, Settings, unknown_prefixes

    section = load("validate", start)
    section.check_keys(VALIDATE_KEYS)
    chosen: dict[str, Any] = {}
    for key, flag in (("select", select), ("ignore", ignore)):
        if flag is not None:
            codes = _split(flag)
            unknown = unknown_prefixes(codes)
            if unknown:
                raise UsageError(f"--{key}: no rule code starts with {', '.join(unknown)}")
        else:
            codes = tuple(code.upper() for code in section.strings(key) or ())
            unknown = unknown_prefixes(codes)
            if unknown:
                raise section.error(key, f"no rule code starts with {', '.join(unknown)}")
        chosen[key] = codes
    chosen["fail_on"] = fail_on or section.choice("fail-on", SEVERITIES) or "error"
    chosen["hash_scheme"] = hash_scheme or section.choice("hash-scheme", HASH_SCHEMES) or "auto"
    return Settings(**chosen)


def _split(values: list[str]) -> tuple[str, ...]:
    """`--select K,L001 --select T`: repeated, comma-separated, any case."""
    return tuple(
        part.strip().upper() for value in values for part in value.split(",") if part.strip()
    )
