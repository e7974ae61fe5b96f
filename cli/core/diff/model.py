"""The vocabulary of `cassette diff`: options, results, and JSON-pointer handling.

Rules:
- Results are small, picklable and JSON-ready: they cross process boundaries and become
  `diff --format json` as they are (`FileDiff.to_json`, `DiffReport.to_json`).
- A `Change` names what changed in words (`field`), and, inside a structured value,
  where (`path`: `location`, `properties.unit.enum[1]`). Strict mode adds the raw changes
  (section `json`), whose `field` is the JSON pointer (`/response/body/3/__data__/id`).
- `--ignore` pointers are removed from both sides before anything is compared (`without`);
  `*` matches every key or index at its level.
- The comparisons themselves live in `diff_values`, `diff_request`, `diff_response`,
  `diff_files` (two files) and `diff_library` (two trees).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from cli.core import pointer

# FileDiff.status values
UNCHANGED = "unchanged"
CHANGED = "changed"
ADDED = "added"
REMOVED = "removed"
ERROR = "error"
PASSED_OVER = "passed_over"  # a pair a walk found that is not a cassette: a note, no count

STATUSES = (ADDED, REMOVED, CHANGED, UNCHANGED)
MORE = "more"  # Change.kind: `new` differences in this value were left unlisted

MAX_CHANGES = 100  # per file: a re-recorded stream can differ in thousands of places
STRUCTURED_LIMIT = 20  # per structured value (one tool schema, one embedding list)

# Response fields that differ on every recording and say nothing about the answer.
NOISE_KEYS = frozenset(
    {
        "id",
        "created",
        "created_at",
        "system_fingerprint",
        "service_tier",
        "time_info",
        "obfuscation",  # OpenAI pads stream chunks with random text of random length
    }
)


@dataclass(frozen=True)
class DiffOptions:
    strict: bool = False
    ignore: tuple[tuple[str, ...], ...] = ()  # parsed JSON pointers

    @classmethod
    def from_flags(cls, strict: bool = False, ignore: list[str] | None = None) -> DiffOptions:
        """`ignore` holds JSON pointers (checked by the caller: `pointer.is_pointer`)."""
        return cls(strict=strict, ignore=tuple(pointer.split(p) for p in ignore or []))


@dataclass
class Change:
    section: str  # request | response | file (other top-level keys) | json (strict)
    field: str
    kind: str  # changed | added | removed | more
    old: Any = None
    new: Any = None
    path: str | None = None  # inside a structured value
    words: list[tuple[str, str]] | None = None  # ("=" | "-" | "+", text), for text fields


@dataclass
class FileDiff:
    old: str | None  # display names: relative in a directory diff
    new: str | None
    status: str
    renamed: bool = False
    changes: list[Change] = field(default_factory=list)
    omitted: int = 0  # changes beyond MAX_CHANGES, counted but not listed
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class DiffReport:
    """Counts over every compared file; `files` keeps only those worth listing."""

    old: str
    new: str
    files: list[FileDiff] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys((*STATUSES, "renamed", "errors"), 0)
    )
    passed_over: list[str] = field(default_factory=list)  # why each was passed over
    # Renamed files by status, for the text summary, which counts them apart; the JSON
    # summary counts every file under its status, and the renamed ones again.
    renamed_by_status: dict[str, int] = field(default_factory=dict)

    def add(self, result: FileDiff) -> None:
        if result.status == PASSED_OVER:
            self.passed_over.append(result.error or str(result.new or result.old))
            return
        if result.status == ERROR:
            self.counts["errors"] += 1
        else:
            self.counts[result.status] += 1
        if result.renamed:
            self.counts["renamed"] += 1
            self.renamed_by_status[result.status] = self.renamed_by_status.get(result.status, 0) + 1
        if result.status != UNCHANGED or result.renamed:
            self.files.append(result)

    def sort(self) -> None:
        self.files.sort(key=lambda item: (item.new or item.old or "", item.old or ""))

    @property
    def failed(self) -> bool:
        """A file could not be read."""
        return bool(self.counts["errors"])

    @property
    def differs(self) -> bool:
        counts = self.counts
        return bool(counts[ADDED] or counts[REMOVED] or counts[CHANGED] or counts["renamed"])

    def to_json(self, options: DiffOptions) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "strict": options.strict,
            "ignore": [pointer.join(p) for p in options.ignore],
            "summary": dict(self.counts)
            | ({"passed_over": len(self.passed_over)} if self.passed_over else {}),
            "files": [item.to_json() for item in self.files],
        }


def cap(changes: list[Change], limit: int = MAX_CHANGES) -> tuple[list[Change], int]:
    """The first `limit` changes, and how many were left out."""
    return changes[:limit], max(0, len(changes) - limit)


def without(value: Any, pointers: tuple[tuple[str, ...], ...]) -> Any:
    """`value` with every pointer's target removed; copies only what it changes."""
    for target in pointers:
        value = _remove(value, target)
    return value


def _remove(value: Any, pointer: tuple[str, ...]) -> Any:
    if not pointer:
        return value
    head, rest = pointer[0], pointer[1:]
    if isinstance(value, dict):
        keys = list(value) if head == "*" else [head] if head in value else []
        if not keys:
            return value
        copy = dict(value)
        for key in keys:
            if rest:
                copy[key] = _remove(copy[key], rest)
            else:
                del copy[key]
        return copy
    if isinstance(value, list):
        if head == "*":
            indexes = list(range(len(value)))
        elif head.isdigit() and int(head) < len(value):
            indexes = [int(head)]
        else:
            return value
        items = list(value)
        if not rest:
            return [item for index, item in enumerate(items) if index not in set(indexes)]
        for index in indexes:
            items[index] = _remove(items[index], rest)
        return items
    return value
